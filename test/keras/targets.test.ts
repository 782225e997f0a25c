// Targets that do not fit the compiled loss are refused before training.
// A tester's `compile({loss: 'categorical_crossentropy'})` then
// `fit(x, integerLabels)` died inside tfjs ("Error in softmaxCrossEntropy:
// Shapes 30 and 30,3 must match") and left 6 tensors behind; a label of
// 1.5 was said to lie outside [0, 3).
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError, ShapeError } from '../../src/errors.js';
import * as keras from '../../src/keras/index.js';

const { layers } = keras;

let model: keras.SequentialModel;
beforeEach(() => keras.utils.clearSession());
afterEach(() => model?.dispose());

/** Dense(units) on 4 features, zero weights: known outputs. */
function zeroModel(units: number, activation: 'softmax' | 'sigmoid') {
  return keras.Sequential([layers.Dense(units, {
    activation, inputShape: [4], kernelInitializer: 'zeros' })]);
}

const x = () => tf.ones([6, 4]);
const labels = [0, 1, 2, 0, 1, 2];

describe('targets against the compiled loss', () => {
  it('refuses integer labels for categorical_crossentropy, as Keras',
    async () => {
      model = zeroModel(3, 'softmax');
      model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy',
        metrics: ['accuracy'] });
      const xs = x();
      const before = tf.memory().numTensors;
      const message = 'y: Arguments `target` and `output` must have the ' +
        'same shape for categorical_crossentropy. Received: ' +
        'target.shape=(None,), output.shape=(None, 3). For integer class ' +
        "labels, compile with loss 'sparse_categorical_crossentropy', or " +
        'one-hot encode them first (tf.oneHot(labels, 3), as Keras\'s ' +
        'utils.to_categorical).';
      await expect(model.fit(xs, labels, { verbose: 0 }))
        .rejects.toThrow(message);
      await expect(model.fit(xs, labels, { verbose: 0 }))
        .rejects.toBeInstanceOf(ShapeError);
      expect(() => model.evaluate(xs, labels, { verbose: 0 }))
        .toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
      xs.dispose();
    });

  it('refuses other shapes for mse and binary_crossentropy', async () => {
    model = zeroModel(3, 'softmax');
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const xs = x();
    const wide = tf.zeros([6, 2]);
    const before = tf.memory().numTensors;
    await expect(model.fit(xs, wide, { verbose: 0 })).rejects.toThrow(
      'y: Arguments `target` and `output` must have the same shape for ' +
        'mean_squared_error. Received: target.shape=(None, 2), ' +
        'output.shape=(None, 3).');
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    await expect(model.fit(xs, labels, { verbose: 0 }))
      .rejects.toThrow('output.shape=(None, 3). For integer class labels');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, wide]);
  });

  it('takes one-hot targets and 0/1 labels for a 1-unit sigmoid',
    async () => {
      // Zero weights: softmax gives 1/3 everywhere, so the crossentropy
      // is ln 3 = 1.0986123 and mse (1 - 1/3)^2/3 + 2 (1/3)^2/3 = 2/9;
      // sigmoid(0) = 0.5, so binary crossentropy is ln 2 = 0.6931472.
      // One batch of all 6 rows: the epoch's loss is at the start weights.
      const xs = x();
      const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
      const fit1 = async (y: tf.Tensor | number[]) =>
        (await model.fit(xs, y, { verbose: 0, batchSize: 6, shuffle: false }))
          .history['loss']![0];
      model = zeroModel(3, 'softmax');
      model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
      expect(await fit1(oneHot)).toBeCloseTo(Math.log(3), 6);
      model.dispose();
      model = zeroModel(3, 'softmax');
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      expect(await fit1(oneHot)).toBeCloseTo(2 / 9, 6);
      model.dispose();
      model = zeroModel(1, 'sigmoid');
      model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy',
        metrics: ['accuracy'] });
      const before = tf.memory().numTensors;
      expect(await fit1([0, 1, 1, 0, 1, 0])).toBeCloseTo(Math.log(2), 6);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([xs, oneHot]);
    });

  it('says a sparse label that is not a whole number is not one',
    async () => {
      model = zeroModel(3, 'softmax');
      model.compile({ optimizer: 'adam',
        loss: 'sparse_categorical_crossentropy' });
      const xs = x();
      const before = tf.memory().numTensors;
      const fit = model.fit(xs, [0, 1, 1.5, 0, 1, 2], { verbose: 0 });
      await expect(fit).rejects.toThrow('y: received a label value of 1.5 ' +
        'at row 2, which is not a whole number; ' +
        'sparse_categorical_crossentropy needs integer class labels in ' +
        '[0, 3).');
      await expect(model.fit(xs, [0, 1, 1.5, 0, 1, 2], { verbose: 0 }))
        .rejects.toBeInstanceOf(DataError);
      await expect(model.fit(xs, [0, 1, 3, 0, 1, 2], { verbose: 0 }))
        .rejects.toThrow('y: received a label value of 3 at row 2, which ' +
          'is outside the valid range of [0, 3) for a model with 3 ' +
          'outputs.');
      expect(tf.memory().numTensors).toBe(before);
      xs.dispose();
    });
});
