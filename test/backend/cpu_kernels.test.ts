import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CPU_FAST_PATH_KERNELS,
  cpuFastPathsInstalled,
  installCpuFastPaths,
  uninstallCpuFastPaths,
} from '../../src/backend/cpu_kernels.js';
import { selectBackend } from '../../src/backend/select.js';
import {
  bothWaysWith,
  dataIds,
  denseStepGradients,
  expectInstallCycle,
  expectHandProducts,
  expectProductsLeakNothing,
  itEqualsOriginal,
  expectSameTensor,
  FLAGS,
  maxRelDiff,
  operands,
  originalCallsWith,
  values,
} from './helpers.js';

/** Runs `fn` with the original kernels, then with ours. */
const bothWays = bothWaysWith(installCpuFastPaths, uninstallCpuFastPaths);

/** How often the original kernel ran while `fn` ran with ours. */
const originalCalls = originalCallsWith(
  'cpu', installCpuFastPaths, uninstallCpuFastPaths);

// Kernels are registered per backend, so these tests switch this worker to
// the cpu backend whichever backend the run uses, and switch back after.
let previousBackend = '';

beforeAll(async () => {
  previousBackend = tf.getBackend();
  uninstallCpuFastPaths();
  await selectBackend('cpu');
});

afterAll(async () => {
  await tf.setBackend(previousBackend);
});

/** Asserts `patched` has the shape and dtype of `original`, values close. */
function expectClose(patched: tf.Tensor, original: tf.Tensor): void {
  expect(patched.shape).toEqual(original.shape);
  expect(patched.dtype).toBe(original.dtype);
  expect(maxRelDiff(values(patched), values(original)))
    .toBeLessThanOrEqual(1e-5);
}

/** [batch a, batch b, m, k, n]: the tutorial's products, edges, batches. */
const SHAPES: [number[], number[], number, number, number][] = [
  [[], [], 200, 784, 128],
  [[], [], 200, 128, 64],
  [[], [], 200, 64, 10],
  [[], [], 37, 53, 29],
  [[], [], 1, 1, 1],
  [[], [], 6, 1, 5],
  [[], [], 1, 17, 9],
  [[], [], 9, 17, 1],
  [[1], [1], 5, 6, 7],
  [[1], [], 5, 6, 7],
  [[3], [3], 12, 20, 7],
  [[2, 3], [2, 3], 5, 8, 6],
];

