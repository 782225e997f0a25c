import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/data/atomic.js';
import { loadCsv } from '../../src/data/csv.js';
import {
  ensureMnistCsv,
  mnistMatrix,
  readMnistIdx,
  writeMnistCsv,
} from '../../src/data/mnist.js';
import { tempFolder } from './helpers.js';

let folder: { dir: string; remove: () => void };
let train: string;
let test: string;

beforeAll(async () => {
  folder = tempFolder();
  const result = await writeMnistCsv(folder.dir);
  train = result.train.path;
  test = result.test.path;
  expect([result.train.written, result.test.written]).toEqual([true, true]);
});

afterAll(() => folder.remove());

/**
 * Reads the file byte by byte (no CSV library) and checks each number
 * against the IDX files: label then 784 pixels per row, `\n` line ends.
 */
function checkAgainstIdx(file: string, split: 'train' | 'test'): number {
  const raw = readMnistIdx(split);
  const bytes = fs.readFileSync(file);
  let at = bytes.indexOf(10) + 1;
  let rows = 0;
  let mismatches = 0;
  let value = 0;
  let field = 0;
  for (; at < bytes.length; at++) {
    const c = bytes[at]!;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      continue;
    }
    const expected = field === 0
      ? raw.labels[rows]!
      : raw.pixels[rows * 784 + field - 1]!;
    mismatches += value === expected ? 0 : 1;
    value = 0;
    if (c === 44) {
      field++;
    } else {
      expect(c).toBe(10);
      mismatches += field === 784 ? 0 : 1;
      field = 0;
      rows++;
    }
  }
  expect(mismatches).toBe(0);
  return rows;
}

describe('writeMnistCsv', () => {
  it("writes the tutorial's header", () => {
    const header = fs.readFileSync(test, 'utf8').split('\n', 1)[0]!;
    const names = header.split(',');
    expect(names).toHaveLength(785);
    expect(names.slice(0, 4)).toEqual(['label', '1x1', '1x2', '1x3']);
    // Row-major: 1x28 is followed by 2x1.
    expect(names.slice(28, 30)).toEqual(['1x28', '2x1']);
    expect(names.at(-1)).toBe('28x28');
  });

  it('writes 60,000 and 10,000 rows equal to the IDX files', () => {
    expect(checkAgainstIdx(train, 'train')).toBe(60_000);
    expect(checkAgainstIdx(test, 'test')).toBe(10_000);
  });

  it('reads back through loadCsv as mnistMatrix gives it', async () => {
    const data = await loadCsv(test, { scale: 255, cache: false });
    const direct = mnistMatrix('test', { scale: 255 });
    expect([data.rows, data.x.cols]).toEqual([10_000, 784]);
    expect(data.featureNames[0]).toBe('1x1');
    let differ = 0;
    for (let i = 0; i < direct.x.data.length; i++) {
      differ += data.x.data[i] === direct.x.data[i] ? 0 : 1;
    }
    expect(differ).toBe(0);
    expect(Buffer.from((data.y as Int32Array).buffer).equals(
      Buffer.from(direct.y.buffer))).toBe(true);
  });

  it('keeps existing files unless told to overwrite', async () => {
    fs.writeFileSync(test, 'label,a\n1,2\n');
    const kept = await writeMnistCsv(folder.dir);
    expect([kept.train.written, kept.test.written]).toEqual([false, false]);
    expect(fs.readFileSync(test, 'utf8')).toBe('label,a\n1,2\n');
    const redone = await ensureMnistCsv(train, test, { overwrite: true });
    expect([redone.train.written, redone.test.written]).toEqual([true, true]);
    expect(checkAgainstIdx(test, 'test')).toBe(10_000);
    expect(fs.readdirSync(folder.dir).sort()).toEqual(
      ['mnist_test.csv', 'mnist_train.csv'],
    );
  });

  it('writes a missing file only, into a new folder', async () => {
    const other = path.join(folder.dir, 'nested', 'data');
    const result = await ensureMnistCsv(path.join(other, 'tr.csv'), test);
    expect([result.train.written, result.test.written]).toEqual([true, false]);
    expect(fs.readdirSync(other)).toEqual(['tr.csv']);
  });

  // Non-regression: `train: .scratch/cfg/sub/` (a missing folder) failed
  // with "ENOENT: ... open '.scratch/cfg/sub/.tmp-21692-pfkptx'". A path
  // names the CSV file itself; a folder is refused before anything is
  // written or created.
  it('refuses a path that names a folder, writing nothing', async () => {
    const sub = path.join(folder.dir, 'cfg', 'sub');
    await expect(ensureMnistCsv(`${sub}/`, test)).rejects.toThrow(
      `The MNIST train CSV path '${sub}/' cannot be written: it ends ` +
        "with '/', so it names a folder. Give the path of the CSV file " +
        `itself, such as '${path.join(sub, 'mnist_train.csv')}'.`);
    expect(fs.existsSync(path.join(folder.dir, 'cfg'))).toBe(false);
    fs.mkdirSync(sub, { recursive: true });
    await expect(ensureMnistCsv(train, sub)).rejects.toThrow(
      `The MNIST test CSV path '${sub}' cannot be written: it is a ` +
        'folder. Give the path of the CSV file itself, such as ' +
        `'${path.join(sub, 'mnist_test.csv')}'.`);
    await expect(ensureMnistCsv('', test)).rejects.toThrow(
      "The MNIST train CSV path '' cannot be written: the path is empty. " +
        "Give the path of the CSV file itself, such as 'mnist_train.csv'.");
    expect(fs.readdirSync(sub)).toEqual([]);
    fs.rmSync(path.join(folder.dir, 'cfg'), { recursive: true });
  });
});

describe('writeFileAtomic', () => {
  it('leaves the target and no temporary file when it fails', async () => {
    // The target is a folder that is not empty, so the rename fails.
    const target = path.join(folder.dir, 'busy');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    const error = await writeFileAtomic(target, Buffer.from('new'))
      .catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toMatch(/^E/);
    expect(fs.readdirSync(target)).toEqual(['keep']);
    expect(fs.readdirSync(folder.dir).filter((f) => f.includes('.tmp-')))
      .toEqual([]);
  });

  it('refuses an empty path and one ending with a separator', async () => {
    const gone = path.join(folder.dir, 'gone');
    await expect(writeFileAtomic(`${gone}/`, Buffer.from('x')))
      .rejects.toThrow(`Cannot write '${gone}/': it ends with '/', so it ` +
        'names a folder; name a file.');
    await expect(writeFileAtomic('', Buffer.from('x'))).rejects.toThrow(
      "Cannot write '': the path is empty; name a file.");
    expect(fs.existsSync(gone)).toBe(false);
  });
});
