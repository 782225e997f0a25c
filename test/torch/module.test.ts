import { inspect } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { fx, Net } from './helpers.js';

const { nn } = torch;

describe('nn.Module', () => {
  it('registers sub-modules and parameters in assignment order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([k, p]) => [k, p.shape])).toEqual([
      ['fc1.weight', [5, 6]], ['fc1.bias', [5]],
      ['fc2.weight', [4, 5]], ['fc2.bias', [4]],
      ['fc3.weight', [3, 4]], ['fc3.bias', [3]],
    ]);
    expect(net.namedChildren().map(([k]) => k))
      .toEqual(['fc1', 'fc2', 'fc3', 'relu']);
    expect(net.children()[0]).toBe(net.fc1);
    expect(net.parameters()[0]).toBe(net.fc1.weight);
    expect(net.fc1.weight).toBeInstanceOf(nn.Parameter);
    expect(net.fc1.weight).toBeInstanceOf(tf.Variable);
    net.dispose();
  });

  it('is callable: model(x) runs forward and frees intermediates', () => {
    const net = new Net();
    const x = tf.ones([2, 6]);
    const before = tf.memory().numTensors;
    const y = net(x) as tf.Tensor;
    // Only the output is new: fc1, relu and fc2 outputs were freed.
    expect(tf.memory().numTensors).toBe(before + 1);
    const direct = tf.tidy(() => net.forward(x));
    expect(Array.from(y.dataSync())).toEqual(Array.from(direct.dataSync()));
    tf.dispose([x, y, direct]);
    net.dispose();
  });

  it('prints like PyTorch', () => {
    const net = new Net();
    // `class Net` in the fixture script has the same name.
    expect(net.toString()).toBe(fx.repr_net);
    expect(inspect(net)).toBe(fx.repr_net);
    const seq = new nn.Sequential(new nn.Flatten(), new nn.Linear(4, 3),
      new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(3, 2, false),
      new nn.Softmax(-1));
    expect(seq.toString()).toBe(fx.repr_sequential);
    expect(Object.keys(seq.stateDict())).toEqual(fx.sequential_keys);
    net.dispose();
    seq.dispose();
  });

  it('nests: keys and printout of a module inside a module', () => {
    class Outer extends nn.Module {
      body = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh());
      head = new nn.Linear(2, 1);
      forward(x: tf.Tensor) {
        return this.head(this.body(x));
      }
    }
    const m = new Outer();
    expect(Object.keys(m.stateDict())).toEqual(
      ['body.0.weight', 'body.0.bias', 'head.weight', 'head.bias']);
    expect(m.toString()).toBe([
      'Outer(',
      '  (body): Sequential(',
      '    (0): Linear(in_features=2, out_features=2, bias=True)',
      '    (1): Tanh()',
      '  )',
      '  (head): Linear(in_features=2, out_features=1, bias=True)',
      ')',
    ].join('\n'));
    m.dispose();
  });

  it('to(device) returns the module itself', () => {
    const net = new Net();
    expect(net.to('cuda')).toBe(net);
    net.dispose();
  });

  it('train() and eval() set training on every sub-module', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout());
    expect(seq.training).toBe(true);
    expect(seq.eval()).toBe(seq);
    expect(seq.modules().map((m) => m.training)).toEqual([false, false, false]);
    seq.train();
    expect(seq.modules().every((m) => m.training)).toBe(true);
    seq.dispose();
  });

  it('Dropout drops and rescales in train mode only', () => {
    torch.manualSeed(0);
    const drop = new nn.Dropout(0.5);
    const x = tf.ones([100, 100]);
    const y = drop(x) as tf.Tensor;
    const values = Array.from(y.dataSync());
    // Kept elements are scaled by 1 / (1 - 0.5) = 2; about half are kept.
    expect(new Set(values)).toEqual(new Set([0, 2]));
    const kept = values.filter((v) => v === 2).length / values.length;
    expect(kept).toBeGreaterThan(0.45);
    expect(kept).toBeLessThan(0.55);
    drop.eval();
    const z = drop(x) as tf.Tensor;
    expect(Array.from(z.dataSync()).every((v) => v === 1)).toBe(true);
    tf.dispose([x, y, z]);
  });

  it('Dropout masks are reproducible after manualSeed', () => {
    const x = tf.ones([4, 8]);
    const drop = new nn.Dropout(0.3);
    torch.manualSeed(11);
    const a = drop(x) as tf.Tensor;
    torch.manualSeed(11);
    const b = drop(x) as tf.Tensor;
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
  });

  it('Flatten, Softmax, Sigmoid and Tanh compute what PyTorch does', () => {
    const x = tf.tensor3d([[[1, 2], [3, 4]]]);
    const flat = new nn.Flatten()(x) as tf.Tensor;
    expect(flat.shape).toEqual([1, 4]);
    const soft = new nn.Softmax(1)(tf.tensor2d([[0, Math.log(3)]])) as
      tf.Tensor;
    // softmax([0, ln 3]) = [1/4, 3/4].
    expect(Array.from(soft.dataSync()).map((v) => +v.toFixed(6)))
      .toEqual([0.25, 0.75]);
    const sig = new nn.Sigmoid()(tf.scalar(0)) as tf.Tensor;
    const tanh = new nn.Tanh()(tf.scalar(0)) as tf.Tensor;
    expect([sig.dataSync()[0], tanh.dataSync()[0]]).toEqual([0.5, 0]);
    tf.dispose([x, flat, soft, sig, tanh]);
  });

  it('Linear computes x Wᵀ + b, also without bias and for one sample', () => {
    const linear = new nn.Linear(2, 1, false);
    linear.weight.assign(tf.tensor2d([[2, -1]]));
    // [1, 3]·[2, -1] = -1; [4, 0]·[2, -1] = 8.
    const batch = linear(tf.tensor2d([[1, 3], [4, 0]])) as tf.Tensor;
    const single = linear(tf.tensor1d([1, 3])) as tf.Tensor;
    expect(Array.from(batch.dataSync())).toEqual([-1, 8]);
    expect(single.shape).toEqual([1]);
    expect(linear.toString())
      .toBe('Linear(in_features=2, out_features=1, bias=False)');
    const soft = new nn.Softmax(0)(tf.tensor2d([[0, 1], [0, 1]])) as
      tf.Tensor;
    // Softmax over dim 0: each column of two equal values is [0.5, 0.5].
    expect(Array.from(soft.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
    tf.dispose([batch, single, soft]);
    linear.dispose();
  });

  it('Linear gives the same output and gradients at every batch size', () => {
    // Below 128 rows Linear computes (W·xᵀ)ᵀ, else x·(Wᵀ copy) (each
    // faster on wasm at its size than x·W with transposeB). Integer data
    // keeps every sum exact in float32, so all paths must equal the
    // formulas y = x Wᵀ + b, dW = rᵀ x and db = Σ r for the loss Σ y·r,
    // computed here by hand with tf ops.
    const before = tf.memory().numTensors;
    const linear = new nn.Linear(3, 2);
    tf.tidy(() => {
      linear.weight.assign(tf.tensor2d([[1, -2, 3], [0, 2, -1]]));
      linear.bias!.assign(tf.tensor1d([0.5, -1]));
    });
    for (const rows of [1, 127, 128, 4100]) {
      const x = tf.tidy(() =>
        tf.range(0, rows * 3, 1).mod(7).sub(3).reshape([rows, 3]));
      const r = tf.tidy(() =>
        tf.range(0, rows * 2, 1).mod(5).sub(2).reshape([rows, 2]));
      const y = linear(x) as tf.Tensor;
      const want = tf.tidy(() =>
        tf.matMul(x, linear.weight.transpose()).add(linear.bias!));
      expect(Array.from(y.dataSync())).toEqual(Array.from(want.dataSync()));
      linear.zeroGrad();
      torch.backward(() => tf.sum(tf.mul(linear(x) as tf.Tensor, r)))
        .dispose();
      const dW = tf.tidy(() => tf.matMul(r.transpose(), x));
      const db = tf.tidy(() => tf.sum(r, 0));
      expect(linear.weight.grad!.shape).toEqual([2, 3]);
      expect(Array.from(linear.weight.grad!.dataSync()))
        .toEqual(Array.from(dW.dataSync()));
      expect(Array.from(linear.bias!.grad!.dataSync()))
        .toEqual(Array.from(db.dataSync()));
      tf.dispose([x, r, y, want, dW, db]);
    }
    linear.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Linear refuses an input of the wrong width, naming both', () => {
    const linear = new nn.Linear(3, 2);
    const x = tf.zeros([5, 4]);
    expect(() => linear(x)).toThrow(
      'Linear expects 3 input features (the last dimension); got an ' +
        'input of shape [5, 4].');
    x.dispose();
    linear.dispose();
  });

  it('requiresGrad(false) freezes parameters for backward', () => {
    const net = new Net();
    net.fc1.requiresGrad(false);
    const x = tf.ones([2, 6]);
    const y = tf.tensor1d([0, 1], 'int32');
    const loss = new nn.CrossEntropyLoss();
    torch.backward(() => loss(net(x), y)).dispose();
    expect(net.fc1.weight.grad).toBeNull();
    expect(net.fc2.weight.grad).not.toBeNull();
    expect(net.fc1.weight.requiresGrad).toBe(false);
    tf.dispose([x, y]);
    net.dispose();
  });

  it('dispose frees every parameter and gradient', () => {
    const before = tf.memory().numTensors;
    const net = new Net();
    const x = tf.ones([2, 6]);
    const y = tf.tensor1d([0, 1], 'int32');
    torch.backward(() => new nn.CrossEntropyLoss()(net(x), y)).dispose();
    net.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tensor helpers', () => {
  it('item, argmax, size and countEqual port the evaluation loop', () => {
    const out = tf.tensor2d([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]);
    const y = torch.tensor([1, 0, 0], { dtype: torch.long });
    const before = tf.memory().numTensors;
    const predictions = torch.argmax(out, 1);
    expect(Array.from(predictions.dataSync())).toEqual([1, 0, 1]);
    // (predictions == y).sum().item() = 2; y.size(0) = 3.
    expect(torch.countEqual(predictions, y)).toBe(2);
    expect(torch.size(y, 0)).toBe(3);
    expect(torch.size(out)).toEqual([3, 2]);
    predictions.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => torch.item(out)).toThrow(
      'a Tensor with 6 elements cannot be converted to Scalar');
    expect(y.dtype).toBe('int32');
    const s = tf.scalar(4.5);
    expect(torch.item(s)).toBe(4.5);
    s.dispose();
    tf.dispose([out, y]);
  });

  it('tensor() takes a Matrix, typed arrays and nested arrays', () => {
    const m = torch.tensor({ data: new Float32Array([1, 2, 3, 4, 5, 6]),
      rows: 2, cols: 3 });
    const labels = torch.tensor(new Int32Array([3, 1]));
    const nested = torch.tensor([[1, 2]], { dtype: torch.long });
    expect([m.shape, m.dtype]).toEqual([[2, 3], 'float32']);
    expect([labels.shape, labels.dtype]).toEqual([[2], 'int32']);
    expect([nested.shape, nested.dtype]).toEqual([[1, 2], 'int32']);
    expect(() => torch.tensor([1], { dtype: 'int64' as 'int32' })).toThrow(
      "The 'dtype' parameter of tensor must be one of 'float32' or " +
        "'int32'. Got 'int64' instead.");
    tf.dispose([m, labels, nested]);
  });

  it('noGrad inside backward makes its result a constant', () => {
    torch.manualSeed(0);
    const net = new Net();
    const teacher = new Net();
    const x = tf.ones([2, 6]);
    const mse = new nn.MSELoss();
    const value = torch.backward(() => {
      const target = torch.noGrad(() => teacher(x) as tf.Tensor);
      return mse(net(x), target);
    });
    // The teacher's parameters get no gradient; the student's do.
    expect(teacher.parameters().every((p) => p.grad === null)).toBe(true);
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    // d/dy mean((y - t)^2) = 2 (y - t) / n with t held constant: the fc3
    // bias gradient is the mean over rows of 2 (y - t) / 3.
    const y = tf.tidy(() => net(x) as tf.Tensor);
    const t = tf.tidy(() => teacher(x) as tf.Tensor);
    const expected = tf.tidy(() =>
      tf.sum(tf.mul(tf.sub(y, t), 2 / 6), 0));
    const got = Array.from(net.fc3.bias!.grad!.dataSync());
    Array.from(expected.dataSync()).forEach((e, i) =>
      expect(Math.abs(got[i]! - e)).toBeLessThan(1e-6));
    tf.dispose([value, x, y, t, expected]);
    net.dispose();
    teacher.dispose();
  });

  it('noGrad returns the result and frees the rest', () => {
    const net = new Net();
    const x = tf.ones([3, 6]);
    const before = tf.memory().numTensors;
    const pred = torch.noGrad(() => torch.argmax(net(x), 1));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(pred.shape).toEqual([3]);
    tf.dispose([x, pred]);
    net.dispose();
  });
});
