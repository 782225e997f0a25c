import { DataError } from '../errors.js';
import { isCellNumber, shorten } from './csv_rows.js';

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
 * `3` is not `'3'`. When the labels are texts and the classes numbers
 * (or the other way round), the error names the label that made them
 * so, such as the first label text that is not a number.
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
      throw unknownLabel(y, i, known, file, lines);
    }
    codes[i] = code;
  }
  return { codes, classes: known };
}

/** The error for `y[i]`, the first label outside `classes`. */
function unknownLabel(
  y: LabelValues,
  i: number,
  classes: readonly (number | string)[],
  file: string | undefined,
  lines: ArrayLike<number> | undefined,
): LabelError {
  const other = otherKind(y, i, classes);
  const at = other?.index ?? i;
  const line = lines?.[at];
  const shown = other?.label ?? showLabel(y[at]!);
  const where = line !== undefined
    ? `${file ?? 'the file'}, line ${line}: the label ${shown}`
    : `${file === undefined ? '' : `${file}: `}the label ${shown} in ` +
      `row ${at} (0-based)`;
  const what = other?.what ??
    `is not one of the ${classes.length} classes the model knows ` +
      `(${describeClasses(classes)}).`;
  return new LabelError(`${where} ${what}`, file, line, at, y[at]!);
}

/**
 * When `y[i]` is a text and every class a number, or the other way
 * round, the label to blame and what to say of it; else undefined.
 * Labels read from a file are texts only when one of them is not a
 * number, so that label, not the first, is the one to name.
 */
function otherKind(
  y: LabelValues,
  i: number,
  classes: readonly (number | string)[],
): { index: number; label: string; what: string } | undefined {
  if (classes.length === 0) {
    return undefined;
  }
  const label = y[i]!;
  if (typeof label === 'string' &&
    classes.every((c) => typeof c === 'number')) {
    const numbers = `the model's classes are numbers ` +
      `(${describeNumbers(classes as number[])})`;
    const texts = y as readonly string[];
    const first = labelKinds(texts).firstText;
    return first === -1
      ? { index: i, label: `'${shorten(label)}'`,
        what: `is a text, but ${numbers}.` }
      : { index: first, label: `'${shorten(texts[first]!)}'`,
        what: `is not a number, but ${numbers}; every label must be a ` +
          'number.' };
  }
  if (typeof label === 'number' &&
    classes.every((c) => typeof c === 'string')) {
    const names = classes as readonly string[];
    const text = names.find((c) => !isNumberText(c));
    const why = text !== undefined && names.some(isNumberText)
      ? `, as its training labels held texts such as '${shorten(text)}'`
      : ` (${describeClasses(classes)})`;
    return { index: i, label: String(label),
      what: `is a number, but the model's classes are texts${why}.` };
  }
  return undefined;
}

/** Label texts by kind: numbers, and texts that are not numbers. */
export interface LabelKinds {
  numbers: number;
  texts: number;
  /** 0-based index of the first number; -1 when there is none. */
  firstNumber: number;
  /** 0-based index of the first text not a number; -1: none. */
  firstText: number;
}

/** Counts label texts that are numbers (as `loadCsv` reads a cell). */
export function labelKinds(y: readonly string[]): LabelKinds {
  const kinds = { numbers: 0, texts: 0, firstNumber: -1, firstText: -1 };
  for (let i = 0; i < y.length; i++) {
    if (isNumberText(y[i]!)) {
      kinds.firstNumber = kinds.numbers === 0 ? i : kinds.firstNumber;
      kinds.numbers++;
    } else {
      kinds.firstText = kinds.texts === 0 ? i : kinds.firstText;
      kinds.texts++;
    }
  }
  return kinds;
}

/** Whether a label is a number or a text that `loadCsv` reads as one. */
function isNumberText(text: string | number): boolean {
  return typeof text === 'number' || isCellNumber(text, +text);
}

/**
 * A label as messages show it, cut at 40 characters: JSON, so that the
 * number 7 and the text "7" read apart.
 */
export function showLabel(label: number | string): string {
  return JSON.stringify(typeof label === 'string' ? shorten(label) : label);
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
  const shown = classes.slice(0, 10).map(showLabel);
  return shown.join(', ') + (classes.length > 10 ? ', ...' : '');
}

/** `0 to 9` for a run of consecutive integers, else the list. */
function describeNumbers(classes: readonly number[]): string {
  const first = classes[0]!;
  const run = classes.length > 2 &&
    classes.every((c, k) => c === first + k);
  return run ? `${first} to ${classes.at(-1)}` : describeClasses(classes);
}
