import type { TrioWarning } from '../errors.js';
import type { Logs } from './callbacks/callback.js';
import {
  formatStepTime,
  formatValue,
  roundHalfEven,
  type TrainingLogger,
} from './training_logger.js';

const BOLD = '\x1b[1m';
const GREEN = '\x1b[32m';
const GREY = '\x1b[37m';
const RESET = '\x1b[0m';

export interface ProgbarOptions {
  /** Steps in the epoch; `undefined` when unknown. */
  target: number | undefined;
  /** 1 draws the bar, 2 writes one line when finished. @default 1 */
  verbose?: 1 | 2;
  /** Bar width in characters. @default 20 */
  width?: number;
  /** Minimum seconds between redraws. @default 0.05 */
  interval?: number;
  /** Redraw in place (a terminal) or write finished lines only. */
  dynamic: boolean;
  write: (text: string) => void;
  /** Seconds, for tests. @default performance.now() / 1000 */
  clock?: () => number;
}

/**
 * Keras's progress bar (`keras/src/utils/progbar.py`), drawn to a writer:
 *
 *     469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - accuracy: 0.91 - loss: 0.3
 *
 * On a terminal (`dynamic`) it redraws in place with Keras's colours and
 * an ETA; otherwise it writes only the finished line, without colours.
 * Values are averaged over the steps as Keras's stateless metrics are;
 * the finishing update shows the values it is given as they are.
 */
export class Progbar {
  private readonly target: number | undefined;
  private readonly verbose: 1 | 2;
  private readonly width: number;
  private readonly interval: number;
  private readonly dynamic: boolean;
  private readonly write: (text: string) => void;
  private readonly clock: () => number;
  private readonly values = new Map<string, [number, number]>();
  private seenSoFar = 0;
  private readonly start: number;
  private lastUpdate = 0;
  private timeAfterFirstStep: number | undefined;
  private prevTotalWidth = 0;

  constructor(options: ProgbarOptions) {
    this.target = options.target;
    this.verbose = options.verbose ?? 1;
    this.width = options.width ?? 20;
    this.interval = options.interval ?? 0.05;
    this.dynamic = options.dynamic;
    this.write = options.write;
    this.clock = options.clock ?? (() => performance.now() / 1000);
    this.start = this.clock();
  }

  /** Steps in the epoch (Keras's `target`). */
  get steps(): number | undefined {
    return this.target;
  }

  /**
   * Whether an update at step `current` would draw values now (a terminal
   * bar whose redraw interval has passed). Between draws `fit` calls
   * `tick` instead and reads nothing; the values of the next draw then
   * weigh for all the steps since the last one, as Keras's progress bar
   * weighs them when several steps run per execution.
   */
  wantsValues(current: number): boolean {
    if (this.verbose !== 1 || !this.dynamic) {
      return this.target !== undefined && current >= this.target;
    }
    return this.clock() - this.lastUpdate >= this.interval ||
      (this.target !== undefined && current >= this.target);
  }

  /** Step `current` is done; nothing to draw (keeps the step timing). */
  tick(current: number): void {
    this.estimateStepDuration(current, this.clock());
  }

  update(
    current: number,
    values: [string, number][] = [],
    finalize?: boolean,
  ): void {
    const done = finalize ??
      (this.target !== undefined && current >= this.target);
    for (const [key, value] of values) {
      if (done) {
        this.values.set(key, [value, 1]);
      } else {
        const base = Math.max(current - this.seenSoFar, 1);
        const old = this.values.get(key);
        this.values.set(key, old === undefined
          ? [value * base, base]
          : [old[0] + value * base, old[1] + base]);
      }
    }
    this.seenSoFar = current;
    const now = this.clock();
    const timePerUnit = this.estimateStepDuration(current, now);
    if (this.verbose === 1) {
      if (now - this.lastUpdate < this.interval && !done) {
        return;
      }
      this.lastUpdate = now;
      if (!this.dynamic && !done) {
        return;
      }
      this.drawBar(current, done, now, timePerUnit);
    } else if (done && this.target !== undefined && this.target > 0) {
      const digits = Math.floor(Math.log10(this.target)) + 1;
      let info = `${String(current).padStart(digits)}/${this.target} - ` +
        `${roundHalfEven(now - this.start)}s -` +
        formatStepTime(timePerUnit);
      info += this.metricsText(false);
      this.write(`${info}\n`);
    }
    this.lastUpdate = now;
  }

