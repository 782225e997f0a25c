import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError, ModelFileError, ShapeError } from '../../src/errors.js';
import type { Matrix } from '../../src/data/matrix.js';
import { saveLayersModel } from '../../src/io/file_system.js';
import type { TrioMetadata } from '../../src/io/metadata.js';
import { loadTrioModel } from '../../src/io/model_file.js';
import {
  denseModel,
  forwardByHand,
  makeTmp,
  removeTmp,
  setKnownWeights,
  softmax,
} from './helpers.js';

let tmp: string;
beforeEach(() => {
  tmp = makeTmp();
});
afterEach(() => {
  removeTmp(tmp);
});

// Four raw rows of four features in 0..255, as a CSV would hold them.
const RAW = [
  [0, 51, 255, 102],
  [255, 0, 0, 17],
  [34, 34, 34, 34],
  [200, 100, 50, 25],
];
const X: Matrix = {
  data: Float32Array.from(RAW.flat()),
  rows: RAW.length,
  cols: 4,
};

/** A 4-3-k model with hand-computable weights, saved with `meta`. */
async function saveWith(
  output: 'softmax' | 'sigmoid' | 'linear',
  units: number,
  meta: Partial<TrioMetadata> | undefined,
  name = 'm',
): Promise<{ folder: string; weights: number[][][] }> {
  const model = denseModel([4, 3, units], output);
  const weights = setKnownWeights(model);
  if (meta !== undefined) {
    model.setUserDefinedMetadata({
      trio: { version: 1, facade: 'sklearn', output: 'probabilities',
        ...meta },
    });
  }
  const folder = await saveLayersModel(model, path.join(tmp, name));
  model.dispose();
  return { folder, weights };
}

function expectClose(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
}

describe('loadTrioModel', () => {
  it('applies the saved scaling and keeps softmax outputs', async () => {
    const { folder, weights } = await saveWith('softmax', 3, {
      classes: ['cat', 'dog', 'eel'], scale: 255,
      featureNames: ['a', 'b', 'c', 'd'], labelName: 'animal',
    });
    const trio = await loadTrioModel(folder);
    expect(trio.nFeatures).toBe(4);
    expect(trio.metadata.labelName).toBe('animal');
    expect(trio.folder).toBe(folder);
    // Expected: softmax of the float64 forward pass on x / 255.
    const expected = RAW.map((r) => softmax(
      forwardByHand(weights, r.map((v) => v / 255))));
    const proba = trio.predictProba(X);
    expect([proba.rows, proba.cols]).toEqual([4, 3]);
    expectClose(proba.data, expected.flat());
    const argmax = expected.map((p) => p.indexOf(Math.max(...p)));
    expect(Array.from(trio.predictIndices(X))).toEqual(argmax);
    expect(trio.predict(X)).toEqual(
      argmax.map((i) => ['cat', 'dog', 'eel'][i]));
    // Batching changes nothing.
    expect(trio.predictProba(X, { batchSize: 3 }).data).toEqual(proba.data);
    trio.dispose();
  });

  it('applies softmax to logits and returns integer labels', async () => {
    const { folder, weights } = await saveWith('linear', 3, {
      facade: 'torch', classes: [3, 5, 7], output: 'logits',
    });
    const trio = await loadTrioModel(path.join(folder, 'model.json'));
    // No scale saved: the raw values go in unchanged.
    const expected = RAW.map((r) => softmax(forwardByHand(weights, r)));
    expectClose(trio.predictProba(X).data, expected.flat());
    const labels = trio.predict(X);
    expect(labels).toBeInstanceOf(Int32Array);
    expect(Array.from(labels as Int32Array)).toEqual(
      expected.map((p) => [3, 5, 7][p.indexOf(Math.max(...p))]));
    trio.dispose();
  });

  it('turns one sigmoid unit into two columns [1 - p, p]', async () => {
    const { folder, weights } = await saveWith('sigmoid', 1, {
      classes: [0, 1], scale: 255,
    });
    const trio = await loadTrioModel(folder);
    const p = RAW.map((r) => 1 / (1 + Math.exp(
      -forwardByHand(weights, r.map((v) => v / 255))[0]!)));
    const proba = trio.predictProba(X);
    expect(proba.cols).toBe(2);
    expectClose(proba.data, p.flatMap((v) => [1 - v, v]));
    expect(Array.from(trio.predict(X) as Int32Array))
      .toEqual(p.map((v) => +(v > 0.5)));
    trio.dispose();
  });

  it('applies a sigmoid to a single logit', async () => {
    const { folder, weights } = await saveWith('linear', 1, {
      classes: ['no', 'yes'], output: 'logits',
    });
    const trio = await loadTrioModel(folder);
    const p = RAW.map((r) => 1 / (1 + Math.exp(-forwardByHand(weights,
      r)[0]!)));
    expectClose(trio.predictProba(X).data, p.flatMap((v) => [1 - v, v]));
    trio.dispose();
  });

  it('leaks no tensors', async () => {
    const { folder } = await saveWith('linear', 3, {
      classes: [0, 1, 2], output: 'logits', scale: 2,
    });
    const before = tf.memory().numTensors;
    const trio = await loadTrioModel(folder);
    trio.predictProba(X, { batchSize: 2 });
    trio.predict(X);
    trio.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks the input width and values', async () => {
    const { folder } = await saveWith('softmax', 3, {
      classes: [0, 1, 2], featureNames: ['a', 'b', 'c', 'd'],
    });
    const trio = await loadTrioModel(folder);
    const before = tf.memory().numTensors;
    const narrow = { data: new Float32Array(6), rows: 2, cols: 3 };
    expect(() => trio.predict(narrow)).toThrow(ShapeError);
    expect(() => trio.predict(narrow)).toThrow(
      `X has 3 features, but the model at ${folder} was trained on 4.`,
    );
    const bad = Float32Array.from(X.data);
    bad[6] = NaN;
    expect(() => trio.predictProba({ ...X, data: bad })).toThrow(DataError);
    expect(() => trio.predictProba({ ...X, data: bad })).toThrow(
      "X holds NaN at row 1, column 2 ('c'); predictions need finite " +
        'numbers.',
    );
    expect(tf.memory().numTensors).toBe(before);
    trio.dispose();
  });
});

