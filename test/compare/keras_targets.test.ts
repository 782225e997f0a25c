// The comparison hands its class indices to a Keras model as the compiled
// loss wants them. A tester's `loss: categorical_crossentropy` (and `mse`)
// on the usual 10-unit softmax passed the config check, trained the
// sklearn model, then died inside tfjs ("Error in softmaxCrossEntropy:
// Shapes 100 and 100,10 must match"); `Dense(1, activation: sigmoid)` with
// binary_crossentropy on 2 classes was refused ("give it 2").
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from
  'vitest';
import { checkModelsFitData } from '../../src/compare/data_fit.js';
import { FACADE_ENTRIES } from '../../src/compare/facades.js';
import { runComparison } from '../../src/compare/run_comparison.js';
import { parseComparisonConfig } from '../../src/config/comparison_config.js';
import type { Matrix } from '../../src/data/matrix.js';
import { ConfigError } from '../../src/errors.js';
import * as keras from '../../src/keras/index.js';
import { kerasEntry } from '../../src/keras/runner.js';
import { MemoryReporter } from '../../src/reporter.js';
import { makeTmp, removeTmp } from '../io/helpers.js';

/** 12 rows of 4 features; labels i % k. */
function data(k: number) {
  const rows = 12;
  const x: Matrix = {
    rows, cols: 4,
    data: Float32Array.from({ length: rows * 4 }, (_, i) =>
      Math.sin(i + 1)),
  };
  const y = Int32Array.from({ length: rows }, (_, i) => i % k);
  return { x, y, classes: Array.from({ length: k }, (_, i) => i) };
}

/** One Dense layer of zero weights: the first step's loss is known. */
function section(units: number, activation: string, loss: unknown) {
  return {
    layers: [{ type: 'Dense', units, activation, input_shape: [4],
      kernel_initializer: 'zeros' }],
    compile: { optimizer: 'sgd', loss, metrics: ['accuracy'] },
    // One batch of all 12 rows: the epoch's loss is the start weights'.
    fit: { epochs: 1, batch_size: 12, shuffle: false, verbose: 0,
      validation_data: 'test' },
  };
}

async function train(k: number, s: Record<string, unknown>) {
  const d = data(k);
  return kerasEntry.run(s, 'models[1]', d, {
    reporter: new MemoryReporter(), model: 'ke', validation: d,
  });
}

beforeEach(() => keras.utils.clearSession());

