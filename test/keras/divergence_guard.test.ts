import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DivergenceError } from '../../src/errors.js';
import { DivergenceGuard } from '../../src/keras/divergence_guard.js';

describe('DivergenceGuard', () => {
  it('checks each step before its update on an in-line backend', () => {
    // The tests run on wasm, whose kernels run in line.
    const guard = new DivergenceGuard();
    const finite = tf.scalar(0.5);
    const nan = tf.scalar(Number.NaN);
    const start = tf.memory().numTensors;
    expect(() => guard.beforeUpdate(finite, 0, 0)).not.toThrow();
    let err: unknown;
    try {
      guard.beforeUpdate(nan, 1, 4);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).message).toBe('Training stopped at ' +
      'epoch 2, step 5: the loss is NaN. The weights from before this ' +
      'step are kept; try a smaller learning rate or scale the inputs.');
    expect([(err as DivergenceError).epoch, (err as DivergenceError).step])
      .toEqual([2, 5]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([finite, nan]);
  });

  it('checks only the logs it is shown on a GPU-like backend', () => {
    const guard = new DivergenceGuard(false);
    const nan = tf.scalar(Number.NaN);
    // No read per step: a NaN step passes until the logs are read.
    expect(() => guard.beforeUpdate(nan, 0, 0)).not.toThrow();
    nan.dispose();
    expect(() => guard.check(0.3, 0, 7)).not.toThrow();
    expect(() => guard.check(Number.POSITIVE_INFINITY, 0, 7)).toThrow(
      'Training stopped at epoch 1, step 7: the loss is Infinity. It may ' +
        'have diverged at an earlier step of this epoch; the weights are ' +
        'those reached so far; try a smaller learning rate or scale the ' +
        'inputs.');
  });
});
