import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliWithData,
  config,
  expectFailure,
  expectNoStack,
  HEADER,
  removeTmp,
  rows,
  savedModels,
  sklearnModel,
  trio,
  write,
  writeConfig,
  writeData,
} from './helpers.js';

// Issue 8, "tried as a new user would, from the README alone": bad inputs
// beyond the list. None may print a stack trace, exit 0 on bad
// input or train on bad data.

let main: string;
let tmp: string;

beforeAll(async () => {
  ({ main, tmp } = cliWithData('trio-new-user-'));
  const cfg = writeConfig(tmp, 'ok.yaml', config([sklearnModel()]));
  expect((await trio(main, ['compare', cfg, '--quiet'], tmp)).code)
    .toBe(0);
});
afterAll(() => removeTmp(tmp));

const OK = () => config([sklearnModel()]);
const YAML_OK = () => fs.readFileSync(path.join(tmp, 'ok.yaml'), 'utf8');
const DATA = (n: number, seed: number) =>
  rows(n, seed).map((r) => r.join(','));

describe('the command line itself', () => {
  it.each([
    [[], 'Name a command: compare, inspect, predict or evaluate'],
    [['compair', 'ok.yaml'], 'Did you mean compare?'],
    [['compare', 'ok.yaml', '--epochs', '3'], 'Unknown argument: epochs'],
    [['compare'], 'Not enough non-option arguments: got 0, need at least 1'],
  ])('trio %j: usage error, exit 2', async (args, message) => {
    const run = await trio(main, args as string[], tmp);
    expectFailure(run, message, 2);
  });

  it.each([
    [['compare', 'ok.yaml', '--backend', 'gpu'], "trio: The 'backend' " +
      "parameter of tfjs-trio must be one of 'node', 'wasm' or 'cpu'. " +
      "Got 'gpu' instead.\n"],
    [['inspect', 'train.csv', '--rows', '0'], "trio: The '--rows' " +
      'parameter of trio inspect must be a positive integer. Got 0 ' +
      'instead.\n'],
    [['inspect', 'train.csv', '--delimiter', ';;'], "trio: The " +
      "'--delimiter' parameter of trio inspect must be one character " +
      "other than a quote or a line end, such as ',' or ';' (a tab: " +
      "--delimiter $'\\t' in bash). Got ';;' instead.\n"],
    [['predict', 'out/sk', 'train.csv', '--proba=maybe'], "trio: The " +
      "'--proba' parameter of trio predict must be given without a value " +
      "(--proba) or as --proba=true or --proba=false. Got 'maybe' " +
      'instead.\n'],
    [['predict', 'out/sk', 'train.csv', '--no-header=true'], "trio: " +
      "The '--no-header' parameter of trio predict must be given without " +
      "a value, as --no-header. Got 'true' instead.\n"],
    [['inspect', 'train.csv', '--no-label=false'], "trio: The " +
      "'--no-label' parameter of trio inspect must be given without a " +
      "value, as --no-label. Got 'false' instead.\n"],
    [['predict', 'out/sk', 'train.csv', '--out'], "trio: The '--out' " +
      'parameter of trio predict must be a file path (such as --out ' +
      "predictions.csv). Got '' instead.\n"],
    [['compare', 'ok.yaml', '--report', '', '--quiet'], "trio: The " +
      "'--report' parameter of trio compare must be a folder path (such " +
      "as --report out/). Got '' instead.\n"],
  ])('trio %j: refused before any work, exit 1', async (args, message) => {
    const run = await trio(main, args as string[], tmp);
    expectFailure(run, message);
    expect(run.stdout).toBe('');
  });
});

