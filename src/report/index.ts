/** The HTML/SVG comparison report (`trio compare --report <folder>`). */
export { confusionChartSpec, lossChartSpec } from './charts.js';
export {
  buildReport,
  writeReport,
  type Report,
  type ReportChart,
  type ReportOptions,
  type WrittenReport,
} from './html.js';
export { renderSvg } from './svg.js';
export type { ModelResult } from './types.js';
