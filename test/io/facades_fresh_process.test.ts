// Issue 7, "Done when": a model trained and saved through each facade's own
// API loads in a fresh Node process with plain @tensorflow/tfjs (cpu
// backend, an IO handler written in the test) and predicts what the trainer
// predicted; tfjs-trio's loaders restore classes, predictProba and metadata.
//
// Expected values are the trainer's own predictions on the same 100 test
// digits, taken before saving. The tolerance 1e-6 covers float32 rounding
// and the cpu (child) vs wasm (trainer) difference.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/data/matrix.js';
import { loadTrioModel } from '../../src/io/model_file.js';
import * as keras from '../../src/keras/index.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import * as torch from '../../src/torch/index.js';
import { makeTmp, removeTmp } from './helpers.js';
import {
  DIGIT_NAMES,
  TinyNet,
  argmaxRows,
  mnistSlices,
  predictInFreshProcess,
  softmaxRows,
  torchLogits,
  trainKeras,
  trainSklearn,
  trainTorch,
  worstDifference,
} from './facades_models.js';

const TOL = 1e-6;
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

let tmp: string;
const { train, test } = mnistSlices();

beforeAll(() => {
  tmp = makeTmp('trio-facades-fresh-');
});
afterAll(() => {
  removeTmp(tmp);
});

