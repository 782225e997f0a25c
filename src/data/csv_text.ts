import { isUtf8 } from 'node:buffer';
import { DataError } from '../errors.js';

/**
 * Refuses a file that is not UTF-8 text before any of it is read as CSV:
 * one with a NUL byte (model weights, images, archives, UTF-16 text) or
 * with bytes that are not UTF-8 (binary data, Latin-1 text). Without this
 * check the bytes of a binary file come back as garbled column names.
 *
 * `start` is where the text begins (after a UTF-8 byte-order mark). The
 * message names the file, the 1-based line and the byte offset of the
 * first such byte.
 *
 * Differs from pandas: `pd.read_csv` reads a NUL byte as a character and
 * raises `UnicodeDecodeError` for bytes that are not UTF-8; both are
 * refused here with the same `DataError`.
 */
export function checkTextFile(
  file: string,
  buffer: Buffer,
  start: number,
): void {
  const nul = buffer.indexOf(0, start);
  const end = nul === -1 ? buffer.length : nul;
  let at = nul;
  let what = 'a NUL byte (0x00)';
  let why = 'as binary files such as model weights do';
  if (!isUtf8(buffer.subarray(start, end))) {
    at = firstInvalidUtf8(buffer, start, end);
    what = `the byte 0x${hex(buffer[at] ?? 0)}`;
    why = 'which is not UTF-8';
  }
  if (at === -1) {
    return;
  }
  const line = countLines(buffer, start, at);
  const utf16 = (buffer[0] === 0xff && buffer[1] === 0xfe) ||
    (buffer[0] === 0xfe && buffer[1] === 0xff);
  const remedy = utf16
    ? 'It starts with a UTF-16 byte-order mark: save it as UTF-8 text.'
    : 'Give the path of a CSV file saved as UTF-8 text.';
  throw new DataError(
    `${file} is not a text CSV file: line ${line} holds ${what} at byte ` +
      `${at}, ${why}. ${remedy}`,
    file,
    line,
  );
}

/** Offset of the first byte of `buffer[start, end)` that breaks UTF-8. */
function firstInvalidUtf8(buffer: Buffer, start: number, end: number):
number {
  // NOTE [offsets]: a valid prefix re-encodes to exactly its bytes, so the
  // byte length of the text before a replacement character is its offset.
  // A U+FFFD written in the file (EF BF BD) is skipped.
  const text = buffer.toString('utf8', start, end);
  let from = 0;
  for (;;) {
    const i = text.indexOf('\uFFFD', from);
    if (i === -1) {
      return end;
    }
    const at = start + Buffer.byteLength(text.slice(0, i), 'utf8');
    if (!(buffer[at] === 0xef && buffer[at + 1] === 0xbf &&
      buffer[at + 2] === 0xbd)) {
      return at;
    }
    from = i + 1;
  }
}

/** 1-based line of `buffer[at]`, counting from `start`. */
function countLines(buffer: Buffer, start: number, at: number): number {
  let line = 1;
  let i = buffer.indexOf(10, start);
  while (i !== -1 && i < at) {
    line++;
    i = buffer.indexOf(10, i + 1);
  }
  return line;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
