import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import yargs from 'yargs';
import { inspectCommand } from '../../src/cli/inspect.js';
import { DataError } from '../../src/errors.js';

/** Path of a committed CSV fixture. */
export function fixture(name: string): string {
  return path.join('test', 'fixtures', 'csv', name);
}

/** A fresh temporary folder, removed by the returned function. */
export function tempFolder(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-data-'));
  return {
    dir,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Awaits `promise`, which must reject with a DataError; returns it. */
export async function dataError(promise: Promise<unknown>):
Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError, but nothing was thrown');
}

/** Runs `trio inspect ...args` through yargs; returns what it printed. */
export async function runInspectCli(args: string[]): Promise<string> {
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
