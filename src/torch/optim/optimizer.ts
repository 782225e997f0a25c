import * as tf from '@tensorflow/tfjs';
import { optionError } from '../../util/options.js';
import { checkOptionKeys } from '../options.js';
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

  /**
   * @param options the caller's options: `lr` and keys of `defaults`;
   *   any other key throws an `OptionError` naming the nearest known one.
   * @param defaults every option but `lr`, at its default.
   * @param defaultLr `lr` when neither `options` nor a group sets it;
   *   undefined makes it required, as SGD's is in PyTorch 1.13.
   */
  constructor(
    params: ParamsArg<O>,
    options: Partial<O> & { lr?: number },
    defaults: O,
    defaultLr: number | undefined,
    private readonly owner: string,
  ) {
    const optionKeys = Object.keys(defaults);
    checkOptionKeys(options, ['lr', ...optionKeys], owner);
    const { lr = defaultLr, ...rest } = options;
    const list = [...params] as unknown[];
    if (list.length === 0) {
      throw optionError('params', owner, 'a non-empty list of parameters',
        []);
    }
    type Group = Partial<O> & { params: Iterable<Parameter>; lr?: number };
    const groups: Group[] = isParameter(list[0])
      ? [{ params: list as Parameter[] } as unknown as Group]
      : (list as Group[]);
    const seen = new Set<Parameter>();
    for (const g of groups) {
      // Differs from PyTorch: a group's unknown keys are refused (PyTorch
      // keeps them), so a misspelt option cannot go unused.
      checkOptionKeys(g, ['params', 'lr', ...optionKeys],
        `${owner} (parameter group)`);
      const { params: ps, lr: groupLr, ...groupRest } = g;
      const groupParams = [...ps];
      groupParams.forEach((p, i) => {
        if (!isParameter(p)) {
          throw optionError('params', owner,
            'parameters (from module.parameters())', `item ${i}: ${typeof p}`);
        }
        if (seen.has(p)) {
          throw optionError('params', owner, 'parameter groups with no ' +
            'parameter in common (some parameters appear in more than ' +
            'one parameter group)', `item ${i} of group ` +
            `${this.paramGroups.length}, already in an earlier group`);
        }
      });
      groupParams.forEach((p) => seen.add(p));
      const groupOptions = { ...defaults, ...rest, ...groupRest } as O;
      this.checkOptions(groupOptions);
      const groupRate = groupLr ?? lr;
      if (groupRate === undefined) {
        throw optionError('lr', owner, 'given: it has no default (PyTorch ' +
          "1.13: parameter group didn't specify a value of required " +
          'optimization parameter lr); pass one, such as { lr: 0.01 }',
        undefined);
      }
      checkLr(groupRate, owner);
      this.paramGroups.push({
        params: groupParams, lr: groupRate, options: groupOptions,
      });
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
