import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliWithData,
  config,
  expectFailure,
  HEADER,
  kerasModel,
  removeTmp,
  rows,
  savedModels,
  sklearnModel,
  trio,
  write,
  writeConfig,
  writeData,
} from './helpers.js';

// What a new user met in a first session with the README, through the
// real `trio`: late layer-size errors, relative paths, the backend's name,
// silent parse caches, stale report charts and --quiet saving without a
// word. (inspect --no-label: test/cli/inspect.test.ts.)

let main: string;
let tmp: string;
let nodeInstalled: boolean;

beforeAll(async () => {
  ({ main, tmp } = cliWithData('trio-first-run-'));
  try {
    await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string);
    nodeInstalled = true;
  } catch {
    nodeInstalled = false;
  }
});
afterAll(() => removeTmp(tmp));

/** `trio compare name --quiet` on models, in folder dir (default tmp). */
async function compare(name: string, models: object[], extra: string[] = [],
  dir = tmp) {
  writeConfig(dir, name, config(models));
  return await trio(main, ['compare', name, '--quiet', ...extra], dir);
}

describe('layer sizes that do not fit the data', () => {
  // They failed one model at a time, after the models before had trained.
  it('are refused before any model trains, naming the key', async () => {
    fs.rmSync(path.join(tmp, 'out'), { recursive: true, force: true });
    const ke = kerasModel() as { layers: Record<string, unknown>[] };
    ke.layers[0]!['input_shape'] = [3];
    ke.layers[1]!['units'] = 5;
    const run = await compare('sizes.yaml', [sklearnModel(), ke]);
    expectFailure(run, 'trio: sizes.yaml: 2 model settings do not fit the ' +
      'data (4 feature columns, 3 classes); nothing was trained:\n' +
      '  models[1].layers[0].input_shape: is [3] but the data has 4 ' +
      'feature columns.\n' +
      '  models[1].layers[1].units: the last layer has 5 units but the ' +
      'data has 3 classes; give it 3, one per class.\n');
    expect(run.stderr).not.toContain('ConvergenceWarning');
    expect(savedModels(tmp)).toEqual([]);
  });
});

describe('relative data paths', () => {
  it('name the key, the folder searched and the path to write',
    async () => {
      // The tutorial layout: the CSVs beside the config, trio run above.
      const x = path.join(tmp, 'x');
      writeData(path.join(x, 'cfg'));
      writeConfig(x, 'cfg/good.yaml', config([sklearnModel()],
        { test: 'cfg/test.csv' }));
      const run = await trio(main, ['compare', 'cfg/good.yaml'], x);
      expectFailure(run, 'trio: cfg/good.yaml: dataset.train: train.csv: ' +
        `the file does not exist in ${fs.realpathSync(x)} (paths are ` +
        'relative to where trio runs); cfg/train.csv exists, so write ' +
        'that path.\n');
      expect(run.stdout).toBe('');
    });
});