describe('kerasEntry.run encodes labels for the loss', () => {
  it('one-hot encodes them for categorical_crossentropy and mse',
    async () => {
      const before = tf.memory().numTensors;
      // Zero weights give 1/3 per class: crossentropy ln 3, and mse
      // ((1 - 1/3)^2 + 2 (1/3)^2) / 3 = 2/9 against one-hot rows.
      const cce = await train(3, section(3, 'softmax',
        'categorical_crossentropy'));
      expect(cce.lossCurve[0]).toBeCloseTo(Math.log(3), 6);
      expect(cce.valLossCurve).toHaveLength(1);
      cce.dispose();
      const mse = await train(3, section(3, 'softmax', 'mse'));
      expect(mse.lossCurve[0]).toBeCloseTo(2 / 9, 6);
      mse.dispose();
      const serialized = await train(3, section(3, 'softmax',
        { class_name: 'CategoricalCrossentropy', config: {} }));
      expect(serialized.lossCurve[0]).toBeCloseTo(Math.log(3), 6);
      serialized.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

  it('trains a 1-unit sigmoid on 2 classes, as Keras users do',
    async () => {
      const before = tf.memory().numTensors;
      // sigmoid(0) = 1/2: binary crossentropy ln 2.
      const start = await train(2, section(1, 'sigmoid',
        'binary_crossentropy'));
      expect(start.lossCurve[0]).toBeCloseTo(Math.log(2), 6);
      start.dispose();

      const s = section(1, 'sigmoid', 'binary_crossentropy');
      s.layers[0] = { ...s.layers[0]!, kernel_initializer: 'glorot_uniform' };
      s.fit = { ...s.fit, epochs: 3 };
      const trained = await train(2, s);
      const { x } = data(2);
      // p = sigmoid(x w + b) by hand from the saved weights.
      const copy = trained.toLayersModel();
      const [w, b] = copy.getWeights().map((t) => Array.from(t.dataSync()));
      copy.dispose();
      const p = Array.from({ length: x.rows }, (_, i) => {
        let z = b![0]!;
        for (let j = 0; j < 4; j++) {
          z += x.data[i * 4 + j]! * w![j]!;
        }
        return 1 / (1 + Math.exp(-z));
      });
      const proba = trained.predictProba(x);
      expect(proba).toHaveLength(2 * x.rows);
      p.forEach((pi, i) => {
        expect(proba[2 * i + 1]).toBeCloseTo(pi, 5);
        expect(proba[2 * i]).toBeCloseTo(1 - pi, 5);
      });
      expect(Array.from(trained.predict(x)))
        .toEqual(p.map((pi) => (pi > 0.5 ? 1 : 0)));
      expect(trained.metadata()).toMatchObject({ classes: [0, 1],
        output: 'probabilities' });
      trained.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

  it('applies a sigmoid to a 1-unit logit with from_logits', async () => {
    const s = section(1, 'linear',
      { type: 'BinaryCrossentropy', from_logits: true });
    s.layers[0] = { ...s.layers[0]!, kernel_initializer: 'ones' };
    const trained = await train(2, s);
    const { x } = data(2);
    const copy = trained.toLayersModel();
    const [w, b] = copy.getWeights().map((t) => Array.from(t.dataSync()));
    copy.dispose();
    let z = b![0]!;
    for (let j = 0; j < 4; j++) {
      z += x.data[j]! * w![j]!;
    }
    expect(trained.predictProba(x)[1]).toBeCloseTo(1 / (1 + Math.exp(-z)),
      5);
    expect(trained.metadata()).toMatchObject({ output: 'logits' });
    trained.dispose();
  });
});

function keras1(units: number, loss: string) {
  return { name: 'ke', facade: 'keras',
    layers: [{ type: 'Dense', units, activation: 'sigmoid',
      input_shape: [4] }],
    compile: { optimizer: 'adam', loss } };
}

function refusal(models: object[], classes: number): string {
  const config = parseComparisonConfig({
    dataset: { train: 'train.csv', test: 'test.csv' }, models,
  }, FACADE_ENTRIES);
  try {
    checkModelsFitData(config, { features: 4, classes, rows: 12 });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the models were not refused');
}

describe('checkModelsFitData and 1-unit heads', () => {
  it('passes binary_crossentropy on 1 unit and 2 classes', () => {
    const config = parseComparisonConfig({
      dataset: { train: 'train.csv', test: 'test.csv' },
      models: [keras1(1, 'binary_crossentropy')],
    }, FACADE_ENTRIES);
    expect(() => checkModelsFitData(config,
      { features: 4, classes: 2, rows: 12 })).not.toThrow();
  });

  it('names compile.loss when a 1-unit head has another loss', () => {
    expect(refusal([keras1(1, 'sparse_categorical_crossentropy')], 2))
      .toBe('models[0].compile.loss: is sparse_categorical_crossentropy, ' +
        'but a last layer of 1 unit on 2 classes needs ' +
        'binary_crossentropy (labels 0/1, one probability per row); or ' +
        'give models[0].layers[0].units 2, one per class.');
    expect(refusal([keras1(1, 'binary_crossentropy')], 3))
      .toBe('models[0].layers[0].units: the last layer has 1 unit but the ' +
        'data has 3 classes; give it 3, one per class.');
    expect(refusal([keras1(3, 'binary_crossentropy')], 2))
      .toBe('models[0].layers[0].units: the last layer has 3 units but the ' +
        'data has 2 classes; give it 2, one per class (or 1 with ' +
        'binary_crossentropy).');
  });
});

describe('trio compare with the tester\'s Keras set-ups', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = makeTmp('trio-keras-targets-');
    const rows = Array.from({ length: 40 }, (_, i) =>
      [i % 2, Math.sin(i), Math.cos(i), i % 5, (i * 7) % 3].join(','));
    fs.writeFileSync(path.join(tmp, 'data.csv'),
      ['label,a,b,c,d', ...rows, ''].join('\n'));
  });
  afterAll(() => removeTmp(tmp));

  it('trains categorical_crossentropy, mse and a binary head', async () => {
    const model = (name: string, units: number, activation: string,
      loss: string) => ({ name, facade: 'keras',
      layers: [{ type: 'Dense', units: 8, activation: 'relu',
        input_shape: [4] }, { type: 'Dense', units, activation }],
      compile: { optimizer: 'adam', loss, metrics: ['accuracy'] },
      fit: { epochs: 2, batch_size: 16, validation_data: 'test',
        verbose: 0 } });
    const config = parseComparisonConfig({
      dataset: { train: path.join(tmp, 'data.csv'),
        test: path.join(tmp, 'data.csv') },
      output: path.join(tmp, 'models'),
      models: [
        model('cce', 2, 'softmax', 'categorical_crossentropy'),
        model('mse', 2, 'softmax', 'mse'),
        model('bin', 1, 'sigmoid', 'binary_crossentropy'),
      ],
    }, FACADE_ENTRIES);
    const before = tf.memory().numTensors;
    const result = await runComparison(config, {
      facades: FACADE_ENTRIES, reporter: new MemoryReporter(),
    });
    expect(result.models.map((m) => [m.name, m.status])).toEqual([
      ['cce', 'done'], ['mse', 'done'], ['bin', 'done']]);
    expect(result.models[2]!.confusion.flat()
      .reduce((a, b) => a + b, 0)).toBe(40);
    const saved = JSON.parse(fs.readFileSync(path.join(tmp, 'models',
      'bin', 'model.json'), 'utf8'));
    expect(saved.userDefinedMetadata.trio.classes).toEqual([0, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
