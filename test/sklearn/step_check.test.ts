import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DivergenceError } from '../../src/errors.js';
import { mnistMatrix } from '../../src/data/mnist.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import type { MLPClassifierOptions } from '../../src/sklearn/options.js';
import {
  objective,
  objectiveAndGrads,
} from '../../src/sklearn/network.js';
import { setStepCheck } from '../../src/sklearn/step_guard.js';
import type { StepCheck } from '../../src/sklearn/step_guard.js';
import { datasets } from './helpers.js';

const iris = datasets.iris!;

/** Fits in `mode`; the error (if any), curve, coefs and tensor count. */
async function fitIn(
  mode: StepCheck,
  options: MLPClassifierOptions,
  x: number[][] | ReturnType<typeof mnistMatrix>['x'],
  y: ArrayLike<number>,
) {
  setStepCheck(mode);
  try {
    const before = tf.memory().numTensors;
    const clf = new MLPClassifier(options);
    const error = await clf.fit(x, Array.from(y)).catch((e: unknown) => e);
    const result = {
      error,
      curve: [...(clf.lossCurve ?? [])],
      coefs: clf.coefs.map((c) => Array.from(c.data)),
      intercepts: clf.intercepts.map((b) => Array.from(b)),
    };
    clf.dispose();
    return { ...result, leaked: tf.memory().numTensors - before };
  } finally {
    setStepCheck(undefined);
  }
}

describe("the 'epoch' step check (one read per epoch)", () => {
  it("trains exactly as 'sync' (same curve and weights, bit for bit)",
    async () => {
      // Both add the same float32 batch losses in JS in step order and
      // apply the same updates, so nothing may differ at all.
      const options = { maxIter: 6, randomState: 0, batchSize: 16 };
      const sync = await fitIn('sync', options, iris.x_train, iris.y_train);
      const epoch = await fitIn('epoch', options, iris.x_train,
        iris.y_train);
      expect(epoch.curve).toHaveLength(6);
      expect(epoch.curve).toEqual(sync.curve);
      expect(epoch.coefs).toEqual(sync.coefs);
      expect(epoch.intercepts).toEqual(sync.intercepts);
      expect(epoch.leaked).toBe(0);
    });

  it.each([
    ['sgd', { solver: 'sgd', learningRateInit: 1 }],
    ['adam', { solver: 'adam', learningRateInit: 1e30 }],
  ] as const)(
    "replays a diverging epoch and stops where 'sync' does (%s)",
    async (_name, solver) => {
      // Unscaled 0-255 pixels and a huge rate blow up after a few steps
      // (identity units, nothing saturates); the replay must restore the
      // weights and optimiser state of the epoch's start.
      const { x, y } = mnistMatrix('train', { limit: 500, scale: 1 });
      const options = { ...solver, activation: 'identity' as const,
        hiddenLayerSizes: [16], maxIter: 20, randomState: 0,
        batchSize: 100 };
      const sync = await fitIn('sync', options, x, y);
      const epoch = await fitIn('epoch', options, x, y);
      expect(sync.error).toBeInstanceOf(DivergenceError);
      expect(epoch.error).toBeInstanceOf(DivergenceError);
      const [a, b] = [sync.error, epoch.error] as DivergenceError[];
      expect(b!.message).toBe(a!.message);
      expect([b!.epoch, b!.step]).toEqual([a!.epoch, a!.step]);
      expect(epoch.curve).toEqual(sync.curve);
      expect(epoch.coefs).toEqual(sync.coefs);
      expect(epoch.coefs.flat().every(Number.isFinite)).toBe(true);
      // Not on the first step: the replay had to rewind the optimiser.
      expect(b!.epoch * 5 + b!.step).toBeGreaterThan(6);
      expect(epoch.leaked).toBe(0);
    });
});

describe('objectiveAndGrads', () => {
  it('equals autodiff of objective (L2 gradient added by hand)', () => {
    // tfjs differentiates sum(square(W)) * c as c * (2 * W); the hand
    // form is W * (alpha / n) = W * 2c: the same product, rounded once.
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([7, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 1], 'int32'), 3)
        .toFloat() as tf.Tensor2D;
      const w = [
        tf.randomNormal([5, 4], 0, 1, 'float32', 2),
        tf.randomNormal([4, 3], 0, 1, 'float32', 3),
        tf.randomNormal([4], 0, 1, 'float32', 4),
        tf.randomNormal([3], 0, 1, 'float32', 5),
      ];
      for (const alpha of [0, 1e-4, 0.3]) {
        const auto = tf.valueAndGrads((...v: tf.Tensor[]) =>
          objective(x, y, v, 'relu', 'softmax', alpha))(w);
        const hand = objectiveAndGrads(x, y, w, 'relu', 'softmax', alpha);
        expect(hand.value.dataSync()[0]).toBe(auto.value.dataSync()[0]);
        hand.grads.forEach((g, i) => {
          expect(Array.from(g.dataSync()))
            .toEqual(Array.from(auto.grads[i]!.dataSync()));
        });
      }
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
