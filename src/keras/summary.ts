import { optionError } from '../util/options.js';

/** One row of the summary table. */
export interface SummaryRow {
  /** `dense (Dense)`. */
  layer: string;
  /** `(None, 128)`. */
  outputShape: string;
  params: number;
}

export interface SummaryCounts {
  trainable: number;
  nonTrainable: number;
  /** Bytes of trainable / non-trainable weights (float32: 4 per value). */
  trainableBytes: number;
  nonTrainableBytes: number;
  /** Present once the optimizer has built its variables. */
  optimizer?: { count: number; bytes: number };
}

export interface SummaryOptions {
  /**
   * Total width. Python `line_length`. @default min(88, terminal columns
   * - 4), where the columns are 80 when the output is not a terminal (as
   * Python's `shutil.get_terminal_size`), so usually 76.
   */
  lineLength?: number;
  /** Column ends as fractions of the width. @default [0.45, 0.8, 1] */
  positions?: number[];
  /**
   * Receives the whole summary text once, as Keras 3's `print_fn`. Pass
   * `console.log` to print it. Differs from Keras: without it, nothing is
   * printed; the text is only returned.
   */
  printFn?: (text: string) => void;
}

/** `109386` -> `109,386`. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras's `readable_memory_size`: base 1024, 2 decimals. */
export function readableSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) {
      return `${size.toFixed(2)} ${unit}`;
    }
    size /= 1024;
  }
  return `${size.toFixed(2)} PB`;
}

/** The default width: Keras caps 88 at the terminal width minus 4. */
export function defaultLineLength(): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  const fromEnv = Number(process.env['COLUMNS']);
  const width = columns ?? (Number.isInteger(fromEnv) && fromEnv > 0
    ? fromEnv
    : 80);
  return Math.min(88, width - 4);
}

/**
 * Keras 3's `model.summary()` text (`keras/src/utils/summary_utils.py`):
 * the title, a table drawn as the `rich` library draws it (heavy header,
 * a rule between rows) and the parameter counts with their sizes.
 */
export function formatSummary(
  modelName: string,
  rows: SummaryRow[],
  counts: SummaryCounts,
  options: SummaryOptions = {},
): string {
  const lineLength = options.lineLength ?? defaultLineLength();
  const positions = options.positions ?? [0.45, 0.8, 1.0];
  const widths = columnWidths(lineLength, positions);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const align: ('left' | 'right')[] = ['left', 'left', 'right'];
  const rule = (l: string, fill: string, mid: string, r: string) =>
    l + widths.map((w) => fill.repeat(w)).join(mid) + r;
  const lines: string[] = [`Model: "${modelName}"`];
  lines.push(rule('┏', '━', '┳', '┓'));
  lines.push(...cells(header, widths, align, '┃'));
  lines.push(rule('┡', '━', '╇', '┩'));
  rows.forEach((row, i) => {
    if (i > 0) {
      lines.push(rule('├', '─', '┼', '┤'));
    }
    const fields = [row.layer, row.outputShape, thousands(row.params)];
    lines.push(...cells(fields, widths, align, '│'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  const opt = counts.optimizer;
  const total = counts.trainable + counts.nonTrainable + (opt?.count ?? 0);
  const totalBytes = counts.trainableBytes + counts.nonTrainableBytes +
    (opt?.bytes ?? 0);
  const footer = (label: string, n: number, bytes: number) =>
    ` ${label}: ${thousands(n)} (${readableSize(bytes)})`;
  lines.push(footer('Total params', total, totalBytes));
  lines.push(footer('Trainable params', counts.trainable,
    counts.trainableBytes));
  lines.push(footer('Non-trainable params', counts.nonTrainable,
    counts.nonTrainableBytes));
  if (opt !== undefined && opt.count > 0) {
    lines.push(footer('Optimizer params', opt.count, opt.bytes));
  }
  const text = `${lines.join('\n')}\n`;
  options.printFn?.(text);
  return text;
}

/**
 * Widths of the columns including their one-space padding on each side,
 * as `rich` computes them: fixed widths from `positions`, then, when the
 * table is wider than `lineLength`, the excess taken from every column in
 * turn (`rich._ratio.ratio_reduce`).
 */
export function columnWidths(lineLength: number, positions: number[]) {
  const widths: number[] = [];
  let current = 0;
  for (const pos of positions) {
    const width = Math.floor(pos * lineLength) - current;
    if (width < 4) {
      throw optionError('lineLength', 'summary',
        'wide enough for every column (each at least 4 characters)',
        lineLength);
    }
    widths.push(width + 2);
    current += width;
  }
  const available = lineLength - (widths.length + 1);
  const excess = widths.reduce((a, b) => a + b, 0) - available;
  if (excess <= 0) {
    return widths;
  }
  let remaining = excess;
  let ratioLeft = widths.length;
  return widths.map((w) => {
    const cut = Math.min(w, pythonRound(remaining / ratioLeft));
    remaining -= cut;
    ratioLeft -= 1;
    return w - cut;
  });
}

/** Python 3 `round`: halves go to the even neighbour. */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** One table row, folded onto several lines when a cell is too long. */
function cells(
  fields: string[],
  widths: number[],
  align: ('left' | 'right')[],
  edge: string,
): string[] {
  const chunks = fields.map((f, i) => fold(f, widths[i]! - 2));
  const height = Math.max(...chunks.map((c) => c.length));
  const out: string[] = [];
  for (let line = 0; line < height; line++) {
    const parts = chunks.map((c, i) => {
      const text = c[line] ?? '';
      const w = widths[i]! - 2;
      const padded = align[i] === 'right'
        ? text.padStart(w)
        : text.padEnd(w);
      return ` ${padded} `;
    });
    out.push(edge + parts.join(edge) + edge);
  }
  return out;
}

function fold(text: string, width: number): string[] {
  if (text.length <= width) {
    return [text];
  }
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) {
    out.push(text.slice(i, i + width));
  }
  return out;
}
