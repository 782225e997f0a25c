// Layer sizes that do not fit the data are refused before any model
// trains. They used to surface one model at a time, after the models
// before it had trained (about 20 minutes into the tutorial config), and
// Keras's did not name the config key: `trio: ke failed: fit: input of
// sequential must have shape (None, 783); got (300, 784).`
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModelsFitData } from '../../src/compare/data_fit.js';
import { FACADE_ENTRIES } from '../../src/compare/facades.js';
import { runComparison } from '../../src/compare/run_comparison.js';
import { parseComparisonConfig } from '../../src/config/comparison_config.js';
import { ConfigError } from '../../src/errors.js';
import { MemoryReporter } from '../../src/reporter.js';
import { makeTmp, removeTmp } from '../io/helpers.js';

/** 4 feature columns, labels 0, 1, 2; 30 rows. */
const DATA = { features: 4, classes: 3, rows: 30 };

function sklearn(): object {
  return { name: 'sk', facade: 'sklearn',
    args: { hidden_layer_sizes: [8], max_iter: 2 } };
}

function keras(layers: object[] = [
  { type: 'Dense', units: 8, activation: 'relu', input_shape: [4] },
  { type: 'Dense', units: 3, activation: 'softmax' },
]): object {
  return { name: 'ke', facade: 'keras', layers,
    compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
    fit: { epochs: 1 } };
}

function torch(model: unknown[] = [
  { type: 'Linear', in_features: 4, out_features: 8 },
  'ReLU',
  { type: 'Linear', in_features: 8, out_features: 3 },
], extra: object = {}): object {
  return { name: 'to', facade: 'torch', model,
    optimizer: { type: 'Adam', lr: 0.01 }, epochs: 1, ...extra };
}

function configOf(models: object[], file?: string) {
  return parseComparisonConfig({
    dataset: { train: 'train.csv', test: 'test.csv' },
    models,
  }, FACADE_ENTRIES, file);
}

