import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { expectClose, expectState, floats, fx, ints, Net } from './helpers.js';

const { nn, optim } = torch;

// The network starts from PyTorch's own initialisation after
// manual_seed(42) (checked bit for bit in init_and_random.test.ts); every
// expected number comes from PyTorch 1.13 (scripts/fixtures/torch_facade.py).
let net: Net;
let X: tf.Tensor;
let Y: tf.Tensor;
let X2: tf.Tensor;
let Y2: tf.Tensor;
const loss = new nn.CrossEntropyLoss();

beforeEach(() => {
  torch.manualSeed(42);
  net = new Net();
  [X, Y, X2, Y2] = [floats(fx.X), ints(fx.Y), floats(fx.X2), ints(fx.Y2)];
});
afterEach(() => {
  net.dispose();
  tf.dispose([X, Y, X2, Y2]);
});

describe('backward', () => {
  it('gives PyTorch\'s loss and gradients for fixed weights', () => {
    const value = torch.backward(() => loss(net(X), Y));
    expectClose(value, fx.loss_fixed);
    for (const [name, p] of net.namedParameters()) {
      expectClose(p.grad!, fx.grads_fixed[name]);
    }
    value.dispose();
  });

  it('accumulates gradients across calls until zeroGrad', () => {
    torch.backward(() => loss(net(X), Y)).dispose();
    torch.backward(() => loss(net(X2), Y2)).dispose();
    for (const [name, p] of net.namedParameters()) {
      expectClose(p.grad!, fx.grads_accumulated[name]);
    }
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    torch.backward(() => loss(net(X), Y)).dispose();
    expectClose(net.fc1.weight.grad!, fx.grads_fixed['fc1.weight']);
  });

  it('zeroGrad(false) keeps zero tensors as PyTorch 1.x did', () => {
    torch.backward(() => loss(net(X), Y)).dispose();
    net.zeroGrad(false);
    expectClose(net.fc3.bias!.grad!, [0, 0, 0], 0);
  });

  it('leaves no tensor behind but the loss and the gradients', () => {
    torch.backward(() => loss(net(X), Y)).dispose();
    const before = tf.memory().numTensors;
    // The gradients already exist: accumulating replaces them one for one.
    torch.backward(() => loss(net(X), Y)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a non-scalar result with PyTorch\'s wording', () => {
    expect(() => torch.backward(() => net(X))).toThrow(
      'grad can be implicitly created only for scalar outputs: the ' +
        'function given to backward() must return a scalar loss; got a ' +
        'tensor of shape [8, 3].');
  });
});

const OPTIMIZERS: Record<string, (p: torch.nn.Parameter[]) =>
  torch.optim.Optimizer<object>> = {
  adam: (p) => new optim.Adam(p, { lr: 0.01 }) as never,
  adam_wd_amsgrad: (p) => new optim.Adam(p, {
    lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1,
    amsgrad: true }) as never,
  sgd_momentum: (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }) as never,
  sgd_nesterov_wd: (p) => new optim.SGD(p, {
    lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }) as never,
  sgd_dampening: (p) => new optim.SGD(p, {
    lr: 0.1, momentum: 0.5, dampening: 0.3 }) as never,
  sgd_plain: (p) => new optim.SGD(p, { lr: 0.1 }) as never,
};

describe('optimizers take PyTorch\'s steps', () => {
  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    it(`${name}: three steps match to 1e-5`, () => {
      const optimizer = make(net.parameters());
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const [xb, yb] = i % 2 === 0 ? [X, Y] : [X2, Y2];
        optimizer.zeroGrad();
        const value = torch.backward(() => loss(net(xb), yb));
        optimizer.step();
        expectClose(value, fx.steps[name].losses[i]);
        value.dispose();
        expectState(net, fx.steps[name].after[i]);
        counts.push(tf.memory().numTensors);
      }
      // Optimizer state is made on the first step; later steps add none.
      expect(counts[2]).toBe(counts[1]);
      optimizer.dispose();
    });
  }

  it('skips parameters without a gradient', () => {
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.1 });
    const before = Array.from(net.fc1.weight.dataSync());
    optimizer.step();
    expect(Array.from(net.fc1.weight.dataSync())).toEqual(before);
  });

  it('accepts parameter groups with their own learning rate', () => {
    const optimizer = new optim.SGD([
      { params: net.fc1.parameters(), lr: 0 },
      { params: [...net.fc2.parameters(), ...net.fc3.parameters()] },
    ], { lr: 0.1 });
    const fc1 = Array.from(net.fc1.weight.dataSync());
    const fc2 = Array.from(net.fc2.weight.dataSync());
    torch.backward(() => loss(net(X), Y)).dispose();
    optimizer.step();
    expect(Array.from(net.fc1.weight.dataSync())).toEqual(fc1);
    expect(Array.from(net.fc2.weight.dataSync())).not.toEqual(fc2);
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual([0, 0.1]);
  });

  it('names the option and its range on bad arguments', () => {
    const ps = net.parameters();
    expect(() => new optim.Adam(ps, { lr: -1 })).toThrow(
      "The 'lr' parameter of Adam must be a number >= 0. Got -1 instead.");
    expect(() => new optim.Adam(ps, { betas: [0.9, 1] })).toThrow(
      "The 'betas' parameter of Adam must be two numbers in [0, 1). " +
        'Got [0.9,1] instead.');
    expect(() => new optim.SGD(ps, { nesterov: true })).toThrow(
      "The 'nesterov' parameter of SGD must be false unless momentum > 0 " +
        'and dampening = 0');
    expect(() => new optim.SGD([], {})).toThrow(
      "The 'params' parameter of SGD must be a non-empty list of " +
        'parameters. Got [] instead.');
  });
});

describe('optim.lr_scheduler.StepLR', () => {
  it('decays as PyTorch\'s StepLR (step_size 2, gamma 0.5)', () => {
    const optimizer = new optim.Adam(net.parameters(), { lr: 0.01 });
    const scheduler = new optim.lr_scheduler.StepLR(optimizer, 2,
      { gamma: 0.5 });
    const lrs: number[] = [];
    for (let epoch = 0; epoch < 5; epoch++) {
      scheduler.step();
      lrs.push(scheduler.getLastLr()[0]!);
    }
    // PyTorch: [0.01, 0.005, 0.005, 0.0025, 0.0025].
    expect(lrs).toEqual(fx.e2e_lrs);
    expect(optim.lrScheduler.StepLR).toBe(optim.StepLR);
  });

  it('refuses a step size below 1', () => {
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.1 });
    expect(() => new optim.StepLR(optimizer, 0)).toThrow(
      "The 'step_size' parameter of StepLR must be an integer >= 1. " +
        'Got 0 instead.');
  });
});