describe('cpu fast paths', () => {
  afterEach(() => {
    // Every test leaves the fast paths installed, as selectBackend does.
    expect(cpuFastPathsInstalled()).toBe(true);
  });

  it('is installed by selectBackend, idempotent and undoable', () => {
    expect(tf.getBackend()).toBe('cpu');
    expectInstallCycle('cpu', CPU_FAST_PATH_KERNELS, installCpuFastPaths,
      uninstallCpuFastPaths, cpuFastPathsInstalled);
  });

  it('computes products derived by hand', () => {
    expectHandProducts();
  });

  it('rounds each sum once, from double precision', () => {
    // The original kernel rounds to float32 after every 48 terms; the fast
    // path rounds once, so with k = 100 only it matches this reference
    // everywhere (which also shows the fast path ran).
    const [m, k, n] = [7, 100, 6];
    const [a, b] = operands([], [], m, k, n, false, false, 3);
    const av = values(a);
    const bv = values(b);
    const expected = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          sum += av[i * k + p]! * bv[p * n + j]!;
        }
        expected[i * n + j] = sum;
      }
    }
    const product = tf.matMul(a, b);
    expect(Array.from(values(product))).toEqual(Array.from(expected));
    tf.dispose([a, b, product]);
  });

  for (const [tA, tB] of FLAGS) {
    it(`matMul equals the original kernel, transposeA=${tA} ` +
      `transposeB=${tB}`, () => {
      for (const [i, [bA, bB, m, k, n]] of SHAPES.entries()) {
        const [a, b] = operands(bA, bB, m, k, n, tA, tB, 10 * i);
        const { original, patched } = bothWays(() =>
          tf.tidy(() => tf.matMul(a, b, tA, tB)));
        expectClose(patched, original);
        tf.dispose([a, b, original, patched]);
      }
    });

    it(`fused matMul with bias and relu equals the original kernel, ` +
      `transposeA=${tA} transposeB=${tB}`, () => {
      for (const [i, [bA, bB, m, k, n]] of SHAPES.entries()) {
        const [a, b] = operands(bA, bB, m, k, n, tA, tB, 10 * i);
        const bias = tf.randomUniform([n], -1, 1, 'float32', 10 * i + 2);
        const { original, patched } = bothWays(() =>
          tf.fused.matMul({
            a, b, transposeA: tA, transposeB: tB, bias,
            activation: 'relu',
          }));
        expectClose(patched, original);
        if (m * n > 20) {
          expect(values(patched).some((v) => v === 0)).toBe(true);
        }
        tf.dispose([a, b, bias, original, patched]);
      }
    });
  }

  describe('fused matMul', () => {
    // Made inside each run, so on the cpu backend (beforeAll has run).
    const a = () => tf.randomUniform([23, 41], -1, 1, 'float32', 40);
    const b = () => tf.randomUniform([41, 18], -1, 1, 'float32', 41);
    const row = () => tf.randomUniform([18], -1, 1, 'float32', 42);
    const cases: [string, () => tf.Tensor][] = [
      ['no bias, linear', () => tf.fused.matMul({ a: a(), b: b() })],
      ['bias [1, n], relu6', () => tf.fused.matMul({
        a: a(), b: b(), bias: row().reshape([1, 18]).mul(4),
        activation: 'relu6',
      })],
      ['scalar bias, leakyrelu', () => tf.fused.matMul({
        a: a(), b: b(), bias: tf.scalar(0.25), activation: 'leakyrelu',
        leakyreluAlpha: 0.1,
      })],
      ['bias [1], elu', () => tf.fused.matMul({
        a: a(), b: b(), bias: tf.tensor1d([-0.5]), activation: 'elu',
      })],
      ['bias, sigmoid', () => tf.fused.matMul({
        a: a(), b: b(), bias: row(), activation: 'sigmoid',
      })],
      ['bias [m, n] (original kernel)', () => tf.fused.matMul({
        a: a(), b: b(),
        bias: tf.randomUniform([23, 18], -1, 1, 'float32', 43),
        activation: 'relu',
      })],
      ['prelu (original kernel)', () => tf.fused.matMul({
        a: a(), b: b(), bias: row(), activation: 'prelu',
        preluActivationWeights: row().mul(0.5),
      })],
    ];
    for (const [name, fn] of cases) {
      it(`equals the original kernel: ${name}`, () => {
        const { original, patched } = bothWays(() => tf.tidy(fn));
        expectClose(patched, original);
        tf.dispose([original, patched]);
      });
    }
  });

  describe('delegated products', () => {
    const cases: [string, () => tf.Tensor][] = [
      ['broadcast batches [4] x [1]', () => {
        const [a, b] = operands([4], [1], 9, 11, 13, false, true, 50);
        return tf.matMul(a, b, false, true);
      }],
      ['broadcast batches [1] x [4]', () => {
        const [a, b] = operands([1], [4], 9, 11, 13, true, false, 52);
        return tf.matMul(a, b, true, false);
      }],
      ['int32', () => tf.matMul(
        tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32'),
        tf.tensor2d([[5, 6], [7, 8]], undefined, 'int32'))],
      ['empty rows', () => tf.matMul(tf.ones([0, 3]), tf.ones([3, 4]))],
      ['empty shared axis', () =>
        tf.matMul(tf.ones([2, 0]), tf.ones([0, 4]))],
    ];
    itEqualsOriginal('equal the original kernel exactly', bothWays, cases);

    it('throw the original error for mismatched inner sizes', () => {
      const a = tf.ones([2, 3]);
      const b = tf.ones([4, 5]);
      expect(() => tf.matMul(a, b)).toThrow(
        'Error in matMul: inner shapes (3) and (4) of Tensors with shapes ' +
        '2,3 and 4,5 and transposeA=false and transposeB=false must match.');
      tf.dispose([a, b]);
    });
  });

  it('gives the same gradients through tf.grads', () => {
    const { original, patched } = bothWays(denseStepGradients);
    for (let i = 0; i < 3; i++) {
      expectClose(patched[i]!, original[i]!);
    }
    expect(values(patched[0]!).some((v) => v !== 0)).toBe(true);
    tf.dispose([...original, ...patched]);
  });

  it('leaks no tensor and no backend buffer', () => {
    expectProductsLeakNothing(leakProbes);
  });
});

