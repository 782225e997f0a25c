export { Module, type StateDict, type IncompatibleKeys } from './module.js';
export { Parameter } from './parameter.js';
export { Linear } from './linear.js';
export { ReLU, Sigmoid, Softmax, Tanh } from './activation.js';
export { Dropout } from './dropout.js';
export { Flatten } from './flatten.js';
export { Sequential } from './sequential.js';
export {
  CrossEntropyLoss,
  MSELoss,
  NLLLoss,
  type CrossEntropyLossOptions,
  type Reduction,
  type WeightedLossOptions,
} from './loss.js';
