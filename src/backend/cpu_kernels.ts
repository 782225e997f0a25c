import * as tf from '@tensorflow/tfjs';
import {
  copyGatheredSlices,
  type KernelReplacement,
  kernelPatches,
  type NumericArray,
} from './kernel_patches.js';

/**
 * Fast matrix products, gathers, transposes and elementwise arithmetic for
 * the plain JavaScript cpu backend, registered through tfjs's own kernel
 * registry (`tf.getKernel`, `tf.unregisterKernel`, `tf.registerKernel`).
 *
 * NOTE [register tiles]: the cpu `BatchMatMul` kernel (which `_FusedMatMul`
 * calls) computes one output at a time with a strided index per operand
 * value, about 0.8 GFLOP/s on [200,784]x[784,128] in Node 20. The
 * replacement computes the output in 4x4 tiles held in sixteen local
 * variables: each step along the shared axis reads four values of `a` and
 * four of `b` and does sixteen multiply-adds: about 5 GFLOP/s on the same
 * product (4.3 when Node runs under tsx's loader). An i-k-j loop over
 * whole rows reaches only 1.5 GFLOP/s, as it loads and stores a row of the
 * output at every step.
 *
 * NOTE [transposed products]: a transposed operand is read in place through
 * its strides. Copying it transposed into a scratch buffer first was
 * measured as well: within 3 % either way on every shape of the tutorial
 * network, so the simpler form was kept.
 *
 * NOTE [rounding]: each output is summed in double precision along the
 * shared axis and rounded to float32 once (relative error about 6e-8
 * against an exact sum). The original kernel sums blocks of 48 in double
 * and rounds to float32 after each block; its own error, and so the
 * difference between the two, grows with the shared length: about 2e-6
 * relative at 784, 1e-5 at 4000 (random values in [-1, 1]). A partial
 * sum beyond float32's range makes the original return Infinity where
 * this returns the finite total (48 x 1e30 then 48 x -1e30 gives 0).
 * Bias and activation are then applied with the original kernels' own
 * formulas.
 *
 * Anything else goes to the original kernel unchanged: other dtypes,
 * batches that differ (broadcast), empty operands, mismatched inner sizes
 * (so the original error is thrown), a bias that is not one value per
 * output column, the `prelu` activation and unknown activations.
 *
 * NOTE [row gathers]: the cpu `GatherV2` kernel builds a location array
 * per output value (about 100 ns each): 200 shuffled rows of [6000, 784]
 * cost 20 ms, the whole dataset half a second. With `batchDims` 0, a
 * numeric dtype and int32 indices all in range, the replacement copies
 * each gathered slice whole (`subarray` and `set`, or a short loop for
 * slices under `MIN_GATHER_COPY` values). Any index out of range goes to
 * the original kernel, which throws its own error.
 *
 * NOTE [blocked transposes]: the cpu `Transpose` kernel also maps every
 * index through location arrays (about 100 ns per value), and PyTorch-style
 * weights [out, in] are transposed twice per step. A rank-2 transpose of a
 * numeric dtype is done here in `TRANSPOSE_BLOCK`-square blocks, so both
 * the reads and the writes of a block stay in cache. Other ranks and
 * permutations go to the original.
 *
 * NOTE [elementwise]: `Add`, `Sub`, `Multiply` and `RealDiv` on the cpu
 * backend call one shared closure per value through a generic loop (about
 * 40 ns per value); Adam makes several such calls per weight per step.
 * When both operands are float32 and each is either a single value or
 * laid out exactly as the output (no real broadcasting), a plain loop per
 * operation computes the same double-precision expression and stores it
 * into a Float32Array, as the original does: bit for bit the same.
 * Operands that are not both float32 (the original's output takes the
 * first one's dtype; tf ops cast mixed dtypes before the kernel) and
 * operands that really broadcast go to the original kernel.
 */

/** The kernels this module replaces on the cpu backend. */
export const CPU_FAST_PATH_KERNELS = [
  'BatchMatMul',
  '_FusedMatMul',
  'GatherV2',
  'Transpose',
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
] as const;

