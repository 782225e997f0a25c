import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/keras/index.js';
import { kerasEntry } from '../../src/keras/runner.js';
import { silentReporter } from '../../src/reporter.js';
import { smallMnist, tutorialModel } from './helpers.js';

// Non-regression for issue 4: Adam's moments outlived a disposed model
// trained through the config runner (12 tensors for the tutorial network).

/** Adam keeps two moments per trainable variable. */
const ADAM_SLOTS = 2;
/** Kernel and bias of each of the tutorial network's three Dense layers. */
const TUTORIAL_VARIABLES = 6;

const compileArgs = {
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
} as const;

beforeEach(() => {
  keras.utils.clearSession();
  keras.utils.setRandomSeed(21);
});

describe('leaks', () => {
  it('fit then dispose returns the tensor count (string optimizer)',
    async () => {
      const { train } = smallMnist(120);
      const start = tf.memory().numTensors;
      const model = tutorialModel(8);
      model.compile({ optimizer: 'adam', ...compileArgs });
      await model.fit(train.x, train.y, { epochs: 2, batchSize: 40,
        verbose: 0 });
      model.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

  it('an optimizer object stays with its owner, who disposes it',
    async () => {
      const { train } = smallMnist(120);
      const start = tf.memory().numTensors;
      const model = tutorialModel(8);
      const adam = keras.optimizers.Adam();
      model.compile({ optimizer: adam, ...compileArgs });
      await model.fit(train.x, train.y, { epochs: 1, batchSize: 40,
        verbose: 0 });
      model.dispose();
      // As in Keras, the object outlives the model: its moments remain.
      expect(tf.memory().numTensors - start)
        .toBe(ADAM_SLOTS * TUTORIAL_VARIABLES);
      adam.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

  it('compiling twice frees the first optimizer', async () => {
    const { train } = smallMnist(120);
    const start = tf.memory().numTensors;
    const model = tutorialModel(8);
    model.compile({ optimizer: 'adam', ...compileArgs });
    const built = tf.memory().numTensors;
    await model.fit(train.x, train.y, { epochs: 1, batchSize: 40,
      verbose: 0 });
    const trained = tf.memory().numTensors;
    expect(trained - built).toBe(ADAM_SLOTS * TUTORIAL_VARIABLES);
    model.compile({ optimizer: 'adam', ...compileArgs });
    expect(tf.memory().numTensors).toBe(built);
    await model.fit(train.x, train.y, { epochs: 1, batchSize: 40,
      verbose: 0 });
    expect(tf.memory().numTensors).toBe(trained);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(tf.memory().numTensors).toBe(built);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('evaluate and validation leave the count unchanged on each path',
    async () => {
      const { train, test } = smallMnist(120, 40);
      const oneHot = (y: Int32Array) => tf.oneHot(tf.tensor1d(y, 'int32'),
        10);
      const yTrain = oneHot(train.y);
      const yTest = oneHot(test.y);
      const start = tf.memory().numTensors;
      // Fused softmax Dense, softmax Activation, and the generic path.
      const variants: [keras.SequentialModel, string][] = [
        [tutorialModel(8), 'categorical_crossentropy'],
        [keras.Sequential([
          keras.layers.Dense(10, { inputShape: [784] }),
          keras.layers.Activation('softmax')]), 'categorical_crossentropy'],
        [tutorialModel(8), 'mse'],
      ];
      for (const [model, loss] of variants) {
        model.compile({ optimizer: 'adam', loss,
          metrics: ['accuracy', 'mse'] });
        await model.fit(train.x, yTrain, { epochs: 1, batchSize: 40,
          verbose: 0, validationData: [test.x, yTest] });
        const trained = tf.memory().numTensors;
        model.evaluate(test.x, yTest, { verbose: 0 });
        expect(tf.memory().numTensors).toBe(trained);
        model.dispose();
      }
      expect(tf.memory().numTensors).toBe(start);
      tf.dispose([yTrain, yTest]);
    });

  it('kerasEntry.run then dispose returns the tensor count', async () => {
    const { train, test } = smallMnist(120, 40);
    const classes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const section = {
      layers: [
        { type: 'Dense', units: 8, activation: 'relu', input_shape: [784] },
        { type: 'Dense', units: 10, activation: 'softmax' },
      ],
      compile: { optimizer: { type: 'Adam', learning_rate: 0.01 },
        loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
      fit: { epochs: 2, batch_size: 40, validation_data: 'test' },
    };
    const start = tf.memory().numTensors;
    const trained = await kerasEntry.run(section, 'models[0]',
      { ...train, classes }, { reporter: silentReporter, model: 'k',
        seed: 1, validation: { ...test, classes } });
    trained.predict(test.x);
    trained.predictProba(test.x);
    trained.toLayersModel().dispose();
    trained.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
