import * as tf from '@tensorflow/tfjs';
import {
  isPlainObject, optionError, toCamelCase, toSnakeCase,
} from '../../util/options.js';
import { OptimizerStateError } from '../errors.js';
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

/**
 * One parameter's state in an optimizer state dict, by PyTorch's names:
 * tensors (`exp_avg`, `momentum_buffer`, ...) and counters (`step`).
 */
export type ParamState = Record<string, tf.Tensor | number>;

/**
 * A parameter group in an optimizer state dict: `lr`, the optimizer's
 * options as its constructor spells them (`weightDecay` for PyTorch's
 * `weight_decay`, `initialLr` for `initial_lr`), and `params`, the
 * indices of its parameters in `state`.
 */
export type GroupState = {
  params: number[];
  lr: number;
  initialLr?: number;
} & Record<string, unknown>;

/**
 * What `Optimizer.stateDict()` returns and `loadStateDict` takes, in the
 * layout of PyTorch's `optimizer.state_dict()`: `state` maps a
 * parameter's index (counted across the groups, in order) to its state;
 * a parameter that has not been updated yet has no entry.
 */
export type OptimizerStateDict = {
  state: Record<number, ParamState>;
  param_groups: GroupState[];
};

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
  /** Per-parameter counters, such as Adam's `step`. */
  protected readonly counters = new Map<Parameter, Record<string, number>>();
  /** The option keys besides `lr` (the keys of the defaults). */
  private readonly optionKeys: string[];

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
    this.optionKeys = optionKeys;
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

  /**
   * Python: `state_dict()`: the per-parameter state and the groups'
   * options, in PyTorch's layout (see `OptimizerStateDict`); state keys
   * keep PyTorch's names (`exp_avg`, `momentum_buffer`), group options
   * the constructor's (`weightDecay`).
   *
   * Differs from PyTorch: the tensors are copies that the caller owns
   * (free them with `tf.dispose(sd.state)`), where PyTorch returns
   * references; `step` is a number, not a 0-d tensor; a group holds only
   * the options this optimizer has (no `maximize`, `foreach`, ...).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Parameter, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const params = g.params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      const options: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g.options)) {
        options[k] = Array.isArray(v) ? [...v] : v;
      }
      return {
        lr: g.lr,
        ...options,
        ...(g.initialLr === undefined ? {} : { initialLr: g.initialLr }),
        params,
      } as GroupState;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, i] of index) {
      const tensors = this.state.get(p);
      const counts = this.counters.get(p);
      if (tensors === undefined && counts === undefined) {
        continue;
      }
      const entry: ParamState = { ...counts };
      for (const [k, v] of Object.entries(tensors ?? {})) {
        entry[toSnakeCase(k)] = tf.clone(v);
      }
      state[i] = entry;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Python: `load_state_dict(state_dict)`: replaces the per-parameter
   * state and the groups' `lr`, `initialLr` and options with those of a
   * state dict from `stateDict()` of an optimizer of the same class over
   * parameters of the same shapes. Parameters pair up by position, group
   * by group, as in PyTorch. The optimizer copies the tensors; the caller
   * keeps ownership of `stateDict`'s. A group option the state dict
   * lacks keeps its value.
   *
   * Everything is checked before anything changes: a different number of
   * groups or of parameters in a group (PyTorch's messages), unknown or
   * invalid options, and state that does not fit its parameter (missing
   * or unknown keys, a tensor of another shape) throw an
   * `OptimizerStateError` or `OptionError` and leave the optimizer as it
   * was. Differs from PyTorch: PyTorch checks only the group sizes.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const fail = (message: string, paramIndex?: number): never => {
      throw new OptimizerStateError(message, paramIndex);
    };
    const sd = stateDict as Partial<OptimizerStateDict> | null;
    if (typeof sd !== 'object' || sd === null || !isPlainObject(sd.state) ||
        !Array.isArray(sd.param_groups)) {
      fail('loaded state dict must be an object with `state` and ' +
        '`param_groups`, as optimizer.stateDict() returns.');
    }
    const savedGroups = sd!.param_groups!;
    const savedState = sd!.state!;

    // The groups: as many, as large, with valid options.
    if (savedGroups.length !== this.paramGroups.length) {
      fail('loaded state dict has a different number of parameter groups ' +
        `(${savedGroups.length}; this optimizer has ` +
        `${this.paramGroups.length}).`);
    }
    const byIndex = new Map<number, [Parameter, O]>();
    const newGroups = savedGroups.map((saved, gi) => {
      const group = this.paramGroups[gi]!;
      const owner = `${this.owner} (loaded parameter group ${gi})`;
      checkOptionKeys(saved, ['params', 'lr', 'initialLr',
        ...this.optionKeys], owner);
      const { params, lr, initialLr, ...rest } = saved;
      if (!Array.isArray(params) || params.length !== group.params.length) {
        fail('loaded state dict contains a parameter group that doesn\'t ' +
          "match the size of optimizer's group (group " +
          `${gi}: ${Array.isArray(params) ? params.length : 'no'} ` +
          `parameters; this optimizer's has ${group.params.length}).`);
      }
      const merged = { ...group.options, ...rest } as O;
      this.checkOptions(merged);
      // A copy, as PyTorch deep-copies the state dict it loads: later
      // edits to the caller's dict (say, its betas array) change nothing.
      const options = structuredClone(merged);
      checkLr(lr, owner);
      if (initialLr !== undefined) {
        checkLr(initialLr, owner, 'initialLr');
      }
      params.forEach((k, j) => {
        if (!Number.isInteger(k) || k < 0 || byIndex.has(k)) {
          fail(`loaded state dict lists parameter index ${String(k)} in ` +
            `group ${gi}; indices must be distinct integers >= 0.`);
        }
        byIndex.set(k, [group.params[j]!, options]);
      });
      return { lr, initialLr, options };
    });

    // The state: each entry fits its parameter.
    const loaded: [Parameter, Record<string, tf.Tensor>,
      Record<string, number>][] = [];
    for (const [key, entry] of Object.entries(savedState)) {
      // '01' or '1.0' is not the index 1.
      const k = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : Number.NaN;
      const target = byIndex.get(k);
      if (target === undefined) {
        fail(`loaded state dict has state for parameter index ${key}, ` +
          'which no parameter group lists.',
        Number.isInteger(k) ? k : undefined);
      }
      const [p, options] = target!;
      const { tensors, counters } = this.stateKeys(options);
      const given = Object.keys(entry ?? {});
      const expected = [...counters, ...tensors];
      const missing = expected.filter((n) => !given.includes(n));
      const unknown = given.filter((n) => !expected.includes(n));
      if (missing.length > 0 || unknown.length > 0) {
        fail(`loaded state dict has state for parameter ${k} with keys ` +
          `[${given.join(', ')}]; with its group's options ${this.owner} ` +
          `keeps [${expected.join(', ')}].`, k);
      }
      const counts: Record<string, number> = {};
      for (const n of counters) {
        const v = entry[n];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
          fail(`loaded state dict has ${describe(v)} for '${n}' of ` +
            `parameter ${k}; expected an integer >= 0.`, k);
        }
        counts[n] = v as number;
      }
      const values: Record<string, tf.Tensor> = {};
      for (const n of tensors) {
        const v = entry[n];
        if (!(v instanceof tf.Tensor) || v.isDisposed) {
          fail(`loaded state dict has ${describe(v)} for '${n}' of ` +
            `parameter ${k}; expected a tensor.`, k);
        }
        const t = v as tf.Tensor;
        if (t.dtype !== 'float32' && t.dtype !== 'int32') {
          fail(`loaded state dict has '${n}' of dtype ${t.dtype} for ` +
            `parameter ${k}; expected float32.`, k);
        }
        if (!tf.util.arraysEqual(t.shape, p.shape)) {
          fail(`loaded state dict has '${n}' of shape ` +
            `[${t.shape.join(', ')}] for parameter ${k}, whose shape is ` +
            `[${p.shape.join(', ')}].`, k);
        }
        values[toCamelCase(n)] = t;
      }
      loaded.push([p, values, counts]);
    }

    // Copy the tensors in before the old state goes: nothing above
    // changed the optimizer, and a failed copy frees its own work.
    const copies: [Parameter, Record<string, tf.Variable>][] = [];
    try {
      for (const [p, values] of loaded) {
        const s: Record<string, tf.Variable> = {};
        copies.push([p, s]);
        for (const [n, t] of Object.entries(values)) {
          s[n] = tf.tidy(() => tf.variable(
            t.dtype === p.dtype ? t : t.cast(p.dtype), false));
        }
      }
    } catch (err) {
      for (const [, s] of copies) {
        tf.dispose(Object.values(s));
      }
      throw err;
    }
    this.freeState();
    copies.forEach(([p, s], i) => {
      if (Object.keys(s).length > 0) {
        this.state.set(p, s);
      }
      const counts = loaded[i]![2];
      if (Object.keys(counts).length > 0) {
        this.counters.set(p, counts);
      }
    });
    newGroups.forEach(({ lr, initialLr, options }, gi) => {
      const group = this.paramGroups[gi]!;
      group.lr = lr;
      group.options = options;
      if (initialLr === undefined) {
        delete group.initialLr;
      } else {
        group.initialLr = initialLr;
      }
    });
  }

  /** Frees the optimizer's state (the parameters stay). */
  dispose(): void {
    this.freeState();
  }

  private freeState(): void {
    for (const s of this.state.values()) {
      for (const v of Object.values(s)) {
        v.dispose();
      }
    }
    this.state.clear();
    this.counters.clear();
  }

  /** Throws an `OptionError` for an out-of-range option. */
  protected abstract checkOptions(options: O): void;

  /**
   * The PyTorch names of the state a parameter has once updated under
   * `options`: its tensors and its counters.
   */
  protected abstract stateKeys(
    options: O,
  ): { tensors: string[]; counters: string[] };

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

function describe(value: unknown): string {
  if (value instanceof tf.Tensor) {
    return value.isDisposed ? 'a disposed tensor' : 'a tensor';
  }
  return value === undefined ? 'nothing' : `${typeof value} ${String(value)}`;
}

/** Refuses a rate (`lr`, or the `option` named) that is not >= 0. */
function checkLr(lr: unknown, owner: string, option = 'lr'): void {
  if (typeof lr !== 'number' || !(lr >= 0)) {
    throw optionError(option, owner, 'a number >= 0', lr);
  }
}
