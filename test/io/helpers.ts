import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** A fresh temporary folder; removed by `removeTmp`. */
export function makeTmp(prefix = 'trio-io-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTmp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A Sequential of Dense layers as the facades export them: `sizes` is
 * [inputs, hidden..., outputs], relu on hidden layers, `output` on the
 * last. Weights come from seeded glorotUniform, biases from a seeded
 * uniform so that they are not all zero.
 */
export function denseModel(
  sizes: number[],
  output: 'softmax' | 'sigmoid' | 'linear' = 'softmax',
  seed = 1,
): tf.LayersModel {
  const model = tf.sequential();
  for (let i = 1; i < sizes.length; i++) {
    model.add(tf.layers.dense({
      units: sizes[i]!,
      activation: i === sizes.length - 1 ? output : 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
      biasInitializer: tf.initializers.randomUniform({
        minval: -0.1, maxval: 0.1, seed: seed + 100 + i,
      }),
      ...(i === 1 ? { inputShape: [sizes[0]!] } : {}),
    }));
  }
  return model;
}

/**
 * Sets every weight of a Dense model to values from a simple formula so
 * tests can recompute the forward pass by hand:
 * kernel[r][c] = ((r * 7 + c * 3 + layer) % 11 - 5) / 10,
 * bias[c] = ((c + layer) % 5 - 2) / 20.
 */
export function setKnownWeights(model: tf.LayersModel): number[][][] {
  const layers: number[][][] = [];
  model.layers.forEach((layer, l) => {
    const [kernel] = layer.getWeights();
    const [rows, cols] = kernel!.shape as [number, number];
    const k: number[][] = [];
    for (let r = 0; r < rows; r++) {
      k.push(Array.from({ length: cols },
        (_, c) => (((r * 7 + c * 3 + l) % 11) - 5) / 10));
    }
    const b = Array.from({ length: cols }, (_, c) => (((c + l) % 5) - 2) / 20);
    tf.tidy(() => layer.setWeights([tf.tensor2d(k), tf.tensor1d(b)]));
    layers.push([...k, b]);
  });
  return layers;
}

/**
 * The forward pass of a Dense model in float64, from the weights that
 * `setKnownWeights` returned (last row of each layer is the bias): relu on
 * hidden layers, the last layer left raw (logits).
 */
export function forwardByHand(
  weights: number[][][],
  x: number[],
): number[] {
  let a = x;
  weights.forEach((layer, l) => {
    const kernel = layer.slice(0, -1);
    const bias = layer.at(-1)!;
    const z = bias.map((b, c) => b + a.reduce(
      (s, v, r) => s + v * kernel[r]![c]!, 0));
    a = l === weights.length - 1 ? z : z.map((v) => Math.max(0, v));
  });
  return a;
}

export function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Reads every weight of a model as plain arrays (for equality checks). */
export function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}
