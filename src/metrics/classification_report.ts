import { OptionError } from '../errors.js';
import type { Reporter } from '../reporter.js';
import { optionError } from '../util/options.js';
import {
  checkLabelsOption,
  checkTargets,
  codePointLength,
  labelName,
  type Label,
  type LabelArray,
} from './labels.js';
import { readOptions, type ZeroDivision } from './options.js';
import {
  scoreTargets,
  type AveragedScores,
  type PerLabelScores,
} from './precision_recall.js';
import { alignRight, formatFixed } from './python_format.js';
import { WarningSink } from './warnings.js';

export interface ClassificationReportOptions {
  /**
   * Labels to include, in this order. When they differ from the labels
   * present in the data, the report shows a `micro avg` row instead of
   * `accuracy`. Python: `labels`.
   * @default the sorted union of the labels in yTrue and yPred
   */
  labels?: LabelArray;
  /**
   * Display names, one per label, in the order of `labels`. Python:
   * `target_names`.
   * @default each label as text (`String(label)`)
   */
  targetNames?: readonly string[];
  /**
   * Digits after the decimal point in the text; the dictionary is never
   * rounded. Python: `digits`.
   * @default 2
   */
  digits?: number;
  /**
   * Return the scores as a dictionary instead of text. Python:
   * `output_dict`.
   * @default false
   */
  outputDict?: boolean;
  /**
   * The value of a 0/0 score: `'warn'` acts as 0 and reports an
   * `UndefinedMetricWarning`. Python: `zero_division`.
   * @default 'warn'
   */
  zeroDivision?: ZeroDivision;
  /** Receives `UndefinedMetricWarning`s (each distinct one once). */
  reporter?: Reporter;
}

