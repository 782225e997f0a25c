import * as tf from '@tensorflow/tfjs';
import { toVariable } from './network.js';

/**
 * How each training step is checked for a non-finite loss or weight:
 * - `'sync'` reads two numbers per step (the loss and a sum of the new
 *   weights) and applies the step only when both are finite. Reads are
 *   nearly free on backends that run ops synchronously (wasm, cpu,
 *   tfjs-node), and this is the cheapest check there.
 * - `'deferred'` never reads inside the epoch: a `tf.where` keeps the old
 *   weights from the first bad step on, and the epoch's end reads the
 *   verdict (for webgl and other asynchronous backends).
 */
export type StepCheck = 'sync' | 'deferred';

const SYNCHRONOUS_BACKENDS = ['wasm', 'cpu', 'tensorflow'];
let forced: StepCheck | undefined;

/** Forces a mode (tests); `undefined` restores the choice by backend. */
export function setStepCheck(mode: StepCheck | undefined): void {
  forced = mode;
}

export function currentStepCheck(): StepCheck {
  return forced ??
    (SYNCHRONOUS_BACKENDS.includes(tf.getBackend()) ? 'sync' : 'deferred');
}

/** What an epoch's steps added up to. */
export interface EpochTotals {
  /** Sum over steps of batch loss times batch length. */
  lossSum: number;
  /** The first step (0-based) that was refused, and its loss. */
  failed?: { step: number; loss: number };
}

/**
 * Applies each step's new weights only while everything is finite and
 * sums the epoch's loss, so that a diverging run stops with the last good
 * weights. Call `apply` inside `tf.tidy`.
 */
export class StepGuard {
  readonly mode = currentStepCheck();
  private sum = 0;
  private failed: EpochTotals['failed'];
  private readonly lossSum = toVariable(tf.scalar(0), false);
  private readonly healthy = toVariable(tf.scalar(true, 'bool'), false);
  private readonly failStep = toVariable(tf.scalar(-1, 'int32'), false);
  private readonly failLoss = toVariable(tf.scalar(0), false);

  /** Starts an epoch. */
  begin(): void {
    this.sum = 0;
    this.failed = undefined;
    if (this.mode === 'deferred') {
      tf.tidy(() => {
        this.lossSum.assign(tf.scalar(0));
        this.healthy.assign(tf.scalar(true, 'bool'));
        this.failStep.assign(tf.scalar(-1, 'int32'));
      });
    }
  }

  /**
   * Sets `vars` to `next` if the loss and the new weights are finite.
   * Returns false when the step was refused and the epoch must stop
   * (`'sync'` only; `'deferred'` learns it at `end`).
   */
  apply(
    step: number,
    value: tf.Scalar,
    next: readonly tf.Tensor[],
    vars: readonly tf.Variable[],
    batchLength: number,
  ): boolean {
    // One sum of the new weights carries any NaN or infinity through.
    const weightSum = tf.addN(next.map((t) => tf.sum(t)));
    if (this.mode === 'sync') {
      const [loss, total] = tf.stack([value, weightSum]).dataSync();
      if (!Number.isFinite(loss) || !Number.isFinite(total)) {
        this.failed = { step, loss: loss! };
        return false;
      }
      vars.forEach((v, i) => v.assign(next[i]!));
      this.sum += loss! * batchLength;
      return true;
    }
    const finite = tf.isFinite(tf.add(value, weightSum));
    const ok = tf.logicalAnd(this.healthy, finite) as tf.Scalar;
    vars.forEach((v, i) => v.assign(tf.where(ok, next[i]!, v)));
    const failsNow = tf.logicalAnd(this.healthy, tf.logicalNot(ok));
    this.failStep.assign(tf.where(failsNow, tf.scalar(step, 'int32'),
      this.failStep));
    this.failLoss.assign(tf.where(failsNow, value, this.failLoss));
    this.healthy.assign(ok);
    this.lossSum.assign(tf.add(this.lossSum,
      tf.where(ok, tf.mul(value, batchLength), tf.zerosLike(value))));
    return true;
  }

  /** Ends the epoch: the loss sum and the first refused step, if any. */
  end(): EpochTotals {
    if (this.mode === 'deferred') {
      const [sum, ok, step, loss] = [this.lossSum, this.healthy,
        this.failStep, this.failLoss].map((v) => v.dataSync()[0]!);
      this.sum = sum!;
      if (!ok) {
        this.failed = { step: step!, loss: loss! };
      }
    }
    return this.failed === undefined
      ? { lossSum: this.sum }
      : { lossSum: this.sum, failed: this.failed };
  }

  dispose(): void {
    tf.dispose([this.lossSum, this.healthy, this.failStep, this.failLoss]);
  }
}
