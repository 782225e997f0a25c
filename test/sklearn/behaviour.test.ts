import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ConvergenceWarning,
  DataError,
  DivergenceError,
  NotFittedError,
  NotSupportedError,
  OptionError,
  ShapeError,
} from '../../src/errors.js';
import { toMatrix } from '../../src/data/matrix.js';
import type { MatrixLike } from '../../src/data/matrix.js';
import { mnistMatrix } from '../../src/data/mnist.js';
import { MemoryReporter } from '../../src/reporter.js';
import { selectBackend } from '../../src/backend/select.js';
import {
  checkWeightsFit,
  MLPClassifier,
} from '../../src/sklearn/mlp_classifier.js';
import { setStepCheck } from '../../src/sklearn/step_guard.js';
import { MAX_TYPED_ARRAY_LENGTH } from '../../src/util/memory.js';
import { datasets, fixture, maxRelativeError, optionsOf } from './helpers.js';

const iris = datasets.iris!;

describe('partialFit', () => {
  const pf = fixture.partial_fit;

  it('matches scikit-learn when the first batch lacks a class', async () => {
    // Expected losses, t and n_iter after each call: scikit-learn 1.2.1
    // (scripts/fixtures/sklearn_mlp.py, partial_fit_run).
    const clf = new MLPClassifier(optionsOf(pf));
    const losses: number[] = [];
    const calls = Array.from({ length: pf.repeat }, () => pf.batches).flat();
    for (const [i, batch] of calls.entries()) {
      const x = batch.map((r) => iris.x_train[r]!);
      const y = batch.map((r) => iris.y_train[r]!);
      if (i === 0) {
        expect(new Set(y).has(2)).toBe(false);
        await clf.partialFit(x, y, [0, 1, 2]);
        expect(clf.classes).toEqual([0, 1, 2]);
        expect(clf.nOutputs).toBe(3);
      } else {
        await clf.partialFit(x, y);
      }
      losses.push(clf.loss!);
      expect(clf.t).toBe(pf.t[i]);
      expect(clf.nIter).toBe(pf.n_iter[i]);
    }
    expect(maxRelativeError(losses, pf.losses)).toBeLessThan(1e-4);
    expect(clf.score(iris.x_test, iris.y_test))
      .toBeCloseTo(pf.test_accuracy, 6);
    const proba = clf.predictProba(iris.x_test.slice(0, 5));
    pf.predict_proba_head.flat().forEach((p, i) => {
      expect(Math.abs(proba.data[i]! - p)).toBeLessThan(1e-3);
    });
    clf.dispose();
  });

  it('needs classes on the first call', async () => {
    const clf = new MLPClassifier();
    await expect(clf.partialFit(iris.x_train, iris.y_train)).rejects.toThrow(
      new DataError('classes must be passed on the first call to ' +
        'partial_fit.'));
  });

  it('refuses labels outside classes and changed classes', async () => {
    const clf = new MLPClassifier({ randomState: 0 });
    await clf.partialFit([[0, 1]], [1], [1, 2]);
    await expect(clf.partialFit([[0, 1]], [3])).rejects.toThrow(
      "`y` has classes not in `self.classes_`. `self.classes_` has [1 2]. " +
        "'y' has [3].");
    await expect(clf.partialFit([[0, 1]], [1], [1, 2, 3])).rejects.toThrow(
      '`classes=[1 2 3]` is not the same as on last call to partial_fit, ' +
        'was: [1 2]');
    clf.dispose();
  });

  it('is not available for lbfgs', async () => {
    const clf = new MLPClassifier({ solver: 'lbfgs' });
    await expect(clf.partialFit([[0]], [0], [0, 1])).rejects.toThrow(
      new NotSupportedError('partial_fit is only available for stochastic ' +
        'optimizers. lbfgs is not stochastic.'));
  });
});

