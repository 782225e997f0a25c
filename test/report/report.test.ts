import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OptionError, ShapeError } from '../../src/errors.js';
import { fileStems } from '../../src/report/file_names.js';
import {
  buildReport,
  writeReport,
  type ModelResult,
} from '../../src/report/index.js';
import { prefixSvgIds } from '../../src/report/svg.js';

// A 3-class confusion matrix with distinct counts, so each cell can be
// found in the SVG by its count: rows true labels, columns predicted.
const CONFUSION = [
  [11, 1, 2],
  [3, 12, 4],
  [5, 6, 13],
];

function result(overrides: Partial<ModelResult> = {}): ModelResult {
  return {
    name: 'mlp',
    facade: 'sklearn',
    backend: 'wasm',
    epochs: 4,
    trainSeconds: 1.25,
    accuracy: 36 / 57,
    macroF1: 0.625,
    lossCurve: [0.9, 0.5, 0.3, 0.25],
    confusion: CONFUSION,
    report: 'precision    recall  <report text>\n',
    classes: ['cat', 'dog', 'eel'],
    ...overrides,
  };
}

/** The `aria-label` and `d` of each mark of one kind in a Vega SVG. */
function marks(svg: string, kind: string): { label: string; d: string }[] {
  const pattern = new RegExp(
    `aria-label="([^"]*)" role="graphics-symbol" ` +
      `aria-roledescription="${kind}"[^>]*?d="([^"]*)"`,
    'g',
  );
  return [...svg.matchAll(pattern)].map((m) => ({ label: m[1]!, d: m[2]! }));
}

function textMarks(svg: string): string[] {
  const pattern =
    /aria-roledescription="text mark"[^>]*>([^<]*)<\/text>/g;
  return [...svg.matchAll(pattern)].map((m) => m[1]!);
}

describe('charts', () => {
  it('draws the confusion matrix cell by cell, true in rows', async () => {
    const { charts } = await buildReport([result()]);
    const chart = charts.find((c) => c.kind === 'confusion')!;
    expect(chart.file).toBe('mlp-confusion.svg');
    const cells = marks(chart.svg, 'rect mark');
    expect(cells).toHaveLength(9);
    // 3 classes get 36-pixel cells (min(36, 400 / 3)): the cell for true
    // label i, predicted label j starts at x = 36 j, y = 36 i.
    const names = ['cat', 'dog', 'eel'];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const label =
          `predicted label: ${names[j]}; true label: ${names[i]}; ` +
          `count: ${CONFUSION[i]![j]}`;
        const cell = cells.find((c) => c.label === label);
        expect(cell, label).toBeDefined();
        expect(cell!.d.startsWith(`M${36 * j},${36 * i}h36v36`)).toBe(true);
      }
    }
    // Each count is written in its cell.
    expect(textMarks(chart.svg).map(Number).sort((a, b) => a - b)).toEqual(
      CONFUSION.flat().sort((a, b) => a - b),
    );
  });

  it('draws training and validation losses, a point per epoch', async () => {
    const { charts } = await buildReport([
      result({ valLossCurve: [1.0, 0.6, 0.45, 0.44] }),
    ]);
    const chart = charts.find((c) => c.kind === 'loss')!;
    expect(chart.file).toBe('mlp-loss.svg');
    const lines = marks(chart.svg, 'line mark');
    expect(lines).toHaveLength(2);
    // 4 epochs: each line has a move and three line-to commands.
    for (const line of lines) {
      expect(line.d.match(/L/g)).toHaveLength(3);
    }
    expect(marks(chart.svg, 'point')).toHaveLength(8);
    expect(chart.svg).toContain('epoch: 4; loss: 0.44; curve: validation');
    expect(chart.svg).toContain('>validation</text>');
  });

  it('shows no validation entry without a validation curve', async () => {
    const { charts } = await buildReport([result()]);
    const chart = charts.find((c) => c.kind === 'loss')!;
    expect(marks(chart.svg, 'line mark')).toHaveLength(1);
    expect(chart.svg).not.toContain('validation');
  });

  it('leaves charts out for a model that did not train', async () => {
    const { charts, html } = await buildReport([
      result(),
      result({
        name: 'broken',
        status: 'failed',
        error: 'Loss became NaN',
        lossCurve: [],
        confusion: [],
        report: '',
        accuracy: NaN,
        macroF1: NaN,
      }),
    ]);
    expect(charts.map((c) => c.file)).toEqual([
      'mlp-loss.svg',
      'mlp-confusion.svg',
    ]);
    expect(html).toContain('<p class="error">Loss became NaN</p>');
    expect(html).toContain('<td class="num">&mdash;</td>');
    expect(html).toContain('<td>failed</td>');
  });
});

