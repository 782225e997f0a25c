import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../errors.js';
import { optionError } from '../../util/options.js';
import { checkOptionKeys } from '../options.js';
import { defaultGenerator, type Generator } from '../random.js';
import { checkRank, Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * How `Linear` multiplies, by rows per batch. The products and their sums
 * are the same; what changes is which operand the wasm backend's matrix
 * kernel (XNNPACK) repacks as its constant "weights" on every call, and so
 * the kernels tfjs derives for the gradient. Measured on wasm for a
 * 784->128 layer, forward plus weight gradient, fresh tensors each step
 * (best of 9), against `matMul(x, W, transposeB)` (the weight gradient
 * then dyᵀ·x):
 * - below `TRANSPOSED_OUTPUT_ROWS`, y = (W·xᵀ)ᵀ packs the batch rather
 *   than W: 0.65 ms against 1.05 ms at 32 rows, 1.85 against 2.44 at 100,
 *   even at 128 rows, slower from 200;
 * - from there, y = x·(Wᵀ copy), whose weight gradient is (xᵀ·dy)ᵀ and
 *   packs dy rather than x: 3.27 ms against 3.57 at 200 rows, 15.2
 *   against 16.6 at 1000, 85 against 127 at 10000.
 */
const TRANSPOSED_OUTPUT_ROWS = 128;

/**
 * A fully connected layer, y = x Wᵀ + b, after `torch.nn.Linear`.
 *
 * Python: `nn.Linear(in_features, out_features, bias=True)`.
 *
 * Attributes: `weight` of shape (outFeatures, inFeatures) and `bias` of
 * shape (outFeatures), both drawn from U(-1/√inFeatures, 1/√inFeatures)
 * (PyTorch's `kaiming_uniform_(a=√5)`), from the generator `manualSeed`
 * seeds: after the same seed they equal PyTorch's values.
 *
 * Shape: input (N, inFeatures) or (inFeatures); output (N, outFeatures).
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  /**
   * @param inFeatures size of each input sample, an integer >= 1.
   * @param outFeatures size of each output sample, an integer >= 1.
   * @param bias whether to learn an additive bias. @default true
   * @param options.generator draws the initial values.
   *   @default the default generator
   */
  constructor(
    inFeatures: number,
    outFeatures: number,
    bias = true,
    options: { generator?: Generator } = {},
  ) {
    super();
    if (typeof bias !== 'boolean') {
      throw optionError('bias', 'Linear', 'a boolean, the third argument ' +
        '(new nn.Linear(2, 3, false) for bias=False)', bias);
    }
    checkOptionKeys(options, ['generator'], 'Linear');
    checkSize(inFeatures, 'in_features');
    checkSize(outFeatures, 'out_features');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const generator = options.generator ?? defaultGenerator;
    const bound = 1 / Math.sqrt(inFeatures);
    // PyTorch's kaiming_uniform_(a=√5) reaches 1/√in through a gain, in
    // this order of float64 operations (√5² is 5.000000000000001).
    const gain = Math.sqrt(2 / (1 + 5.000000000000001));
    const weightBound = Math.sqrt(3) * (gain / Math.sqrt(inFeatures));
    const w = generator.fillUniform(
      new Float32Array(outFeatures * inFeatures), -weightBound, weightBound);
    this.weight = tf.tidy(() =>
      new Parameter(tf.tensor2d(w, [outFeatures, inFeatures])));
    if (bias) {
      const b = generator.fillUniform(
        new Float32Array(outFeatures), -bound, bound);
      this.bias = tf.tidy(() => new Parameter(tf.tensor1d(b)));
    } else {
      this.bias = null;
    }
  }

  override forward(x: tf.Tensor): tf.Tensor {
    checkRank(x, [1, 2], 'Linear');
    const last = x.shape[x.rank - 1];
    if (last !== this.inFeatures) {
      throw shapeMismatch(x, this.inFeatures);
    }
    return tf.tidy(() => {
      const x2 = x.rank === 1 ? x.reshape([1, this.inFeatures]) : x;
      const rows = x2.shape[0]!;
      const y = rows < TRANSPOSED_OUTPUT_ROWS
        ? tf.transpose(tf.matMul(this.weight, x2 as tf.Tensor2D, false, true))
        : tf.matMul(x2 as tf.Tensor2D, tf.transpose(this.weight));
      const out = this.bias === null ? y : tf.add(y, this.bias);
      return x.rank === 1 ? out.reshape([this.outFeatures]) : out;
    });
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, ` +
      `out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

function checkSize(value: number, option: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw optionError(option, 'Linear', 'an integer >= 1', value);
  }
}

function shapeMismatch(x: tf.Tensor, inFeatures: number): ShapeError {
  return new ShapeError(
    `Linear expects ${inFeatures} input features (the last dimension); ` +
      `got an input of shape [${x.shape.join(', ')}].`,
    [null, inFeatures],
    x.shape,
  );
}

export function pyBool(value: boolean): string {
  return value ? 'True' : 'False';
}