describe('labels', () => {
  it('binary string labels: two probability columns, labels back', async () => {
    // A 1-D problem a logistic unit separates: x < 0 is 'no'.
    const x = [[-2], [-1.5], [-1], [-0.5], [0.5], [1], [1.5], [2]];
    const y = ['no', 'no', 'no', 'no', 'yes', 'yes', 'yes', 'yes'];
    const clf = new MLPClassifier({ hiddenLayerSizes: [4], solver: 'lbfgs',
      randomState: 0 });
    await clf.fit(x, y);
    expect(clf.classes).toEqual(['no', 'yes']);
    expect(clf.nOutputs).toBe(1);
    expect(clf.outActivation).toBe('logistic');
    expect(clf.predict([[-3], [3]])).toEqual(['no', 'yes']);
    const proba = clf.predictProba([[-3], [3]]);
    expect(proba.cols).toBe(2);
    // Columns are [1 - p, p]: each row sums to one.
    expect(proba.data[0]! + proba.data[1]!).toBeCloseTo(1, 6);
    expect(proba.data[0]!).toBeGreaterThan(0.5);
    expect(proba.data[3]!).toBeGreaterThan(0.5);
    const log = clf.predictLogProba([[-3]]);
    expect(log.data[0]!).toBeCloseTo(Math.log(proba.data[0]!), 5);
    expect(clf.score(x, y)).toBe(1);
    clf.dispose();
  });

  it('sorts numeric classes by value, not as text', async () => {
    const clf = new MLPClassifier({ maxIter: 2, randomState: 0 });
    await clf.fit([[0], [1], [2], [3]], [10, 9, 100, 9]);
    expect(clf.classes).toEqual([9, 10, 100]);
    clf.dispose();
  });

  it('a refused fit leaves a fitted model as it was', async () => {
    const clf = new MLPClassifier({ maxIter: 2, randomState: 0 });
    await clf.fit(iris.x_train, iris.y_train);
    const before = clf.predict(iris.x_test);
    await expect(clf.fit([[0, 0, 0, 0], [1, 1, 1, 1]], [7, 7])).rejects
      .toThrow('MLPClassifier needs at least 2 classes in y; got only [7].');
    expect(clf.classes).toEqual([0, 1, 2]);
    expect(clf.predict(iris.x_test)).toEqual(before);
    await expect(clf.partialFit([[0, 0, 0, 0]], [0], [0])).rejects.toThrow(
      'MLPClassifier needs at least 2 classes; classes is [0].');
    clf.dispose();
  });

  it('refuses one class, mixed types and NaN labels', async () => {
    const clf = new MLPClassifier({ maxIter: 1 });
    await expect(clf.fit([[0], [1]], [4, 4])).rejects.toThrow(
      'MLPClassifier needs at least 2 classes in y; got only [4].');
    await expect(clf.fit([[0], [1]], [1, 'a'] as never)).rejects.toThrow(
      'y mixes numbers and strings (element 1 is "a")');
    await expect(clf.fit([[0], [1]], [1, Number.NaN])).rejects.toThrow(
      'y must hold finite numbers or strings; element 1 is NaN.');
  });
});

