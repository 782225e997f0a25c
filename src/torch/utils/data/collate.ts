import * as tf from '@tensorflow/tfjs';
import { isPlainObject, optionError } from '../../../util/options.js';
import { CollateError } from '../../errors.js';

/**
 * The batch `defaultCollate` makes of samples of type `T`: tensors,
 * numbers, booleans and typed arrays become one tensor, strings an array
 * of strings, arrays and plain objects the same structure of batches.
 */
export type Collated<T> =
  T extends tf.Tensor | number | boolean | Float32Array | Int32Array |
  Uint8Array ? tf.Tensor
    : T extends string ? string[]
      : T extends readonly unknown[] ? { -readonly [K in keyof T]:
        Collated<T[K]> }
        : T extends object ? { -readonly [K in keyof T]: Collated<T[K]> }
          : never;

/** Where a loader's batch comes from, so messages can name it. */
export interface BatchSource {
  /** The batch's number in its epoch, from 0. */
  batch: number;
  /** The dataset index of each sample of the batch. */
  indices: ArrayLike<number>;
}

type Kind =
  | 'tensor' | 'number' | 'boolean' | 'string' | 'Float32Array'
  | 'Int32Array' | 'Uint8Array' | 'array' | 'object';

const TYPED = {
  Float32Array: { type: Float32Array, dtype: 'float32' },
  Int32Array: { type: Int32Array, dtype: 'int32' },
  Uint8Array: { type: Uint8Array, dtype: 'int32' },
} as const;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Puts a list of samples together into one batch, after PyTorch 1.13's
 * `torch.utils.data.default_collate`, for the sample types that exist in
 * TypeScript:
 *
 * - tensors are stacked along a new first axis (shape `[n, ...shape]`),
 *   after promoting their dtypes to a common one as `torch.stack` does
 *   (bool < int32 < float32);
 * - numbers become a 1-D tensor: int32 when every number of the batch is
 *   a whole number in int32's range, float32 otherwise;
 * - booleans become a 1-D bool tensor;
 * - `Float32Array`, `Int32Array` and `Uint8Array` samples (the analogue
 *   of NumPy arrays) are stacked into a `[n, length]` tensor, float32 for
 *   `Float32Array` and int32 for the other two;
 * - strings are returned as they are, in an array;
 * - arrays (tuples) are collated position by position and plain objects
 *   key by key, returning an array or an object of batches.
 *
 * Differs from PyTorch: tfjs has no 64-bit dtypes, so whole numbers give
 * int32 (PyTorch: int64) and other numbers float32 (PyTorch: float64).
 * JavaScript has one number type, so the dtype is decided per batch from
 * the values: a float field whose values all happen to be whole gives an
 * int32 batch. Return such a field as a float32 tensor (`tf.scalar(v)`)
 * or a `Float32Array` to fix its dtype. Samples must have the same keys
 * (PyTorch takes the first sample's and ignores extra ones).
 *
 * Throws a `CollateError` naming the entry of the batch (and, inside a
 * `DataLoader`, the batch and the dataset index) when samples differ in
 * shape, length, keys or type, or hold a value of another type.
 * Intermediate tensors are freed; the samples are left as they are.
 *
 * @example
 * defaultCollate([[tf.tensor1d([1, 2]), 0], [tf.tensor1d([3, 4]), 1]]);
 * // [float32 tensor [[1, 2], [3, 4]], int32 tensor [0, 1]]
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collateBatch(batch, undefined);
}

/**
 * `defaultCollate` as `DataLoader` calls it: messages name the batch and
 * each sample's dataset index.
 */
export function collateBatch<T>(
  batch: readonly T[],
  source: BatchSource | undefined,
): Collated<T> {
  if (!Array.isArray(batch) || batch.length === 0) {
    throw optionError('batch', 'default_collate',
      'a non-empty array of samples', batch);
  }
  return collate(batch, '', source) as Collated<T>;
}

function collate(
  samples: readonly unknown[],
  field: string,
  source: BatchSource | undefined,
): unknown {
  const kind = commonKind(samples, field, source);
  if (kind === 'tensor') {
    return stackTensors(samples as tf.Tensor[], field, source);
  }
  if (kind === 'number') {
    const values = samples as number[];
    const whole = values.every((v) =>
      Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX);
    return whole
      ? tf.tensor1d(Int32Array.from(values), 'int32')
      : tf.tensor1d(Float32Array.from(values), 'float32');
  }
  if (kind === 'boolean') {
    return tf.tensor1d(samples as boolean[], 'bool');
  }
  if (kind === 'string') {
    return [...(samples as string[])];
  }
  if (kind === 'array') {
    const arrays = samples as unknown[][];
    const size = arrays[0]!.length;
    const entry = arrays.findIndex((a) => a.length !== size);
    if (entry >= 0) {
      throw collateError(source, entry, field,
        `each element in list of batch should be of equal size, but got ` +
          `${size} elements at entry 0 and ${arrays[entry]!.length} at ` +
          `entry ${entry} (${where(source, 0, field)} and ` +
          `${where(source, entry, field)}).`);
    }
    return Array.from({ length: size }, (_, j) =>
      collate(arrays.map((a) => a[j]), `${field}[${j}]`, source));
  }
  if (kind === 'object') {
    const objects = samples as Record<string, unknown>[];
    const keys = Object.keys(objects[0]!);
    const entry = objects.findIndex((o) => {
      const own = Object.keys(o);
      return own.length !== keys.length || !keys.every((k) => own.includes(k));
    });
    if (entry >= 0) {
      throw collateError(source, entry, field,
        `each object in the batch should have the same keys, but got ` +
          `${listKeys(keys)} at entry 0 and ` +
          `${listKeys(Object.keys(objects[entry]!))} at entry ${entry} ` +
          `(${where(source, 0, field)} and ${where(source, entry, field)}).`);
    }
    return Object.fromEntries(keys.map((k) =>
      [k, collate(objects.map((o) => o[k]), `${field}['${k}']`, source)]));
  }
  return stackTyped(samples as (Float32Array | Int32Array | Uint8Array)[],
    kind, field, source);
}

