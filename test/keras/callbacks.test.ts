import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/keras/index.js';
import type { CallbackModel } from '../../src/keras/callbacks/callback.js';
import { formatPath } from '../../src/keras/callbacks/model_checkpoint.js';
import { smallMnist, tempDir, tutorialModel } from './helpers.js';

const { callbacks } = keras;

/** A stand-in model that records what EarlyStopping does to it. */
function fakeModel() {
  const state = { restored: undefined as number[] | undefined, epoch: 0 };
  const model: CallbackModel = {
    stopTraining: false,
    metricsNames: ['accuracy'],
    getWeights: () => [tf.scalar(state.epoch)],
    setWeights: (w) => {
      state.restored = Array.from(w[0]!.dataSync());
    },
    save: async () => '',
  };
  return { model, state };
}

/** Feeds `values` of `monitor` epoch by epoch; returns epochs run. */
function drive(es: keras.callbacks.EarlyStoppingCallback, monitor: string,
  values: number[]) {
  const { model, state } = fakeModel();
  const lines: string[] = [];
  es.setModel(model);
  es.setOutput({ line: (t) => lines.push(t), warn: () => {} });
  es.onTrainBegin();
  let epoch = 0;
  for (; epoch < values.length; epoch++) {
    state.epoch = epoch;
    es.onEpochEnd(epoch, { [monitor]: values[epoch]! });
    if (model.stopTraining) {
      epoch += 1;
      break;
    }
  }
  es.onTrainEnd();
  return { epochs: epoch, lines, restored: state.restored };
}

beforeEach(() => keras.utils.clearSession());

describe('EarlyStopping', () => {
  it('stops after patience epochs without improvement (Keras rule)', () => {
    // val_loss: best 0.5 at epoch 1 (0-based); epochs 2, 3 do not improve
    // by more than min_delta 0.01 (0.495 + 0.01 > 0.5); wait reaches
    // patience 2 at epoch 3 -> stop, 4 epochs run.
    const es = callbacks.EarlyStopping({ patience: 2, minDelta: 0.01,
      verbose: 1, restoreBestWeights: true });
    const run = drive(es, 'val_loss', [0.9, 0.5, 0.495, 0.6, 0.1]);
    expect(run.epochs).toBe(4);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(run.lines).toEqual(['Epoch 4: early stopping',
      'Restoring model weights from the end of the best epoch: 2.']);
    // The weights saved at epoch 1 (our fake weights hold the epoch).
    expect(run.restored).toEqual([1]);
  });

  it('maximises accuracy in auto mode and honours the baseline', () => {
    const es = callbacks.EarlyStopping({ monitor: 'val_accuracy',
      patience: 1 });
    // 0.8, 0.85 improve; 0.84 does not -> wait 1 = patience -> stop.
    expect(drive(es, 'val_accuracy', [0.8, 0.85, 0.84, 0.99]).epochs)
      .toBe(3);
    // Improvements that do not beat the baseline do not reset the wait:
    // with baseline 0.1 the wait is 3 at epoch 2 (no improvement) -> stop;
    // without, it was reset at epoch 1 and is 1 < patience at epoch 2.
    const losses = [0.5, 0.4, 0.45, 0.3];
    const withBaseline = callbacks.EarlyStopping({ monitor: 'loss',
      patience: 2, baseline: 0.1 });
    expect(drive(withBaseline, 'loss', losses).epochs).toBe(3);
    const without = callbacks.EarlyStopping({ monitor: 'loss', patience: 2 });
    expect(drive(without, 'loss', losses).epochs).toBe(4);
  });

  it('warns when the monitored metric is missing', () => {
    const es = callbacks.EarlyStopping();
    const warnings: string[] = [];
    const { model } = fakeModel();
    es.setModel(model);
    es.setOutput({ line: () => {}, warn: (w) => warnings.push(w.message) });
    es.onTrainBegin();
    es.onEpochEnd(0, { loss: 1 });
    expect(warnings).toEqual(['Early stopping conditioned on metric ' +
      '`val_loss` which is not available. Available metrics are: loss']);
    expect(() => callbacks.EarlyStopping({ monitor: 'f1' }).onTrainBegin())
      .toThrow(/'mode' parameter of EarlyStopping must be 'min' or 'max'/);
  });

  it('restores the best weights of a real model', async () => {
    keras.utils.setRandomSeed(21);
    const { train, test } = smallMnist(300, 100);
    const model = tutorialModel(16);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'] });
    const es = callbacks.EarlyStopping({ monitor: 'loss', mode: 'max',
      restoreBestWeights: true, patience: 1 });
    // mode max on a falling loss: epoch 0 is the best, epoch 1 is worse,
    // so training stops after 2 epochs and epoch 0's weights come back.
    let epoch0: tf.Tensor[] = [];
    const h = await model.fit(train.x, train.y, {
      epochs: 5, batchSize: 50, verbose: 0, callbacks: [
        { onEpochEnd: (e: number) => {
          if (e === 0) {
            epoch0 = model.getWeights();
          }
        } },
        es,
      ],
    });
    expect(h.epoch).toEqual([0, 1]);
    const now = model.getWeights();
    now.forEach((w, i) => expect(Array.from(w.dataSync()))
      .toEqual(Array.from(epoch0[i]!.dataSync())));
    tf.dispose([...now, ...epoch0]);
    model.evaluate(test.x, test.y, { verbose: 0 });
    model.dispose();
  });
});

