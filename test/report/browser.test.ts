import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAVE_CHROMIUM,
  launchChromium,
  noteSkippedWithoutChromium,
} from '../helpers/chromium.js';
import { classificationReport } from '../../src/metrics/index.js';
import { writeReport, type ModelResult } from '../../src/report/index.js';

noteSkippedWithoutChromium('test/report/browser');

const CLASSES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
// Test-set size of each MNIST class (0-9), as in the real test file.
const SUPPORT = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

/**
 * A 10 x 10 confusion matrix like a 0.96-0.98 model's: `errors` of
 * each class's samples spread over two neighbouring classes, the rest on
 * the diagonal. Rows true labels, columns predicted.
 */
function confusion(errorRate: number): number[][] {
  return SUPPORT.map((n, i) => {
    const row = CLASSES.map(() => 0);
    const wrong = Math.round(n * errorRate);
    row[(i + 1) % 10] = Math.ceil(wrong / 2);
    row[(i + 7) % 10] = Math.floor(wrong / 2);
    row[i] = n - wrong;
    return row;
  });
}

/** True and predicted labels that give the confusion matrix `m`. */
function labelsOf(m: number[][]): { yTrue: number[]; yPred: number[] } {
  const yTrue: number[] = [];
  const yPred: number[] = [];
  m.forEach((row, i) => row.forEach((count, j) => {
    for (let k = 0; k < count; k++) {
      yTrue.push(i);
      yPred.push(j);
    }
  }));
  return { yTrue, yPred };
}

/** A loss curve decaying from `start` towards `end` over `epochs`. */
function curve(epochs: number, start: number, end: number): number[] {
  return Array.from({ length: epochs },
    (_, e) => end + (start - end) * Math.exp(-e / (epochs / 5)));
}

function model(
  name: string,
  facade: string,
  errorRate: number,
  lossCurve: number[],
  valLossCurve?: number[],
): ModelResult {
  const matrix = confusion(errorRate);
  const { yTrue, yPred } = labelsOf(matrix);
  const correct = matrix.reduce((s, row, i) => s + row[i]!, 0);
  return {
    name,
    facade,
    backend: 'wasm',
    epochs: lossCurve.length,
    trainSeconds: 12.5 * lossCurve.length / 10,
    accuracy: correct / yTrue.length,
    macroF1: 1 - errorRate,
    lossCurve,
    ...(valLossCurve === undefined ? {} : { valLossCurve }),
    confusion: matrix,
    report: classificationReport(yTrue, yPred),
    classes: CLASSES,
  };
}

// The tutorial's three models: scikit-learn with its loss_curve_ over 50
// iterations, Keras with training and validation losses over 50 epochs,
// PyTorch over 12 epochs (few enough that each epoch gets a point).
const RESULTS: ModelResult[] = [
  model('sklearn_mlp', 'sklearn', 0.02, curve(50, 0.45, 0.002)),
  model('keras_sequential', 'keras', 0.03, curve(50, 2.1, 0.05),
    curve(50, 1.9, 0.09)),
  model('torch_module', 'torch', 0.025, curve(12, 0.9, 0.08)),
];