describe('loadTrioModel refuses', () => {
  async function refusal(folder: string): Promise<string> {
    const before = tf.memory().numTensors;
    const err = await loadTrioModel(folder).then(() => undefined,
      (e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(tf.memory().numTensors).toBe(before);
    return (err as Error).message;
  }

  it('a model not saved by tfjs-trio', async () => {
    const { folder } = await saveWith('softmax', 3, undefined);
    expect(await refusal(folder)).toBe(
      `${folder}/model.json: the model has no userDefinedMetadata.trio, ` +
        'so it was not saved by tfjs-trio and its classes and input ' +
        'scaling are unknown. Load it with plain tf.loadLayersModel (or ' +
        'loadLayersModel from tfjs-trio) instead.',
    );
  });

  it('classes that do not fit the output', async () => {
    const { folder } = await saveWith('softmax', 3, { classes: [0, 1] });
    expect(await refusal(folder)).toBe(
      `${folder}/model.json: userDefinedMetadata.trio.classes lists 2 ` +
        "classes, but the model's output has 3 units.",
    );
  });

  it('feature names that do not fit the input', async () => {
    const { folder } = await saveWith('softmax', 3, {
      classes: [0, 1, 2], featureNames: ['a', 'b'],
    });
    expect(await refusal(folder)).toBe(
      `${folder}/model.json: userDefinedMetadata.trio.featureNames lists ` +
        '2 columns, but the model takes 4 features.',
    );
  });

  it('malformed metadata, naming the key', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ version: 2 }, 'userDefinedMetadata.trio.version is 2; this ' +
        'tfjs-trio reads version 1.'],
      [{ facade: 'jax' }, "userDefinedMetadata.trio.facade must be " +
        "'sklearn', 'keras' or 'torch'; got 'jax'."],
      [{ classes: [] }, 'userDefinedMetadata.trio.classes must be a ' +
        'non-empty list of class labels (numbers or strings); got [].'],
      [{ classes: [1, '1', 2] }, 'userDefinedMetadata.trio.classes lists ' +
        'a class twice: [1,"1",2].'],
      [{ output: 'probs' }, "userDefinedMetadata.trio.output must be " +
        "'probabilities' or 'logits'; got 'probs'."],
      [{ scale: 0 }, 'userDefinedMetadata.trio.scale must be a positive ' +
        'number; got 0.'],
    ];
    for (const [i, [meta, message]] of cases.entries()) {
      const { folder } = await saveWith('softmax', 3, {
        classes: [0, 1, 2], ...meta,
      } as Partial<TrioMetadata>, `bad${i}`);
      expect(await refusal(folder)).toBe(`${folder}/model.json: ${message}`);
    }
  });

  it('weights that hold NaN', async () => {
    const { folder } = await saveWith('softmax', 3, { classes: [0, 1, 2] });
    const shard = path.join(folder, 'weights.bin');
    const bytes = fs.readFileSync(shard);
    // Element 5 of the first kernel (4 x 3) becomes NaN.
    bytes.writeFloatLE(NaN, 5 * 4);
    fs.writeFileSync(shard, bytes);
    expect(await refusal(folder)).toMatch(new RegExp(
      `^${folder}/model.json: the weight 'dense_Dense\\d+/kernel' holds ` +
        'NaN \\(element 5\\); the weight file is corrupt or the model ' +
        'diverged before it was saved\\.$'));
  });

  it('a corrupt model file, with the file error', async () => {
    const { folder } = await saveWith('softmax', 3, { classes: [0, 1, 2] });
    fs.truncateSync(path.join(folder, 'weights.bin'), 10);
    expect(await refusal(folder)).toMatch(
      /weights.bin has the wrong size: weights.bin \(10 bytes\)/);
  });
});
