import type * as tf from '@tensorflow/tfjs';
import { NotSupportedError } from '../../errors.js';
import { Module } from './module.js';

/**
 * A chain of modules, each fed the previous one's output.
 * Python: `nn.Sequential(*modules)`; the sub-modules are named '0', '1',
 * ... so state dict keys read `0.weight`, `2.bias` as in PyTorch.
 *
 * @example
 * const model = new nn.Sequential(
 *   new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) {
        throw new NotSupportedError(
          `Sequential takes modules; argument ${i} is ${typeof m}.`,
        );
      }
      (this as unknown as Record<string, Module>)[String(i)] = m;
    });
  }

  /** Python: `len(seq)`. */
  override get length(): number {
    return this.children().length;
  }

  /** Python: `seq[i]`; negative indices count from the end. */
  at(index: number): Module | undefined {
    return this.children().at(index);
  }

  /** Python: `append(module)`. Returns `this`. */
  append(module: Module): this {
    (this as unknown as Record<string, Module>)[String(this.length)] = module;
    return this;
  }

  override forward(x: tf.Tensor): tf.Tensor {
    let out = x;
    for (const m of this.children()) {
      out = m(out);
    }
    return out;
  }
}
