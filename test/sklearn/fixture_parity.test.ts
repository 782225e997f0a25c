import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MemoryReporter } from '../../src/reporter.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import { initParams, paramList } from '../../src/sklearn/network.js';
import { RandomState } from '../../src/util/random.js';
import {
  dataOf,
  fixture,
  maxRelativeError,
  optionsOf,
} from './helpers.js';

// Every expected number here comes from scikit-learn 1.2.1 through
// scripts/fixtures/sklearn_mlp.py (inputs rounded to float32 on both
// sides; scikit-learn computes in float64, we in float32).

describe('fixtures', () => {
  it('were made by scikit-learn 1.2.1', () => {
    expect(fixture.sklearn).toBe('1.2.1');
    expect(fixture.runs.length).toBeGreaterThanOrEqual(13);
  });
});

describe.each(fixture.runs.map((r) => [`${r.dataset} ${r.label}`, r]))(
  'MLPClassifier matches scikit-learn: %s',
  (_name, run) => {
    const data = dataOf(run);

    it('draws the initial weights of _init_coef bit for bit', () => {
      const units = [data.x_train[0]!.length, ...(run.args
        .hidden_layer_sizes as number[]), run.n_outputs];
      const activation = optionsOf(run).activation ?? 'relu';
      const params = initParams(units, activation,
        new RandomState(run.args.random_state as number));
      const n = params.coefs.length;
      paramList(params).forEach((v, i) => {
        const expected = i < n
          ? run.initial_coefs[i]!
          : run.initial_intercepts[i - n]!;
        expect(Array.from(v.dataSync())).toEqual(
          Array.from(Float32Array.from(expected)));
      });
      tf.dispose(paramList(params));
    });

    it('trains to the same nIter, loss curve, accuracy and warnings',
      async () => {
        const reporter = new MemoryReporter();
        const clf = new MLPClassifier({ ...optionsOf(run), reporter });
        await clf.fit(data.x_train, data.y_train);

        expect(clf.nIter).toBe(run.n_iter);
        expect(clf.nOutputs).toBe(run.n_outputs);
        expect(clf.nLayers).toBe(run.n_layers);
        expect(clf.outActivation).toBe(run.out_activation);
        expect(clf.classes).toEqual(run.classes);
        const solver = run.args.solver;
        if (solver === 'lbfgs') {
          // Our line search is not scipy's: the final objective agrees
          // only loosely once the runs' paths part.
          expect(Math.abs(clf.loss! - run.loss)).toBeLessThan(0.01);
        } else {
          expect(clf.t).toBe(run.t);
          expect(clf.lossCurve!.length).toBe(run.loss_curve.length);
          // float32 against float64 over up to 200 epochs.
          expect(maxRelativeError(clf.lossCurve!, run.loss_curve))
            .toBeLessThan(2e-4);
          if (run.best_loss === null) {
            expect(clf.bestLoss).toBeNull();
          } else {
            expect(clf.bestLoss).toBeCloseTo(run.best_loss, 4);
          }
          expect(clf.validationScores ?? null).toEqual(run.validation_scores);
          expect(clf.bestValidationScore ?? null)
            .toEqual(run.best_validation_score);
        }
        // Within 2 points, or one test sample where one sample is more
        // (iris has 38 test rows: one sample = 2.6 points).
        const slack = Math.max(0.02, 1 / data.y_test.length + 1e-9);
        expect(Math.abs(clf.score(data.x_test, data.y_test) -
          run.test_accuracy)).toBeLessThanOrEqual(slack);
        if (solver !== 'lbfgs') {
          expect(clf.predict(data.x_test.slice(0, 10)))
            .toEqual(run.predict_head);
          const proba = clf.predictProba(data.x_test.slice(0, 5));
          const flat = run.predict_proba_head.flat();
          Array.from(proba.data).forEach((p, i) => {
            expect(Math.abs(p - flat[i]!)).toBeLessThan(2e-3);
          });
        }
        expect(reporter.warnings.map((w) => w.message))
          .toEqual(run.convergence_warnings);
        expect(reporter.warnings.every((w) => w.name === 'ConvergenceWarning'))
          .toBe(true);
        clf.dispose();
      });
  },
);

describe('verbose output', () => {
  // scikit-learn's printed lines, captured from stdout by the fixture.
  const verboseRuns = fixture.runs.filter((r) => r.verbose_lines.length > 0);

  it.each(verboseRuns.map((r) => [`${r.dataset} ${r.label}`, r]))(
    '%s prints the same lines', async (_name, run) => {
      const data = dataOf(run);
      const reporter = new MemoryReporter();
      const clf = new MLPClassifier({ ...optionsOf(run), reporter });
      await clf.fit(data.x_train, data.y_train);
      expect(reporter.lines.length).toBe(run.verbose_lines.length);
      reporter.lines.forEach((line, i) => {
        const theirs = run.verbose_lines[i]!;
        const number = /(-?\d+\.\d+)$/;
        if (theirs.startsWith('Iteration')) {
          // Same text; the 8-decimal loss agrees to float32 precision.
          expect(line.replace(number, '')).toBe(theirs.replace(number, ''));
          expect(Number(line.match(number)![1]))
            .toBeCloseTo(Number(theirs.match(number)![1]), 4);
        } else {
          expect(line).toBe(theirs);
        }
      });
      clf.dispose();
    });

  it('has stopping messages among the fixtures', () => {
    const last = verboseRuns.map((r) => r.verbose_lines.at(-1));
    expect(last).toContain(
      'Training loss did not improve more than tol=0.001000 for 3 ' +
        'consecutive epochs. Learning rate too small. Stopping.');
    expect(last).toContain(
      'Validation score did not improve more than tol=0.000100 for 10 ' +
        'consecutive epochs. Stopping.');
  });
});
