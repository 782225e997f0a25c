import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The benchmark on a few hundred rows: it must run every subject, leave
// no tensor alive, and write JSON that agrees with its tables. No time is
// asserted (speed targets are read off the benchmark itself).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../..');
const run = promisify(execFile);

interface Row {
  subject: string;
  batch: number;
  status: string;
  secondsPerEpoch?: number;
  runSeconds?: number[];
  medianSecondsPerEpoch?: number;
  leakedTensors?: number;
}

let folder: string;
let stdout: string;
let json: {
  backend: string;
  options: { rounds: number };
  training: Row[];
  csv?: unknown;
  targets: {
    target: string;
    measured: string;
    measuredByMedians?: string;
    met?: boolean;
  }[];
};

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-bench-test-'));
  const out = path.join(folder, 'bench.json');
  ({ stdout } = await run(process.execPath, [
    '--import', 'tsx', path.join(ROOT, 'scripts/bench.ts'),
    '--rows', '300', '--batches', '64,300', '--rounds', '2', '--no-csv',
    '--backend', 'wasm', '--json', out,
  ], { cwd: ROOT, maxBuffer: 1 << 22 }));
  json = JSON.parse(fs.readFileSync(out, 'utf8'));
}, 300_000);

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

describe('npm run bench', () => {
  const subjects = ['reference', 'reference+l2', 'sklearn', 'keras',
    'torch'];

  it('trains every subject at every batch size, twice', () => {
    expect(json.backend).toBe('wasm');
    expect(json.options.rounds).toBe(2);
    expect(json.training.map((r) => `${r.subject}@${r.batch}`).sort())
      .toEqual(subjects.flatMap((s) => [`${s}@64`, `${s}@300`]).sort());
    for (const row of json.training) {
      expect([row.subject, row.status]).toEqual([row.subject, 'ok']);
      expect(row.runSeconds).toHaveLength(2);
    }
  });

  it('reports the fastest run beside the median, and leaks no tensor', () => {
    for (const row of json.training) {
      const [a, b] = row.runSeconds!;
      expect(row.secondsPerEpoch).toBe(Math.min(a!, b!));
      expect(row.medianSecondsPerEpoch).toBeCloseTo((a! + b!) / 2, 12);
      expect([row.subject, row.leakedTensors]).toEqual([row.subject, 0]);
    }
    const line = stdout.split('\n').find((l) => l.startsWith('keras '))!;
    const keras = json.training.find((r) =>
      r.subject === 'keras' && r.batch === 64)!;
    expect(line).toContain(`${keras.secondsPerEpoch!.toFixed(2)} ` +
      `(${keras.medianSecondsPerEpoch!.toFixed(2)})`);
  });

  it('prints each facade against its own plain-tfjs baseline', () => {
    const epoch = (s: string, b: number) => json.training
      .find((r) => r.subject === s && r.batch === b)!.secondsPerEpoch!;
    const lines = stdout.split('\n');
    const row = (label: string) => lines.find((l) => l.startsWith(label))!
      .trim().split(/\s+/).slice(-2);
    const want = (facade: string, base: string) =>
      [64, 300].map((b) => `${(epoch(facade, b) / epoch(base, b))
        .toFixed(2)}x`);
    expect(row('sklearn / reference+l2'))
      .toEqual(want('sklearn', 'reference+l2'));
    expect(row('keras / reference')).toEqual(want('keras', 'reference'));
    expect(row('torch / reference')).toEqual(want('torch', 'reference'));
    expect(stdout).toContain('skipped (--no-csv)');
  });

  it('judges the plain-tfjs target on the worst facade, the rest unmeasured',
    () => {
      const epoch = (s: string, b: number) => json.training
        .find((r) => r.subject === s && r.batch === b)!.secondsPerEpoch!;
      const ratios = [64, 300].flatMap((b) => [
        epoch('sklearn', b) / epoch('reference+l2', b),
        epoch('keras', b) / epoch('reference', b),
        epoch('torch', b) / epoch('reference', b),
      ]);
      const worst = Math.max(...ratios);
      const plain = json.targets.find((t) => t.target.includes('plain'))!;
      expect(plain.met).toBe(worst <= 1.05);
      expect(plain.measured).toContain(`${worst.toFixed(2)}x`);
      // Beside the verdict, the worst case from the median rounds.
      const median = (s: string, b: number) => json.training
        .find((r) => r.subject === s && r.batch === b)!
        .medianSecondsPerEpoch!;
      const worstMedian = Math.max(...[64, 300].flatMap((b) => [
        median('sklearn', b) / median('reference+l2', b),
        median('keras', b) / median('reference', b),
        median('torch', b) / median('reference', b),
      ]));
      expect(plain.measuredByMedians).toContain(
        `${worstMedian.toFixed(2)}x (${worstMedian <= 1.05 ? 'within' : 'over'}`);
      expect(json.targets.filter((t) => t.met === undefined)).toHaveLength(5);
      // Medians are shown for the measured training target only.
      expect(json.targets.filter((t) => t.measuredByMedians !== undefined))
        .toEqual([plain]);
    });
});

describe('npm run bench, when a facade fails or an option repeats', () => {
  it('counts a failed facade against the plain-tfjs target', async () => {
    // One row holds one class, which scikit-learn's model refuses.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-bench-fail-'));
    try {
      const out = path.join(dir, 'bench.json');
      await run(process.execPath, [
        '--import', 'tsx', path.join(ROOT, 'scripts/bench.ts'),
        '--rows', '1', '--batches', '32', '--rounds', '1', '--no-csv',
        '--subjects', 'reference,reference+l2,sklearn', '--json', out,
      ], { cwd: ROOT, maxBuffer: 1 << 22 });
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as typeof json;
      const sklearn = report.training.find((r) => r.subject === 'sklearn')!;
      expect(sklearn.status).toBe('failed');
      const plain = report.targets.find((t) => t.target.includes('plain'))!;
      expect(plain).toMatchObject({
        measured: 'sklearn at batch 32 failed', met: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a batch size given twice', async () => {
    const failure = await run(process.execPath, [
      '--import', 'tsx', path.join(ROOT, 'scripts/bench.ts'),
      '--batches', '200,200', '--no-csv',
    ], { cwd: ROOT }).then(() => undefined, (err: unknown) =>
      err as { code: number; stderr: string });
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(
      "--batches names a batch size more than once: '200,200'");
  });
});
