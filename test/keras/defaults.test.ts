import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/keras/index.js';
import { columnWidths } from '../../src/keras/summary.js';
import { fixture, tutorialModel } from './helpers.js';

const { optimizers, losses } = keras;

beforeEach(() => {
  keras.utils.clearSession();
  keras.utils.setRandomSeed(7);
});

/** Runs the fixture's gradient sequence through an optimizer. */
function steps(optimizer: tf.Optimizer): number[][] {
  const u = fixture.updates;
  const w = tf.variable(tf.tensor1d(u.w0), true, 'fixture_w');
  const out: number[][] = [];
  for (const g of u.grads as number[][]) {
    const grad = tf.tensor1d(g);
    optimizer.applyGradients({ fixture_w: grad });
    grad.dispose();
    out.push(Array.from(w.dataSync()));
  }
  w.dispose();
  optimizer.dispose();
  return out;
}

function expectClose(actual: number[][], expected: number[][], tol: number) {
  actual.forEach((row, i) => row.forEach((v, j) => {
    expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(tol);
  }));
}

describe('Keras defaults (fixture from the documented formulas)', () => {
  let model: keras.SequentialModel;
  afterEach(() => model?.dispose());

  it('initialises kernels glorot-uniform within +-sqrt(6/(in+out)), bias 0',
    () => {
      model = tutorialModel();
      model.layers.forEach((layer, i) => {
        const { limit } = fixture.glorot_uniform[i];
        const [kernel, bias] = layer.getWeights();
        const k = kernel!.dataSync();
        let max = 0;
        let sum = 0;
        for (const v of k) {
          max = Math.max(max, Math.abs(v));
          sum += v;
        }
        // Uniform draws: all inside the limit, the largest close to it
        // (with 640+ draws, max |w| > 0.95 limit almost surely), mean ~0.
        expect(max).toBeLessThanOrEqual(limit);
        expect(max).toBeGreaterThan(0.95 * limit);
        expect(Math.abs(sum / k.length)).toBeLessThan(0.2 * limit);
        expect(Array.from(bias!.dataSync()).every((v) => v === 0)).toBe(true);
        tf.dispose([kernel!, bias!]);
      });
    });

  it('Adam has Keras defaults and Keras\'s epsilon-hat update', () => {
    const adam = new optimizers.AdamOptimizer();
    const d = fixture.adam_defaults;
    expect([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon])
      .toEqual([d.learning_rate, d.beta_1, d.beta_2, d.epsilon]);
    const ours = steps(adam);
    expectClose(ours, fixture.updates.adam, 1e-6);
    // The first weight moves differently in tfjs's form (by ~9e-4).
    expect(Math.abs(ours[2]![0]! - fixture.updates.adam_tfjs_form[2][0]))
      .toBeGreaterThan(5e-4);
  });

  it('SGD and RMSprop follow Keras\'s rules and defaults', () => {
    const sgd = new optimizers.SGDOptimizer();
    expect(sgd.learningRate).toBe(fixture.sgd_defaults.learning_rate);
    expectClose(steps(sgd), fixture.updates.sgd, 1e-6);
    expectClose(steps(optimizers.SGD({ momentum: 0.9 })),
      fixture.updates['sgd_momentum_0.9'], 1e-6);
    expectClose(steps(optimizers.SGD({ momentum: 0.9, nesterov: true })),
      fixture.updates['sgd_nesterov_0.9'], 1e-6);
    const rms = new optimizers.RMSpropOptimizer();
    expect([rms.learningRate, rms.rho, rms.epsilon]).toEqual([
      fixture.rmsprop_defaults.learning_rate, fixture.rmsprop_defaults.rho,
      fixture.rmsprop_defaults.epsilon]);
    expectClose(steps(rms), fixture.updates.rmsprop, 1e-5);
    expectClose(
      steps(optimizers.RMSprop({ momentum: 0.5, centered: true })),
      fixture.updates['rmsprop_centered_momentum_0.5'], 1e-5);
  });

  it('sparse categorical crossentropy clips like Keras', () => {
    const f = fixture.sparse_categorical_crossentropy;
    const loss = new losses.SparseCategoricalCrossentropyLoss();
    const y = tf.tensor1d(f.labels);
    const p = tf.tensor2d(f.probs);
    const value = loss.call(y, p);
    expect(value.dataSync()[0]).toBeCloseTo(f.loss, 5);
    tf.dispose([y, p, value]);
  });

  it('summary prints Keras\'s table and counts', () => {
    model = tutorialModel();
    const s = fixture.summary;
    const text = model.summary({ lineLength: 76 });
    const lines = text.split('\n');
    expect(lines[0]).toBe(s.title);
    for (const [name, shape, params] of s.layer_rows) {
      const row = lines.find((l) => l.includes(name))!;
      const esc = (t: string) => t.replace(/[()]/g, '\\$&');
      expect(row).toMatch(
        new RegExp(`^│ ${esc(name)} +│ ${esc(shape)} +│ +${params} │$`));
    }
    expect(lines).toContain(s.total_line);
    expect(lines).toContain(s.trainable_line);
    expect(lines).toContain(s.non_trainable_line);
    expect(model.countParams()).toBe(s.total);
    // rich's column widths at 76 columns (hand-derived in summary.ts):
    // 34/26/16 plus padding, 10 too wide, cut 3/4/3.
    expect(columnWidths(76, [0.45, 0.8, 1])).toEqual([33, 24, 15]);
    expect(columnWidths(88, [0.45, 0.8, 1])).toEqual([38, 29, 17]);
    expect(lines[1]).toBe(`┏${'━'.repeat(33)}┳${'━'.repeat(24)}┳${
      '━'.repeat(15)}┓`);
  });

  it('summary after training adds the optimizer params', async () => {
    model = tutorialModel();
    model.compile({ optimizer: 'adam',
      loss: 'sparse_categorical_crossentropy' });
    const x = tf.zeros([4, 784]);
    const y = tf.tensor1d([0, 1, 2, 3]);
    await model.fit(x, y, { verbose: 0 });
    tf.dispose([x, y]);
    const printed: string[] = [];
    model.summary({ printFn: (t) => printed.push(t) });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(`${fixture.summary.optimizer_line}\n`);
    expect(printed[0]).toContain(`${fixture.summary.total_after_fit_line}\n`);
  });

  it('names layers and models as Keras does', () => {
    model = tutorialModel();
    expect(model.name).toBe('sequential');
    expect(model.layers.map((l) => l.name))
      .toEqual(['dense', 'dense_1', 'dense_2']);
    const second = tutorialModel();
    expect(second.name).toBe('sequential_1');
    expect(second.layers[0]!.name).toBe('dense_3');
    second.dispose();
  });
});
