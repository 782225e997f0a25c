import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/keras/index.js';
import {
  formatEta,
  Progbar,
  ProgbarReporter,
} from '../../src/keras/progbar_reporter.js';
import {
  formatStepTime,
  formatValue,
} from '../../src/keras/training_logger.js';
import { ReporterLogger } from '../../src/keras/reporter_logger.js';
import { MemoryReporter } from '../../src/reporter.js';
import { memoryStream, smallMnist, tutorialModel } from './helpers.js';

/** A clock the test moves by hand, in seconds. */
function fakeClock() {
  let t = 100;
  return { now: () => t, advance: (s: number) => { t += s; } };
}

beforeEach(() => keras.utils.clearSession());

describe('Keras progress formats', () => {
  it('formats values, times and ETAs as Keras', () => {
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(0.0005)).toBe('5.0000e-04');
    expect(formatValue(-0.5)).toBe('-0.5000');
    expect(formatStepTime(2.4)).toBe(' 2s/step');
    expect(formatStepTime(0.0123)).toBe(' 12ms/step');
    expect(formatStepTime(0.0000456)).toBe(' 46us/step');
    expect(formatEta(42.9)).toBe('42s');
    expect(formatEta(187)).toBe('3:07');
    expect(formatEta(3723)).toBe('1:02:03');
  });

  it('draws a bar in place on a terminal', () => {
    const clock = fakeClock();
    const out: string[] = [];
    const bar = new Progbar({ target: 4, dynamic: true, clock: clock.now,
      write: (t) => out.push(t) });
    clock.advance(1);
    bar.update(1, [['loss', 2]]);
    clock.advance(0.5);
    bar.update(2, [['loss', 1]]);
    clock.advance(1);
    bar.update(4, [['loss', 0.25]], true);
    // Step 1: 1 of 4 -> 5 of 20 cells; ETA 1 s/step * 3 = 3s.
    expect(out[0]).toBe('\r\x1b[1m1/4\x1b[0m \x1b[32m━━━━━\x1b[0m' +
      '\x1b[37m━━━━━━━━━━━━━━━\x1b[0m \x1b[1m3s\x1b[0m 1s/step' +
      ' - loss: 2.0000');
    // Step 2: the mean of the per-step values, (2 + 1) / 2; the time per
    // step ignores the first step: 0.5 s -> 500ms, ETA 1s.
    expect(out[1]).toContain('\x1b[1m1s\x1b[0m 500ms/step - loss: 1.5000');
    // Final: elapsed 2.5 s rounds (half to even) to 2s; per step, the
    // 1.5 s after the first step over 3 steps = 500ms; the given value.
    expect(out[2]).toBe('\r\x1b[1m4/4\x1b[0m \x1b[32m' + '━'.repeat(20) +
      '\x1b[0m\x1b[37m\x1b[0m \x1b[1m2s\x1b[0m 500ms/step - loss: 0.2500\n');
  });

  it('writes one plain line per epoch when not a terminal', () => {
    const clock = fakeClock();
    const stream = memoryStream(false);
    const reporter = new ProgbarReporter({ stream, clock: clock.now });
    for (let epoch = 0; epoch < 2; epoch++) {
      reporter.epochBegin(epoch, 2, 3);
      for (let step = 1; step <= 3; step++) {
        clock.advance(0.01);
        reporter.batchEnd(step, { loss: 1, accuracy: 0.5 });
      }
      reporter.epochEnd(epoch, { loss: 0.9, accuracy: 0.6, val_loss: 0.8,
        val_accuracy: 0.7 });
    }
    expect(stream.text()).toBe(
      'Epoch 1/2\n' +
      '3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - accuracy: 0.6000 - ' +
      'loss: 0.9000 - val_accuracy: 0.7000 - val_loss: 0.8000\n' +
      'Epoch 2/2\n' +
      '3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - accuracy: 0.6000 - ' +
      'loss: 0.9000 - val_accuracy: 0.7000 - val_loss: 0.8000\n');
  });

  it('writes the verbose 2 line', () => {
    const clock = fakeClock();
    const stream = memoryStream(true);
    const reporter = new ProgbarReporter({ stream, clock: clock.now,
      verbose: 2 });
    reporter.epochBegin(0, 1, 12);
    for (let step = 1; step <= 12; step++) {
      clock.advance(0.25);
      reporter.batchEnd(step, { loss: 1 });
    }
    reporter.epochEnd(0, { loss: 0.0001 });
    // No "Epoch" header for a single epoch; 12 steps in 3 s.
    expect(stream.text()).toBe('12/12 - 3s - 250ms/step - loss: 1.0000e-04\n');
  });

  it('fit draws the bar on a terminal stream and lines elsewhere',
    async () => {
      keras.utils.setRandomSeed(31);
      const { train } = smallMnist(100);
      const model = tutorialModel(8);
      model.compile({ optimizer: 'adam',
        loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      const tty = memoryStream(true);
      await model.fit(train.x, train.y, { epochs: 2, batchSize: 25,
        stream: tty });
      const text = tty.text();
      expect(text).toMatch(/^Epoch 1\/2\n\r\x1b\[1m/);
      expect(text).toContain('\x1b[1m4/4\x1b[0m');
      expect(text.match(/\n/g)).toHaveLength(4);
      const plain = memoryStream(false);
      await model.fit(train.x, train.y, { epochs: 2, batchSize: 25,
        stream: plain });
      const lines = plain.text().split('\n');
      expect(lines).toHaveLength(5);
      expect(lines[1]).toMatch(/^4\/4 ━{20} \d+s \d+m?s\/step - accuracy: /);
      expect(plain.text()).not.toContain('\x1b');
      model.dispose();
    });

  it('sends progress events and epoch lines to a Reporter', async () => {
    keras.utils.setRandomSeed(32);
    const { train } = smallMnist(100);
    const model = tutorialModel(8);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'] });
    const reporter = new MemoryReporter();
    await model.fit(train.x, train.y, { epochs: 2, batchSize: 50,
      reporter, reporterModel: 'k' });
    expect(reporter.events.map((e) => [e.model, e.epoch, e.step, e.steps]))
      .toEqual([['k', 1, 1, 2], ['k', 1, 2, 2], ['k', 2, 1, 2],
        ['k', 2, 2, 2]]);
    expect(reporter.lines).toHaveLength(2);
    expect(reporter.lines[1]).toMatch(
      new RegExp('^Epoch 2/2 - 2/2 - \\d+s - \\d+m?s/step - ' +
        'accuracy: 0\\.\\d{4} - loss: \\d\\.\\d{4}$'));
    expect(new ReporterLogger(reporter)).toBeDefined();
    model.dispose();
  });
});
