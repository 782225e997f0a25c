// Model building: Flatten after a rank-2 input (Keras 3 accepts it as the
// identity; tfjs's Flatten needs rank 3), and tfjs layer errors while
// building reach the user as a ShapeError naming the layer and the shape.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import { loadLayersModel } from '../../src/io/file_system.js';
import * as keras from '../../src/keras/index.js';
import { tempDir } from './helpers.js';

const { layers } = keras;

beforeEach(() => keras.utils.clearSession());

describe('Flatten of a (batch, n) input', () => {
  it('passes the input through after a Dense layer', () => {
    const before = tf.memory().numTensors;
    const model = keras.Sequential([
      layers.Dense(16, { inputShape: [784] }),
      layers.Flatten(),
    ]);
    expect(model.layers.map((l) => l.outputShape))
      .toEqual([[null, 16], [null, 16]]);
    // The identity: the model's output equals the Dense layer's output,
    // x @ kernel + bias, computed here from the layer's own weights.
    const x = tf.randomUniform([3, 784], 0, 1, 'float32', 7);
    const [kernel, bias] = model.layers[0]!.getWeights();
    const expected = tf.tidy(() => tf.add(tf.matMul(x, kernel!), bias!));
    const y = model.predict(x);
    expect(y.shape).toEqual([3, 16]);
    expect(Array.from(y.dataSync()))
      .toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, kernel!, bias!, expected, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is the identity as a first layer of shape [784]', () => {
    const model = keras.Sequential([layers.Flatten({ inputShape: [784] }),
      layers.Dense(2)]);
    expect(model.layers[0]!.outputShape).toEqual([null, 784]);
    model.dispose();
  });

  it('builds on fit from 2-D data', async () => {
    const model = keras.Sequential([layers.Flatten(), layers.Dense(2)]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.zeros([4, 3]);
    const y = tf.zeros([4, 2]);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(model.layers[0]!.outputShape).toEqual([null, 3]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('saves a model that plain tfjs and loadModel read', async () => {
    const model = keras.Sequential([
      layers.Dense(4, { inputShape: [6] }),
      layers.Flatten(),
      layers.Dense(3, { activation: 'softmax' }),
    ]);
    const dir = await model.save(path.join(tempDir('flatten'), 'm'));
    const x = tf.ones([2, 6]);
    const want = model.predict(x);
    const plain = await loadLayersModel(dir);
    const fromPlain = plain.predict(x) as tf.Tensor;
    const loaded = await keras.models.loadModel(dir);
    expect(loaded.layers.map((l) => l.className))
      .toEqual(['Dense', 'Flatten', 'Dense']);
    const fromFacade = loaded.predict(x);
    expect(Array.from(fromPlain.dataSync()))
      .toEqual(Array.from(want.dataSync()));
    expect(Array.from(fromFacade.dataSync()))
      .toEqual(Array.from(want.dataSync()));
    tf.dispose([x, want, fromPlain, fromFacade]);
    plain.dispose();
    loaded.dispose();
    model.dispose();
  });
});

describe('a layer tfjs refuses while building', () => {
  const message = "Layer 'bn' (BatchNormalization) cannot take an input " +
    'of shape (None, 16): Axis 3 of input tensor should have a defined ' +
    'dimension but the layer received an input with shape [null,16].';

  it('is a ShapeError naming the layer and the shape (constructor)', () => {
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      keras.Sequential([layers.Dense(16, { inputShape: [784] }),
        layers.BatchNormalization({ axis: 3, name: 'bn' })]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ShapeError);
    expect((caught as ShapeError).message).toBe(message);
    expect((caught as ShapeError).received).toEqual([16]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves the model usable after a refused add', () => {
    const model = keras.Sequential([layers.Dense(16, { inputShape: [784] })]);
    const bn = layers.BatchNormalization({ axis: 3, name: 'bn' });
    expect(() => model.add(bn)).toThrow(message);
    expect(model.layers.map((l) => l.name)).toEqual(['dense']);
    model.add(layers.Dense(2));
    expect(model.layers.map((l) => l.outputShape))
      .toEqual([[null, 16], [null, 2]]);
    model.dispose();
  });

  it('is a ShapeError when fit builds the model, with no leak', async () => {
    const model = keras.Sequential([layers.Dense(16),
      layers.BatchNormalization({ axis: 3, name: 'bn' })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.zeros([4, 784]);
    const y = tf.zeros([4, 16]);
    const before = tf.memory().numTensors;
    await expect(model.fit(x, y, { epochs: 1, verbose: 0 }))
      .rejects.toThrow(message);
    expect(model.built).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});
