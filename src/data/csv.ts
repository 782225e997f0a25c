import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DataError } from '../errors.js';
import {
  checkKnownKeys,
  listChoices,
  nearest,
  optionError,
} from '../util/options.js';
import {
  type CacheOptions,
  cacheFileFor,
  cacheSupported,
  racyWindowMs,
  readCache,
  sameStamp,
  type SourceStamp,
  stampOf,
  writeCache,
} from './csv_cache.js';
import { parseRowsParallel } from './csv_parallel.js';
import {
  cellProblem,
  csvError,
  isCellNumber,
  QUOTE_NOT_CLOSED,
  type RowSpec,
  shorten,
  shortenQuoted,
  unclosedQuote,
} from './csv_rows.js';
import { checkTextFile } from './csv_text.js';
import { labelKinds, showLabel } from './labels.js';
import type { Matrix } from './matrix.js';

/** Options of `loadCsv`; the pandas spelling is given where one exists. */
export interface CsvOptions {
  /**
   * The label column: its name in the header, or its 0-based position
   * (a number, or digits that name no column), from 0 to the number of
   * columns minus one. Without a header only a position works.
   *
   * Differs from pandas: a negative position is refused, not counted
   * from the end as `iloc` counts it.
   * @default 'label' (0 when `header` is false)
   */
  label?: string | number;
  /**
   * Whether the first line names the columns (pandas `header=0`). Without
   * one, columns are named by their 0-based position as pandas names them
   * (`'0'`, `'1'`, ...).
   * @default true
   */
  header?: boolean;
  /**
   * Field separator (pandas `sep`): one character other than a quote or
   * a line end. Differs from pandas, whose longer `sep` is a regular
   * expression: not supported.
   * @default detected from the first line: `;` when it has more
   *   semicolons than commas, else `,`
   */
  delimiter?: string;
  /**
   * Every feature is divided by it after parsing, as the tutorial does
   * with `X / 255`. Labels are never scaled.
   * @default 1
   */
  scale?: number;
  /**
   * Feature names, in order, that the file must have: pass the training
   * file's `featureNames` when loading a test file.
   */
  expectColumns?: readonly string[];
  /**
   * Keep the parsed matrix in a cache file beside the data (in
   * `.trio-cache/`), keyed on the file's size, times and inode and on the
   * parse options, so the next load skips parsing. A file that changed
   * is always parsed again. `false` turns the cache off.
   * @default true
   */
  cache?: boolean | CacheOptions;
  /**
   * Threads that parse a large file side by side (each through
   * csv-parse). Files under 8 MiB, and files with quoted fields, are
   * parsed on the calling thread.
   * @default os.availableParallelism(), at most 4
   */
  workers?: number;
  /**
   * Which reader parses the rows (pandas `engine`). `'auto'` reads a
   * plain numeric body (no quotes, rows as wide as the header, every
   * feature a number, `\n` or `\r\n` line ends) with a fast scanner that
   * gives the same values as csv-parse, and hands anything else to
   * csv-parse, which also words every error. `'csv-parse'` always uses
   * csv-parse.
   * @default 'auto'
   */
  engine?: 'auto' | 'csv-parse';
}

/** A CSV file read into a feature matrix and a label column. */
export interface Dataset {
  /** Features, scaled, in file order without the label column. */
  x: Matrix;
  /**
   * Labels: an Int32Array when every label is a whole number (`3` and
   * `3.0` alike), else the label texts.
   */
  y: Int32Array | string[];
  /**
   * The 1-based file line of each row (blank lines and the header
   * counted), so that a message about row `i` can name `lines[i]`, as
   * `encodeLabels(y, classes, file, lines)` does.
   */
  lines: Int32Array;
  featureNames: string[];
  labelName: string;
  /** 0-based position of the label column in the file. */
  labelColumn: number;
  /** The file as it was named. */
  file: string;
  rows: number;
  /**
   * How the cache served this load: `'hit'` (read from the cache),
   * `'written'` (parsed and cached), `'skipped'` (parsed; the file was
   * too small, still changing or the cache could not be written) or
   * `'off'`.
   */
  cache: 'hit' | 'written' | 'skipped' | 'off';
}

