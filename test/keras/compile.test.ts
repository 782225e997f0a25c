import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import * as keras from '../../src/keras/index.js';
import { smallMnist, tutorialModel } from './helpers.js';

const { optimizers, losses, metrics, layers } = keras;

let model: keras.SequentialModel;
beforeEach(() => {
  keras.utils.clearSession();
  keras.utils.setRandomSeed(3);
});
afterEach(() => model?.dispose());

describe('compile', () => {
  it('accepts the Python strings with Keras defaults', () => {
    model = tutorialModel(16);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'] });
    const adam = model.optimizer as keras.optimizers.AdamOptimizer;
    expect(adam).toBeInstanceOf(optimizers.AdamOptimizer);
    expect(adam.epsilon).toBe(1e-7);
    expect(model.loss!.name).toBe('sparse_categorical_crossentropy');
    expect(model.metricsNames).toEqual(['accuracy']);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    expect((model.optimizer as keras.optimizers.SGDOptimizer).learningRate)
      .toBe(0.01);
    model.compile({ optimizer: 'RMSprop', loss: 'categorical_crossentropy' });
    expect(model.optimizer).toBeInstanceOf(optimizers.RMSpropOptimizer);
    // Keras's default optimizer is rmsprop.
    model.compile({ loss: 'binary_crossentropy' });
    expect(model.optimizer).toBeInstanceOf(optimizers.RMSpropOptimizer);
  });

  it('accepts optimizer, loss and metric objects', async () => {
    model = tutorialModel(16);
    const adam = optimizers.Adam({ learningRate: 0.01 });
    model.compile({
      optimizer: adam,
      loss: losses.SparseCategoricalCrossentropy(),
      metrics: [metrics.SparseCategoricalAccuracy()],
    });
    expect(model.optimizer).toBe(adam);
    const { train } = smallMnist(64);
    const h = await model.fit(train.x, train.y, { verbose: 0 });
    expect(Object.keys(h.history))
      .toEqual(['loss', 'sparse_categorical_accuracy']);
    adam.dispose();
  });

  it('refuses unknown names and lists the known ones', () => {
    model = tutorialModel(16);
    expect(() => model.compile({ optimizer: 'adm' as 'adam', loss: 'mse' }))
      .toThrow("The 'optimizer' parameter of compile must be a known " +
        "optimizer name (did you mean 'adam'?): 'adam', 'sgd' or " +
        "'rmsprop', or an optimizer object such as " +
        "optimizers.Adam({learningRate: 0.001}). Got 'adm' instead.");
    expect(() => model.compile({ loss: 'sparse_crossentropy' }))
      .toThrow(new RegExp("'loss' parameter of compile must be a known " +
        "loss name .*'sparse_categorical_crossentropy', .*" +
        "Got 'sparse_crossentropy'"));
    expect(() => model.compile({ loss: 'mse', metrics: ['acuracy'] }))
      .toThrow(/known metric names \(did you mean 'accuracy'\?\)/);
    expect(() => optimizers.Adam({ learningRate: -1 })).toThrow(OptionError);
    expect(() => optimizers.Adam({ learningRate: -1 })).toThrow(
      "The 'learningRate' parameter of Adam must be a number in the range " +
        '(0, inf]. Got -1 instead.');
    expect(() => layers.Dense(10, { activation: 'relux' })).toThrow(
      /or null \(did you mean 'relu'\?\)\. Got 'relux' instead/);
    expect(() => layers.Dense(0)).toThrow(
      "The 'units' parameter of Dense must be a positive integer. Got 0");
    expect(() => layers.Dense(3, { kernel_initializer: 'x' } as never))
      .toThrow(/known options are .*'kernelInitializer'/);
  });

  it("resolves 'accuracy' from the loss and target shapes", async () => {
    model = tutorialModel(16);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy',
      metrics: ['accuracy'] });
    const x = tf.zeros([4, 784]);
    const oneHot = tf.oneHot(tf.tensor1d([0, 1, 2, 9], 'int32'), 10);
    // All-zero inputs give equal rows; categorical accuracy compares
    // argmax of the one-hot targets, so the value is a multiple of 1/4.
    const [, acc] = model.evaluate(x, oneHot, { verbose: 0 });
    expect(acc! * 4).toBeCloseTo(Math.round(acc! * 4), 6);
    tf.dispose([x, oneHot]);
    const binary = keras.Sequential([
      layers.Dense(1, { activation: 'sigmoid', inputShape: [2] })]);
    binary.compile({ optimizer: 'sgd', loss: 'binary_crossentropy',
      metrics: ['acc'] });
    // With x = 0 the output is sigmoid(0 . w + 0) = 0.5, which is not
    // > 0.5, so every prediction is 0: accuracy is the share of zero
    // labels, 2/3.
    const [, binAcc] = binary.evaluate([[0, 0], [0, 0], [0, 0]], [0, 1, 0],
      { verbose: 0 });
    expect(binAcc).toBeCloseTo(2 / 3, 6);
    binary.dispose();
  });

  it('refuses fit before compile and options not supported yet', async () => {
    model = tutorialModel(16);
    await expect(model.fit([[1]], [0], { verbose: 0 })).rejects.toThrow(
      'You must call compile() before using the model (fit).');
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await expect(model.fit(tf.zeros([1, 784]), [0],
      { sampleWeight: [1] as never })).rejects.toThrow(
      "Sequential.fit's 'sampleWeight' option is not supported yet.");
    await expect(model.fit(tf.zeros([1, 784]), [0],
      { bach_size: 3 } as never)).rejects.toThrow(/known options are/);
  });
});
