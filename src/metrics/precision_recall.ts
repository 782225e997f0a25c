import { TrioWarning } from '../errors.js';
import type { Reporter } from '../reporter.js';
import { listChoices, optionError } from '../util/options.js';
import {
  checkLabelsOption,
  checkTargets,
  type Label,
  type LabelArray,
  type Targets,
} from './labels.js';
import { mean, pairwiseSum, weightedMean } from './numpy_sum.js';
import {
  checkZeroDivision,
  readOptions,
  type ZeroDivision,
} from './options.js';
import { UndefinedMetricWarning, WarningSink } from './warnings.js';

/**
 * How per-label scores are combined. Python: `average`.
 * - `'binary'`: only the label `posLabel` (binary targets only).
 * - `'micro'`: counts summed over labels, then divided.
 * - `'macro'`: unweighted mean of the per-label scores.
 * - `'weighted'`: mean weighted by each label's support.
 * - `null` (Python `None`): no averaging, one score per label.
 *
 * scikit-learn's `'samples'` applies to multilabel targets only, which
 * tfjs-trio does not take.
 */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/** Which ill-defined metrics warn. Python: `warn_for`. */
export type WarnFor = 'precision' | 'recall' | 'f-score';

const AVERAGES: readonly Average[] = ['binary', 'micro', 'macro', 'weighted'];
const WARN_FOR: readonly WarnFor[] = ['precision', 'recall', 'f-score'];

export interface PrecisionRecallOptions {
  /**
   * Labels to score, in this order; may include labels absent from the
   * data (their scores are ill-defined). Ignored when `average` is
   * `'binary'`. Python: `labels`.
   * @default the sorted union of the labels in yTrue and yPred
   */
  labels?: LabelArray;
  /**
   * The positive class when `average` is `'binary'`. Python: `pos_label`.
   * @default 1
   */
  posLabel?: Label;
  /**
   * How scores are averaged; see {@link Average}. Python: `average`.
   * @default null for precisionRecallFscoreSupport, 'binary' for
   * f1Score, fbetaScore, precisionScore and recallScore
   */
  average?: Average | null;
  /**
   * The value of a 0/0 score: `'warn'` acts as 0 and reports an
   * `UndefinedMetricWarning`. Python: `zero_division`.
   * @default 'warn'
   */
  zeroDivision?: ZeroDivision;
  /**
   * Receives `UndefinedMetricWarning`s when `zeroDivision` is `'warn'`.
   * Warnings are dropped when no reporter is given.
   */
  reporter?: Reporter;
}

export interface PrfOptions extends PrecisionRecallOptions {
  /**
   * Weight of recall against precision in the F-score (1: F1). Python:
   * `beta`.
   * @default 1
   */
  beta?: number;
  /**
   * Metrics that warn when ill-defined. Python: `warn_for`.
   * @default ['precision', 'recall', 'f-score']
   */
  warnFor?: readonly WarnFor[];
}

/** Scores per label, in the order of `labels`. */
export interface PerLabelScores {
  precision: number[];
  recall: number[];
  fScore: number[];
  /** Number of true samples of each label. */
  support: number[];
}

/** Averaged scores; `support` is null as scikit-learn returns None. */
export interface AveragedScores {
  precision: number;
  recall: number;
  fScore: number;
  support: null;
}

const PRF_KEYS = [
  'labels',
  'posLabel',
  'average',
  'zeroDivision',
  'reporter',
  'beta',
  'warnFor',
];

/**
 * Precision, recall, F-beta score and support for each label, or their
 * average. Precision is tp / (tp + fp), recall tp / (tp + fn), F-beta
 * (1 + beta²)·p·r / (beta²·p + r). Python:
 * `sklearn.metrics.precision_recall_fscore_support(y_true, y_pred, *,
 * beta=1.0, labels=None, pos_label=1, average=None, warn_for=('precision',
 * 'recall', 'f-score'), zero_division='warn')`, computed in the same
 * floating-point order so results match to the last bit.
 *
 * ```ts
 * const {precision, support} = precisionRecallFscoreSupport(
 *   ['a', 'b', 'b'], ['a', 'a', 'b']);
 * // precision [0.5, 1], support [1, 2]
 * ```
 */
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrfOptions & { average?: null },
): PerLabelScores;
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrfOptions & { average: Average },
): AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrfOptions,
): PerLabelScores | AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrfOptions,
): PerLabelScores | AveragedScores {
  const owner = 'precisionRecallFscoreSupport';
  const opts = readOptions(options, PRF_KEYS, owner);
  const targets = checkTargets(yTrue, yPred, owner);
  return scoreTargets(targets, opts, null, owner);
}

/**
 * The F-beta score: (1 + beta²)·p·r / (beta²·p + r). Python:
 * `sklearn.metrics.fbeta_score(y_true, y_pred, *, beta, labels=None,
 * pos_label=1, average='binary', zero_division='warn')`.
 */