const KNOWN_OPTIONS = [
  'label',
  'header',
  'delimiter',
  'scale',
  'expectColumns',
  'cache',
  'workers',
  'engine',
];
const ENGINES = ['auto', 'csv-parse'] as const;
/** `loadFeatures` reads no label and keeps no cache. */
const FEATURE_OPTIONS = KNOWN_OPTIONS.filter((k) =>
  k !== 'label' && k !== 'cache');
const OWNER = 'loadCsv';
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads a CSV file of numeric features and one label column, as the
 * tutorial's `pd.read_csv` followed by `iloc` and `/ 255` do.
 *
 * Every problem ends in one `DataError` whose message names the file, the
 * 1-based line and the column (number and name): missing, empty or
 * binary file (a NUL byte, or bytes that are not UTF-8), header without
 * rows, a column name given twice, unknown label column or label index
 * outside 0 to columns - 1, ragged rows, empty or
 * non-numeric cells, `NaN` or `Infinity` text, non-integer numeric
 * labels, and columns that differ from `expectColumns`. A UTF-8 BOM,
 * `\n`, `\r\n` and lone `\r` line ends (mixed too, as pandas reads
 * them), blank lines, quoted numbers and a `;` delimiter are read.
 *
 * Differs from pandas: refuses missing and non-finite values instead of
 * reading them as NaN, and refuses labels such as `3.5` (scikit-learn
 * refuses them too, as "continuous" targets).
 *
 * @example
 * const train = await loadCsv('data/mnist_train.csv', {scale: 255});
 * checkTrainingLabels(train);
 * const test = await loadCsv('data/mnist_test.csv',
 *   {scale: 255, expectColumns: train.featureNames});
 */
export async function loadCsv(
  file: string,
  options: CsvOptions = {},
): Promise<Dataset> {
  const settings = checkOptions(options);
  let stats = await statSource(file);
  const cache = cacheSettings(settings.cache);
  const useCache =
    cache !== undefined && Number(stats.size) >= cache.minBytes;
  const cacheFile = useCache
    ? cacheFileFor(file, parseKey(settings), cache.dir)
    : undefined;

  if (cacheFile !== undefined) {
    const hit = await readCache(cacheFile, stampOf(stats));
    if (hit !== undefined) {
      checkColumns(file, hit.featureNames, settings.expectColumns);
      return {
        x: { data: hit.data, rows: hit.rows, cols: hit.cols },
        y: hit.y,
        lines: hit.lines,
        featureNames: hit.featureNames,
        labelName: hit.labelName,
        labelColumn: hit.labelColumn,
        file,
        rows: hit.rows,
        cache: 'hit',
      };
    }
    // NOTE [racy files]: a file changed less than one timestamp tick ago
    // could change again with the same stamp; wait the tick out first,
    // so the stamp stored with the cache always tells versions apart.
    stats = await waitOutRacyWindow(file, stats);
  }

  const { table, after } = await readTable(file, stats, settings);

  let status: Dataset['cache'] = cache === undefined ? 'off' : 'skipped';
  if (cacheFile !== undefined && !isRacy(after)) {
    try {
      await writeCache(cacheFile, after, {
        data: table.x.data,
        rows: table.rows,
        cols: table.x.cols,
        featureNames: table.featureNames,
        labelName: table.labelName,
        labelColumn: table.labelColumn,
        y: table.y,
        lines: table.lines,
      });
      status = 'written';
    } catch {
      // A read-only data folder only costs the next run a parse.
      status = 'skipped';
    }
  }
  return { ...table, file, cache: status };
}

/** A CSV file of features only, as `loadFeatures` reads it. */
export type FeatureTable = Pick<Dataset,
  'x' | 'lines' | 'featureNames' | 'file' | 'rows'>;

/** Options of `loadFeatures`: those of `loadCsv` but label and cache. */
export type FeatureCsvOptions = Omit<CsvOptions, 'label' | 'cache'>;

