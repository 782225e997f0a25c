import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../../errors.js';

/**
 * A dataset of tensors that share their first dimension: sample i is
 * `[t0[i], t1[i], ...]`. Python: `TensorDataset(*tensors)`.
 *
 * The dataset refers to the tensors; it does not copy or own them.
 */
export class TensorDataset {
  readonly tensors: readonly tf.Tensor[];

  constructor(...tensors: tf.Tensor[]) {
    if (tensors.length === 0) {
      throw new ShapeError('TensorDataset needs at least one tensor.');
    }
    for (const t of tensors) {
      if (!(t instanceof tf.Tensor) || t.rank === 0) {
        throw new ShapeError(
          'TensorDataset takes tensors with a first (sample) dimension.',
        );
      }
    }
    const n = tensors[0]!.shape[0]!;
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) {
        throw new ShapeError(
          `Size mismatch between tensors: tensor 0 has ${n} samples, ` +
            `tensor ${i} has ${t.shape[0]}.`,
          [n],
          t.shape,
        );
      }
    });
    this.tensors = tensors;
  }

  /** Python: `len(dataset)`. */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /**
   * Python: `dataset[i]`: sample i of each tensor. The caller disposes
   * the returned tensors.
   */
  at(index: number): tf.Tensor[] {
    const n = this.length;
    const i = index < 0 ? n + index : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new ShapeError(
        `index ${index} is out of bounds for a dataset of size ${n}.`,
      );
    }
    return this.tensors.map((t) =>
      tf.tidy(() => tf.squeeze(tf.slice(t, i, 1), [0])));
  }
}
