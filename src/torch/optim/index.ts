import { StepLR } from './lr_scheduler.js';

export { Adam, type AdamOptions } from './adam.js';
export { SGD, type SGDOptions } from './sgd.js';
export {
  Optimizer,
  type GroupState,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamState,
  type ParamsArg,
} from './optimizer.js';
export { StepLR } from './lr_scheduler.js';

/** Python: `torch.optim.lr_scheduler`. */
export const lr_scheduler = { StepLR };
/** camelCase alias of `lr_scheduler`. */
export const lrScheduler = lr_scheduler;