/**
 * Reads a CSV file whose every column is a feature (new data to predict),
 * with the checks and messages of `loadCsv`: every column must hold
 * numbers, and `expectColumns` names the columns the file must have.
 * Such files are not cached.
 */
export async function loadFeatures(
  file: string,
  options: FeatureCsvOptions = {},
): Promise<FeatureTable> {
  const settings = checkOptions(options, 'loadFeatures');
  const { table } = await readTable(file, await statSource(file),
    settings);
  return {
    x: table.x,
    lines: table.lines,
    featureNames: table.featureNames,
    file,
    rows: table.rows,
  };
}

/** Parses `file`, refusing it if it changed while it was read. */
async function readTable(
  file: string,
  stats: fs.BigIntStats,
  settings: Settings,
): Promise<{ table: Table; after: SourceStamp }> {
  const before = stampOf(stats);
  const buffer = await readSource(file);
  const table = await parseTable(file, buffer, settings);
  const after = stampOf(await statSource(file));
  if (!sameStamp(before, after)) {
    throw new DataError(
      `${file}: the file changed while it was being read; read it again ` +
        'once whatever writes it has finished.',
      file,
    );
  }
  return { table, after };
}

/**
 * Refuses labels that cannot train a classifier: fewer than two classes,
 * or label texts of which some are numbers and some not (a stray `seven`
 * among digits makes every class a text, so no test file of numbers
 * would match them). Call it on training data only; a test file may
 * hold a single class.
 *
 * Same rules as scikit-learn: "The number of classes has to be greater
 * than one", and "Mix of label input types (string and number)".
 *
 * @param data With `lines` (as `loadCsv` returns it), a message names
 *   the 1-based file line, else the 0-based row.
 */
export function checkTrainingLabels(
  data: Pick<Dataset, 'y' | 'file' | 'labelName'> &
    Partial<Pick<Dataset, 'lines'>>,
): void {
  const seen = new Set<number | string>();
  for (let i = 0; i < data.y.length && seen.size < 2; i++) {
    seen.add(data.y[i]!);
  }
  if (seen.size < 2) {
    const only = seen.size === 0 ? 'no rows' : `only the class ` +
      `${showLabel([...seen][0]!)}`;
    throw new DataError(
      `${data.file}: the label column '${shorten(data.labelName)}' holds ` +
        `${only}; training a classifier needs at least two classes ` +
        '(scikit-learn: "The number of classes has to be greater than ' +
        'one").',
      data.file,
      undefined,
      data.labelName,
    );
  }
  if (!(data.y instanceof Int32Array)) {
    checkOneKind(data.y, data.file, data.lines);
  }
}

/**
 * Refuses label texts that are numbers but for a few texts: a stray word
 * among digit classes ('seven' in MNIST) is a typo to fix, named by its
 * line. Texts with a few numbers among them ('cat', 'dog', '7') are
 * classes named by texts and are read as pandas reads them, all texts.
 *
 * Differs from scikit-learn, which trains the 11 text classes pandas
 * gives it for the first case.
 */
function checkOneKind(
  y: readonly string[],
  file: string,
  lines: ArrayLike<number> | undefined,
): void {
  const kinds = labelKinds(y);
  if (kinds.texts === 0 || kinds.numbers <= kinds.texts) {
    return;
  }
  const i = kinds.firstText;
  const line = lines?.[i];
  const row = line === undefined ? ` in row ${i} (0-based)` : '';
  throw csvError(file, line, undefined, undefined,
    `the label '${shorten(y[i]!)}'${row} is not a number, but ` +
    `${kinds.numbers} of the ${y.length} labels are; a text among number ` +
    'classes is most likely a typo (pandas would make every label a text ' +
    'and scikit-learn would train it as one more class)');
}

interface Settings {
  /** null: the file has no label column (`loadFeatures`). */
  label: string | number | null;
  header: boolean;
  delimiter: string | undefined;
  scale: number;
  expectColumns: readonly string[] | undefined;
  cache: boolean | CacheOptions;
  workers: number | undefined;
  engine: 'auto' | 'csv-parse';
}

/** What `isDelimiter` accepts, as option messages word it. */
export const DELIMITER_RULE = 'one character other than a quote or a line end';

