import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import { parseCompile } from '../../src/keras/compile_config.js';
import * as keras from '../../src/keras/index.js';
import { smallMnist, tempDir, tutorialModel } from './helpers.js';

const { optimizers } = keras;

beforeEach(() => {
  keras.utils.clearSession();
  keras.utils.setRandomSeed(5);
});

// Hand derivation, Keras's rule with beta_1 = beta_2 = 0.5, lr = 0.1,
// epsilon = 1e-7 (its effect is below 1e-8 here), w0 = [1, -1]:
//   alpha_t = 0.1 sqrt(1 - 0.5^t) / (1 - 0.5^t) = 0.1 / sqrt(1 - 0.5^t)
//   alpha_1 = 0.1 sqrt(2), alpha_2 = 0.1 / sqrt(0.75),
//   alpha_3 = 0.1 / sqrt(0.875)
// Element 0, gradients 4, 1, 1 (shrinking, so v falls below its maximum):
//   t=1: m = 2,    v = 8,    v_hat = 8;  w = 1 - 0.1 sqrt(2) 2 / sqrt(8)
//        = 0.9
//   t=2: m = 1.5,  v = 4.5,  v_hat = 8;  w = 0.9 - alpha_2 1.5 / sqrt(8)
//        = 0.9 - 0.0612372 = 0.8387628   (plain Adam: / sqrt(4.5),
//        0.8183503)
//   t=3: m = 1.25, v = 2.75, v_hat = 8;  w = 0.8387628 - alpha_3 1.25 /
//        sqrt(8) = 0.8387628 - 0.0472456 = 0.7915172   (plain: 0.7377681)
// Element 1, gradients 1, 2, 4 (growing, so v_hat = v and both agree):
//   t=1: m = 0.5,   v = 0.5;   w = -1 - alpha_1 0.5 / sqrt(0.5) = -1.1
//   t=2: m = 1.25,  v = 2.25;  w = -1.1 - alpha_2 1.25 / 1.5 = -1.1962250
//   t=3: m = 2.625, v = 9.125; w = -1.1962250 - alpha_3 2.625 /
//        sqrt(9.125) = -1.2891236
// (PyTorch's Adam(amsgrad=True, eps=0) gives the same numbers to 1e-8.)
const GRADS = [[4, 1], [1, 2], [1, 4]];
const AMSGRAD_W = [[0.9, -1.1], [0.8387628, -1.196225],
  [0.7915172, -1.2891236]];
const ADAM_W = [[0.9, -1.1], [0.8183503, -1.196225],
  [0.7377681, -1.2891236]];

let serial = 0;

/** Applies GRADS to w0 = [1, -1]; returns w after each step. */
function run(optimizer: tf.Optimizer): { w: tf.Variable; path: number[][] } {
  const name = `amsgrad_w${serial++}`;
  const w0 = tf.tensor1d([1, -1]);
  const w = tf.variable(w0, true, name);
  w0.dispose();
  const path: number[][] = [];
  for (const g of GRADS) {
    const grad = tf.tensor1d(g);
    optimizer.applyGradients({ [name]: grad });
    grad.dispose();
    path.push(Array.from(w.dataSync()));
  }
  return { w, path };
}

function expectClose(actual: number[][], expected: number[][]) {
  actual.forEach((row, i) => row.forEach((v, j) => {
    expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(1e-6);
  }));
}

const options = { learningRate: 0.1, beta1: 0.5, beta2: 0.5 };

