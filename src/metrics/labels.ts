import { ShapeError } from '../errors.js';
import { listChoices, optionError } from '../util/options.js';

/** A class label: an integer or a string, as scikit-learn accepts. */
export type Label = number | string;

/**
 * Labels as callers hold them: a numeric array (`number[]`, `Int32Array`,
 * `Float32Array` of whole numbers...) or an array of strings. An array
 * typed `(number | string)[]` is accepted too, but its labels must all be
 * integers or all strings (checked when a metric is called).
 */
export type LabelArray = ArrayLike<number> | readonly Label[];

/** Checked targets: the two label lists and what scikit-learn infers. */
export interface Targets {
  yTrue: Label[];
  yPred: Label[];
  /** Whether the labels are integers or strings. */
  kind: 'number' | 'string';
  /**
   * `binary` when yTrue and yPred together hold at most two labels,
   * `multiclass` otherwise (scikit-learn's `type_of_target`).
   */
  type: 'binary' | 'multiclass';
  /** Sorted union of the labels in yTrue and yPred (`unique_labels`). */
  present: Label[];
}

/**
 * Orders labels as numpy sorts them: numbers ascending, strings by Unicode
 * code point (which is how Python compares `str`).
 */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  const sa = String(a);
  const sb = String(b);
  const ca = Array.from(sa);
  const cb = Array.from(sb);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const d = ca[i]!.codePointAt(0)! - cb[i]!.codePointAt(0)!;
    if (d !== 0) {
      return d;
    }
  }
  return ca.length - cb.length;
}

/** The sorted union of the labels in all arrays (`unique_labels`). */
export function uniqueLabels(...arrays: readonly Label[][]): Label[] {
  const seen = new Set<Label>();
  for (const array of arrays) {
    for (const label of array) {
      seen.add(label);
    }
  }
  return [...seen].sort(compareLabels);
}

/** How a label is shown in a report: Python's `'%s' % label`. */
export function labelName(label: Label): string {
  return String(label);
}

/** Length of a string in code points, as Python's `len` counts. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) {
    n++;
  }
  return n;
}

/**
 * Checks yTrue and yPred once, at the edge: same non-zero length, labels
 * all integers or all strings. `owner` names the calling function in
 * messages.
 */
export function checkTargets(
  yTrue: LabelArray,
  yPred: LabelArray,
  owner: string,
): Targets {
  const trueLabels = toLabels(yTrue, 'yTrue', owner);
  const predLabels = toLabels(yPred, 'yPred', owner);
  if (trueLabels.length !== predLabels.length) {
    throw new ShapeError(
      `${owner}: yTrue and yPred must have the same length. Got yTrue ` +
        `with ${trueLabels.length} labels and yPred with ` +
        `${predLabels.length}.`,
      [trueLabels.length],
      [predLabels.length],
    );
  }
  if (trueLabels.length === 0) {
    throw new ShapeError(
      `${owner}: yTrue and yPred are empty; at least one sample is ` +
        'needed.',
      [null],
      [0],
    );
  }
  const kind = typeof trueLabels[0] === 'string' ? 'string' : 'number';
  checkKind(trueLabels, kind, 'yTrue', owner, trueLabels[0]!);
  checkKind(predLabels, kind, 'yPred', owner, trueLabels[0]!);
  const present = uniqueLabels(trueLabels, predLabels);
  return {
    yTrue: trueLabels,
    yPred: predLabels,
    kind,
    type: present.length <= 2 ? 'binary' : 'multiclass',
    present,
  };
}

/**
 * Checks a `labels` option against the targets: not empty, no repeats,
 * the same kind of label as yTrue.
 */
export function checkLabelsOption(
  labels: LabelArray,
  targets: Targets,
  owner: string,
): Label[] {
  const list = toLabels(labels, 'labels', owner);
  if (list.length === 0) {
    throw optionError('labels', owner, 'a non-empty list of labels', []);
  }
  checkKind(list, targets.kind, 'labels', owner, targets.yTrue[0]!);
  const seen = new Set<Label>();
  for (const label of list) {
    if (seen.has(label)) {
      throw optionError(
        'labels',
        owner,
        `a list of distinct labels (${listChoices([label])} is repeated)`,
        list,
      );
    }
    seen.add(label);
  }
  return list;
}

function toLabels(
  values: LabelArray,
  name: string,
  owner: string,
): Label[] {
  if (
    values === null ||
    typeof values !== 'object' ||
    typeof values.length !== 'number'
  ) {
    throw optionError(
      name,
      owner,
      'an array of labels (integers or strings)',
      values,
    );
  }
  const out = new Array<Label>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as unknown;
    if (typeof value === 'string') {
      out[i] = value;
    } else if (typeof value === 'number' && Number.isInteger(value)) {
      // -0 and 0 are the same class.
      out[i] = value === 0 ? 0 : value;
    } else {
      throw optionError(
        name,
        owner,
        `an array of integer or string labels (${name}[${i}] is not one)`,
        value,
      );
    }
  }
  return out;
}

function checkKind(
  labels: readonly Label[],
  kind: 'number' | 'string',
  name: string,
  owner: string,
  first: Label,
): void {
  for (let i = 0; i < labels.length; i++) {
    if (typeof labels[i] !== kind) {
      throw optionError(
        name,
        owner,
        `labels of one kind, ${kind === 'string' ? 'strings' : 'integers'} ` +
          `like yTrue[0] = ${listChoices([first])} (${name}[${i}] is not)`,
        labels[i],
      );
    }
  }
}