describe('the backend is called node, as users type it', () => {
  it('in the banner and in --json', async () => {
    const banner = await compare('ok.yaml', [sklearnModel()]);
    expect(banner.code, banner.stderr).toBe(0);
    const json = await compare('ok.yaml', [sklearnModel()], ['--json']);
    expect(json.code, json.stderr).toBe(0);
    const backend = JSON.parse(json.stdout).backend;
    if (nodeInstalled) {
      expect(banner.stdout).toMatch(/^Backend: node\n/);
      expect(backend).toEqual({ name: 'node', skipped: [] });
    } else {
      expect(banner.stdout).toMatch(/^Backend: wasm \(node skipped: /);
      expect(backend.skipped.map((s: { name: string }) => s.name))
        .toEqual(['node']);
    }
    // tfjs's own name for tfjs-node's backend stays inside tfjs-trio.
    expect(json.stdout).not.toContain('"tensorflow"');
  });

  it('when --backend node cannot start', async () => {
    if (nodeInstalled) {
      return;
    }
    const run = await trio(main, ['compare', 'ok.yaml', '--backend',
      'node'], tmp);
    expectFailure(run, "trio: The 'node' backend was requested but could " +
      'not start: @tensorflow/tfjs-node is not installed\n');
  });
});

describe('predict and evaluate', () => {
  beforeAll(async () => {
    const run = await compare('ok.yaml', [sklearnModel()]);
    expect(run.code, run.stderr).toBe(0);
  });

  it('say which backend runs, on stderr', async () => {
    const predict = await trio(main, ['predict', 'out/sk', 'test.csv',
      '--backend', 'cpu'], tmp);
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.stderr).toBe('Backend: cpu\n');
    expect(predict.stdout).toMatch(/^prediction\n\d\n/);
    const evaluate = await trio(main, ['evaluate', 'out/sk', 'test.csv',
      '--backend', 'cpu'], tmp);
    expect(evaluate.code, evaluate.stderr).toBe(0);
    expect(evaluate.stderr).toBe('Backend: cpu\n');
    expect(evaluate.stdout).toMatch(/^Model: /);
  });

  it('refuse --label given with --no-label, naming the flag', async () => {
    for (const args of [['predict', 'out/sk', 'test.csv'],
      ['evaluate', 'out/sk', 'test.csv'], ['inspect', 'test.csv']]) {
      expectFailure(await trio(main, [...args, '--label', 'label',
        '--no-label'], tmp), 'trio: --label was given more than once (or ' +
        'with --no-label too); give it once.');
    }
  });

  it('and inspect leave no parse cache beside the CSV', async () => {
    // Over the cache's 1 MiB floor; only compare reads its data again.
    const dir = path.join(tmp, 'big');
    write(dir, 'big.csv', `${[HEADER, ...rows(70_000, 5)
      .map((r) => r.join(','))].join('\n')}\n`);
    expect(fs.statSync(path.join(dir, 'big.csv')).size)
      .toBeGreaterThan(1 << 20);
    const caching: string[] = [];
    for (const args of [['inspect', 'big/big.csv'],
      ['predict', 'out/sk', 'big/big.csv'],
      ['evaluate', 'out/sk', 'big/big.csv']]) {
      const run = await trio(main, args, tmp);
      expect(run.code, run.stderr).toBe(0);
      if (fs.existsSync(path.join(dir, '.trio-cache'))) {
        caching.push(args[0]!);
        fs.rmSync(path.join(dir, '.trio-cache'), { recursive: true });
      }
    }
    expect(caching).toEqual([]);
    // The file is one the cache takes.
    writeConfig(dir, 'c.yaml', config([sklearnModel()],
      { train: 'big.csv', test: '../test.csv' }));
    const run = await trio(main, ['compare', 'c.yaml', '--quiet'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.readdirSync(dir)).toContain('.trio-cache');
  });
});

describe('--report into the folder of an earlier run', () => {
  it('removes the charts of models no longer compared', async () => {
    const first = await compare('two.yaml', [sklearnModel(), kerasModel()],
      ['--report', 'rep']);
    expect(first.code, first.stderr).toBe(0);
    write(tmp, 'rep/notes.txt', 'mine');
    writeConfig(tmp, 'one.yaml', config([kerasModel()]));
    const run = await trio(main, ['compare', 'one.yaml', '--report', 'rep'],
      tmp);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Report written to rep (removed ' +
      'sk-loss.svg, sk-confusion.svg, charts of models no longer ' +
      'compared)\n');
    expect(fs.readdirSync(path.join(tmp, 'rep')).sort()).toEqual([
      'ke-confusion.svg', 'ke-loss.svg', 'notes.txt', 'report.html',
    ]);
  });
});

describe('--quiet', () => {
  it('still names where each model was saved, on stderr', async () => {
    fs.rmSync(path.join(tmp, 'out'), { recursive: true, force: true });
    const first = await compare('ok.yaml', [sklearnModel()]);
    expect(first.code, first.stderr).toBe(0);
    const folder = path.join(fs.realpathSync(tmp), 'out', 'sk');
    expect(first.stderr).toContain(`sk saved to ${folder}\n`);
    expect(first.stdout).not.toContain('saved to');
    const again = await compare('ok.yaml', [sklearnModel()]);
    expect(again.stderr).toContain(`sk saved to ${folder} (replacing the ` +
      'model saved there before)\n');
  });
});
