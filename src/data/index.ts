// The public data API: CSV loading with its cache, labels, MNIST files
// and pandas-style inspection.
export { writeFileAtomic } from './atomic.js';
export {
  checkColumns,
  checkTrainingLabels,
  type CsvOptions,
  type Dataset,
  detectDelimiter,
  type FeatureCsvOptions,
  type FeatureTable,
  loadCsv,
  loadFeatures,
} from './csv.js';
export { type CacheOptions } from './csv_cache.js';
export {
  type ColumnSummary,
  describe,
  formatDescribe,
  formatHead,
  formatInspection,
  formatValueCounts,
  type TableLike,
  type ValueCount,
  valueCounts,
} from './describe.js';
export {
  compareClasses,
  type EncodedLabels,
  encodeLabels,
  LabelError,
  type LabelValues,
  sortClasses,
} from './labels.js';
export {
  isMatrix,
  type Labels,
  type Matrix,
  type MatrixLike,
  sliceRows,
  takeRows,
  toMatrix,
} from './matrix.js';
export {
  ensureMnistCsv,
  MNIST_CSV_FILES,
  type MnistCsvResult,
  type MnistRaw,
  type MnistSplit,
  mnistCsvHeader,
  mnistDataFolder,
  mnistMatrix,
  readMnistIdx,
  writeMnistCsv,
} from './mnist.js';