/**
 * Runs `fn` with the original kernels and with ours and asserts the same
 * shape, dtype and bits; also that ours ran without the original `kernel`
 * (`fast`) or through it (delegated).
 */
function expectSameBothWays(
  kernel: string, fast: boolean, fn: () => tf.Tensor,
): void {
  const { original, patched } = bothWays(() => tf.tidy(fn));
  expectSameTensor(patched, original);
  tf.dispose([original, patched]);
  const calls = originalCalls(kernel, () => tf.tidy(fn).dispose());
  expect(calls === 0).toBe(fast);
}

/** The error `fn` throws, or undefined. */
function thrown(fn: () => unknown): string | undefined {
  try {
    tf.tidy(() => {
      fn();
    });
  } catch (error) {
    return String(error);
  }
  return undefined;
}

/** Zeros of both signs, NaN, infinities, a subnormal, the largest. */
const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-40, 3.4e38, 1];

/**
 * Seeded float32 values in [-2, 2]; when there are more values than
 * `SPECIAL`, the first ones are those.
 */
function floats(shape: number[], seed: number): tf.Tensor {
  const random = tf.randomUniform(shape, -2, 2, 'float32', seed);
  const v = random.dataSync() as Float32Array;
  random.dispose();
  if (v.length > SPECIAL.length) {
    v.set(SPECIAL);
  }
  return tf.tensor(v, shape);
}

/** Seeded int32 indices in [0, below), with repeats. */
function indices(shape: number[], below: number, seed: number): tf.Tensor {
  return tf.randomUniform(shape, 0, below, 'int32', seed);
}

/** Gathers, transposes and elementwise ops: fast, delegated, failing. */
function leakProbes(x: tf.Tensor2D): void {
  const index = tf.tensor1d([6, 0, 6, 2], 'int32');
  const outs = tf.tidy(() => [
    tf.gather(x, index), tf.gather(x, index, 1), tf.transpose(x),
    tf.transpose(x.reshape([7, 11, 1]), [1, 0, 2]), tf.add(x, 1),
    tf.sub(1, x), tf.mul(x, x), tf.div(x, 3), tf.add(x, x.sum(0)),
  ]);
  expect(thrown(() => tf.gather(x, tf.tensor1d([9], 'int32'))))
    .toContain('GatherV2');
  tf.dispose([index, ...outs]);
}

