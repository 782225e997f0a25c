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

export interface AdamOptions {
  /** Step size. Python `learning_rate`. @default 0.001 */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1). Python `beta_1`. @default 0.9 */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Python `beta_2`. @default 0.999 */
  beta2?: number;
  /** Added to sqrt(v), in Keras's "epsilon hat" form. @default 1e-7 */
  epsilon?: number;
  /**
   * AMSGrad variant: divide by the running maximum of v (a third slot,
   * `velocity_hat`) instead of v itself. Python `amsgrad`.
   * @default false
   */
  amsgrad?: boolean;
  /** Python `name`. @default 'adam' */
  name?: string;
}

export const ADAM_OPTIONS: OptionTable = {
  learningRate: positiveNumber,
  beta1: numberIn(0, 1, { highOpen: true }),
  beta2: numberIn(0, 1, { highOpen: true }),
  epsilon: positiveNumber,
  amsgrad: bool,
  name: { expected: 'a string', test: (v) => typeof v === 'string' },
};

/**
 * Adam with Keras's update rule (`keras/src/optimizers/adam.py`):
 *
 *     m = m + (g - m) (1 - beta_1)
 *     v = v + (g^2 - v) (1 - beta_2)
 *     alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)
 *     w = w - alpha m / (sqrt(v) + epsilon)
 *
 * With `amsgrad`, a third slot keeps v_hat = max(v_hat, v) and the step
 * divides by sqrt(v_hat) + epsilon instead. v_hat holds the raw maximum
 * of v; the bias correction stays in alpha, as in Keras.
 *
 * Differs from tfjs's `tf.train.adam`, which adds epsilon to the
 * bias-corrected sqrt(v-hat) (PyTorch's form); the two agree only as
 * epsilon goes to 0.
 *
 * Python: `keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9,
 * beta_2=0.999, epsilon=1e-07, amsgrad=False)`.
 */
export class AdamOptimizer extends KerasOptimizer {
  static get className(): string {
    return 'Adam';
  }
  readonly kerasName = 'Adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  readonly name: string;

  constructor(options: AdamOptions = {}) {
    super();
    checkOptions('Adam', options, ADAM_OPTIONS);
    this.learningRate = options.learningRate ?? 0.001;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.amsgrad = options.amsgrad ?? false;
    this.name = options.name ?? 'adam';
  }

  /** Keras 3's slot names; tf.keras 2.11+ names them m, v and vhat. */
  protected slotNames(): string[] {
    return this.amsgrad
      ? ['momentum', 'velocity', 'velocity_hat']
      : ['momentum', 'velocity'];
  }

  protected updateStep(
    w: tf.Variable,
    g: tf.Tensor,
    [m, v, vHat]: tf.Variable[],
    t: number,
  ): void {
    const alpha = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) /
      (1 - this.beta1 ** t);
    m!.assign(tf.add(m!, tf.mul(tf.sub(g, m!), 1 - this.beta1)));
    v!.assign(tf.add(v!, tf.mul(tf.sub(tf.square(g), v!), 1 - this.beta2)));
    let second: tf.Tensor = v!;
    if (this.amsgrad) {
      vHat!.assign(tf.maximum(vHat!, v!));
      second = vHat!;
    }
    const step = tf.div(tf.mul(m!, alpha),
      tf.add(tf.sqrt(second), this.epsilon));
    w.assign(tf.sub(w, step));
  }

  pythonConfig(): Record<string, unknown> {
    return {
      name: this.name,
      learning_rate: this.learningRate,
      beta_1: this.beta1,
      beta_2: this.beta2,
      epsilon: this.epsilon,
      amsgrad: this.amsgrad,
    };
  }
}

/** `optimizers.Adam({...})`, with or without `new`. */
export const Adam = callable(AdamOptimizer);
