import type { TrioWarning } from '../errors.js';
import type { Logs } from './callbacks/callback.js';

/**
 * What `fit` tells about its progress. The Keras progress bar
 * (`progbar_reporter.ts`) and the comparison CLI's reporter
 * (`reporter_logger.ts`) both implement it; library code never prints.
 */
export interface TrainingLogger {
  /** `epoch` is 0-based; `epochs` is fit's final epoch count. */
  epochBegin(epoch: number, epochs: number, steps: number): void;
  /**
   * Whether `batchEnd(seen)` would use the logs now. Reading them waits
   * for the backend, so `fit` reads them only when asked. @default true
   */
  wantsBatchLogs?(seen: number): boolean;
  /**
   * `seen` is the number of steps done in this epoch (1-based); `logs`
   * (running means) are given when `wantsBatchLogs` said so.
   */
  batchEnd(seen: number, logs?: Logs): void;
  /** Logs of the finished epoch, with `val_*` when validating. */
  epochEnd(epoch: number, logs: Logs): void;
  /** A message from a callback (EarlyStopping, ModelCheckpoint). */
  line(text: string): void;
  warn(warning: TrioWarning): void;
}

/** Says nothing: `verbose: 0`. */
export const silentLogger: TrainingLogger = {
  epochBegin() {},
  wantsBatchLogs: () => false,
  batchEnd() {},
  epochEnd() {},
  line() {},
  warn() {},
};

/** Keras shows `.4f` when |v| > 1e-3 and `.4e` otherwise. */
export function formatValue(value: number, signed = true): string {
  const big = signed ? Math.abs(value) > 1e-3 : value > 1e-3;
  if (big || !Number.isFinite(value)) {
    return Number.isFinite(value) ? value.toFixed(4) : pythonFloat(value);
  }
  return value.toExponential(4).replace(/e([+-])(\d)$/,
    (_, sign: string, digit: string) => `e${sign}0${digit}`);
}

function pythonFloat(value: number): string {
  if (Number.isNaN(value)) {
    return 'nan';
  }
  return value > 0 ? 'inf' : '-inf';
}

/** Keras's `_format_time`: ` 3s/step`, ` 12ms/step`, ` 850us/step`. */
export function formatStepTime(seconds: number, unit = 'step'): string {
  if (seconds >= 1 || seconds === 0) {
    return ` ${roundHalfEven(seconds)}s/${unit}`;
  }
  if (seconds >= 1e-3) {
    return ` ${roundHalfEven(seconds * 1000)}ms/${unit}`;
  }
  return ` ${roundHalfEven(seconds * 1e6)}us/${unit}`;
}

/** Python's `f'{x:.0f}'` (round half to even). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