describe('cpu gathers', () => {
  const fast: [string, () => tf.Tensor][] = [
    ['shuffled rows with repeats',
      () => tf.gather(floats([60, 40], 1), indices([200], 60, 2))],
    ['one row of one value',
      () => tf.gather(floats([1, 1], 3), tf.tensor1d([0], 'int32'))],
    ['rows shorter than a copy',
      () => tf.gather(floats([5, 3], 4), tf.tensor1d([4, 0, 4], 'int32'))],
    ['a vector (labels)',
      () => tf.gather(floats([50], 5), indices([30], 50, 6))],
    ['int32 rows',
      () => tf.gather(indices([7, 20], 1000, 7), indices([9], 7, 8))],
    ['bool rows', () => tf.gather(
      tf.greater(floats([6, 20], 9), 0), indices([8], 6, 10))],
    // A cast to float32 keeps the Int32Array it had.
    ['int32 rows cast to float32', () => tf.gather(
      indices([7, 20], 1e8, 31).toFloat(), indices([9], 7, 32))],
    ['axis 1 of rank 3',
      () => tf.gather(floats([4, 30, 17], 11), indices([5], 30, 12), 1)],
    ['axis -1',
      () => tf.gather(floats([5, 12], 13), indices([7], 12, 14), -1)],
    ['indices of rank 2',
      () => tf.gather(floats([10, 20], 15), indices([3, 4], 10, 16))],
    ['a scalar index',
      () => tf.gather(floats([10, 20], 17), tf.scalar(3, 'int32'))],
    ['no indices',
      () => tf.gather(floats([10, 20], 18), tf.tensor1d([], 'int32'))],
    ['no rows, no indices',
      () => tf.gather(tf.zeros([0, 5]), tf.tensor1d([], 'int32'))],
    ['empty rows',
      () => tf.gather(tf.zeros([4, 0]), tf.tensor1d([3, 1], 'int32'))],
  ];
  for (const [name, fn] of fast) {
    it(`equal the original kernel bit for bit: ${name}`, () => {
      expectSameBothWays('GatherV2', true, fn);
    });
  }

  const delegated: [string, () => tf.Tensor][] = [
    ['batchDims 1', () => tf.gather(
      floats([3, 5, 4], 19), indices([3, 2], 5, 20), 1, 1)],
  ];
  for (const [name, fn] of delegated) {
    it(`go to the original kernel: ${name}`, () => {
      expectSameBothWays('GatherV2', false, fn);
    });
  }

  for (const index of [-1, 5]) {
    it(`throw the original error for index ${index}`, () => {
      const gather = () =>
        tf.gather(tf.ones([5, 20]), tf.tensor1d([0, index, 1], 'int32'));
      const { original, patched } = bothWays(() => thrown(gather));
      expect(original).toBe(
        `Error: GatherV2: the index value ${index} is not in [0, 4]`);
      expect(patched).toBe(original);
      expect(originalCalls('GatherV2', () => thrown(gather))).toBe(1);
    });
  }
});

describe('cpu transposes', () => {
  const fast: [string, () => tf.Tensor][] = [
    ['[784, 128]', () => tf.transpose(floats([784, 128], 21))],
    ['[128, 784]', () => tf.transpose(floats([128, 784], 22))],
    ['[33, 65], not whole blocks',
      () => tf.transpose(floats([33, 65], 23))],
    ['[1, 1]', () => tf.transpose(floats([1, 1], 24))],
    ['one row', () => tf.transpose(floats([1, 40], 25))],
    ['one column', () => tf.transpose(floats([40, 1], 26))],
    ['no rows', () => tf.transpose(tf.zeros([0, 5]))],
    ['perm [1, 0] given', () => tf.transpose(floats([6, 9], 27), [1, 0])],
    ['int32', () => tf.transpose(indices([30, 70], 1e6, 28))],
    ['int32 cast to float32',
      () => tf.transpose(indices([30, 70], 1e8, 33).toFloat())],
    ['bool', () => tf.transpose(tf.greater(floats([9, 50], 29), 0))],
  ];
  for (const [name, fn] of fast) {
    it(`equal the original kernel bit for bit: ${name}`, () => {
      expectSameBothWays('Transpose', true, fn);
    });
  }

  const delegated: [string, () => tf.Tensor][] = [
    ['rank 3', () => tf.transpose(floats([2, 3, 4], 30), [2, 0, 1])],
    ['perm [0, 1]', () => tf.transpose(floats([3, 4], 31), [0, 1])],
  ];
  for (const [name, fn] of delegated) {
    it(`go to the original kernel: ${name}`, () => {
      expectSameBothWays('Transpose', false, fn);
    });
  }
});