/** Rows of `m` whose label is one of `keep`. */
function rowsWithLabels(
  m: Matrix,
  y: Int32Array,
  keep: number[],
): { x: Matrix; y: Int32Array } {
  const idx = [...y.keys()].filter((i) => keep.includes(y[i]!));
  const data = new Float32Array(idx.length * m.cols);
  idx.forEach((r, i) => data.set(
    m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return {
    x: { data, rows: idx.length, cols: m.cols },
    y: Int32Array.from(idx, (r) => y[r]!),
  };
}

describe('sklearn MLPClassifier#save', () => {
  it('loads in plain tfjs in a fresh process with the same predictions',
    async () => {
      const clf = await trainSklearn(train.x, train.y);
      const expected = clf.predictProba(test.x);
      const expectedLabels = clf.predict(test.x);
      const folder = await clf.save(path.join(tmp, 'sklearn mlp ✓'));

      const child = await predictInFreshProcess(tmp, folder, test.x);
      expect(child.backend).toBe('cpu');
      expect(child.shape).toEqual([100, 10]);
      expect(worstDifference(child.values, expected.data))
        .toBeLessThan(TOL);
      expect(child.classes).toEqual(argmaxRows(expected.data, 10));
      expect(child.classes).toEqual(Array.from(expectedLabels));
      expect(child.metadata.trio).toMatchObject({
        version: 1, facade: 'sklearn', classes: DIGITS,
        output: 'probabilities',
      });

      // The facade's own loader: a full classifier again.
      const before = tf.memory().numTensors;
      const loaded = await MLPClassifier.load(folder);
      expect(loaded.classes).toEqual(DIGITS);
      expect(loaded.hiddenLayerSizes).toEqual([32]);
      expect(loaded.maxIter).toBe(4);
      expect(loaded.batchSize).toBe(100);
      expect(loaded.nIter).toBe(clf.nIter);
      expect(loaded.t).toBe(clf.t);
      expect(loaded.loss).toBe(clf.loss);
      expect(loaded.lossCurve).toEqual(clf.lossCurve);
      expect(loaded.nFeaturesIn).toBe(784);
      expect(loaded.nOutputs).toBe(10);
      expect(loaded.outActivation).toBe('softmax');
      expect(worstDifference(loaded.predictProba(test.x).data,
        expected.data)).toBeLessThan(TOL);
      expect(loaded.predict(test.x)).toEqual(expectedLabels);
      loaded.dispose();

      // The facade-agnostic loader the CLI uses.
      const trio = await loadTrioModel(folder);
      expect(trio.metadata).toMatchObject({
        facade: 'sklearn', classes: DIGITS, output: 'probabilities',
        state: { nIter: clf.nIter, lossCurve: clf.lossCurve },
        options: { hidden_layer_sizes: [32], max_iter: 4 },
      });
      expect(trio.nFeatures).toBe(784);
      expect(worstDifference(trio.predictProba(test.x).data, expected.data))
        .toBeLessThan(TOL);
      expect([...trio.predict(test.x)]).toEqual(expectedLabels);
      trio.dispose();
      expect(tf.memory().numTensors).toBe(before);
      clf.dispose();
    });

  it('keeps string class labels through plain tfjs and both loaders',
    async () => {
      // Labels 'zero'..'nine': scikit-learn sorts them, so the output
      // columns are eight, five, four, nine, one, seven, six, three, two,
      // zero.
      const names = Array.from(train.y, (d) => DIGIT_NAMES[d]!);
      const clf = await trainSklearn(train.x, names);
      const sorted = [...DIGIT_NAMES].sort();
      expect(clf.classes).toEqual(sorted);
      const expected = clf.predictProba(test.x);
      const expectedLabels = clf.predict(test.x);
      const folder = await clf.save(path.join(tmp, 'sklearn strings'));

      const child = await predictInFreshProcess(tmp, folder, test.x);
      expect(worstDifference(child.values, expected.data))
        .toBeLessThan(TOL);
      expect(child.metadata.trio.classes).toEqual(sorted);
      expect(child.classes.map((c) => sorted[c])).toEqual(expectedLabels);

      const loaded = await MLPClassifier.load(folder);
      expect(loaded.classes).toEqual(sorted);
      expect(loaded.predict(test.x)).toEqual(expectedLabels);
      loaded.dispose();
      const trio = await loadTrioModel(folder);
      expect(trio.metadata.classes).toEqual(sorted);
      expect(trio.predict(test.x)).toEqual(expectedLabels);
      expect(worstDifference(trio.predictProba(test.x).data, expected.data))
        .toBeLessThan(TOL);
      trio.dispose();
      clf.dispose();
    });

  it('keeps two string classes (one sigmoid column) through both loaders',
    async () => {
      // Threes and eights only, labelled 'three' and 'eight': scikit-learn
      // gives one logistic output, P(classes[1]) = P('three').
      const pair = rowsWithLabels(train.x, train.y, [3, 8]);
      const pairTest = rowsWithLabels(test.x, test.y, [3, 8]);
      const clf = await trainSklearn(pair.x,
        Array.from(pair.y, (d) => DIGIT_NAMES[d]!));
      expect(clf.classes).toEqual(['eight', 'three']);
      expect(clf.nOutputs).toBe(1);
      const expected = clf.predictProba(pairTest.x);
      const expectedLabels = clf.predict(pairTest.x);
      const folder = await clf.save(path.join(tmp, 'sklearn binary'));

      const child = await predictInFreshProcess(tmp, folder, pairTest.x);
      expect(child.shape).toEqual([pairTest.x.rows, 1]);
      const p1 = Array.from({ length: pairTest.x.rows },
        (_, i) => expected.data[i * 2 + 1]!);
      expect(worstDifference(child.values, p1)).toBeLessThan(TOL);
      expect(child.values.map((p) => (p > 0.5 ? 'three' : 'eight')))
        .toEqual(expectedLabels);

      const loaded = await MLPClassifier.load(folder);
      expect(loaded.classes).toEqual(['eight', 'three']);
      expect(loaded.predict(pairTest.x)).toEqual(expectedLabels);
      loaded.dispose();
      const trio = await loadTrioModel(folder);
      const proba = trio.predictProba(pairTest.x);
      expect(proba.cols).toBe(2);
      expect(worstDifference(proba.data, expected.data)).toBeLessThan(TOL);
      expect(trio.predict(pairTest.x)).toEqual(expectedLabels);
      trio.dispose();
      clf.dispose();
    });
});

describe('keras Sequential#save', () => {
  it('loads in plain tfjs in a fresh process with the same predictions',
    async () => {
      const model = await trainKeras(train.x, train.y);
      const y = model.predict(test.x);
      const expected = Float32Array.from(y.dataSync());
      y.dispose();
      const folder = await model.save(path.join(tmp, 'keras model'));
      const options = model.metadata().options;

      const child = await predictInFreshProcess(tmp, folder, test.x);
      expect(child.backend).toBe('cpu');
      expect(child.shape).toEqual([100, 10]);
      expect(worstDifference(child.values, expected)).toBeLessThan(TOL);
      expect(child.classes).toEqual(argmaxRows(expected, 10));
      expect(child.metadata.trio).toMatchObject({
        version: 1, facade: 'keras', classes: DIGITS,
        output: 'probabilities',
      });

      const before = tf.memory().numTensors;
      const loaded = await keras.models.loadModel(folder);
      const again = loaded.predict(test.x);
      expect(worstDifference(again.dataSync(), expected)).toBeLessThan(TOL);
      again.dispose();
      expect(loaded.metadata().options).toEqual(options);
      loaded.dispose();

      const trio = await loadTrioModel(folder);
      expect(trio.metadata).toMatchObject({
        facade: 'keras', classes: DIGITS, output: 'probabilities',
      });
      expect(trio.metadata.options).toEqual(options);
      expect(options).toMatchObject({ compile: {
        optimizer: { type: 'Adam', learning_rate: 0.001 },
      } });
      expect(worstDifference(trio.predictProba(test.x).data, expected))
        .toBeLessThan(TOL);
      expect([...trio.predict(test.x)])
        .toEqual(argmaxRows(expected, 10));
      trio.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
});

describe('torch saveModule', () => {
  it('loads in plain tfjs in a fresh process with the same predictions',
    async () => {
      const net = await trainTorch(train.x, train.y);
      const logits = torchLogits(net, test.x);
      // The trainer's probabilities: softmax of its logits, in float64.
      const expected = softmaxRows(logits, 10);
      const folder = await torch.saveModule(net, path.join(tmp, 'torch'),
        { inputShape: [784], classes: DIGITS });

      const child = await predictInFreshProcess(tmp, folder, test.x);
      expect(child.backend).toBe('cpu');
      expect(child.shape).toEqual([100, 10]);
      expect(worstDifference(softmaxRows(child.values, 10), expected))
        .toBeLessThan(TOL);
      expect(child.classes).toEqual(argmaxRows(logits, 10));
      expect(child.metadata.trio).toMatchObject({
        version: 1, facade: 'torch', classes: DIGITS, output: 'logits',
      });

      const before = tf.memory().numTensors;
      // loadModule: an nn.Sequential(Linear, ReLU, Linear).
      const seq = await torch.loadModule(folder);
      expect(seq.toString()).toContain('Linear(in_features=784, ' +
        'out_features=32, bias=True)');
      const seqLogits = torchLogits(seq, test.x);
      expect(worstDifference(softmaxRows(seqLogits, 10), expected))
        .toBeLessThan(TOL);
      expect(argmaxRows(seqLogits, 10)).toEqual(argmaxRows(logits, 10));
      seq.dispose();

      // loadLayersStateDict: the original keys, the trained values.
      const sd = await torch.loadLayersStateDict(folder);
      expect(Object.keys(sd).sort()).toEqual(
        ['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
      for (const [key, value] of Object.entries(net.stateDict())) {
        expect([key, Array.from(sd[key]!.dataSync())])
          .toEqual([key, Array.from(value.dataSync())]);
      }
      const copy = new TinyNet();
      copy.loadStateDict(sd);
      tf.dispose(sd);
      expect(torchLogits(copy, test.x)).toEqual(logits);
      copy.dispose();

      const trio = await loadTrioModel(folder);
      expect(trio.metadata).toMatchObject({
        facade: 'torch', classes: DIGITS, output: 'logits',
      });
      expect((trio.metadata.state as { chain: unknown[] }).chain)
        .toHaveLength(3);
      expect(worstDifference(trio.predictProba(test.x).data, expected))
        .toBeLessThan(TOL);
      expect([...trio.predict(test.x)])
        .toEqual(argmaxRows(logits, 10));
      trio.dispose();
      expect(tf.memory().numTensors).toBe(before);
      net.dispose();
    });
});