  private drawBar(
    current: number,
    done: boolean,
    now: number,
    timePerUnit: number,
  ): void {
    const color = this.dynamic;
    const paint = (code: string, s: string) =>
      color ? `${code}${s}${RESET}` : s;
    let bar: string;
    let plain: string;
    if (this.target !== undefined && this.target > 0) {
      const digits = Math.floor(Math.log10(this.target)) + 1;
      const count = `${String(current).padStart(digits)}/${this.target}`;
      const filled = Math.floor((this.width * current) / this.target);
      const doneBar = '━'.repeat(Math.max(0, Math.min(filled, this.width)));
      const rest = '━'.repeat(this.width - doneBar.length);
      bar = `${paint(BOLD, count)} ` +
        (doneBar.length > 0 ? paint(GREEN, doneBar) : '') + paint(GREY, rest);
      plain = `${count} ${doneBar}${rest}`;
    } else {
      bar = plain = `${String(current).padStart(7)}/Unknown`;
    }
    let time: string;
    if (this.target !== undefined && this.target > 0 && !done) {
      time = formatEta(timePerUnit * (this.target - current));
    } else {
      time = `${roundHalfEven(now - this.start)}s`;
    }
    let info = ` ${paint(BOLD, time)}` + formatStepTime(timePerUnit);
    let infoPlain = ` ${time}` + formatStepTime(timePerUnit);
    const metrics = this.metricsText(true);
    info += metrics;
    infoPlain += metrics;
    const totalWidth = plain.length + infoPlain.length;
    let message = this.dynamic ? `\r${bar}${info}` : `${bar}${info}`;
    if (this.dynamic && this.prevTotalWidth > totalWidth) {
      message += ' '.repeat(this.prevTotalWidth - totalWidth);
    }
    if (done) {
      message += '\n';
    }
    this.write(message);
    this.prevTotalWidth = totalWidth;
  }

  private metricsText(signed: boolean): string {
    let text = '';
    for (const [key, [sum, count]] of this.values) {
      text += ` - ${key}: ${formatValue(sum / Math.max(1, count), signed)}`;
    }
    return text;
  }

  /** Keras ignores the (slow) first step once there are more. */
  private estimateStepDuration(current: number, now: number): number {
    if (current === 0) {
      return 0;
    }
    const perUnit = this.timeAfterFirstStep !== undefined && current > 1
      ? (now - this.timeAfterFirstStep) / (current - 1)
      : (now - this.start) / current;
    if (current === 1) {
      this.timeAfterFirstStep = now;
    }
    return perUnit;
  }
}

/** Keras's ETA: `42s`, `3:07`, `1:02:03`. */
export function formatEta(eta: number): string {
  const two = (n: number) => String(Math.floor(n)).padStart(2, '0');
  if (eta > 3600) {
    return `${Math.floor(eta / 3600)}:${two((eta % 3600) / 60)}:` +
      two(eta % 60);
  }
  if (eta > 60) {
    return `${Math.floor(eta / 60)}:${two(eta % 60)}`;
  }
  return `${Math.floor(eta)}s`;
}

export interface ProgbarReporterOptions {
  /** 1: a bar per epoch; 2: one line per epoch. @default 1 */
  verbose?: 1 | 2;
  /** Where to draw. @default process.stdout */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * Draw in place with colours. @default stream.isTTY: a bar on a
   * terminal, one finished line per epoch otherwise.
   */
  dynamic?: boolean;
  /** Seconds, for tests. */
  clock?: () => number;
}

/**
 * The Keras progress output of `fit` (`ProgbarLogger`): `Epoch i/N` before
 * each epoch when there are several, then the bar (verbose 1) or one line
 * (verbose 2). Callback messages and warnings go to the same stream.
 */
export class ProgbarReporter implements TrainingLogger {
  private readonly verbose: 1 | 2;
  private readonly stream: NodeJS.WritableStream;
  private readonly dynamic: boolean;
  private readonly clock: (() => number) | undefined;
  private bar: Progbar | undefined;

  constructor(options: ProgbarReporterOptions = {}) {
    this.verbose = options.verbose ?? 1;
    const stream = options.stream ?? process.stdout;
    this.stream = stream;
    this.dynamic = options.dynamic ??
      ((stream as { isTTY?: boolean }).isTTY === true);
    this.clock = options.clock;
  }

  epochBegin(epoch: number, epochs: number, steps: number): void {
    this.bar = new Progbar({
      target: steps,
      verbose: this.verbose,
      dynamic: this.dynamic,
      write: (text) => this.stream.write(text),
      ...(this.clock === undefined ? {} : { clock: this.clock }),
    });
    if (epochs > 1) {
      this.stream.write(`Epoch ${epoch + 1}/${epochs}\n`);
    }
  }

  wantsBatchLogs(seen: number): boolean {
    // Between draws, and always off a terminal, the values are not shown.
    return this.verbose === 1 && this.dynamic &&
      (this.bar?.wantsValues(seen) ?? false);
  }

  batchEnd(seen: number, logs?: Logs): void {
    if (logs !== undefined && this.verbose === 1) {
      this.bar?.update(seen, sortedEntries(logs), false);
    } else {
      this.bar?.tick(seen);
    }
  }

  epochEnd(_epoch: number, logs: Logs): void {
    const bar = this.bar;
    if (bar !== undefined) {
      bar.update(bar.steps ?? 0, sortedEntries(logs), true);
    }
  }

  line(text: string): void {
    this.stream.write(`${text}\n`);
  }

  warn(warning: TrioWarning): void {
    this.stream.write(`${warning.name}: ${warning.message}\n`);
  }
}

/** Keras lists logs sorted by name: accuracy, loss, val_accuracy, ... */
export function sortedEntries(logs: Logs): [string, number][] {
  return Object.entries(logs).sort(([a], [b]) => (a < b ? -1 : 1));
}
