import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  classificationReport,
  confusionMatrix,
  f1Score,
  formatConfusionMatrix,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
} from '../../src/metrics/index.js';
import { MemoryReporter } from '../../src/reporter.js';
import { camelOptions, fixtures, labelsOf } from './fixtures.js';

// Every expected value below was computed by scikit-learn 1.2.1 / numpy
// 1.24 (scripts/fixtures/metrics.py); text is compared byte for byte and
// numbers with toBe/toEqual (exact), since the computation follows
// scikit-learn's floating-point order.

function warningsOf(reporter: MemoryReporter): string[] {
  return reporter.warnings.map((w) => `${w.name}: ${w.message}`);
}

it('fixtures come from scikit-learn 1.2.1', () => {
  expect(fixtures.sklearn_version).toBe('1.2.1');
  expect(fixtures.cases.length).toBeGreaterThanOrEqual(7);
});

describe.each(fixtures.cases.map((c) => [c.name, c] as const))(
  'case %s',
  (_, c) => {
    const yTrue = labelsOf(c.y_true);
    const yPred = labelsOf(c.y_pred);

    it('accuracyScore', () => {
      expect(accuracyScore(yTrue, yPred)).toBe(c.accuracy);
      expect(accuracyScore(yTrue, yPred, { normalize: false })).toBe(
        c.accuracy_count,
      );
    });

    it('confusionMatrix and its numpy print', () => {
      const matrix = confusionMatrix(yTrue, yPred);
      expect(matrix).toEqual(c.confusion_matrix);
      expect(formatConfusionMatrix(matrix)).toBe(c.confusion_matrix_str);
      for (const entry of c.confusion_matrices) {
        const m = confusionMatrix(yTrue, yPred, camelOptions(entry.kwargs));
        expect(m, JSON.stringify(entry.kwargs)).toEqual(entry.matrix);
        if (typeof entry.str === 'string') {
          expect(formatConfusionMatrix(m)).toBe(entry.str);
        }
      }
    });

    it.each(c.reports.map((r) => [JSON.stringify(r.kwargs), r] as const))(
      'classificationReport %s',
      (__, r) => {
        const reporter = new MemoryReporter();
        const options = { ...camelOptions(r.kwargs), reporter };
        const text = classificationReport(yTrue, yPred, options);
        expect(text).toBe(r.text);
        expect(warningsOf(reporter)).toEqual(r.warnings);
        const dict = classificationReport(yTrue, yPred, {
          ...options,
          outputDict: true,
        });
        expect(dict).toEqual(r.dict);
        expect(Object.keys(dict).sort()).toEqual(Object.keys(r.dict).sort());
      },
    );

    it('precisionRecallFscoreSupport', () => {
      for (const p of c.prfs) {
        const reporter = new MemoryReporter();
        const got = precisionRecallFscoreSupport(yTrue, yPred, {
          ...camelOptions(p.kwargs),
          reporter,
        });
        const label = JSON.stringify(p.kwargs);
        expect(got.precision, label).toEqual(p.precision);
        expect(got.recall, label).toEqual(p.recall);
        expect(got.fScore, label).toEqual(p.fscore);
        expect(got.support, label).toEqual(p.support);
        expect(warningsOf(reporter), label).toEqual(p.warnings);
      }
    });

    it('f1Score, precisionScore and recallScore', () => {
      const functions = {
        f1_score: f1Score,
        precision_score: precisionScore,
        recall_score: recallScore,
      };
      for (const s of c.singles) {
        const reporter = new MemoryReporter();
        const fn = functions[s.function] as (
          a: unknown,
          b: unknown,
          o: unknown,
        ) => number | number[];
        const got = fn(yTrue, yPred, { ...camelOptions(s.kwargs), reporter });
        const label = `${s.function} ${JSON.stringify(s.kwargs)}`;
        expect(got, label).toEqual(s.value);
        expect(warningsOf(reporter), label).toEqual(s.warnings);
      }
    });
  },
);

describe('formatConfusionMatrix against numpy print()', () => {
  it.each(fixtures.arrays.map((a) => [a.matrix.length, a] as const))(
    '%i-row matrix',
    (_, a) => {
      expect(formatConfusionMatrix(a.matrix)).toBe(a.str);
    },
  );
});