/** Side of the square blocks a rank-2 transpose is done in. */
const TRANSPOSE_BLOCK = 32;

const BACKEND = 'cpu';

/** Output rows and columns per register tile. */
const TILE = 4;

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The part of tfjs-backend-cpu's `MathBackendCPU` these kernels use. */
interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(
    shape: number[], dtype: tf.DataType, values: NumericArray,
  ): tf.TensorInfo;
}

/** How each replaced kernel is built from the original. */
const PATCHES = kernelPatches(BACKEND, {
  BatchMatMul: tiledMatMulKernel,
  _FusedMatMul: tiledFusedMatMulKernel,
  GatherV2: copyingGatherKernel,
  Transpose: blockedTransposeKernel,
  Add: elementwiseKernel('Add'),
  Sub: elementwiseKernel('Sub'),
  Multiply: elementwiseKernel('Multiply'),
  RealDiv: elementwiseKernel('RealDiv'),
} satisfies Record<(typeof CPU_FAST_PATH_KERNELS)[number],
  KernelReplacement>);

/**
 * Replaces the cpu kernels named in `CPU_FAST_PATH_KERNELS` by the tiled
 * products described above. `selectBackend` calls it when it starts the
 * cpu backend. Safe to call more than once. Does nothing when the cpu
 * backend is not registered.
 *
 * @returns the names of the kernels replaced by this call (empty when they
 *   were already replaced or the cpu backend is absent).
 */
export function installCpuFastPaths(): string[] {
  return PATCHES.install();
}

/**
 * Puts the original tfjs kernels back (for measurements and tests).
 *
 * @returns the names of the kernels restored by this call.
 */
export function uninstallCpuFastPaths(): string[] {
  return PATCHES.uninstall();
}

/** Whether every cpu fast path is installed right now. */
export function cpuFastPathsInstalled(): boolean {
  return PATCHES.installed();
}

/** Wraps `BatchMatMul`: float32 products of equal batches are tiled. */
function tiledMatMulKernel(original: tf.KernelConfig): tf.KernelFunc {
  const batchMatMul = original.kernelFunc;
  return (args: KernelArgs) => {
    const product = planProduct(args);
    if (product === undefined) {
      return batchMatMul(args);
    }
    const cpu = args.backend as CpuBackend;
    return cpu.makeTensorInfo(
      product.outShape, 'float32', multiply(product));
  };
}

/**
 * Wraps `_FusedMatMul`: a tiled product, then the bias and the activation
 * written over the product's own buffer.
 */
function tiledFusedMatMulKernel(original: tf.KernelConfig): tf.KernelFunc {
  const fusedMatMul = original.kernelFunc;
  return (args: KernelArgs) => {
    const product = planProduct(args);
    const epilogue = product && planEpilogue(args, product);
    if (product === undefined || epilogue === undefined) {
      return fusedMatMul(args);
    }
    const out = multiply(product);
    if (epilogue.bias !== undefined) {
      addBias(out, epilogue.bias, product.n);
    }
    if (epilogue.activation !== undefined) {
      activate(out, epilogue.activation, epilogue.alpha);
    }
    const cpu = args.backend as CpuBackend;
    return cpu.makeTensorInfo(product.outShape, 'float32', out);
  };
}

/** A product `a` x `b` the tiled kernel can compute, batch by batch. */
interface Product {
  a: Float32Array;
  b: Float32Array;
  batch: number;
  /** Output rows, shared length, output columns. */
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  outShape: number[];
}

