import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors.js';

/**
 * A dense row-major float32 matrix: the one in-memory form of a feature
 * table that every part of tfjs-trio accepts.
 */
export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Anything a facade accepts as a feature matrix. */
export type MatrixLike = Matrix | tf.Tensor2D | ArrayLike<ArrayLike<number>>;

/** Class labels as users hold them: numbers or strings. */
export type Labels = ArrayLike<number> | readonly string[];

export function isMatrix(value: unknown): value is Matrix {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Matrix).data instanceof Float32Array &&
    typeof (value as Matrix).rows === 'number' &&
    typeof (value as Matrix).cols === 'number'
  );
}

/**
 * Converts any accepted form to a `Matrix`. A `Matrix` passes through
 * without copying; a tensor is read back; nested arrays are copied.
 */
export function toMatrix(x: MatrixLike, what = 'X'): Matrix {
  if (isMatrix(x)) {
    if (x.data.length !== x.rows * x.cols) {
      throw new ShapeError(
        `${what} claims shape [${x.rows}, ${x.cols}] but holds ` +
          `${x.data.length} values.`,
      );
    }
    return x;
  }
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) {
      throw new ShapeError(
        `${what} must be a 2-D tensor [samples, features]; got shape ` +
          `[${x.shape.join(', ')}].`,
        [null, null],
        x.shape,
      );
    }
    const [rows, cols] = x.shape as [number, number];
    return { data: x.dataSync() as Float32Array, rows, cols };
  }
  const rows = x.length;
  if (rows === 0) {
    throw new ShapeError(`${what} has no rows; at least one is needed.`);
  }
  const cols = x[0]!.length;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = x[i]!;
    if (row.length !== cols) {
      throw new ShapeError(
        `${what} row ${i} has ${row.length} values; row 0 has ${cols}.`,
      );
    }
    for (let j = 0; j < cols; j++) {
      data[i * cols + j] = row[j]!;
    }
  }
  return { data, rows, cols };
}

/** A view of rows [start, end) that shares memory with `m`. */
export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return {
    data: m.data.subarray(start * m.cols, end * m.cols),
    rows: end - start,
    cols: m.cols,
  };
}

/** Copies the rows named by `index` into a new contiguous matrix. */
export function takeRows(m: Matrix, index: ArrayLike<number>): Matrix {
  const out = new Float32Array(index.length * m.cols);
  for (let i = 0; i < index.length; i++) {
    const src = index[i]! * m.cols;
    out.set(m.data.subarray(src, src + m.cols), i * m.cols);
  }
  return { data: out, rows: index.length, cols: m.cols };
}
