import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ShapeError } from '../errors.js';
import { formatFixed } from '../metrics/python_format.js';
import { optionError } from '../util/options.js';
import { confusionChartSpec, lossChartSpec } from './charts.js';
import { fileStems } from './file_names.js';
import { prefixSvgIds, renderSvg } from './svg.js';
import type { ModelResult } from './types.js';

export type { ModelResult } from './types.js';

export interface ReportOptions {
  /**
   * Page title and top heading.
   * @default 'tfjs-trio comparison'
   */
  title?: string;
}

/** One chart of the report, as written next to the page. */
export interface ReportChart {
  /** File name inside the report folder, such as `keras-loss.svg`. */
  file: string;
  kind: 'loss' | 'confusion';
  /** Name of the model it belongs to. */
  model: string;
  svg: string;
}

export interface Report {
  /** The whole page; it loads nothing from the network or from disk. */
  html: string;
  charts: ReportChart[];
}

/** Where `writeReport` put the page and the charts. */
export interface WrittenReport {
  html: string;
  charts: string[];
  /**
   * Charts of the report written there before that this one has not
   * replaced (models no longer compared), now deleted.
   */
  removed: string[];
}

const PAGE_FILE = 'report.html';
const OWNER = 'writeReport';
/** What a chart's figure looks like in a page; its id names its file. */
const FIGURE = /<figure class="chart" data-chart="[a-z]+" id="([^"]+)">/g;
/** The only chart file names `buildReport` makes. */
const CHART_FILE = /^[a-z0-9_-]+-(loss|confusion)\.svg$/;

/**
 * Writes the comparison report into `folder` (created if missing):
 * `report.html`, a self-contained page with the side-by-side table and,
 * for each model, its loss curves, its confusion matrix as a heatmap and
 * its classification report; plus each chart as `<model>-loss.svg` and
 * `<model>-confusion.svg`. Charts are Vega-Lite specs rendered to SVG in
 * Node and inlined in the page, so it opens without a network. Existing
 * files of those names are replaced, and the charts of the report
 * written there before that this one does not replace (models no longer
 * compared) are deleted; no other file is touched.
 *
 * ```ts
 * const {html} = await writeReport('out', result.models);
 * ```
 */
export async function writeReport(
  folder: string,
  results: readonly ModelResult[],
  options: ReportOptions = {},
): Promise<WrittenReport> {
  if (typeof folder !== 'string' || folder === '') {
    throw optionError('folder', OWNER, 'a folder path', folder);
  }
  const report = await buildReport(results, options);
  await mkdir(folder, { recursive: true });
  const html = path.join(folder, PAGE_FILE);
  const earlier = await chartsOfPage(html);
  const charts: string[] = [];
  for (const chart of report.charts) {
    const file = path.join(folder, chart.file);
    await writeFile(file, chart.svg, 'utf8');
    charts.push(file);
  }
  await writeFile(html, report.html, 'utf8');
  const kept = new Set(report.charts.map((c) => c.file));
  const removed: string[] = [];
  for (const name of earlier.filter((n) => !kept.has(n))) {
    const file = path.join(folder, name);
    if ((await lstat(file).catch(() => undefined))?.isFile()) {
      await rm(file);
      removed.push(file);
    }
  }
  return { html, charts, removed };
}

/**
 * The chart files a report page written by `writeReport` shows, read
 * from its figures; none when there is no page. Only names `buildReport`
 * makes are returned, so a page edited by hand cannot name other files.
 */
async function chartsOfPage(page: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(page, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(FIGURE)]
    .map((match) => chartFile(match[1]!))
    .filter((name) => CHART_FILE.test(name));
}

/** A chart's file name: its figure id (`keras-loss`) plus `.svg`. */
function chartFile(id: string): string {
  return `${id}.svg`;
}

/** The report page and its charts, in memory; `writeReport` saves them. */
export async function buildReport(
  results: readonly ModelResult[],
  options: ReportOptions = {},
): Promise<Report> {
  checkResults(results);
  const title = options.title ?? 'tfjs-trio comparison';
  const stems = fileStems(results.map((r) => r.name));
  const charts: ReportChart[] = [];
  const sections: string[] = [];
  for (const [i, result] of results.entries()) {
    const stem = stems[i]!;
    const figures: string[] = [];
    if (result.lossCurve.length > 0) {
      const svg = await renderSvg(lossChartSpec(result));
      charts.push({
        file: chartFile(`${stem}-loss`),
        kind: 'loss',
        model: result.name,
        svg,
      });
      figures.push(figure('loss', `${stem}-loss`, svg, 'Loss per epoch'));
    }
    if (result.confusion.length > 0) {
      const svg = await renderSvg(confusionChartSpec(result));
      charts.push({
        file: chartFile(`${stem}-confusion`),
        kind: 'confusion',
        model: result.name,
        svg,
      });
      figures.push(
        figure('confusion', `${stem}-confusion`, svg, 'Confusion matrix'),
      );
    }
    sections.push(modelSection(result, stem, figures));
  }
  const html = page(title, comparisonTable(results, stems), sections);
  return { html, charts };
}

