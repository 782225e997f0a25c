import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DivergenceError, ShapeError } from '../../src/errors.js';
import * as keras from '../../src/keras/index.js';
import { fixture, smallMnist, tutorialModel } from './helpers.js';

let model: keras.SequentialModel;
beforeEach(() => {
  keras.utils.clearSession();
});
afterEach(() => model?.dispose());

async function trainOnce(seed: number, shuffle = true) {
  keras.utils.setRandomSeed(seed);
  const { train } = smallMnist(300);
  const m = tutorialModel(16);
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'] });
  const h = await m.fit(train.x, train.y,
    { epochs: 2, batchSize: 50, verbose: 0, shuffle });
  m.dispose();
  return h.history['loss']!;
}

describe('fit', () => {
  it('returns a History with Keras keys, epochs and params', async () => {
    keras.utils.setRandomSeed(1);
    const { train, test } = smallMnist(600, 200);
    model = tutorialModel(32);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'] });
    const h = await model.fit(train.x, train.y, {
      epochs: 3, batchSize: 64, validationData: [test.x, test.y], verbose: 0,
    });
    expect(Object.keys(h.history)).toEqual(fixture.history_keys);
    expect(h.epoch).toEqual([0, 1, 2]);
    // ceil(600 / 64) = 10 steps.
    expect(h.params).toEqual({ verbose: 0, epochs: 3, steps: 10 });
    expect(model.history).toBe(h);
    const loss = h.history['loss']!;
    expect(loss[2]).toBeLessThan(loss[0]!);
    // val_* equal evaluate on the same data after the last epoch.
    const [valLoss, valAcc] = model.evaluate(test.x, test.y,
      { batchSize: 64, verbose: 0 });
    expect(h.history['val_loss']![2]).toBeCloseTo(valLoss!, 5);
    expect(h.history['val_accuracy']![2]).toBeCloseTo(valAcc!, 6);
  });

  it('takes validationSplit from the last samples', async () => {
    keras.utils.setRandomSeed(2);
    const { train } = smallMnist(500);
    model = tutorialModel(16);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'] });
    const h = await model.fit(train.x, train.y, {
      epochs: 1, batchSize: 100, validationSplit: 0.2, verbose: 0,
    });
    // floor(500 * 0.8) = 400 training samples -> 4 steps.
    expect(h.params.steps).toBe(4);
    const lastRows = {
      data: train.x.data.subarray(400 * 784), rows: 100, cols: 784,
    };
    const [valLoss] = model.evaluate(lastRows, train.y.subarray(400),
      { batchSize: 100, verbose: 0 });
    expect(h.history['val_loss']![0]).toBeCloseTo(valLoss!, 5);
  });

  it('shuffles reproducibly under utils.setRandomSeed', async () => {
    const a = await trainOnce(11);
    const b = await trainOnce(11);
    const c = await trainOnce(12);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('starts at initialEpoch and counts epochs as Keras', async () => {
    keras.utils.setRandomSeed(4);
    const { train } = smallMnist(100);
    model = tutorialModel(8);
    model.compile({ optimizer: 'adam',
      loss: 'sparse_categorical_crossentropy' });
    const h = await model.fit(train.x, train.y,
      { epochs: 5, initialEpoch: 3, verbose: 0 });
    expect(h.epoch).toEqual([3, 4]);
  });

  it('stops with the epoch and step when the loss diverges', async () => {
    keras.utils.setRandomSeed(5);
    const x = tf.tensor2d([[1e30, -1e30], [2e30, 1e30]]);
    const y = tf.tensor2d([[1], [2]]);
    model = keras.Sequential([
      keras.layers.Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: keras.optimizers.SGD({ learningRate: 1e10 }),
      loss: 'mse' });
    const before = model.getWeights();
    const err = await model.fit(x, y, { epochs: 3, verbose: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).message).toMatch(
      /^Training stopped at epoch 1, step 1: the loss is (Infinity|NaN)\./);
    // The failing step was not applied: the weights are the initial ones.
    const after = model.getWeights();
    after.forEach((w, i) => {
      expect(Array.from(w.dataSync())).toEqual(
        Array.from(before[i]!.dataSync()));
    });
    tf.dispose([x, y, ...before, ...after]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
  });

  it('refuses mismatched shapes and out-of-range labels', async () => {
    model = tutorialModel(8);
    model.compile({ optimizer: 'adam',
      loss: 'sparse_categorical_crossentropy' });
    await expect(model.fit(tf.zeros([3, 784]), [0, 1], { verbose: 0 }))
      .rejects.toThrow('fit: x and y must have the same number of samples; ' +
        'got 3 and 2.');
    await expect(model.fit(tf.zeros([2, 10]), [0, 1], { verbose: 0 }))
      .rejects.toThrow(ShapeError);
    await expect(model.fit(tf.zeros([2, 784]), [0, 10], { verbose: 0 }))
      .rejects.toThrow('y: received a label value of 10 at row 1, which is ' +
        'outside the valid range of [0, 10) for a model with 10 outputs.');
  });

  it('stops after the current step when the signal is aborted', async () => {
    keras.utils.setRandomSeed(6);
    const { train } = smallMnist(200);
    model = tutorialModel(8);
    model.compile({ optimizer: 'adam',
      loss: 'sparse_categorical_crossentropy' });
    const controller = new AbortController();
    let batches = 0;
    const h = await model.fit(train.x, train.y, {
      epochs: 3, batchSize: 20, verbose: 0, signal: controller.signal,
      callbacks: [{ onBatchEnd: () => {
        batches += 1;
        if (batches === 13) {
          controller.abort();
        }
      } }],
    });
    // 10 steps per epoch: epoch 1 completes, epoch 2 stops at step 3.
    expect(batches).toBe(13);
    expect(h.epoch).toEqual([0]);
  });

  it('builds from the data when no input shape is given', async () => {
    keras.utils.setRandomSeed(8);
    model = keras.Sequential([keras.layers.Flatten(),
      keras.layers.Dense(3, { activation: 'softmax' })]);
    expect(model.built).toBe(false);
    expect(() => model.summary()).toThrow(/has not yet been built/);
    model.compile({ optimizer: 'adam',
      loss: 'sparse_categorical_crossentropy' });
    const x = tf.zeros([4, 2, 5]);
    await model.fit(x, [0, 1, 2, 0], { verbose: 0 });
    x.dispose();
    expect(model.layers[0]!.outputShape).toEqual([null, 10]);
    expect(model.countParams()).toBe(10 * 3 + 3);
  });
});

describe('leaks', () => {
  it('fit, evaluate, predict, save and load return the tensor count',
    async () => {
      keras.utils.setRandomSeed(9);
      const { train, test } = smallMnist(200, 50);
      const start = tf.memory().numTensors;
      model = keras.Sequential([
        keras.Input({ shape: [784] }),
        keras.layers.Dense(16, { activation: 'relu',
          kernelRegularizer: 'l2' }),
        keras.layers.BatchNormalization(),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10),
        keras.layers.Activation('softmax'),
      ]);
      model.compile({ optimizer: 'adam',
        loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      await model.fit(train.x, train.y, { epochs: 1, batchSize: 50,
        verbose: 0, validationSplit: 0.1 });
      const afterFirst = tf.memory().numTensors;
      await model.fit(train.x, train.y, { epochs: 2, batchSize: 50,
        verbose: 0, validationData: [test.x, test.y] });
      expect(tf.memory().numTensors).toBe(afterFirst);
      model.evaluate(test.x, test.y, { verbose: 0 });
      model.predict(test.x).dispose();
      model.predictArray(test.x);
      expect(tf.memory().numTensors).toBe(afterFirst);
      const dir = (await import('./helpers.js')).tempDir('leak');
      await model.save(`${dir}/m`);
      expect(tf.memory().numTensors).toBe(afterFirst);
      model.dispose();
      expect(tf.memory().numTensors).toBe(start);
      const loaded = await keras.models.loadModel(`${dir}/m`);
      loaded.predict(test.x).dispose();
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
});
