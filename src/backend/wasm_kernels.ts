import * as tf from '@tensorflow/tfjs';
import {
  copyGatheredSlices,
  type KernelReplacement,
  kernelPatches,
  type NumericArray,
} from './kernel_patches.js';

/**
 * Fast paths for the WebAssembly backend, registered through tfjs's own
 * kernel registry (`tf.getKernel`, `tf.unregisterKernel`,
 * `tf.registerKernel`).
 *
 * NOTE [transposed products]: the wasm `BatchMatMul` and `_FusedMatMul`
 * kernels run about ten times slower when `transposeA` or `transposeB` is
 * set (measured on [200,784]x[784,128] in Node 20, SIMD, one thread: about
 * 26 GFLOP/s plain against 2 GFLOP/s transposed; see
 * `scripts/bench/kernels.ts`). Every backward pass of
 * a dense layer multiplies by a transposed operand, so training spends most
 * of its time there. The replacement kernels transpose the flagged operand
 * explicitly with the wasm `Transpose` kernel (a memory copy, linear in the
 * operand's size), call the original kernel with the flag cleared, and free
 * the copy. Results equal the original kernel's within float rounding (the
 * same products, summed in a possibly different order).
 *
 * NOTE [row gathers]: the wasm `GatherV2` kernel computes an index per
 * element, so gathering 200 rows of 784 floats takes several milliseconds
 * and 10000 rows about half a second. tfjs-layers' `fit` gathers every
 * batch (shuffled or not), as does any loop that shuffles with `tf.gather`.
 * The replacement copies whole slices (`copyGatheredSlices`, shared
 * with the cpu fast path) when each gathered slice holds at least
 * `MIN_GATHER_SLICE` values and falls back to the original kernel
 * otherwise. The output is bit for bit the same.
 *
 * NOTE [tiles]: the wasm `Tile` kernel also computes an index per output
 * element (about 23 ns each): `tf.where` with a scalar broadcast over a
 * [784, 128] weight matrix tiles the scalar and costs over 2 ms. The
 * replacement writes each innermost run once and then doubles it with
 * `copyWithin` (or `fill` for a single value); bit for bit the same.
 *
 * NOTE [slices]: the wasm `Slice` kernel reads its whole input out of the
 * wasm heap (`readSync`, a copy) before copying the slice: slicing a batch
 * of 32 rows from the resident MNIST matrix [60000, 784] copies 188 MB per
 * step. The replacement reads through a view of the heap instead
 * (`typedArrayFromHeap`), so a slice costs only its own size; bit for bit
 * the same. The wasm `StridedSlice` kernel calls that slice function
 * directly for contiguous cases, so it is replaced too: those cases go
 * through the registered (fast) `Slice`, the others to the original.
 *
 * NOTE [transposes]: the wasm `Transpose` kernel writes its output with a
 * stride of one output row. When that row is a multiple of 128 floats
 * (512 bytes: the input had 128, 256, ... rows) the writes keep landing
 * in the same few cache sets, and transposing a [128, 784] weight matrix
 * takes 0.22-0.29 ms against 0.04 ms for [784, 128]; [512, 784] takes
 * 2.1 ms. Power-of-two layer widths are the common case, and the torch
 * facade's `Linear` and the transposed products above transpose such
 * weights every step. The replacement transposes into rows padded by
 * `TRANSPOSE_PAD` values (a stride that is no longer a multiple of 512
 * bytes) with the original kernel, then copies each row out without its
 * padding. Bit for bit the same: transposing only moves values.
 */

/** The kernels this module replaces on the wasm backend. */
export const WASM_FAST_PATH_KERNELS = [
  'BatchMatMul',
  '_FusedMatMul',
  'GatherV2',
  'Tile',
  'Slice',
  'StridedSlice',
  'Transpose',
] as const;

/** Output row lengths (values) at which the padded transpose is used. */
export const TRANSPOSE_CONFLICT_ROWS = 128;

/** Values added to each output row of the padded transpose: 4 keeps
 * every row 16-byte aligned. */
export const TRANSPOSE_PAD = 4;

/** Smallest matrix (values) worth the padded transpose's extra copies. */
const MIN_PADDED_TRANSPOSE = 16384;

/**
 * Largest input (values) for the padded transpose. It holds four buffers
 * of the input's size at once where the original holds two, and near the
 * wasm heap's 4 GiB limit tfjs-backend-wasm does not notice a failed
 * allocation (its `move` takes offset 0 and writes over live tensors);
 * above this size the original kernel runs.
 */
const MAX_PADDED_TRANSPOSE = 1 << 24;

