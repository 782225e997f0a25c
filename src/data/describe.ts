import type { Dataset } from './csv.js';

/** The part of a `Dataset` that inspection reads. */
export type TableLike = Pick<
  Dataset,
  'x' | 'y' | 'featureNames' | 'labelName' | 'labelColumn'
>;

/**
 * One column of pandas `DataFrame.describe()`: count, mean, std (with
 * `ddof=1`, NaN for a single row), min, the 25/50/75 % quantiles with
 * linear interpolation, and max.
 */
export interface ColumnSummary {
  name: string;
  count: number;
  mean: number;
  std: number;
  min: number;
  q25: number;
  q50: number;
  q75: number;
  max: number;
  /** Every value is a whole number (pandas would read it as int64). */
  integer: boolean;
}

/** pandas `value_counts()`: each distinct value and how often it occurs. */
export interface ValueCount {
  value: number | string;
  count: number;
}

/**
 * The table's columns in file order, the label at its place; each column
 * reads row `i` as `value(i)`. String labels have no numeric column.
 */
export function fileColumns(
  table: TableLike,
): { name: string; value: (row: number) => number | string }[] {
  const { x, y } = table;
  const features = table.featureNames.map((name, j) => ({
    name,
    value: (i: number) => x.data[i * x.cols + j]!,
  }));
  const label = { name: table.labelName, value: (i: number) => y[i]! };
  return [
    ...features.slice(0, table.labelColumn),
    label,
    ...features.slice(table.labelColumn),
  ];
}

/**
 * pandas `df.describe()` over every numeric column, in file order: the
 * features and, when its labels are numbers, the label column.
 */
export function describe(table: TableLike): ColumnSummary[] {
  const { x, y } = table;
  const features: ColumnSummary[] = [];
  // Columns are copied out in blocks, row by row: reading one column
  // down a wide row-major matrix would miss the cache at every row.
  const block = 32;
  const buffer = new Float64Array(block * x.rows);
  for (let j0 = 0; j0 < x.cols; j0 += block) {
    const width = Math.min(block, x.cols - j0);
    for (let i = 0; i < x.rows; i++) {
      const from = i * x.cols + j0;
      for (let k = 0; k < width; k++) {
        buffer[k * x.rows + i] = x.data[from + k]!;
      }
    }
    for (let k = 0; k < width; k++) {
      const column = buffer.subarray(k * x.rows, (k + 1) * x.rows);
      features.push(summarize(table.featureNames[j0 + k]!, column));
    }
  }
  if (!(y instanceof Int32Array)) {
    return features;
  }
  const label = summarize(table.labelName, Float64Array.from(y));
  return [
    ...features.slice(0, table.labelColumn),
    label,
    ...features.slice(table.labelColumn),
  ];
}

/** Summary of one column (the array is reordered). */
export function summarize(name: string, values: Float64Array): ColumnSummary {
  const n = values.length;
  let sum = 0;
  let integer = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    integer &&= Number.isInteger(v);
    min = v < min ? v : min;
    max = v > max ? v : max;
  }
  const mean = n === 0 ? NaN : sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    squares += (values[i]! - mean) ** 2;
  }
  // Whole numbers in a short range (pixels, counts) are counted rather
  // than sorted: the same quantiles, much faster on wide tables.
  const kth = integer && n > 0 && max - min < 65536
    ? countedOrder(values, min, max)
    : sortedOrder(values);
  return {
    name,
    count: n,
    mean,
    std: n < 2 ? NaN : Math.sqrt(squares / (n - 1)),
    min: n === 0 ? NaN : min,
    q25: quantileOf(kth, n, 0.25),
    q50: quantileOf(kth, n, 0.5),
    q75: quantileOf(kth, n, 0.75),
    max: n === 0 ? NaN : max,
    integer,
  };
}

/** The k-th smallest value (0-based), after sorting `values`. */
function sortedOrder(values: Float64Array): (k: number) => number {
  values.sort();
  return (k) => values[k]!;
}

/**
 * The k-th smallest value of whole numbers in [min, max], found by
 * counting them instead of sorting.
 */
