/** Plain-text tables for the benchmark's stdout. */

/** Right-aligns every column but the first. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) =>
    Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, j) =>
      j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line)].join('\n');
}

export function seconds(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

export function ratio(
  value: number | undefined,
  base: number | undefined,
): string {
  if (value === undefined || base === undefined || !(base > 0)) return '-';
  return `${(value / base).toFixed(2)}x`;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
