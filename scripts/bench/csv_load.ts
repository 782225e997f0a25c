/**
 * CSV load time through `loadCsv` (src/data/csv.ts) on the full MNIST
 * training CSV, each load in a fresh Node process as a user's run would
 * be:
 *   - first: no parse cache yet (the parse plus writing the cache);
 *   - second: served from the cache the first load wrote;
 *   - csv-parse alone: `engine: 'csv-parse'`, no cache, for comparison.
 * The file is written fresh into a temporary folder, so the operating
 * system has it in its page cache for every load: "cold" means "no parse
 * cache", not "not on disk". The first and second loads (and pandas) are
 * repeated `rounds` times, the parse cache deleted before each first
 * load, and each is reported by its fastest round with the median beside
 * it, as the training times are (NOTE [best of N] in scripts/bench.ts);
 * csv-parse alone runs once.
 *
 * NOTE [fresh processes]: timed inside the benchmark's own process after
 * training, or as a third load in one process, the cached load measured
 * 0.4-0.6 s against 0.1 s in a fresh process; a user's second run is a
 * fresh process.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { removeFolder, runTracked, trackFolder } from './children.js';
import { pandasReadCsv } from './peers.js';
import { median } from './table.js';

export interface CsvTiming {
  status: 'ok' | 'not available' | 'failed';
  reason?: string;
  file?: string;
  megabytes?: number;
  rows?: number;
  /** Fastest first load (parse + write the cache). */
  coldSeconds?: number;
  /** Fastest second load (from the cache). */
  cachedSeconds?: number;
  /** Every round's first and second load, and their medians. */
  coldRuns?: number[];
  cachedRuns?: number[];
  coldMedian?: number;
  cachedMedian?: number;
  /** How the second load was served: 'hit' when the cache worked. */
  cachedStatus?: string;
  /** A load with `engine: 'csv-parse'` and no cache. */
  csvParseSeconds?: number;
  /** Fastest of the rounds' pandas.read_csv, with every round's time. */
  pandasSeconds?: number;
  pandasRuns?: number[];
  pandasMedian?: number;
  pandasReason?: string;
}

type Phase = 'first' | 'second' | 'csv-parse';

interface PhaseResult {
  seconds: number;
  rows: number;
  cache: string;
}

/**
 * Writes MNIST as CSV into a fresh temporary folder; loads it once
 * untimed, then `rounds` times first and second in fresh processes (and,
 * with `peers`, pandas), then once with csv-parse alone; removes the
 * folder after, or when the run is interrupted.
 */
export async function timeCsvLoad(peers: boolean, rounds = 1):
  Promise<CsvTiming> {
  const { writeMnistCsv } = await import('../../src/data/mnist.js');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-bench-csv-'));
  trackFolder(folder);
  try {
    await writeMnistCsv(folder, { overwrite: true });
    const file = path.join(folder, 'mnist_train.csv');
    const cold: number[] = [];
    const cached: number[] = [];
    const pandas: number[] = [];
    let second: PhaseResult | undefined;
    let first: PhaseResult | undefined;
    let pandasReason: string | undefined;
    // Untimed: the first load after the file is written ran 1.2-1.6 s
    // in every run, the later first loads 0.7-0.9 s.
    await inChild('first', file);
    for (let round = 0; round < rounds; round++) {
      fs.rmSync(path.join(folder, '.trio-cache'),
        { recursive: true, force: true });
      first = await inChild('first', file);
      second = await inChild('second', file);
      cold.push(first.seconds);
      cached.push(second.seconds);
      if (peers) {
        const p = await pandasReadCsv(file);
        pandasReason = p.reason;
        if (p.seconds !== undefined) {
          pandas.push(p.seconds);
        }
      }
    }
    const csvParse = await inChild('csv-parse', file);
    const timing: CsvTiming = {
      status: 'ok',
      file: 'mnist_train.csv (written fresh from the bundled MNIST)',
      megabytes: fs.statSync(file).size / 1e6,
      rows: first!.rows,
      coldSeconds: Math.min(...cold),
      cachedSeconds: Math.min(...cached),
      coldRuns: cold,
      cachedRuns: cached,
      coldMedian: median(cold),
      cachedMedian: median(cached),
      cachedStatus: second!.cache,
      csvParseSeconds: csvParse.seconds,
    };
    if (peers) {
      if (pandas.length > 0) {
        timing.pandasSeconds = Math.min(...pandas);
        timing.pandasRuns = pandas;
        timing.pandasMedian = median(pandas);
      }
      timing.pandasReason = pandasReason;
    }
    return timing;
  } catch (err) {
    return { status: 'failed', reason: firstLine(err) };
  } finally {
    removeFolder(folder);
  }
}

async function inChild(phase: Phase, file: string): Promise<PhaseResult> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await runTracked(process.execPath,
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
