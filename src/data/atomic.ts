import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors.js';

/**
 * Writes `data` to `file` through a temporary file in the same folder and
 * a rename, so readers see either the old file or the whole new one, and
 * an interrupted write leaves no half file. Creates the folder if needed.
 * Refuses an empty path and one ending with a separator (a folder), which
 * would otherwise fail with a raw ENOENT about the temporary file.
 *
 * @param data One buffer, or several written one after another.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | readonly Uint8Array[],
): Promise<void> {
  const why = folderPathProblem(file);
  if (why !== undefined) {
    throw new DataError(`Cannot write '${file}': ${why}; name a file.`,
      file);
  }
  await fs.promises.mkdir(path.dirname(path.resolve(file)), {
    recursive: true,
  });
  const temp =
    `${file}.tmp-${process.pid}-` +
    `${Math.floor(Math.random() * 0x7fffffff).toString(36)}`;
  try {
    await fs.promises.writeFile(
      temp,
      data instanceof Uint8Array ? data : data.values(),
    );
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Why `file` cannot name a file to write, from its spelling alone: empty,
 * or ending with a path separator (a folder). Undefined when it can.
 */
export function folderPathProblem(file: string): string | undefined {
  if (file.trim() === '') {
    return 'the path is empty';
  }
  const end = file.at(-1);
  if (end === '/' || end === path.sep) {
    return `it ends with '${end}', so it names a folder`;
  }
  return undefined;
}
