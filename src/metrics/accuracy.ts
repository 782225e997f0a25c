import { optionError } from '../util/options.js';
import { checkTargets, type LabelArray } from './labels.js';
import { readOptions } from './options.js';

export interface AccuracyOptions {
  /**
   * Return the fraction of correct predictions; `false` returns their
   * count. Python: `normalize`.
   * @default true
   */
  normalize?: boolean;
}

/**
 * The fraction (or count) of samples whose predicted label equals the true
 * label. Python: `sklearn.metrics.accuracy_score(y_true, y_pred, *,
 * normalize=True)`.
 *
 * @param yTrue True labels, integers or strings.
 * @param yPred Predicted labels, the same kind and length as `yTrue`.
 *
 * ```ts
 * accuracyScore([0, 1, 2, 3], [0, 2, 1, 3]); // 0.5
 * accuracyScore([0, 1, 2, 3], [0, 2, 1, 3], {normalize: false}); // 2
 * ```
 */
export function accuracyScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: AccuracyOptions,
): number {
  const owner = 'accuracyScore';
  const { normalize = true } = readOptions(options, ['normalize'], owner);
  if (typeof normalize !== 'boolean') {
    throw optionError('normalize', owner, 'true or false', normalize);
  }
  const targets = checkTargets(yTrue, yPred, owner);
  let correct = 0;
  for (let i = 0; i < targets.yTrue.length; i++) {
    if (targets.yTrue[i] === targets.yPred[i]) {
      correct++;
    }
  }
  return normalize ? correct / targets.yTrue.length : correct;
}
