/** `keras.layers`: the layers the facade offers. */
export { Activation, ActivationLayer } from './activation.js';
export type { ActivationOptions } from './activation.js';
export {
  BatchNormalization,
  BatchNormalizationLayer,
} from './batch_normalization.js';
export type { BatchNormalizationOptions } from './batch_normalization.js';
export { Dense, DenseLayer } from './dense.js';
export type { DenseOptions } from './dense.js';
export { Dropout, DropoutLayer } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export { Flatten, FlattenLayer } from './flatten.js';
export { Input, InputSpec } from './input.js';
export type { InputOptions } from './input.js';
export { Layer } from './layer.js';
export type { LayerOptions } from './layer.js';
