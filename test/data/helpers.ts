import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
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
