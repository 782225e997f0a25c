import * as tf from '@tensorflow/tfjs';
import { optionError } from '../../util/options.js';
import { defaultGenerator } from '../random.js';
import { Module } from './module.js';
import { pyBool } from './linear.js';

/**
 * Zeroes each element with probability `p` and scales the rest by
 * 1/(1-p), in train mode only; the identity in eval mode.
 * Python: `nn.Dropout(p=0.5, inplace=False)`.
 *
 * Differs from PyTorch: the masks are drawn by tfjs from a seed taken from
 * the default generator, so they are reproducible after `manualSeed` but
 * not equal to PyTorch's.
 */
export class Dropout extends Module {
  readonly p: number;

  /** @param p probability of zeroing an element, in [0, 1]. @default 0.5 */
  constructor(p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw optionError('p', 'Dropout', 'a probability in [0, 1]', p);
    }
    this.p = p;
  }

  override forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) {
      return x;
    }
    if (this.p === 1) {
      return tf.zerosLike(x);
    }
    return tf.dropout(x, this.p, undefined, defaultGenerator.random32());
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=${pyBool(false)}`;
  }
}
