import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingData } from '../../src/compare/types.js';
import {
  DataError,
  DivergenceError,
  NotFittedError,
  ShapeError,
} from '../../src/errors.js';
import * as keras from '../../src/keras/index.js';
import { MemoryReporter } from '../../src/reporter.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import * as torch from '../../src/torch/index.js';
import { torchEntry } from '../../src/torch/runner.js';
import {
  cliWithData,
  config,
  expectFailure,
  expectNoStack,
  kerasModel,
  removeTmp,
  rows,
  savedModels,
  sklearnModel,
  torchModel,
  trio,
  write,
  writeConfig,
  writeData,
} from './helpers.js';

// Issue 8, training cases: divergence, predict before fit, the wrong
// number of features, labels outside the class set.

let main: string;
let tmp: string;

const RAW = rows(300, 1);
/** Unscaled 0-255 features and labels, as plain arrays. */
const X = RAW.map((r) => r.slice(1));
const Y = RAW.map((r) => r[0]!);
const X3 = X.map((r) => r.slice(0, 3));

beforeAll(async () => {
  ({ main, tmp } = cliWithData('trio-bad-training-'));
  // One saved model per facade for trio predict / trio evaluate.
  const cfg = writeConfig(tmp, 'ok.yaml',
    config([sklearnModel(), kerasModel(), torchModel()]));
  const run = await trio(main, ['compare', cfg, '--quiet'], tmp);
  expect(run.code, run.stderr).toBe(0);
});
afterAll(() => removeTmp(tmp));

// On unscaled 0-255 inputs a ReLU network mostly dies (the loss stays at
// ln 3); a network of linear layers multiplies its gradients from layer
// to layer and overflows float32 within a few plain-SGD steps instead.
const DIVERGING = [
  sklearnModel('sk_sgd', { hidden_layer_sizes: [16, 16],
    activation: 'identity', solver: 'sgd', learning_rate_init: 0.1,
    max_iter: 5 }),
  { name: 'keras_sgd', facade: 'keras',
    layers: [
      { type: 'Dense', units: 16, input_shape: [4] },
      { type: 'Dense', units: 16 },
      { type: 'Dense', units: 3, activation: 'softmax' },
    ],
    compile: { optimizer: { type: 'SGD', learning_rate: 0.1 },
      loss: 'sparse_categorical_crossentropy' },
    fit: { epochs: 5, batch_size: 32 } },
  torchModel('torch_sgd', {
    model: [
      { type: 'Linear', in_features: 4, out_features: 16 },
      { type: 'Linear', in_features: 16, out_features: 16 },
      { type: 'Linear', in_features: 16, out_features: 3 },
    ],
    optimizer: { type: 'SGD', lr: 0.1 },
    epochs: 5,
  }),
];

