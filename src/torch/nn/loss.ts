import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../errors.js';
import { listChoices, optionError } from '../../util/options.js';
import { checkOptionKeys } from '../options.js';
import { checkRank, Module } from './module.js';

/** Python: the `reduction` argument of every loss. */
export type Reduction = 'mean' | 'sum' | 'none';
const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

interface LossOptions {
  /** How per-sample losses are combined. @default 'mean' */
  reduction?: Reduction;
}

export interface WeightedLossOptions extends LossOptions {
  /** A weight per class, shape (C). @default undefined (all 1) */
  weight?: tf.Tensor1D | readonly number[];
  /** Targets equal to this are skipped. @default -100 */
  ignoreIndex?: number;
}

export interface CrossEntropyLossOptions extends WeightedLossOptions {
  /** Mixes the target with the uniform distribution, in [0, 1]. @default 0 */
  labelSmoothing?: number;
}

/** The base of the losses: holds `reduction` and checks it. */
abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor(owner: string, options: LossOptions, known: string[]) {
    super();
    checkOptionKeys(options, ['reduction', ...known], owner);
    const reduction = options.reduction ?? 'mean';
    if (!REDUCTIONS.includes(reduction)) {
      throw optionError('reduction', owner,
        `one of ${listChoices(REDUCTIONS)}`, reduction);
    }
    this.reduction = reduction;
  }

  protected reduce(perSample: tf.Tensor): tf.Tensor {
    if (this.reduction === 'none') {
      return perSample;
    }
    return this.reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample);
  }
}

/**
 * Cross entropy between logits and class indices (or class
 * probabilities): log-softmax followed by the negative log likelihood.
 * Python: `nn.CrossEntropyLoss(weight=None, ignore_index=-100,
 * reduction='mean', label_smoothing=0.0)`.
 *
 * Shape: input (N, C) unnormalised logits; target (N) int32 class indices,
 * or (N, C) float probabilities. With `weight`, the mean divides by the
 * summed weights of the targets, as PyTorch does. Targets equal to
 * `ignoreIndex` add nothing to the loss or the gradient and leave the
 * mean's denominator; if every target is ignored the mean is NaN (and its
 * gradient zero), as in PyTorch.
 *
 * Differs from PyTorch: inputs of rank > 2 (N, C, d1, ...) are not
 * supported yet; targets outside [0, C) are not checked, because
 * checking would read the targets back every step: they are left out of
 * the loss and the mean's count like ignored ones, where PyTorch raises
 * `IndexError: Target -1 is out of bounds.`
 */
export class CrossEntropyLoss extends Loss {
  readonly weight: tf.Tensor1D | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyLossOptions = {}) {
    super('CrossEntropyLoss', options,
      ['weight', 'ignoreIndex', 'labelSmoothing']);
    this.weight = classWeight(options.weight, 'CrossEntropyLoss');
    this.ignoreIndex = checkIgnoreIndex(options.ignoreIndex,
      'CrossEntropyLoss');
    const ls = options.labelSmoothing ?? 0;
    if (typeof ls !== 'number' || !(ls >= 0 && ls <= 1)) {
      throw optionError('label_smoothing', 'CrossEntropyLoss',
        'a number in [0, 1]', ls);
    }
    this.labelSmoothing = ls;
  }

  override forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    checkRank(input, [2], 'CrossEntropyLoss');
    const [n, c] = input.shape as [number, number];
    const eps = this.labelSmoothing;
    if (target.dtype === 'float32' && target.rank === 2) {
      checkSameShape(input, target, 'CrossEntropyLoss');
      const dist = eps === 0 ? target : target.mul(1 - eps).add(eps / c);
      const logp = tf.logSoftmax(input);
      const w = this.weight === null ? logp : logp.mul(this.weight);
      return this.reduce(tf.neg(tf.sum(w.mul(dist), 1)));
    }
    checkTarget(target, n, 'CrossEntropyLoss');
    checkClassWeight(this.weight, c, 'CrossEntropyLoss');
    const simple = this.weight === null && this.reduction === 'mean';
    if (simple && this.ignoreIndex < 0) {
      // No cast kernel for targets that are int32 already (the usual).
      const index = target.dtype === 'int32' ? target : target.toInt();
      return keptMeanCrossEntropy(input as tf.Tensor2D, index, c, eps);
    }
    const logp = tf.logSoftmax(input);
    const onehot = tf.oneHot(target.toInt(), c).toFloat();
    const keep = keptRows(target, onehot, this.ignoreIndex);
    const classW = this.weight ?? tf.ones([c]);
    const sampleW = tf.sum(onehot.mul(classW), 1).mul(keep);
    const nll = tf.neg(tf.sum(onehot.mul(logp), 1)).mul(sampleW);
    const smooth = tf.neg(tf.sum(logp.mul(classW), 1)).mul(keep);
    if (this.reduction === 'none') {
      return eps === 0 ? nll : nll.mul(1 - eps).add(smooth.mul(eps / c));
    }
    let total = tf.sum(nll);
    if (eps !== 0) {
      total = total.mul(1 - eps).add(tf.sum(smooth).mul(eps / c));
    }
    if (this.reduction === 'sum') {
      return total;
    }
    return keptMean(total,
      this.weight === null ? tf.sum(keep) : tf.sum(sampleW));
  }

  override dispose(): void {
    this.weight?.dispose();
    super.dispose();
  }
}

