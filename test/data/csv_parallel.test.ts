import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCsv } from '../../src/data/csv.js';
import { parseRowsParallel } from '../../src/data/csv_parallel.js';
import type { RowSpec } from '../../src/data/csv_rows.js';
import { DataError } from '../../src/errors.js';
import { dataError, tempFolder } from './helpers.js';

// Cell (i, j) holds (i * 7 + j * 13) % 256 and row i's label is i % 10:
// the expected values are computed from that rule, not read back.
const COLS = 200;
const cell = (i: number, j: number) => (i * 7 + j * 13) % 256;
const COLUMNS = ['label', ...Array.from({ length: COLS }, (_, j) => `f${j}`)];

function tableText(rows: number, bad: [number, number][] = []): string {
  const lines = [COLUMNS.join(',')];
  for (let i = 0; i < rows; i++) {
    const cells = [String(i % 10)];
    for (let j = 0; j < COLS; j++) {
      const isBad = bad.some(([r, c]) => r === i && c === j);
      cells.push(isBad ? 'oops' : String(cell(i, j)));
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The rows of `text` after its header, and the spec to parse them. */
function body(text: string): { rows: Buffer; spec: RowSpec } {
  const buffer = Buffer.from(text);
  return {
    rows: buffer.subarray(buffer.indexOf(10) + 1),
    spec: { file: 'x.csv', delimiter: ',', columns: COLUMNS,
      labelColumn: 0, scale: 1, engine: 'csv-parse' },
  };
}

let folder: { dir: string; remove: () => void };

beforeAll(() => {
  folder = tempFolder();
});

afterAll(() => folder.remove());

describe('parallel parsing', () => {
  it('loads a file over 8 MiB on two threads', async () => {
    // 12,000 rows of 200 cells: just over the 8 MiB threshold.
    const rows = 12_000;
    const file = path.join(folder.dir, 'big.csv');
    fs.writeFileSync(file, tableText(rows));
    expect(fs.statSync(file).size).toBeGreaterThan(8 << 20);

    const two = await loadCsv(file, { workers: 2, cache: false, scale: 5,
      engine: 'csv-parse' });
    expect([two.rows, two.x.cols]).toEqual([rows, COLS]);
    let wrong = 0;
    for (let i = 0; i < rows; i++) {
      wrong += two.y[i] === i % 10 ? 0 : 1;
      for (let j = 0; j < COLS; j++) {
        const expected = Math.fround(cell(i, j) / 5);
        wrong += two.x.data[i * COLS + j] === expected ? 0 : 1;
      }
    }
    expect(wrong).toBe(0);
  });

  it('really parses in worker threads, lines in file order', async () => {
    const { rows, spec } = body(tableText(900));
    const parsed = await parseRowsParallel(rows, 2, spec, 3, 0);
    expect(parsed.inThreads).toBe(2);
    expect(parsed.rows).toBe(900);
    // Row i sits on file line i + 2 (the header is line 1).
    expect(Array.from(parsed.lines)).toEqual(
      Array.from({ length: 900 }, (_, i) => i + 2),
    );
    expect(parsed.labels).toEqual(
      Array.from({ length: 900 }, (_, i) => String(i % 10)),
    );
    expect(parsed.data[899 * COLS + 150]).toBe(cell(899, 150));
  });

  it('names the file line of a bad cell in a later piece', async () => {
    // Row 800 of 900 is in the last of three pieces: file line 802.
    const { rows, spec } = body(tableText(900, [[800, 150]]));
    for (const workers of [1, 2, 3]) {
      const error = await parseRowsParallel(rows, 2, spec, workers, 0)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toBe(
        "x.csv, line 802, column 152 ('f150'): 'oops' is not a number.",
      );
    }
  });

  it('reports the first bad line in file order', async () => {
    const { rows, spec } = body(tableText(900, [[10, 0], [850, 3]]));
    const error = await parseRowsParallel(rows, 2, spec, 2, 0)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "x.csv, line 12, column 2 ('f0'): 'oops' is not a number.",
    );
  });

  it('keeps quoted files on one thread', async () => {
    const { rows, spec } = body(tableText(300).replace('\n1,', '\n"1",'));
    const parsed = await parseRowsParallel(rows, 2, spec, 2, 0);
    expect(parsed.inThreads).toBeUndefined();
    expect(parsed.labels[1]).toBe('1');
  });

  it('reports a bad cell of a big file through loadCsv', async () => {
    const file = path.join(folder.dir, 'bad.csv');
    fs.writeFileSync(file, tableText(12_000, [[11_000, 7]]));
    const e = await dataError(loadCsv(file, { workers: 2, cache: false }));
    expect(e.message).toBe(
      `${file}, line 11002, column 9 ('f7'): 'oops' is not a number.`,
    );
  });
});
