import * as tf from '@tensorflow/tfjs';
import {
  CategoricalCrossentropyLoss,
  SparseCategoricalCrossentropyLoss,
  type Loss,
} from './losses.js';
import {
  CategoricalAccuracyMetric,
  SparseCategoricalAccuracyMetric,
  type Metric,
} from './metrics.js';

/**
 * How `fit` and `evaluate` compute a batch's outputs, loss and metrics:
 * the plan is made once per call, then each step only runs tensors.
 *
 * NOTE [softmax logits]: when the model ends in a softmax (a `Dense` with
 * `activation: 'softmax'` or an `Activation('softmax')`) and the loss is
 * Keras's (sparse) categorical crossentropy on probabilities, the loss is
 * computed from the logits before the softmax, with tfjs's fused
 * `softmaxCrossEntropy`. Keras's TensorFlow backend does the same (the
 * softmax output carries its logits, `_keras_logits`, and the crossentropy
 * uses them), so results match Keras there; the probability path (divide
 * by the sum, clip to [1e-7, 1 - 1e-7], log) is used for every other
 * loss. Sparse labels are one-hot encoded once per `fit`, not per step.
 */
export interface BatchPlan {
  /** The targets as the loss wants them (one-hot for the fused path). */
  prepareTargets(y: tf.Tensor): tf.Tensor;
  /**
   * Loss (with the layers' penalties) and the model's output in the form
   * the metrics need. Call inside a tidy or a gradient scope.
   */
  run(x: tf.Tensor, y: tf.Tensor, training: boolean):
    { loss: tf.Scalar; output: tf.Tensor };
  /** The metrics of a batch, from `run`'s output. */
  metrics(y: tf.Tensor, output: tf.Tensor): tf.Scalar[];
}

/** The layers of a built model, in order. */
export interface PlanModel {
  layers: tf.layers.Layer[];
  calculateLosses(): tf.Scalar[];
}

export function makeBatchPlan(
  model: PlanModel,
  loss: Loss,
  metrics: Metric[],
  units: number,
): BatchPlan {
  const layers = model.layers;
  const last = layers.at(-1);
  const fused = fusedCrossentropy(loss, last);
  const hidden = fused === undefined || fused.logitsFrom === 'output'
    ? layers
    : layers.slice(0, -1);
  const penalties = (total: tf.Scalar) => {
    let sum: tf.Tensor = total;
    for (const penalty of model.calculateLosses()) {
      sum = tf.add(sum, penalty);
    }
    return sum as tf.Scalar;
  };
  const forward = (x: tf.Tensor, training: boolean) => {
    let h = x;
    for (const layer of hidden) {
      h = layer.apply(h, { training }) as tf.Tensor;
    }
    return h;
  };
  // Argmax metrics give the same on logits as on probabilities.
  const logitsSuffice = metrics.every((m) =>
    m.constructor === SparseCategoricalAccuracyMetric ||
    m.constructor === CategoricalAccuracyMetric);
  if (fused === undefined) {
    return {
      prepareTargets: (y) => y,
      run(x, y, training) {
        const output = forward(x, training);
        return { loss: penalties(loss.call(y, output)), output };
      },
      metrics: (y, output) => metrics.map((m) => m.batchValue(y, output)),
    };
  }
  const sparse = fused.sparse;
  return {
    prepareTargets: (y) => sparse
      ? tf.tidy(() => tf.oneHot(
        tf.cast(tf.reshape(y, [-1]), 'int32'), units).toFloat())
      : y,
    run(x, y, training) {
      const h = forward(x, training);
      const logits = fused.logitsFrom === 'dense'
        ? denseLogits(last!, h)
        : h;
      const ce = tf.losses.softmaxCrossEntropy(y, logits, undefined,
        fused.labelSmoothing, tf.Reduction.MEAN) as tf.Scalar;
      return {
        loss: penalties(ce),
        output: logitsSuffice || fused.logitsFrom === 'output'
          ? logits
          : tf.softmax(logits),
      };
    },
    // The metrics see the labels again, not their one-hot form.
    metrics: (y, output) => {
      if (metrics.length === 0) {
        return [];
      }
      const labels = sparse ? tf.argMax(y, -1) : y;
      return metrics.map((m) => m.batchValue(labels, output));
    },
  };
}

