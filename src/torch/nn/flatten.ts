import * as tf from '@tensorflow/tfjs';
import { optionError } from '../../util/options.js';
import { Module } from './module.js';

/**
 * Flattens dimensions `startDim`..`endDim` into one.
 * Python: `nn.Flatten(start_dim=1, end_dim=-1)`.
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  /**
   * @param startDim first dimension to flatten. @default 1
   * @param endDim last dimension to flatten. @default -1
   */
  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, v] of [['start_dim', startDim], ['end_dim', endDim]]) {
      if (!Number.isInteger(v)) {
        throw optionError(name as string, 'Flatten', 'an integer', v);
      }
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(x: tf.Tensor): tf.Tensor {
    const start = this.startDim < 0 ? x.rank + this.startDim : this.startDim;
    const end = this.endDim < 0 ? x.rank + this.endDim : this.endDim;
    if (start >= end) {
      return x;
    }
    const shape = x.shape;
    const middle = shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
    return tf.reshape(x, [
      ...shape.slice(0, start), middle, ...shape.slice(end + 1),
    ]);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
