import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { expect } from 'vitest';

const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILDS = path.join(ROOT, '.scratch', 'bad-input-dist');

/**
 * Compiles src/ once per source version into .scratch/ (ignored by git),
 * so every test file of this folder spawns the real `node .../main.js`
 * without racing other engineers' `npm run build` into dist/. Files that
 * run in parallel wait for the one that builds (a mkdir lock).
 */
export function buildCli(): string {
  const hash = sourceHash();
  const out = path.join(BUILDS, hash);
  const done = path.join(out, '.done');
  const lock = `${out}.lock`;
  const deadline = Date.now() + 240_000;
  while (!fs.existsSync(done)) {
    fs.mkdirSync(BUILDS, { recursive: true });
    let mine = false;
    try {
      fs.mkdirSync(lock);
      mine = true;
    } catch {
      // Another file builds; a lock older than 4 minutes is stale.
      const since = fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 240_000) {
        fs.rmSync(lock, { recursive: true, force: true });
      }
    }
    if (mine) {
      try {
        // Type errors in work in progress elsewhere still emit JavaScript;
        // the check below needs only the CLI's entry.
        spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', out,
          '--declaration', 'false', '--sourceMap', 'false'],
        { cwd: ROOT, stdio: 'ignore' });
        if (!fs.existsSync(path.join(out, 'cli', 'main.js'))) {
          throw new Error(`tsc did not emit ${out}/cli/main.js`);
        }
        fs.writeFileSync(done, '');
        pruneBuilds(out);
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
    } else if (Date.now() > deadline) {
      throw new Error(`waited 4 minutes for the build in ${out}`);
    } else {
      spawnSync('sleep', ['0.5']);
    }
  }
  return path.join(out, 'cli', 'main.js');
}

/** Removes builds of older sources not used for an hour. */
function pruneBuilds(keep: string): void {
  for (const name of fs.readdirSync(BUILDS)) {
    const dir = path.join(BUILDS, name);
    const stat = fs.statSync(path.join(dir, '.done'),
      { throwIfNoEntry: false });
    if (dir !== keep && stat !== undefined &&
      Date.now() - stat.mtimeMs > 3_600_000) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function sourceHash(): string {
  const hash = createHash('sha1');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(file);
      } else if (entry.name.endsWith('.ts')) {
        hash.update(file).update(fs.readFileSync(file));
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  hash.update(fs.readFileSync(path.join(ROOT, 'tsconfig.json')));
  return hash.digest('hex').slice(0, 16);
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node main.js ...args` in `cwd` and collects its output. */
export function trio(main: string, args: string[], cwd: string):
  Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], {
      cwd,
      env: { ...process.env, TRIO_DEBUG: '', FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * A failed run: exit code `code`, `message` on stderr (a string must
 * appear as is, a RegExp must match), and no stack trace anywhere.
 */
export function expectFailure(
  run: Run,
  message: string | RegExp,
  code = 1,
): void {
  expectNoStack(run);
  if (typeof message === 'string') {
    expect(run.stderr).toContain(message);
  } else {
    expect(run.stderr).toMatch(message);
  }
  expect(run.code).toBe(code);
}

/** No `    at f (file:line:col)` frames and no uncaught-error banner. */
export function expectNoStack(run: Run): void {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toMatch(/^\s+at .*[(\s]\S+:\d+:\d+\)?$/m);
    expect(text).not.toMatch(/node:internal|Uncaught|Node\.js v\d/);
  }
}

/**
 * The built CLI and a fresh folder (named from `prefix`) holding the
 * shared data files; `removeTmp` deletes the folder after the tests.
 */
export function cliWithData(prefix: string): { main: string; tmp: string } {
  const tmp = makeTmp(prefix);
  writeData(tmp);
  return { main: buildCli(), tmp };
}

export function removeTmp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function makeTmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Rows of 4 features in 0..255 and a label 0, 1 or 2: the index of the
 * largest of the first three features (learnable, so fits are sane).
 * A fixed LCG makes the files the same on every run.
 */
export function rows(n: number, seed: number): number[][] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * 256);
  };
  return Array.from({ length: n }, () => {
    const f = [next(), next(), next(), next()];
    const top = f.slice(0, 3);
    return [top.indexOf(Math.max(...top)), ...f];
  });
}

export const HEADER = 'label,a,b,c,d';

/** Writes `text` to dir/name and returns the path. */
export function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** train.csv (300 rows) and test.csv (100 rows) in `dir`. */
export function writeData(dir: string): void {
  const csv = (r: number[][]) =>
    `${[HEADER, ...r.map((x) => x.join(','))].join('\n')}\n`;
  write(dir, 'train.csv', csv(rows(300, 1)));
  write(dir, 'test.csv', csv(rows(100, 2)));
}

/** A small, fast model of each facade (4 features, 3 classes). */
export function sklearnModel(name = 'sk', args: object = {}): object {
  return { name, facade: 'sklearn',
    args: { hidden_layer_sizes: [8], max_iter: 2, random_state: 1,
      ...args } };
}

export function kerasModel(name = 'ke', fit: object = {},
  compile: object = {}): object {
  return { name, facade: 'keras',
    layers: [
      { type: 'Dense', units: 8, activation: 'relu', input_shape: [4] },
      { type: 'Dense', units: 3, activation: 'softmax' },
    ],
    compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
      ...compile },
    fit: { epochs: 2, batch_size: 32, ...fit } };
}

export function torchModel(name = 'to', extra: object = {}): object {
  return { name, facade: 'torch',
    model: [
      { type: 'Linear', in_features: 4, out_features: 8 },
      'ReLU',
      { type: 'Linear', in_features: 8, out_features: 3 },
    ],
    loss: 'CrossEntropyLoss',
    optimizer: { type: 'Adam', lr: 0.01 },
    dataloader: { batch_size: 32, shuffle: true },
    epochs: 2,
    ...extra };
}

/** A whole config over train.csv / test.csv, output `out`. */
export function config(models: object[], dataset: object = {},
  top: object = {}): object {
  return {
    dataset: { train: 'train.csv', test: 'test.csv', label: 'label',
      scale: 255, ...dataset },
    seed: 1,
    output: 'out',
    models,
    ...top,
  };
}

/** Writes a config as YAML and returns its file name. */
export function writeConfig(dir: string, name: string, value: object):
  string {
  write(dir, name, stringify(value));
  return name;
}

/** The folders under dir/out (the saved models), sorted. */
export function savedModels(dir: string, out = 'out'): string[] {
  const folder = path.join(dir, out);
  return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
}
