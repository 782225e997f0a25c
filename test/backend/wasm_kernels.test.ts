import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  installWasmFastPaths,
  MIN_GATHER_SLICE,
  TRANSPOSE_CONFLICT_ROWS,
  uninstallWasmFastPaths,
  WASM_FAST_PATH_KERNELS,
  wasmFastPathsInstalled,
} from '../../src/backend/wasm_kernels.js';
import {
  bothWaysWith,
  dataIds,
  denseStepGradients,
  expectInstallCycle,
  expectHandProducts,
  expectProductsLeakNothing,
  itEqualsOriginal,
  FLAGS,
  maxRelDiff,
  operands,
  values,
} from './helpers.js';

/** Runs `fn` with the original kernels, then with ours. */
const bothWays = bothWaysWith(installWasmFastPaths, uninstallWasmFastPaths);

describe.runIf(tf.getBackend() === 'wasm')('wasm fast paths', () => {
  afterEach(() => {
    // Every test leaves the fast paths installed, as selectBackend does.
    expect(wasmFastPathsInstalled()).toBe(true);
  });

  it('is installed by selectBackend, idempotent and undoable', () => {
    expectInstallCycle('wasm', WASM_FAST_PATH_KERNELS, installWasmFastPaths,
      uninstallWasmFastPaths, wasmFastPathsInstalled);
  });

  it('keeps the original setup function of each kernel', () => {
    // The setup binds the wasm function; losing it would break a backend
    // that initialises after installation.
    const patched = WASM_FAST_PATH_KERNELS.map(
      (name) => tf.getKernel(name, 'wasm')!.setupFunc);
    uninstallWasmFastPaths();
    const original = WASM_FAST_PATH_KERNELS.map(
      (name) => tf.getKernel(name, 'wasm')!.setupFunc);
    installWasmFastPaths();
    expect(patched).toEqual(original);
    // Slice is plain JavaScript; the others bind a wasm function.
    const bound = WASM_FAST_PATH_KERNELS.filter((name, i) =>
      typeof original[i] === 'function');
    expect(bound).toEqual([
      'BatchMatMul', '_FusedMatMul', 'GatherV2', 'Tile', 'StridedSlice',
      'Transpose',
    ]);
  });

  it('computes products derived by hand', () => {
    expectHandProducts();
  });

  for (const [tA, tB] of FLAGS) {
    it(`matMul equals the original kernel, transposeA=${tA} ` +
      `transposeB=${tB}`, () => {
      const cases: [number[], number[], number, number, number][] = [
        [[], [], 37, 53, 29],
        [[], [], 1, 17, 9],
        [[3], [3], 12, 20, 7],
        [[2, 3], [2, 3], 5, 8, 6],
        [[4], [1], 9, 11, 13],
        [[1], [4], 9, 11, 13],
      ];
      for (const [i, [bA, bB, m, k, n]] of cases.entries()) {
        const [a, b] = operands(bA, bB, m, k, n, tA, tB, 10 * i);
        const { original, patched } = bothWays(() =>
          tf.tidy(() => tf.matMul(a, b, tA, tB)));
        expect(patched.shape).toEqual(original.shape);
        expect(maxRelDiff(values(patched), values(original)))
          .toBeLessThan(1e-5);
        tf.dispose([a, b, original, patched]);
      }
    });

    it(`fused matMul with bias and relu equals the original kernel, ` +
      `transposeA=${tA} transposeB=${tB}`, () => {
      const [a, b] = operands([2], [2], 15, 31, 12, tA, tB, 7);
      const bias = tf.randomUniform([12], -1, 1, 'float32', 9);
      const { original, patched } = bothWays(() =>
        tf.fused.matMul({
          a: a as tf.Tensor3D, b: b as tf.Tensor3D, transposeA: tA,
          transposeB: tB, bias, activation: 'relu',
        }));
      expect(maxRelDiff(values(patched), values(original)))
        .toBeLessThan(1e-5);
      expect(values(patched).some((v) => v === 0)).toBe(true);
      tf.dispose([a, b, bias, original, patched]);
    });
  }

  it('gives the same gradients through tf.grads', () => {
    const { original, patched } = bothWays(denseStepGradients);
    for (let i = 0; i < 3; i++) {
      expect(patched[i]!.shape).toEqual(original[i]!.shape);
      expect(maxRelDiff(values(patched[i]!), values(original[i]!)))
        .toBeLessThan(1e-5);
    }
    expect(values(patched[0]!).some((v) => v !== 0)).toBe(true);
    tf.dispose([...original, ...patched]);
  });

  it('leaks no tensor and no backend buffer', () => {
    expectProductsLeakNothing((x) => {
      tf.gather(x, [3, 1, 0]).dispose();
      tf.gather(x, [3, 1, 0], 1).dispose();
    });
  });

  describe('slice', () => {
    const x3 = tf.randomUniform([4, 5, 6], -1, 1, 'float32', 21);
    const cases: [string, () => tf.Tensor][] = [
      ['rows of a matrix', () => tf.slice(x3.reshape([4, 30]), [1, 0],
        [2, 30])],
      ['columns of a matrix', () => tf.slice(x3.reshape([4, 30]), [0, 7],
        [4, 11])],
      ['a box of a 3-D tensor', () => tf.slice(x3, [1, 2, 3], [2, 3, 2])],
      ['whole trailing axes', () => tf.slice(x3, [2, 0, 0], [2, 5, 6])],
      ['size -1 (to the end)', () => tf.slice(x3, [1, 3], [-1, -1])],
      ['a vector', () => tf.slice(tf.range(0, 50, 1, 'int32'), 13, 9)],
      ['a 5-D tensor', () =>
        tf.slice(x3.reshape([2, 2, 5, 3, 2]), [1, 0, 1, 1, 0],
          [1, 2, 3, 2, 1])],
      ['bool', () => tf.slice(tf.greater(x3, 0), [0, 1, 0], [3, 2, 6])],
      ['nothing', () => tf.slice(x3, [1, 1, 1], [0, 2, 2])],
      ['tf.split of a batch', () => tf.split(x3, [1, 3])[1]!],
      ['stridedSlice of rows', () =>
        tf.stridedSlice(x3.reshape([4, 30]), [1, 0], [3, 30])],
      ['stridedSlice shrinking an axis', () =>
        tf.stridedSlice(x3, [2, 0, 0], [3, 5, 6], [1, 1, 1], 0, 0, 0, 0,
          1)],
      ['stridedSlice with steps (original kernel)', () =>
        tf.stridedSlice(x3, [0, 1, 0], [4, 5, 6], [2, 2, 3])],
      ['stridedSlice taking everything', () =>
        tf.stridedSlice(x3, [0, 0, 0], [4, 5, 6])],
    ];
    itEqualsOriginal('equals the original kernel', bothWays, cases);

    it('copies the box named by begin and size', () => {
      // Row r of the input holds 10r .. 10r+9; rows 2-3, columns 4-6.
      const x = tf.range(0, 60, 1, 'float32').reshape([6, 10]);
      const box = tf.slice(x, [2, 4], [2, 3]);
      expect(box.arraySync()).toEqual([[24, 25, 26], [34, 35, 36]]);
      tf.dispose([x, box]);
    });

    it('leaks no tensor and no backend buffer', () => {
      const tensors = tf.memory().numTensors;
      const buffers = dataIds();
      tf.slice(x3, [1, 0, 2], [2, 5, 3]).dispose();
      tf.slice(x3, [3, 0, 0], [1, 5, 6]).dispose();
      tf.stridedSlice(x3, [1, 0, 0], [3, 5, 6]).dispose();
      tf.stridedSlice(x3, [0, 1, 0], [4, 5, 6], [2, 2, 3]).dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(dataIds()).toBe(buffers);
    });
  });

  describe('transpose', () => {
    const rows = TRANSPOSE_CONFLICT_ROWS;
    const cases: [string, () => tf.Tensor][] = [
      ['a [128, 784] weight matrix (padded rows)', () =>
        tf.transpose(tf.randomUniform([rows, 784], -1, 1, 'float32', 5))],
      ['a [256, 130] matrix (padded rows)', () =>
        tf.transpose(tf.randomUniform([2 * rows, 130], -1, 1, 'float32', 6))],
      ['the last two axes of a [3, 128, 200] batch (padded rows)', () =>
        tf.transpose(tf.randomUniform([3, rows, 200], -1, 1, 'float32', 7),
          [0, 2, 1])],
      ['int32 (padded rows)', () =>
        tf.transpose(tf.range(0, rows * 200, 1, 'int32').reshape([rows,
          200]))],
      ['bool (padded rows)', () => tf.transpose(tf.greater(
        tf.randomUniform([rows, 150], -1, 1, 'float32', 8), 0))],
      ['a matrix too small to pad (original kernel)', () =>
        tf.transpose(tf.randomUniform([rows, 10], -1, 1, 'float32', 9))],
      ['a [200, 784] batch (original kernel)', () =>
        tf.transpose(tf.randomUniform([200, 784], -1, 1, 'float32', 10))],
      ['another permutation (original kernel)', () =>
        tf.transpose(tf.randomUniform([rows, 200, 2], -1, 1, 'float32',
          11), [2, 0, 1])],
    ];
    itEqualsOriginal('equals the original kernel', bothWays, cases);

    it('moves every value to its swapped place', () => {
      // Entry (i, j) of the input holds 1000 i + j; the output's (j, i)
      // must hold the same number.
      const x = tf.tidy(() => tf.add(
        tf.mul(tf.range(0, rows, 1, 'int32').reshape([rows, 1]), 1000),
        tf.range(0, 300, 1, 'int32').reshape([1, 300])));
      const t = tf.transpose(x);
      expect(t.shape).toEqual([300, rows]);
      const v = t.dataSync();
      let wrong = 0;
      for (let j = 0; j < 300; j++) {
        for (let i = 0; i < rows; i++) {
          wrong += v[j * rows + i] === 1000 * i + j ? 0 : 1;
        }
      }
      expect(wrong).toBe(0);
      tf.dispose([x, t]);
    });

    it('sends an empty batch to the original kernel (same error, ' +
      'same buffers)', () => {
      const x = tf.zeros([0, rows, 200]);
      const attempt = () => {
        const buffers = dataIds();
        let message = '';
        try {
          tf.transpose(x, [0, 2, 1]).dispose();
        } catch (err) {
          message = (err as Error).message;
        }
        return { message, buffers: dataIds() - buffers };
      };
      const { original, patched } = bothWays(attempt);
      expect(patched).toEqual(original);
      x.dispose();
    });

    it('leaks no tensor and no backend buffer', () => {
      const x = tf.randomUniform([2, rows, 200]);
      const tensors = tf.memory().numTensors;
      const buffers = dataIds();
      tf.transpose(x, [0, 2, 1]).dispose();
      tf.tidy(() => tf.transpose(x.reshape([2 * rows, 200]))).dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(dataIds()).toBe(buffers);
      x.dispose();
    });
  });

  describe('tile', () => {
    const cases: [string, () => tf.Tensor][] = [
      ['a [1, 1] value to [7, 5]', () =>
        tf.tile(tf.tensor2d([[2.5]]), [7, 5])],
      ['a matrix in both axes', () =>
        tf.tile(tf.randomUniform([2, 3], -1, 1, 'float32', 1), [2, 2])],
      ['a column along its rows', () =>
        tf.tile(tf.tensor2d([[1], [2], [3]]), [1, 4])],
      ['a 3-D tensor', () =>
        tf.tile(tf.randomUniform([2, 1, 3], -1, 1, 'float32', 2),
          [2, 3, 2])],
      ['a vector', () => tf.tile(tf.tensor1d([1, 2, 3, 4, 5]), [3])],
      ['ones in reps', () =>
        tf.tile(tf.randomUniform([3, 4], -1, 1, 'float32', 3), [1, 1])],
      ['int32', () => tf.tile(tf.tensor2d([[1, 2], [3, 4]], undefined,
        'int32'), [3, 2])],
      ['bool', () => tf.tile(tf.tensor2d([[1, 0, 1]], undefined, 'bool'),
        [2, 3])],
      ['zero reps', () => tf.tile(tf.ones([2, 3]), [0, 2])],
      ['tf.where with a broadcast scalar', () => {
        const w = tf.randomNormal([30, 20], 0, 1, 'float32', 4);
        return tf.where(tf.greater(w, 0), w, tf.scalar(-7));
      }],
    ];
    itEqualsOriginal('equals the original kernel', bothWays, cases);

    it('repeats the input along each axis', () => {
      // [[1, 2], [3, 4]] tiled [2, 3]: each row repeated 3 times across,
      // then the two rows repeated twice down.
      const tiled = tf.tile(tf.tensor2d([[1, 2], [3, 4]]), [2, 3]);
      expect(tiled.shape).toEqual([4, 6]);
      expect(tiled.arraySync()).toEqual([
        [1, 2, 1, 2, 1, 2],
        [3, 4, 3, 4, 3, 4],
        [1, 2, 1, 2, 1, 2],
        [3, 4, 3, 4, 3, 4],
      ]);
      tiled.dispose();
    });

    it('leaks no tensor and no backend buffer', () => {
      const x = tf.tensor2d([[1], [2]]);
      const tensors = tf.memory().numTensors;
      const buffers = dataIds();
      tf.tile(x, [3, 5]).dispose();
      tf.tidy(() => tf.where(tf.greater(x, 1), x, tf.scalar(0))).dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(dataIds()).toBe(buffers);
      x.dispose();
    });
  });

  describe('gather', () => {
    const source = tf.randomUniform([6, 4, 10], -5, 5, 'float32', 11);

    const cases: [string, () => tf.Tensor][] = [
      ['rows of a matrix', () =>
        tf.gather(source.reshape([6, 40]), [5, 0, 0, 3])],
      ['axis 1 of a 3-D tensor', () => tf.gather(source, [3, 1, 1], 1)],
      ['axis -3 with 2-D indices', () =>
        tf.gather(source, tf.tensor2d([[1, 2], [5, 4]], undefined,
          'int32'), -3)],
      ['a scalar index', () => tf.gather(source, tf.scalar(4, 'int32'))],
      ['no index', () => tf.gather(source, tf.tensor1d([], 'int32'))],
      ['int32 rows', () =>
        tf.gather(tf.range(0, 60, 1, 'int32').reshape([6, 10]), [2, 4])],
      ['bool rows', () =>
        tf.gather(tf.greater(source.reshape([6, 40]), 0), [1, 5])],
      ['small slices (original kernel)', () =>
        tf.gather(source, [9, 0, 2], 2)],
    ];
    itEqualsOriginal('equals the original kernel', bothWays, cases);

    it('copies the rows named by the indices', () => {
      // Row r of the input holds r*10 .. r*10+9, so the gathered rows
      // [4, 1] hold 40..49 then 10..19.
      const x = tf.range(0, 60, 1, 'float32').reshape([6, 10]);
      expect(MIN_GATHER_SLICE).toBeLessThanOrEqual(10);
      const rows = tf.gather(x, [4, 1]);
      expect(Array.from(rows.dataSync())).toEqual([
        40, 41, 42, 43, 44, 45, 46, 47, 48, 49,
        10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
      ]);
      tf.dispose([x, rows]);
    });

    it('rejects an index out of range with the original message', () => {
      const x = tf.ones([3, 16]);
      expect(() => tf.gather(x, [0, 3])).toThrow(
        'GatherV2: the index value 3 is not in [0, 2]');
      expect(() => tf.gather(x, [-1])).toThrow(
        'GatherV2: the index value -1 is not in [0, 2]');
      x.dispose();
    });
  });
});