function countedOrder(
  values: Float64Array,
  min: number,
  max: number,
): (k: number) => number {
  // ends[v] = how many values are <= min + v.
  const ends = new Float64Array(max - min + 1);
  for (let i = 0; i < values.length; i++) {
    ends[values[i]! - min]++;
  }
  for (let v = 1; v < ends.length; v++) {
    ends[v] += ends[v - 1]!;
  }
  return (k) => {
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! > k) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo + min;
  };
}

/** numpy's default ('linear') quantile of sorted values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  return quantileOf((k) => sorted[k]!, sorted.length, q);
}

/** The linear quantile of `n` values whose k-th smallest is `kth(k)`. */
function quantileOf(kth: (k: number) => number, n: number, q: number):
number {
  if (n === 0) {
    return NaN;
  }
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const low = kth(below);
  const high = kth(Math.min(below + 1, n - 1));
  return low + (high - low) * (position - below);
}

/**
 * pandas `series.value_counts()`: most frequent first; ties keep the
 * order in which the values first occur.
 */
export function valueCounts(
  y: ArrayLike<number> | readonly (number | string)[],
): ValueCount[] {
  const counts = new Map<number | string, number>();
  for (let i = 0; i < y.length; i++) {
    counts.set(y[i]!, (counts.get(y[i]!) ?? 0) + 1);
  }
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count);
}

const DESCRIBE_ROWS = [
  ['count', 'count'],
  ['mean', 'mean'],
  ['std', 'std'],
  ['min', 'min'],
  ['25%', 'q25'],
  ['50%', 'q50'],
  ['75%', 'q75'],
  ['max', 'max'],
] as const;

/**
 * `describe()` as pandas prints it. With more than `maxColumns` columns,
 * the first `maxColumns` are shown followed by `...` and pandas's
 * `[8 rows x N columns]` line. Differs from pandas: a wide table shows
 * its first columns rather than the first and last few.
 *
 * @param options.maxColumns Default 20.
 */
export function formatDescribe(
  summaries: readonly ColumnSummary[],
  options: { maxColumns?: number } = {},
): string {
  const shown = summaries.slice(0, options.maxColumns ?? 20);
  const columns = shown.map((summary) => ({
    name: summary.name,
    cells: formatFloats(DESCRIBE_ROWS.map(([, key]) => summary[key]))
      .map(slot),
    numeric: true,
  }));
  const index = DESCRIBE_ROWS.map(([label]) => label);
  const text = layout(index, columns, shown.length < summaries.length);
  return shown.length < summaries.length
    ? `${text}\n\n[8 rows x ${summaries.length} columns]`
    : text;
}

/**
 * pandas `df.iloc[:, :columns].head(rows)`: the first rows of the first
 * columns, whole-number columns printed as integers.
 *
 * @param options.rows Default 5.
 * @param options.columns Default 20.
 */
export function formatHead(
  table: TableLike,
  options: { rows?: number; columns?: number } = {},
): string {
  const rows = Math.min(options.rows ?? 5, table.x.rows);
  const columns = fileColumns(table).slice(0, options.columns ?? 20);
  const printed = columns.map((column): PrintColumn => {
    const values = range(rows).map((i) => column.value(i));
    if (typeof values[0] === 'string') {
      return { name: column.name, cells: values.map((v) => ` ${v}`),
        numeric: false };
    }
    const numbers = values as number[];
    const whole = wholeColumn(column.value, table.x.rows);
    return {
      name: column.name,
      cells: whole ? numbers.map(String) : formatFloats(numbers).map(slot),
      numeric: true,
    };
  });
  return layout(range(rows).map(String), printed, false);
}

/**
 * pandas `series.value_counts()` as printed by pandas 1.5, ending with
 * `Name: <label>, dtype: int64`.
 */
