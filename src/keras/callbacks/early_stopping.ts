import type * as tf from '@tensorflow/tfjs';
import { dispose } from '@tensorflow/tfjs';
import { callable } from '../callable.js';
import {
  bool,
  checkOptions,
  either,
  nonNegativeInt,
  nonNegativeNumber,
  oneOf,
  text,
  type OptionTable,
} from '../option_specs.js';
import { Callback, CallbackWarning, type Logs } from './callback.js';
import { monitorIncreases, type MonitorMode } from './monitor.js';

export interface EarlyStoppingOptions {
  /** Metric to watch. @default 'val_loss' */
  monitor?: string;
  /**
   * Smaller changes do not count as improvement. Python `min_delta`.
   * @default 0
   */
  minDelta?: number;
  /** Epochs without improvement before stopping. @default 0 */
  patience?: number;
  /** 1 reports when it stops and restores. @default 0 */
  verbose?: 0 | 1;
  /** `auto` infers the direction from the metric name. @default 'auto' */
  mode?: MonitorMode;
  /** Stop unless the metric beats this value. @default null */
  baseline?: number | null;
  /**
   * Restore the weights of the best epoch when training ends. Python
   * `restore_best_weights`. @default false
   */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching. Python `start_from_epoch`. @default 0 */
  startFromEpoch?: number;
}

export const EARLY_STOPPING_OPTIONS: OptionTable = {
  monitor: text,
  minDelta: nonNegativeNumber,
  patience: nonNegativeInt,
  verbose: oneOf([0, 1]),
  mode: oneOf(['auto', 'min', 'max']),
  baseline: either(
    { expected: 'a number', test: (v) => typeof v === 'number' },
    { expected: 'null', test: (v) => v === null },
  ),
  restoreBestWeights: bool,
  startFromEpoch: nonNegativeInt,
};

/**
 * Stops training when the monitored metric stops improving, with Keras 3's
 * rules (`keras/src/callbacks/early_stopping.py`): an epoch improves when
 * `current - minDelta` beats the best (for a rising metric), training stops
 * once `patience` epochs in a row did not, and with `restoreBestWeights`
 * the best epoch's weights are put back when training ends.
 *
 * Python: `keras.callbacks.EarlyStopping(monitor='val_loss', min_delta=0,
 * patience=0, verbose=0, mode='auto', baseline=None,
 * restore_best_weights=False, start_from_epoch=0)`.
 */
export class EarlyStoppingCallback extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** 0-based epoch at which training was stopped, 0 if it was not. */
  stoppedEpoch = 0;
  /** Best value seen. */
  best = Infinity;
  /** 0-based epoch of the best value. */
  bestEpoch = 0;
  private increases: boolean | undefined;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    checkOptions('EarlyStopping', options, EARLY_STOPPING_OPTIONS);
    this.monitor = options.monitor ?? 'val_loss';
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    this.verbose = options.verbose ?? 0;
    this.mode = options.mode ?? 'auto';
    this.baseline = options.baseline ?? null;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
  }

  onTrainBegin(): void {
    this.increases = monitorIncreases(this.monitor, this.mode,
      'EarlyStopping');
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.increases ? -Infinity : Infinity;
    this.bestEpoch = 0;
    this.dropBestWeights();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      this.output.warn(new CallbackWarning(
        `Early stopping conditioned on metric \`${this.monitor}\` which is ` +
          `not available. Available metrics are: ` +
          Object.keys(logs).join(',')));
      return;
    }
    if (epoch < this.startFromEpoch) {
      return;
    }
    const model = this.requireModel();
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.dropBestWeights();
        this.bestWeights = model.getWeights();
      }
      if (this.baseline === null ||
        this.isImprovement(current, this.baseline)) {
        this.wait = 0;
      }
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) {
      this.output.line(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    }
    if (this.restoreBestWeights && this.bestWeights !== undefined) {
      if (this.verbose > 0) {
        this.output.line('Restoring model weights from the end of the ' +
          `best epoch: ${this.bestEpoch + 1}.`);
      }
      this.requireModel().setWeights(this.bestWeights);
    }
    this.dropBestWeights();
  }

  private isImprovement(value: number, reference: number): boolean {
    return this.increases
      ? value - this.minDelta > reference
      : value + this.minDelta < reference;
  }

  private dropBestWeights(): void {
    if (this.bestWeights !== undefined) {
      dispose(this.bestWeights);
      this.bestWeights = undefined;
    }
  }
}

/** `callbacks.EarlyStopping({...})`, with or without `new`. */
export const EarlyStopping = callable(EarlyStoppingCallback);
