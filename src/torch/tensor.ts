import * as tf from '@tensorflow/tfjs';
import { isMatrix, type Matrix } from '../data/matrix.js';
import { ShapeError } from '../errors.js';
import { listChoices, optionError } from '../util/options.js';
import { checkOptionKeys } from './options.js';

/** Python: `torch.float32`. */
export const float32 = 'float32';
/**
 * Python: `torch.long`. Differs from PyTorch: tfjs has no 64-bit integers,
 * so class indices are int32.
 */
export const long = 'int32';
/** Python: `torch.int32`. */
export const int32 = 'int32';

export type TorchDtype = 'float32' | 'int32';

export interface TensorOptions {
  /** Element type. @default 'float32' for floats, 'int32' for Int32Array */
  dtype?: TorchDtype;
}

/**
 * Makes a tensor from numbers, nested arrays, a typed array or a
 * `Matrix`. Python: `torch.tensor(data, dtype=None)`.
 *
 * @example
 * const xTrain = torch.tensor(train.x, { dtype: torch.float32 });
 * const yTrain = torch.tensor(train.y, { dtype: torch.long });
 */
export function tensor(
  data: Matrix | tf.TensorLike | tf.Tensor,
  options: TensorOptions = {},
): tf.Tensor {
  checkOptionKeys(options, ['dtype'], 'tensor');
  const dtype = options.dtype;
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'int32') {
    throw optionError('dtype', 'tensor',
      `one of ${listChoices(['float32', 'int32'])}`, dtype);
  }
  if (data instanceof tf.Tensor) {
    return tf.tidy(() => data.clone().cast(dtype ?? data.dtype));
  }
  if (isMatrix(data)) {
    return tf.tensor2d(data.data, [data.rows, data.cols], dtype ?? 'float32');
  }
  const inferred = data instanceof Int32Array ? 'int32' : 'float32';
  return tf.tensor(data as tf.TensorLike, undefined, dtype ?? inferred);
}

/**
 * The value of a one-element tensor as a number.
 * Python: `t.item()`.
 */
export function item(t: tf.Tensor): number {
  if (t.size !== 1) {
    throw new ShapeError(
      `a Tensor with ${t.size} elements cannot be converted to Scalar; ` +
        `item() needs exactly one element, got shape [${t.shape.join(', ')}].`,
      [],
      t.shape,
    );
  }
  return t.dataSync()[0]!;
}

/**
 * Indices of the maximum along `dim`. Python: `t.argmax(dim=1)` or
 * `torch.argmax(t, dim)`.
 *
 * @param dim the axis to reduce. @default -1 (PyTorch flattens when
 *   `dim` is None; pass the axis explicitly to port that).
 */
export function argmax(t: tf.Tensor, dim = -1): tf.Tensor {
  return tf.argMax(t, dim < 0 ? t.rank + dim : dim);
}

/**
 * The size of dimension `dim`, or the whole shape. Python: `t.size(0)`,
 * `t.size()`.
 */
export function size(t: tf.Tensor): number[];
export function size(t: tf.Tensor, dim: number): number;
export function size(t: tf.Tensor, dim?: number): number | number[] {
  if (dim === undefined) {
    return [...t.shape];
  }
  const axis = dim < 0 ? t.rank + dim : dim;
  const n = t.shape[axis];
  if (n === undefined) {
    throw new ShapeError(
      `Dimension out of range (expected to be in range of ` +
        `[${-t.rank}, ${t.rank - 1}], but got ${dim}).`,
    );
  }
  return n;
}

/**
 * How many elements of `a` equal those of `b`. Python:
 * `(a == b).sum().item()`.
 */
export function countEqual(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => item(tf.sum(tf.equal(a, b.cast(a.dtype)))));
}
