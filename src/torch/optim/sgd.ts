import * as tf from '@tensorflow/tfjs';
import type { Parameter } from '../nn/parameter.js';
import { Optimizer, type ParamsArg } from './optimizer.js';

export interface SGDOptions {
  /**
   * Learning rate, >= 0. Python: `lr`. Required, as in PyTorch 1.13
   * (PyTorch 2.2 and later default it to 1e-3); a parameter group may
   * give its own instead.
   */
  lr?: number;
  /** Momentum factor, >= 0. @default 0 */
  momentum?: number;
  /** Dampening of the momentum, >= 0. @default 0 */
  dampening?: number;
  /** L2 penalty added to the gradient, >= 0. @default 0 */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. @default false */
  nesterov?: boolean;
}

type Resolved = Required<Omit<SGDOptions, 'lr'>>;

/**
 * Stochastic gradient descent with momentum, with PyTorch's update rule,
 * after `torch.optim.SGD`. Python: `optim.SGD(params, lr,
 * momentum=0, dampening=0, weight_decay=0, nesterov=False)`.
 *
 * Per step and parameter θ with gradient g: g += weightDecay·θ; with
 * momentum μ, b = g on the first step, else b = μ·b + (1-dampening)·g,
 * and g = g + μ·b (Nesterov) or g = b; then θ -= lr·g.
 */
export class SGD extends Optimizer<Resolved> {
  constructor(params: ParamsArg<Resolved>, options: SGDOptions = {}) {
    super(params, options, {
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
    }, undefined, 'SGD');
  }

  protected override checkOptions(o: Resolved): void {
    for (const [name, value] of [
      ['momentum', o.momentum],
      ['dampening', o.dampening],
      ['weight_decay', o.weightDecay],
    ] as const) {
      if (typeof value !== 'number' || !(value >= 0)) {
        throw this.error(name, 'a number >= 0', value);
      }
    }
    if (typeof o.nesterov !== 'boolean') {
      throw this.error('nesterov', 'a boolean', o.nesterov);
    }
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw this.error('nesterov',
        'false unless momentum > 0 and dampening = 0 (Nesterov momentum ' +
          'requires a momentum and zero dampening)', o.nesterov);
    }
  }

  protected override stateKeys(o: Resolved): {
    tensors: string[]; counters: string[];
  } {
    // Differs from PyTorch 1.13: without momentum there is no state (PyTorch
    // keeps `momentum_buffer: None`).
    return {
      tensors: o.momentum === 0 ? [] : ['momentum_buffer'],
      counters: [],
    };
  }

  protected override update(
    p: Parameter,
    grad: tf.Tensor,
    lr: number,
    o: Resolved,
  ): void {
    let d = o.weightDecay === 0 ? grad : grad.add(p.mul(o.weightDecay));
    if (o.momentum !== 0) {
      const fresh = !this.state.has(p);
      const s = this.stateOf(p, () => ({ momentumBuffer: d }));
      let buf: tf.Tensor = s.momentumBuffer!;
      if (!fresh) {
        buf = buf.mul(o.momentum).add(d.mul(1 - o.dampening));
        s.momentumBuffer!.assign(buf);
      }
      d = o.nesterov ? d.add(buf.mul(o.momentum)) : buf;
    }
    p.assign(p.sub(d.mul(lr)));
  }
}