/** Reads a kernel call as a `Product`, or undefined to delegate it. */
function planProduct(args: KernelArgs): Product | undefined {
  const { inputs, attrs, backend } = args;
  const a = inputs['a'];
  const b = inputs['b'];
  if (a === undefined || b === undefined || a.shape.length < 2 ||
    b.shape.length < 2) {
    return undefined;
  }
  // Truthiness, as the original kernel reads these flags.
  const transposeA = Boolean(attrs?.['transposeA']);
  const transposeB = Boolean(attrs?.['transposeB']);
  const [rowsA, colsA] = a.shape.slice(-2) as [number, number];
  const [rowsB, colsB] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? colsA : rowsA;
  const k = transposeA ? rowsA : colsA;
  const n = transposeB ? rowsB : colsB;
  const batchDimsA = a.shape.slice(0, -2);
  const batchDimsB = b.shape.slice(0, -2);
  const batch = tf.util.sizeFromShape(batchDimsA);
  const sameBatches = batch === 1
    ? tf.util.sizeFromShape(batchDimsB) === 1
    : tf.util.arraysEqual(batchDimsA, batchDimsB);
  const innerMatches = k === (transposeB ? colsB : rowsB);
  if (!sameBatches || !innerMatches || batch * m * k * n === 0) {
    return undefined;
  }
  const values = (x: tf.TensorInfo) => {
    const stored = (backend as CpuBackend).data.get(x.dataId).values;
    return x.dtype === 'float32' && stored instanceof Float32Array
      ? stored
      : undefined;
  };
  const aValues = values(a);
  const bValues = values(b);
  if (aValues === undefined || bValues === undefined) {
    return undefined;
  }
  const longer = batchDimsA.length >= batchDimsB.length
    ? batchDimsA
    : batchDimsB;
  return {
    a: aValues, b: bValues, batch, m, k, n, transposeA, transposeB,
    outShape: [...longer, m, n],
  };
}

/** `product` computed into a new buffer of batch x m x n values. */
function multiply(product: Product): Float32Array {
  const { a, b, batch, m, k, n, transposeA, transposeB } = product;
  const out = new Float32Array(batch * m * n);
  // Element (i, p) of `a` is at i * aRow + p * aCol; (p, j) of `b` at
  // p * bRow + j * bCol; a transposed operand just swaps its strides.
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n;
  const bCol = transposeB ? k : 1;
  const view = (values: Float32Array, i: number, size: number) =>
    values.subarray(i * size, (i + 1) * size);
  for (let i = 0; i < batch; i++) {
    multiplyMatrix(
      { values: view(a, i, m * k), row: aRow, col: aCol },
      { values: view(b, i, k * n), row: bRow, col: bCol },
      view(out, i, m * n), m, k, n,
    );
  }
  return out;
}

/** One matrix operand, read through its strides. */
interface Strided {
  values: Float32Array;
  /** Distance between consecutive rows and consecutive columns. */
  row: number;
  col: number;
}

/** Writes `a` [m, k] x `b` [k, n] into the row-major `out` [m, n]. */
function multiplyMatrix(
  a: Strided, b: Strided, out: Float32Array, m: number, k: number,
  n: number,
): void {
  const tiledRows = m - (m % TILE);
  const tiledCols = n - (n % TILE);
  for (let i = 0; i < tiledRows; i += TILE) {
    for (let j = 0; j < tiledCols; j += TILE) {
      multiplyTile(a, b, out, i, j, k, n);
    }
  }
  // The last rows and columns that do not fill a tile.
  for (let i = 0; i < m; i++) {
    for (let j = i < tiledRows ? tiledCols : 0; j < n; j++) {
      out[i * n + j] = dot(a, b, i, j, k);
    }
  }
}

/**
 * Writes the 4x4 block of `out` whose top-left corner is (i, j). Each sum
 * runs along the shared axis in order, in double precision, exactly as
 * `dot` does.
 */
