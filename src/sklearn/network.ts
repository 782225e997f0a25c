import * as tf from '@tensorflow/tfjs';
import type { RandomState } from '../util/random.js';
import type { Activation } from './options.js';

/** The output activation scikit-learn picks by task. */
export type OutActivation = 'softmax' | 'logistic';

/** float32 machine epsilon: the clip of `log_loss` on float32 data. */
export const EPS32 = 1.1920928955078125e-7;

/** The trainable state of a perceptron: one (coef, intercept) per layer. */
export interface Params {
  coefs: tf.Variable[];
  intercepts: tf.Variable[];
}

/**
 * scikit-learn's `_init_coef` for every layer in turn: coef then
 * intercept drawn `uniform(-b, b)` with b = sqrt(factor / (fanIn +
 * fanOut)), factor 2 for logistic and 6 otherwise, from `rs` in row-major
 * order, then rounded to float32.
 */
export function initParams(
  units: readonly number[],
  activation: Activation,
  rs: RandomState,
): Params {
  const factor = activation === 'logistic' ? 2 : 6;
  const coefs: tf.Variable[] = [];
  const intercepts: tf.Variable[] = [];
  for (let i = 0; i + 1 < units.length; i++) {
    const fanIn = units[i]!;
    const fanOut = units[i + 1]!;
    const bound = Math.sqrt(factor / (fanIn + fanOut));
    const w = new Float32Array(fanIn * fanOut);
    rs.fillUniform(w, -bound, bound);
    const b = new Float32Array(fanOut);
    rs.fillUniform(b, -bound, bound);
    coefs.push(toVariable(tf.tensor2d(w, [fanIn, fanOut])));
    intercepts.push(toVariable(tf.tensor1d(b)));
  }
  return { coefs, intercepts };
}

/** Variables holding copies of the given arrays (coef [in, out]). */
export function paramsFrom(
  coefs: readonly { data: Float32Array; rows: number; cols: number }[],
  intercepts: readonly Float32Array[],
): Params {
  return {
    coefs: coefs.map((c) => toVariable(
      tf.tensor2d(c.data, [c.rows, c.cols]))),
    intercepts: intercepts.map((b) => toVariable(tf.tensor1d(b))),
  };
}

/** A variable that takes over `t` (which is disposed). */
export function toVariable<R extends tf.Rank>(
  t: tf.Tensor<R>,
  trainable = true,
): tf.Variable<R> {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

export function disposeParams(p: Params | undefined): void {
  if (p !== undefined) {
    tf.dispose([...p.coefs, ...p.intercepts]);
  }
}

/** The list scikit-learn packs: coefs first, then intercepts. */
export function paramList(p: Params): tf.Variable[] {
  return [...p.coefs, ...p.intercepts];
}

export function hidden(z: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'identity':
      return z;
    case 'logistic':
      return tf.sigmoid(z);
    case 'tanh':
      return tf.tanh(z);
    case 'relu':
      return tf.relu(z);
  }
}

/**
 * The last layer's pre-activation for `x`, given weights as a flat list
 * (coefs then intercepts, `nLayers - 1` of each). Each layer is one
 * fused product + bias (+ relu) kernel; logistic and tanh follow it.
 */
export function logits(
  x: tf.Tensor2D,
  weights: readonly tf.Tensor[],
  activation: Activation,
): tf.Tensor2D {
  const n = weights.length / 2;
  let a: tf.Tensor2D = x;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const z = tf.fused.matMul({
      a,
      b: weights[i] as tf.Tensor2D,
      bias: weights[n + i]!,
      activation: !last && activation === 'relu' ? 'relu' : 'linear',
    }) as tf.Tensor2D;
    a = last || activation === 'relu'
      ? z
      : (hidden(z, activation) as tf.Tensor2D);
  }
  return a;
}

/** Output probabilities: softmax rows, or the logistic of one column. */
export function outputs(z: tf.Tensor2D, out: OutActivation): tf.Tensor2D {
  return out === 'softmax' ? tf.softmax(z) : tf.sigmoid(z);
}

/**
 * scikit-learn's log-loss of the outputs (clipped to [eps, 1 - eps]),
 * averaged over rows, with the gradient scikit-learn back-propagates:
 * (p - y) / n on the logits, whatever the clip did.
 */
export function logLossOnLogits(out: OutActivation) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const n = z.shape[0]!;
    const p = outputs(z as tf.Tensor2D, out);
    const c = tf.clipByValue(p, EPS32, 1 - EPS32);
    let sum = tf.sum(tf.mul(y, tf.log(c)));
    if (out === 'logistic') {
      sum = tf.add(sum, tf.sum(tf.mul(tf.sub(1, y), tf.log(tf.sub(1, c)))));
    }
    save([p, y]);
    return {
      value: tf.div(tf.neg(sum), n),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ps, ys] = saved as [tf.Tensor, tf.Tensor];
        return [tf.mul(dy, tf.div(tf.sub(ps, ys), n)), tf.zerosLike(ys)];
      },
    };
  });
}

/**
 * The objective scikit-learn minimises on one batch: log-loss plus
 * 0.5 * alpha * sum(||W||^2) / n_batch (coefs only).
 */
export function objective(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  weights: readonly tf.Tensor[],
  activation: Activation,
  out: OutActivation,
  alpha: number,
): tf.Scalar {
  const n = x.shape[0];
  const z = logits(x, weights, activation);
  const loss = logLossOnLogits(out)(z, y) as tf.Scalar;
  if (alpha === 0) {
    return loss;
  }
  const coefs = weights.slice(0, weights.length / 2);
  const squares = tf.addN(coefs.map((w) => tf.sum(tf.square(w))));
  return tf.add(loss, tf.mul(squares, (0.5 * alpha) / n));
}

/**
 * `objective`'s value and its gradient for each of `weights`, with the L2
 * term's gradient added by hand ((alpha / n) * W, coefs only) instead of
 * differentiated: the same numbers as autodiff of `objective` (tfjs's
 * backward of sum(square(W)) * c is c * (2 * W), and 2 * c = alpha / n
 * exactly in binary floating point), in two kernels per coef instead of
 * five (autodiff broadcasts c with a `ones` tensor and multiplies twice).
 */
export function objectiveAndGrads(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  weights: readonly tf.Tensor[],
  activation: Activation,
  out: OutActivation,
  alpha: number,
): { value: tf.Scalar; grads: tf.Tensor[] } {
  const lossOf = (...w: tf.Tensor[]) =>
    logLossOnLogits(out)(logits(x, w, activation), y) as tf.Scalar;
  const { value, grads } = tf.valueAndGrads(lossOf)([...weights]);
  if (alpha === 0) {
    return { value: value as tf.Scalar, grads };
  }
  const n = x.shape[0];
  const nCoefs = weights.length / 2;
  const coefs = weights.slice(0, nCoefs);
  const squares = tf.addN(coefs.map((w) => tf.sum(tf.square(w))));
  const total = tf.add(value, tf.mul(squares, (0.5 * alpha) / n));
  const decay = tf.scalar(alpha / n);
  return {
    value: total as tf.Scalar,
    grads: grads.map((g, i) =>
      i < nCoefs ? tf.add(g, tf.mul(weights[i]!, decay)) : g),
  };
}
