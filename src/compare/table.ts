import type { ModelResult } from './run_comparison.js';

const HEADERS = [
  'model', 'facade', 'backend', 'epochs', 'train s', 'test accuracy',
  'macro F1', 'status',
];

/** The side-by-side table, as aligned plain text. */
export function formatComparisonTable(models: readonly ModelResult[]): string {
  const rows = models.map((m) => [
    m.name,
    m.facade,
    m.backend,
    String(m.epochs),
    m.trainSeconds.toFixed(1),
    isNaN(m.accuracy) ? '-' : m.accuracy.toFixed(4),
    isNaN(m.macroF1) ? '-' : m.macroF1.toFixed(4),
    m.status,
  ]);
  const widths = HEADERS.map((h, j) =>
    Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  // Text columns align left, numbers right.
  const numeric = [false, false, false, true, true, true, true, false];
  const render = (cells: string[]) => cells
    .map((c, j) => numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))
    .join('  ')
    .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(HEADERS), rule, ...rows.map(render)].join('\n');
}
