import * as tf from '@tensorflow/tfjs';

/** Builds a replacement kernel function from the registered original. */
export type KernelReplacement = (original: tf.KernelConfig) => tf.KernelFunc;

/** One backend's set of replaced kernels (see wasm_ and cpu_kernels.ts). */
export interface KernelPatches {
  /**
   * Registers every replacement in place of the backend's kernel. Safe to
   * call more than once; does nothing for a backend that is not
   * registered. Returns the kernels replaced by this call.
   */
  install(): string[];
  /** Puts the original kernels back; returns those restored. */
  uninstall(): string[];
  /** Whether every replacement is registered right now. */
  installed(): boolean;
}

/** Marks a kernel function as ours and keeps the original it replaced. */
const ORIGINAL = Symbol.for('tfjs-trio.replacedKernel');

interface MarkedKernelFunc extends tf.KernelFunc {
  [ORIGINAL]?: tf.KernelConfig;
}

/**
 * Kernel replacements for `backend` through tfjs's own kernel registry
 * (`tf.getKernel`, `tf.unregisterKernel`, `tf.registerKernel`).
 */
export function kernelPatches(
  backend: string,
  replacements: Record<string, KernelReplacement>,
): KernelPatches {
  const names = Object.keys(replacements);
  return {
    install() {
      const replaced: string[] = [];
      for (const name of names) {
        const original = tf.getKernel(name, backend);
        if (original === undefined || isReplaced(original)) {
          continue;
        }
        const kernelFunc = replacements[name]!(original) as MarkedKernelFunc;
        kernelFunc[ORIGINAL] = original;
        tf.unregisterKernel(name, backend);
        // The original setup (which binds a wasm function, say) must
        // still run when the backend initialises after this call.
        tf.registerKernel({ ...original, kernelFunc });
        replaced.push(name);
      }
      return replaced;
    },
    uninstall() {
      const restored: string[] = [];
      for (const name of names) {
        const current = tf.getKernel(name, backend);
        if (current === undefined || !isReplaced(current)) {
          continue;
        }
        tf.unregisterKernel(name, backend);
        tf.registerKernel((current.kernelFunc as MarkedKernelFunc)[ORIGINAL]!);
        restored.push(name);
      }
      return restored;
    },
    installed() {
      return names.every((name) => {
        const kernel = tf.getKernel(name, backend);
        return kernel !== undefined && isReplaced(kernel);
      });
    },
  };
}

function isReplaced(kernel: tf.KernelConfig): boolean {
  return (kernel.kernelFunc as MarkedKernelFunc)[ORIGINAL] !== undefined;
}

/** The stored values of a float32, int32 or bool tensor. */
export type NumericArray = Float32Array | Int32Array | Uint8Array;

/** Gathered slices shorter than this are copied value by value. */
export const MIN_GATHER_COPY = 16;

/**
 * Writes the slices of `source` named by `index` into `target`, as
 * `GatherV2` with `batchDims` 0 lays them out: for each of `outerSize`
 * blocks of `dimSize` slices of `sliceSize` values, the indexed slices in
 * order. Indices must already be checked to lie in [0, dimSize).
 */
export function copyGatheredSlices(
  source: NumericArray,
  index: ArrayLike<number>,
  target: NumericArray,
  outerSize: number,
  sliceSize: number,
  dimSize: number,
): void {
  const n = index.length;
  for (let o = 0; o < outerSize; o++) {
    const sourceBase = o * dimSize * sliceSize;
    let at = o * n * sliceSize;
    for (let i = 0; i < n; i++, at += sliceSize) {
      const start = sourceBase + index[i]! * sliceSize;
      if (sliceSize >= MIN_GATHER_COPY) {
        target.set(source.subarray(start, start + sliceSize), at);
      } else {
        for (let v = 0; v < sliceSize; v++) {
          target[at + v] = source[start + v]!;
        }
      }
    }
  }
}