function multiplyTile(
  a: Strided, b: Strided, out: Float32Array, i: number, j: number,
  k: number, n: number,
): void {
  const A = a.values;
  const B = b.values;
  const aCol = a.col;
  const bRow = b.row;
  const a1 = a.row;
  const a2 = 2 * a.row;
  const a3 = 3 * a.row;
  const b1 = b.col;
  const b2 = 2 * b.col;
  const b3 = 3 * b.col;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let pa = i * a.row;
  let pb = j * b.col;
  for (let p = 0; p < k; p++, pa += aCol, pb += bRow) {
    const v0 = B[pb]!, v1 = B[pb + b1]!, v2 = B[pb + b2]!, v3 = B[pb + b3]!;
    let x = A[pa]!;
    c00 += x * v0; c01 += x * v1; c02 += x * v2; c03 += x * v3;
    x = A[pa + a1]!;
    c10 += x * v0; c11 += x * v1; c12 += x * v2; c13 += x * v3;
    x = A[pa + a2]!;
    c20 += x * v0; c21 += x * v1; c22 += x * v2; c23 += x * v3;
    x = A[pa + a3]!;
    c30 += x * v0; c31 += x * v1; c32 += x * v2; c33 += x * v3;
  }
  let o = i * n + j;
  out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03;
  o += n;
  out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13;
  o += n;
  out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23;
  o += n;
  out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33;
}

/** Row `i` of `a` times column `j` of `b`, summed in double precision. */
function dot(
  a: Strided, b: Strided, i: number, j: number, k: number,
): number {
  let sum = 0;
  let pa = i * a.row;
  let pb = j * b.col;
  for (let p = 0; p < k; p++, pa += a.col, pb += b.row) {
    sum += a.values[pa]! * b.values[pb]!;
  }
  return sum;
}

type Activation = (x: number, alpha: number) => number;

/**
 * The activations computed here, with the formulas of the cpu kernels
 * `_FusedMatMul` calls (`Relu`, `Relu6`, `LeakyRelu`, `Elu`, `Sigmoid`),
 * so they give the same float32 values. `linear` is no activation.
 */
const ACTIVATIONS = new Map<unknown, Activation | null>([
  ['linear', null],
  ['relu', (x) => Math.max(0, x)],
  ['relu6', (x) => Math.min(Math.max(0, x), 6)],
  ['leakyrelu', (x, alpha) => (x < 0 ? alpha * x : x)],
  ['elu', (x) => (x >= 0 ? x : Math.exp(x) - 1)],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x))],
]);

/** What `_FusedMatMul` applies after the product. */
interface Epilogue {
  /** One value per output column, or a single value for all. */
  bias?: Float32Array;
  activation?: Activation;
  alpha: number;
}

/** Reads the bias and activation of a call, or undefined to delegate. */
function planEpilogue(
  args: KernelArgs, product: Product,
): Epilogue | undefined {
  const name = args.attrs?.['activation'];
  const alpha = args.attrs?.['leakyreluAlpha'];
  // The original applies no activation when the attribute is missing.
  const activation = name === undefined || name === null || name === ''
    ? null
    : ACTIVATIONS.get(name);
  if (activation === undefined ||
    (name === 'leakyrelu' && typeof alpha !== 'number')) {
    return undefined;
  }
  const epilogue: Epilogue = { alpha: typeof alpha === 'number' ? alpha : 0 };
  if (activation !== null) {
    epilogue.activation = activation;
  }
  const bias = args.inputs['bias'];
  if (bias === undefined || bias === null) {
    return epilogue;
  }
  const values = (args.backend as CpuBackend).data.get(bias.dataId).values;
  const rank = bias.shape.length;
  const last = rank === 0 ? 1 : bias.shape[rank - 1]!;
  // A bias broadcast along the output's last axis only (shape [n], [1, n],
  // [1] or a scalar); any other shape goes to the original kernel.
  const perColumn = rank <= product.outShape.length &&
    bias.shape.slice(0, -1).every((d) => d === 1) &&
    (last === product.n || last === 1);
  if (bias.dtype !== 'float32' || !(values instanceof Float32Array) ||
    !perColumn) {
    return undefined;
  }
  return { ...epilogue, bias: values };
}

/** Adds `bias` (one value per column, or one for all) to each row. */
function addBias(out: Float32Array, bias: Float32Array, n: number): void {
  const step = bias.length === 1 ? 0 : 1;
  for (let row = 0; row < out.length; row += n) {
    for (let j = 0; j < n; j++) {
      out[row + j] += bias[j * step]!;
    }
  }
}

