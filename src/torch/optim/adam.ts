import * as tf from '@tensorflow/tfjs';
import type { Parameter } from '../nn/parameter.js';
import { Optimizer, type ParamsArg } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate, >= 0. Python: `lr`. @default 1e-3 */
  lr?: number;
  /**
   * Decay rates of the moment estimates, each in [0, 1).
   * @default [0.9, 0.999]
   */
  betas?: [number, number];
  /** Added to the denominator, >= 0. @default 1e-8 */
  eps?: number;
  /** L2 penalty added to the gradient (not AdamW), >= 0. @default 0 */
  weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad). @default false */
  amsgrad?: boolean;
}

type Resolved = Required<Omit<AdamOptions, 'lr'>>;

/**
 * Adam, with PyTorch's update rule, after `torch.optim.Adam`.
 * Python: `optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
 * weight_decay=0, amsgrad=False)`.
 *
 * Per step t and parameter θ with gradient g:
 * g += weightDecay·θ; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
 * θ -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + eps), with v replaced by its
 * running maximum when `amsgrad`.
 *
 * @example
 * const optimizer = new optim.Adam(model.parameters(), { lr: 0.0001 });
 */
export class Adam extends Optimizer<Resolved> {
  constructor(params: ParamsArg<Resolved>, options: AdamOptions = {}) {
    super(params, options, {
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    }, 1e-3, 'Adam');
  }

  protected override checkOptions(o: Resolved): void {
    const betas = o.betas;
    if (!Array.isArray(betas) || betas.length !== 2 ||
        betas.some((b) => typeof b !== 'number' || !(b >= 0 && b < 1))) {
      throw this.error('betas', 'two numbers in [0, 1)', betas);
    }
    if (typeof o.eps !== 'number' || !(o.eps >= 0)) {
      throw this.error('eps', 'a number >= 0', o.eps);
    }
    if (typeof o.weightDecay !== 'number' || !(o.weightDecay >= 0)) {
      throw this.error('weight_decay', 'a number >= 0', o.weightDecay);
    }
    if (typeof o.amsgrad !== 'boolean') {
      throw this.error('amsgrad', 'a boolean', o.amsgrad);
    }
  }

  protected override stateKeys(o: Resolved): {
    tensors: string[]; counters: string[];
  } {
    const tensors = ['exp_avg', 'exp_avg_sq'];
    return {
      tensors: o.amsgrad ? [...tensors, 'max_exp_avg_sq'] : tensors,
      counters: ['step'],
    };
  }

  protected override update(
    p: Parameter,
    grad: tf.Tensor,
    lr: number,
    o: Resolved,
  ): void {
    const [beta1, beta2] = o.betas;
    const s = this.stateOf(p, () => ({
      expAvg: tf.zerosLike(p),
      expAvgSq: tf.zerosLike(p),
      ...(o.amsgrad ? { maxExpAvgSq: tf.zerosLike(p) } : {}),
    }));
    // PyTorch keeps `step` per parameter.
    const t = (this.counters.get(p)?.step ?? 0) + 1;
    this.counters.set(p, { step: t });
    const g = o.weightDecay === 0 ? grad : grad.add(p.mul(o.weightDecay));
    const m = s.expAvg!.mul(beta1).add(g.mul(1 - beta1));
    const v = s.expAvgSq!.mul(beta2).add(g.square().mul(1 - beta2));
    s.expAvg!.assign(m);
    s.expAvgSq!.assign(v);
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
    let second = v;
    if (o.amsgrad) {
      second = tf.maximum(s.maxExpAvgSq!, v);
      s.maxExpAvgSq!.assign(second);
    }
    const denom = second.sqrt().div(biasCorrection2Sqrt).add(o.eps);
    p.assign(p.sub(m.div(denom).mul(lr / biasCorrection1)));
  }
}
