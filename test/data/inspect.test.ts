import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { inspectCommand, runInspect } from '../../src/cli/inspect.js';
import { DataError, OptionError } from '../../src/errors.js';
import { fixture } from './helpers.js';

/** Runs `trio inspect ...args` through yargs, capturing stdout. */
async function trio(args: string[]): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((text: string) => {
    out.push(text);
    return true;
  }) as typeof process.stdout.write;
  try {
    await yargs(['inspect', ...args])
      .command(inspectCommand)
      .strict()
      .fail((message, error) => {
        throw error ?? new Error(message);
      })
      .parseAsync();
  } finally {
    process.stdout.write = write;
  }
  return out.join('');
}

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
});
