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

export interface RMSpropOptions {
  /** Step size. Python `learning_rate`. @default 0.001 */
  learningRate?: number;
  /** Decay of the squared-gradient average, in [0, 1). @default 0.9 */
  rho?: number;
  /** Momentum in [0, 1). @default 0 */
  momentum?: number;
  /** Added to the squared-gradient average inside the sqrt. @default 1e-7 */
  epsilon?: number;
  /** Normalise by the centred variance. @default false */
  centered?: boolean;
  /** Python `name`. @default 'rmsprop' */
  name?: string;
}

export const RMSPROP_OPTIONS: OptionTable = {
  learningRate: positiveNumber,
  rho: numberIn(0, 1, { highOpen: true }),
  momentum: numberIn(0, 1, { highOpen: true }),
  epsilon: positiveNumber,
  centered: bool,
  name: { expected: 'a string', test: (v) => typeof v === 'string' },
};

/**
 * RMSprop with Keras's rule (`keras/src/optimizers/rmsprop.py`):
 *
 *     v = rho v + (1 - rho) g^2
 *     (centered) a = rho a + (1 - rho) g;  d = v - a^2 + eps
 *     (else)     d = v + eps
 *     inc = lr g / sqrt(d)
 *     w = w - inc,  or with momentum: m = momentum m + inc; w = w - m
 *
 * Python: `keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9,
 * momentum=0.0, epsilon=1e-07, centered=False)`.
 */
export class RMSpropOptimizer extends KerasOptimizer {
  static get className(): string {
    return 'RMSprop';
  }
  readonly kerasName = 'RMSprop';
  readonly learningRate: number;
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  readonly name: string;

  constructor(options: RMSpropOptions = {}) {
    super();
    checkOptions('RMSprop', options, RMSPROP_OPTIONS);
    this.learningRate = options.learningRate ?? 0.001;
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
    this.name = options.name ?? 'rmsprop';
  }

  protected slotNames(): string[] {
    const names = ['velocity'];
    if (this.momentum > 0) {
      names.push('momentum');
    }
    if (this.centered) {
      names.push('average_gradient');
    }
    return names;
  }

  protected updateStep(
    w: tf.Variable,
    g: tf.Tensor,
    slots: tf.Variable[],
  ): void {
    const [v] = slots as [tf.Variable];
    const m = this.momentum > 0 ? slots[1] : undefined;
    const a = this.centered ? slots[slots.length - 1] : undefined;
    v.assign(tf.add(tf.mul(v, this.rho), tf.mul(tf.square(g), 1 - this.rho)));
    let denominator: tf.Tensor;
    if (a !== undefined) {
      a.assign(tf.add(tf.mul(a, this.rho), tf.mul(g, 1 - this.rho)));
      denominator = tf.add(tf.sub(v, tf.square(a)), this.epsilon);
    } else {
      denominator = tf.add(v, this.epsilon);
    }
    const increment = tf.div(tf.mul(g, this.learningRate),
      tf.sqrt(denominator));
    if (m !== undefined) {
      m.assign(tf.add(tf.mul(m, this.momentum), increment));
      w.assign(tf.sub(w, m));
    } else {
      w.assign(tf.sub(w, increment));
    }
  }

  pythonConfig(): Record<string, unknown> {
    return {
      name: this.name,
      learning_rate: this.learningRate,
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}

/** `optimizers.RMSprop({...})`, with or without `new`. */
export const RMSprop = callable(RMSpropOptimizer);
