import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCsv } from '../../src/data/csv.js';
import { dataError, tempFolder } from './helpers.js';

// Line ends as pandas reads them (\n, \r\n and a lone \r, mixed freely),
// the same through both engines; found by fuzzing the two against each
// other. Expected values are written out by hand from the file texts.

let folder: { dir: string; remove: () => void };

beforeAll(() => {
  folder = tempFolder();
});

afterAll(() => folder.remove());

let count = 0;
function write(text: string | Buffer): string {
  const file = path.join(folder.dir, `f${count++}.csv`);
  fs.writeFileSync(file, text);
  return file;
}

const ENGINES = ['auto', 'csv-parse'] as const;

async function table(file: string, options: object = {}) {
  const out = [];
  for (const engine of ENGINES) {
    const d = await loadCsv(file, { cache: false, engine, ...options });
    out.push({ x: Array.from(d.x.data), y: Array.from(d.y),
      lines: Array.from(d.lines), rows: d.rows });
  }
  expect(out[1]).toEqual(out[0]);
  return out[0]!;
}

describe('line ends', () => {
  it('reads a file whose lines end in a lone CR', async () => {
    expect(await table(write('label,a,b\r1,2,3\r4,5,6\r7,8,9\r'))).toEqual({
      x: [2, 3, 5, 6, 8, 9], y: [1, 4, 7], lines: [2, 3, 4], rows: 3 });
    expect(await table(write('1,2\r3,4\r5,6\r'), { header: false }))
      .toEqual({ x: [2, 4, 6], y: [1, 3, 5], lines: [1, 2, 3], rows: 3 });
  });

  it('reads a body of lone CRs after an LF header', async () => {
    expect(await table(write('label,a,b\n1,2,3\r4,5,6\r7,8,9\r'))).toEqual({
      x: [2, 3, 5, 6, 8, 9], y: [1, 4, 7], lines: [2, 3, 4], rows: 3 });
  });

  it('reads mixed line ends and counts each as one line', async () => {
    expect(await table(write('label,a\n1,2\n3,4\r\n5,6\n7,8\n'))).toEqual({
      x: [2, 4, 6, 8], y: [1, 3, 5, 7], lines: [2, 3, 4, 5], rows: 4 });
    expect(await table(write('label,a\n1,2\r\n3,4\n5,6\n'))).toEqual({
      x: [2, 4, 6], y: [1, 3, 5], lines: [2, 3, 4], rows: 3 });
    expect(await table(write('label,a\n1,2\n3,4\r5,6\n'))).toEqual({
      x: [2, 4, 6], y: [1, 3, 5], lines: [2, 3, 4], rows: 3 });
  });

  it('names the right line after a stray CRLF', async () => {
    const file = write('label,a\n1,2\n3,4\r\n5,x\n');
    for (const engine of ENGINES) {
      expect((await dataError(loadCsv(file, { cache: false, engine })))
        .message).toBe(`${file}, line 4, column 2 ('a'): 'x' is not a ` +
        'number.');
    }
  });

  it('reads a large file of blank lines (no allocation per line)',
    async () => {
      // 9 MB of blank lines between two rows of 500 features: sizing the
      // matrix by line count asked for 4.5 billion floats.
      const row = (label: number) => [label,
        ...Array.from({ length: 500 }, (_, i) => i % 7)].join(',');
      const header = ['label', ...Array.from({ length: 500 },
        (_, i) => `f${i}`)].join(',');
      const file = write(Buffer.concat([Buffer.from(`${header}\n${row(0)}\n`),
        Buffer.alloc(9_000_000, 10), Buffer.from(`${row(1)}\n`)]));
      for (const workers of [1, 2]) {
        const t = await table(file, { workers });
        expect([t.rows, t.y, t.lines]).toEqual([2, [0, 1], [2, 9_000_003]]);
      }
    });
});

describe('number spellings', () => {
  it('reads a value too small for a double as 0, as pandas does',
    async () => {
      expect((await table(write('label,a\n1,1e-400\n2,-1e-999\n'))).x)
        .toEqual([0, -0]);
    });

  it('refuses hex, octal and binary after leading spaces', async () => {
    for (const cell of ['\t0b101', ' 0o17', '  0x10']) {
      const file = write(`label,a\n1,${cell}\n`);
      for (const engine of ENGINES) {
        expect((await dataError(loadCsv(file, { cache: false, engine })))
          .message).toBe(`${file}, line 2, column 2 ('a'): '${cell}' is ` +
          'not a number.');
      }
    }
  });
});
