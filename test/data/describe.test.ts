import * as fs from 'node:fs';
import { describe as group, expect, it } from 'vitest';
import { loadCsv } from '../../src/data/csv.js';
import {
  describe,
  formatDescribe,
  formatFloats,
  formatHead,
  formatInspection,
  formatValueCounts,
  quantile,
  valueCounts,
} from '../../src/data/describe.js';
import { fixture } from './helpers.js';

// Made by scripts/fixtures/data_describe.py with pandas 1.5.
const pandas = JSON.parse(
  fs.readFileSync(fixture('describe_small.pandas.json'), 'utf8'),
) as {
  shape: [number, number];
  columns: string[];
  describe: Record<string, number[]>;
  value_counts: [number, number][];
  value_counts_text: string;
  head_text: string;
  describe_text: string;
};

const load = () =>
  loadCsv(fixture('describe_small.csv'), { cache: false });

group('describe against pandas', () => {
  it('matches every describe() number', async () => {
    const data = await load();
    const summaries = describe(data);
    // File order, label (second column) included since it is numeric.
    expect(summaries.map((s) => s.name)).toEqual(pandas.columns);
    for (const s of summaries) {
      const want = pandas.describe[s.name]!;
      const got = [s.count, s.mean, s.std, s.min, s.q25, s.q50, s.q75,
        s.max];
      got.forEach((v, k) => {
        expect(v).toBeCloseTo(want[k]!, 9);
      });
    }
  });

  it("prints describe(), head() and value_counts() as pandas does",
    async () => {
      const data = await load();
      expect(formatDescribe(describe(data))).toBe(pandas.describe_text);
      expect(formatHead(data)).toBe(pandas.head_text);
      const counts = valueCounts(data.y);
      expect(counts.map((c) => [c.value, c.count])).toEqual(
        pandas.value_counts,
      );
      expect(formatValueCounts(counts, 'label')).toBe(
        `${pandas.value_counts_text}\nName: label, dtype: int64`,
      );
    });

  it('shows the first columns and the pandas shape line', async () => {
    const data = await load();
    const text = formatDescribe(describe(data), { maxColumns: 2 });
    const lines = text.split('\n');
    expect(lines[0]).toBe('          pixel_a      label ...');
    expect(lines[1]).toBe('count   37.000000  37.000000 ...');
    expect(lines.at(-1)).toBe('[8 rows x 5 columns]');
  });
});

group('describe pieces', () => {
  it('interpolates quantiles linearly, as numpy', () => {
    // [1, 2, 4, 8]: position (4 - 1) * 0.25 = 0.75 -> 1 + 0.75 * (2 - 1).
    expect(quantile([1, 2, 4, 8], 0.25)).toBe(1.75);
    // Position 1.5 -> 2 + 0.5 * (4 - 2) = 3.
    expect(quantile([1, 2, 4, 8], 0.5)).toBe(3);
    expect(quantile([5], 0.75)).toBe(5);
  });

  it('gives NaN std for one row, as pandas (ddof=1)', async () => {
    const data = {
      x: { data: Float32Array.from([2.5]), rows: 1, cols: 1 },
      y: Int32Array.from([1]),
      featureNames: ['a'],
      labelName: 'label',
      labelColumn: 1,
    };
    const [a] = describe(data);
    expect([a!.count, a!.mean, a!.min, a!.max]).toEqual([1, 2.5, 2.5, 2.5]);
    expect(a!.std).toBeNaN();
    expect(formatFloats([1, NaN])).toEqual(['1.0', 'NaN']);
  });

  it('leaves string labels out of describe and counts them', async () => {
    const data = await loadCsv(fixture('string_labels.csv'), {
      label: 'species',
    });
    expect(describe(data).map((s) => s.name)).toEqual(['x1', 'x2']);
    expect(formatValueCounts(valueCounts(data.y), 'species')).toBe(
      [
        'setosa        2',
        'versicolor    1',
        'virginica     1',
        'Name: species, dtype: int64',
      ].join('\n'),
    );
  });

  it('writes large and tiny magnitudes in scientific notation', () => {
    expect(formatFloats([1e20, 2])).toEqual([
      '1.000000e+20',
      '2.000000e+00',
    ]);
    expect(formatFloats([1e-9])).toEqual(['1.000000e-09']);
  });

  it('puts it together for trio inspect', async () => {
    const data = await load();
    const text = formatInspection(data, { rows: 2, columns: 3 });
    expect(text.split('\n').slice(0, 7)).toEqual([
      'File: test/fixtures/csv/describe_small.csv',
      'Shape: (37, 5)',
      '',
      'First 2 rows of the first 3 columns:',
      '   pixel_a  label  quarter',
      '0      175      0    -7.00',
      '1      196      2    -7.75',
    ]);
    expect(text).toContain('\n[8 rows x 5 columns]\n');
    expect(text.endsWith(
      `${pandas.value_counts_text}\nName: label, dtype: int64`,
    )).toBe(true);
  });
});