/** One row of the report as a dictionary. */
export interface ReportScores {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/**
 * The report as scikit-learn's `output_dict=True` returns it: one entry
 * per display name, then `accuracy` (a number) or `micro avg`, then
 * `macro avg` and `weighted avg`.
 *
 * Differs from scikit-learn: JavaScript objects list integer-like keys
 * (`'0'`, `'7'`) first and in ascending order, whatever the order of
 * `labels`.
 */
export interface ClassificationReportDict {
  [name: string]: ReportScores | number | undefined;
  accuracy?: number;
  'micro avg'?: ReportScores;
  'macro avg': ReportScores;
  'weighted avg': ReportScores;
}

const KEYS = [
  'labels',
  'targetNames',
  'digits',
  'outputDict',
  'zeroDivision',
  'reporter',
];
const HEADERS = ['precision', 'recall', 'f1-score', 'support'];
const AVERAGES = ['micro', 'macro', 'weighted'] as const;

/**
 * A text report of precision, recall, F1 and support per label, with
 * accuracy and the macro and weighted averages, laid out exactly as
 * scikit-learn prints it. Python: `sklearn.metrics.classification_report(
 * y_true, y_pred, *, labels=None, target_names=None, digits=2,
 * output_dict=False, zero_division='warn')`.
 *
 * Differs from scikit-learn: when `labels` is given and `targetNames` has
 * another length, scikit-learn warns and drops rows; tfjs-trio throws.
 *
 * ```ts
 * reporter.line(classificationReport(yTest, predictions));
 * const {accuracy} = classificationReport(yTest, predictions,
 *   {outputDict: true});
 * ```
 */
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ClassificationReportOptions & { outputDict: true },
): ClassificationReportDict;
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: ClassificationReportOptions & { outputDict?: false },
): string;
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: ClassificationReportOptions,
): string | ClassificationReportDict;
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: ClassificationReportOptions,
): string | ClassificationReportDict {
  const owner = 'classificationReport';
  const opts = readOptions(options, KEYS, owner);
  const digits = opts.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0) {
    throw optionError('digits', owner, 'an integer >= 0', digits);
  }
  const outputDict = opts.outputDict ?? false;
  if (typeof outputDict !== 'boolean') {
    throw optionError('outputDict', owner, 'true or false', outputDict);
  }
  const targets = checkTargets(yTrue, yPred, owner);
  const labelsGiven = opts.labels !== undefined;
  const labels: Label[] = labelsGiven
    ? checkLabelsOption(opts.labels!, targets, owner)
    : targets.present;
  const names = checkTargetNames(opts.targetNames, labels, labelsGiven);

  // The 'accuracy' row stands for the micro average when every present
  // label is reported.
  const microIsAccuracy =
    !labelsGiven ||
    (new Set(labels).size === targets.present.length &&
      targets.present.every((label) => labels.includes(label)));

  const sink = new WarningSink(opts.reporter);
  const score = { labels, zeroDivision: opts.zeroDivision };
  const perLabel = scoreTargets(
    targets,
    { ...score, average: null },
    sink,
    owner,
  ) as PerLabelScores;
  const total = perLabel.support.reduce((a, b) => a + b, 0);
  const averages = AVERAGES.map((average) => ({
    heading:
      average === 'micro' && microIsAccuracy ? 'accuracy' : `${average} avg`,
    scores: scoreTargets(
      targets,
      { ...score, average },
      sink,
      owner,
    ) as AveragedScores,
  }));

  if (outputDict) {
    const report: Record<string, ReportScores | number> = {};
    names.forEach((name, i) => {
      report[name] = {
        precision: perLabel.precision[i]!,
        recall: perLabel.recall[i]!,
        'f1-score': perLabel.fScore[i]!,
        support: perLabel.support[i]!,
      };
    });
    for (const { heading, scores } of averages) {
      report[heading] =
        heading === 'accuracy'
          ? scores.precision
          : {
              precision: scores.precision,
              recall: scores.recall,
              'f1-score': scores.fScore,
              support: total,
            };
    }
    return report as ClassificationReportDict;
  }

  const width = names.reduce(
    (widest, name) => Math.max(widest, codePointLength(name)),
    Math.max('weighted avg'.length, digits),
  );
  const cell = (value: number): string =>
    ` ${alignRight(formatFixed(value, digits), 9)}`;
  const row = (name: string, p: number, r: number, f: number, s: number) =>
    `${alignRight(name, width)} ${cell(p)}${cell(r)}${cell(f)}` +
    ` ${alignRight(String(s), 9)}\n`;

  let text = `${' '.repeat(width)} `;
  text += HEADERS.map((h) => ` ${alignRight(h, 9)}`).join('');
  text += '\n\n';
  names.forEach((name, i) => {
    text += row(
      name,
      perLabel.precision[i]!,
      perLabel.recall[i]!,
      perLabel.fScore[i]!,
      perLabel.support[i]!,
    );
  });
  text += '\n';
  for (const { heading, scores } of averages) {
    if (heading === 'accuracy') {
      const blank = ` ${' '.repeat(9)}`;
      text +=
        `${alignRight(heading, width)} ${blank}${blank}` +
        `${cell(scores.fScore)} ${alignRight(String(total), 9)}\n`;
    } else {
      text += row(
        heading,
        scores.precision,
        scores.recall,
        scores.fScore,
        total,
      );
    }
  }
  return text;
}

function checkTargetNames(
  targetNames: readonly string[] | undefined,
  labels: readonly Label[],
  labelsGiven: boolean,
): string[] {
  const owner = 'classificationReport';
  if (targetNames === undefined) {
    return labels.map(labelName);
  }
  if (
    !Array.isArray(targetNames) ||
    !targetNames.every((name) => typeof name === 'string')
  ) {
    throw optionError('targetNames', owner, 'a list of strings', targetNames);
  }
  if (targetNames.length !== labels.length) {
    const source = labelsGiven ? 'in labels' : 'in yTrue and yPred';
    throw new OptionError(
      'targetNames',
      owner,
      `a list with one name per label (${labels.length} labels ${source}, ` +
        `${targetNames.length} names given)`,
      targetNames,
    );
  }
  return [...targetNames];
}