describe('cpu elementwise ops', () => {
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['Add', tf.add], ['Sub', tf.sub], ['Multiply', tf.mul],
    ['RealDiv', tf.div],
  ];
  /** Shapes of `a` and `b` the fast path computes. */
  const fastShapes: [number[], number[]][] = [
    [[784, 128], []],
    [[], [128, 784]],
    [[37, 53], [37, 53]],
    [[3, 4], [1, 1]],
    [[1, 1, 1], [2, 3]],
    [[1, 5], [5]],
    [[5], [1, 5]],
    [[1], [1]],
    [[], []],
    [[0, 5], []],
    [[0, 5], [0, 5]],
  ];
  /** Shapes that really broadcast. */
  const broadcastShapes: [number[], number[]][] = [
    [[3, 4], [4]],
    [[2, 1], [1, 3]],
  ];
  for (const [kernel, op] of ops) {
    it(`${kernel} equals the original kernel bit for bit`, () => {
      for (const [i, [aShape, bShape]] of fastShapes.entries()) {
        expectSameBothWays(kernel, true, () =>
          op(floats(aShape, 40 + i), floats(bShape, 60 + i)));
      }
      // Mixed dtypes are cast to float32 before the kernel runs; the cast
      // of int32 keeps its Int32Array (values past 2^24 round on store).
      expectSameBothWays(kernel, true, () =>
        op(indices([4, 6], 1e8, 80), floats([4, 6], 81)));
      expectSameBothWays(kernel, true, () =>
        op(tf.greater(floats([9], 84), 0).toFloat(), floats([], 85)));
    });

    it(`${kernel} leaves broadcasts and other dtypes to the original`,
      () => {
        for (const [i, [aShape, bShape]] of broadcastShapes.entries()) {
          expectSameBothWays(kernel, false, () =>
            op(floats(aShape, 90 + i), floats(bShape, 95 + i)));
        }
        if (kernel !== 'RealDiv') {
          // tf.div of int32 is a different kernel (FloorDiv).
          expectSameBothWays(kernel, false, () =>
            op(indices([4, 6], 9, 82), indices([4, 6], 9, 83)));
        }
      });

    it(`${kernel} throws the original error for incompatible shapes`, () => {
      const fn = () => op(tf.ones([3]), tf.ones([4]));
      const { original, patched } = bothWays(() => thrown(fn));
      expect(original).toContain('could not be broadcast together');
      expect(patched).toBe(original);
    });
  }
});

describe('cpu gathers, transposes and elementwise ops under tf.grads', () => {
  it('give the same gradients bit for bit', () => {
    // Gather with repeats, a transpose and the four elementwise kernels
    // in the forward pass; their gradients use them again (and delegated
    // kernels such as UnsortedSegmentSum).
    const loss = (x: tf.Tensor, w: tf.Tensor) => {
      const rows = tf.gather(x, tf.tensor1d([2, 0, 2, 7, 5, 2], 'int32'));
      const t = tf.transpose(w);
      return tf.sum(tf.div(tf.sub(tf.mul(rows, t), 0.5), tf.add(t, 3)));
    };
    const gradients = () => {
      const x = floats([8, 5], 100).clipByValue(-2, 2);
      const w = tf.randomUniform([5, 6], -1, 1, 'float32', 101);
      const grads = tf.grads(loss)([x, w]);
      tf.dispose([x, w]);
      return grads;
    };
    const { original, patched } = bothWays(gradients);
    for (let i = 0; i < 2; i++) {
      expectSameTensor(patched[i]!, original[i]!);
    }
    expect(values(patched[0]!).some((v) => v !== 0)).toBe(true);
    tf.dispose([...original, ...patched]);
  });
});
