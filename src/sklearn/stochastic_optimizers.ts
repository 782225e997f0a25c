import * as tf from '@tensorflow/tfjs';
import { toVariable } from './network.js';
import type { LearningRateSchedule } from './options.js';

/**
 * scikit-learn's stochastic optimisers (`_stochastic_optimizers.py`) on
 * tfjs tensors. `updates` returns, for each parameter, the value to add;
 * the caller applies it. Call inside `tf.tidy`; state lives in variables.
 */
export interface StochasticOptimizer {
  learningRate: number;
  updates(grads: readonly tf.Tensor[]): tf.Tensor[];
  /** End of an epoch; `timeStep` = samples seen so far (`t_`). */
  iterationEnds(timeStep: number): void;
  /**
   * No improvement for too long: returns true to stop, false when the
   * optimiser lowered its rate instead; `say` receives the verbose line.
   */
  triggerStopping(message: string, say: (line: string) => void): boolean;
  /** Saves the state now; `restore` brings it back (for replays). */
  checkpoint(): Checkpoint;
  dispose(): void;
}

/** A saved optimiser state. */
export interface Checkpoint {
  restore(): void;
  dispose(): void;
}

/** Copies of `vars`; `load` puts back the plain fields it captured. */
function checkpointOf(
  vars: readonly tf.Variable[],
  load: () => void,
): Checkpoint {
  const copies = vars.map((v) => tf.clone(v));
  return {
    restore: () => {
      vars.forEach((v, i) => v.assign(copies[i]!));
      load();
    },
    dispose: () => tf.dispose(copies),
  };
}

function zeros(params: readonly tf.Tensor[]): tf.Variable[] {
  return params.map((p) => toVariable(tf.zerosLike(p), false));
}

/**
 * Adam in scikit-learn's form: lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t) and
 * update = -lr_t * m / (sqrt(v) + eps), eps added to the raw sqrt(v).
 */
export class AdamOptimizer implements StochasticOptimizer {
  learningRate: number;
  t = 0;
  private readonly ms: tf.Variable[];
  private readonly vs: tf.Variable[];
  /** b1, 1 - b1, b2, 1 - b2 and eps, uploaded once (not every step). */
  private readonly k: tf.Scalar[];

  constructor(
    params: readonly tf.Tensor[],
    readonly learningRateInit: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
  ) {
    this.learningRate = learningRateInit;
    this.ms = zeros(params);
    this.vs = zeros(params);
    this.k = [beta1, 1 - beta1, beta2, 1 - beta2, epsilon]
      .map((c) => tf.scalar(c));
  }

  updates(grads: readonly tf.Tensor[]): tf.Tensor[] {
    this.t += 1;
    const { beta1: b1, beta2: b2 } = this;
    this.learningRate = (this.learningRateInit *
      Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    const [kb1, kc1, kb2, kc2, eps] = this.k as [tf.Scalar, tf.Scalar,
      tf.Scalar, tf.Scalar, tf.Scalar];
    const rate = tf.scalar(-this.learningRate);
    return grads.map((g, i) => {
      const m = tf.add(tf.mul(this.ms[i]!, kb1), tf.mul(g, kc1));
      const v = tf.add(tf.mul(this.vs[i]!, kb2), tf.mul(tf.square(g), kc2));
      this.ms[i]!.assign(m);
      this.vs[i]!.assign(v);
      return tf.div(tf.mul(m, rate), tf.add(tf.sqrt(v), eps));
    });
  }

  iterationEnds(): void {}

  checkpoint(): Checkpoint {
    const { t, learningRate } = this;
    return checkpointOf([...this.ms, ...this.vs], () => {
      this.t = t;
      this.learningRate = learningRate;
    });
  }

  triggerStopping(message: string, say: (line: string) => void): boolean {
    say(`${message} Stopping.`);
    return true;
  }

  dispose(): void {
    tf.dispose([...this.ms, ...this.vs, ...this.k]);
  }
}

/**
 * SGD with momentum (Nesterov's when asked) and scikit-learn's three
 * schedules: constant, invscaling (lr / (t + 1)^power_t after each epoch)
 * and adaptive (divide by 5 when stalled, stop below 1e-6).
 */
export class SGDOptimizer implements StochasticOptimizer {
  learningRate: number;
  private readonly velocities: tf.Variable[];

  constructor(
    params: readonly tf.Tensor[],
    readonly learningRateInit: number,
    readonly schedule: LearningRateSchedule,
    readonly momentum: number,
    readonly nesterov: boolean,
    readonly powerT: number,
  ) {
    this.learningRate = learningRateInit;
    this.velocities = zeros(params);
  }

  updates(grads: readonly tf.Tensor[]): tf.Tensor[] {
    // One upload of each constant per step, shared by every parameter.
    const lr = tf.scalar(this.learningRate);
    const momentum = tf.scalar(this.momentum);
    return grads.map((g, i) => {
      const lrg = tf.mul(g, lr);
      const velocity = tf.sub(tf.mul(this.velocities[i]!, momentum), lrg);
      this.velocities[i]!.assign(velocity);
      return this.nesterov
        ? tf.sub(tf.mul(velocity, momentum), lrg)
        : velocity;
    });
  }

  iterationEnds(timeStep: number): void {
    if (this.schedule === 'invscaling') {
      this.learningRate = this.learningRateInit /
        (timeStep + 1) ** this.powerT;
    }
  }

  checkpoint(): Checkpoint {
    const { learningRate } = this;
    return checkpointOf(this.velocities, () => {
      this.learningRate = learningRate;
    });
  }

  triggerStopping(message: string, say: (line: string) => void): boolean {
    if (this.schedule !== 'adaptive') {
      say(`${message} Stopping.`);
      return true;
    }
    if (this.learningRate <= 1e-6) {
      say(`${message} Learning rate too small. Stopping.`);
      return true;
    }
    this.learningRate /= 5;
    say(`${message} Setting learning rate to ${this.learningRate.toFixed(6)}`);
    return false;
  }

  dispose(): void {
    tf.dispose(this.velocities);
  }
}
