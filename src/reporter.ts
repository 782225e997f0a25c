import type { TrioWarning } from './errors.js';

/**
 * Where library code sends what a user might want to read. Library code
 * never prints; the CLI (or the user) chooses a reporter.
 */
export interface Reporter {
  /** One finished line of text, such as `Iteration 3, loss = 0.12345678`. */
  line(text: string): void;
  /** A typed warning such as `ConvergenceWarning`. */
  warn(warning: TrioWarning): void;
  /**
   * Progress within an epoch, for progress bars. Optional: a reporter that
   * does not draw bars leaves it out.
   */
  progress?(event: ProgressEvent): void;
}

export interface ProgressEvent {
  /** Which model is training, when several run side by side. */
  model?: string;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  /** Seconds since the epoch started. */
  elapsed: number;
  /** Metrics known so far (loss, accuracy...). */
  logs: Record<string, number>;
}

/** Discards everything: the default when `verbose` is off. */
export const silentReporter: Reporter = {
  line() {},
  warn() {},
};

/** Collects lines and warnings in memory; useful in tests. */
export class MemoryReporter implements Reporter {
  readonly lines: string[] = [];
  readonly warnings: TrioWarning[] = [];
  readonly events: ProgressEvent[] = [];
  line(text: string): void {
    this.lines.push(text);
  }
  warn(warning: TrioWarning): void {
    this.warnings.push(warning);
  }
  progress(event: ProgressEvent): void {
    this.events.push(event);
  }
}

/** Writes lines to a stream (stdout by default) and warnings to stderr. */
export class ConsoleReporter implements Reporter {
  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}
  line(text: string): void {
    this.out.write(`${text}\n`);
  }
  warn(warning: TrioWarning): void {
    this.err.write(`${warning.name}: ${warning.message}\n`);
  }
}
