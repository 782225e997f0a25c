import type * as tf from '@tensorflow/tfjs';
import { TrioWarning } from '../../errors.js';

/** Metrics of a batch or an epoch: `{loss, accuracy, val_loss, ...}`. */
export type Logs = Record<string, number>;

/** `History.params`, as Keras's `{'verbose', 'epochs', 'steps'}`. */
export interface FitParams {
  verbose: number;
  epochs: number;
  steps: number;
}

/** What callbacks may do with the model they are attached to. */
export interface CallbackModel {
  /** Set to true to stop after the current epoch. */
  stopTraining: boolean;
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
  save(path: string, options?: { overwrite?: boolean }): Promise<string>;
  /** Python names of the compiled metrics (`accuracy`...). */
  readonly metricsNames: string[];
}

/** Where callbacks send their messages (fit's progress output). */
export interface CallbackOutput {
  line(text: string): void;
  warn(warning: TrioWarning): void;
}

/**
 * The hooks a callback may define, as Keras's `keras.callbacks.Callback`
 * (`on_epoch_end` is `onEpochEnd`). Any may be async; fit awaits it.
 * A plain object with some of these methods works too (Keras's
 * `LambdaCallback`).
 */
export interface CallbackHooks {
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** Also called as Python's `on_batch_begin`. */
  onTrainBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onTrainBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** Alias of `onTrainBatchBegin`, as in Keras. */
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** Alias of `onTrainBatchEnd`, as in Keras. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  setModel?(model: CallbackModel): void;
  setParams?(params: FitParams): void;
  setOutput?(output: CallbackOutput): void;
}

/**
 * Base class for callbacks. `model`, `params` and the output are set by
 * `fit` before `onTrainBegin`.
 */
export class Callback implements CallbackHooks {
  model: CallbackModel | undefined;
  params: FitParams | undefined;
  protected output: CallbackOutput = { line() {}, warn() {} };

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  setParams(params: FitParams): void {
    this.params = params;
  }

  setOutput(output: CallbackOutput): void {
    this.output = output;
  }

  /** The model, or an error if the callback is used outside fit. */
  protected requireModel(): CallbackModel {
    if (this.model === undefined) {
      throw new Error(`${this.constructor.name} is not attached to a model.`);
    }
    return this.model;
  }
}

/** Calls the hooks of several callbacks in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: CallbackHooks[]) {}

  setup(model: CallbackModel, params: FitParams, output: CallbackOutput) {
    for (const cb of this.callbacks) {
      cb.setModel?.(model);
      cb.setParams?.(params);
      cb.setOutput?.(output);
    }
  }

  async trainBegin(logs: Logs) {
    for (const cb of this.callbacks) {
      await cb.onTrainBegin?.(logs);
    }
  }

  async trainEnd(logs: Logs) {
    for (const cb of this.callbacks) {
      await cb.onTrainEnd?.(logs);
    }
  }

  async epochBegin(epoch: number, logs: Logs) {
    for (const cb of this.callbacks) {
      await cb.onEpochBegin?.(epoch, logs);
    }
  }

  async epochEnd(epoch: number, logs: Logs) {
    for (const cb of this.callbacks) {
      await cb.onEpochEnd?.(epoch, logs);
    }
  }

  /** True when some callback listens to batches (fit then awaits them). */
  get hasBatchHooks(): boolean {
    return this.callbacks.some((cb) =>
      cb.onTrainBatchBegin !== undefined || cb.onTrainBatchEnd !== undefined ||
      cb.onBatchBegin !== undefined || cb.onBatchEnd !== undefined);
  }

  async batchBegin(batch: number, logs: Logs) {
    for (const cb of this.callbacks) {
      await cb.onTrainBatchBegin?.(batch, logs);
      await cb.onBatchBegin?.(batch, logs);
    }
  }

  async batchEnd(batch: number, logs: Logs) {
    for (const cb of this.callbacks) {
      await cb.onTrainBatchEnd?.(batch, logs);
      await cb.onBatchEnd?.(batch, logs);
    }
  }
}

/** A warning from a callback, such as a missing monitored metric. */
export class CallbackWarning extends TrioWarning {
  override readonly name: string = 'CallbackWarning';
}
