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
  expectProductsLeakNothing,
  FLAGS,
  maxRelDiff,
  operands,
  values,
} from './helpers.js';

/** Runs `fn` with the original kernels, then with ours. */
const bothWays = bothWaysWith(installCpuFastPaths, uninstallCpuFastPaths);

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
    // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[1*5 + 2*7, 1*6 + 2*8],
    // [3*5 + 4*7, 3*6 + 4*8]].
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.tensor2d([[5, 6], [7, 8]]);
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
    for (const [name, fn] of cases) {
      it(`equal the original kernel exactly: ${name}`, () => {
        const { original, patched } = bothWays(() => tf.tidy(fn));
        expect(patched.shape).toEqual(original.shape);
        expect(patched.dtype).toBe(original.dtype);
        expect(Array.from(patched.dataSync()))
          .toEqual(Array.from(original.dataSync()));
        tf.dispose([original, patched]);
      });
    }

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
    expectProductsLeakNothing(() => undefined);
  });
});
