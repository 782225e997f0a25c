import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { expectState, fx, Net } from './helpers.js';

const { nn } = torch;
const { DataLoader, TensorDataset } = torch.utils.data;

describe('manualSeed and nn.Linear initialisation', () => {
  it('draws the same weights as PyTorch 1.13 after manual_seed(42)', () => {
    torch.manualSeed(42);
    const net = new Net();
    // Bit-level agreement: PyTorch and we share the MT19937 stream and the
    // float32 uniform transform, so the tolerance can be 0.
    expectState(net, fx.init_seed42, 0);
    net.dispose();
  });

  it('draws the tutorial network\'s weights as PyTorch does', () => {
    torch.manualSeed(42);
    const layers = [new nn.Linear(784, 128), new nn.Linear(128, 64),
      new nn.Linear(64, 10)];
    const sampled = layers.map((l) => {
      const w = l.weight.dataSync();
      const b = l.bias!.dataSync();
      return {
        w_5_7: w[5 * l.inFeatures + 7], w_last: w[w.length - 1],
        b_3: b[3], b_last: b[b.length - 1],
      };
    });
    expect(sampled).toEqual(fx.init_tutorial_seed42);
    layers.forEach((l) => l.dispose());
  });

  it('keeps weights inside U(-1/sqrt(in), 1/sqrt(in))', () => {
    torch.manualSeed(1);
    const linear = new nn.Linear(400, 30);
    // 1/sqrt(400) = 0.05 for both the weight and the bias.
    const w = linear.weight.dataSync();
    const b = linear.bias!.dataSync();
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.049);
    expect(linear.weight.shape).toEqual([30, 400]);
    linear.dispose();
  });

  it('gives different weights for different seeds, equal for equal', () => {
    torch.manualSeed(3);
    const a = new nn.Linear(4, 2);
    torch.manualSeed(3);
    const b = new nn.Linear(4, 2);
    torch.manualSeed(4);
    const c = new nn.Linear(4, 2);
    expect(Array.from(a.weight.dataSync()))
      .toEqual(Array.from(b.weight.dataSync()));
    expect(Array.from(a.weight.dataSync()))
      .not.toEqual(Array.from(c.weight.dataSync()));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects a non-integer seed and bad sizes with the option named', () => {
    expect(() => torch.manualSeed(1.5)).toThrow(
      "The 'seed' parameter of Generator.manualSeed must be a safe " +
        'integer. Got 1.5 instead.');
    expect(() => new nn.Linear(0, 3)).toThrow(
      "The 'in_features' parameter of Linear must be an integer >= 1. " +
        'Got 0 instead.');
  });
});

describe('Generator.randperm and DataLoader shuffling', () => {
  it('matches torch.randperm(1000) for a seeded generator', () => {
    const g = new torch.Generator().manualSeed(5);
    expect(Array.from(g.randperm(1000))).toEqual(fx.randperm_1000_seed5);
  });

  it('shuffles like PyTorch from the default generator, per epoch', () => {
    const before = tf.memory().numTensors;
    const ds = new TensorDataset(tf.range(0, 10, 1, 'int32'));
    const loader = new DataLoader(ds, { batchSize: 3, shuffle: true });
    torch.manualSeed(7);
    const epochs = [0, 1, 2].map(() =>
      readEpoch(loader));
    expect(epochs).toEqual(fx.shuffle_default);
    ds.tensors[0]!.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shuffles like PyTorch from an explicit generator with drop_last', () => {
    const ds = new TensorDataset(tf.range(0, 10, 1, 'int32'));
    const loader = new DataLoader(ds, {
      batchSize: 4, shuffle: true, dropLast: true,
      generator: new torch.Generator().manualSeed(3),
    });
    const epochs = [0, 1].map(() =>
      readEpoch(loader));
    expect(epochs).toEqual(fx.shuffle_generator);
    ds.tensors[0]!.dispose();
  });
});

/** The batches of one epoch, read inside the loop (each turn's tensors
 * are freed when the next batch is fetched). */
function readEpoch(loader: Iterable<tf.Tensor[]>): number[][] {
  const out: number[][] = [];
  for (const [b] of loader) {
    out.push(Array.from(b!.dataSync()));
  }
  return out;
}
