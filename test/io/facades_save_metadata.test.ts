// sklearn's and keras's `save(path, {metadata})` record how inputs were
// prepared (scale, featureNames, labelName, testMetrics; keras also the
// classes), spelled as torch's `saveModule(..., {metadata: {scale}})`, so
// loadTrioModel (what `trio predict` uses) scales raw pixels itself.
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import type { Matrix } from '../../src/data/matrix.js';
import { mnistCsvHeader, readMnistIdx } from '../../src/data/mnist.js';
import { readModelMetadata } from '../../src/io/file_system.js';
import { loadTrioModel } from '../../src/io/model_file.js';
import * as keras from '../../src/keras/index.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import { makeTmp, removeTmp } from './helpers.js';
import {
  DIGIT_NAMES,
  mnistSlices,
  trainKeras,
  trainSklearn,
  worstDifference,
} from './facades_models.js';

const FEATURES = mnistCsvHeader().split(',').slice(1);
const INPUT = {
  scale: 255,
  featureNames: FEATURES,
  labelName: 'digit',
  testMetrics: { accuracy: 0.5 },
};

let tmp: string;
let clf: MLPClassifier;
let model: keras.SequentialModel;
let scaled: Matrix;
let raw: Matrix;
let folders = 0;

beforeAll(async () => {
  tmp = makeTmp('trio-facades-save-metadata-');
  const { train, test } = mnistSlices();
  clf = await trainSklearn(train.x, train.y);
  model = await trainKeras(train.x, train.y);
  // The same 100 test rows, divided by 255 (as trained) and raw pixels.
  scaled = test.x;
  const idx = readMnistIdx('test', test.x.rows);
  raw = { data: Float32Array.from(idx.pixels), rows: idx.rows,
    cols: idx.cols };
});
afterAll(() => {
  clf.dispose();
  model.dispose();
  removeTmp(tmp);
});

function folder(name: string): string {
  folders += 1;
  return path.join(tmp, `${name} ${folders}`);
}

/** The trained model's own probabilities for the scaled rows. */
function ownProba(facade: 'sklearn' | 'keras'): Float32Array {
  if (facade === 'sklearn') {
    return clf.predictProba(scaled).data;
  }
  const y = model.predict(scaled);
  const out = Float32Array.from(y.dataSync());
  y.dispose();
  return out;
}

const save = (facade: 'sklearn' | 'keras', target: string,
  options: Record<string, unknown>): Promise<string> =>
  facade === 'sklearn'
    ? clf.save(target, options as never)
    : model.save(target, options as never);

describe.each(['sklearn', 'keras'] as const)('%s save({metadata})',
  (facade) => {
    it('records the input scaling, so loadTrioModel takes raw pixels',
      async () => {
        const before = tf.memory().numTensors;
        const saved = await save(facade, folder(facade),
          { metadata: INPUT });
        expect(tf.memory().numTensors).toBe(before);
        expect(readModelMetadata(saved)['trio']).toMatchObject(
          { facade, ...INPUT, classes: [...Array(10).keys()] });
        const loaded = await loadTrioModel(saved);
        const proba = loaded.predictProba(raw);
        loaded.dispose();
        expect(worstDifference(proba.data, ownProba(facade)))
          .toBeLessThan(1e-6);
      });

    it('is kept by load and save, with the testMetrics', async () => {
      const first = await save(facade, folder(facade), { metadata: INPUT });
      const again = folder(facade);
      if (facade === 'sklearn') {
        const loaded = await MLPClassifier.load(first);
        await loaded.save(again);
        loaded.dispose();
      } else {
        const loaded = await keras.models.loadModel(first);
        await loaded.save(again);
        loaded.dispose();
      }
      expect(readModelMetadata(again)['trio'])
        .toEqual(readModelMetadata(first)['trio']);
    });

    it('refuses a scale that is not a positive number', async () => {
      const owner = facade === 'sklearn' ? 'MLPClassifier.save'
        : 'Sequential.save';
      const target = folder(facade);
      await expect(save(facade, target, { metadata: { scale: 0 } }))
        .rejects.toThrow(new OptionError('metadata.scale', owner,
          'a positive finite number', 0));
      await expect(save(facade, target, { metadata: { scale: 0 } }))
        .rejects.toThrow(`The 'metadata.scale' parameter of ${owner} ` +
          'must be a positive finite number. Got 0 instead.');
    });

    it('refuses feature names of the wrong count', async () => {
      const owner = facade === 'sklearn' ? 'MLPClassifier.save'
        : 'Sequential.save';
      await expect(save(facade, folder(facade),
        { metadata: { featureNames: ['a', 'b'] } }))
        .rejects.toThrow(`The 'metadata.featureNames' parameter of ` +
          `${owner} must be a list of 784 column names, one per input ` +
          'feature. Got ["a","b"] instead.');
    });
  });

describe('fields only one facade records', () => {
  it('sklearn refuses classes (it saves its fitted classes)', async () => {
    await expect(clf.save(folder('sklearn'),
      { metadata: { classes: DIGIT_NAMES } } as never))
      .rejects.toThrow("The 'metadata.classes' parameter of " +
        'MLPClassifier.save must be a known field; known fields are ' +
        "'scale', 'featureNames', 'labelName' or 'testMetrics'.");
  });

  it('keras labels its output units with classes', async () => {
    const saved = await model.save(folder('keras'),
      { metadata: { scale: 255, classes: DIGIT_NAMES } });
    const loaded = await loadTrioModel(saved);
    const labels = loaded.predict(raw);
    const indices = loaded.predictIndices(raw);
    loaded.dispose();
    expect(labels).toEqual(Array.from(indices, (i) => DIGIT_NAMES[i]));
    await expect(model.save(folder('keras'),
      { metadata: { classes: ['a', 'b'] } }))
      .rejects.toThrow("The 'metadata.classes' parameter of " +
        'Sequential.save must be a list of 10 distinct labels (numbers ' +
        'or strings), one per output unit. Got ["a","b"] instead.');
  });
});

describe('training after load', () => {
  const trioOf = (p: string) =>
    readModelMetadata(p)['trio'] as Record<string, unknown>;

  it('sklearn: partialFit drops testMetrics, fit forgets the block',
    async () => {
      const first = await clf.save(folder('sklearn'), { metadata: INPUT });
      const { train } = mnistSlices();
      const loaded = await MLPClassifier.load(first);
      await loaded.partialFit(train.x, train.y);
      const continued = await loaded.save(folder('sklearn'));
      expect(trioOf(continued)).toMatchObject(
        { scale: 255, featureNames: FEATURES, labelName: 'digit' });
      expect(trioOf(continued)['testMetrics']).toBeUndefined();
      await loaded.fit(train.x, train.y);
      const fresh = await loaded.save(folder('sklearn'));
      expect(trioOf(fresh)['scale']).toBeUndefined();
      expect(trioOf(fresh)['featureNames']).toBeUndefined();
      loaded.dispose();
    });

  it('keras: fit drops testMetrics and keeps the input fields',
    async () => {
      const first = await model.save(folder('keras'),
        { metadata: { ...INPUT, classes: DIGIT_NAMES } });
      const { train } = mnistSlices();
      const loaded = await keras.models.loadModel(first);
      await loaded.fit(train.x, train.y, { epochs: 1, batchSize: 500,
        verbose: 0 });
      const continued = await loaded.save(folder('keras'));
      expect(trioOf(continued)).toMatchObject({ scale: 255,
        featureNames: FEATURES, labelName: 'digit', classes: DIGIT_NAMES });
      expect(trioOf(continued)['testMetrics']).toBeUndefined();
      loaded.dispose();
    });
});
