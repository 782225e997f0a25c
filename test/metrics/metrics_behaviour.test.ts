import { describe, expect, it } from 'vitest';
import {
  NotSupportedError,
  OptionError,
  ShapeError,
} from '../../src/errors.js';
import {
  accuracyScore,
  classificationReport,
  confusionMatrix,
  f1Score,
  fbetaScore,
  formatConfusionMatrix,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  uniqueLabels,
  UndefinedMetricWarning,
} from '../../src/metrics/index.js';
import { MemoryReporter } from '../../src/reporter.js';

describe('hand-checked values', () => {
  // y_true 0 1 2 2 1, y_pred 0 2 2 1 1:
  // label 0: tp 1, predicted 1, true 1 -> p 1, r 1, f 1
  // label 1: tp 1, predicted 2, true 2 -> p 1/2, r 1/2, f 1/2
  // label 2: tp 1, predicted 2, true 2 -> p 1/2, r 1/2, f 1/2
  const yTrue = [0, 1, 2, 2, 1];
  const yPred = [0, 2, 2, 1, 1];

  it('accuracy is correct / total', () => {
    expect(accuracyScore(yTrue, yPred)).toBe(3 / 5);
    expect(accuracyScore(yTrue, yPred, { normalize: false })).toBe(3);
  });

  it('confusion matrix has true labels in rows', () => {
    expect(confusionMatrix(yTrue, yPred)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    // Row sums 1, 2, 2.
    expect(confusionMatrix(yTrue, yPred, { normalize: 'true' })).toEqual([
      [1, 0, 0],
      [0, 0.5, 0.5],
      [0, 0.5, 0.5],
    ]);
    // Only labels 2 and 0; samples with label 1 are dropped.
    expect(confusionMatrix(yTrue, yPred, { labels: [2, 0] })).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('per-label and averaged scores', () => {
    expect(precisionRecallFscoreSupport(yTrue, yPred)).toEqual({
      precision: [1, 0.5, 0.5],
      recall: [1, 0.5, 0.5],
      fScore: [1, 0.5, 0.5],
      support: [1, 2, 2],
    });
    // macro: (1 + 0.5 + 0.5) / 3; weighted: (1*1 + 0.5*2 + 0.5*2) / 5.
    expect(f1Score(yTrue, yPred, { average: 'macro' })).toBe(2 / 3);
    expect(f1Score(yTrue, yPred, { average: 'weighted' })).toBe(3 / 5);
    expect(precisionScore(yTrue, yPred, { average: 'micro' })).toBe(3 / 5);
    expect(recallScore(yTrue, yPred, { average: null })).toEqual([
      1, 0.5, 0.5,
    ]);
  });

  it('fbetaScore weighs recall beta times as much', () => {
    // Binary, positive 1: tp 1, fp 0, fn 1 -> p 1, r 1/2.
    // F2 = 5 * 1 * 0.5 / (4 * 1 + 0.5) = 2.5 / 4.5.
    const f2 = fbetaScore([1, 1, 0], [1, 0, 0], { beta: 2 });
    expect(f2).toBe((5 * 1 * 0.5) / (4 * 1 + 0.5));
    expect(fbetaScore([1, 1, 0], [1, 0, 0], { beta: Infinity })).toBe(0.5);
  });

  it('accepts typed arrays and strings', () => {
    expect(accuracyScore(Int32Array.from(yTrue), Float32Array.from(yPred)))
      .toBe(3 / 5);
    expect(uniqueLabels(['b', 'a', 'B', 'b'])).toEqual(['B', 'a', 'b']);
    expect(uniqueLabels([10, 9, -1])).toEqual([-1, 9, 10]);
  });
});

describe('classificationReport', () => {
  it('reports each distinct warning once, only with zeroDivision warn', () => {
    // Label 2 is never predicted: precision 0/0 in the per-label call and
    // again in the macro and weighted calls: one warning.
    const reporter = new MemoryReporter();
    classificationReport([0, 1, 2], [0, 1, 1], { reporter });
    expect(reporter.warnings).toHaveLength(1);
    expect(reporter.warnings[0]).toBeInstanceOf(UndefinedMetricWarning);
    expect(reporter.warnings[0]!.message).toBe(
      'Precision and F-score are ill-defined and being set to 0.0 in ' +
        'labels with no predicted samples. Use `zero_division` parameter ' +
        'to control this behavior.',
    );
    const quiet = new MemoryReporter();
    classificationReport([0, 1, 2], [0, 1, 1], {
      reporter: quiet,
      zeroDivision: 0,
    });
    expect(quiet.warnings).toHaveLength(0);
  });

  it('works without a reporter', () => {
    expect(classificationReport([0, 1, 2], [0, 1, 1])).toContain(
      'weighted avg',
    );
  });

  it('widens the name column for long names and many digits', () => {
    // 'a name longer than 12' is 21 code points: the name column is 21.
    const text = classificationReport(['x', 'y'], ['x', 'x'], {
      targetNames: ['a name longer than 12', 'b'],
      zeroDivision: 0,
    });
    const lines = text.split('\n');
    expect(lines[2]!.startsWith('a name longer than 12 ')).toBe(true);
    expect(lines[3]!.startsWith(`${' '.repeat(20)}b `)).toBe(true);
  });

  it('dictionary values are not rounded', () => {
    const dict = classificationReport([0, 0, 0, 1], [0, 0, 1, 1], {
      outputDict: true,
      digits: 1,
    });
    // label 0: tp 2, predicted 2, true 3 -> recall 2/3.
    expect(dict['0']).toEqual({
      precision: 1,
      recall: 2 / 3,
      'f1-score': (2 * 1 * (2 / 3)) / (1 + 2 / 3),
      support: 3,
    });
    expect(dict.accuracy).toBe(3 / 4);
  });
});

describe('errors name what was wrong', () => {
  it('different lengths', () => {
    const call = () => accuracyScore([1, 2, 3], [1, 2]);
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(
      'accuracyScore: yTrue and yPred must have the same length. Got ' +
        'yTrue with 3 labels and yPred with 2.',
    );
  });

  it('empty input', () => {
    expect(() => classificationReport([], [])).toThrow(
      'classificationReport: yTrue and yPred are empty; at least one ' +
        'sample is needed.',
    );
  });

  it('mixed and non-integer labels', () => {
    expect(() =>
      confusionMatrix([1, 2, 3], ['a', 'b', 'c'] as unknown as number[]),
    ).toThrow(
      "The 'yPred' parameter of confusionMatrix must be labels of one " +
        'kind, integers like yTrue[0] = 1 (yPred[0] is not). Got ' +
        "'a' instead.",
    );
    expect(() => f1Score([1, 0.5], [1, 0])).toThrow(
      "The 'yTrue' parameter of f1Score must be an array of integer or " +
        'string labels (yTrue[1] is not one). Got 0.5 instead.',
    );
  });

  it('targetNames of the wrong length', () => {
    const call = () =>
      classificationReport([0, 1, 2], [0, 1, 1], { targetNames: ['a', 'b'] });
    expect(call).toThrow(OptionError);
    expect(call).toThrow(
      "The 'targetNames' parameter of classificationReport must be a " +
        'list with one name per label (3 labels in yTrue and yPred, 2 ' +
        'names given). Got ["a","b"] instead.',
    );
    expect(() =>
      classificationReport([0, 1, 2], [0, 1, 1], {
        labels: [0, 1],
        targetNames: ['a', 'b', 'c'],
      }),
    ).toThrow('(2 labels in labels, 3 names given)');
  });

  it('bad labels option', () => {
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [] })).toThrow(
      "The 'labels' parameter of confusionMatrix must be a non-empty list " +
        'of labels. Got [] instead.',
    );
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [5] })).toThrow(
      'must be a list with at least one label that occurs in yTrue. Got ' +
        '[5] instead.',
    );
    expect(() => confusionMatrix([0, 1], [0, 1], { labels: [0, 0] }))
      .toThrow('must be a list of distinct labels (0 is repeated)');
  });

  it('bad averages, zeroDivision and posLabel', () => {
    expect(() => f1Score([0, 1, 2], [0, 1, 1])).toThrow(
      "The 'average' parameter of f1Score must be 'micro', 'macro', " +
        "'weighted' or null, since the target is multiclass (3 labels). " +
        "Got 'binary' instead.",
    );
    expect(() => f1Score(['a', 'b'], ['a', 'b'])).toThrow(
      "The 'posLabel' parameter of f1Score must be one of the labels 'a' " +
        "or 'b'. Got 1 instead.",
    );
    expect(() =>
      f1Score([0, 1], [0, 1], { zeroDivision: 2 as unknown as 0 }),
    ).toThrow(
      "The 'zeroDivision' parameter of f1Score must be 'warn', 0 or 1. " +
        'Got 2 instead.',
    );
    expect(() =>
      confusionMatrix([0, 1], [0, 1], { normalize: 'rows' as 'true' }),
    ).toThrow(
      "The 'normalize' parameter of confusionMatrix must be 'true', " +
        "'pred', 'all' or null. Got 'rows' instead.",
    );
  });

  it('unsupported and unknown options', () => {
    const nan = () =>
      f1Score([0, 1], [0, 1], { zeroDivision: NaN as unknown as 0 });
    expect(nan).toThrow(NotSupportedError);
    expect(nan).toThrow(
      "f1Score: zeroDivision NaN (scikit-learn 1.3) is not supported yet; " +
        "use 'warn', 0 or 1.",
    );
    expect(() =>
      accuracyScore([0, 1], [0, 1], { sampleWeight: [1, 2] } as object),
    ).toThrow(
      "accuracyScore: the 'sampleWeight' option (scikit-learn's " +
        "'sample_weight') is not supported yet.",
    );
    expect(() =>
      classificationReport([0, 1], [0, 1], { digit: 3 } as object),
    ).toThrow(
      "The 'digit' parameter of classificationReport must be a known " +
        "option (did you mean 'digits'?)",
    );
  });

  it('formatConfusionMatrix rejects ragged and float matrices', () => {
    expect(() => formatConfusionMatrix([[1, 2], [3]])).toThrow(
      'formatConfusionMatrix: every row must have the same, non-zero ' +
        'length. Row 0 has 2 entries and row 1 has 1.',
    );
    expect(() => formatConfusionMatrix([[1, 0.5]])).toThrow(
      'must be a matrix of integers (entry [0][1] is not one; float ' +
        'matrices are not supported yet). Got 0.5 instead.',
    );
  });
});

it('warns when posLabel is set but ignored', () => {
  const reporter = new MemoryReporter();
  f1Score([0, 1, 2], [0, 1, 2], { average: 'macro', posLabel: 2, reporter });
  expect(reporter.warnings.map((w) => w.message)).toEqual([
    "Note that posLabel (set to 2) is ignored when average != 'binary' " +
      "(got 'macro'). You may use labels=[posLabel] to specify a single " +
      'positive class.',
  ]);
});