describe('the page', () => {
  it('holds the table, every chart inline and each report', async () => {
    const results = [
      result(),
      result({ name: 'keras mlp', facade: 'keras', backend: 'cpu' }),
    ];
    const { html, charts } = await buildReport(results);
    expect(html).toContain(
      '<tr><td><a href="#model-mlp">mlp</a></td><td>sklearn</td>' +
        '<td>wasm</td><td class="num">4</td><td class="num">1.2</td>' +
        '<td class="num">0.6316</td><td class="num">0.6250</td></tr>',
    );
    // 1.25 rounds half to even at one digit, as Python prints it: 1.2;
    // 36/57 = 0.63157...
    expect(html.match(/<figure class="chart"/g)).toHaveLength(4);
    expect(html.match(/<svg /g)).toHaveLength(charts.length);
    expect(html.match(/<pre class="report">/g)).toHaveLength(2);
    expect(html).toContain('&lt;report text&gt;');
  });

  it('needs nothing from the network or the disk', async () => {
    const { html } = await buildReport([result()]);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import/i);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html).toContain("default-src 'none'");
  });

  it('gives every SVG element id in the page a unique name', async () => {
    const { html } = await buildReport([result(), result({ name: 'b' })]);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(4);
    expect(new Set(ids).size).toBe(ids.length);
    // Every url(#...) reference points at an id of the page.
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) {
      expect(ids).toContain(m[1]);
    }
  });

  it('escapes names, reports and errors', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const { html, charts } = await buildReport([
      result({
        name: evil,
        facade: '"><script>x</script>',
        report: '</pre><script>alert(2)</script>',
        error: '<b>bold</b>',
        classes: ['<i>', 'b&c', '"q"'],
      }),
    ]);
    expect(html).not.toMatch(/<script|<img|<i>|<b>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    for (const chart of charts) {
      expect(chart.svg).not.toMatch(/<script|<img|<i>/);
    }
  });
});

describe('writeReport', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((f) => rm(f, { recursive: true })));
  });

  it('writes the page and the SVG files inside the folder only', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'trio-report-'));
    folders.push(root);
    const folder = path.join(root, 'out', 'nested');
    const written = await writeReport(folder, [
      result({ name: '../../escape' }),
      result({ name: 'Keras MLP' }),
      result({ name: 'keras mlp' }),
    ]);
    expect(written.html).toBe(path.join(folder, 'report.html'));
    expect((await readdir(folder)).sort()).toEqual([
      'escape-confusion.svg',
      'escape-loss.svg',
      'keras-mlp-2-confusion.svg',
      'keras-mlp-2-loss.svg',
      'keras-mlp-confusion.svg',
      'keras-mlp-loss.svg',
      'report.html',
    ]);
    expect(await readdir(root)).toEqual(['out']);
    const svg = await readFile(path.join(folder, 'escape-loss.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(
      true,
    );
    expect(written.charts).toHaveLength(6);
  });

  it('refuses empty results and misshapen matrices', async () => {
    await expect(writeReport('unused', [])).rejects.toThrow(OptionError);
    await expect(writeReport('unused', [])).rejects.toThrow(
      "The 'results' parameter of writeReport must be a non-empty list " +
        'of model results. Got [] instead.',
    );
    const call = writeReport('unused', [
      result({ confusion: [[1, 2], [3, 4]] }),
    ]);
    await expect(call).rejects.toThrow(ShapeError);
    await expect(
      writeReport('unused', [result({ confusion: [[1, 2], [3, 4]] })]),
    ).rejects.toThrow(
      'writeReport: results[0].confusion must be 3 x 3, one row and ' +
        'column per class; it has 2 rows of lengths 2, 2.',
    );
  });
});

describe('helpers', () => {
  it('fileStems keeps names safe and unique', () => {
    expect(
      fileStems(['MLP (Keras)', '../x', '', '...', 'mlp-keras', 'a/b\\c']),
    ).toEqual(['mlp-keras', 'x', 'model', 'model-2', 'mlp-keras-2', 'a-b-c']);
  });

  it('prefixSvgIds renames ids and their references', () => {
    const svg =
      '<svg><linearGradient id="g_0"/><rect fill="url(#g_0)"/>' +
      '<use href="#g_0"/><clipPath id="clip1"/></svg>';
    expect(prefixSvgIds(svg, 'p-')).toBe(
      '<svg><linearGradient id="p-g_0"/><rect fill="url(#p-g_0)"/>' +
        '<use href="#p-g_0"/><clipPath id="p-clip1"/></svg>',
    );
  });
});