describe('input checks', () => {
  it('predict before fit is NotFittedError', () => {
    const clf = new MLPClassifier();
    expect(() => clf.predict([[0]])).toThrow(NotFittedError);
    expect(() => clf.predict([[0]])).toThrow(
      "This MLPClassifier instance is not fitted yet. Call 'fit' with " +
        'appropriate arguments before using this estimator.');
  });

  it('names wrong feature counts, sample counts and NaN cells', async () => {
    const clf = new MLPClassifier({ maxIter: 3, randomState: 0 });
    await clf.fit(iris.x_train, iris.y_train);
    expect(() => clf.predict([[1, 2, 3]])).toThrow(ShapeError);
    expect(() => clf.predict([[1, 2, 3]])).toThrow(
      'X has 3 features, but MLPClassifier is expecting 4 features as ' +
        'input.');
    await expect(clf.fit([[1], [2]], [0])).rejects.toThrow(
      'Found input variables with inconsistent numbers of samples: [2, 1].');
    await expect(clf.fit([[1, 2], [3, Number.NaN]], [0, 1])).rejects.toThrow(
      'Input X contains NaN (row 1, column 1).');
    // Past the four-way unrolled sums, and in their tail.
    const wide = (at: number, v: number) => [Array.from({ length: 9 },
      (_, j) => (j === at ? v : j)), Array.from({ length: 9 }, (_, j) => j)];
    await expect(clf.fit(wide(8, -Infinity), [0, 1])).rejects.toThrow(
      'Input X contains infinity or a value too large for float32 (row 0, ' +
        'column 8).');
    await expect(clf.fit(wide(5, Infinity), [0, 1])).rejects.toThrow(
      'Input X contains infinity or a value too large for float32 (row 0, ' +
        'column 5).');
    clf.dispose();
  });

  // Non-regression: predict([[1, 2, 3, 4, 5, NaN]]) answered a class.
  // scikit-learn 1.2.1 refuses NaN and infinities in every method that
  // takes X ("Input X contains NaN.", "Input X contains infinity or a
  // value too large for dtype('float64')."), before the feature count.
  it('refuses NaN and infinity in every method that takes X', async () => {
    const clf = new MLPClassifier({ maxIter: 2, randomState: 0 });
    await clf.fit(iris.x_train, iris.y_train);
    const before = tf.memory().numTensors;
    const nan = [[1, 2, 3, 4], [5, 6, 7, Number.NaN]];
    const inf = tf.tensor2d([[1, 2, 3, 4], [5, 6, -Infinity, 8]]);
    // 1e39 is beyond float32's largest value (about 3.4e38).
    const huge = [[1e39, 2, 3, 4]];
    const calls: [string, (x: MatrixLike) => unknown][] = [
      ['predict', (x) => clf.predict(x)],
      ['predictProba', (x) => clf.predictProba(x)],
      ['predictLogProba', (x) => clf.predictLogProba(x)],
      ['predictIndex', (x) => clf.predictIndex(x)],
      ['score', (x) => clf.score(x, [0, 1].slice(0, toMatrix(x).rows))],
    ];
    for (const [, call] of calls) {
      expect(() => call(nan)).toThrow(DataError);
      expect(() => call(nan)).toThrow(
        'Input X contains NaN (row 1, column 3).');
      expect(() => call(inf)).toThrow('Input X contains infinity or a ' +
        'value too large for float32 (row 1, column 2).');
      expect(() => call(huge)).toThrow('Input X contains infinity or a ' +
        'value too large for float32 (row 0, column 0).');
      // As scikit-learn: the NaN is named before the feature count.
      expect(() => call([[Number.NaN, 1, 2]])).toThrow(
        'Input X contains NaN (row 0, column 0).');
    }
    await expect(clf.partialFit(nan, [0, 1])).rejects.toThrow(
      'Input X contains NaN (row 1, column 3).');
    inf.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // The failed partialFit changed nothing.
    expect(clf.nIter).toBe(2);
    clf.dispose();
  });
});

