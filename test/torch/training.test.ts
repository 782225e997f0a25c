import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { expectClose, expectState, floats, fx, ints, Net } from './helpers.js';

const { nn, optim } = torch;
const { DataLoader, TensorDataset } = torch.utils.data;

describe('the tutorial loop', () => {
  it('reproduces PyTorch end to end: init, shuffle, Adam, StepLR', () => {
    // The fixture script runs exactly this loop in PyTorch 1.13 after
    // manual_seed(0): same initial weights, same shuffle order, so the
    // per-epoch losses agree up to float32 rounding.
    const Xe = floats(fx.e2e_X);
    const Ye = ints(fx.e2e_Y);
    torch.manualSeed(0);
    const loader = new DataLoader(new TensorDataset(Xe, Ye),
      { batchSize: 8, shuffle: true });
    const net = new Net();
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(net.parameters(), { lr: 0.01 });
    const scheduler = new optim.lr_scheduler.StepLR(optimizer, 2,
      { gamma: 0.5 });
    net.train();
    const curve: number[] = [];
    const counts: number[] = [];
    for (let epoch = 0; epoch < 5; epoch++) {
      let total = 0;
      for (const [x, y] of loader) {
        optimizer.zeroGrad();
        const lossValue = torch.backward(() => criterion(net(x!), y!));
        optimizer.step();
        total += torch.item(lossValue);
      }
      curve.push(total / loader.length);
      scheduler.step();
      counts.push(tf.memory().numTensors);
    }
    expectClose(curve, fx.e2e_curve);
    expectState(net, fx.e2e_final);
    // No leak: the tensor count is the same after every epoch (the first
    // epoch creates the optimizer's moments and the gradients).
    expect(new Set(counts).size).toBe(1);

    net.eval();
    const correct = torch.noGrad(() => {
      const predictions = torch.argmax(net(Xe), 1);
      return torch.countEqual(predictions, Ye);
    });
    expect(correct).toBe(fx.e2e_correct);
    optimizer.dispose();
    net.dispose();
    tf.dispose([Xe, Ye]);
  });

  it('frees every tensor of a turn, also on break and throw', () => {
    const X = tf.ones([10, 3]);
    const Y = tf.zeros([10], 'int32');
    const loader = new DataLoader(new TensorDataset(X, Y),
      { batchSize: 4, shuffle: true });
    const before = tf.memory().numTensors;
    for (const [x] of loader) {
      tf.mul(x!, 2);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => {
      for (const [x] of loader) {
        tf.mul(x!, 2);
        throw new Error('stop');
      }
    }).toThrow('stop');
    expect(tf.memory().numTensors).toBe(before);
    // tf.keep carries a tensor past its turn.
    let kept: tf.Tensor | undefined;
    for (const [x] of loader) {
      kept?.dispose();
      kept = tf.keep(tf.sum(x!));
    }
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(kept!.dataSync()[0]).toBe(6); // last batch: 2 rows of 3 ones
    tf.dispose([kept!, X, Y]);
  });
});

describe('DataLoader', () => {
  it('has PyTorch\'s batch counts and batch sizes (drop_last too)', () => {
    for (const c of fx.loader_sizes) {
      const ds = { length: c.n } as unknown as torch.utils.TensorDataset;
      Object.setPrototypeOf(ds, TensorDataset.prototype);
      const loader = new DataLoader(ds, {
        batchSize: c.batch_size, dropLast: c.drop_last });
      expect([c.n, c.batch_size, c.drop_last, loader.length])
        .toEqual([c.n, c.batch_size, c.drop_last, c.length]);
    }
  });

  it('yields batches of PyTorch\'s sizes without shuffling', () => {
    const X = tf.range(0, 10, 1, 'int32');
    for (const c of fx.loader_sizes.filter(
      (s: { n: number }) => s.n === 10)) {
      const loader = new DataLoader(new TensorDataset(X), {
        batchSize: c.batch_size, dropLast: c.drop_last });
      const sizes: number[] = [];
      const seen: number[] = [];
      for (const [b] of loader) {
        sizes.push(b!.shape[0]!);
        seen.push(...b!.dataSync());
      }
      expect(sizes).toEqual(c.sizes);
      expect(seen).toEqual([...Array(seen.length).keys()]);
    }
    X.dispose();
  });

  it('checks its options and its dataset', () => {
    const X = tf.ones([4, 2]);
    const ds = new TensorDataset(X);
    expect(() => new DataLoader(ds, { batchSize: 0 })).toThrow(
      "The 'batch_size' parameter of DataLoader must be an integer >= 1. " +
        'Got 0 instead.');
    expect(() => new DataLoader(new Set() as never)).toThrow(
      'iterable-style datasets (Python: IterableDataset) are not ' +
        'supported yet.');
    const Y = tf.ones([3]);
    expect(() => new TensorDataset(X, Y)).toThrow(
      'Size mismatch between tensors: tensor 0 has 4 samples, tensor 1 ' +
        'has 3.');
    expect(ds.length).toBe(4);
    const [row] = ds.at(-1);
    expect(row!.shape).toEqual([2]);
    tf.dispose([X, Y, row!]);
  });
});