export function fbetaScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { beta: number; average: null },
): number[];
export function fbetaScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { beta: number; average?: Average },
): number;
export function fbetaScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { beta: number },
): number | number[];
export function fbetaScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { beta: number },
): number | number[] {
  return single(yTrue, yPred, options, 'fbetaScore', 'fScore', true);
}

/**
 * The F1 score, 2·p·r / (p + r). Python: `sklearn.metrics.f1_score(y_true,
 * y_pred, *, labels=None, pos_label=1, average='binary',
 * zero_division='warn')`.
 *
 * ```ts
 * f1Score([0, 1, 1, 0], [0, 1, 0, 0]); // 2/3 (binary, positive class 1)
 * f1Score([0, 1, 2], [0, 2, 2], {average: 'macro'}); // 5/9
 * ```
 */
export function f1Score(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { average: null },
): number[];
export function f1Score(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions & { average?: Average },
): number;
export function f1Score(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions,
): number | number[];
export function f1Score(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions,
): number | number[] {
  return single(yTrue, yPred, options, 'f1Score', 'fScore', false);
}

/**
 * Precision, tp / (tp + fp). Python: `sklearn.metrics.precision_score(
 * y_true, y_pred, *, labels=None, pos_label=1, average='binary',
 * zero_division='warn')`.
 */
export function precisionScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { average: null },
): number[];
export function precisionScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions & { average?: Average },
): number;
export function precisionScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions,
): number | number[];
export function precisionScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions,
): number | number[] {
  return single(yTrue, yPred, options, 'precisionScore', 'precision', false);
}

/**
 * Recall, tp / (tp + fn). Python: `sklearn.metrics.recall_score(y_true,
 * y_pred, *, labels=None, pos_label=1, average='binary',
 * zero_division='warn')`.
 */
export function recallScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { average: null },
): number[];
export function recallScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions & { average?: Average },
): number;
export function recallScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions,
): number | number[];
export function recallScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrecisionRecallOptions,
): number | number[] {
  return single(yTrue, yPred, options, 'recallScore', 'recall', false);
}

/** One of the three scores, with scikit-learn's `warn_for` for it. */
function single(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrecisionRecallOptions & { beta?: number } | undefined,
  owner: string,
  metric: 'precision' | 'recall' | 'fScore',
  withBeta: boolean,
): number | number[] {
  const known = PRF_KEYS.filter((k) => k !== 'warnFor');
  const opts = readOptions(
    options,
    withBeta ? known : known.filter((k) => k !== 'beta'),
    owner,
  );
  if (withBeta && opts.beta === undefined) {
    throw optionError('beta', owner, 'a number >= 0', undefined);
  }
  const targets = checkTargets(yTrue, yPred, owner);
  const scores = scoreTargets(
    targets,
    {
      ...opts,
      average: opts.average === undefined ? 'binary' : opts.average,
      warnFor: [metric === 'fScore' ? 'f-score' : metric],
    },
    null,
    owner,
  );
  return scores[metric];
}

/**
 * The shared computation: counts per label, then scikit-learn's divisions
 * and averages in its order of operations. `sink` collects warnings when
 * the caller (the classification report) reports them itself.
 */
export function scoreTargets(
  targets: Targets,
  opts: PrfOptions,
  sink: WarningSink | null,
  owner: string,
): PerLabelScores | AveragedScores {
  const average = checkAverage(opts.average, owner);
  const zeroDivision = checkZeroDivision(opts.zeroDivision, owner);
  const beta = opts.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0)) {
    throw optionError('beta', owner, 'a number >= 0', beta);
  }
  const warnFor = checkWarnFor(opts.warnFor, owner);
  const warnings = sink ?? new WarningSink(opts.reporter);
  const posLabel = opts.posLabel ?? 1;
  let labels = opts.labels === undefined
    ? targets.present
    : checkLabelsOption(opts.labels, targets, owner);

  if (average === 'binary') {
    labels = binaryLabels(targets, posLabel, owner);
  } else if (opts.posLabel !== undefined && opts.posLabel !== 1) {
    warnings.warn(new TrioWarning(
      `Note that posLabel (set to ${listChoices([posLabel])}) is ignored ` +
        `when average != 'binary' (got ${listChoices([average])}). You ` +
        'may use labels=[posLabel] to specify a single positive class.',
    ));
  }

  // Sufficient statistics: true positives, predictions and true samples.
  let { tp, pred, truth } = countLabels(targets, labels);
  if (average === 'micro') {
    tp = [tp.reduce((a, b) => a + b, 0)];
    pred = [pred.reduce((a, b) => a + b, 0)];
    truth = [truth.reduce((a, b) => a + b, 0)];
  }

  // Divide, replacing 0/0 with zeroDivision (and warning for 'warn').
  const context = { warnFor, zeroDivision, warnings };
  const precision = divide(tp, pred, 'precision', 'predicted', context);
  const recall = divide(tp, truth, 'recall', 'true', context);
  if (
    zeroDivision === 'warn' &&
    warnFor.length === 1 &&
    warnFor[0] === 'f-score' &&
    truth.some((t, i) => t === 0 && pred[i] === 0)
  ) {
    warnPrf(warnings, 'true nor predicted', 'F-score is', truth.length);
  }
  const beta2 = beta ** 2;
  const fScore = precision.map((p, i) => {
    const r = recall[i]!;
    if (beta === Infinity) {
      return r;
    }
    const denominator = beta2 * p + r;
    return ((1 + beta2) * p * r) / (denominator === 0 ? 1 : denominator);
  });

  if (average === null) {
    return { precision, recall, fScore, support: truth };
  }
  if (average === 'weighted' && pairwiseSum(truth) === 0) {
    // No true samples of any scored label: scikit-learn's early return.
    const value = zeroDivision === 1 ? 1 : 0;
    if (pairwiseSum(pred) === 0) {
      return { precision: value, recall: value, fScore: value, support: null };
    }
    return { precision: 0, recall: value, fScore: 0, support: null };
  }
  const avg = (values: number[]): number =>
    average === 'weighted' ? weightedMean(values, truth) : mean(values);
  return {
    precision: avg(precision),
    recall: avg(recall),
    fScore: avg(fScore),
    support: null,
  };
}