/** Applies `activation` to every value of `out`, in place. */
function activate(
  out: Float32Array, activation: Activation, alpha: number,
): void {
  for (let i = 0; i < out.length; i++) {
    out[i] = activation(out[i]!, alpha);
  }
}

/**
 * The stored values of a float32, int32 or bool `x`; undefined for other
 * dtypes (string, complex64).
 *
 * The typed array need not be the dtype's own: a cast to a wider dtype
 * keeps the values it had (int32 cast to float32 is still an Int32Array).
 * The original kernels read such values as numbers and store results in
 * an array of the output dtype, as the kernels here do.
 */
function numericValues(
  backend: unknown, x: tf.TensorInfo,
): NumericArray | undefined {
  const stored = (backend as CpuBackend).data.get(x.dataId).values;
  const numeric = x.dtype === 'float32' || x.dtype === 'int32' ||
    x.dtype === 'bool';
  const typed = stored instanceof Float32Array ||
    stored instanceof Int32Array || stored instanceof Uint8Array;
  return numeric && typed ? stored : undefined;
}

/** A new zeroed array of `size` values of a numeric `dtype`. */
function numericArray(dtype: tf.DataType, size: number): NumericArray {
  return tf.util.getTypedArrayFromDType(
    dtype as 'float32' | 'int32' | 'bool', size);
}

/** Wraps `GatherV2`: in-range gathers with `batchDims` 0 copy slices. */
function copyingGatherKernel(original: tf.KernelConfig): tf.KernelFunc {
  const gather = original.kernelFunc;
  return (args: KernelArgs) => {
    const plan = planGather(args);
    if (plan === undefined) {
      return gather(args);
    }
    const cpu = args.backend as CpuBackend;
    return cpu.makeTensorInfo(
      plan.outShape, args.inputs['x']!.dtype, gatherSlices(plan));
  };
}

/** A gather the fast path can copy. */
interface Gather {
  source: NumericArray;
  index: Int32Array;
  target: NumericArray;
  /** Products of the dimensions before and after the gathered axis. */
  outerSize: number;
  sliceSize: number;
  dimSize: number;
  outShape: number[];
}

/** Reads a `GatherV2` call as a `Gather`, or undefined to delegate it. */
function planGather(args: KernelArgs): Gather | undefined {
  const { inputs, attrs, backend } = args;
  const x = inputs['x'];
  const indices = inputs['indices'];
  const axis = attrs?.['axis'];
  const batchDims = attrs?.['batchDims'] ?? 0;
  const rank = x?.shape.length ?? 0;
  if (x === undefined || indices === undefined || batchDims !== 0 ||
    indices.dtype !== 'int32' || typeof axis !== 'number' ||
    !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    return undefined;
  }
  const source = numericValues(backend, x);
  const index = (backend as CpuBackend).data.get(indices.dataId).values;
  if (source === undefined || !(index instanceof Int32Array)) {
    return undefined;
  }
  const gatheredAxis = axis < 0 ? axis + rank : axis;
  const dimSize = x.shape[gatheredAxis]!;
  if (!index.every((i) => i >= 0 && i < dimSize)) {
    return undefined;
  }
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
    x, indices, gatheredAxis, 0);
  return {
    source, index, dimSize,
    target: numericArray(x.dtype, tf.util.sizeFromShape(info.outputShape)),
    outerSize: info.outerSize,
    sliceSize: info.sliceSize,
    outShape: info.outputShape,
  };
}

/** Copies the gathered slices of `plan` into `plan.target`. */
function gatherSlices(plan: Gather): NumericArray {
  const { source, index, target, outerSize, sliceSize, dimSize } = plan;
  copyGatheredSlices(source, index, target, outerSize, sliceSize, dimSize);
  return target;
}