/**
 * Whether `value` can separate fields: one character other than a quote
 * or a line end. Differs from csv-parse, which also takes several
 * characters: the fast numeric scanner and the delimiter detection split
 * on one, and pandas's `sep` of several characters is a regular
 * expression, which csv-parse would not read the same way.
 */
export function isDelimiter(value: unknown): value is string {
  return typeof value === 'string' && value.length === 1 &&
    value !== '"' && value !== '\n' && value !== '\r';
}

function checkOptions(options: CsvOptions, owner = OWNER): Settings {
  const labelled = owner === OWNER;
  checkKnownKeys(options as Record<string, unknown>, labelled
    ? KNOWN_OPTIONS : FEATURE_OPTIONS, owner);
  const header = options.header ?? true;
  if (typeof header !== 'boolean') {
    throw optionError('header', owner, 'true or false', header);
  }
  const label = labelled ? options.label ?? (header ? 'label' : 0) : null;
  if (
    label !== null &&
    !(typeof label === 'string' && label !== '') &&
    !Number.isInteger(label)
  ) {
    // A negative index is refused once the columns are known, with the
    // range they allow.
    throw optionError(
      'label',
      owner,
      'a column name or a 0-based column index',
      label,
    );
  }
  const delimiter = options.delimiter;
  if (delimiter !== undefined && !isDelimiter(delimiter)) {
    throw optionError('delimiter', owner, DELIMITER_RULE, delimiter);
  }
  const scale = options.scale ?? 1;
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) {
    throw optionError('scale', owner, 'a positive finite number', scale);
  }
  const expectColumns = options.expectColumns;
  if (
    expectColumns !== undefined &&
    (!Array.isArray(expectColumns) ||
      expectColumns.some((c) => typeof c !== 'string'))
  ) {
    throw optionError(
      'expectColumns',
      owner,
      'an array of column names',
      expectColumns,
    );
  }
  const cache = options.cache ?? true;
  if (typeof cache !== 'boolean' && (typeof cache !== 'object' ||
    cache === null)) {
    throw optionError('cache', owner, 'true, false or {dir, minBytes}',
      cache);
  }
  const workers = options.workers;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
    throw optionError('workers', owner, 'a positive integer', workers);
  }
  const engine = options.engine ?? 'auto';
  if (!(ENGINES as readonly unknown[]).includes(engine)) {
    throw optionError('engine', owner, listChoices(ENGINES), engine);
  }
  return { label, header, delimiter, scale, expectColumns, cache, workers,
    engine };
}

function cacheSettings(
  cache: boolean | CacheOptions,
): { dir: string | undefined; minBytes: number } | undefined {
  if (cache === false || !cacheSupported()) {
    return undefined;
  }
  const given = cache === true ? {} : cache;
  checkKnownKeys(given as Record<string, unknown>, ['dir', 'minBytes'],
    `${OWNER} cache`);
  return { dir: given.dir, minBytes: given.minBytes ?? 1 << 20 };
}

/** The options that change what a parse returns: the cache key. */
function parseKey(s: Settings): Record<string, unknown> {
  return {
    label: s.label,
    header: s.header,
    delimiter: s.delimiter ?? 'auto',
    scale: s.scale,
  };
}

async function statSource(file: string): Promise<fs.BigIntStats> {
  let stats: fs.BigIntStats;
  try {
    stats = await fs.promises.stat(file, { bigint: true });
  } catch (error) {
    throw sourceError(file, error);
  }
  if (!stats.isFile()) {
    throw new DataError(`${file}: not a file (it is a directory or a ` +
      'device); give the path of a CSV file.', file);
  }
  return stats;
}

async function readSource(file: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(file);
  } catch (error) {
    throw sourceError(file, error);
  }
}

function sourceError(file: string, error: unknown): DataError {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') {
    return new DataError(`${file}: the file does not exist.`, file);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new DataError(`${file}: the file cannot be read (permission ` +
      'denied).', file);
  }
  return new DataError(`${file}: the file cannot be read: ` +
    `${(error as Error).message}`, file);
}