/** The kind every sample shares, or a `CollateError` naming the odd one. */
function commonKind(
  samples: readonly unknown[],
  field: string,
  source: BatchSource | undefined,
): Kind {
  const kinds = samples.map(kindOf);
  const odd = kinds.indexOf(undefined);
  if (odd >= 0) {
    const value = samples[odd];
    const hint = value instanceof Promise
      ? '; at() must return the sample itself (async datasets are not ' +
        'supported)'
      : '';
    throw collateError(source, odd, field,
      `batch must contain tensors, numbers, booleans, strings, typed ` +
        `arrays, arrays or plain objects; found ${describeType(value)} at ` +
        `entry ${odd} (${where(source, odd, field)})${hint}.`);
  }
  const kind = kinds[0]!;
  const other = kinds.findIndex((k) => k !== kind);
  if (other >= 0) {
    throw collateError(source, other, field,
      `every sample of a batch should have the same structure, but got ` +
        `${describeType(samples[0])} at entry 0 and ` +
        `${describeType(samples[other])} at entry ${other} ` +
        `(${where(source, 0, field)} and ${where(source, other, field)}).`);
  }
  return kind;
}

function stackTensors(
  tensors: readonly tf.Tensor[],
  field: string,
  source: BatchSource | undefined,
): tf.Tensor {
  const shape = tensors[0]!.shape;
  const entry = tensors.findIndex((t) =>
    !tf.util.arraysEqual(t.shape, shape));
  if (entry >= 0) {
    throw collateError(source, entry, field,
      `stack expects each tensor to be equal size, but got ` +
        `${formatShape(shape)} at entry 0 and ` +
        `${formatShape(tensors[entry]!.shape)} at entry ${entry} ` +
        `(${where(source, 0, field)} and ${where(source, entry, field)}).`);
  }
  let dtype = tensors[0]!.dtype;
  tensors.forEach((t, i) => {
    try {
      dtype = tf.upcastType(dtype, t.dtype);
    } catch {
      throw collateError(source, i, field,
        `stack cannot put a ${tensors[0]!.dtype} tensor at entry 0 and a ` +
          `${t.dtype} tensor at entry ${i} together ` +
          `(${where(source, 0, field)} and ${where(source, i, field)}).`);
    }
  });
  return tf.tidy(() => tf.stack(tensors.map((t) =>
    (t.dtype === dtype ? t : tf.cast(t, dtype)))));
}

function stackTyped(
  arrays: readonly (Float32Array | Int32Array | Uint8Array)[],
  kind: keyof typeof TYPED,
  field: string,
  source: BatchSource | undefined,
): tf.Tensor {
  const size = arrays[0]!.length;
  const entry = arrays.findIndex((a) => a.length !== size);
  if (entry >= 0) {
    throw collateError(source, entry, field,
      `stack expects each tensor to be equal size, but got [${size}] at ` +
        `entry 0 and [${arrays[entry]!.length}] at entry ${entry} ` +
        `(${where(source, 0, field)} and ${where(source, entry, field)}).`);
  }
  const { dtype } = TYPED[kind];
  const out = dtype === 'float32'
    ? new Float32Array(arrays.length * size)
    : new Int32Array(arrays.length * size);
  arrays.forEach((a, i) => out.set(a, i * size));
  return tf.tensor2d(out, [arrays.length, size], dtype);
}

function kindOf(value: unknown): Kind | undefined {
  if (value instanceof tf.Tensor) {
    return 'tensor';
  }
  if (typeof value === 'number' || typeof value === 'boolean' ||
    typeof value === 'string') {
    return typeof value as Kind;
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  for (const [name, { type }] of Object.entries(TYPED)) {
    if (value instanceof type) {
      return name as Kind;
    }
  }
  return isPlainObject(value) ? 'object' : undefined;
}

/** `a tensor`, `an array`, `null`, `a Promise`, `an instance of Foo`... */
function describeType(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  if (value instanceof tf.Tensor) {
    return `a ${value.dtype} tensor`;
  }
  const kind = kindOf(value);
  if (kind === 'object') {
    return 'a plain object';
  }
  if (kind !== undefined) {
    return `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;
  }
  if (typeof value !== 'object') {
    return `a ${typeof value}`;
  }
  const name = (value as object).constructor?.name ?? 'Object';
  return ['Promise', 'Map', 'Set'].includes(name)
    ? `a ${name}`
    : `an instance of ${name}`;
}

/** `dataset[7][0]` inside a loader, `batch[3][0]` outside. */
function where(
  source: BatchSource | undefined,
  entry: number,
  field: string,
): string {
  return source === undefined
    ? `batch[${entry}]${field}`
    : `dataset[${source.indices[entry]}]${field}`;
}

function collateError(
  source: BatchSource | undefined,
  entry: number,
  field: string,
  text: string,
): CollateError {
  const prefix = source === undefined
    ? 'default_collate: '
    : `DataLoader batch ${source.batch}: `;
  return new CollateError(prefix + text, source?.batch, entry,
    source?.indices[entry], field);
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function listKeys(keys: readonly string[]): string {
  return keys.length === 0 ? 'no keys' : keys.map((k) => `'${k}'`).join(', ');
}
