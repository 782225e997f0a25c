import { parse } from 'csv-parse/sync';
import { DataError } from '../errors.js';

/**
 * How the data rows of one CSV file are read. Plain data only (no
 * functions), so a worker thread can receive it.
 */
export interface RowSpec {
  /** The file as the user named it, for messages. */
  file: string;
  /** One character. */
  delimiter: string;
  /** Column names in file order (generated ones when there is no header). */
  columns: string[];
  /** 0-based position of the label column in `columns`; -1: none. */
  labelColumn: number;
  /** Every feature is divided by it; 1 leaves values as they are. */
  scale: number;
  /**
   * `'csv-parse'` reads every body through csv-parse; `'auto'` (the
   * default) first tries the fast scanner of csv_scan.ts.
   */
  engine?: 'auto' | 'csv-parse';
}

/** Rows read from one stretch of a CSV file. */
export interface ParsedRows {
  /** Row-major features, `rows * featureCount(spec)` values. */
  data: Float32Array;
  rows: number;
  /** The label cell of each row, as written (quotes removed). */
  labels: string[];
  /** 1-based file line of each row's label cell, for label messages. */
  lines: Int32Array;
}

/**
 * The one formatter for CSV messages: `file, line L, column C ('name'):
 * what.` `column` is 0-based here and printed 1-based.
 */
export function csvError(
  file: string,
  line: number | undefined,
  column: number | undefined,
  columns: readonly string[] | undefined,
  what: string,
): DataError {
  let where = file;
  if (line !== undefined) {
    where += `, line ${line}`;
  }
  let name: string | undefined;
  if (column !== undefined) {
    name = columns?.[column];
    where += `, column ${column + 1}` +
      (name === undefined ? '' : ` ('${shorten(name)}')`);
  }
  const end = /[.?]$/.test(what) ? '' : '.';
  return new DataError(`${where}: ${what}${end}`, file, line, name ?? column);
}

/** From here up, a number rounds to Infinity as a float32. */
export const FLOAT32_OVERFLOW = 3.4028235677973366e38;

/** A decimal number as written: sign, digits, point, exponent, spaces. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const NON_DECIMAL = /[xXoObB]/;
const NOT_FINITE = /^\s*[+-]?(nan|inf|infinity)\s*$/i;

/**
 * Whether `value = +text` is a number the CSV really holds. `Number()`
 * alone accepts `''`, `' '`, `'0x1F'` and `'Infinity'`; none of them is a
 * feature value.
 */
export function isCellNumber(text: string, value: number): boolean {
  if (value === 0) {
    // Zero written any way, or a value too small for a double (1e-400),
    // which pandas reads as 0 too.
    return text === '0' || DECIMAL.test(text);
  }
  if (value - value !== 0) {
    return false;
  }
  // Hex, octal and binary literals ('0x1F', ' 0b101') hold x, o or b; a
  // first character that is not a space and a digit or point after it
  // rule them out at once.
  const c = text.charCodeAt(1);
  return (
    text.length < 3 ||
    (text.charCodeAt(0) > 32 && ((c >= 48 && c <= 57) || c === 46)) ||
    !NON_DECIMAL.test(text)
  );
}

/** Why `text` is not a feature value (`isCellNumber` said no). */
export function cellProblem(text: string): string {
  if (text.trim() === '') {
    return 'the cell is empty; every feature needs a number';
  }
  if (NOT_FINITE.test(text)) {
    return (
      `'${text.trim()}' is not a finite number; no run may silently ` +
      'train on garbage, so fill or drop such cells first'
    );
  }
  const value = +text;
  if (value === Infinity || value === -Infinity) {
    return `'${shorten(text)}' is too large for a number`;
  }
  return `'${shorten(text)}' is not a number`;
}

/**
 * `text` cut to at most 40 characters, ending in `...` when cut, so that
 * a message echoing a cell or a header (a line of 5,000 quotes, a header
 * split on the wrong delimiter) stays readable.
 */
export function shorten(text: string, max = 40): string {
  if (text.length <= max) {
    return text;
  }
  let end = max - 3;
  // Never cut a character outside the BMP in half.
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) {
    end--;
  }
  return `${text.slice(0, end)}...`;
}

/** Where a quoted field opens: 1-based line, 0-based field. */
export interface QuotePosition {
  line: number;
  field: number;
}

/**
 * The first quoted field of `text` that is never closed, read with the
 * quote rules of RFC 4180 (and csv-parse): a field that starts with `"`
 * runs to the next `"` that is not doubled, as `""` is an escaped quote.
 * Lines count from 1 at the start of `text`, and a line end inside
 * quotes counts too. Undefined when every quote closes.
 *
 * csv-parse only reports where the text ended, which is no help in a
 * file of 100,000 lines.
 */
export function unclosedQuote(text: string, delimiter: string):
QuotePosition | undefined {
  let line = 1;
  let field = 0;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && fieldStart) {
      const close = closingQuote(text, i + 1);
      if (close === -1) {
        return { line, field };
      }
      line += lineEndsIn(text, i + 1, close);
      i = close;
      fieldStart = false;
    } else if (c === delimiter) {
      field++;
      fieldStart = true;
    } else if (c === '\n' || c === '\r') {
      i += c === '\r' && text[i + 1] === '\n' ? 1 : 0;
      line++;
      field = 0;
      fieldStart = true;
    } else {
      fieldStart = false;
    }
  }
  return undefined;
}

