/** `keras.callbacks`. */
export {
  Callback,
  CallbackList,
  CallbackWarning,
} from './callback.js';
export type {
  CallbackHooks,
  CallbackModel,
  CallbackOutput,
  FitParams,
  Logs,
} from './callback.js';
export { EarlyStopping, EarlyStoppingCallback } from './early_stopping.js';
export type { EarlyStoppingOptions } from './early_stopping.js';
export { History } from './history.js';
export {
  ModelCheckpoint,
  ModelCheckpointCallback,
} from './model_checkpoint.js';
export type { ModelCheckpointOptions } from './model_checkpoint.js';