/**
 * Negative log likelihood of log-probabilities and class indices.
 * Python: `nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')`.
 *
 * Shape: input (N, C) log-probabilities (say, from `tf.logSoftmax`);
 * target (N) int32 class indices.
 */
export class NLLLoss extends Loss {
  readonly weight: tf.Tensor1D | null;
  readonly ignoreIndex: number;

  constructor(options: WeightedLossOptions = {}) {
    super('NLLLoss', options, ['weight', 'ignoreIndex']);
    this.weight = classWeight(options.weight, 'NLLLoss');
    this.ignoreIndex = checkIgnoreIndex(options.ignoreIndex, 'NLLLoss');
  }

  override forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    checkRank(input, [2], 'NLLLoss');
    const [n, c] = input.shape as [number, number];
    checkTarget(target, n, 'NLLLoss');
    checkClassWeight(this.weight, c, 'NLLLoss');
    const onehot = tf.oneHot(target.toInt(), c).toFloat();
    const keep = keptRows(target, onehot, this.ignoreIndex);
    const sampleW = this.weight === null
      ? keep
      : tf.sum(onehot.mul(this.weight), 1).mul(keep);
    const perSample = tf.neg(tf.sum(onehot.mul(input), 1)).mul(sampleW);
    if (this.reduction === 'mean') {
      return keptMean(tf.sum(perSample), tf.sum(sampleW));
    }
    return this.reduce(perSample);
  }

  override dispose(): void {
    this.weight?.dispose();
    super.dispose();
  }
}

/**
 * Mean squared error. Python: `nn.MSELoss(reduction='mean')`.
 * Shape: input and target of the same shape.
 */
export class MSELoss extends Loss {
  constructor(options: LossOptions = {}) {
    super('MSELoss', options, []);
  }

  override forward(input: tf.Tensor, target: tf.Tensor): tf.Tensor {
    checkSameShape(input, target, 'MSELoss');
    return this.reduce(tf.squaredDifference(input, target.toFloat()));
  }
}

/**
 * The mean cross entropy of `logits` against class `index`es, over the
 * rows whose index is a class (a negative `ignoreIndex` one-hots to a zero
 * row, which adds nothing and leaves the count), with label smoothing
 * `eps`: PyTorch's `cross_entropy(reduction='mean')` without class
 * weights. NaN when no row is kept, with a zero gradient.
 *
 * One custom gradient (softmax - target, scaled by 1/count, zero on
 * ignored rows) instead of tfjs's weighted softmaxCrossEntropy: that
 * one's per-row weights and reductions cost about 20 more kernels per
 * training step, measurable at small batches.
 */