/** The `"` that closes a quoted field whose text starts at `from`. */
function closingQuote(text: string, from: number): number {
  let at = text.indexOf('"', from);
  while (at !== -1 && text[at + 1] === '"') {
    at = text.indexOf('"', at + 2);
  }
  return at;
}

/** Line ends (`\n`, `\r\n`, lone `\r`) in `text[from, to)`. */
function lineEndsIn(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      count++;
    }
  }
  return count;
}

/**
 * A csv-parse message with every quoted value in it shortened (an
 * "Invalid Opening Quote" message quotes the whole field so far).
 */
export function shortenQuoted(message: string): string {
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) =>
    inner.length > 40 ? `"${shorten(inner)}"` : whole);
}

/** Feature columns: every column but the label column, if any. */
export function featureCount(spec: RowSpec): number {
  return spec.columns.length - (spec.labelColumn >= 0 ? 1 : 0);
}

/**
 * Line ends in `buffer`: `\n`, `\r\n` and a lone `\r` count one each, as
 * csv-parse counts them with `RECORD_DELIMITERS`.
 */
export function countLineEnds(buffer: Uint8Array): number {
  const b = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let count = 0;
  for (let at = b.indexOf(10); at !== -1; at = b.indexOf(10, at + 1)) {
    count++;
  }
  for (let at = b.indexOf(13); at !== -1; at = b.indexOf(13, at + 1)) {
    if (b[at + 1] !== 10) {
      count++;
    }
  }
  return count;
}

/**
 * Every line end pandas reads, for csv-parse: without the list it takes
 * the first one it meets as the only one, so a file mixing `\r\n` and
 * `\n` (or each worker's piece of one) read as ragged rows.
 */
const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/**
 * Most records a body of `bytes` bytes can hold at `width` fields: every
 * feature cell needs a byte, every field but the last a delimiter.
 */
export function maxRecords(bytes: number, spec: RowSpec): number {
  const minBytes = featureCount(spec) + spec.columns.length - 1;
  return Math.floor(bytes / Math.max(minBytes, 1)) + 1;
}

function grown<T extends Float32Array | Int32Array>(array: T, size: number):
T {
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}

/**
 * Parses data rows (no header) through csv-parse. `firstLine` is the
 * 1-based file line `body` starts on. Throws a `DataError` naming the
 * line and column of the first bad cell or ragged row.
 */
export function parseRows(
  body: Uint8Array,
  firstLine: number,
  spec: RowSpec,
): ParsedRows {
  const width = spec.columns.length;
  const labelAt = spec.labelColumn;
  const features = featureCount(spec);
  // Grown if ever too small, so no record is dropped.
  let capacity = Math.min(countLineEnds(body) + 1,
    maxRecords(body.length, spec));
  let data = new Float32Array(capacity * features);
  const labels: string[] = [];
  let lines = new Int32Array(capacity);
  const scale = spec.scale;
  const offset = firstLine - 1;
  let at = 0;
  let rows = 0;

  const onRecord = (record: string[], context: { lines: number }) => {
    if (record.length !== width) {
      throw csvError(
        spec.file,
        context.lines + offset,
        undefined,
        undefined,
        `the row has ${record.length} fields; the header has ${width}` +
          (record.length > width ? '' : ' (a ragged row)'),
      );
    }
    if (rows === capacity) {
      capacity *= 2;
      data = grown(data, capacity * features);
      lines = grown(lines, capacity);
    }
    for (let j = 0; j < width; j++) {
      const text = record[j]!;
      if (j === labelAt) {
        labels.push(text);
        continue;
      }
      const value = +text;
      if (!isCellNumber(text, value)) {
        throw csvError(
          spec.file,
          context.lines + offset,
          j,
          spec.columns,
          cellProblem(text),
        );
      }
      const stored = scale === 1 ? value : value / scale;
      if (stored >= FLOAT32_OVERFLOW || stored <= -FLOAT32_OVERFLOW) {
        throw csvError(spec.file, context.lines + offset, j, spec.columns,
          `'${shorten(text)}' is too large for a 32-bit float (at most ` +
          'about 3.4e38), the type every feature is trained in');
      }
      data[at++] = stored;
    }
    lines[rows++] = context.lines + offset;
    return null;
  };

  try {
    parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength), {
      delimiter: spec.delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: RECORD_DELIMITERS,
      on_record: onRecord,
    });
  } catch (error) {
    throw malformed(error, body, offset, spec);
  }
  return {
    data: data.subarray(0, rows * features),
    rows,
    labels,
    lines: lines.subarray(0, rows),
  };
}

/** What a quote that never closes is told as, wherever it opens. */
export const QUOTE_NOT_CLOSED = 'a quote opens here and is never closed.';

/** The error thrown for what csv-parse refused in `body`. */
function malformed(
  error: unknown,
  body: Uint8Array,
  offset: number,
  spec: RowSpec,
): Error {
  if (error instanceof DataError) {
    return error;
  }
  const e = error as { code?: string; lines?: number; message?: string };
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
      .toString('utf8');
    const open = unclosedQuote(text, spec.delimiter);
    if (open !== undefined) {
      return csvError(spec.file, open.line + offset, open.field,
        spec.columns, QUOTE_NOT_CLOSED);
    }
  }
  // csv-parse counts lines from the start of `body`.
  const message = (e.message ?? String(error)).replace(
    /\bline (\d+)/g,
    (_, n: string) => `line ${Number(n) + offset}`,
  );
  return csvError(
    spec.file,
    e.lines === undefined ? undefined : e.lines + offset,
    undefined,
    undefined,
    `malformed CSV: ${shortenQuoted(message)}`,
  );
}
