/**
 * CSV load time through the data engineer's `loadCsv` (src/data/csv.ts):
 * first load of the full MNIST training CSV (no parse cache yet: the parse
 * plus writing the cache) and second load (served from the cache). The
 * file is written fresh into a temporary folder, so the operating system
 * has it in its page cache for both loads: "cold" means "no parse cache",
 * not "not on disk".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface CsvTiming {
  status: 'ok' | 'not available' | 'failed';
  reason?: string;
  file?: string;
  megabytes?: number;
  rows?: number;
  coldSeconds?: number;
  cachedSeconds?: number;
  pandasSeconds?: number;
  pandasReason?: string;
}

type LoadCsv = (file: string, options?: Record<string, unknown>) =>
  Promise<{ rows: number }>;
type WriteMnistCsv = (folder: string, options?: { overwrite?: boolean }) =>
  Promise<unknown>;

/**
 * Writes MNIST as CSV into a fresh temporary folder, loads it twice and
 * optionally times pandas on the same file; removes the folder after.
 */
export async function timeCsvLoad(
  pandas?: (file: string) => Promise<{ seconds?: number; reason?: string }>,
): Promise<CsvTiming> {
  let loadCsv: LoadCsv | undefined;
  let writeMnistCsv: WriteMnistCsv | undefined;
  try {
    loadCsv = (await import('../../src/data/csv.js')).loadCsv;
    writeMnistCsv = (await import('../../src/data/mnist.js')).writeMnistCsv;
  } catch (err) {
    return { status: 'not available', reason: firstLine(err) };
  }
  if (loadCsv === undefined || writeMnistCsv === undefined) {
    return {
      status: 'not available',
      reason: 'src/data has no loadCsv or writeMnistCsv yet',
    };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-bench-csv-'));
  try {
    await writeMnistCsv(folder, { overwrite: true });
    const file = path.join(folder, 'mnist_train.csv');
    const options = { label: 'label', scale: 255, cache: true };
    let start = performance.now();
    const cold = await loadCsv(file, options);
    const coldSeconds = (performance.now() - start) / 1000;
    start = performance.now();
    await loadCsv(file, options);
    const cachedSeconds = (performance.now() - start) / 1000;
    const timing: CsvTiming = {
      status: 'ok',
      file: 'mnist_train.csv (written fresh from the bundled MNIST)',
      megabytes: fs.statSync(file).size / 1e6,
      rows: cold.rows,
      coldSeconds,
      cachedSeconds,
    };
    if (pandas !== undefined) {
      const p = await pandas(file);
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

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!;
}