function checkResults(list: readonly ModelResult[]): void {
  if (!Array.isArray(list) || list.length === 0) {
    throw optionError('results', OWNER, 'a non-empty list of model results',
      list);
  }
  const results: readonly ModelResult[] = list;
  results.forEach((result, i) => {
    const where = `results[${i}]`;
    if (typeof result?.name !== 'string' || result.name === '') {
      throw optionError(`${where}.name`, OWNER, 'a non-empty string',
        result?.name);
    }
    for (const key of ['lossCurve', 'confusion', 'classes'] as const) {
      if (!Array.isArray(result[key])) {
        throw optionError(`${where}.${key}`, OWNER, 'an array', result[key]);
      }
    }
    const n = result.classes.length;
    const rows = result.confusion.length;
    if (rows > 0 && (rows !== n ||
      result.confusion.some((row) => !Array.isArray(row) || row.length !== n))
    ) {
      throw new ShapeError(
        `${OWNER}: ${where}.confusion must be ${n} x ${n}, one row and ` +
          `column per class; it has ${rows} rows of lengths ` +
          `${result.confusion.map((r) => r?.length).join(', ')}.`,
        [n, n],
        [rows, result.confusion[0]?.length ?? 0],
      );
    }
  });
}

const TABLE_COLUMNS = [
  'model',
  'facade',
  'backend',
  'epochs',
  'train seconds',
  'test accuracy',
  'macro F1',
];

function comparisonTable(
  results: readonly ModelResult[],
  stems: readonly string[],
): string {
  const withStatus = results.some(
    (r) => r.status !== undefined && r.status !== 'done',
  );
  const columns = withStatus ? [...TABLE_COLUMNS, 'status'] : TABLE_COLUMNS;
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = results.map((r, i) => {
    const cells = [
      `<a href="#model-${stems[i]}">${escapeHtml(r.name)}</a>`,
      escapeHtml(r.facade),
      escapeHtml(r.backend),
      String(r.epochs),
      number(r.trainSeconds, 1),
      number(r.accuracy, 4),
      number(r.macroF1, 4),
    ];
    if (withStatus) {
      cells.push(escapeHtml(r.status ?? 'done'));
    }
    const tds = cells.map((c, j) =>
      j >= 3 && j <= 6 ? `<td class="num">${c}</td>` : `<td>${c}</td>`,
    );
    return `<tr>${tds.join('')}</tr>`;
  });
  return (
    `<table class="comparison">\n<thead><tr>${head}</tr></thead>\n` +
    `<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
  );
}

function modelSection(
  result: ModelResult,
  stem: string,
  figures: readonly string[],
): string {
  const parts = [
    `<section class="model" id="model-${stem}" ` +
      `data-model="${escapeHtml(result.name)}">`,
    `<h2>${escapeHtml(result.name)} <small>${escapeHtml(result.facade)}` +
      ` on ${escapeHtml(result.backend)}</small></h2>`,
  ];
  if (result.error !== undefined) {
    parts.push(`<p class="error">${escapeHtml(result.error)}</p>`);
  }
  if (figures.length > 0) {
    parts.push(`<div class="charts">\n${figures.join('\n')}\n</div>`);
  }
  if (result.report !== '') {
    parts.push('<h3>Classification report</h3>');
    parts.push(`<pre class="report">${escapeHtml(result.report)}</pre>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function figure(
  kind: string,
  id: string,
  svg: string,
  caption: string,
): string {
  return (
    `<figure class="chart" data-chart="${kind}" id="${id}">\n` +
    `${prefixSvgIds(stripXmlHeader(svg), `${id}-`)}\n` +
    `<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>`
  );
}

function page(title: string, table: string, sections: string[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 72em;
  padding: 0 1em; color: #222; }
table.comparison { border-collapse: collapse; margin: 1em 0 2em; }
table.comparison th, table.comparison td { padding: 0.3em 0.8em;
  border-bottom: 1px solid #ccc; text-align: left; }
table.comparison td.num { text-align: right;
  font-variant-numeric: tabular-nums; }
section.model { border-top: 2px solid #ddd; padding-top: 0.5em; }
h2 small { color: #666; font-weight: normal; font-size: 0.7em; }
div.charts { display: flex; flex-wrap: wrap; gap: 2em;
  align-items: flex-start; }
figure.chart { margin: 0; }
figcaption { color: #666; font-size: 0.85em; }
pre.report { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
p.error { color: #a00; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${table}
${sections.join('\n')}
</body>
</html>
`;
}

function number(value: number, digits: number): string {
  return Number.isFinite(value) ? formatFixed(value, digits) : '&mdash;';
}

function stripXmlHeader(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

/** Text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
