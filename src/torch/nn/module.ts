import * as tf from '@tensorflow/tfjs';
import { NotSupportedError, ShapeError } from '../../errors.js';
import { StateDictError } from '../errors.js';
import { isParameter, type Parameter } from './parameter.js';

/** Python: the `OrderedDict` a `state_dict()` returns. */
export type StateDict = Record<string, tf.Tensor>;

/** What `loadStateDict` reports. Python: `_IncompatibleKeys`. */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Follows calls while `exportLayersModel` traces a forward pass. */
export interface CallTrace {
  record(module: Module, inputs: unknown[], output: unknown): void;
}

let activeTrace: CallTrace | null = null;

/** Runs `fn` while every module call is reported to `trace`. */
export function withCallTrace<T>(trace: CallTrace, fn: () => T): T {
  const previous = activeTrace;
  activeTrace = trace;
  try {
    return fn();
  } finally {
    activeTrace = previous;
  }
}

// Module instances are functions so that `model(x)` works as in Python;
// these own properties of a function object are removed so that fields
// with the same names can be assigned.
const FUNCTION_OWN_KEYS = ['name', 'length'] as const;

/**
 * Base class of every layer, loss and model, after `torch.nn.Module`.
 * Sub-modules and parameters are registered by assigning them to fields,
 * in the order they are assigned; `forward` computes the output, and
 * calling the module calls `forward`.
 *
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(784, 128);
 *   fc2 = new nn.Linear(128, 10);
 *   relu = new nn.ReLU();
 *   forward(x: tf.Tensor) {
 *     return this.fc2(this.relu(this.fc1(x)));
 *   }
 * }
 * const net = new Net();
 * const logits = net(x);
 *
 * Differs from PyTorch: tensors are tfjs tensors; anything that is not a
 * `Module` or a `Parameter` in a field is ignored by `parameters()` and
 * `stateDict()` (PyTorch's buffers are not supported yet).
 */
export abstract class Module {
  /** Python: `training`. True after `train()`, false after `eval()`. */
  declare training: boolean;

  constructor() {
    const self = ((...inputs: unknown[]) =>
      (self as unknown as Module).call(...inputs)) as unknown as Module;
    for (const key of FUNCTION_OWN_KEYS) {
      delete (self as unknown as Record<string, unknown>)[key];
    }
    Object.setPrototypeOf(self, new.target.prototype);
    Object.defineProperty(self, 'training', {
      value: true,
      writable: true,
      enumerable: false,
    });
    return self;
  }

  /** The computation; called by calling the module. */
  abstract forward(...inputs: any[]): any;

  /**
   * Calls `forward` (which must be synchronous). Python:
   * `module(*inputs)`, which is also the spelling here.
   */
  call(...inputs: any[]): any {
    // Intermediate tensors of the forward pass are freed on return, as
    // Python's garbage collector would free them.
    const output = tf.tidy(() => this.forward(...inputs));
    if (activeTrace !== null) {
      activeTrace.record(this, inputs, output);
    }
    return output;
  }

