import { optionError } from '../../util/options.js';
import { checkOptionKeys } from '../options.js';
import type { Optimizer } from './optimizer.js';

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize`
 * epochs. Python: `optim.lr_scheduler.StepLR(optimizer, step_size,
 * gamma=0.1, last_epoch=-1)`. Call `step()` once per epoch, after the
 * optimizer's steps.
 */
export class StepLR {
  /** Python: `last_epoch`: how many times `step()` has been called. */
  lastEpoch: number;
  readonly stepSize: number;
  readonly gamma: number;
  private lastLr: number[];

  /**
   * @param stepSize period of the decay in epochs, an integer >= 1.
   * @param options.gamma factor of the decay. @default 0.1
   * @param options.lastEpoch index of the last epoch, to resume. @default -1
   */
  constructor(
    private readonly optimizer: Optimizer<object>,
    stepSize: number,
    options: { gamma?: number; lastEpoch?: number } = {},
  ) {
    checkOptionKeys(options, ['gamma', 'lastEpoch'], 'StepLR');
    if (!Number.isInteger(stepSize) || stepSize < 1) {
      throw optionError('step_size', 'StepLR', 'an integer >= 1', stepSize);
    }
    const gamma = options.gamma ?? 0.1;
    if (typeof gamma !== 'number' || !(gamma > 0)) {
      throw optionError('gamma', 'StepLR', 'a number > 0', gamma);
    }
    this.stepSize = stepSize;
    this.gamma = gamma;
    const lastEpoch = options.lastEpoch ?? -1;
    for (const g of optimizer.paramGroups) {
      if (lastEpoch === -1) {
        // PyTorch: group.setdefault('initial_lr', group['lr']), so a
        // second scheduler (or one after loadStateDict) keeps the first
        // rate.
        g.initialLr ??= g.lr;
      } else if (g.initialLr === undefined) {
        throw optionError('last_epoch', 'StepLR',
          '-1 unless the optimizer was used with a scheduler before ' +
            "(param 'initial_lr' is not specified in param_groups)",
          lastEpoch);
      }
    }
    this.lastEpoch = lastEpoch;
    this.lastLr = [];
    this.step();
  }

  /** Python: `step()`: advances one epoch and sets the new rates. */
  step(): void {
    this.lastEpoch += 1;
    const e = this.lastEpoch;
    for (const g of this.optimizer.paramGroups) {
      if (e !== 0 && e % this.stepSize === 0) {
        g.lr *= this.gamma;
      }
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Python: `get_last_lr()`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
}
