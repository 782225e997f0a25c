import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCsv } from '../../src/data/csv.js';
import { dataError, fixture, tempFolder } from './helpers.js';

// Non-regression tests for what a new user met trying the CLI: binary
// files read as CSV, a negative label index, a CLI-only delimiter hint on
// a config run, duplicate header names, and label errors by line.

let folder: { dir: string; remove: () => void };

beforeEach(() => {
  folder = tempFolder();
});

afterEach(() => folder.remove());

/** Writes `bytes` to `name` in the temporary folder; returns its path. */
function put(name: string, ...parts: (string | number[])[]): string {
  const file = path.join(folder.dir, name);
  fs.writeFileSync(file, Buffer.concat(parts.map((p) =>
    typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
  return file;
}

describe('loadCsv refuses a file that is not text', () => {
  it('a weights.bin (float32 bytes with NUL bytes)', async () => {
    // 0.5 is 0x3f000000: little-endian bytes 00 00 00 3f, a NUL first.
    const weights = Buffer.from(Float32Array.from([0.5, -1, 2, 0]).buffer);
    const file = put('weights.bin', [...weights]);
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(
      `${file} is not a text CSV file: line 1 holds a NUL byte (0x00) at ` +
        'byte 0, as binary files such as model weights do. Give the path ' +
        'of a CSV file saved as UTF-8 text.',
    );
    expect([e.file, e.row]).toEqual([file, 1]);
  });

  it('a NUL byte after the header, on its line', async () => {
    // 'label,a,b\n' is 10 bytes and '1,0.5,2\n' 8: line 3 starts at 18.
    const file = put('nul.csv', 'label,a,b\n1,0.5,2\n0,1', [0], ',3\n');
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(
      `${file} is not a text CSV file: line 3 holds a NUL byte (0x00) at ` +
        'byte 21, as binary files such as model weights do. Give the path ' +
        'of a CSV file saved as UTF-8 text.',
    );
  });

  it('bytes that are not UTF-8 in the header', async () => {
    const file = put('latin1.csv', 'lab', [0xff], 'el,a,b\n1,0.5,2\n');
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(
      `${file} is not a text CSV file: line 1 holds the byte 0xff at byte ` +
        '3, which is not UTF-8. Give the path of a CSV file saved as UTF-8 ' +
        'text.',
    );
  });

  it('a Latin-1 label after a real U+FFFD, at the right byte', async () => {
    // Line 2 holds U+FFFD written as UTF-8 (EF BF BD, valid text), 11
    // bytes in all; line 3 starts at byte 10 + 11 = 21 and its 'caf' ends
    // at 24, where the Latin-1 'é' (0xe9) stands.
    const file = put('labels.csv', 'label,a,b\nx\uFFFD,0.5,2\ncaf',
      [0xe9], ',1,3\n');
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(
      `${file} is not a text CSV file: line 3 holds the byte 0xe9 at byte ` +
        '24, which is not UTF-8. Give the path of a CSV file saved as UTF-8 ' +
        'text.',
    );
  });

  it('UTF-16 text, with its remedy', async () => {
    const utf16 = Buffer.from('\uFEFFlabel,a\n1,2\n0,3\n', 'utf16le');
    const file = put('utf16.csv', [...utf16]);
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(
      `${file} is not a text CSV file: line 1 holds the byte 0xff at byte ` +
        '0, which is not UTF-8. It starts with a UTF-16 byte-order mark: ' +
        'save it as UTF-8 text.',
    );
  });

  it('still reads UTF-8 text with a BOM and non-ASCII labels', async () => {
    const file = put('ok.csv', [0xef, 0xbb, 0xbf],
      'label,a\ndög 🐕,1\n\uFFFD,2\n');
    const d = await loadCsv(file, { cache: false });
    expect(d.y).toEqual(['dög 🐕', '\uFFFD']);
  });
});

describe('loadCsv: label index range', () => {
  it.each([-1, '-1'])('refuses %j with the range, no name suggested',
    async (label) => {
      const e = await dataError(loadCsv(fixture('crlf.csv'), { label }));
      expect(e.message).toBe(
        'test/fixtures/csv/crlf.csv, line 1: the label column index -1 is ' +
          'out of range; the file has 3 columns (0 to 2). A negative index ' +
          'does not count from the end here; the last column is 2.',
      );
      expect(e.message).not.toContain('Did you mean');
    });

  it('refuses an index past the end given as text', async () => {
    const e = await dataError(loadCsv(fixture('crlf.csv'), { label: '7' }));
    expect(e.message).toBe(
      'test/fixtures/csv/crlf.csv, line 1: the label column index 7 is ' +
        'out of range; the file has 3 columns (0 to 2).',
    );
  });

  it('still reads a column named -1 by its name', async () => {
    const file = put('named.csv', 'a,-1\n0.5,1\n1,0\n');
    const d = await loadCsv(file, { label: '-1', cache: false });
    expect(d.labelColumn).toBe(1);
  });
});

describe('loadCsv: delimiter hint', () => {
  it('names the setting, not a CLI flag, and the delimiter used',
    async () => {
      const e = await dataError(
        loadCsv(fixture('semicolon.csv'), { delimiter: ',' }),
      );
      expect(e.message).toBe(
        'test/fixtures/csv/semicolon.csv, line 1: there is no label ' +
          "column 'label'. The columns are 'label;a;b'. Split on ',', the " +
          "header is one column, which holds ';': is that the delimiter? " +
          "If so, set the delimiter to ';'.",
      );
      expect(e.message).not.toContain('--');
    });
});

describe('loadCsv: duplicate header names', () => {
  it('names the file, line 1 and both columns', async () => {
    const file = put('twice.csv', 'label,a,a,b\n1,0.5,2,3\n0,1,3,4\n');
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(
      `${file}, line 1, column 3 ('a'): column 2 has the same name; every ` +
        'column needs its own name.',
    );
    expect([e.file, e.row, e.column]).toEqual([file, 1, 'a']);
  });

  it('counts the label column too', async () => {
    const file = put('label2.csv', 'label,a,label\n1,0.5,2\n0,1,3\n');
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(
      `${file}, line 1, column 3 ('label'): column 1 has the same name; ` +
        'every column needs its own name.',
    );
  });

  it('does not apply to generated names without a header', async () => {
    const file = put('bare.csv', '1,2,2\n0,3,3\n');
    const d = await loadCsv(file, { header: false, cache: false });
    expect(d.featureNames).toEqual(['1', '2']);
  });
});

describe('loadCsv: file line of each row', () => {
  it('counts the header and blank lines', async () => {
    // Lines: 1 blank, 2 header, 3 row, 4 blank, 5 row.
    const file = put('gaps.csv', '\nlabel,a\n1,2\n\n0,3\n');
    const d = await loadCsv(file, { cache: false });
    expect(Array.from(d.lines)).toEqual([3, 5]);
    const bare = put('bare.csv', '1,2\n\n0,3\n');
    const b = await loadCsv(bare, { header: false, cache: false });
    expect(Array.from(b.lines)).toEqual([1, 3]);
  });

  it('keeps them through the cache', async () => {
    const file = put('gaps.csv', 'label,a\n1,2\n\n0,3\n');
    const on = { cache: { minBytes: 0 } };
    expect((await loadCsv(file, on)).cache).toBe('written');
    const hit = await loadCsv(file, on);
    expect(hit.cache).toBe('hit');
    expect(Array.from(hit.lines)).toEqual([2, 4]);
  });
});
