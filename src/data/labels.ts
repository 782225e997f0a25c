import { DataError } from '../errors.js';

/** Class labels as the loader returns them, or as users hold them. */
export type LabelValues = ArrayLike<number> | readonly string[];

/** Labels as class indices into `classes`. */
export interface EncodedLabels {
  /** `codes[i]` is the index of `y[i]` in `classes`. */
  codes: Int32Array;
  /** The classes, in the order their codes number them. */
  classes: (number | string)[];
}

/**
 * A label outside the classes a model knows. `row` is the 1-based file
 * line when the caller gave the lines (as `csvError` sets it), else
 * undefined; `index` is always the 0-based position in `y`.
 */
export class LabelError extends DataError {
  constructor(
    message: string,
    file: string | undefined,
    line: number | undefined,
    /** 0-based position of the label in the labels given. */
    readonly index: number,
    /** The label that is not a known class. */
    readonly label: number | string,
  ) {
    super(message, file, line);
  }
}

/**
 * Turns labels into class indices, as scikit-learn's `LabelEncoder` (and
 * `MLPClassifier.classes_`) do: without `classes`, the distinct labels
 * sorted, numbers numerically and strings by Unicode code point.
 *
 * With `classes` (from the training data), each label must be one of
 * them; the first that is not is reported as a `LabelError` with its
 * value and where it is: the 1-based file line when `lines` is given,
 * else its 0-based row. A number matches a number and a string a string:
 * `3` is not `'3'`.
 *
 * @param file Named in the error message, when given.
 * @param lines The 1-based file line of each label (`Dataset.lines`);
 *   a caller that read the file passes it so that the message names the
 *   line a user finds in an editor.
 */
export function encodeLabels(
  y: LabelValues,
  classes?: readonly (number | string)[],
  file?: string,
  lines?: ArrayLike<number>,
): EncodedLabels {
  const known = classes === undefined
    ? sortClasses(distinct(y))
    : [...classes];
  const index = new Map<number | string, number>();
  known.forEach((c, i) => index.set(c, i));
  const codes = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const code = index.get(y[i]!);
    if (code === undefined) {
      const line = lines?.[i];
      const where = line !== undefined
        ? `${file ?? 'the file'}, line ${line}: the label ` +
          `${JSON.stringify(y[i])}`
        : `${file === undefined ? '' : `${file}: `}the label ` +
          `${JSON.stringify(y[i])} in row ${i} (0-based)`;
      throw new LabelError(
        `${where} is not one of the ${known.length} classes the model ` +
          `knows (${describeClasses(known)}).`,
        file,
        line,
        i,
        y[i]!,
      );
    }
    codes[i] = code;
  }
  return { codes, classes: known };
}

/**
 * Sorts classes as numpy's `np.unique` does: numbers ascending, strings
 * by code point. A mix sorts numbers before strings.
 */
export function sortClasses(
  values: readonly (number | string)[],
): (number | string)[] {
  return [...values].sort(compareClasses);
}

export function compareClasses(a: number | string, b: number | string):
number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  if (typeof a === 'number') {
    return -1;
  }
  if (typeof b === 'number') {
    return 1;
  }
  return compareCodePoints(a, b);
}

/** Code point order (JavaScript's default sorts UTF-16 code units). */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) {
      return ca - cb;
    }
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (a.length - i) - (b.length - j);
}

function distinct(y: LabelValues): (number | string)[] {
  const seen = new Set<number | string>();
  for (let i = 0; i < y.length; i++) {
    seen.add(y[i]!);
  }
  return [...seen];
}

function describeClasses(classes: readonly (number | string)[]): string {
  const shown = classes.slice(0, 10).map((c) => JSON.stringify(c));
  return shown.join(', ') + (classes.length > 10 ? ', ...' : '');
}
