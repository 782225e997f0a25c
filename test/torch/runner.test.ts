import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TrainingData } from '../../src/compare/types.js';
import { mnistMatrix } from '../../src/data/mnist.js';
import { ConfigError, DivergenceError } from '../../src/errors.js';
import { MemoryReporter } from '../../src/reporter.js';
import { torchEntry } from '../../src/torch/runner.js';

const SECTION = {
  model: [
    { type: 'Linear', in_features: 784, out_features: 32 },
    'ReLU',
    { type: 'Linear', in_features: 32, out_features: 10 },
  ],
  loss: 'CrossEntropyLoss',
  optimizer: { type: 'Adam', lr: 0.003 },
  dataloader: { batch_size: 32, shuffle: true },
  epochs: 3,
};

function data(split: 'train' | 'test', limit: number): TrainingData {
  const { x, y } = mnistMatrix(split, { limit });
  return { x, y, classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
}

function checkError(section: unknown, message: string, path: string) {
  let caught: unknown;
  try {
    torchEntry.check(section as Record<string, unknown>, 'models[2]');
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as ConfigError).message).toBe(message);
  expect((caught as ConfigError).path).toBe(path);
}

describe('torchEntry.check', () => {
  it('accepts the tutorial section and bare names', () => {
    expect(() => torchEntry.check(SECTION, 'models[2]')).not.toThrow();
  });

  it('refuses unknown keys, suggesting the nearest', () => {
    checkError({ ...SECTION, optimiser: SECTION.optimizer },
      "models[2].optimiser: unknown key 'optimiser' for a torch model. " +
        "Did you mean 'optimizer'? Known: 'model', 'loss', 'optimizer', " +
        "'dataloader', 'epochs' or 'lr_scheduler'.",
      'models[2].optimiser');
    checkError({ ...SECTION, dataloader: { batchsize: 32 } },
      "models[2].dataloader.batchsize: unknown key 'batchsize' for " +
        "DataLoader. Did you mean 'batch_size'? Known: 'batch_size', " +
        "'shuffle' or 'drop_last'.",
      'models[2].dataloader.batchsize');
    checkError({ ...SECTION, model: [{ type: 'ReLU', inplace: true },
      SECTION.model[0]] },
      "models[2].model[0].inplace: unknown key 'inplace' for ReLU. ReLU " +
        'takes no arguments.',
      'models[2].model[0].inplace');
  });

  it('refuses unknown names, listing the known ones', () => {
    checkError({ ...SECTION, optimizer: { type: 'Adan' } },
      "models[2].optimizer.type: unknown optimizer 'Adan'. Did you mean " +
        "'Adam'? Known: 'Adam' or 'SGD'.",
      'models[2].optimizer.type');
    checkError({ ...SECTION, loss: 'MSE' },
      "models[2].loss: unknown loss 'MSE'. Known: 'CrossEntropyLoss'.",
      'models[2].loss');
    checkError({ ...SECTION, model: ['Relu'] },
      "models[2].model[0]: unknown layer 'Relu'. Did you mean 'ReLU'? " +
        "Known: 'Linear', 'ReLU', 'Sigmoid', 'Tanh', 'Softmax', " +
        "'Dropout' or 'Flatten'.",
      'models[2].model[0]');
  });

  it('refuses wrong types and out-of-range values', () => {
    checkError({ ...SECTION, epochs: 0 },
      'models[2].epochs: must be >= 1; got 0.', 'models[2].epochs');
    checkError({ ...SECTION, epochs: '5' },
      "models[2].epochs: must be an integer; got '5'.", 'models[2].epochs');
    checkError({ ...SECTION, optimizer: { type: 'Adam', lr: -0.1 } },
      'models[2].optimizer.lr: must be >= 0; got -0.1.',
      'models[2].optimizer.lr');
    checkError({ ...SECTION, dataloader: { shuffle: 'yes' } },
      "models[2].dataloader.shuffle: must be true or false; got 'yes'.",
      'models[2].dataloader.shuffle');
    checkError({ ...SECTION, loss: { type: 'CrossEntropyLoss',
      label_smoothing: 2 } },
      'models[2].loss.label_smoothing: must be >= 0 and <= 1; got 2.',
      'models[2].loss.label_smoothing');
    // PyTorch 1.13's SGD has no default lr, and neither has optim.SGD.
    checkError({ ...SECTION, optimizer: { type: 'SGD' } },
      'models[2].optimizer.lr: is required by SGD.',
      'models[2].optimizer.lr');
    checkError({ ...SECTION, optimizer: { type: 'SGD', lr: 0.1,
      nesterov: true } },
      'models[2].optimizer.nesterov: needs momentum > 0 and dampening = 0.',
      'models[2].optimizer.nesterov');
    checkError({ model: SECTION.model, epochs: 1 },
      'models[2].optimizer: is required for a torch model.',
      'models[2].optimizer');
  });

  it('refuses Linear layers that do not connect', () => {
    checkError({ ...SECTION, model: [
      { type: 'Linear', in_features: 784, out_features: 32 },
      { type: 'Linear', in_features: 31, out_features: 10 }] },
      'models[2].model[1].in_features: is 31 but the previous Linear ' +
        '(models[2].model[0]) has out_features 32; they must be equal.',
      'models[2].model[1].in_features');
  });
});