describe('the wrong kind of file', () => {
  it('a folder as the config', async () => {
    const run = await trio(main, ['compare', 'out'], tmp);
    expectFailure(run, 'trio: out: not a file (it is a folder or a ' +
      'device); give the path of a YAML or JSON config.\n');
  });

  it('a CSV file as the config', async () => {
    const run = await trio(main, ['compare', 'train.csv'], tmp);
    expectFailure(run, 'trio: train.csv: the config must be a mapping of ' +
      'keys to values, but the file reads as one line of text (a CSV or ' +
      'data file?); give the YAML or JSON config, such as ' +
      'configs/mnist.yaml.\n');
    expect(run.stderr.length).toBeLessThan(300);
  });

  it('a model folder given to inspect', async () => {
    const run = await trio(main, ['inspect', 'out/sk'], tmp);
    expectFailure(run, 'trio: out/sk: not a file (it is a directory or a ' +
      'device); give the path of a CSV file.\n');
  });

  it('a folder as the CSV of trio predict', async () => {
    const run = await trio(main, ['predict', 'out/sk', 'out'], tmp);
    expectFailure(run, 'trio: out: not a file (it is a directory or a ' +
      'device); give the path of a CSV file.\n');
  });

  it('a model folder whose weights.bin is missing', async () => {
    fs.cpSync(path.join(tmp, 'out', 'sk'), path.join(tmp, 'broken'),
      { recursive: true });
    fs.rmSync(path.join(tmp, 'broken', 'weights.bin'));
    const run = await trio(main, ['predict', 'broken', 'test.csv'], tmp);
    const at = fs.realpathSync(tmp);
    expectFailure(run, `trio: Weight file ${at}/broken/weights.bin named ` +
      `in ${at}/broken/model.json is missing.\n`);
  });

  it('an unlabelled CSV given to trio evaluate', async () => {
    write(tmp, 'features.csv', ['a,b,c,d',
      ...DATA(20, 3).map((l) => l.replace(/^\d,/, ''))].join('\n'));
    const run = await trio(main, ['evaluate', 'out/sk', 'features.csv'],
      tmp);
    expectFailure(run, "trio: features.csv, line 1: there is no label " +
      "column 'label'. The columns are 'a', 'b', 'c' and 'd'.\n");
  });

  it('--out naming the input file leaves the input intact', async () => {
    const before = fs.readFileSync(path.join(tmp, 'test.csv'));
    const run = await trio(main, ['predict', 'out/sk', 'test.csv',
      '--out', 'test.csv'], tmp);
    expectFailure(run, 'trio: --out test.csv is the input file; write ' +
      'the predictions elsewhere.\n');
    expect(fs.readFileSync(path.join(tmp, 'test.csv'))).toEqual(before);
  });
});