describe('a loss that becomes NaN or infinite', () => {
  it('trio compare without scale: each SGD model fails naming epoch and ' +
    'step, the Adam model still trains and is saved, exit 1', async () => {
    const dir = path.join(tmp, 'diverge');
    writeData(dir);
    const cfg = writeConfig(dir, 'c.yaml', config(
      [...DIVERGING, torchModel('torch_adam')],
      { scale: undefined }));
    const run = await trio(main, ['compare', cfg], dir);
    expectFailure(run, new RegExp('^trio: sk_sgd failed: Training ' +
      'diverged at epoch \\d+, step \\d+ of \\d+: its update made the ' +
      'weights non-finite \\(loss [-+.e\\d]+\\)\\. The weights from ' +
      'before that step are kept\\.', 'm'));
    expect(run.stderr).toMatch(new RegExp('^trio: keras_sgd failed: ' +
      'Training stopped at epoch \\d+, step \\d+: the loss is ' +
      '(NaN|Infinity)\\.', 'm'));
    expect(run.stderr).toMatch(new RegExp('^trio: torch_sgd failed: ' +
      'models\\[2\\]: the loss became (NaN|Infinity) at epoch \\d+, ' +
      "step \\d+; training stopped before that step's update\\.", 'm'));
    expect(run.stdout).toMatch(/^torch_adam +torch +wasm +2 .* done$/m);
    expect(run.stdout).toMatch(/^sk_sgd +sklearn .* failed$/m);
    expect(savedModels(dir)).toEqual(['torch_adam']);
  });

  it('--json carries each failure and its reason', async () => {
    const dir = path.join(tmp, 'diverge-json');
    writeData(dir);
    const cfg = writeConfig(dir, 'c.yaml', config(DIVERGING.slice(2),
      { scale: undefined }));
    const run = await trio(main, ['compare', cfg, '--json'], dir);
    expectNoStack(run);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as {
      models: { status: string; error: string }[] };
    expect(result.models.map((m) => m.status)).toEqual(['failed']);
    expect(result.models[0]!.error).toMatch(/at epoch \d+, step \d+/);
    expect(savedModels(dir)).toEqual([]);
  });

  it('sklearn: DivergenceError with epoch and step; the kept weights ' +
    'are finite; predicting through them is refused, not NaN',
  async () => {
    const start = tf.memory().numTensors;
    const clf = new MLPClassifier({ hiddenLayerSizes: [16, 16],
      activation: 'identity', solver: 'sgd', learningRateInit: 0.1,
      maxIter: 5, randomState: 1 });
    const error = await clf.fit(X, Y).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    const { epoch, step, message } = error as DivergenceError;
    expect(epoch).toBeGreaterThanOrEqual(1);
    expect(step).toBeGreaterThanOrEqual(1);
    expect(message).toContain(`at epoch ${epoch}, step ${step} of 2`);
    for (const c of clf.coefs) {
      expect(c.data.every(Number.isFinite)).toBe(true);
    }
    expect(() => clf.predict(X)).toThrow(DataError);
    expect(() => clf.predict(X)).toThrow(new RegExp('^MLPClassifier ' +
      'computed (NaN|-?Infinity) probabilities for row \\d+ of X ' +
      '\\(0-based\\): the inputs overflow float32 through these ' +
      'weights\\.'));
    clf.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('keras: DivergenceError with epoch and step; the kept weights are ' +
    'finite', async () => {
    keras.utils.setRandomSeed(1);
    const start = tf.memory().numTensors;
    const model = keras.Sequential([
      keras.layers.Dense(16, { inputShape: [4] }),
      keras.layers.Dense(16),
      keras.layers.Dense(3, { activation: 'softmax' }),
    ]);
    model.compile({ optimizer: 'sgd',
      loss: 'sparse_categorical_crossentropy' });
    // Keras's default SGD learning rate is 0.01; this data needs no more.
    const error = await model.fit(X, Y, { epochs: 5, batchSize: 32,
      verbose: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    const { epoch, step, message } = error as DivergenceError;
    expect(message).toMatch(new RegExp(`^Training stopped at epoch ` +
      `${epoch}, step ${step}: the loss is (NaN|Infinity)\\. The weights ` +
      'from before this step are kept'));
    const weights = model.getWeights();
    for (const w of weights) {
      expect(Array.from(w.dataSync()).every(Number.isFinite)).toBe(true);
    }
    // getWeights returns copies, as Keras returns numpy arrays.
    tf.dispose(weights);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('torch: DivergenceError with epoch and step, nothing leaked',
    async () => {
      const start = tf.memory().numTensors;
      const data: TrainingData = {
        x: { data: Float32Array.from(X.flat()), rows: 300, cols: 4 },
        y: Int32Array.from(Y),
        classes: [0, 1, 2],
      };
      const section = DIVERGING[2] as Record<string, unknown>;
      const { name: _n, facade: _f, ...rest } = section;
      const error = await torchEntry.run(rest, 'models[2]', data,
        { reporter: new MemoryReporter(), model: 'm', seed: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DivergenceError);
      const { epoch, step, message } = error as DivergenceError;
      expect(message).toMatch(new RegExp(`^models\\[2\\]: the loss became ` +
        `(NaN|Infinity) at epoch ${epoch}, step ${step}; training ` +
        "stopped before that step's update\\."));
      expect(tf.memory().numTensors).toBe(start);
    });
});

describe('predict before fit', () => {
  it('sklearn refuses, as scikit-learn does', () => {
    const clf = new MLPClassifier();
    const call = () => clf.predict(X);
    expect(call).toThrow(NotFittedError);
    expect(call).toThrow("This MLPClassifier instance is not fitted yet. " +
      "Call 'fit' with appropriate arguments before using this " +
      'estimator.');
    expect(() => clf.predictProba(X)).toThrow(NotFittedError);
  });

  it('keras predicts with the initial weights, as Keras does', () => {
    const start = tf.memory().numTensors;
    const model = keras.Sequential([
      keras.layers.Dense(3, { activation: 'softmax', inputShape: [4] }),
    ]);
    const p = model.predict(X.slice(0, 5)) as tf.Tensor;
    expect(p.shape).toEqual([5, 3]);
    // Softmax rows sum to 1.
    for (const row of p.arraySync() as number[][]) {
      expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    }
    p.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a torch Module runs forward with its initial weights, as PyTorch ' +
    'does', () => {
    const start = tf.memory().numTensors;
    const layer = new torch.nn.Linear(4, 3);
    const out = layer(tf.tensor2d(X.slice(0, 5))) as tf.Tensor;
    expect(out.shape).toEqual([5, 3]);
    tf.dispose(out);
    layer.dispose();
    expect(tf.memory().numTensors - start).toBeLessThanOrEqual(1);
  });

  it('trio predict with a model that was never saved', async () => {
    const run = await trio(main, ['predict', 'out/never', 'test.csv'], tmp);
    expectFailure(run, `trio: No model found: ${fs.realpathSync(tmp)}` +
      `/out/never/model.json does not exist (the folder ` +
      `${fs.realpathSync(tmp)}/out/never does not exist either).\n`);
  });
});

describe('predict with the wrong number of features', () => {
  it('each facade names both shapes (library)', async () => {
    const clf = new MLPClassifier({ hiddenLayerSizes: [4], maxIter: 1,
      randomState: 1 });
    await clf.fit(X, Y).catch(() => undefined);
    expect(() => clf.predict(X3)).toThrow(ShapeError);
    expect(() => clf.predict(X3)).toThrow('X has 3 features, but ' +
      'MLPClassifier is expecting 4 features as input.');
    clf.dispose();

    const model = keras.Sequential([
      keras.layers.Dense(3, { activation: 'softmax', inputShape: [4] }),
    ]);
    expect(() => model.predict(X3)).toThrow(ShapeError);
    expect(() => model.predict(X3)).toThrow(new RegExp('^predict: input ' +
      'of \\w+ must have shape \\(None, 4\\); got \\(300, 3\\)\\.$'));
    model.dispose();

    const layer = new torch.nn.Linear(4, 3);
    const x3 = tf.tensor2d(X3);
    expect(() => layer(x3)).toThrow(ShapeError);
    expect(() => layer(x3)).toThrow('Linear expects 4 input features (the ' +
      'last dimension); got an input of shape [300, 3].');
    x3.dispose();
    layer.dispose();
  });

  it.each(['sk', 'ke', 'to'])('trio predict %s on a CSV with other ' +
    'columns writes no --out file', async (name) => {
    const three = write(tmp, 'three.csv', ['a,b,c',
      ...X3.slice(0, 20).map((r) => r.join(','))].join('\n'));
    const other = write(tmp, 'other.csv', ['a,b,c,e',
      ...X.slice(0, 20).map((r) => r.join(','))].join('\n'));
    const out = path.join(tmp, `pred-${name}.csv`);
    let run = await trio(main, ['predict', `out/${name}`, three,
      '--out', out], tmp);
    expectFailure(run, `trio: ${three}, line 1: the feature columns ` +
      "differ from the training file's (3 here, 4 there): missing 'd'.\n");
    run = await trio(main, ['predict', `out/${name}`, other,
      '--out', out], tmp);
    expectFailure(run, `trio: ${other}, line 1: the feature columns ` +
      "differ from the training file's (4 here, 4 there): missing 'd'; " +
      "not in the training file: 'e'.\n");
    expect(fs.existsSync(out)).toBe(false);
  });

  it('trio predict --no-header with 3 columns', async () => {
    const bare = write(tmp, 'bare3.csv',
      X3.slice(0, 20).map((r) => r.join(',')).join('\n'));
    const out = path.join(tmp, 'pred-bare.csv');
    const run = await trio(main, ['predict', 'out/sk', bare,
      '--no-header', '--out', out], tmp);
    expectFailure(run, `trio: ${bare}, line 1: the row has 3 fields, ` +
      `but the model at ${fs.realpathSync(tmp)}/out/sk takes 4 features ` +
      '(a label column in a file without a header needs --label ' +
      '<index>).\n');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a bad cell on the last line of trio predict\'s input writes no ' +
    '--out file', async () => {
    const lines = ['a,b,c,d', ...X.slice(0, 50).map((r) => r.join(','))];
    lines[50] = '1,2,oops,4';
    const bad = write(tmp, 'badcell.csv', lines.join('\n'));
    const out = path.join(tmp, 'pred-badcell.csv');
    const run = await trio(main, ['predict', 'out/ke', bad, '--out', out],
      tmp);
    expectFailure(run, `trio: ${bad}, line 51, column 3 ('c'): 'oops' is ` +
      'not a number.\n');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('labels outside the class set at evaluation', () => {
  it.each(['sk', 'ke', 'to'])('trio evaluate %s names the label and row',
    async (name) => {
      const lines = ['label,a,b,c,d',
        ...RAW.slice(0, 30).map((r) => r.join(','))];
      lines[12] = `7,${X[11]!.join(',')}`;
      const file = write(tmp, 'sevens.csv', lines.join('\n'));
      const run = await trio(main, ['evaluate', `out/${name}`, file], tmp);
      // lines[12] is file line 13 (the header is line 1).
      expectFailure(run, `trio: ${file}, line 13: the label 7 is not one ` +
        'of the 3 classes the model knows (0, 1, 2).\n');
      expect(run.stdout).toBe('');
    });
});
