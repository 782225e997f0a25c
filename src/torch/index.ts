/**
 * The PyTorch-style facade: `torch.nn`, `torch.optim`, `torch.utils.data`
 * and the few tensor helpers a training script needs, so that
 *
 *   import { torch } from 'tfjs-trio';
 *   const { nn, optim } = torch;
 *
 * reads like `import torch; import torch.nn as nn`. See
 * docs/PORTING.md for the line-by-line correspondence.
 */
/** The tensor type modules take and return (a tfjs tensor). */
export type Tensor = import('@tensorflow/tfjs').Tensor;

export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as utils from './utils/index.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export { backward, noGrad } from './autograd.js';
export {
  argmax,
  countEqual,
  float32,
  int32,
  item,
  long,
  size,
  tensor,
  type TensorOptions,
  type TorchDtype,
} from './tensor.js';
export { load, save } from './serialization.js';
export {
  exportLayersModel,
  loadLayersStateDict,
  loadModule,
  saveModule,
  type ChainStep,
  type ExportOptions,
} from './export.js';
export {
  CollateError,
  OptimizerStateError,
  StateDictError,
} from './errors.js';
export { torchEntry } from './runner.js';
