import { listChoices, optionError } from '../util/options.js';
import {
  checkLabelsOption,
  checkTargets,
  type Label,
  type LabelArray,
} from './labels.js';
import { readOptions } from './options.js';

/** How `confusionMatrix` normalises counts. Python: `normalize`. */
export type ConfusionNormalize = 'true' | 'pred' | 'all';

const NORMALIZE_CHOICES: readonly ConfusionNormalize[] = [
  'true',
  'pred',
  'all',
];

export interface ConfusionMatrixOptions {
  /**
   * The labels that index the rows and columns, in this order. Samples
   * whose true or predicted label is not listed are left out. Python:
   * `labels`.
   * @default the sorted union of the labels in yTrue and yPred
   */
  labels?: LabelArray;
  /**
   * Divide by each row's sum (`'true'`), each column's sum (`'pred'`) or
   * the total (`'all'`); 0/0 becomes 0. `null` keeps counts. Python:
   * `normalize`.
   * @default null
   */
  normalize?: ConfusionNormalize | null;
}

/**
 * The confusion matrix C, where C[i][j] counts samples whose true label is
 * labels[i] and whose predicted label is labels[j]: rows are true labels,
 * columns predicted ones. Python: `sklearn.metrics.confusion_matrix(
 * y_true, y_pred, *, labels=None, normalize=None)`.
 *
 * Differs from scikit-learn: `labels` may not repeat a label.
 *
 * ```ts
 * confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
 * // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 * ```
 */
export function confusionMatrix(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: ConfusionMatrixOptions,
): number[][] {
  const owner = 'confusionMatrix';
  const opts = readOptions(options, ['labels', 'normalize'], owner);
  const normalize = opts.normalize ?? null;
  if (normalize !== null && !NORMALIZE_CHOICES.includes(normalize)) {
    throw optionError(
      'normalize',
      owner,
      listChoices([...NORMALIZE_CHOICES, null]),
      normalize,
    );
  }
  const targets = checkTargets(yTrue, yPred, owner);
  let labels: Label[] = targets.present;
  if (opts.labels !== undefined) {
    labels = checkLabelsOption(opts.labels, targets, owner);
    const wanted = new Set(labels);
    if (!targets.yTrue.some((label) => wanted.has(label))) {
      throw optionError(
        'labels',
        owner,
        'a list with at least one label that occurs in yTrue',
        labels,
      );
    }
  }
  const index = new Map<Label, number>();
  labels.forEach((label, i) => index.set(label, i));

  // Count, leaving out samples with a label outside `labels`.
  const n = labels.length;
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let k = 0; k < targets.yTrue.length; k++) {
    const i = index.get(targets.yTrue[k]!);
    const j = index.get(targets.yPred[k]!);
    if (i !== undefined && j !== undefined) {
      counts[i]![j]!++;
    }
  }
  return normalize === null ? counts : normalized(counts, normalize);
}

/** Divides counts as numpy does, turning 0/0 into 0. */
function normalized(
  counts: number[][],
  normalize: ConfusionNormalize,
): number[][] {
  const n = counts.length;
  const rowSums = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = counts[0]!.map((_, j) =>
    counts.reduce((sum, row) => sum + row[j]!, 0),
  );
  const total = rowSums.reduce((a, b) => a + b, 0);
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const divisor =
        normalize === 'true'
          ? rowSums[i]!
          : normalize === 'pred'
            ? colSums[j]!
            : total;
      out[i]![j] = divisor === 0 ? 0 : counts[i]![j]! / divisor;
    }
  }
  return out;
}
