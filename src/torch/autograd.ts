import * as tf from '@tensorflow/tfjs';
import { TrioError } from '../errors.js';
import { trainableParameters, type Parameter } from './nn/parameter.js';

/**
 * Runs the forward pass `fn`, computes the gradient of the scalar it
 * returns with respect to every parameter it used, and adds each gradient
 * to that parameter's `grad` (so gradients accumulate until `zeroGrad`).
 * Returns the loss, computed once. Parameters whose `requiresGrad` is
 * false are constants here. If `fn` throws, every tensor of the forward
 * pass is freed before the error propagates.
 *
 * Python: `loss = fn(); loss.backward()`. tfjs records operations for
 * differentiation only inside a function it runs, so the forward pass and
 * the loss go in a closure:
 *
 * @example
 * optimizer.zeroGrad();
 * const lossValue = torch.backward(() => loss(model(x), y));
 * optimizer.step();
 * totalLoss += torch.item(lossValue);
 */
export function backward(fn: () => tf.Tensor): tf.Scalar {
  const params = trainableParameters();
  if (params.length === 0) {
    throw new TrioError(
      'backward() found no parameter that requires a gradient; create ' +
        'the model before calling it, and do not freeze every parameter.',
    );
  }
  const { value, grads } = freeTapeOnThrow(() => tf.variableGrads(() => {
    const out = fn();
    if (!(out instanceof tf.Tensor) || out.rank !== 0) {
      throw new TrioError(
        'grad can be implicitly created only for scalar outputs: the ' +
          'function given to backward() must return a scalar loss; got ' +
          (out instanceof tf.Tensor
            ? `a tensor of shape [${out.shape.join(', ')}].`
            : `${typeof out}.`),
      );
    }
    return out as tf.Scalar;
  }, params));
  for (const p of params) {
    const g = grads[p.name];
    if (g !== undefined && g !== null) {
      accumulate(p, g);
    }
  }
  return value;
}

/**
 * Runs `fn` (a `variableGrads` call) in a tidy scope and, if it throws,
 * frees what the forward pass saved for the backward pass.
 */
function freeTapeOnThrow<T extends tf.TensorContainer>(fn: () => T): T {
  try {
    // The tidy frees the forward pass's tensors on a throw; on success
    // it keeps the returned loss and gradients.
    return tf.tidy(fn);
  } catch (err) {
    // NOTE [tape-on-throw]: tfjs keeps (tf.keep) the tensors each
    // recorded op saves for its gradient and frees them only after a
    // successful backward pass; when the forward pass throws they stay
    // on the engine's tape. Free them, unless an enclosing gradient
    // computation still owns the tape.
    const state = tf.engine().state as unknown as {
      gradientDepth: number;
      activeTape: { saved?: tf.Tensor[] }[] | null;
    };
    if (state.gradientDepth === 0 && state.activeTape !== null) {
      for (const node of state.activeTape) {
        tf.dispose(node.saved ?? []);
      }
      state.activeTape = null;
    }
    throw err;
  }
}

/** Adds `g` to `p.grad`, keeping the sum past any enclosing scope. */
function accumulate(p: Parameter, g: tf.Tensor): void {
  if (p.grad === null) {
    p.grad = tf.keep(g);
    return;
  }
  const sum = tf.keep(tf.add(p.grad, g));
  p.grad.dispose();
  g.dispose();
  p.grad = sum;
}

/**
 * Runs `fn` without recording it for differentiation and frees every
 * tensor it made except those it returns. Python: `with torch.no_grad():`.
 * `fn` must be synchronous.
 *
 * Outside `backward` nothing is recorded anyway, so this only scopes the
 * memory of an evaluation loop. Inside a `backward` closure, what `fn`
 * returns is a constant for the gradient, as in PyTorch.
 */
export function noGrad<T extends tf.TensorContainer>(fn: () => T): T {
  // NOTE [no-grad]: tfjs records an op for differentiation only while
  // its engine's public `state.gradientDepth` is above 0 (inside
  // tf.grads / variableGrads); holding it at 0 turns recording off.
  const state = tf.engine().state;
  const depth = state.gradientDepth;
  state.gradientDepth = 0;
  try {
    return tf.tidy(fn);
  } finally {
    state.gradientDepth = depth;
  }
}
