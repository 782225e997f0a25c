import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatures } from '../../src/data/csv.js';
import { OptionError } from '../../src/errors.js';
import { dataError, tempFolder } from './helpers.js';

let folder: { dir: string; remove: () => void };

function write(name: string, text: string): string {
  const file = path.join(folder.dir, name);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  folder = tempFolder();
});

afterAll(() => folder.remove());

describe('loadFeatures', () => {
  it('reads every column as a feature, with file lines', async () => {
    const file = write('new.csv', 'a,b,c\n1,2,3\n\n4,5.5,-6\n');
    for (const engine of ['auto', 'csv-parse'] as const) {
      const t = await loadFeatures(file, { scale: 2, engine });
      expect(t.featureNames).toEqual(['a', 'b', 'c']);
      expect([t.rows, t.x.rows, t.x.cols]).toEqual([2, 2, 3]);
      expect(Array.from(t.x.data)).toEqual([0.5, 1, 1.5, 2, 2.75, -3]);
      expect(Array.from(t.lines)).toEqual([2, 4]);
    }
  });

  it('names columns by position without a header, quoted or not',
    async () => {
      const file = write('bare.csv', '"7";8\n9;10\n');
      const t = await loadFeatures(file, { header: false });
      expect(t.featureNames).toEqual(['0', '1']);
      expect(Array.from(t.x.data)).toEqual([7, 8, 9, 10]);
    });

  it('checks cells and columns as loadCsv does', async () => {
    const bad = write('bad.csv', 'a,b\n1,2\n3,x\n');
    expect((await dataError(loadFeatures(bad))).message)
      .toBe(`${bad}, line 3, column 2 ('b'): 'x' is not a number.`);
    const other = write('other.csv', 'a,c\n1,2\n');
    expect((await dataError(loadFeatures(other,
      { expectColumns: ['a', 'b'] }))).message).toContain(
      `${other}, line 1: the feature columns differ`);
  });

  it('has no label and no cache option', async () => {
    const file = write('x.csv', 'a\n1\n');
    for (const option of ['label', 'cache']) {
      await expect(loadFeatures(file, { [option]: 0 } as object))
        .rejects.toThrow(OptionError);
      await expect(loadFeatures(file, { [option]: 0 } as object))
        .rejects.toThrow(/loadFeatures/);
    }
  });
});
