import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';

/** Backend buffers, including any a kernel forgot to free. */
export function dataIds(): number {
  return tf.engine().backend.numDataIds();
}

/**
 * Runs `fn` once with a backend's original kernels (after `uninstall`)
 * and once with ours (after `install`).
 */
export function bothWaysWith(install: () => unknown, uninstall: () => unknown):
<T>(fn: () => T) => { original: T; patched: T } {
  return <T>(fn: () => T) => {
    uninstall();
    let original: T;
    try {
      original = fn();
    } finally {
      install();
    }
    return { original, patched: fn() };
  };
}

export function values(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** Largest |a - b| relative to max(1, |a|). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>):
number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!));
    worst = Math.max(worst, d);
  }
  return worst;
}

/**
 * Gradients of one small dense-network step with respect to its three
 * weights: a fused product with bias and relu, a plain product, softmax
 * cross-entropy. Its backward pass uses both transpose flags. Inputs are
 * seeded and disposed; the three gradients are the caller's.
 */
export function denseStepGradients(): tf.Tensor[] {
  const x = tf.randomUniform([16, 20], 0, 1, 'float32', 1);
  const w1 = tf.randomNormal([20, 12], 0, 0.3, 'float32', 2);
  const b1 = tf.randomNormal([12], 0, 0.3, 'float32', 3);
  const w2 = tf.randomNormal([12, 5], 0, 0.3, 'float32', 4);
  const labels = tf.oneHot(
    tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0],
      'int32'), 5);
  const loss = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => {
    const h = tf.fused.matMul({
      a: x as tf.Tensor2D, b: p as tf.Tensor2D, bias: q,
      activation: 'relu',
    });
    return tf.losses.softmaxCrossEntropy(labels, tf.matMul(h, r));
  };
  const grads = tf.grads(loss)([w1, b1, w2]);
  tf.dispose([x, w1, b1, w2, labels]);
  return grads;
}

/** Every combination of transposeA and transposeB. */
export const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/** Operand shapes for `a` [.., m, k] and `b` [.., k, n], as flagged. */
export function operands(
  batchA: number[], batchB: number[], m: number, k: number, n: number,
  tA: boolean, tB: boolean, seed: number,
): [tf.Tensor, tf.Tensor] {
  const a = tf.randomUniform(
    [...batchA, ...(tA ? [k, m] : [m, k])], -1, 1, 'float32', seed);
  const b = tf.randomUniform(
    [...batchB, ...(tB ? [n, k] : [k, n])], -1, 1, 'float32', seed + 1);
  return [a, b];
}

/**
 * Asserts that plain and fused products (every transpose combination),
 * `more` and a gradient leave no tensor and no backend buffer behind.
 */
export function expectProductsLeakNothing(more: (x: tf.Tensor2D) => void):
void {
  const bias = tf.ones([13]);
  const w = tf.variable(tf.randomNormal([11, 4], 0, 1, 'float32', 6));
  const x = tf.randomUniform([7, 11], 0, 1, 'float32', 7) as tf.Tensor2D;
  const tensors = tf.memory().numTensors;
  const buffers = dataIds();
  for (const [tA, tB] of FLAGS) {
    const [p, q] = operands([2], [2], 9, 11, 13, tA, tB, 5);
    tf.matMul(p, q, tA, tB).dispose();
    tf.fused.matMul({
      a: p as tf.Tensor3D, b: q as tf.Tensor3D, transposeA: tA,
      transposeB: tB, bias, activation: 'relu',
    }).dispose();
    tf.dispose([p, q]);
  }
  more(x);
  const { value, grads } = tf.variableGrads(() =>
    tf.sum(tf.relu(tf.matMul(x, w))) as tf.Scalar, [w]);
  tf.dispose([value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(dataIds()).toBe(buffers);
  tf.dispose([bias, w, x]);
}

/**
 * Asserts that a backend's replacements are installed, that installing
 * again changes nothing, and that they uninstall (once) and reinstall
 * without a tensor or buffer left behind.
 */
export function expectInstallCycle(
  backend: string,
  kernels: readonly string[],
  install: () => string[],
  uninstall: () => string[],
  installed: () => boolean,
): void {
  const kernelFuncs = () =>
    kernels.map((name) => tf.getKernel(name, backend)!.kernelFunc);
  expect(installed()).toBe(true);
  const before = kernelFuncs();
  expect(install()).toEqual([]);
  expect(kernelFuncs()).toEqual(before);
  const tensors = tf.memory().numTensors;
  const buffers = dataIds();
  expect(uninstall()).toEqual([...kernels]);
  expect(installed()).toBe(false);
  expect(uninstall()).toEqual([]);
  expect(install()).toEqual([...kernels]);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(dataIds()).toBe(buffers);
}

/**
 * Counts the calls of a backend's original `kernel` while `fn` runs with
 * the replacements installed: 0 shows the fast path computed every call.
 */
export function originalCallsWith(
  backend: string, install: () => unknown, uninstall: () => unknown,
): (kernel: string, fn: () => void) => number {
  return (kernel, fn) => {
    uninstall();
    const original = tf.getKernel(kernel, backend)!;
    let calls = 0;
    tf.unregisterKernel(kernel, backend);
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        calls++;
        return original.kernelFunc(args);
      },
    });
    install();
    try {
      fn();
    } finally {
      uninstall();
      tf.unregisterKernel(kernel, backend);
      tf.registerKernel(original);
      install();
    }
    return calls;
  };
}