function checkAverage(value: unknown, owner: string): Average | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (AVERAGES.includes(value as Average)) {
    return value as Average;
  }
  const samples =
    value === 'samples'
      ? " ('samples' applies to multilabel targets, not supported)"
      : '';
  throw optionError(
    'average',
    owner,
    `${listChoices([...AVERAGES, null])}${samples}`,
    value,
  );
}

function checkWarnFor(value: unknown, owner: string): readonly WarnFor[] {
  if (value === undefined) {
    return WARN_FOR;
  }
  if (
    !Array.isArray(value) ||
    !value.every((v) => WARN_FOR.includes(v as WarnFor))
  ) {
    throw optionError(
      'warnFor',
      owner,
      `a list of ${listChoices(WARN_FOR)}`,
      value,
    );
  }
  return value as WarnFor[];
}

/** scikit-learn's `_check_set_wise_labels` for average='binary'. */
function binaryLabels(
  targets: Targets,
  posLabel: Label,
  owner: string,
): Label[] {
  if (targets.type !== 'binary') {
    throw optionError(
      'average',
      owner,
      "'micro', 'macro', 'weighted' or null, since the target is " +
        `multiclass (${targets.present.length} labels)`,
      'binary',
    );
  }
  if (!targets.present.includes(posLabel) && targets.present.length >= 2) {
    throw optionError(
      'posLabel',
      owner,
      `one of the labels ${listChoices(targets.present)}`,
      posLabel,
    );
  }
  return [posLabel];
}

/** Per-label true positives, predicted and true counts. */
function countLabels(
  targets: Targets,
  labels: readonly Label[],
): { tp: number[]; pred: number[]; truth: number[] } {
  const index = new Map<Label, number>();
  labels.forEach((label, i) => index.set(label, i));
  const tp = new Array<number>(labels.length).fill(0);
  const pred = new Array<number>(labels.length).fill(0);
  const truth = new Array<number>(labels.length).fill(0);
  for (let k = 0; k < targets.yTrue.length; k++) {
    const t = index.get(targets.yTrue[k]!);
    const p = index.get(targets.yPred[k]!);
    if (t !== undefined) {
      truth[t]!++;
      if (targets.yTrue[k] === targets.yPred[k]) {
        tp[t]!++;
      }
    }
    if (p !== undefined) {
      pred[p]!++;
    }
  }
  return { tp, pred, truth };
}

interface DivideContext {
  warnFor: readonly WarnFor[];
  zeroDivision: ZeroDivision;
  warnings: WarningSink;
}

/** scikit-learn's `_prf_divide`. */
function divide(
  numerator: readonly number[],
  denominator: readonly number[],
  metric: 'precision' | 'recall',
  modifier: string,
  context: DivideContext,
): number[] {
  const fill = context.zeroDivision === 1 ? 1 : 0;
  const result = numerator.map((n, i) =>
    denominator[i] === 0 ? fill : n / denominator[i]!,
  );
  if (
    context.zeroDivision === 'warn' &&
    context.warnFor.includes(metric) &&
    denominator.some((d) => d === 0)
  ) {
    const title = metric === 'precision' ? 'Precision' : 'Recall';
    const start = context.warnFor.includes('f-score')
      ? `${title} and F-score are`
      : `${title} is`;
    warnPrf(context.warnings, modifier, start, result.length);
  }
  return result;
}

/**
 * scikit-learn's `_warn_prf` message, word for word (for averages other
 * than 'samples', which swaps 'sample' and 'label').
 */
function warnPrf(
  warnings: WarningSink,
  modifier: string,
  start: string,
  size: number,
): void {
  const where = size === 1 ? 'due to' : 'in labels with';
  warnings.warn(new UndefinedMetricWarning(
    `${start} ill-defined and being set to 0.0 ${where} no ${modifier} ` +
      'samples. Use `zero_division` parameter to control this behavior.',
  ));
}