describe.skipIf(!HAVE_CHROMIUM)('the report page in headless Chromium', () => {
  let tmp: string;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-report-page-'));
    const written = await writeReport(path.join(tmp, 'out'), RESULTS);
    context = await launchChromium(tmp, { viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // The page is opened from disk; anything else it asks for is
    // recorded and refused (it should ask for nothing).
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === pathToFileURL(written.html).href) {
        return route.continue();
      }
      requested.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(written.html).href);
    await page.waitForLoadState('load');
  });

  afterAll(async () => {
    await context?.close();
    if (tmp !== undefined) {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('loads nothing but itself', () => {
    expect(requested).toEqual([]);
  });

  it('shows the side-by-side table, a row per model', async () => {
    const rows = await page.$$eval('table.comparison tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map(
        (td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(RESULTS.map((r) => r.name));
    expect(rows.map((r) => r[1])).toEqual(['sklearn', 'keras', 'torch']);
    // epochs, then the test accuracy to four places.
    expect(rows.map((r) => r[3])).toEqual(['50', '50', '12']);
    expect(rows.map((r) => Number(r[5]))).toEqual(
      RESULTS.map((r) => Number(r.accuracy.toFixed(4))));
  });

  it('draws each loss curve: a line per series, points up to 20', async () => {
    for (const result of RESULTS) {
      const chart = await page.$eval(
        `section[data-model="${result.name}"] ` +
          'figure[data-chart="loss"] svg',
        (svg) => {
          const box = (e: Element) => {
            const { width, height } = (e as SVGGraphicsElement).getBBox();
            return { width, height };
          };
          const lines = Array.from(svg.querySelectorAll(
            'path[aria-roledescription="line mark"]'));
          return {
            width: svg.getBoundingClientRect().width,
            height: svg.getBoundingClientRect().height,
            lines: lines.map((p) => ({
              label: p.getAttribute('aria-label') ?? '',
              stroke: getComputedStyle(p).stroke,
              box: box(p),
              segments: (p.getAttribute('d') ?? '').split('L').length - 1,
            })),
            points: svg.querySelectorAll(
              'path[aria-roledescription="point"]').length,
            legend: Array.from(svg.querySelectorAll('text'))
              .map((t) => t.textContent),
          };
        },
      );
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.height).toBeGreaterThan(200);
      const series = result.valLossCurve === undefined ? 1 : 2;
      expect(chart.lines).toHaveLength(series);
      for (const line of chart.lines) {
        // One segment between each pair of epochs, drawn with a visible
        // stroke across most of the plot.
        expect(line.segments).toBe(result.epochs - 1);
        expect(line.stroke).not.toBe('none');
        expect(line.box.width).toBeGreaterThan(300);
        expect(line.box.height).toBeGreaterThan(50);
      }
      expect(chart.points).toBe(result.epochs <= 20
        ? result.epochs * series : 0);
      expect(chart.legend).toContain('training');
      expect(chart.legend.includes('validation')).toBe(series === 2);
    }
  });

  it('draws each confusion heatmap: 100 cells with their counts', async () => {
    for (const result of RESULTS) {
      const chart = await page.$eval(
        `section[data-model="${result.name}"] ` +
          'figure[data-chart="confusion"] svg',
        (svg) => ({
          cells: Array.from(svg.querySelectorAll(
            'path[aria-roledescription="rect mark"]')).map((p) => ({
            fill: getComputedStyle(p).fill,
            count: Number(/count: (\d+)/.exec(
              p.getAttribute('aria-label') ?? '')?.[1]),
            width: (p as SVGGraphicsElement).getBBox().width,
          })),
          counts: Array.from(svg.querySelectorAll(
            'text[aria-roledescription="text mark"]')).map(
            (t) => Number(t.textContent)),
        }),
      );
      expect(chart.cells).toHaveLength(100);
      for (const cell of chart.cells) {
        expect(cell.width).toBeGreaterThan(10);
        expect(cell.fill).toMatch(/^rgb/);
      }
      // Empty cells are white, so that a good model's few mistakes
      // stand out; every other cell is shaded, more for larger counts.
      const white = 'rgb(255, 255, 255)';
      for (const cell of chart.cells) {
        expect(cell.fill === white).toBe(cell.count === 0);
      }
      expect(new Set(chart.cells.map((c) => c.fill)).size)
        .toBeGreaterThan(3);
      expect(chart.counts.sort((a, b) => a - b)).toEqual(
        result.confusion.flat().sort((a, b) => a - b));
    }
  });

  it('shows each classification report', async () => {
    const reports = await page.$$eval('section.model pre.report',
      (pres) => pres.map((p) => p.textContent ?? ''));
    expect(reports).toEqual(RESULTS.map((r) => r.report));
    for (const report of reports) {
      expect(report).toContain('macro avg');
    }
  });

  it('renders to a screenshot that is not blank', async () => {
    const shot = await page.screenshot({
      fullPage: true,
      path: path.join(tmp, 'report.png'),
    });
    fs.copyFileSync(path.join(tmp, 'report.png'),
      path.join(os.tmpdir(), 'trio-report-page.png'));
    const whole = await pixelStats(shot);
    // Text, tables and charts: many non-white pixels, in colour.
    expect(whole.inked).toBeGreaterThan(0.02);
    expect(whole.coloured).toBeGreaterThan(0.005);
    expect(whole.variance).toBeGreaterThan(100);
    // Each chart on its own is drawn, not an empty box.
    const figures = await page.$$('figure.chart svg');
    expect(figures).toHaveLength(6);
    for (const figure of figures) {
      const stats = await pixelStats(await figure.screenshot());
      expect(stats.coloured).toBeGreaterThan(0.005);
      expect(stats.variance).toBeGreaterThan(100);
    }
  });

  /**
   * Decodes a PNG in a blank page of the same browser and measures it:
   * share of pixels that are not near-white, share that are coloured
   * (not grey), and the variance of the grey level.
   */
  async function pixelStats(png: Buffer): Promise<{
    inked: number; coloured: number; variance: number;
  }> {
    const blank = await context.newPage();
    try {
      return await blank.evaluate(async (base64) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const image = await createImageBitmap(
          new Blob([bytes], { type: 'image/png' }));
        const canvas = new OffscreenCanvas(image.width, image.height);
        const g = canvas.getContext('2d')!;
        g.drawImage(image, 0, 0);
        const { data } = g.getImageData(0, 0, image.width, image.height);
        const n = data.length / 4;
        let inked = 0;
        let coloured = 0;
        let sum = 0;
        let squares = 0;
        for (let i = 0; i < data.length; i += 4) {
          const [r, gr, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
          const grey = (r + gr + b) / 3;
          sum += grey;
          squares += grey * grey;
          inked += grey < 240 ? 1 : 0;
          coloured += Math.max(r, gr, b) - Math.min(r, gr, b) > 40 ? 1 : 0;
        }
        const mean = sum / n;
        return { inked: inked / n, coloured: coloured / n,
          variance: squares / n - mean * mean };
      }, png.toString('base64'));
    } finally {
      await blank.close();
    }
  }
});
