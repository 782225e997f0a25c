import * as tf from '@tensorflow/tfjs';
import { toVariable } from './network.js';

/**
 * How each training step is checked for a non-finite loss or weight:
 * - `'sync'` reads two numbers per step (the loss and a sum of the new
 *   weights) and applies the step only when both are finite. The sum and
 *   the read cost a few kernels per step; `'epoch'` replays with it.
 * - `'deferred'` never reads inside the epoch: a `tf.where` keeps the old
 *   weights from the first bad step on, and the epoch's end reads the
 *   verdict (for webgl and other asynchronous backends).
 * - `'epoch'` (the default on synchronous backends) never reads inside
 *   the epoch and applies every step; the epoch's end reads every step's
 *   loss and a sum of the final weights in one go. A non-finite weight
 *   stays non-finite under additive updates, so a bad step anywhere shows
 *   there; the caller then restores the weights and optimiser state saved
 *   at the epoch's start and replays the epoch in `'sync'` mode, which
 *   stops at the same step with the same weights as `'sync'` would. The
 *   loss sum is added in JS in step order, as in `'sync'`: same numbers.
 */
export type StepCheck = 'sync' | 'deferred' | 'epoch';

const SYNCHRONOUS_BACKENDS = ['wasm', 'cpu', 'tensorflow'];
let forced: StepCheck | undefined;

/** Forces a mode (tests); `undefined` restores the choice by backend. */
export function setStepCheck(mode: StepCheck | undefined): void {
  forced = mode;
}

export function currentStepCheck(): StepCheck {
  return forced ??
    (SYNCHRONOUS_BACKENDS.includes(tf.getBackend()) ? 'epoch' : 'deferred');
}

/** What an epoch's steps added up to. */
export interface EpochTotals {
  /** Sum over steps of batch loss times batch length. */
  lossSum: number;
  /** The first step (0-based) that was refused, and its loss. */
  failed?: { step: number; loss: number };
  /**
   * `'epoch'` mode only: some step went non-finite; restore the state of
   * the epoch's start and replay it with `begin('sync')`.
   */
  replay?: boolean;
}

/**
 * Applies each step's new weights only while everything is finite and
 * sums the epoch's loss, so that a diverging run stops with the last good
 * weights. Call `apply` inside `tf.tidy`.
 */
export class StepGuard {
  /** The mode chosen for this fit. */
  readonly mode = currentStepCheck();
  /** The mode of the current epoch (`mode`, or `'sync'` in a replay). */
  private current: StepCheck = this.mode;
  private sum = 0;
  private failed: EpochTotals['failed'];
  /** `'epoch'` mode: each step's loss, kept until the epoch's end. */
  private losses: tf.Scalar[] = [];
  private lengths: number[] = [];
  private vars: readonly tf.Variable[] = [];
  private readonly lossSum = toVariable(tf.scalar(0), false);
  private readonly healthy = toVariable(tf.scalar(true, 'bool'), false);
  private readonly failStep = toVariable(tf.scalar(-1, 'int32'), false);
  private readonly failLoss = toVariable(tf.scalar(0), false);

  /** Starts an epoch (in `mode`, unless a replay asks for `'sync'`). */
  begin(mode: StepCheck = this.mode): void {
    this.current = mode;
    this.sum = 0;
    this.failed = undefined;
    this.release();
    if (this.current === 'deferred') {
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
    if (this.current === 'epoch') {
      vars.forEach((v, i) => v.assign(next[i]!));
      this.losses.push(tf.keep(value));
      this.lengths.push(batchLength);
      this.vars = vars;
      return true;
    }
    // One sum of the new weights carries any NaN or infinity through.
    const weightSum = tf.addN(next.map((t) => tf.sum(t)));
    if (this.current === 'sync') {
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
    if (this.current === 'epoch') {
      const read = tf.tidy(() => tf.concat([
        tf.stack(this.losses.length > 0 ? this.losses : [tf.scalar(0)]),
        tf.reshape(tf.addN([tf.scalar(0),
          ...this.vars.map((t) => tf.sum(t))]), [1]),
      ]).dataSync());
      const total = read[read.length - 1]!;
      let ok = Number.isFinite(total);
      this.lengths.forEach((length, i) => {
        ok = ok && Number.isFinite(read[i]!);
        this.sum += read[i]! * length;
      });
      this.release();
      return ok ? { lossSum: this.sum } : { lossSum: this.sum, replay: true };
    }
    if (this.current === 'deferred') {
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

  private release(): void {
    tf.dispose(this.losses);
    this.losses = [];
    this.lengths = [];
  }

  dispose(): void {
    this.release();
    tf.dispose([this.lossSum, this.healthy, this.failStep, this.failLoss]);
  }
}
