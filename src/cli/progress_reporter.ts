import type { TrioWarning } from '../errors.js';
import type { ProgressEvent, Reporter } from '../reporter.js';

/**
 * The CLI's reporter. On a terminal it keeps one progress bar line at the
 * bottom (model, epoch, step, elapsed, ETA, loss) and prints finished lines
 * above it; elsewhere it prints finished lines only (one per epoch).
 */
export class TerminalReporter implements Reporter {
  private barShown = false;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
    private readonly bars = Boolean(out.isTTY),
  ) {}

  line(text: string): void {
    this.clearBar();
    this.out.write(`${text}\n`);
  }

  warn(warning: TrioWarning): void {
    this.clearBar();
    this.err.write(`${warning.name}: ${warning.message}\n`);
  }

  progress(event: ProgressEvent): void {
    if (!this.bars) {
      return;
    }
    const now = Date.now();
    const last = event.step >= event.steps;
    if (!last && now - this.lastDraw < 100) {
      return;
    }
    this.lastDraw = now;
    const width = Math.max(40, (this.out.columns ?? 80) - 1);
    this.out.write(`\r${fitWidth(renderBar(event), width)}\x1b[K`);
    this.barShown = true;
  }

  /** Removes the bar so the next text starts on a clean line. */
  clearBar(): void {
    if (this.barShown) {
      this.out.write('\r\x1b[K');
      this.barShown = false;
    }
  }
}

/** Prints nothing but warnings: `--quiet`. */
export class QuietReporter implements Reporter {
  constructor(private readonly err: NodeJS.WritableStream = process.stderr) {}
  line(): void {}
  warn(warning: TrioWarning): void {
    this.err.write(`${warning.name}: ${warning.message}\n`);
  }
}

/** `model  epoch 2/5  [#####-----] 150/300  12s<8s  loss: 0.1234`. */
export function renderBar(event: ProgressEvent): string {
  const fraction = event.steps > 0 ? event.step / event.steps : 1;
  const cells = 20;
  const done = Math.round(fraction * cells);
  const bar = '#'.repeat(done) + '-'.repeat(cells - done);
  const eta = fraction > 0 ? event.elapsed * (1 / fraction - 1) : NaN;
  const logs = Object.entries(event.logs)
    .map(([k, v]) => `${k}: ${formatNumber(v)}`)
    .join(' - ');
  const parts = [
    event.model ?? '',
    `epoch ${event.epoch}/${event.epochs}`,
    `[${bar}] ${event.step}/${event.steps}`,
    `${formatSeconds(event.elapsed)}<${formatSeconds(eta)}`,
    logs,
  ];
  return parts.filter((p) => p !== '').join('  ');
}

export function formatSeconds(seconds: number): string {
  if (!isFinite(seconds)) {
    return '?';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s}s`;
  }
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

function formatNumber(v: number): string {
  return Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

function fitWidth(text: string, width: number): string {
  return text.length > width ? text.slice(0, width) : text;
}