function isRacy(stamp: SourceStamp): boolean {
  const changedMs = Number(BigInt(stamp.ctimeNs) / 1_000_000n);
  return Date.now() < changedMs + racyWindowMs(stamp);
}

async function waitOutRacyWindow(
  file: string,
  stats: fs.BigIntStats,
): Promise<fs.BigIntStats> {
  const stamp = stampOf(stats);
  const window = racyWindowMs(stamp);
  if (!isRacy(stamp) || window > 100) {
    // Whole-second file systems: parse now, cache on a later load.
    return stats;
  }
  const changedMs = Number(stats.ctimeNs / 1_000_000n);
  const wait = changedMs + window - Date.now();
  if (wait > window) {
    // A change time in the future (a skewed network clock): no cache.
    return stats;
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0) + 1));
  return statSource(file);
}

type Table = Omit<Dataset, 'file' | 'cache'>;

async function parseTable(
  file: string,
  buffer: Buffer,
  s: Settings,
): Promise<Table> {
  let start = 0;
  if (BOM.every((b, i) => buffer[i] === b)) {
    start = BOM.length;
  }
  checkTextFile(file, buffer, start);
  if (isBlank(buffer, start)) {
    throw new DataError(`${file}: the file is empty; a CSV file with a ` +
      'header line and data rows is needed.', file);
  }
  const { line: firstLine, next, lineNumber } = firstNonBlankLine(
    buffer,
    start,
  );
  const delimiter = s.delimiter ?? detectDelimiter(firstLine);
  const fields = parseLine(file, firstLine, delimiter, lineNumber,
    () => buffer.toString('utf8', start));
  const columns = s.header ? fields : fields.map((_, i) => String(i));
  if (s.header) {
    checkUniqueNames(file, columns, lineNumber);
  }
  const labelColumn = s.label === null
    ? -1
    : findLabel(file, columns, s.label, s.header, delimiter);
  const featureNames = columns.filter((_, i) => i !== labelColumn);
  const labelName = columns[labelColumn] ?? '';
  checkColumns(file, featureNames, s.expectColumns);

  const spec: RowSpec = {
    file,
    delimiter,
    columns,
    labelColumn,
    scale: s.scale,
    engine: s.engine,
  };
  const bodyStart = s.header ? next : start;
  const bodyLine = s.header ? lineNumber + 1 : 1;
  const parsed = await parseRowsParallel(
    buffer.subarray(bodyStart),
    bodyLine,
    spec,
    s.workers,
  );
  if (parsed.rows === 0) {
    throw csvError(file, lineNumber, undefined, undefined,
      'the file has a header but no data rows.');
  }
  const y = labelColumn === -1
    ? new Int32Array(0)
    : labelsFrom(parsed.labels, parsed.lines, spec);
  return {
    x: { data: parsed.data, rows: parsed.rows, cols: featureNames.length },
    y,
    lines: parsed.lines,
    featureNames,
    labelName,
    labelColumn,
    rows: parsed.rows,
  };
}

/** Whether `buffer` from `start` holds only whitespace. */
function isBlank(buffer: Buffer, start: number): boolean {
  for (let i = start; i < buffer.length; i++) {
    const c = buffer[i]!;
    if (c >= 0x80) {
      return buffer.toString('utf8', i).trim() === '';
    }
    if (c !== 32 && (c < 9 || c > 13)) {
      return false;
    }
  }
  return true;
}

/** The first line with any text, its end and its 1-based number. */
function firstNonBlankLine(
  buffer: Buffer,
  start: number,
): { line: string; next: number; lineNumber: number } {
  let at = start;
  let lineNumber = 1;
  for (;;) {
    // A line ends at `\n`, `\r\n` or a lone `\r`, as in the body.
    const lf = buffer.indexOf(10, at);
    const stop = lf === -1 ? buffer.length : lf;
    const cr = buffer.subarray(at, stop).indexOf(13);
    const end = cr === -1 ? stop : at + cr;
    const next = end === buffer.length ? end
      : buffer[end] === 13 && buffer[end + 1] === 10 ? end + 2 : end + 1;
    const line = buffer.toString('utf8', at, end);
    if (line.trim() !== '' || next >= buffer.length) {
      return { line, next, lineNumber };
    }
    at = next;
    lineNumber++;
  }
}

