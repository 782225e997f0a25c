import * as tf from '@tensorflow/tfjs';
import { optionError } from '../../util/options.js';
import { zeroGradients } from '../nn/module.js';
import { isParameter, type Parameter } from '../nn/parameter.js';

/**
 * A group of parameters with its own options, as in PyTorch's
 * `param_groups`. `lr` is what learning-rate schedulers change.
 */
export interface ParamGroup<O> {
  params: Parameter[];
  /** The learning rate now in use. */
  lr: number;
  /** The learning rate the group started with (set by schedulers). */
  initialLr?: number;
  options: O;
}

/** What an optimizer's first argument may be: parameters or groups. */
export type ParamsArg<O> =
  | Iterable<Parameter>
  | (Partial<O> & { params: Iterable<Parameter>; lr?: number })[];

/**
 * The base of every optimizer, after `torch.optim.Optimizer`: holds the
 * parameter groups and the per-parameter state, clears gradients, and
 * applies `update` to each parameter that has a gradient.
 */
export abstract class Optimizer<O extends object> {
  /** Python: `param_groups`. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (moments, buffers), freed by `dispose`. */
  protected readonly state = new Map<Parameter, Record<string, tf.Variable>>();

  constructor(
    params: ParamsArg<O>,
    lr: number,
    defaults: O,
    private readonly owner: string,
  ) {
    const list = [...params] as unknown[];
    if (list.length === 0) {
      throw optionError('params', owner, 'a non-empty list of parameters',
        []);
    }
    type Group = Partial<O> & { params: Iterable<Parameter>; lr?: number };
    const groups: Group[] = isParameter(list[0])
      ? [{ params: list as Parameter[] } as unknown as Group]
      : (list as Group[]);
    for (const g of groups) {
      const { params: ps, lr: groupLr, ...rest } = g;
      const groupParams = [...ps];
      groupParams.forEach((p, i) => {
        if (!isParameter(p)) {
          throw optionError('params', owner,
            'parameters (from module.parameters())', `item ${i}: ${typeof p}`);
        }
      });
      const options = { ...defaults, ...rest } as O;
      this.checkOptions(options);
      const groupRate = groupLr ?? lr;
      checkLr(groupRate, owner);
      this.paramGroups.push({ params: groupParams, lr: groupRate, options });
    }
  }

  /**
   * Python: `zero_grad(set_to_none=True)`: clears the gradients of every
   * parameter this optimizer updates.
   */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      zeroGradients(g.params, setToNone);
    }
  }

  /**
   * Python: `step()`: updates every parameter that has a gradient, using
   * that gradient. Parameters whose `grad` is null are skipped.
   */
  step(): void {
    tf.tidy(() => {
      for (const g of this.paramGroups) {
        for (const p of g.params) {
          if (p.grad !== null) {
            this.update(p, p.grad, g.lr, g.options);
          }
        }
      }
    });
  }

  /** Frees the optimizer's state (the parameters stay). */
  dispose(): void {
    for (const s of this.state.values()) {
      for (const v of Object.values(s)) {
        v.dispose();
      }
    }
    this.state.clear();
  }

  /** Throws an `OptionError` for an out-of-range option. */
  protected abstract checkOptions(options: O): void;

  /** Updates one parameter in place; runs inside a `tf.tidy`. */
  protected abstract update(
    p: Parameter,
    grad: tf.Tensor,
    lr: number,
    options: O,
  ): void;

  /** The state of `p`, created by `init` on first use. */
  protected stateOf(
    p: Parameter,
    init: () => Record<string, tf.Tensor>,
  ): Record<string, tf.Variable> {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      for (const [k, t] of Object.entries(init())) {
        s[k] = tf.variable(t, false);
      }
      this.state.set(p, s);
    }
    return s;
  }

  protected error(option: string, expected: string, value: unknown): Error {
    return optionError(option, this.owner, expected, value);
  }
}

function checkLr(lr: number, owner: string): void {
  if (typeof lr !== 'number' || !(lr >= 0)) {
    throw optionError('lr', owner, 'a number >= 0', lr);
  }
}