describe('config files a new user writes', () => {
  async function refused(name: string, text: string, message: string) {
    write(tmp, name, text);
    const run = await trio(main, ['compare', name], tmp);
    expectFailure(run, `trio: ${name}: ${message}\n`);
    expect(run.stdout).toBe('');
  }

  it('JSON with comments', async () => {
    await refused('commented.json',
      `{\n  "seed": 1, // the seed\n  "output": "out"\n}\n`,
      'line 2, column 14: JSON does not allow comments; remove them, or ' +
        "write the config in YAML, where '#' starts a comment.");
  });

  it('an empty file', async () => {
    await refused('empty.yaml', '', 'the config must be a mapping of keys ' +
      'to values; got null.');
  });

  it('tabs for indentation', async () => {
    await refused('tabs.yaml', 'dataset:\n\ttrain: train.csv\n',
      'not valid YAML or JSON at line 2, column 1: Tabs are not allowed ' +
        'as indentation.');
  });

  it('a key given twice', async () => {
    await refused('twice.yaml', `${YAML_OK()}seed: 2\n`,
      'not valid YAML or JSON at line 16, column 1: Map keys must be ' +
        'unique.');
  });

  it('no models', async () => {
    await refused('nomodels.yaml',
      'dataset: {train: train.csv, test: test.csv}\nmodels: []\n',
      'models: must be a non-empty list of models; got [].');
  });

  it('no dataset, and a model without a facade', async () => {
    await refused('nodataset.yaml', 'models: [{name: a, facade: sklearn}]\n',
      'dataset: the dataset must be a mapping of keys to values; got ' +
        'nothing (the key is missing).');
    await refused('nofacade.yaml',
      'dataset: {train: train.csv, test: test.csv}\nmodels: [{name: a}]\n',
      "models[0].facade: must be one of 'sklearn', 'keras' or 'torch'; " +
        'got nothing (the key is missing).');
  });

  it('a negative scale', async () => {
    await refused('negscale.yaml', YAML_OK().replace('scale: 255',
      'scale: -255'), 'dataset.scale: must be a positive number ' +
      '(features are divided by it); got -255.');
  });

  it('a seed that is not an integer', async () => {
    await refused('seed.yaml', YAML_OK().replace('seed: 1', 'seed: 1.5'),
      'seed: must be an integer in [0, 4294967295]; got 1.5.');
  });

  it('a model name that climbs out of the output folder', async () => {
    await refused('evil.yaml', YAML_OK().replace('name: sk',
      'name: ../evil'), "models[0].name: must start with a letter or " +
      "digit and hold only letters, digits, '.', '_' or '-' (it names a " +
      "folder); got '../evil'.");
  });

  it('a model name too long for a folder', async () => {
    await refused('long.yaml', YAML_OK().replace('name: sk',
      `name: ${'m'.repeat(300)}`), 'models[0].name: must be at most 200 ' +
      'characters (it names a folder); got 300.');
  });

  it('Windows line endings and a byte-order mark train as usual',
    async () => {
      write(tmp, 'crlf.yaml', `\uFEFF${YAML_OK().replace(/\n/g, '\r\n')
        .replace('output: out', 'output: out-crlf')}`);
      const run = await trio(main, ['compare', 'crlf.yaml', '--quiet'],
        tmp);
      expectNoStack(run);
      expect(run.code, run.stderr).toBe(0);
      expect(savedModels(tmp, 'out-crlf')).toEqual(['sk']);
    });

  it('paths with spaces train as usual', async () => {
    const dir = path.join(tmp, 'my data');
    writeData(dir);
    writeConfig(dir, 'my config.yaml', config([sklearnModel()], {
      train: 'my data/train.csv', test: 'my data/test.csv' },
    { output: 'my models' }));
    const run = await trio(main, ['compare', 'my data/my config.yaml',
      '--quiet'], tmp);
    expectNoStack(run);
    expect(run.code, run.stderr).toBe(0);
    expect(savedModels(tmp, 'my models')).toEqual(['sk']);
  });

  it('an output that is a file: refused before training', async () => {
    write(tmp, 'outfile', 'not a folder');
    writeConfig(tmp, 'outfile.yaml', { ...OK(), output: 'outfile' });
    const run = await trio(main, ['compare', 'outfile.yaml'], tmp);
    expectFailure(run, "trio: the config's output outfile is a file, not " +
      'a folder (each model is saved in a sub-folder); name a folder.\n');
    expect(run.stdout).not.toContain('Data:');
  });
});

describe('CSV files a new user brings', () => {
  async function refused(name: string, text: string, message: string) {
    const dir = path.join(tmp, name);
    write(dir, 'train.csv', text);
    fs.copyFileSync(path.join(tmp, 'test.csv'), path.join(dir, 'test.csv'));
    writeConfig(dir, 'c.yaml', OK());
    const run = await trio(main, ['compare', 'c.yaml'], dir);
    expectFailure(run, `trio: ${message}\n`);
    expect(savedModels(dir)).toEqual([]);
  }

  it('a label column that is all empty', async () => {
    await refused('emptylabels', [HEADER,
      ...DATA(50, 4).map((l) => l.replace(/^\d/, ''))].join('\n'),
    "train.csv, line 2, column 1 ('label'): the label is empty; every " +
      'row needs a class label.');
  });

  it('a header that names a column twice', async () => {
    await refused('duplicates', ['label,a,a,c,d', ...DATA(50, 4)]
      .join('\n'), "train.csv, line 1, column 3 ('a'): column 2 has the " +
      'same name; every column needs its own name.');
  });

  it('a file of only labels', async () => {
    await refused('onlylabels', ['label', ...DATA(50, 4)
      .map((l) => l[0])].join('\n'), 'train.csv, line 1: the file has a ' +
      'single column; it needs a label column and at least one feature ' +
      'column.');
  });

  it('huge label names train and report', async () => {
    const dir = path.join(tmp, 'hugelabels');
    const big = (l: string) => `${'x'.repeat(2000)}${l}`;
    write(dir, 'train.csv', [HEADER, ...DATA(300, 1).map(big)].join('\n'));
    write(dir, 'test.csv', [HEADER, ...DATA(100, 2).map(big)].join('\n'));
    writeConfig(dir, 'c.yaml', OK());
    const run = await trio(main, ['compare', 'c.yaml'], dir);
    expectNoStack(run);
    expect(run.stdout).toContain('4 features, 3 classes.');
    expect(run.code, run.stderr).toBe(0);
  });
});
