import * as tf from '@tensorflow/tfjs';
import { callable } from '../callable.js';
import {
  bool,
  checkOptions,
  numberIn,
  positiveNumber,
  type OptionTable,
} from '../option_specs.js';
import { KerasOptimizer } from './optimizer.js';

export interface SGDOptions {
  /** Step size. Python `learning_rate`. @default 0.01 */
  learningRate?: number;
  /** Momentum in [0, 1]; 0 is plain gradient descent. @default 0 */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0). @default false */
  nesterov?: boolean;
  /** Python `name`. @default 'SGD' */
  name?: string;
}

export const SGD_OPTIONS: OptionTable = {
  learningRate: positiveNumber,
  momentum: numberIn(0, 1),
  nesterov: bool,
  name: { expected: 'a string', test: (v) => typeof v === 'string' },
};

/**
 * Stochastic gradient descent with Keras's rule
 * (`keras/src/optimizers/sgd.py`):
 *
 *     without momentum:  w = w - lr g
 *     with momentum:     m = momentum m - lr g
 *                        w = w + m                      (plain)
 *                        w = w + momentum m - lr g      (nesterov)
 *
 * Python: `keras.optimizers.SGD(learning_rate=0.01, momentum=0.0,
 * nesterov=False)`. Note the default learning rate is 0.01, not 0.001.
 */
export class SGDOptimizer extends KerasOptimizer {
  static get className(): string {
    return 'SGD';
  }
  readonly kerasName = 'SGD';
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly name: string;

  constructor(options: SGDOptions = {}) {
    super();
    checkOptions('SGD', options, SGD_OPTIONS);
    this.learningRate = options.learningRate ?? 0.01;
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.name = options.name ?? 'SGD';
  }

  protected slotNames(): string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected updateStep(
    w: tf.Variable,
    g: tf.Tensor,
    [m]: tf.Variable[],
  ): void {
    const lrG = tf.mul(g, this.learningRate);
    if (m === undefined) {
      w.assign(tf.sub(w, lrG));
      return;
    }
    m.assign(tf.sub(tf.mul(m, this.momentum), lrG));
    w.assign(
      this.nesterov
        ? tf.add(w, tf.sub(tf.mul(m, this.momentum), lrG))
        : tf.add(w, m),
    );
  }

  override variableCount(): { count: number; bytes: number } {
    // Keras builds iterations and learning_rate even without slots.
    const base = super.variableCount();
    return this.momentum > 0 || this.iterations === 0
      ? base
      : { count: 2, bytes: 12 };
  }

  pythonConfig(): Record<string, unknown> {
    return {
      name: this.name,
      learning_rate: this.learningRate,
      momentum: this.momentum,
      nesterov: this.nesterov,
    };
  }
}

/** `optimizers.SGD({...})`, with or without `new`. */
export const SGD = callable(SGDOptimizer);
