/**
 * The Keras-style facade: `keras.Sequential`, `keras.layers`,
 * `keras.optimizers`, `keras.losses`, `keras.metrics`, `keras.callbacks`,
 * `keras.models` and `keras.utils`, over tfjs-layers with Keras's
 * defaults and results.
 */
export * as callbacks from './callbacks/index.js';
export * as layers from './layers/index.js';
export * as losses from './losses.js';
export * as metrics from './metrics.js';
export * as models from './models.js';
export * as optimizers from './optimizers/index.js';
export * as regularizers from './regularizers.js';
export * as utils from './utils.js';
export { Input, InputSpec } from './layers/input.js';
export { Sequential, SequentialModel } from './sequential.js';
export type {
  CompileOptions,
  SaveOptions,
  SequentialOptions,
} from './sequential.js';
export type {
  EvaluateOptions,
  FitOptions,
  PredictOptions,
} from './fit_options.js';
export type { History } from './callbacks/history.js';
export { ProgbarReporter } from './progbar_reporter.js';
export { ReporterLogger } from './reporter_logger.js';
export type { TrainingLogger } from './training_logger.js';
export { kerasEntry } from './runner.js';