describe('training', () => {
  it('warns and clips a batch size larger than the data', async () => {
    const reporter = new MemoryReporter();
    const clf = new MLPClassifier({ batchSize: 1000, maxIter: 1,
      randomState: 0, reporter });
    await clf.fit(iris.x_train, iris.y_train);
    expect(reporter.warnings.map((w) => w.message)).toEqual([
      'Got `batch_size` less than 1 or larger than sample size. It is ' +
        'going to be clipped',
      "Stochastic Optimizer: Maximum iterations (1) reached and the " +
        "optimization hasn't converged yet.",
    ]);
    expect(reporter.warnings[1]).toBeInstanceOf(ConvergenceWarning);
    expect(clf.lastWarnings.length).toBe(2);
    clf.dispose();
  });

  it('warmStart continues the loss curve and the epoch count', async () => {
    // With warm start scikit-learn keeps n_iter_, t_ and loss_curve_ and
    // runs max_iter more epochs (the warning only fires when n_iter_
    // equals max_iter exactly, so not on the second call).
    const reporter = new MemoryReporter();
    const clf = new MLPClassifier({ warmStart: true, maxIter: 4,
      randomState: 0, reporter });
    await clf.fit(iris.x_train, iris.y_train);
    const first = [...clf.lossCurve!];
    await clf.fit(iris.x_train, iris.y_train);
    expect(clf.nIter).toBe(8);
    expect(clf.t).toBe(8 * iris.y_train.length);
    expect(clf.lossCurve!.slice(0, 4)).toEqual(first);
    expect(clf.lossCurve!.length).toBe(8);
    expect(reporter.warnings.length).toBe(1);
    clf.setParams({ hiddenLayerSizes: [7] });
    await expect(clf.fit(iris.x_train, iris.y_train)).rejects.toThrow(
      "The 'hiddenLayerSizes' parameter of MLPClassifier must be [100], " +
        'the sizes of the network that warmStart or partialFit continues. ' +
        'Got [7] instead.');
    clf.setParams({ hiddenLayerSizes: [100] });
    await expect(clf.fit(iris.x_train, iris.y_train.map((v) => v % 2)))
      .rejects.toThrow('warm_start can only be used where `y` has the same ' +
        'classes as in the previous call to fit. Previously got [0 1 2], ' +
        '`y` has [0 1]');
    clf.dispose();
  });

  it('a new fit without warmStart starts over from the same weights',
    async () => {
      const clf = new MLPClassifier({ maxIter: 3, randomState: 5 });
      await clf.fit(iris.x_train, iris.y_train);
      const first = [...clf.lossCurve!];
      await clf.fit(iris.x_train, iris.y_train);
      expect(clf.lossCurve).toEqual(first);
      expect(clf.nIter).toBe(3);
      clf.dispose();
    });

  it.each(['sync', 'deferred'] as const)(
    'stops at once on a diverging loss, keeping finite weights (%s)',
    async (mode) => {
      // Unscaled 0-255 MNIST pixels with plain SGD at rate 1 blow up
      // within two epochs (identity units, so nothing saturates).
      setStepCheck(mode);
      try {
        const { x, y } = mnistMatrix('train', { limit: 500, scale: 1 });
        const clf = new MLPClassifier({ solver: 'sgd', learningRateInit: 1,
          activation: 'identity', hiddenLayerSizes: [16], maxIter: 20,
          randomState: 0 });
        const err = await clf.fit(x, y).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DivergenceError);
        const d = err as DivergenceError;
        expect(d.message).toMatch(new RegExp(
          `^Training diverged at epoch ${d.epoch}, step ${d.step} of 3: ` +
            '(the loss became (NaN|Infinity)|its update made the weights ' +
            'non-finite \\(loss [-+.e\\d]+\\))\\. The weights from ' +
            'before that step are kept\\.'));
        expect(d.epoch).toBeGreaterThanOrEqual(1);
        for (const c of clf.coefs) {
          expect(c.data.every(Number.isFinite)).toBe(true);
        }
        expect(clf.lossCurve!.length).toBe(d.epoch - 1);
        clf.dispose();
      } finally {
        setStepCheck(undefined);
      }
    });

  it('both step checks train the same way', async () => {
    const curves: number[][] = [];
    for (const mode of ['sync', 'deferred'] as const) {
      setStepCheck(mode);
      const clf = new MLPClassifier({ maxIter: 5, randomState: 0,
        batchSize: 16 });
      await clf.fit(iris.x_train, iris.y_train);
      curves.push(clf.lossCurve!);
      clf.dispose();
    }
    setStepCheck(undefined);
    // They differ only in how the epoch's loss sum is accumulated
    // (float64 in JS against float32 on the backend).
    expect(maxRelativeError(curves[0]!, curves[1]!)).toBeLessThan(1e-6);
  });

  it('verbose without a reporter writes to the console', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const error = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    try {
      const clf = new MLPClassifier({ verbose: true, maxIter: 2,
        randomState: 0 });
      await clf.fit(iris.x_train, iris.y_train);
      const text = write.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/^Iteration 1, loss = \d+\.\d{8}\nIteration 2, /);
      expect(error.mock.calls.map((c) => String(c[0])).join('')).toBe(
        'ConvergenceWarning: Stochastic Optimizer: Maximum iterations (2) ' +
          "reached and the optimization hasn't converged yet.\n");
      clf.dispose();
    } finally {
      write.mockRestore();
      error.mockRestore();
    }
  });

  it('stops after the current step when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const reporter = new MemoryReporter();
    const clf = new MLPClassifier({ maxIter: 50, batchSize: 10,
      randomState: 0, reporter });
    await clf.fit(iris.x_train, iris.y_train,
      { signal: controller.signal, model: 'm' });
    // The first step ran, then the epoch ended early and was not counted.
    expect(clf.nIter).toBe(0);
    expect(reporter.warnings.map((w) => w.message))
      .toEqual(['Training interrupted by user.']);
    expect(clf.predict(iris.x_test).length).toBe(iris.x_test.length);
    expect(reporter.events[0]).toMatchObject({ model: 'm', epoch: 1,
      step: 1, steps: 12 });
    clf.dispose();
  });

  it('reports progress with the loss at each epoch end', async () => {
    const reporter = new MemoryReporter();
    const clf = new MLPClassifier({ maxIter: 3, randomState: 0, reporter });
    await clf.fit(iris.x_train, iris.y_train);
    const ends = reporter.events.filter((e) => e.logs.loss !== undefined);
    expect(ends.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(ends.map((e) => e.logs.loss)).toEqual(clf.lossCurve);
    clf.dispose();
  });

  it('coefs and intercepts have scikit-learn shapes', async () => {
    const clf = new MLPClassifier({ hiddenLayerSizes: [5, 3], maxIter: 1,
      randomState: 0 });
    await clf.fit(iris.x_train, iris.y_train);
    expect(clf.coefs.map((c) => [c.rows, c.cols]))
      .toEqual([[4, 5], [5, 3], [3, 3]]);
    expect(clf.intercepts.map((b) => b.length)).toEqual([5, 3, 3]);
    expect(clf.nLayers).toBe(4);
    expect(clf.nFeaturesIn).toBe(4);
    clf.dispose();
  });
});