/** Smallest slice (values per gathered index) copied by the fast gather. */
export const MIN_GATHER_SLICE = 8;

const BACKEND = 'wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The part of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackend {
  disposeData(dataId: object): boolean;
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array
    | Uint8Array;
}

/** How each replaced kernel is built from the original. */
const PATCHES = kernelPatches(BACKEND, {
  BatchMatMul: transposingKernel,
  _FusedMatMul: transposingKernel,
  GatherV2: sliceGatherKernel,
  Tile: copyingTileKernel,
  Slice: viewSliceKernel,
  StridedSlice: contiguousStridedSliceKernel,
  Transpose: paddedTransposeKernel,
} satisfies Record<(typeof WASM_FAST_PATH_KERNELS)[number],
  KernelReplacement>);

/**
 * Replaces the wasm kernels named in `WASM_FAST_PATH_KERNELS` by the fast
 * paths described above. Call it after importing
 * `@tensorflow/tfjs-backend-wasm`, before or after `tf.setBackend('wasm')`;
 * `selectBackend` does so. Safe to call more than once. Does nothing when
 * the wasm backend is not registered.
 *
 * @returns the names of the kernels replaced by this call (empty when they
 *   were already replaced or wasm is absent).
 */
export function installWasmFastPaths(): string[] {
  return PATCHES.install();
}

/**
 * Puts the original tfjs kernels back (for measurements and tests).
 *
 * @returns the names of the kernels restored by this call.
 */
export function uninstallWasmFastPaths(): string[] {
  return PATCHES.uninstall();
}

/** Whether every wasm fast path is installed right now. */
export function wasmFastPathsInstalled(): boolean {
  return PATCHES.installed();
}

/**
 * Wraps a matrix-product kernel whose inputs are `a` and `b` and whose
 * attributes hold `transposeA` / `transposeB`.
 */
function transposingKernel(original: tf.KernelConfig): tf.KernelFunc {
  const product = original.kernelFunc;
  return (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    if (!transposeA && !transposeB) {
      return product(args);
    }
    const wasm = backend as WasmBackend;
    const copies: tf.TensorInfo[] = [];
    try {
      const a = transposeA ? swapLastTwo(inputs['a']!, args) : inputs['a']!;
      if (transposeA) copies.push(a);
      const b = transposeB ? swapLastTwo(inputs['b']!, args) : inputs['b']!;
      if (transposeB) copies.push(b);
      return product({
        inputs: { ...inputs, a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const copy of copies) {
        wasm.disposeData(copy.dataId);
      }
    }
  };
}

/** `x` with its last two axes swapped, as a new backend buffer. */
function swapLastTwo(x: tf.TensorInfo, args: KernelArgs): tf.TensorInfo {
  const transpose = tf.getKernel('Transpose', BACKEND);
  if (transpose === undefined) {
    throw new Error('The wasm backend has no Transpose kernel.');
  }
  return transpose.kernelFunc({
    inputs: { x },
    backend: args.backend,
    attrs: { perm: lastTwoSwapped(x.shape.length) },
  }) as tf.TensorInfo;
}

/** The permutation that swaps the last two of `rank` axes. */
function lastTwoSwapped(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) =>
    i < rank - 2 ? i : i === rank - 2 ? rank - 1 : rank - 2);
}

/** Whether the values of `x` can be read through a view of the wasm heap
 * (numeric dtypes; strings and complex values are not stored there). */
function onHeap(x: tf.TensorInfo): boolean {
  return x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool';
}

/**
 * Wraps the `GatherV2` kernel: with `batchDims` 0 and slices of at least
 * `MIN_GATHER_SLICE` values, copies each slice in one `TypedArray.set`.
 */
function sliceGatherKernel(original: tf.KernelConfig): tf.KernelFunc {
  const gather = original.kernelFunc;
  return (args: KernelArgs) => {
    const { inputs, attrs } = args;
    const x = inputs['x']!;
    const indices = inputs['indices']!;
    const batchDims = (attrs?.['batchDims'] as number | undefined) ?? 0;
    if (batchDims !== 0 || !onHeap(x)) {
      return gather(args);
    }
    const axis = tf.util.parseAxisParam(
      attrs?.['axis'] as number, x.shape)[0]!;
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
      x, indices, axis, batchDims);
    const { sliceSize, outerSize, dimSize } = info;
    if (sliceSize < MIN_GATHER_SLICE) {
      return gather(args);
    }
    const wasm = args.backend as WasmBackend;
    const index = wasm.readSync(indices.dataId);
    for (let i = 0; i < index.length; i++) {
      const value = index[i]!;
      // Same check and message as the original kernel.
      if (!(value <= dimSize - 1 && value >= 0)) {
        throw new Error(
          `GatherV2: the index value ${value} is not in [0, ${dimSize - 1}]`,
        );
      }
    }
    const out = wasm.makeOutput(info.outputShape, x.dtype);
    if (out.shape.some((d) => d === 0) || x.shape.some((d) => d === 0)) {
      return out;
    }
    // Views are taken after makeOutput, which may grow the wasm heap.
    const source = wasm.typedArrayFromHeap(x);
    const target = wasm.typedArrayFromHeap(out);
    copyGatheredSlices(source, index, target, outerSize, sliceSize,
      dimSize);
    return out;
  };
}

