import * as tf from '@tensorflow/tfjs';
import { optionError } from '../../util/options.js';

/**
 * A trainable tensor, after `torch.nn.Parameter`. It *is* a `tf.Variable`
 * (use it directly in any tfjs op), with a `grad` that `backward` fills and
 * `zeroGrad` clears. Assigning one to a field of a `Module` registers it.
 *
 * Python: `nn.Parameter(data, requires_grad=True)`.
 */
export interface Parameter extends tf.Variable {
  /** Accumulated gradient, or null before the first `backward`. */
  grad: tf.Tensor | null;
  /**
   * Python: `requires_grad`; the variable's `trainable` flag. Setting it
   * to false freezes the parameter: `backward` leaves its `grad` as it is
   * (null after `zeroGrad`), so optimizers skip it, as in PyTorch.
   */
  requiresGrad: boolean;
}

interface ParameterConstructor {
  /**
   * @param data initial value, copied into a new variable.
   * @param requiresGrad whether `backward` computes its gradient.
   *   @default true
   */
  new (data: tf.Tensor, requiresGrad?: boolean): Parameter;
  (data: tf.Tensor, requiresGrad?: boolean): Parameter;
}

/** Every live parameter, so `backward` knows what to differentiate. */
const live = new Set<Parameter>();

/** Python: `nn.Parameter(data)`; callable with or without `new`. */
export const Parameter = function Parameter(
  data: tf.Tensor,
  requiresGrad = true,
): Parameter {
  const v = tf.variable(data, requiresGrad) as Parameter;
  Object.defineProperty(v, 'grad', {
    value: null,
    writable: true,
    enumerable: false,
  });
  Object.defineProperty(v, 'requiresGrad', {
    get(this: tf.Variable) {
      return this.trainable;
    },
    set(this: tf.Variable, value: unknown) {
      if (typeof value !== 'boolean') {
        throw optionError('requires_grad', 'Parameter', 'a boolean', value);
      }
      this.trainable = value;
    },
    enumerable: false,
  });
  const dispose = v.dispose.bind(v);
  v.dispose = () => {
    live.delete(v);
    v.grad?.dispose();
    v.grad = null;
    dispose();
  };
  live.add(v);
  return v;
} as unknown as ParameterConstructor;

Object.defineProperty(Parameter, Symbol.hasInstance, {
  value: (x: unknown) => isParameter(x),
});

export function isParameter(x: unknown): x is Parameter {
  return live.has(x as Parameter);
}

/** The parameters that currently require a gradient. */
export function trainableParameters(): Parameter[] {
  const out: Parameter[] = [];
  for (const p of live) {
    if (p.trainable && !p.isDisposed) {
      out.push(p);
    }
  }
  return out;
}