// Non-regression: hidden_layer_sizes [100000000] crashed with "Invalid
// typed array length: 78400000000" and [1000000] on wasm with "memory
// access out of bounds". scikit-learn 1.2.1 fails while allocating
// ("Unable to allocate 584. GiB for an array with shape (784, 100000000)
// and data type float64"); tfjs-trio refuses before allocating.
describe('networks too large for memory', () => {
  const rows = (cols: number) => Array.from({ length: 3 },
    (_, i) => Array.from({ length: cols }, (_, j) => (i + j) % 5));

  it('refuses a weight matrix larger than one typed array', async () => {
    const clf = new MLPClassifier({ hiddenLayerSizes: [100000000] });
    const before = tf.memory().numTensors;
    // 784 x 1e8 = 7.84e10 float32 values, 3.136e11 bytes = 292.06 GiB.
    await expect(clf.fit(rows(784), [0, 1, 2])).rejects.toThrow(
      "The 'hiddenLayerSizes' parameter of MLPClassifier must be sizes " +
        'whose weights fit in memory: the weights into hidden layer 1 ' +
        '(coefs[0]) would have shape [784, 100000000], 78400000000 ' +
        'float32 values (292 GiB), and one tfjs tensor holds at most ' +
        `${MAX_TYPED_ARRAY_LENGTH} (one typed array). Got [100000000] ` +
        'instead.');
    expect(tf.memory().numTensors).toBe(before);
    expect(clf.classes).toBeUndefined();
  });

  it('names the layer at fault, the output layer too', () => {
    const big = Math.floor(MAX_TYPED_ARRAY_LENGTH / 3) + 1;
    // [2, big] fits one typed array; [big, 3] does not.
    const o = { solver: 'sgd' as const, hiddenLayerSizes: [2, big] };
    expect(() => checkWeightsFit([2, 2, big, 3], o)).toThrow(
      `the weights into the output layer (coefs[2]) would have shape ` +
        `[${big}, 3], ${big * 3} float32 values`);
    // Exactly at the limit is allowed (off wasm, whose heap is smaller).
    const cpu = { solver: 'sgd' as const, hiddenLayerSizes: [1] };
    if (tf.getBackend() !== 'wasm') {
      expect(() => checkWeightsFit([1, MAX_TYPED_ARRAY_LENGTH, 1], cpu))
        .not.toThrow();
    }
    expect(() => checkWeightsFit([1, MAX_TYPED_ARRAY_LENGTH + 1, 1], cpu))
      .toThrow(OptionError);
  });

  describe('on wasm', () => {
    let previous: string;
    beforeAll(async () => {
      previous = tf.getBackend();
      await selectBackend('wasm');
    });
    afterAll(async () => {
      await tf.setBackend(previous);
    });

    it('refuses weights whose training copies exceed the heap', async () => {
      const clf = new MLPClassifier({ hiddenLayerSizes: [1000000] });
      const before = tf.memory().numTensors;
      // (784 + 1) x 1e6 + (1e6 + 1) x 3 = 788000003 values = 3152000012
      // bytes = 2.9355 GiB; adam keeps 4 copies: 11.742 GiB; the first
      // matrix, 784 x 1e6 x 4 bytes = 2.9206 GiB; the heap is 4 GiB -
      // 64 KiB.
      await expect(clf.fit(rows(784), [0, 1, 2])).rejects.toThrow(
        "The 'hiddenLayerSizes' parameter of MLPClassifier must be sizes " +
          'whose weights fit in memory: training with adam holds at ' +
          'least 4 copies of the weights (weights, gradients, two moment ' +
          'estimates), 4 x 2.94 GiB = 11.7 GiB, more than the wasm ' +
          "backend's 4 GiB heap; the largest matrix, into hidden layer 1 " +
          '(coefs[0]), has shape [784, 1000000] (2.92 GiB). Use smaller ' +
          'layers, or the node or cpu backend, whose tensors are not in ' +
          'that heap. Got [1000000] instead.');
      expect(tf.memory().numTensors).toBe(before);
    });

    it('counts the copies of each solver, refusing nothing that fits', () => {
      // (784 + 1) x 600000 + 600001 = 471600001 values = 1.757 GiB:
      // lbfgs's 2 copies (3.51 GiB) fit in the heap, adam's 4 and sgd's 3
      // (5.27 GiB) do not.
      const units = [784, 600000, 1];
      const hiddenLayerSizes = [600000];
      expect(() => checkWeightsFit(units, { solver: 'lbfgs',
        hiddenLayerSizes })).not.toThrow();
      expect(() => checkWeightsFit(units, { solver: 'sgd',
        hiddenLayerSizes })).toThrow('training with sgd holds at least 3 ' +
        'copies of the weights (weights, gradients, velocities), 3 x ' +
        '1.76 GiB = 5.27 GiB');
      expect(() => checkWeightsFit(units, { solver: 'adam',
        hiddenLayerSizes })).toThrow('4 x 1.76 GiB = 7.03 GiB');
    });
  });
});
