import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { expectClose, FIXTURE_DIR, floats, ints } from './helpers.js';

const { nn } = torch;

// Expected values and gradients come from PyTorch 1.13
// (scripts/fixtures/torch_ignore_index.py): the loss of fixed logits when
// some or all targets equal ignore_index, and the gradient of its sum.
// Non-regression: the mean used to divide by every row, ignored or not
// (0.7038 instead of 1.4076 for the first case).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(fs.readFileSync(
  path.join(FIXTURE_DIR, 'ignore_index.json'), 'utf8'));

const CASES: Record<string, torch.nn.CrossEntropyLossOptions> = {
  two_default: {},
  two_smooth: { labelSmoothing: 0.1 },
  two_sum: { reduction: 'sum' },
  two_sum_smooth: { reduction: 'sum', labelSmoothing: 0.1 },
  two_none_smooth: { reduction: 'none', labelSmoothing: 0.1 },
  two_weight_smooth: { weight: [1, 2, 3], labelSmoothing: 0.1 },
  four_default: {},
  four_smooth: { labelSmoothing: 0.2 },
  four_minus_one: { ignoreIndex: -1 },
  four_none_kept: { labelSmoothing: 0.2 },
  all_ignored: {},
  all_ignored_smooth: { labelSmoothing: 0.1 },
  all_ignored_sum: { reduction: 'sum' },
};

/** The fixture's numbers, with its 'nan' strings as NaN. */
function numbers(values: unknown): number[] {
  return [values].flat(Infinity as 1).map((v) =>
    (v === 'nan' ? NaN : v as number));
}

describe('nn.CrossEntropyLoss with ignored targets matches PyTorch', () => {
  for (const [name, options] of Object.entries(CASES)) {
    it(`${name}: value and gradient`, () => {
      const expected = fx.losses[name];
      const logits = floats(expected.logits);
      const target = ints(expected.target);
      const loss = new nn.CrossEntropyLoss(options);
      const before = tf.memory().numTensors;
      const value = loss(logits, target) as tf.Tensor;
      const grad = tf.grad((z: tf.Tensor) =>
        tf.sum(loss(z, target) as tf.Tensor))(logits);
      const want = numbers(expected.value);
      if (want.some(Number.isNaN)) {
        // Every target ignored: the mean is 0/0, and the gradient zero.
        expect(Array.from(value.dataSync()).every(Number.isNaN)).toBe(true);
      } else {
        expectClose(value, want);
      }
      expectClose(grad, expected.grad);
      tf.dispose([value, grad]);
      // Leak check: the call leaves only what it returned.
      expect(tf.memory().numTensors).toBe(before);
      loss.dispose();
      tf.dispose([logits, target]);
    });
  }

  it('gives NLLLoss the same mean over kept targets', () => {
    // By hand: log-probabilities of row 2 are [-2.4076, -1.4076, -0.4076]
    // and its target is 1, so the mean over the one kept row is 1.4076;
    // with every target ignored it is 0/0 with a zero gradient.
    const logp = tf.logSoftmax(tf.tensor2d([[1, 2, 3], [3, 2, 1]]));
    const some = tf.tensor1d([-100, 1], 'int32');
    const none = tf.tensor1d([-100, -100], 'int32');
    const loss = new nn.NLLLoss();
    const before = tf.memory().numTensors;
    const kept = loss(logp, some) as tf.Tensor;
    expect(torch.item(kept)).toBeCloseTo(1.4076059, 6);
    kept.dispose();
    const [value, grad] = tf.tidy(() => {
      const g = tf.grad((z: tf.Tensor) => loss(z, none) as tf.Tensor)(logp);
      return [loss(logp, none) as tf.Tensor, g];
    });
    expect(Number.isNaN(torch.item(value!))).toBe(true);
    expectClose(grad!, [0, 0, 0, 0, 0, 0]);
    tf.dispose([value!, grad!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logp, some, none]);
  });

  it('leaves an out-of-range target out on every path alike', () => {
    // PyTorch raises for target -1 here; tfjs-trio does not read targets
    // back, so the row is left out as an ignored one, the same on the
    // fast path, the weighted path and the ignoreIndex >= 0 path. By
    // hand, row 0 alone: logsumexp(1, 2, 3) - 3 = ln(1 + e^-1 + e^-2)
    // = 0.4076059.
    const x = tf.tensor2d([[1, 2, 3], [0.5, 0.1, -1]]);
    const y = tf.tensor1d([2, -1], 'int32');
    const before = tf.memory().numTensors;
    for (const options of [{}, { weight: [1, 1, 1] }, { ignoreIndex: 5 }]) {
      const loss = new nn.CrossEntropyLoss(options);
      const value = loss(x, y) as tf.Tensor;
      expect(torch.item(value)).toBeCloseTo(0.4076059, 6);
      value.dispose();
      loss.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('refuses a class weight of the wrong length in PyTorch\'s words', () => {
    const x = tf.tensor2d([[1, 2, 3], [0.5, 0.1, -1]]);
    const y = tf.tensor1d([2, 0], 'int32');
    const before = tf.memory().numTensors;
    const ce = new nn.CrossEntropyLoss({ weight: [1, 2] });
    expect(() => ce(x, y)).toThrow('CrossEntropyLoss: weight tensor ' +
      'should be defined either for all 3 classes or no classes but got ' +
      'weight tensor of shape: [2]');
    const nll = new nn.NLLLoss({ weight: [1, 2, 3, 4], reduction: 'none' });
    expect(() => nll(x, y)).toThrow('NLLLoss: weight tensor should be ' +
      'defined either for all 3 classes or no classes but got weight ' +
      'tensor of shape: [4]');
    ce.dispose();
    nll.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});