function keptMeanCrossEntropy(
  logits: tf.Tensor2D,
  index: tf.Tensor,
  c: number,
  eps: number,
): tf.Scalar {
  const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // tfjs-backend-wasm 4.22's OneHot ignores a float32 dtype (it writes
    // int32 bits), hence the cast.
    const onehot = tf.cast(tf.oneHot(index as tf.Tensor1D, c), 'float32');
    // 1 on kept rows, 0 on ignored ones.
    const kept = tf.sum(onehot, 1, true);
    const target = eps === 0
      ? onehot
      : tf.add(tf.mul(onehot, 1 - eps), tf.mul(kept, eps / c));
    const logp = tf.logSoftmax(x);
    const count = tf.sum(kept);
    save([logp, target, kept, count]);
    // 0 / 0 is NaN when every row is ignored, as in PyTorch.
    const value = tf.div(tf.neg(tf.sum(tf.mul(target, logp))), count);
    return {
      value: value as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [lp, t, k, n] = saved as [tf.Tensor, tf.Tensor, tf.Tensor,
          tf.Tensor];
        // A kept row's target sums to 1: d/dx = softmax - target.
        return tf.mul(tf.sub(tf.mul(tf.exp(lp), k), t), tf.divNoNan(dy, n));
      },
    };
  });
  return loss(logits);
}

/**
 * `total / count` for a mean over the samples that were not ignored, as
 * PyTorch computes it: NaN when every sample is ignored (count 0), with a
 * zero gradient rather than NaN, because the gradient flows through
 * 1/count only where count > 0.
 */
function keptMean(total: tf.Tensor, count: tf.Tensor): tf.Tensor {
  return total.mul(tf.divNoNan(1, count)).add(nanIfNone(count));
}

/** 0, or NaN when `count` is 0 (0/0), with no gradient path. */
function nanIfNone(count: tf.Tensor): tf.Tensor {
  return tf.div(0, count);
}

function classWeight(
  weight: tf.Tensor1D | readonly number[] | undefined,
  owner: string,
): tf.Tensor1D | null {
  if (weight === undefined || weight === null) {
    return null;
  }
  if (weight instanceof tf.Tensor) {
    if (weight.rank !== 1) {
      throw optionError('weight', owner, 'a 1-D tensor with one weight ' +
        'per class', `a tensor of shape [${weight.shape.join(', ')}]`);
    }
    return tf.keep(tf.tidy(() => weight.toFloat().clone()));
  }
  if (!Array.isArray(weight) || weight.some((w) => typeof w !== 'number')) {
    throw optionError('weight', owner, 'a list of numbers, one per class',
      weight);
  }
  return tf.keep(tf.tensor1d(weight as number[], 'float32'));
}

/**
 * 1 for each row whose target is a class other than `ignoreIndex`, else
 * 0: a target outside [0, C) one-hots to a zero row and is left out as
 * the fast path leaves it out.
 */
function keptRows(
  target: tf.Tensor,
  onehot: tf.Tensor,
  ignoreIndex: number,
): tf.Tensor {
  return tf.notEqual(target, ignoreIndex).toFloat().mul(tf.sum(onehot, 1));
}

/** PyTorch's check that a class weight has one value per class. */
function checkClassWeight(
  weight: tf.Tensor1D | null,
  c: number,
  owner: string,
): void {
  if (weight !== null && weight.size !== c) {
    throw new ShapeError(
      `${owner}: weight tensor should be defined either for all ${c} ` +
        `classes or no classes but got weight tensor of shape: ` +
        `[${weight.size}]`,
    );
  }
}

function checkIgnoreIndex(value: number | undefined, owner: string): number {
  const v = value ?? -100;
  if (!Number.isInteger(v)) {
    throw optionError('ignore_index', owner, 'an integer', v);
  }
  return v;
}

function checkTarget(target: tf.Tensor, n: number, owner: string): void {
  if (!(target instanceof tf.Tensor) || target.rank !== 1) {
    throw new ShapeError(
      `${owner} expects class-index targets of shape [${n}]; got ` +
        (target instanceof tf.Tensor
          ? `shape [${target.shape.join(', ')}].`
          : `${typeof target}.`),
      [n],
      target instanceof tf.Tensor ? target.shape : undefined,
    );
  }
  if (target.shape[0] !== n) {
    throw new ShapeError(
      `Expected input batch_size (${n}) to match target batch_size ` +
        `(${target.shape[0]}) in ${owner}.`,
      [n],
      target.shape,
    );
  }
}

function checkSameShape(a: tf.Tensor, b: tf.Tensor, owner: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(
      `${owner} expects input and target of the same shape; got ` +
        `[${a.shape.join(', ')}] and [${b.shape.join(', ')}].`,
      a.shape,
      b.shape,
    );
  }
}
