import { ShapeError } from '../errors.js';
import { optionError } from '../util/options.js';

// numpy's print defaults: np.get_printoptions().
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/**
 * An integer matrix as numpy's `print(cm)` shows it: entries right-aligned
 * to the widest one, rows wrapped at 75 columns, and matrices of more than
 * 1000 entries summarised with `...` (first and last three rows and
 * columns). No trailing newline.
 *
 * ```ts
 * formatConfusionMatrix([[5, 0], [1, 12]]);
 * // '[[ 5  0]\n [ 1 12]]'
 * ```
 *
 * TODO: float matrices (numpy's FloatFormat), e.g. normalised ones; they
 * throw for now.
 */
export function formatConfusionMatrix(
  matrix: readonly (readonly number[])[],
): string {
  const owner = 'formatConfusionMatrix';
  if (!Array.isArray(matrix) || matrix.length === 0) {
    throw optionError('matrix', owner, 'a non-empty array of rows', matrix);
  }
  const cols = matrix[0]!.length;
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols || cols === 0) {
      throw new ShapeError(
        `${owner}: every row must have the same, non-zero length. Row 0 ` +
          `has ${cols} entries and row ${i} has ` +
          `${Array.isArray(row) ? row.length : 'none'}.`,
        [matrix.length, cols],
      );
    }
    row.forEach((value, j) => {
      if (!Number.isInteger(value)) {
        throw optionError(
          'matrix',
          owner,
          `a matrix of integers (entry [${i}][${j}] is not one; float ` +
            'matrices are not supported yet)',
          value,
        );
      }
    });
  });
  const summarise = matrix.length * cols > THRESHOLD;
  const rowIndices = shown(matrix.length, summarise);
  const colIndices = shown(cols, summarise);

  // numpy pads every entry to the widest entry among those shown.
  let width = 0;
  for (const i of rowIndices) {
    for (const j of colIndices) {
      width = Math.max(width, String(matrix[i]![j]).length);
    }
  }
  const rows = matrix.map((row: readonly number[]) =>
    row.map((v) => String(v).padStart(width)),
  );

  const rowTexts: string[] = [];
  const rowSummary = summarise && matrix.length > 2 * EDGE_ITEMS;
  for (let i = 0; i < matrix.length; i++) {
    if (rowSummary && i === EDGE_ITEMS) {
      rowTexts.push('...');
      i = matrix.length - EDGE_ITEMS - 1;
      continue;
    }
    rowTexts.push(formatRow(rows[i]!, summarise));
  }
  return `[${rowTexts.join('\n ')}]`;
}

/** The row (or column) indices numpy shows along an axis. */
function shown(length: number, summarise: boolean): number[] {
  const all = Array.from({ length }, (_, i) => i);
  if (!summarise || length <= 2 * EDGE_ITEMS) {
    return all;
  }
  return [...all.slice(0, EDGE_ITEMS), ...all.slice(-EDGE_ITEMS)];
}

/**
 * One row as numpy's `_formatArray` lays out the last axis of a 2-d array:
 * a hanging indent of two spaces and 73 usable columns per line.
 */
function formatRow(words: readonly string[], summarise: boolean): string {
  const indent = '  ';
  const width = LINE_WIDTH - 1 - 1;
  const summary = summarise && words.length > 2 * EDGE_ITEMS;
  let text = '';
  let line = indent;
  const extend = (word: string): void => {
    // numpy does not wrap when the line holds only the indent.
    if (line.length + word.length > width && line.length > indent.length) {
      text += `${line.trimEnd()}\n`;
      line = indent;
    }
    line += word;
  };
  for (let j = 0; j < words.length; j++) {
    if (summary && j === EDGE_ITEMS) {
      extend('...');
      line += ' ';
      j = words.length - EDGE_ITEMS - 1;
      continue;
    }
    extend(words[j]!);
    if (j < words.length - 1) {
      line += ' ';
    }
  }
  text += line;
  return `[${text.slice(indent.length)}]`;
}
