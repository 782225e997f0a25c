/**
 * tfjs-trio: scikit-learn, Keras and PyTorch style facades over
 * TensorFlow.js, one data loader, one evaluation module, and the
 * comparison that runs them side by side.
 *
 *   import { sklearn, keras, torch, loadCsv, classificationReport }
 *     from 'tfjs-trio';
 *
 * This file is the only public entry; everything is re-exported by name.
 */

// The three facades, each under the name its Python original has.
export * as sklearn from './sklearn/index.js';
export * as keras from './keras/index.js';
export * as torch from './torch/index.js';

// Shared data loading and evaluation.
export * from './data/index.js';
export {
  type Matrix,
  type MatrixLike,
  type Labels,
  toMatrix,
  sliceRows,
  takeRows,
} from './data/matrix.js';
export {
  readMnistIdx,
  mnistMatrix,
  writeMnistCsv,
  ensureMnistCsv,
  type MnistSplit,
} from './data/mnist.js';
export * from './metrics/index.js';

// Models on disk in the TensorFlow.js layers format.
export {
  saveLayersModel,
  loadLayersModel,
  fileSystemSaver,
  fileSystemLoader,
  readModelMetadata,
  type SaveOptions,
} from './io/file_system.js';
export {
  loadTrioModel,
  type TrioModel,
} from './io/model_file.js';
export { type SaveMetadata } from './io/save_metadata.js';
export {
  type TrioMetadata,
  METADATA_KEY,
  parseTrioMetadata,
} from './io/metadata.js';

// Backends, comparison, reporting.
export {
  selectBackend,
  resolveBackendName,
  currentBackend,
  type BackendChoice,
  type BackendName,
} from './backend/select.js';
export {
  loadComparisonConfig,
  parseComparisonConfig,
  type ComparisonConfig,
  type DatasetConfig,
  type ModelConfig,
} from './config/comparison_config.js';
export {
  runComparison,
  type ComparisonResult,
  type ModelResult,
} from './compare/run_comparison.js';
export { FACADE_ENTRIES } from './compare/facades.js';
export { formatComparisonTable } from './compare/table.js';
export type {
  FacadeEntry,
  FacadeName,
  RunContext,
  TrainedModel,
  TrainingData,
} from './compare/types.js';
export { writeReport, buildReport } from './report/index.js';
export {
  type Reporter,
  type ProgressEvent,
  silentReporter,
  MemoryReporter,
  ConsoleReporter,
} from './reporter.js';
export { RandomState } from './util/random.js';
export * from './errors.js';