export function formatValueCounts(
  counts: readonly ValueCount[],
  name: string,
): string {
  const keys = counts.map((c) => String(c.value));
  const values = counts.map((c) => String(c.count));
  const keyWidth = Math.max(...keys.map((k) => k.length));
  const valueWidth = Math.max(...values.map((v) => v.length));
  // pandas: the index, three spaces, the count in a sign slot.
  const lines = keys.map(
    (k, i) => `${k.padEnd(keyWidth)}    ${values[i]!.padStart(valueWidth)}`,
  );
  lines.push(`Name: ${name}, dtype: int64`);
  return lines.join('\n');
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function wholeColumn(
  value: (row: number) => number | string,
  rows: number,
): boolean {
  for (let i = 0; i < rows; i++) {
    if (!Number.isInteger(value(i))) {
      return false;
    }
  }
  return true;
}

/**
 * One column of floats as pandas prints it: six decimals, then the
 * trailing zeros that every value shares dropped (one decimal kept);
 * scientific notation for very large or very small magnitudes.
 */
export function formatFloats(values: readonly number[]): string[] {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  const big = finite.some((v) => Math.abs(v) >= 1e16);
  const small = finite.some((v) => Math.abs(v) < 1e-6);
  if (big || small) {
    return values.map((v) => (Number.isNaN(v) ? 'NaN' : exponent(v)));
  }
  const fixed = values.map((v) => (Number.isNaN(v) ? 'NaN' : v.toFixed(6)));
  let decimals = 1;
  for (const text of fixed) {
    const match = /\.(\d*?)0*$/.exec(text);
    if (match !== null) {
      decimals = Math.max(decimals, match[1]!.length);
    }
  }
  return fixed.map((t) => (t === 'NaN' ? t : t.slice(0, t.length - 6 +
    decimals)));
}

function exponent(v: number): string {
  const [mantissa, power] = v.toExponential(6).split('e');
  const sign = power!.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${power!.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/** A column as pandas prints it: a name and its cells, already formatted. */
interface PrintColumn {
  name: string;
  cells: string[];
  /** Numeric columns get a sign slot before their name. */
  numeric: boolean;
}

/** A float's sign slot: a space unless the text starts with '-'. */
function slot(text: string): string {
  return text.startsWith('-') ? text : ` ${text}`;
}

/**
 * pandas's table layout (`DataFrame.to_string`): the index left-aligned;
 * each column right-aligned to its widest cell or name; one space between
 * columns. Float and string cells and the names of numeric columns carry
 * a leading space, as pandas gives them.
 */
function layout(
  index: readonly string[],
  columns: readonly PrintColumn[],
  more: boolean,
): string {
  const names = columns.map((c) => (c.numeric ? ` ${c.name}` : c.name));
  const indexWidth = Math.max(0, ...index.map((s) => s.length));
  const widths = columns.map((c, j) =>
    Math.max(names[j]!.length, ...c.cells.map((cell) => cell.length)),
  );
  const tail = more ? ' ...' : '';
  const lines = [
    ' '.repeat(indexWidth) +
      names.map((n, j) => ` ${n.padStart(widths[j]!)}`).join('') +
      tail,
  ];
  index.forEach((label, i) => {
    lines.push(
      label.padEnd(indexWidth) +
        columns.map((c, j) => ` ${c.cells[i]!.padStart(widths[j]!)}`)
          .join('') +
        tail,
    );
  });
  return lines.join('\n');
}

/**
 * Everything `trio inspect` shows, as the tutorial's pandas lines do:
 * `shape`, `iloc[:, :columns].head(rows)`, `describe()` and the label's
 * `value_counts()`.
 *
 * @param options.rows Rows of the head. Default 5.
 * @param options.columns Columns of the head and of describe. Default 20.
 */
export function formatInspection(
  table: TableLike & Pick<Dataset, 'file' | 'rows'>,
  options: { rows?: number; columns?: number } = {},
): string {
  const columns = options.columns ?? 20;
  const width = table.featureNames.length + 1;
  return [
    `File: ${table.file}`,
    `Shape: (${table.rows}, ${width})`,
    '',
    `First ${Math.min(options.rows ?? 5, table.rows)} rows of the first ` +
      `${Math.min(columns, width)} columns:`,
    formatHead(table, { rows: options.rows ?? 5, columns }),
    '',
    'Summary (describe):',
    formatDescribe(describe(table), { maxColumns: columns }),
    '',
    `Class distribution of '${table.labelName}' (value_counts):`,
    formatValueCounts(valueCounts(table.y), table.labelName),
  ].join('\n');
}