/**
 * Asserts `patched` has the shape, dtype and exact values of `original`:
 * numeric values are compared bit for bit (so -0, NaN and infinities
 * count), strings as strings.
 */
export function expectSameTensor(patched: tf.Tensor, original: tf.Tensor):
void {
  expect(patched.shape).toEqual(original.shape);
  expect(patched.dtype).toBe(original.dtype);
  const p = patched.dataSync();
  const o = original.dataSync();
  if (!ArrayBuffer.isView(p) || !ArrayBuffer.isView(o)) {
    expect(Array.from(p)).toEqual(Array.from(o));
    return;
  }
  const bytes = (v: ArrayBufferView) =>
    new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  expect(firstDifference(bytes(p), bytes(o))).toBe(-1);
}

/** The first index where `a` and `b` differ, or -1 (also sizes). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      return i;
    }
  }
  return a.length === b.length ? -1 : n;
}

/**
 * One test per case: the tensor `fn` makes has the original kernel's
 * shape, dtype and values, exactly.
 */
export function itEqualsOriginal(
  title: string,
  bothWays: <T>(fn: () => T) => { original: T; patched: T },
  cases: [string, () => tf.Tensor][],
): void {
  for (const [name, fn] of cases) {
    it(`${title}: ${name}`, () => {
      const { original, patched } = bothWays(() => tf.tidy(fn));
      expect(patched.shape).toEqual(original.shape);
      expect(patched.dtype).toBe(original.dtype);
      expect(Array.from(patched.dataSync()))
        .toEqual(Array.from(original.dataSync()));
      tf.dispose([original, patched]);
    });
  }
}

/**
 * Asserts the four products of a = [[1, 2], [3, 4]] and b = [[5, 6],
 * [7, 8]], worked out by hand, under each transpose flag.
 */
export function expectHandProducts(): void {
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const b = tf.tensor2d([[5, 6], [7, 8]]);
  // a x b = [[1*5 + 2*7, 1*6 + 2*8], [3*5 + 4*7, 3*6 + 4*8]].
  expect(Array.from(values(tf.matMul(a, b)))).toEqual([19, 22, 43, 50]);
  // a^T x b = [[1, 3], [2, 4]] x b = [[1*5 + 3*7, 1*6 + 3*8],
  // [2*5 + 4*7, 2*6 + 4*8]].
  expect(Array.from(values(tf.matMul(a, b, true, false))))
    .toEqual([26, 30, 38, 44]);
  // a x b^T = [[1*5 + 2*6, 1*7 + 2*8], [3*5 + 4*6, 3*7 + 4*8]].
  expect(Array.from(values(tf.matMul(a, b, false, true))))
    .toEqual([17, 23, 39, 53]);
  // a^T x b^T = (b x a)^T; b x a = [[23, 34], [31, 46]].
  expect(Array.from(values(tf.matMul(a, b, true, true))))
    .toEqual([23, 31, 34, 46]);
  tf.dispose([a, b]);
}
