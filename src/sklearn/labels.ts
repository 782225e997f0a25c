import { DataError, ShapeError } from '../errors.js';

/** A class label as users hold them. */
export type Label = number | string;

/** Labels as an array, refusing NaN, mixed types and a wrong length. */
export function toLabels(
  y: ArrayLike<Label>,
  rows: number | undefined,
  what = 'y',
): Label[] {
  const labels = Array.from(y);
  if (rows !== undefined && labels.length !== rows) {
    throw new ShapeError(
      'Found input variables with inconsistent numbers of samples: ' +
        `[${rows}, ${labels.length}].`,
      [rows],
      [labels.length],
    );
  }
  let kind: string | undefined;
  labels.forEach((label, i) => {
    const k = typeof label;
    if ((k !== 'number' && k !== 'string') ||
        (k === 'number' && !Number.isFinite(label))) {
      throw new DataError(
        `${what} must hold finite numbers or strings; element ${i} is ` +
          `${String(label)}.`, undefined, i);
    }
    if (kind !== undefined && k !== kind) {
      throw new DataError(
        `${what} mixes numbers and strings (element ${i} is ` +
          `${JSON.stringify(label)}); use one type for all labels.`,
        undefined, i);
    }
    kind = k;
  });
  return labels;
}

/** Distinct labels sorted as numpy sorts them (numbers by value). */
export function uniqueSorted(labels: readonly Label[]): Label[] {
  const unique = [...new Set(labels)];
  return typeof unique[0] === 'number'
    ? (unique as number[]).sort((a, b) => a - b)
    : (unique as string[]).sort();
}

/** numpy-style rendering of a label list for messages: [0 1 2]. */
export function showLabels(labels: readonly Label[]): string {
  return `[${labels.map((l) => (typeof l === 'string' ? `'${l}'` : l))
    .join(' ')}]`;
}

/** Index of each label in `classes`; throws for labels not among them. */
export function encodeLabels(
  labels: readonly Label[],
  classes: readonly Label[],
): Int32Array {
  const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
  const out = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    const k = index.get(label);
    if (k === undefined) {
      throw new DataError(
        `y has classes not in classes: classes has ${showLabels(classes)}; ` +
          `y has ${showLabels(uniqueSorted(labels))}.`, undefined, i);
    }
    out[i] = k;
  });
  return out;
}
