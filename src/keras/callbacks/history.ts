import { Callback, type FitParams, type Logs } from './callback.js';

/**
 * What `fit` returns, as Keras's `History`: `history` holds one list per
 * metric with Keras's key names (`loss`, `accuracy`, `val_loss`,
 * `val_accuracy`), `epoch` the 0-based epoch indices, `params`
 * `{verbose, epochs, steps}`.
 */
export class History extends Callback {
  readonly history: Record<string, number[]> = {};
  readonly epoch: number[] = [];

  override setParams(params: FitParams): void {
    super.setParams(params);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      (this.history[key] ??= []).push(value);
    }
  }
}
