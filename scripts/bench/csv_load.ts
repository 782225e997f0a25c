/**
 * CSV load time through `loadCsv` (src/data/csv.ts) on the full MNIST
 * training CSV, each load in a fresh Node process as a user's run would
 * be:
 *   - first: no parse cache yet (the parse plus writing the cache);
 *   - second: served from the cache the first load wrote;
 *   - csv-parse alone: `engine: 'csv-parse'`, no cache, for comparison.
 * The file is written fresh into a temporary folder, so the operating
 * system has it in its page cache for every load: "cold" means "no parse
 * cache", not "not on disk".
 *
 * NOTE [fresh processes]: timed inside the benchmark's own process after
 * training, or as a third load in one process, the cached load measured
 * 0.4-0.6 s against 0.1 s in a fresh process; a user's second run is a
 * fresh process.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { pandasReadCsv } from './peers.js';

export interface CsvTiming {
  status: 'ok' | 'not available' | 'failed';
  reason?: string;
  file?: string;
  megabytes?: number;
  rows?: number;
  coldSeconds?: number;
  cachedSeconds?: number;
  /** How the second load was served: 'hit' when the cache worked. */
  cachedStatus?: string;
  /** A load with `engine: 'csv-parse'` and no cache. */
  csvParseSeconds?: number;
  pandasSeconds?: number;
  pandasReason?: string;
}

type Phase = 'first' | 'second' | 'csv-parse';

interface PhaseResult {
  seconds: number;
  rows: number;
  cache: string;
}

const run = promisify(execFile);

/**
 * Writes MNIST as CSV into a fresh temporary folder, loads it in three
 * fresh processes and, with `peers`, times pandas on the same file;
 * removes the folder after.
 */
export async function timeCsvLoad(peers: boolean): Promise<CsvTiming> {
  const { writeMnistCsv } = await import('../../src/data/mnist.js');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-bench-csv-'));
  try {
    await writeMnistCsv(folder, { overwrite: true });
    const file = path.join(folder, 'mnist_train.csv');
    const first = await inChild('first', file);
    const second = await inChild('second', file);
    const csvParse = await inChild('csv-parse', file);
    const timing: CsvTiming = {
      status: 'ok',
      file: 'mnist_train.csv (written fresh from the bundled MNIST)',
      megabytes: fs.statSync(file).size / 1e6,
      rows: first.rows,
      coldSeconds: first.seconds,
      cachedSeconds: second.seconds,
      cachedStatus: second.cache,
      csvParseSeconds: csvParse.seconds,
    };
    if (peers) {
      const p = await pandasReadCsv(file);
      timing.pandasSeconds = p.seconds;
      timing.pandasReason = p.reason;
    }
    return timing;
  } catch (err) {
    return { status: 'failed', reason: firstLine(err) };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

async function inChild(phase: Phase, file: string): Promise<PhaseResult> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await run(process.execPath,
    ['--import', 'tsx', self, phase, file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as PhaseResult;
}

/** One timed load in this process: what a child runs. */
async function timePhase(phase: Phase, file: string): Promise<PhaseResult> {
  const { loadCsv } = await import('../../src/data/csv.js');
  const options = phase === 'csv-parse'
    ? { label: 'label', scale: 255, cache: false, engine: 'csv-parse' as const }
    : { label: 'label', scale: 255, cache: true };
  const start = performance.now();
  const data = await loadCsv(file, options);
  const seconds = (performance.now() - start) / 1000;
  if (phase === 'second' && data.cache !== 'hit') {
    throw new Error(`the second load was not served from the cache ` +
      `(cache: ${data.cache})`);
  }
  return { seconds, rows: data.rows, cache: data.cache };
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  const text = e.stderr?.trim() || e.message || String(err);
  return text.split('\n').at(-1)!;
}

if (process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [phase, file] = process.argv.slice(2) as [Phase, string];
  process.stdout.write(`${JSON.stringify(await timePhase(phase, file))}\n`);
}
