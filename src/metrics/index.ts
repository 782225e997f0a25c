/**
 * The shared evaluation module: scikit-learn's classification metrics
 * (`sklearn.metrics`), computed and printed exactly as scikit-learn does.
 */
export { accuracyScore, type AccuracyOptions } from './accuracy.js';
export {
  classificationReport,
  type ClassificationReportDict,
  type ClassificationReportOptions,
  type ReportScores,
} from './classification_report.js';
export {
  confusionMatrix,
  type ConfusionMatrixOptions,
  type ConfusionNormalize,
} from './confusion_matrix.js';
export { formatConfusionMatrix } from './format_matrix.js';
export {
  uniqueLabels,
  type Label,
  type LabelArray,
} from './labels.js';
export type { ZeroDivision } from './options.js';
export {
  f1Score,
  fbetaScore,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  type Average,
  type AveragedScores,
  type PerLabelScores,
  type PrecisionRecallOptions,
  type PrfOptions,
  type WarnFor,
} from './precision_recall.js';
export { formatFixed } from './python_format.js';
export { UndefinedMetricWarning } from './warnings.js';
