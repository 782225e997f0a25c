import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCsv } from '../../src/data/csv.js';
import { cacheFileFor } from '../../src/data/csv_cache.js';
import { dataError, tempFolder } from './helpers.js';

// Small files, so the cache is forced on with minBytes: 0.
const ON = { cache: { minBytes: 0 } };

let folder: { dir: string; remove: () => void };
let file: string;

beforeEach(() => {
  folder = tempFolder();
  file = path.join(folder.dir, 'train.csv');
  fs.writeFileSync(file, 'label,a,b\n1,10,20\n0,30,40\n');
});

afterEach(() => folder.remove());

function cacheFiles(): string[] {
  const dir = path.join(folder.dir, '.trio-cache');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('parse cache', () => {
  it('writes once, then serves the same table from the cache', async () => {
    const first = await loadCsv(file, ON);
    expect(first.cache).toBe('written');
    expect(cacheFiles()).toHaveLength(1);
    expect(cacheFiles()[0]).toMatch(/^train\.csv\.[0-9a-f]{16}\.bin$/);

    const second = await loadCsv(file, ON);
    expect(second.cache).toBe('hit');
    expect(Array.from(second.x.data)).toEqual([10, 20, 30, 40]);
    expect(Array.from(second.y as Int32Array)).toEqual([1, 0]);
    expect(second.y).toBeInstanceOf(Int32Array);
    expect(second.featureNames).toEqual(['a', 'b']);
    expect([second.labelName, second.labelColumn]).toEqual(['label', 0]);
    expect([second.rows, second.x.rows, second.x.cols]).toEqual([2, 2, 2]);
  });

  it('caches string labels too', async () => {
    fs.writeFileSync(file, 'label,a\ncat,1\ndög 🐕,2\n');
    expect((await loadCsv(file, ON)).cache).toBe('written');
    const hit = await loadCsv(file, ON);
    expect(hit.cache).toBe('hit');
    expect(hit.y).toEqual(['cat', 'dög 🐕']);
  });

  it('never serves a file rewritten with the same size', async () => {
    expect((await loadCsv(file, ON)).cache).toBe('written');
    const before = fs.statSync(file);
    // Same length, other numbers, right away (same clock tick at worst),
    // and the old modification time put back as `cp -p` would.
    fs.writeFileSync(file, 'label,a,b\n0,11,22\n1,33,44\n');
    fs.utimesSync(file, before.atime, before.mtime);
    expect(fs.statSync(file).size).toBe(before.size);

    const after = await loadCsv(file, ON);
    expect(after.cache).toBe('written');
    expect(Array.from(after.x.data)).toEqual([11, 22, 33, 44]);
    expect(Array.from(after.y as Int32Array)).toEqual([0, 1]);
    expect(cacheFiles()).toHaveLength(1);
  });

  it('keys the cache on the parse options', async () => {
    expect((await loadCsv(file, ON)).cache).toBe('written');
    expect((await loadCsv(file, ON)).cache).toBe('hit');
    // Other options are never served the first parse.
    const scaled = await loadCsv(file, { ...ON, scale: 10 });
    expect(scaled.cache).toBe('written');
    expect(Array.from(scaled.x.data)).toEqual([1, 2, 3, 4]);
    const byIndex = await loadCsv(file, { ...ON, label: 2 });
    expect(byIndex.cache).toBe('written');
    expect(Array.from(byIndex.y as Int32Array)).toEqual([20, 40]);
    expect((await loadCsv(file, { ...ON, label: 2 })).cache).toBe('hit');
    const plain = await loadCsv(file, ON);
    expect(plain.cache).toBe('written');
    expect(Array.from(plain.x.data)).toEqual([10, 20, 30, 40]);
    expect(cacheFiles()).toHaveLength(1);
  });

  it('parses again when the cache file is damaged', async () => {
    await loadCsv(file, ON);
    const cached = path.join(folder.dir, '.trio-cache', cacheFiles()[0]!);
    const bytes = fs.readFileSync(cached);
    fs.writeFileSync(cached, bytes.subarray(0, bytes.length - 3));
    const reread = await loadCsv(file, ON);
    expect(reread.cache).toBe('written');
    expect(Array.from(reread.x.data)).toEqual([10, 20, 30, 40]);
    fs.writeFileSync(cached, 'not a cache');
    expect((await loadCsv(file, ON)).cache).toBe('written');
    expect((await loadCsv(file, ON)).cache).toBe('hit');
  });

  it('checks expectColumns on a cache hit', async () => {
    await loadCsv(file, ON);
    const e = await dataError(loadCsv(file, { ...ON, expectColumns: ['a'] }));
    expect(e.message).toBe(
      `${file}, line 1: the feature columns differ from the training ` +
        "file's (2 here, 1 there): not in the training file: 'b'.",
    );
  });

  it('writes nothing when off or for small files', async () => {
    expect((await loadCsv(file, { cache: false })).cache).toBe('off');
    // The default skips files under 1 MiB.
    expect((await loadCsv(file)).cache).toBe('skipped');
    expect(fs.existsSync(path.join(folder.dir, '.trio-cache'))).toBe(false);
  });

  it('still loads when the cache cannot be written', async () => {
    // A file where the cache folder should be: mkdir fails.
    fs.writeFileSync(path.join(folder.dir, '.trio-cache'), 'in the way');
    const d = await loadCsv(file, ON);
    expect(d.cache).toBe('skipped');
    expect(Array.from(d.x.data)).toEqual([10, 20, 30, 40]);
  });

  it('keeps one cache file per CSV, the last options used', async () => {
    const dir = path.join(folder.dir, 'one-per-file');
    const options = (scale: number) =>
      ({ scale, cache: { dir, minBytes: 0 } });
    // Another CSV's cache in the same folder stays.
    const other = path.join(folder.dir, 'other.csv');
    fs.writeFileSync(other, 'label,a\n1,2\n');
    expect((await loadCsv(other, options(1))).cache).toBe('written');
    expect((await loadCsv(file, options(1))).cache).toBe('written');
    expect((await loadCsv(file, options(2))).cache).toBe('written');
    const name = (f: string, scale: number) => path.basename(cacheFileFor(f,
      { label: 'label', header: true, delimiter: 'auto', scale }, dir));
    expect(fs.readdirSync(dir).sort())
      .toEqual([name(other, 1), name(file, 2)].sort());
    expect((await loadCsv(file, options(2))).cache).toBe('hit');
    expect((await loadCsv(file, options(1))).cache).toBe('written');
  });

  it('uses the folder given', async () => {
    const dir = path.join(folder.dir, 'elsewhere');
    expect((await loadCsv(file, { cache: { dir, minBytes: 0 } })).cache)
      .toBe('written');
    expect(fs.readdirSync(dir)).toEqual([
      path.basename(cacheFileFor(file, {
        label: 'label', header: true, delimiter: 'auto', scale: 1,
      }, dir)),
    ]);
    expect((await loadCsv(file, { cache: { dir, minBytes: 0 } })).cache)
      .toBe('hit');
  });

  it('leaves no temporary files behind', async () => {
    await loadCsv(file, ON);
    await loadCsv(file, { ...ON, scale: 2 });
    expect(cacheFiles().filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