/** Wraps the `Tile` kernel: numeric tensors are tiled by block copies. */
function copyingTileKernel(original: tf.KernelConfig): tf.KernelFunc {
  const tile = original.kernelFunc;
  return (args: KernelArgs) => {
    const x = args.inputs['x']!;
    const reps = args.attrs?.['reps'] as number[] | undefined;
    if (!onHeap(x) || reps === undefined || reps.length !== x.shape.length) {
      return tile(args);
    }
    const wasm = args.backend as WasmBackend;
    const outShape = x.shape.map((d, i) => d * reps[i]!);
    const out = wasm.makeOutput(outShape, x.dtype);
    if (outShape.some((d) => d === 0)) {
      return out;
    }
    // Views are taken after makeOutput, which may grow the wasm heap.
    const source = wasm.typedArrayFromHeap(x);
    const target = wasm.typedArrayFromHeap(out);
    tileInto(source, x.shape, reps, target);
    return out;
  };
}

/** Writes `source` (of `shape`) tiled `reps` times into `target`. */
function tileInto(
  source: NumericArray,
  shape: readonly number[],
  reps: readonly number[],
  target: NumericArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    target[0] = source[0]!;
    return;
  }
  // Values per step along each axis, in the input and in the output.
  const sourceStride = new Array<number>(rank).fill(1);
  const targetStride = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) {
    sourceStride[axis] = sourceStride[axis + 1]! * shape[axis + 1]!;
    targetStride[axis] = targetStride[axis + 1]! *
      shape[axis + 1]! * reps[axis + 1]!;
  }
  const fill = (axis: number, from: number, to: number): void => {
    const block = shape[axis]! * targetStride[axis]!;
    if (axis === rank - 1) {
      if (block === 1) {
        target.fill(source[from]!, to, to + reps[axis]!);
        return;
      }
      target.set(source.subarray(from, from + block), to);
    } else {
      for (let j = 0; j < shape[axis]!; j++) {
        fill(axis + 1, from + j * sourceStride[axis]!,
          to + j * targetStride[axis]!);
      }
    }
    // Repeat the block reps[axis] times, doubling the copied length.
    const total = block * reps[axis]!;
    for (let done = block; done < total;) {
      const n = Math.min(done, total - done);
      target.copyWithin(to + done, to, to + n);
      done += n;
    }
  };
  fill(0, 0, 0);
}

/** Wraps the `Slice` kernel: numeric inputs are read through a view. */
function viewSliceKernel(original: tf.KernelConfig): tf.KernelFunc {
  const slice = original.kernelFunc;
  return (args: KernelArgs) => {
    const x = args.inputs['x']!;
    if (!onHeap(x)) {
      return slice(args);
    }
    const [begin, size] = tf.slice_util.parseSliceParams(
      x as tf.Tensor,
      args.attrs?.['begin'] as number[],
      args.attrs?.['size'] as number[],
    );
    const wasm = args.backend as WasmBackend;
    const out = wasm.makeOutput(size, x.dtype);
    if (size.some((d) => d === 0)) {
      return out;
    }
    // Views are taken after makeOutput, which may grow the wasm heap.
    const source = wasm.typedArrayFromHeap(x);
    const target = wasm.typedArrayFromHeap(out);
    copyBox(source, x.shape, begin, size, target);
    return out;
  };
}

/** Copies the box `begin` + `size` of `source` (of `shape`) to `target`. */
function copyBox(
  source: NumericArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  target: NumericArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    target[0] = source[0]!;
    return;
  }
  const strides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) {
    strides[axis] = strides[axis + 1]! * shape[axis + 1]!;
  }
  // The trailing axes taken whole form one contiguous run per copy.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) {
    inner--;
  }
  const run = size[inner]! * strides[inner]!;
  let to = 0;
  const copy = (axis: number, from: number): void => {
    if (axis === inner) {
      const start = from + begin[axis]! * strides[axis]!;
      target.set(source.subarray(start, start + run), to);
      to += run;
      return;
    }
    for (let i = 0; i < size[axis]!; i++) {
      copy(axis + 1, from + (begin[axis]! + i) * strides[axis]!);
    }
  };
  copy(0, 0);
}

