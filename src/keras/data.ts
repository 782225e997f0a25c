import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors.js';
import { isMatrix, type Matrix } from '../data/matrix.js';

/**
 * What `fit`, `evaluate` and `predict` accept as features: a tfjs tensor
 * (any rank, samples first), a `Matrix`, or nested arrays (as numpy arrays
 * port to JavaScript).
 */
export type FeaturesLike = tf.Tensor | Matrix | ArrayLike<unknown>;

/** What `fit` and `evaluate` accept as targets. */
export type TargetsLike =
  | tf.Tensor
  | Matrix
  | ArrayLike<number>
  | ArrayLike<ArrayLike<number>>;

/** A tensor plus whether we created it (and must dispose it). */
export interface OwnedTensor {
  tensor: tf.Tensor;
  owned: boolean;
}

/** Features as a float32 tensor with samples on axis 0. */
export function featuresTensor(x: FeaturesLike, what = 'x'): OwnedTensor {
  if (x instanceof tf.Tensor) {
    if (x.rank < 1) {
      throw new ShapeError(`${what} must have a samples axis; got a scalar.`);
    }
    return x.dtype === 'float32'
      ? { tensor: x, owned: false }
      : { tensor: tf.cast(x, 'float32'), owned: true };
  }
  if (isMatrix(x)) {
    if (x.data.length !== x.rows * x.cols) {
      throw new ShapeError(`${what} claims shape [${x.rows}, ${x.cols}] ` +
        `but holds ${x.data.length} values.`);
    }
    return { tensor: tf.tensor2d(x.data, [x.rows, x.cols]), owned: true };
  }
  if (x.length === 0) {
    throw new ShapeError(`${what} has no samples; at least one is needed.`);
  }
  try {
    const first = x[0];
    const nested = typeof first === 'object' && first !== null;
    const values = nested ? Array.from(x as ArrayLike<unknown>) : x;
    return {
      tensor: tf.tensor(values as number[], undefined, 'float32'),
      owned: true,
    };
  } catch (err) {
    throw new ShapeError(`${what} is not a regular array of numbers: ` +
      (err as Error).message);
  }
}

/** Targets as a float32 tensor; labels stay exact up to 2^24. */
export function targetsTensor(y: TargetsLike, what = 'y'): OwnedTensor {
  return featuresTensor(y as FeaturesLike, what);
}

/** Rows [start, end) of a tensor. */
export function sliceSamples(t: tf.Tensor, start: number, end: number) {
  const begin = t.shape.map((_, i) => (i === 0 ? start : 0));
  const size = t.shape.map((d, i) => (i === 0 ? end - start : d));
  return tf.slice(t, begin, size);
}

/** Throws unless `x` and `y` have the same number of samples. */
export function checkSameSamples(x: tf.Tensor, y: tf.Tensor, where: string) {
  if (x.shape[0] !== y.shape[0]) {
    throw new ShapeError(
      `${where}: x and y must have the same number of samples; got ` +
        `${x.shape[0]} and ${y.shape[0]}.`,
      [x.shape[0]!],
      [y.shape[0]!],
    );
  }
}