/** `;` when the line has more semicolons than commas outside quotes. */
export function detectDelimiter(line: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      commas++;
    } else if (!quoted && c === ';') {
      semicolons++;
    }
  }
  return semicolons > commas ? ';' : ',';
}

/**
 * The fields of the first line. `text` gives the file's text (after any
 * BOM), to tell a quote that never closes from one that closes on a
 * later line.
 */
function parseLine(
  file: string,
  line: string,
  delimiter: string,
  lineNumber: number,
  text: () => string,
): string[] {
  try {
    const records = parse(line, { delimiter }) as string[][];
    return records[0] ?? [''];
  } catch (error) {
    const e = error as { code?: string; message: string };
    const open = e.code === 'CSV_QUOTE_NOT_CLOSED'
      ? unclosedQuote(line, delimiter)
      : undefined;
    if (open === undefined) {
      throw csvError(file, lineNumber, undefined, undefined,
        `malformed CSV: ${shortenQuoted(e.message)}`);
    }
    const inFile = unclosedQuote(text(), delimiter);
    const never = inFile?.line === lineNumber && inFile.field === open.field;
    throw csvError(file, lineNumber, open.field, undefined, never
      ? QUOTE_NOT_CLOSED
      : 'a quote opens here and closes only on a later line; the first ' +
        'line is read on its own, so its fields cannot hold a line break.');
  }
}

/**
 * Refuses a header that names a column twice: features are matched by
 * name (`expectColumns`, saved models), so two columns of one name could
 * not be told apart.
 */
function checkUniqueNames(
  file: string,
  columns: readonly string[],
  lineNumber: number,
): void {
  const first = new Map<string, number>();
  for (let i = 0; i < columns.length; i++) {
    const seen = first.get(columns[i]!);
    if (seen !== undefined) {
      throw csvError(file, lineNumber, i, columns,
        `column ${seen + 1} has the same name; every column needs its own ` +
        'name.');
    }
    first.set(columns[i]!, i);
  }
}

function findLabel(
  file: string,
  columns: string[],
  label: string | number,
  header: boolean,
  delimiter: string,
): number {
  const integer = typeof label === 'string' && /^[+-]?\d+$/.test(label);
  if (
    typeof label === 'number' ||
    (integer && (!header || !columns.includes(label)))
  ) {
    const index = Number(label);
    if (index < 0 || index >= columns.length) {
      const fromEnd = index < 0
        ? ' A negative index does not count from the end here; the last ' +
          `column is ${columns.length - 1}.`
        : '';
      throw csvError(file, 1, undefined, undefined,
        `the label column index ${label} is out of range; the file has ` +
        `${columns.length} columns (0 to ${columns.length - 1}).${fromEnd}`);
    }
    if (columns.length < 2) {
      throw csvError(file, 1, undefined, undefined,
        'the file has a single column; it needs a label column and at ' +
        'least one feature column.');
    }
    return index;
  }
  if (!header) {
    throw csvError(file, undefined, undefined, undefined,
      `the label '${shorten(label)}' is a column name, but the file is ` +
      'read without a header; give the label as a 0-based column index.');
  }
  const index = columns.indexOf(label);
  if (index === -1) {
    const guess = nearest(label, columns);
    const hint = guess === undefined
      ? ''
      : ` Did you mean '${shorten(guess)}'?`;
    // NOTE [neutral hints]: loadCsv is called from CLI flags and from
    // config keys alike, so remedies name the setting, not a flag.
    const noHeader = columns.every((c) => c.trim() !== '' && !isNaN(+c))
      ? ' The first line holds only numbers: if the file has no header, ' +
        'read it without one and give the label as a 0-based column index.'
      : '';
    const other = columns.length === 1
      ? [';', '\t', '|', ','].find((d) => columns[0]!.includes(d))
      : undefined;
    const split = other === undefined
      ? ''
      : ` Split on ${showChar(delimiter)}, the header is one column, ` +
        `which holds ${showChar(other)}: is that the delimiter? If so, ` +
        `set the delimiter to ${showChar(other)}.`;
    throw csvError(file, 1, undefined, undefined,
      `there is no label column '${shorten(label)}'. The columns are ` +
      `${listColumns(columns)}.${hint}${noHeader}${split}`);
  }
  if (columns.length < 2) {
    throw csvError(file, 1, undefined, undefined,
      'the file has a single column; it needs a label column and at ' +
      'least one feature column.');
  }
  return index;
}

