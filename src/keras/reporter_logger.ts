import type { TrioWarning } from '../errors.js';
import type { Reporter } from '../reporter.js';
import type { Logs } from './callbacks/callback.js';
import { sortedEntries } from './progbar_reporter.js';
import {
  formatStepTime,
  formatValue,
  roundHalfEven,
  type TrainingLogger,
} from './training_logger.js';

/** Seconds between progress events, as Keras's bar redraws. */
const PROGRESS_INTERVAL = 0.05;

/**
 * Sends fit's progress to a tfjs-trio `Reporter` (the comparison CLI's):
 * a `progress` event after the first and last step of each epoch and at
 * most every 0.05 s between (each read of the logs waits for the
 * backend), and one `line` per epoch,
 *
 *     Epoch 3/50 - 6/6 - 8s - 1s/step - accuracy: 0.9312 - loss: 0.2412
 */
export class ReporterLogger implements TrainingLogger {
  private epoch = 0;
  private epochs = 1;
  private steps = 0;
  private seen = 0;
  private start = 0;
  private firstStepEnd: number | undefined;
  private lastProgress = -Infinity;

  constructor(
    private readonly reporter: Reporter,
    private readonly model?: string,
    private readonly clock: () => number = () => performance.now() / 1000,
  ) {}

  epochBegin(epoch: number, epochs: number, steps: number): void {
    this.epoch = epoch;
    this.epochs = epochs;
    this.steps = steps;
    this.seen = 0;
    this.start = this.clock();
    this.firstStepEnd = undefined;
  }

  wantsBatchLogs(seen: number): boolean {
    return this.reporter.progress !== undefined && (seen === 1 ||
      seen === this.steps ||
      this.clock() - this.lastProgress >= PROGRESS_INTERVAL);
  }

  batchEnd(seen: number, logs?: Logs): void {
    this.seen = seen;
    const now = this.clock();
    if (seen === 1) {
      this.firstStepEnd = now;
    }
    if (logs === undefined) {
      return;
    }
    this.lastProgress = now;
    this.reporter.progress?.({
      ...(this.model === undefined ? {} : { model: this.model }),
      epoch: this.epoch + 1,
      epochs: this.epochs,
      step: seen,
      steps: this.steps,
      elapsed: now - this.start,
      logs: { ...logs },
    });
  }

  epochEnd(epoch: number, logs: Logs): void {
    const now = this.clock();
    const perStep = this.firstStepEnd !== undefined && this.seen > 1
      ? (now - this.firstStepEnd) / (this.seen - 1)
      : (now - this.start) / Math.max(1, this.seen);
    const metrics = sortedEntries(logs)
      .map(([k, v]) => ` - ${k}: ${formatValue(v)}`)
      .join('');
    this.reporter.line(
      `Epoch ${epoch + 1}/${this.epochs} - ${this.seen}/${this.steps} - ` +
        `${roundHalfEven(now - this.start)}s -` +
        `${formatStepTime(perStep)}${metrics}`);
  }

  line(text: string): void {
    this.reporter.line(text);
  }

  warn(warning: TrioWarning): void {
    this.reporter.warn(warning);
  }
}
