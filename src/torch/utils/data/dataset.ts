import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../../errors.js';

/**
 * A map-style dataset: sample `i` is `at(i)`, for `i` in `0..length - 1`.
 * Python: `torch.utils.data.Dataset`, with `__getitem__(i)` written
 * `at(i)` and `__len__()` written `get length()`. `DataLoader` asks for
 * each sample of a batch in turn and collates them (see `defaultCollate`).
 *
 * Extending the class is optional, as in Python: `DataLoader` takes any
 * object with an `at(index)` method and an integer `length` >= 0, an
 * array included.
 *
 * Memory: `DataLoader` calls `at` inside the loop turn's tfjs scope, so
 * the tensors `at` creates are freed with the batch. Tensors the dataset
 * made beforehand (in its constructor, say) are its own and stay; one
 * that `at` makes and caches for later must be wrapped in `tf.keep`.
 *
 * @example
 * class Squares extends Dataset<[tf.Tensor, number]> {
 *   constructor(readonly n: number) { super(); }
 *   get length() { return this.n; }
 *   at(i: number): [tf.Tensor, number] {
 *     return [tf.tensor1d([i, i * i]), i % 2];
 *   }
 * }
 * // Batches of [x: float32 [4, 2], y: int32 [4]].
 * const loader = new DataLoader(new Squares(10), { batchSize: 4 });
 */
export abstract class Dataset<T> {
  /** Python: `dataset[index]` (`__getitem__`): sample `index`. */
  abstract at(index: number): T;

  /** Python: `len(dataset)` (`__len__`): the number of samples. */
  abstract get length(): number;
}

/**
 * A dataset of tensors that share their first dimension: sample i is
 * `[t0[i], t1[i], ...]`. Python: `TensorDataset(*tensors)`.
 *
 * The dataset refers to the tensors; it does not copy or own them.
 * `DataLoader` cuts its batches straight from them, one slice or gather
 * per tensor, instead of calling `at` per sample; a subclass that
 * overrides `at`, or a loader with a `collateFn`, goes through `at`.
 */
export class TensorDataset extends Dataset<tf.Tensor[]> {
  readonly tensors: readonly tf.Tensor[];

  constructor(...tensors: tf.Tensor[]) {
    super();
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
  override get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /**
   * Python: `dataset[i]`: sample i of each tensor. The caller disposes
   * the returned tensors.
   */
  override at(index: number): tf.Tensor[] {
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