  /** Python: `named_children()`: direct sub-modules with their names. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const key of Object.keys(this)) {
      const value = (this as unknown as Record<string, unknown>)[key];
      if (value instanceof Module) {
        out.push([key, value]);
      }
    }
    return out;
  }

  /** Python: `children()`. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * Python: `named_modules()`: this module and all below it, depth first,
   * each once, with dotted names ('' for this module).
   */
  namedModules(prefix = ''): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    const visit = (name: string, m: Module) => {
      if (seen.has(m)) {
        return;
      }
      seen.add(m);
      out.push([name, m]);
      for (const [key, child] of m.namedChildren()) {
        visit(name === '' ? key : `${name}.${key}`, child);
      }
    };
    visit(prefix, this);
    return out;
  }

  /** Python: `modules()`. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Python: `named_parameters()`: every parameter with its dotted name
   * (`fc1.weight`, `0.bias`), each once, in registration order.
   */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const key of Object.keys(m)) {
        const value = (m as unknown as Record<string, unknown>)[key];
        if (isParameter(value) && !seen.has(value)) {
          seen.add(value);
          out.push([prefix === '' ? key : `${prefix}.${key}`, value]);
        }
      }
    }
    return out;
  }

  /** Python: `parameters()`. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Python: `train(mode=True)`: sets `training` on this module and every
   * sub-module. Returns `this`.
   */
  train(mode = true): this {
    for (const m of this.modules()) {
      m.training = mode;
    }
    return this;
  }

  /** Python: `eval()`, the same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Python: `to(device)`. Returns `this` unchanged: tfjs runs every
   * tensor on the one backend chosen for the process (`selectBackend`),
   * so there is nothing to move. Kept so `model.to(device)` ports as is.
   */
  to(_device?: unknown): this {
    return this;
  }

  /**
   * Python: `zero_grad(set_to_none=True)`: clears every parameter's
   * gradient, or sets it to zeros when `setToNone` is false.
   */
  zeroGrad(setToNone = true): void {
    zeroGradients(this.parameters(), setToNone);
  }

  /**
   * Python: `requires_grad_(requires_grad=True)`: freezes or unfreezes
   * every parameter. Returns `this`.
   */
  requiresGrad(requiresGrad = true): this {
    for (const p of this.parameters()) {
      p.trainable = requiresGrad;
    }
    return this;
  }

  /**
   * Python: `state_dict()`: parameters by dotted name. The tensors are
   * the module's own parameters (PyTorch's share storage too): do not
   * dispose them, and clone them to keep a snapshot across training.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.namedParameters()) {
      out[name] = p;
    }
    return out;
  }

  /**
   * Python: `load_state_dict(state_dict, strict=True)`. Copies each value
   * into the parameter of the same name; the caller keeps ownership of
   * `stateDict`'s tensors. With `strict`, missing or unexpected keys throw
   * a `StateDictError` naming them all; a shape mismatch always throws.
   */
  loadStateDict(stateDict: StateDict, strict = true): IncompatibleKeys {
    const own = new Map(this.namedParameters());
    const missingKeys = [...own.keys()].filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !own.has(k));
    const problems: string[] = [];
    if (strict && unexpectedKeys.length > 0) {
      problems.push(
        `Unexpected key(s) in state_dict: ${quoteKeys(unexpectedKeys)}.`,
      );
    }
    if (strict && missingKeys.length > 0) {
      problems.push(
        `Missing key(s) in state_dict: ${quoteKeys(missingKeys)}.`,
      );
    }
    for (const [key, p] of own) {
      const value = stateDict[key];
      if (value !== undefined &&
        !tf.util.arraysEqual(value.shape, p.shape)) {
        problems.push(
          `size mismatch for ${key}: copying a param with shape ` +
            `[${value.shape.join(', ')}] from checkpoint, the shape in ` +
            `current model is [${p.shape.join(', ')}].`,
        );
      }
    }
    if (problems.length > 0) {
      throw new StateDictError(
        `Error(s) in loading state_dict for ${this.constructor.name}:\n\t` +
          problems.join('\n\t'),
        missingKeys,
        unexpectedKeys,
      );
    }
    tf.tidy(() => {
      for (const [key, p] of own) {
        const value = stateDict[key];
        // Loading a parameter onto itself is a no-op (and assign would
        // free the data it is about to share).
        if (value !== undefined && value !== p) {
          p.assign(value.dtype === p.dtype ? value : value.cast(p.dtype));
        }
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Frees every parameter and gradient of this module and below. */
  dispose(): void {
    for (const p of this.parameters()) {
      p.dispose();
    }
  }

  /**
   * Python: `extra_repr()`: the arguments shown between the parentheses
   * of this module's line in `toString()`.
   */
  extraRepr(): string {
    return '';
  }

  /** `console.log(module)` in Node prints the PyTorch printout too. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** PyTorch's module printout, such as `Linear(in_features=...)`. */
  toString(): string {
    const name = this.constructor.name;
    const extra = this.extraRepr();
    const children = this.namedChildren();
    if (children.length === 0) {
      return `${name}(${extra})`;
    }
    const lines = extra === '' ? [] : extra.split('\n');
    for (const [key, child] of children) {
      lines.push(`(${key}): ${indent(child.toString())}`);
    }
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/**
 * Module instances are callable: `model(x)` runs `forward(x)`. The call
 * signature is declared here, merged into the class.
 */
export interface Module {
  (...inputs: any[]): any;
}

/** Clears or zeroes the gradients of `params`. */
export function zeroGradients(
  params: readonly Parameter[],
  setToNone: boolean,
): void {
  for (const p of params) {
    if (p.grad === null) {
      continue;
    }
    if (setToNone) {
      p.grad.dispose();
      p.grad = null;
    } else {
      const zeros = tf.keep(tf.zerosLike(p.grad));
      p.grad.dispose();
      p.grad = zeros;
    }
  }
}

/** Throws a `ShapeError` unless `x` has `rank` (or one of the ranks). */
export function checkRank(
  x: tf.Tensor,
  ranks: readonly number[],
  owner: string,
): void {
  if (!(x instanceof tf.Tensor)) {
    throw new NotSupportedError(
      `${owner} expects a tfjs tensor as input; got ${typeof x}.`,
    );
  }
  if (!ranks.includes(x.rank)) {
    throw new ShapeError(
      `${owner} expects an input of rank ${ranks.join(' or ')}; got ` +
        `shape [${x.shape.join(', ')}].`,
      undefined,
      x.shape,
    );
  }
}

function indent(text: string): string {
  return text.split('\n').join('\n  ');
}

function quoteKeys(keys: readonly string[]): string {
  return keys.map((k) => `"${k}"`).join(', ');
}