describe('ModelCheckpoint', () => {
  it('formats paths as Python str.format', () => {
    expect(formatPath('ck/e{epoch:02d}-{val_loss:.2f}',
      { epoch: 3, val_loss: 0.12345 })).toBe('ck/e03-0.12');
    expect(formatPath('{loss:.3e}', { loss: 0.00123 })).toBe('1.230e-03');
    expect(() => formatPath('{acc}', { epoch: 1 })).toThrow(
      /'filepath' parameter of ModelCheckpoint must be a template whose/);
  });

  it('saves loadable tfjs folders, only when better with saveBestOnly',
    async () => {
      keras.utils.setRandomSeed(22);
      const dir = tempDir('ckpt');
      const { train } = smallMnist(200);
      const model = tutorialModel(8);
      model.compile({ optimizer: 'adam',
        loss: 'sparse_categorical_crossentropy' });
      const lines: string[] = [];
      const every = callbacks.ModelCheckpoint(
        path.join(dir, 'every', 'e{epoch:02d}'), { verbose: 1 });
      // mode max on a falling loss: only epoch 1 is "better" than -inf.
      const best = callbacks.ModelCheckpoint(path.join(dir, 'best'),
        { monitor: 'loss', mode: 'max', saveBestOnly: true, verbose: 1 });
      await model.fit(train.x, train.y, {
        epochs: 3, batchSize: 50, callbacks: [every, best],
        logger: {
          epochBegin() {}, batchEnd() {}, epochEnd() {},
          line: (t) => lines.push(t), warn() {},
        },
      });
      expect(fs.readdirSync(path.join(dir, 'every')).sort())
        .toEqual(['e01', 'e02', 'e03']);
      expect(lines[0]).toBe(
        `Epoch 1: saving model to ${path.join(dir, 'every', 'e01')}`);
      expect(lines[1]).toMatch(/^Epoch 1: loss improved from -Infinity to /);
      expect(lines[3]).toMatch(/^Epoch 2: loss did not improve from \d/);
      const loaded = await keras.models.loadModel(
        path.join(dir, 'every', 'e03'));
      const x = tf.tensor2d(train.x.data.subarray(0, 784 * 5), [5, 784]);
      const a = model.predict(x);
      const b = loaded.predict(x);
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
      loaded.dispose();
      model.dispose();
    });
});

describe('user callbacks', () => {
  it('get every hook in Keras order, awaited', async () => {
    keras.utils.setRandomSeed(23);
    const { train } = smallMnist(100);
    const model = tutorialModel(8);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'] });
    const calls: string[] = [];
    class Recorder extends callbacks.Callback {
      onTrainBegin() {
        calls.push(`train_begin ${this.params!.steps}`);
      }
      async onEpochBegin(e: number) {
        await new Promise((r) => setTimeout(r, 1));
        calls.push(`epoch_begin ${e}`);
      }
      onTrainBatchEnd(b: number, logs: keras.callbacks.Logs) {
        calls.push(`batch_end ${b} ${Object.keys(logs).join(',')}`);
      }
      onEpochEnd(e: number, logs: keras.callbacks.Logs) {
        calls.push(`epoch_end ${e} ${Object.keys(logs).join(',')}`);
        if (e === 1) {
          this.model!.stopTraining = true;
        }
      }
      onTrainEnd() {
        calls.push('train_end');
      }
    }
    await model.fit(train.x, train.y, { epochs: 4, batchSize: 60,
      verbose: 0, callbacks: [new Recorder()] });
    expect(calls).toEqual([
      'train_begin 2',
      'epoch_begin 0', 'batch_end 0 loss,accuracy',
      'batch_end 1 loss,accuracy', 'epoch_end 0 loss,accuracy',
      'epoch_begin 1', 'batch_end 0 loss,accuracy',
      'batch_end 1 loss,accuracy', 'epoch_end 1 loss,accuracy',
      'train_end',
    ]);
    model.dispose();
  });
});

afterEach(() => keras.utils.clearSession());