describe('Adam with amsgrad', () => {
  it('divides by the running maximum of v (hand-derived, 3 steps)',
    async () => {
      const adam = optimizers.Adam({ ...options, amsgrad: true });
      const { w, path: ams } = run(adam);
      expectClose(ams, AMSGRAD_W);
      // The slots, named as Keras 3 names them, hold m, v and v_hat.
      const weights = await adam.getWeights();
      const slots = Object.fromEntries(weights.map((n) =>
        [n.name.replace(w.name, 'w'), Array.from(n.tensor.dataSync())]));
      expect(Object.keys(slots))
        .toEqual(['iter', 'w/momentum', 'w/velocity', 'w/velocity_hat']);
      expect(slots['iter']).toEqual([3]);
      expect(slots['w/momentum']).toEqual([1.25, 2.625]);
      expect(slots['w/velocity']).toEqual([2.75, 9.125]);
      expect(slots['w/velocity_hat']).toEqual([8, 9.125]);
      weights[0]!.tensor.dispose();
      adam.dispose();
      w.dispose();

      // Without amsgrad: two slots, and element 0 takes larger steps.
      const plain = optimizers.Adam(options);
      const { w: w2, path: adamPath } = run(plain);
      expectClose(adamPath, ADAM_W);
      const plainWeights = await plain.getWeights();
      expect(plainWeights.map((n) => n.name.replace(w2.name, 'w')))
        .toEqual(['iter', 'w/momentum', 'w/velocity']);
      plainWeights[0]!.tensor.dispose();
      plain.dispose();
      w2.dispose();
    });

  it('leaves the tensor count as it was after steps and dispose', () => {
    const start = tf.memory().numTensors;
    const adam = optimizers.Adam({ ...options, amsgrad: true });
    const { w } = run(adam);
    // The variable and its three slots; no step leaves a tensor behind.
    expect(tf.memory().numTensors).toBe(start + 1 + 3);
    const grad = tf.tensor1d([1, 1]);
    adam.applyGradients({ [w.name]: grad });
    grad.dispose();
    expect(tf.memory().numTensors).toBe(start + 1 + 3);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(start + 1);
    w.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('trains a model through fit, with three slots per variable',
    async () => {
      const { train } = smallMnist(80);
      const start = tf.memory().numTensors;
      const model = tutorialModel(8);
      const adam = optimizers.Adam({ amsgrad: true });
      model.compile({ optimizer: adam,
        loss: 'sparse_categorical_crossentropy' });
      const built = tf.memory().numTensors;
      const h = await model.fit(train.x, train.y, { epochs: 2,
        batchSize: 40, verbose: 0 });
      expect(h.history['loss']!.every(Number.isFinite)).toBe(true);
      // Kernel and bias of three Dense layers, three slots each.
      expect(tf.memory().numTensors - built).toBe(3 * 6);
      // Keras counts every slot, plus iterations and learning_rate.
      const slotValues = 3 * (784 * 8 + 8 + 8 * 64 + 64 + 64 * 10 + 10);
      expect(adam.variableCount().count).toBe(slotValues + 2);
      model.dispose();
      adam.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

  it('round-trips through the Python config, configs and save/load',
    async () => {
      const adam = optimizers.Adam({ amsgrad: true });
      expect(adam.amsgrad).toBe(true);
      expect(adam.getConfig()).toEqual({ name: 'adam', learning_rate: 0.001,
        beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: true });
      expect(optimizers.Adam().getConfig()['amsgrad']).toBe(false);

      // A config file's compile section (Python spellings).
      const parsed = parseCompile({ optimizer: { type: 'Adam',
        amsgrad: true, beta_2: 0.99 }, loss: 'mse' }, 'models[0].compile');
      const fromConfig = parsed.optimizer() as keras.optimizers.AdamOptimizer;
      expect([fromConfig.amsgrad, fromConfig.beta2]).toEqual([true, 0.99]);
      expect(() => parseCompile({ optimizer: { type: 'Adam',
        amsgrad: 'yes' }, loss: 'mse' }, 'models[0].compile')).toThrow(
        "models[0].compile.optimizer.amsgrad: must be true or false; got " +
          "'yes'.");
      expect(() => optimizers.Adam({ amsgrad: 1 as never })).toThrow(
        OptionError);

      // Saved metadata, and the optimizer loadModel compiles from it.
      const model = tutorialModel(8);
      model.compile({ optimizer: adam, loss: 'mse' });
      const dir = path.join(tempDir('amsgrad'), 'm');
      await model.save(dir);
      const loaded = await keras.models.loadModel(dir);
      const restored = loaded.optimizer as keras.optimizers.AdamOptimizer;
      expect(restored).toBeInstanceOf(optimizers.AdamOptimizer);
      expect(restored.amsgrad).toBe(true);
      loaded.dispose();
      model.dispose();
      adam.dispose();
    });
});