/**
 * Wraps the `StridedSlice` kernel: slices that keep whole rows (the cases
 * the original hands to its own slice) use the registered `Slice` kernel.
 */
function contiguousStridedSliceKernel(
  original: tf.KernelConfig,
): tf.KernelFunc {
  const stridedSlice = original.kernelFunc;
  return (args: KernelArgs) => {
    const x = args.inputs['x']!;
    const a = args.attrs ?? {};
    if (!onHeap(x) || x.shape.length === 0) {
      return stridedSlice(args);
    }
    const info = tf.slice_util.sliceInfo(
      x.shape,
      a['begin'] as number[],
      a['end'] as number[],
      a['strides'] as number[],
      a['beginMask'] as number,
      a['endMask'] as number,
      a['ellipsisMask'] as number,
      a['newAxisMask'] as number,
      a['shrinkAxisMask'] as number,
    );
    const slice = tf.getKernel('Slice', BACKEND);
    if (info.isIdentity || !(info.sliceDim0 || info.isSimpleSlice) ||
      slice === undefined) {
      return stridedSlice(args);
    }
    const size = tf.slice_util.computeOutShape(
      info.begin, info.end, info.strides);
    const sliced = slice.kernelFunc({
      inputs: { x },
      backend: args.backend,
      attrs: { begin: info.begin, size },
    }) as tf.TensorInfo;
    // Same values in the same order: only the shape changes.
    return { ...sliced, shape: info.finalShape };
  };
}

/**
 * Wraps the `Transpose` kernel: swapping the last two axes of matrices
 * with a multiple of `TRANSPOSE_CONFLICT_ROWS` rows goes through padded
 * rows (NOTE [transposes]); anything else to the original.
 */
function paddedTransposeKernel(original: tf.KernelConfig): tf.KernelFunc {
  const transpose = original.kernelFunc;
  return (args: KernelArgs) => {
    const x = args.inputs['x']!;
    const perm = args.attrs?.['perm'] as number[] | undefined;
    const shape = x.shape;
    const rank = shape.length;
    if (!onHeap(x) || perm === undefined || rank < 2 ||
      perm.join() !== lastTwoSwapped(rank).join()) {
      return transpose(args);
    }
    const rows = shape[rank - 2]!;
    const cols = shape[rank - 1]!;
    const batch = shape.slice(0, rank - 2).reduce((a, b) => a * b, 1);
    if (rows % TRANSPOSE_CONFLICT_ROWS !== 0 || batch === 0 ||
      rows * cols < MIN_PADDED_TRANSPOSE ||
      batch * rows * cols > MAX_PADDED_TRANSPOSE) {
      return transpose(args);
    }
    const wasm = args.backend as WasmBackend;
    const stride = rows + TRANSPOSE_PAD;
    const out = wasm.makeOutput(
      [...shape.slice(0, rank - 2), cols, rows], x.dtype);
    let padded: tf.TensorInfo | undefined;
    let swapped: tf.TensorInfo | undefined;
    let done = false;
    try {
      padded = wasm.makeOutput([batch, stride, cols], x.dtype);
      // Views are taken after makeOutput, which may grow the wasm heap.
      const source = wasm.typedArrayFromHeap(x);
      const input = wasm.typedArrayFromHeap(padded);
      for (let b = 0; b < batch; b++) {
        const to = b * stride * cols;
        input.set(source.subarray(b * rows * cols, (b + 1) * rows * cols),
          to);
        input.fill(0, to + rows * cols, to + stride * cols);
      }
      swapped = transpose({
        inputs: { x: padded },
        backend: args.backend,
        attrs: { perm: [0, 2, 1] },
      }) as tf.TensorInfo;
      const from = wasm.typedArrayFromHeap(swapped);
      const target = wasm.typedArrayFromHeap(out);
      for (let r = 0; r < batch * cols; r++) {
        target.set(from.subarray(r * stride, r * stride + rows), r * rows);
      }
      done = true;
    } finally {
      for (const buffer of done ? [padded, swapped]
        : [padded, swapped, out]) {
        if (buffer !== undefined) {
          wasm.disposeData(buffer.dataId);
        }
      }
    }
    return out;
  };
}