/** The message `checkModelsFitData` refuses `models` with. */
function refusal(models: object[], file?: string): string {
  try {
    checkModelsFitData(configOf(models, file), DATA);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the models were not refused');
}

describe('checkModelsFitData', () => {
  it('passes models that fit, leaving sklearn to size itself', () => {
    expect(() => checkModelsFitData(
      configOf([sklearn(), keras(), torch()]), DATA)).not.toThrow();
    // Keras builds from the data when no input_shape is given; layers
    // that keep a row's width may follow the last Dense.
    expect(() => checkModelsFitData(configOf([keras([
      { type: 'Dense', units: 3 },
      { type: 'Activation', activation: 'softmax' },
      { type: 'Dropout', rate: 0.1 },
    ])]), DATA)).not.toThrow();
  });

  it('names the Keras input_shape key', () => {
    expect(refusal([sklearn(), keras([
      { type: 'Dense', units: 8, input_shape: [3] },
      { type: 'Dense', units: 3 },
    ])])).toBe('models[1].layers[0].input_shape: is [3] but the data has ' +
      '4 feature columns.');
    // A two-axis shape cannot take the rows of a CSV either.
    expect(refusal([keras([
      { type: 'Flatten', inputShape: [2, 2] },
      { type: 'Dense', units: 3 },
    ])])).toBe('models[0].layers[0].inputShape: is [2, 2] but the data ' +
      'has 4 feature columns.');
  });

  it('names the units of the last Dense layer', () => {
    expect(refusal([keras([
      { type: 'Dense', units: 8, input_shape: [4] },
      { type: 'Dense', units: 16 },
      { type: 'Dense', units: 5, activation: 'softmax' },
    ])])).toBe('models[0].layers[2].units: the last layer has 5 units but ' +
      'the data has 3 classes; give it 3, one per class.');
    // More units than classes trains in Keras, but the comparison would
    // read a class from an output that has none.
    expect(refusal([keras([
      { type: 'Dense', units: 1, activation: 'sigmoid' },
      { type: 'Activation', activation: 'linear' },
    ])])).toBe('models[0].layers[0].units: the last Dense layer has 1 ' +
      'unit but the data has 3 classes; give it 3, one per class.');
    expect(refusal([keras([{ type: 'Activation', activation: 'softmax' }])]))
      .toBe('models[0].layers: has no Dense layer, so the model has 4 ' +
        'outputs (one per feature column) but the data has 3 classes; end ' +
        'with a Dense layer of 3 units.');
  });

  it('words the torch checks as the torch runner does', () => {
    expect(refusal([torch([
      { type: 'Linear', in_features: 5, out_features: 3 },
    ])])).toBe('models[0].model[0].in_features: is 5 but the data has 4 ' +
      'feature columns.');
    expect(refusal([torch([
      'Flatten',
      { type: 'Linear', in_features: 4, out_features: 10 },
    ])])).toBe('models[0].model[1].out_features: is 10 but the data has 3 ' +
      'classes.');
    expect(refusal([torch(undefined, {
      loss: { type: 'CrossEntropyLoss', weight: [1, 2] },
    })])).toBe('models[0].loss.weight: has 2 weights but the data has 3 ' +
      'classes.');
    expect(refusal([torch(undefined, {
      dataloader: { batch_size: 64, drop_last: true },
    })])).toBe('models[0].dataloader.batch_size: is 64, larger than the 30 ' +
      'training rows, and drop_last is true: no batch would be left to ' +
      'train on.');
  });

  it('lists every problem of every model at once, after the file', () => {
    const message = refusal([
      sklearn(),
      keras([{ type: 'Dense', units: 10, input_shape: [783] }]),
      torch([{ type: 'Linear', in_features: 783, out_features: 3 }]),
    ], path.join(process.cwd(), 'cfg', 'c.yaml'));
    expect(message).toBe([
      `${path.join('cfg', 'c.yaml')}: 3 model settings do not fit the ` +
        'data (4 feature columns, 3 classes); nothing was trained:',
      '  models[1].layers[0].input_shape: is [783] but the data has 4 ' +
        'feature columns.',
      '  models[1].layers[0].units: the last layer has 10 units but the ' +
        'data has 3 classes; give it 3, one per class.',
      '  models[2].model[0].in_features: is 783 but the data has 4 feature ' +
        'columns.',
    ].join('\n'));
  });

  it('makes no tensor', () => {
    const before = tf.memory().numTensors;
    refusal([keras([{ type: 'Dense', units: 5, input_shape: [3] }]),
      torch([{ type: 'Linear', in_features: 3, out_features: 5 }])]);
    checkModelsFitData(configOf([keras(), torch()]), DATA);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('runComparison with a model that does not fit', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = makeTmp('trio-data-fit-');
    const rows = Array.from({ length: 30 }, (_, i) =>
      [i % 3, i, 2 * i, 30 - i, i % 7].join(','));
    for (const split of ['train', 'test']) {
      fs.writeFileSync(path.join(tmp, `${split}.csv`),
        ['label,a,b,c,d', ...rows, ''].join('\n'));
    }
  });
  afterAll(() => {
    removeTmp(tmp);
  });

  it('refuses before the first model trains, saving nothing', async () => {
    const config = parseComparisonConfig({
      dataset: { train: path.join(tmp, 'train.csv'),
        test: path.join(tmp, 'test.csv') },
      output: path.join(tmp, 'models'),
      models: [sklearn(), keras(), torch([
        { type: 'Linear', in_features: 783, out_features: 3 },
      ])],
    }, FACADE_ENTRIES);
    const reporter = new MemoryReporter();
    const before = tf.memory().numTensors;
    await expect(runComparison(config, {
      facades: FACADE_ENTRIES, reporter,
    })).rejects.toThrow('models[2].model[0].in_features: is 783 but the ' +
      'data has 4 feature columns.');
    expect(tf.memory().numTensors).toBe(before);
    expect(reporter.lines.filter((l) => l.includes('=='))).toEqual([]);
    expect(fs.existsSync(path.join(tmp, 'models'))).toBe(false);
  });
});