/** Wraps `Transpose`: rank-2 numeric transposes go by blocks. */
function blockedTransposeKernel(original: tf.KernelConfig): tf.KernelFunc {
  const transpose = original.kernelFunc;
  return (args: KernelArgs) => {
    const x = args.inputs['x']!;
    const perm = args.attrs?.['perm'] as number[] | undefined;
    const swaps = x.shape.length === 2 && perm?.length === 2 &&
      perm[0] === 1 && perm[1] === 0;
    const source = swaps ? numericValues(args.backend, x) : undefined;
    if (source === undefined) {
      return transpose(args);
    }
    const [rows, cols] = x.shape as [number, number];
    const target = numericArray(x.dtype, rows * cols);
    transposeInto(source, rows, cols, target);
    const cpu = args.backend as CpuBackend;
    return cpu.makeTensorInfo([cols, rows], x.dtype, target);
  };
}

/** Writes the transpose of the row-major `source` [rows, cols]. */
function transposeInto(
  source: NumericArray, rows: number, cols: number, target: NumericArray,
): void {
  for (let i0 = 0; i0 < rows; i0 += TRANSPOSE_BLOCK) {
    const i1 = Math.min(i0 + TRANSPOSE_BLOCK, rows);
    for (let j0 = 0; j0 < cols; j0 += TRANSPOSE_BLOCK) {
      const j1 = Math.min(j0 + TRANSPOSE_BLOCK, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0, from = i * cols + j0; j < j1; j++, from++) {
          target[j * rows + i] = source[from]!;
        }
      }
    }
  }
}

/** The binary kernels computed by `combine`. */
type Elementwise = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';

/**
 * Builds the replacement of one binary kernel: float32 operands that are
 * single values or laid out as the output are combined in one loop.
 */
function elementwiseKernel(name: Elementwise): KernelReplacement {
  return (original: tf.KernelConfig) => {
    const binary = original.kernelFunc;
    return (args: KernelArgs) => {
      const a = args.inputs['a']!;
      const b = args.inputs['b']!;
      const aValues = numericValues(args.backend, a);
      const bValues = numericValues(args.backend, b);
      if (a.dtype !== 'float32' || b.dtype !== 'float32' ||
        aValues === undefined || bValues === undefined) {
        return binary(args);
      }
      // The same check and error as the original kernel's first step.
      const outShape = tf.backend_util.assertAndGetBroadcastShape(
        a.shape, b.shape);
      const size = tf.util.sizeFromShape(outShape);
      const aStep = stepFor(aValues.length, size);
      const bStep = stepFor(bValues.length, size);
      if (aStep === undefined || bStep === undefined) {
        return binary(args);
      }
      const out = new Float32Array(size);
      combine(name, aValues, aStep, bValues, bStep, out);
      const cpu = args.backend as CpuBackend;
      return cpu.makeTensorInfo(outShape, 'float32', out);
    };
  };
}

/**
 * How an operand of `length` values advances along an output of `size`:
 * 1 when laid out as the output (a broadcast shape of the same size only
 * adds leading ones), 0 for a single value repeated, undefined otherwise.
 */
function stepFor(length: number, size: number): 0 | 1 | undefined {
  if (length === size) {
    return 1;
  }
  return length === 1 ? 0 : undefined;
}

/**
 * Writes `a op b` for every output value, with the original kernels'
 * expressions in double precision, rounded to float32 on store. One loop
 * per operation, so each stays monomorphic.
 */
function combine(
  name: Elementwise, a: NumericArray, aStep: number, b: NumericArray,
  bStep: number, out: Float32Array,
): void {
  const n = out.length;
  let p = 0;
  let q = 0;
  switch (name) {
    case 'Add':
      for (let i = 0; i < n; i++, p += aStep, q += bStep) {
        out[i] = a[p]! + b[q]!;
      }
      return;
    case 'Sub':
      for (let i = 0; i < n; i++, p += aStep, q += bStep) {
        out[i] = a[p]! - b[q]!;
      }
      return;
    case 'Multiply':
      for (let i = 0; i < n; i++, p += aStep, q += bStep) {
        out[i] = a[p]! * b[q]!;
      }
      return;
    case 'RealDiv':
      for (let i = 0; i < n; i++, p += aStep, q += bStep) {
        out[i] = a[p]! / b[q]!;
      }
      return;
  }
}
