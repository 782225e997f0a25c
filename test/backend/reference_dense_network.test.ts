import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mnistMatrix } from '../../src/data/mnist.js';
import { ReferenceDenseNetwork } from
  '../../src/reference/dense_network.js';

const { x, y } = mnistMatrix('train', { limit: 600 });

/**
 * Mean softmax cross-entropy of the network's current weights, computed in
 * float64 plain JavaScript from the weights read back (no tfjs op).
 */
function meanCrossEntropy(net: ReferenceDenseNetwork): number {
  const layers = net.weights.map((w, i) => ({
    w: w.dataSync(),
    b: net.biases[i]!.dataSync(),
    fanIn: w.shape[0]!,
    fanOut: w.shape[1]!,
  }));
  let total = 0;
  for (let r = 0; r < x.rows; r++) {
    let h: number[] = Array.from(x.data.subarray(r * x.cols,
      (r + 1) * x.cols));
    layers.forEach((layer, li) => {
      const out = new Array<number>(layer.fanOut).fill(0);
      for (let j = 0; j < layer.fanOut; j++) {
        let s = layer.b[j]!;
        for (let i = 0; i < layer.fanIn; i++) {
          s += h[i]! * layer.w[i * layer.fanOut + j]!;
        }
        out[j] = li < layers.length - 1 ? Math.max(0, s) : s;
      }
      h = out;
    });
    const max = Math.max(...h);
    const logSum = Math.log(h.reduce((a, v) => a + Math.exp(v - max), 0));
    total += -(h[y[r]!]! - max - logSum);
  }
  return total / x.rows;
}

describe('ReferenceDenseNetwork', () => {
  it('reports the mean cross-entropy of its weights as the epoch loss',
    () => {
      // With a zero learning rate Adam leaves the weights unchanged, so
      // the epoch loss must equal the loss of the initial weights.
      const net = new ReferenceDenseNetwork(784, 10, {
        hiddenLayerSizes: [16, 8], learningRate: 0, seed: 3,
      });
      const { lossCurve } = net.fit(x, y, { batchSize: 64 });
      expect(lossCurve).toHaveLength(1);
      expect(lossCurve[0]).toBeCloseTo(meanCrossEntropy(net), 4);
      net.dispose();
    });

  it('learns: the loss falls and training accuracy rises', () => {
    const net = new ReferenceDenseNetwork(784, 10, { seed: 1 });
    const { lossCurve, epochSeconds } =
      net.fit(x, y, { epochs: 3, batchSize: 32 });
    expect(epochSeconds).toHaveLength(3);
    // Chance level is ln(10) = 2.303; three epochs on 600 images go well
    // below it.
    expect(lossCurve[0]).toBeLessThan(Math.log(10));
    expect(lossCurve[2]).toBeLessThan(lossCurve[0]!);
    const predicted = net.predict(x);
    const correct = predicted.filter((p, i) => p === y[i]).length;
    expect(correct / x.rows).toBeGreaterThan(0.8);
    const proba = net.predictProba(x);
    expect(proba).toHaveLength(x.rows * 10);
    const rowSum = proba.subarray(0, 10).reduce((a, v) => a + v, 0);
    expect(rowSum).toBeCloseTo(1, 5);
    net.dispose();
  });

  it('is reproducible with a seed', () => {
    const run = (seed: number) => {
      const net = new ReferenceDenseNetwork(784, 10, {
        hiddenLayerSizes: [16], seed,
      });
      const curve = net.fit(x, y, { epochs: 2, batchSize: 100 }).lossCurve;
      net.dispose();
      return curve;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('leaks no tensor', () => {
    const start = tf.memory().numTensors;
    const net = new ReferenceDenseNetwork(784, 10, {
      hiddenLayerSizes: [16],
    });
    // The first fit creates Adam's moment variables; later fits must not
    // add any tensor.
    net.fit(x, y, { batchSize: 128 });
    const afterFirst = tf.memory().numTensors;
    net.fit(x, y, { epochs: 2, batchSize: 128, shuffle: false });
    net.predict(x);
    net.predictProba(x);
    expect(tf.memory().numTensors).toBe(afterFirst);
    net.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('refuses bad options and mismatched data', () => {
    expect(() => new ReferenceDenseNetwork(784, 10, {
      hiddenLayerSizes: [0],
    })).toThrow("The 'hiddenLayerSizes' parameter of ReferenceDenseNetwork " +
      'must be an int in the range [1, inf). Got 0 instead.');
    expect(() => new ReferenceDenseNetwork(784, 10, { learningRate: -1 }))
      .toThrow("The 'learningRate' parameter of ReferenceDenseNetwork " +
        'must be a float in the range [0.0, inf). Got -1 instead.');
    const net = new ReferenceDenseNetwork(784, 10, {
      hiddenLayerSizes: [4],
    });
    expect(() => net.fit(x, y, { batchSize: 0 })).toThrow(
      "The 'batchSize' parameter of ReferenceDenseNetwork must be an int " +
        'in the range [1, inf). Got 0 instead.');
    expect(() => net.fit(x, y.subarray(1))).toThrow(
      'X has 600 rows but y has 599 labels.');
    expect(() => net.predict({ data: new Float32Array(6), rows: 2,
      cols: 3 })).toThrow(
      'X has 3 features per sample, but ReferenceDenseNetwork was built ' +
        'for 784.');
    net.dispose();
  });
});

describe('ReferenceDenseNetwork instances', () => {
  it('can live side by side', () => {
    const a = new ReferenceDenseNetwork(784, 10, { hiddenLayerSizes: [4] });
    const b = new ReferenceDenseNetwork(784, 10, { hiddenLayerSizes: [4] });
    expect(a.weights[0]!.name).not.toBe(b.weights[0]!.name);
    a.dispose();
    b.dispose();
  });
});