describe('torchEntry.run', () => {
  it('trains the tutorial network on an MNIST slice', async () => {
    const train = data('train', 1200);
    const test = data('test', 400);
    const reporter = new MemoryReporter();
    const before = tf.memory().numTensors;
    const trained = await torchEntry.run(SECTION, 'models[2]', train,
      { reporter, model: 'torch_module', seed: 42 });
    expect(trained.epochs).toBe(3);
    expect(reporter.lines).toHaveLength(3);
    expect(reporter.lines[0]).toMatch(/^Epoch 1\/3, Loss: \d+\.\d+$/);
    expect(reporter.lines[0]).toBe(`Epoch 1/3, Loss: ${trained.lossCurve[0]}`);
    expect(trained.lossCurve[2]!).toBeLessThan(trained.lossCurve[0]!);
    expect(reporter.events.at(-1)).toMatchObject({
      model: 'torch_module', epoch: 3, epochs: 3, step: 38, steps: 38 });

    // 3 epochs on 1200 rows: well above chance (0.1); a random network
    // would not get there.
    const predicted = trained.predict(test.x);
    const accuracy = predicted.filter((p, i) => p === test.y[i]).length /
      test.y.length;
    expect(accuracy).toBeGreaterThan(0.75);
    const proba = trained.predictProba(test.x);
    const firstRow = proba.subarray(0, 10).reduce((a, b) => a + b, 0);
    expect(firstRow).toBeCloseTo(1, 5);

    const layers = trained.toLayersModel();
    const x = tf.tensor2d(test.x.data.subarray(0, 784 * 5), [5, 784]);
    const fromLayers = tf.tidy(() => Array.from(
      tf.argMax(layers.predict(x) as tf.Tensor, 1).dataSync()));
    expect(fromLayers).toEqual(Array.from(predicted.subarray(0, 5)));
    layers.dispose();
    expect(trained.metadata()).toMatchObject({ facade: 'torch',
      output: 'logits', classes: train.classes,
      state: { epochs: 3, chain: [
        { path: '0', type: 'Linear', layer: 'linear_0' },
        { path: '1', type: 'ReLU', layer: 'linear_0' },
        { path: '2', type: 'Linear', layer: 'linear_2' }] } });
    trained.dispose();
    tf.dispose(x);
    // Leak check: training, predicting and exporting leave nothing.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible with the same seed', async () => {
    const train = data('train', 300);
    const section = { ...SECTION, epochs: 1 };
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const t = await torchEntry.run(section, 'm', train,
        { reporter: new MemoryReporter(), model: 'm', seed: 7 });
      runs.push(t.lossCurve[0]);
      t.dispose();
    }
    expect(runs[0]).toBe(runs[1]);
  });

  it('stops after the current step when aborted, keeping the weights',
    async () => {
      const train = data('train', 3200);
      const controller = new AbortController();
      const reporter = new MemoryReporter();
      reporter.progress = (event) => {
        if (event.step >= 50) {
          controller.abort();
        }
      };
      const trained = await torchEntry.run({ ...SECTION, epochs: 5 }, 'm',
        train, { reporter, model: 'm', seed: 1,
          signal: controller.signal });
      expect(trained.epochs).toBe(0);
      expect(reporter.lines).toEqual([
        'Stopped during epoch 1/5 after step 50/100; the weights trained ' +
          'so far are kept.']);
      trained.dispose();
    });

  it('stops at once when the loss diverges, naming epoch and step',
    async () => {
      const train = data('train', 200);
      // Unscaled pixels and a huge SGD step overflow float32 at once.
      const raw = { ...train, x: { ...train.x,
        data: train.x.data.map((v) => v * 255) } };
      const before = tf.memory().numTensors;
      const run = torchEntry.run({ ...SECTION,
        optimizer: { type: 'SGD', lr: 1e30 } }, 'models[0]', raw,
      { reporter: new MemoryReporter(), model: 'm', seed: 3 });
      await expect(run).rejects.toBeInstanceOf(DivergenceError);
      await expect(run).rejects.toThrow(
        /^models\[0\]: the loss became (NaN|Infinity) at epoch 1, step \d+;/);
      expect(tf.memory().numTensors).toBe(before);
    });

  it('checks the section against the data before training', async () => {
    const train = data('train', 50);
    // PyTorch trains on one short batch; with drop_last none is left.
    await expect(torchEntry.run({ ...SECTION,
      dataloader: { batch_size: 64, drop_last: true } }, 'models[2]', train,
    { reporter: new MemoryReporter(), model: 'm' })).rejects.toThrow(
      'models[2].dataloader.batch_size: is 64, larger than the 50 ' +
        'training rows, and drop_last is true: no batch would be left ' +
        'to train on.');
    const five = { ...train, classes: [0, 1, 2, 3, 4] };
    await expect(torchEntry.run(SECTION, 'models[2]', five,
      { reporter: new MemoryReporter(), model: 'm' })).rejects.toThrow(
      'models[2].model[2].out_features: is 10 but the data has 5 classes.');
  });
});