/** A delimiter as a message shows it: `';'`, `'\t'` (tab). */
function showChar(c: string): string {
  return c === '\t' ? "'\\t' (a tab)" : `'${c}'`;
}

/**
 * Every name of a list ("'a', 'b' and 'c'"), each shortened; past 12
 * names, the first 10 and how many there are.
 */
function listColumns(columns: readonly string[]): string {
  const quoted = columns.slice(0, columns.length <= 12 ? 12 : 10)
    .map((c) => `'${shorten(c)}'`);
  if (columns.length > 12) {
    return `${quoted.join(', ')}, ... (${columns.length} columns in all)`;
  }
  if (quoted.length <= 1) {
    return quoted.join('');
  }
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

/**
 * Refuses a feature list that differs from the training file's: another
 * count, another name, or another order.
 */
export function checkColumns(
  file: string,
  featureNames: readonly string[],
  expected: readonly string[] | undefined,
): void {
  if (expected === undefined) {
    return;
  }
  const missing = expected.filter((c) => !featureNames.includes(c));
  const extra = featureNames.filter((c) => !expected.includes(c));
  const details: string[] = [];
  if (missing.length > 0) {
    details.push(`missing ${listColumns(missing)}`);
  }
  if (extra.length > 0) {
    details.push(`not in the training file: ${listColumns(extra)}`);
  }
  if (details.length === 0) {
    const at = expected.findIndex((c, i) => featureNames[i] !== c);
    if (at === -1) {
      return;
    }
    details.push(`feature ${at + 1} is '${shorten(featureNames[at]!)}' ` +
      `where the training file has '${shorten(expected[at]!)}' (same ` +
      'columns, other order)');
  }
  throw csvError(file, 1, undefined, undefined,
    `the feature columns differ from the training file's ` +
    `(${featureNames.length} here, ${expected.length} there): ` +
    `${details.join('; ')}.`);
}

const NOT_FINITE = /^\s*[+-]?(nan|inf|infinity)\s*$/i;

/** Int32Array when every label is a whole number, else the texts. */
function labelsFrom(
  labels: string[],
  lines: Int32Array,
  spec: RowSpec,
): Int32Array | string[] {
  const at = spec.labelColumn;
  let numeric = true;
  for (let i = 0; i < labels.length; i++) {
    const text = labels[i]!;
    if (text.trim() === '' || NOT_FINITE.test(text)) {
      throw csvError(spec.file, lines[i], at, spec.columns,
        text.trim() === ''
          ? 'the label is empty; every row needs a class label.'
          : `the label ${cellProblem(text)}.`);
    }
    if (numeric && !isCellNumber(text, +text)) {
      numeric = false;
    }
  }
  if (!numeric) {
    return labels;
  }
  const y = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const value = +labels[i]!;
    if (!Number.isInteger(value)) {
      throw csvError(spec.file, lines[i], at, spec.columns,
        `the label '${shorten(labels[i]!)}' is not a whole number. A ` +
        'classifier needs class labels (integers or strings); ' +
        "scikit-learn refuses such labels as a 'continuous' target.");
    }
    if (value < -(2 ** 31) || value > 2 ** 31 - 1) {
      // Differs from pandas, which reads int64.
      throw csvError(spec.file, lines[i], at, spec.columns,
        `the label '${shorten(labels[i]!)}' is a whole number outside ` +
        'int32 (-2147483648 to 2147483647), the integer labels tfjs ' +
        'holds (it has no int64). Number the classes within that range, ' +
        'or give them names.');
    }
    y[i] = value;
  }
  return y;
}
