import * as tf from '@tensorflow/tfjs';
import { DivergenceError } from '../errors.js';

/** Backends whose reads wait for nothing: their kernels run in line. */
const INLINE_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * Stops training when the loss is not finite.
 *
 * On backends that run kernels in line (wasm, cpu, tfjs-node), reading a
 * scalar costs microseconds and stalls nothing, so the loss of each step
 * is checked before its update: the weights from before the failing step
 * are kept. On GPU backends (webgl, webgpu) a read would stall the
 * pipeline every step, so the loss is checked whenever the logs are read
 * (progress updates, batch callbacks, the end of each epoch) and the
 * weights are those reached by then.
 */
export class DivergenceGuard {
  /**
   * @param eachStep check every step before its update. @default true on
   *   the wasm, cpu and tfjs-node backends
   */
  constructor(
    private readonly eachStep = INLINE_BACKENDS.has(tf.getBackend()),
  ) {}

  beforeUpdate(loss: tf.Scalar, epoch: number, step: number): void {
    if (this.eachStep) {
      const value = loss.dataSync()[0]!;
      if (!Number.isFinite(value)) {
        throw divergence(value, epoch, step, true);
      }
    }
  }

  /** `meanLoss`: the epoch's mean loss over its first `steps` steps. */
  check(meanLoss: number, epoch: number, steps: number): void {
    if (!Number.isFinite(meanLoss)) {
      throw divergence(meanLoss, epoch, steps - 1, false);
    }
  }
}

function divergence(
  loss: number,
  epoch: number,
  step: number,
  kept: boolean,
): DivergenceError {
  return new DivergenceError(
    `Training stopped at epoch ${epoch + 1}, step ${step + 1}: the loss ` +
      `is ${loss}. ` +
      (kept
        ? 'The weights from before this step are kept; '
        : 'It may have diverged at an earlier step of this epoch; the ' +
          'weights are those reached so far; ') +
      'try a smaller learning rate or scale the inputs.',
    epoch + 1,
    step + 1,
  );
}
