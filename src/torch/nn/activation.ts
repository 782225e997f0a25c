import * as tf from '@tensorflow/tfjs';
import { optionError } from '../../util/options.js';
import { Module } from './module.js';

/** max(0, x) elementwise. Python: `nn.ReLU(inplace=False)`. */
export class ReLU extends Module {
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}

/** 1 / (1 + e^-x) elementwise. Python: `nn.Sigmoid()`. */
export class Sigmoid extends Module {
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
}

/** tanh(x) elementwise. Python: `nn.Tanh()`. */
export class Tanh extends Module {
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }
}

/**
 * Softmax along `dim`. Python: `nn.Softmax(dim=None)`.
 *
 * Differs from PyTorch: `dim` defaults to -1 (the last axis) where
 * PyTorch's deprecated implicit choice picks 1 for inputs of rank 2 and 4
 * and 0 otherwise; for the usual (N, C) input both pick the class axis.
 */
export class Softmax extends Module {
  readonly dim: number;

  /** @param dim the axis that sums to 1. @default -1 */
  constructor(dim = -1) {
    super();
    if (!Number.isInteger(dim)) {
      throw optionError('dim', 'Softmax', 'an integer', dim);
    }
    this.dim = dim;
  }

  override forward(x: tf.Tensor): tf.Tensor {
    const axis = this.dim < 0 ? x.rank + this.dim : this.dim;
    if (axis === x.rank - 1) {
      return tf.softmax(x);
    }
    return tf.tidy(() => {
      const perm = [...x.shape.keys()];
      perm[axis] = x.rank - 1;
      perm[x.rank - 1] = axis;
      return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
    });
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
