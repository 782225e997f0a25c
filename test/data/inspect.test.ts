import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInspect } from '../../src/cli/inspect.js';
import { DataError, OptionError } from '../../src/errors.js';
import { fixture, runInspectCli, tempFolder } from './helpers.js';

const trio = runInspectCli;

describe('trio inspect', () => {
  it('prints shape, head, describe and value counts', async () => {
    const text = await trio([fixture('describe_small.csv'), '--columns',
      '2', '--rows', '3']);
    const lines = text.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'File: test/fixtures/csv/describe_small.csv',
      'Shape: (37, 5)',
      '',
      'First 3 rows of the first 2 columns:',
      '   pixel_a  label',
      '0      175      0',
      '1      196      2',
      '2       25      0',
    ]);
    expect(text).toContain("Class distribution of 'label' (value_counts):");
    expect(text.endsWith('Name: label, dtype: int64\n')).toBe(true);
  });

  it('takes --no-header, --label by index and --delimiter', async () => {
    const text = await trio([fixture('semicolon.csv'), '--delimiter', ';',
      '--label', '2']);
    expect(text).toContain("Class distribution of 'b' (value_counts):");
    const bare = await trio([fixture('no_header.csv'), '--no-header']);
    expect(bare).toContain('Shape: (2, 3)');
    expect(bare).toContain("Class distribution of '0' (value_counts):");
  });

  it('fails with the loader message for a bad file', async () => {
    const error = await trio([fixture('empty_cell.csv')]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(
      "test/fixtures/csv/empty_cell.csv, line 3, column 2 ('a'): the cell " +
        'is empty; every feature needs a number.',
    );
  });

  it('refuses a row count that is not a positive integer', async () => {
    const error = await runInspect(
      { csv: fixture('crlf.csv'), rows: 0 },
      () => undefined,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toBe(
      "The '--rows' parameter of trio inspect must be a positive integer. " +
        'Got 0 instead.',
    );
  });

  it('refuses a count flag that is not a number, echoing the text',
    async () => {
      const cases: [string[], string][] = [
        [['--rows', 'abc'], "The '--rows' parameter of trio inspect must " +
          "be a positive integer. Got 'abc' instead."],
        [['--columns', ''], "The '--columns' parameter of trio inspect " +
          "must be a positive integer. Got '' instead."],
        // A bare flag is refused too, not read as the default.
        [['--rows'], "The '--rows' parameter of trio inspect must be a " +
          "positive integer. Got '' instead."],
        [['--columns', '2.5'], "The '--columns' parameter of trio inspect " +
          'must be a positive integer. Got 2.5 instead.'],
      ];
      for (const [flags, message] of cases) {
        const error = await trio([fixture('crlf.csv'), ...flags]).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(OptionError);
        expect((error as Error).message).toBe(message);
      }
      // Digits still count.
      expect(await trio([fixture('crlf.csv'), '--rows', '1']))
        .toContain('First 1 rows');
    });

  it('refuses a binary file instead of printing its bytes', async () => {
    const folder = tempFolder();
    try {
      const file = path.join(folder.dir, 'weights.bin');
      // 0.5 is 0x3f000000: little-endian bytes 00 00 00 3f, a NUL first.
      fs.writeFileSync(file, Buffer.from(Float32Array.from([0.5, 1]).buffer));
      const error = await trio([file]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toBe(
        `${file} is not a text CSV file: line 1 holds a NUL byte (0x00) at ` +
          'byte 0, as binary files such as model weights do. Give the path ' +
          'of a CSV file saved as UTF-8 text.',
      );
    } finally {
      folder.remove();
    }
  });

  it('says the range of --label -1 and suggests no name', async () => {
    const error = await trio([fixture('crlf.csv'), '--label', '-1']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(
      'test/fixtures/csv/crlf.csv, line 1: the label column index -1 is ' +
        'out of range; the file has 3 columns (0 to 2). A negative index ' +
        'does not count from the end here; the last column is 2.',
    );
  });

  it('refuses a header that names a column twice', async () => {
    const folder = tempFolder();
    try {
      const file = path.join(folder.dir, 'twice.csv');
      fs.writeFileSync(file, 'label,a,a\n1,2,3\n0,4,5\n');
      const error = await trio([file]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toBe(
        `${file}, line 1, column 3 ('a'): column 2 has the same name; ` +
          'every column needs its own name.',
      );
    } finally {
      folder.remove();
    }
  });
});
