import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes `data` to `file` through a temporary file in the same folder and
 * a rename, so readers see either the old file or the whole new one, and
 * an interrupted write leaves no half file. Creates the folder if needed.
 *
 * @param data One buffer, or several written one after another.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | readonly Uint8Array[],
): Promise<void> {
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
