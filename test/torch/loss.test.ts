import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { expectClose, floats, fx, ints } from './helpers.js';

const { nn } = torch;

// Every expected value and gradient comes from PyTorch 1.13
// (scripts/fixtures/torch_facade.py): the loss of fixed logits and its
// gradient with respect to them.
const CASES: Record<string, () => torch.nn.Module> = {
  ce: () => new nn.CrossEntropyLoss(),
  ce_smooth: () => new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }),
  ce_weight: () => new nn.CrossEntropyLoss({ weight: fx.loss_class_weight }),
  ce_weight_smooth: () => new nn.CrossEntropyLoss({
    weight: fx.loss_class_weight, labelSmoothing: 0.2 }),
  ce_ignore: () => new nn.CrossEntropyLoss({ ignoreIndex: 1 }),
  ce_ignore_weight_smooth: () => new nn.CrossEntropyLoss({
    weight: fx.loss_class_weight, ignoreIndex: 1, labelSmoothing: 0.3 }),
  ce_sum: () => new nn.CrossEntropyLoss({ reduction: 'sum' }),
  ce_none_smooth: () => new nn.CrossEntropyLoss({
    reduction: 'none', labelSmoothing: 0.1 }),
  ce_probs: () => new nn.CrossEntropyLoss(),
  ce_probs_smooth_weight: () => new nn.CrossEntropyLoss({
    weight: fx.loss_class_weight, labelSmoothing: 0.1 }),
};

describe('nn.CrossEntropyLoss matches PyTorch', () => {
  for (const [name, make] of Object.entries(CASES)) {
    it(`${name}: value and gradient`, () => {
      const logits = floats(fx.loss_logits);
      const target = name.startsWith('ce_probs')
        ? floats(fx.loss_probs)
        : ints(fx.loss_target);
      const loss = make();
      const before = tf.memory().numTensors;
      const value = loss(logits, target) as tf.Tensor;
      const grad = tf.grad((z: tf.Tensor) =>
        tf.sum(loss(z, target) as tf.Tensor))(logits);
      expectClose(value, fx.losses[name].value);
      expectClose(grad, fx.losses[name].grad);
      tf.dispose([value, grad]);
      // Leak check: the call leaves only what it returned.
      expect(tf.memory().numTensors).toBe(before);
      loss.dispose();
      tf.dispose([logits, target]);
    });
  }

  it('prints as PyTorch does', () => {
    const loss = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
    expect(loss.toString()).toBe('CrossEntropyLoss()');
  });

  it('names the option and the allowed range on bad arguments', () => {
    expect(() => new nn.CrossEntropyLoss({ labelSmoothing: 1.5 })).toThrow(
      "The 'label_smoothing' parameter of CrossEntropyLoss must be a " +
        'number in [0, 1]. Got 1.5 instead.');
    expect(() => new nn.CrossEntropyLoss({
      reduction: 'avg' as 'mean' })).toThrow(
      "The 'reduction' parameter of CrossEntropyLoss must be one of " +
        "'mean', 'sum' or 'none'. Got 'avg' instead.");
  });

  it('refuses targets whose batch size differs, as PyTorch does', () => {
    const loss = new nn.CrossEntropyLoss();
    const logits = tf.zeros([3, 4]);
    const target = tf.tensor1d([0, 1], 'int32');
    expect(() => loss(logits, target)).toThrow(
      'Expected input batch_size (3) to match target batch_size (2) in ' +
        'CrossEntropyLoss.');
    tf.dispose([logits, target]);
  });
});

describe('nn.NLLLoss and nn.MSELoss match PyTorch', () => {
  it('NLLLoss: plain, class weights and ignore_index', () => {
    const logp = tf.logSoftmax(floats(fx.loss_logits));
    const target = ints(fx.loss_target);
    const cases: [torch.nn.Module, number][] = [
      [new nn.NLLLoss(), fx.nll],
      [new nn.NLLLoss({ weight: fx.loss_class_weight }), fx.nll_weight],
      [new nn.NLLLoss({ ignoreIndex: 0 }), fx.nll_ignore],
    ];
    for (const [loss, expected] of cases) {
      const value = loss(logp, target) as tf.Tensor;
      expectClose(value, expected);
      value.dispose();
      loss.dispose();
    }
    tf.dispose([logp, target]);
  });

  it('MSELoss: mean and sum', () => {
    const a = floats(fx.loss_logits);
    const b = floats(fx.loss_probs);
    const mean = new nn.MSELoss()(a, b) as tf.Tensor;
    const sum = new nn.MSELoss({ reduction: 'sum' })(a, b) as tf.Tensor;
    expectClose(mean, fx.mse);
    expectClose(sum, fx.mse_sum, 1e-4);
    tf.dispose([a, b, mean, sum]);
  });
});