interface FusedPlan {
  sparse: boolean;
  labelSmoothing: number;
  /**
   * `dense`: the last layer is a softmax Dense, recomputed without its
   * activation; `activation`: the last layer is a softmax Activation,
   * skipped; `output`: the model already gives logits (`fromLogits`).
   */
  logitsFrom: 'dense' | 'activation' | 'output';
}

/** The fused softmax-crossentropy plan, when it gives Keras's result. */
function fusedCrossentropy(
  loss: Loss,
  last: tf.layers.Layer | undefined,
): FusedPlan | undefined {
  let sparse: boolean;
  let labelSmoothing = 0;
  let fromLogits: boolean;
  if (loss.constructor === SparseCategoricalCrossentropyLoss) {
    sparse = true;
    fromLogits = (loss as SparseCategoricalCrossentropyLoss).fromLogits;
  } else if (loss.constructor === CategoricalCrossentropyLoss) {
    const l = loss as CategoricalCrossentropyLoss;
    sparse = false;
    fromLogits = l.fromLogits;
    labelSmoothing = l.labelSmoothing;
  } else {
    return undefined;
  }
  if (last === undefined) {
    return undefined;
  }
  if (fromLogits) {
    return { sparse, labelSmoothing, logitsFrom: 'output' };
  }
  const config = last.getConfig();
  // A penalty on the output (a plain tfjs layer's) needs the real call.
  if (config['activation'] !== 'softmax' ||
    config['activityRegularizer'] != null) {
    return undefined;
  }
  const className = last.getClassName();
  if (className === 'Activation') {
    return { sparse, labelSmoothing, logitsFrom: 'activation' };
  }
  if (className === 'Dense' && last.weights.length >= 1 &&
    last.weights.length <= 2) {
    return { sparse, labelSmoothing, logitsFrom: 'dense' };
  }
  return undefined;
}

/** A softmax Dense layer's pre-activation output. */
function denseLogits(layer: tf.layers.Layer, h: tf.Tensor): tf.Tensor {
  const [kernel, bias] = layer.weights;
  const x = h.rank === 2 ? h : tf.reshape(h, [-1, h.shape.at(-1)!]);
  const out = tf.fused.matMul({
    a: x as tf.Tensor2D,
    b: kernel!.read() as tf.Tensor2D,
    ...(bias === undefined ? {} : { bias: bias.read() }),
  });
  return h.rank === 2 ? out : tf.reshape(out, [...h.shape.slice(0, -1), -1]);
}

/**
 * Sums of the loss and metrics weighted by batch size, kept on the
 * backend; `means` reads them (one read for all values).
 */
export class DeviceMeans {
  /** A scalar for the loss alone, else a vector. */
  private totals: tf.Tensor | undefined;
  private seen = 0;

  /** Adds one batch's `[loss, ...metrics]` (batch means) of `size`. */
  add(values: tf.Scalar[], size: number): void {
    const next = tf.tidy(() => {
      const batch = tf.mul(values.length === 1
        ? values[0]!
        : tf.stack(values), size);
      return this.totals === undefined
        ? batch
        : tf.add(this.totals, batch);
    });
    this.totals?.dispose();
    // Kept: `add` may run inside the caller's tidy.
    this.totals = tf.keep(next);
    this.seen += size;
  }

  /** Samples added so far. */
  get count(): number {
    return this.seen;
  }

  /** The means so far, in the order given to `add`. */
  means(): number[] {
    if (this.totals === undefined) {
      return [];
    }
    return Array.from(this.totals.dataSync(), (v) => v / this.seen);
  }

  dispose(): void {
    this.totals?.dispose();
    this.totals = undefined;
  }
}
