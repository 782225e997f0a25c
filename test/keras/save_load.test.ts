import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/errors.js';
import { loadLayersModel, saveLayersModel } from '../../src/io/file_system.js';
import * as keras from '../../src/keras/index.js';
import { smallMnist, tempDir, tutorialModel } from './helpers.js';

beforeEach(() => keras.utils.clearSession());

describe('save and loadModel', () => {
  it('round-trips predictions, layers, metadata and compile', async () => {
    keras.utils.setRandomSeed(41);
    const { train, test } = smallMnist(300, 50);
    const model = tutorialModel(16);
    model.compile({ optimizer: keras.optimizers.Adam({ learningRate: 0.01 }),
      loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    await model.fit(train.x, train.y, { epochs: 2, batchSize: 100,
      verbose: 0 });
    const dir = path.join(tempDir('save'), 'a model é');
    await model.save(dir);
    await model.save(path.join(dir, 'model.json'), { overwrite: true });

    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'),
      'utf8'));
    const trio = json.userDefinedMetadata.trio;
    expect(trio.facade).toBe('keras');
    expect(trio.output).toBe('probabilities');
    expect(trio.classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(trio.options.layers[0]).toMatchObject({ type: 'Dense',
      name: 'dense', units: 16, activation: 'relu', input_shape: [784],
      kernel_initializer: 'glorot_uniform' });
    expect(trio.options.compile.optimizer).toMatchObject({ type: 'Adam',
      learning_rate: 0.01, epsilon: 1e-7 });

    const loaded = await keras.models.loadModel(dir);
    expect(loaded.layers.map((l) => l.name))
      .toEqual(['dense', 'dense_1', 'dense_2']);
    // The same table; the original's footer also counts Adam's slots.
    const table = (t: string) => t.split('\n').slice(0, 9).join('\n');
    expect(table(loaded.summary({ lineLength: 76 })))
      .toBe(table(model.summary({ lineLength: 76 })));
    const a = model.predict(test.x);
    const b = loaded.predict(test.x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    // Compiled as saved: evaluate works and matches.
    expect(loaded.evaluate(test.x, test.y, { verbose: 0 }))
      .toEqual(model.evaluate(test.x, test.y, { verbose: 0 }));
    expect(loaded.optimizer).toBeInstanceOf(keras.optimizers.AdamOptimizer);
    expect((loaded.optimizer as keras.optimizers.AdamOptimizer).learningRate)
      .toBe(0.01);
    // Plain tfjs reads the same folder.
    const plain = await loadLayersModel(dir);
    const xt = tf.tensor2d(test.x.data, [test.x.rows, 784]);
    const c = plain.predict(xt) as tf.Tensor;
    xt.dispose();
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, c]);
    plain.dispose();
    loaded.dispose();
    model.dispose();
  });

  it('loads a plain tfjs Sequential, wrapping its layers', async () => {
    const plain = tf.sequential({ layers: [
      tf.layers.dense({ units: 4, inputShape: [3], name: 'd' })] });
    const dir = path.join(tempDir('plain'), 'm');
    await saveLayersModel(plain, dir);
    const loaded = await keras.models.loadModel(dir);
    expect(loaded.layers.map((l) => `${l.name} ${l.className}`))
      .toEqual(['d Dense']);
    expect(loaded.optimizer).toBeUndefined();
    expect(loaded.countParams()).toBe(16);
    // Saved again through the facade, it still loads (wrapped).
    await loaded.save(`${dir}-again`);
    const again = await keras.models.loadModel(`${dir}-again`);
    expect(again.layers.map((l) => l.name)).toEqual(['d']);
    again.dispose();
    loaded.dispose();
    plain.dispose();
  });

  // Keras 3's save(filepath, overwrite=True) replaces by default; a
  // tester's second save was refused without {overwrite: true}.
  it('replaces a saved model by default, refuses with overwrite false',
    async () => {
      const model = keras.Sequential([
        keras.layers.Dense(2, { inputShape: [3], kernelInitializer: 'ones' }),
      ]);
      const dir = path.join(tempDir('overwrite'), 'm');
      await model.save(dir);
      const twos = [tf.fill([3, 2], 2), tf.fill([2], 2)];
      model.setWeights(twos);
      tf.dispose(twos);
      await model.save(dir);
      const kernel = () => {
        const loaded = JSON.parse(fs.readFileSync(path.join(dir,
          'model.json'), 'utf8'));
        const bytes = fs.readFileSync(path.join(dir, 'weights.bin'));
        expect(loaded.weightsManifest[0].weights[0].name)
          .toMatch(/kernel$/);
        return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset,
          6));
      };
      // The second save's kernel (all 2), not the first's (all 1).
      expect(kernel()).toEqual([2, 2, 2, 2, 2, 2]);
      await expect(model.save(dir, { overwrite: false }))
        .rejects.toThrow(`A model already exists at ${dir}; pass ` +
          '{ overwrite: true } to save() to replace it.');
      expect(kernel()).toEqual([2, 2, 2, 2, 2, 2]);
      // Nothing half-written is left beside it.
      expect(fs.readdirSync(path.dirname(dir))).toEqual(['m']);
      model.dispose();
    });

  // loadModel compiled with an optimizer object, which compile leaves to
  // its caller, so nobody freed Adam's moments: a tester's load, fit,
  // dispose left 12 tensors.
  it('frees the optimizer loadModel made when the model is disposed',
    async () => {
      const model = tutorialModel(16);
      model.compile({ optimizer: 'adam',
        loss: 'sparse_categorical_crossentropy' });
      const dir = path.join(tempDir('owns'), 'model');
      await model.save(dir);
      model.dispose();
      const before = tf.memory().numTensors;
      const loaded = await keras.models.loadModel(dir);
      expect(loaded.optimizer).toBeInstanceOf(
        keras.optimizers.AdamOptimizer);
      const x = tf.zeros([4, 784]);
      await loaded.fit(x, [0, 1, 2, 3], { epochs: 1, verbose: 0 });
      // Compiling again with the model's own optimizer keeps it alive.
      loaded.compile({ optimizer: loaded.optimizer!,
        loss: 'sparse_categorical_crossentropy' });
      await loaded.fit(x, [0, 1, 2, 3], { epochs: 1, verbose: 0 });
      x.dispose();
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

  it('names the folder when there is no model', async () => {
    const dir = path.join(tempDir('none'), 'nothing');
    const err = await keras.models.loadModel(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toMatch(/^No model found: /);
    expect((err as Error).message).toContain(path.join(dir, 'model.json'));
  });
});
