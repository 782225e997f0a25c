import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/keras/index.js';
import type { Logs } from '../../src/keras/callbacks/callback.js';
import { ReporterLogger } from '../../src/keras/reporter_logger.js';
import type { TrainingLogger } from '../../src/keras/training_logger.js';
import { MemoryReporter } from '../../src/reporter.js';
import { smallMnist, tutorialModel } from './helpers.js';

beforeEach(() => {
  keras.utils.clearSession();
  keras.utils.setRandomSeed(17);
});

/** Keras's probability formula, computed here on `predict`'s output. */
function probabilityLoss(
  loss: keras.losses.Loss,
  y: tf.Tensor,
  probabilities: tf.Tensor,
): number {
  return tf.tidy(() => loss.call(y, probabilities).dataSync()[0]!);
}

describe('softmax crossentropy from the logits', () => {
  it('gives the probability formula where nothing is clipped', () => {
    const { test } = smallMnist(10, 100);
    const y = tf.tensor1d(test.y, 'float32');
    const cases: [keras.SequentialModel, keras.losses.Loss, tf.Tensor][] = [
      [tutorialModel(16),
        keras.losses.SparseCategoricalCrossentropy(), y],
      [keras.Sequential([keras.layers.Dense(10, { inputShape: [784] }),
        keras.layers.Activation('softmax')]),
      keras.losses.CategoricalCrossentropy({ labelSmoothing: 0.1 }),
      tf.oneHot(tf.tensor1d(test.y, 'int32'), 10)],
    ];
    for (const [model, loss, targets] of cases) {
      model.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
      const probabilities = model.predict(test.x, { batchSize: 100 });
      // Untrained outputs stay far from the 1e-7 clip, so the fused loss
      // must equal the formula up to float rounding.
      const expected = probabilityLoss(loss, targets, probabilities);
      const [got, accuracy] = model.evaluate(test.x, targets,
        { batchSize: 30, verbose: 0 });
      expect(got).toBeCloseTo(expected, 5);
      // Accuracy by hand: argmax of the probabilities against the labels.
      const predicted = tf.tidy(() =>
        Array.from(tf.argMax(probabilities, -1).dataSync()));
      const hits = predicted.filter((p, i) => p === test.y[i]).length;
      expect(accuracy).toBeCloseTo(hits / 100, 6);
      tf.dispose([probabilities, targets]);
      model.dispose();
    }
    y.dispose();
  });
});

describe('reads during fit', () => {
  it('gives a logger the logs only when it asks for them', async () => {
    const { train } = smallMnist(200);
    const model = tutorialModel(8);
    model.compile({ optimizer: 'adam',
      loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const received: (Logs | undefined)[] = [];
    let epochLogs: Logs = {};
    const logger: TrainingLogger = {
      epochBegin() {},
      wantsBatchLogs: (seen) => seen === 3,
      batchEnd: (_seen, logs) => received.push(logs),
      epochEnd: (_epoch, logs) => {
        epochLogs = logs;
      },
      line() {},
      warn() {},
    };
    const batchLogs: Logs[] = [];
    const h = await model.fit(train.x, train.y, { epochs: 1, batchSize: 40,
      logger, callbacks: [{ onBatchEnd: (_b, logs) => {
        batchLogs.push({ ...logs });
      } }] });
    // 200 / 40 = 5 steps; only step 3 asked.
    expect(received.map((l) => l === undefined)).toEqual(
      [true, true, false, true, true]);
    // A batch callback asks at every step: running means, the third
    // equal to what the logger got, the last equal to the epoch's.
    expect(batchLogs).toHaveLength(5);
    expect(received[2]).toEqual(batchLogs[2]);
    expect(batchLogs[4]!['loss']).toBeCloseTo(h.history['loss']![0]!, 6);
    expect(epochLogs['accuracy']).toBe(h.history['accuracy']![0]);
    model.dispose();
  });

  it('sends Reporter progress at the first and last step and at most ' +
    'every 0.05 s between', () => {
    let now = 0;
    const reporter = new MemoryReporter();
    const logger = new ReporterLogger(reporter, 'm', () => now);
    logger.epochBegin(0, 1, 6);
    const asked: boolean[] = [];
    for (let step = 1; step <= 6; step++) {
      now += 0.02;
      const wants = logger.wantsBatchLogs(step);
      asked.push(wants);
      logger.batchEnd(step, wants ? { loss: step } : undefined);
    }
    // Steps at 0.02 s: 1 (first), 4 (0.06 s after step 1), 6 (last).
    expect(asked).toEqual([true, false, false, true, false, true]);
    expect(reporter.events.map((e) => e.step)).toEqual([1, 4, 6]);
    logger.epochEnd(0, { loss: 1 });
    // 0.1 s after the first step over 5 steps: 20ms per step.
    expect(reporter.lines).toEqual(['Epoch 1/1 - 6/6 - 0s - 20ms/step - ' +
      'loss: 1.0000']);
  });
});
