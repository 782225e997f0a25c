import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { Net } from './helpers.js';

const { nn, optim } = torch;

describe('torch.backward when the forward pass throws', () => {
  // Non-regression: the tensors tfjs saved for the gradient of the ops
  // run before the throw (8 or 9 per call) stayed allocated.
  const net = new Net();
  const x = tf.randomNormal([10, 6]);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32');
  const loss = new nn.CrossEntropyLoss();
  const cases: [string, () => tf.Tensor, string][] = [
    ['a target of the wrong length',
      () => loss(net(x), torch.tensor([0, 1], { dtype: torch.long })),
      'Expected input batch_size (10) to match target batch_size (2)'],
    ['a loss that is not a scalar', () => net(x),
      'grad can be implicitly created only for scalar outputs'],
    ['an input of the wrong width',
      () => loss(net(tf.zeros([10, 5])), y),
      'Linear expects 6 input features'],
  ];
  for (const [name, fn, message] of cases) {
    it(`frees everything on ${name}`, () => {
      const before = tf.memory().numTensors;
      expect(() => torch.backward(fn)).toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
      expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    });
  }

  it('still computes gradients after a throw', () => {
    expect(() => torch.backward(() => net(x))).toThrow();
    const before = tf.memory().numTensors;
    torch.backward(() => loss(net(x), y)).dispose();
    // One new gradient per parameter, nothing else.
    expect(tf.memory().numTensors).toBe(before + net.parameters().length);
    net.zeroGrad();
  });
});

describe('nn.Parameter.requiresGrad', () => {
  it('freezes one parameter: no gradient, and the optimizer skips it', () => {
    torch.manualSeed(0);
    const net = new Net();
    const x = tf.randomNormal([4, 6]);
    const y = tf.tensor1d([0, 1, 2, 1], 'int32');
    const loss = new nn.CrossEntropyLoss();
    // The gradient of the others does not depend on whether fc1.weight
    // is a constant or a trainable variable.
    torch.backward(() => loss(net(x), y)).dispose();
    const unfrozen = net.fc2.weight.grad!.clone();
    net.zeroGrad();

    net.fc1.weight.requiresGrad = false;
    expect(net.fc1.weight.requiresGrad).toBe(false);
    const before = tf.memory().numTensors;
    torch.backward(() => loss(net(x), y)).dispose();
    expect(net.fc1.weight.grad).toBeNull();
    expect(Array.from(net.fc2.weight.grad!.dataSync()))
      .toEqual(Array.from(unfrozen.dataSync()));
    expect(tf.memory().numTensors).toBe(before + 5);

    const optimizer = new optim.SGD(net.parameters(), { lr: 0.5 });
    const weight = Array.from(net.fc1.weight.dataSync());
    const bias = Array.from(net.fc1.bias!.dataSync());
    optimizer.step();
    expect(Array.from(net.fc1.weight.dataSync())).toEqual(weight);
    expect(Array.from(net.fc1.bias!.dataSync())).not.toEqual(bias);

    net.fc1.weight.requiresGrad = true;
    torch.backward(() => loss(net(x), y)).dispose();
    expect(net.fc1.weight.grad).not.toBeNull();
    expect(() => {
      (net.fc1.weight as { requiresGrad: unknown }).requiresGrad = 'no';
    }).toThrow("The 'requires_grad' parameter of Parameter must be a " +
      "boolean. Got 'no' instead.");
    optimizer.dispose();
    net.dispose();
    tf.dispose([x, y, unfrozen]);
  });
});
