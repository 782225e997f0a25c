import * as tf from '@tensorflow/tfjs';
import { listChoices, optionError } from '../util/options.js';
import { callable } from './callable.js';
import {
  bool,
  checkOptions,
  didYouMean,
  numberIn,
  text,
  type OptionTable,
} from './option_specs.js';

/** Keras's `backend.epsilon()`: probabilities are clipped to [eps, 1-eps]. */
export const EPSILON = 1e-7;

/**
 * A Keras loss: `call(yTrue, yPred)` gives the mean over the batch
 * (Keras's default reduction `sum_over_batch_size`).
 */
export abstract class Loss {
  /** Python name, e.g. `sparse_categorical_crossentropy`. */
  abstract readonly name: string;
  /** Python class name, e.g. `SparseCategoricalCrossentropy`. */
  abstract readonly className: string;
  /** Per-sample losses, shape [batch]. */
  abstract perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
  /** Python config, for saved metadata. */
  abstract pythonConfig(): Record<string, unknown>;

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mean(this.perSample(yTrue, yPred)) as tf.Scalar);
  }
}

export interface CrossentropyOptions {
  /** `yPred` holds logits rather than probabilities. @default false */
  fromLogits?: boolean;
  /** Python `name`. */
  name?: string;
}

export interface SmoothedCrossentropyOptions extends CrossentropyOptions {
  /** Label smoothing in [0, 1]. @default 0 */
  labelSmoothing?: number;
}

export const CROSSENTROPY_OPTIONS: OptionTable = {
  fromLogits: bool,
  name: text,
};
export const SMOOTHED_OPTIONS: OptionTable = {
  ...CROSSENTROPY_OPTIONS,
  labelSmoothing: numberIn(0, 1),
};

/** Keras normalises probabilities to sum 1, then clips to [eps, 1-eps]. */
function logProbabilities(yPred: tf.Tensor, fromLogits: boolean) {
  if (fromLogits) {
    return tf.logSoftmax(yPred);
  }
  const p = tf.div(yPred, tf.sum(yPred, -1, true));
  return tf.log(tf.clipByValue(p, EPSILON, 1 - EPSILON));
}

/**
 * Crossentropy with integer labels `yTrue` (shape [batch] or [batch, 1])
 * against probabilities `yPred` [batch, classes].
 *
 * Python: `keras.losses.SparseCategoricalCrossentropy(from_logits=False)`,
 * string `'sparse_categorical_crossentropy'`.
 */
export class SparseCategoricalCrossentropyLoss extends Loss {
  readonly className = 'SparseCategoricalCrossentropy';
  readonly name: string;
  readonly fromLogits: boolean;
  constructor(options: CrossentropyOptions = {}) {
    super();
    checkOptions('SparseCategoricalCrossentropy', options,
      CROSSENTROPY_OPTIONS);
    this.fromLogits = options.fromLogits ?? false;
    this.name = options.name ?? 'sparse_categorical_crossentropy';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const classes = yPred.shape[yPred.rank - 1]!;
      const labels = tf.cast(tf.reshape(yTrue, [-1]), 'int32');
      const oneHot = tf.oneHot(labels, classes);
      const logP = logProbabilities(yPred, this.fromLogits);
      return tf.neg(tf.sum(tf.mul(oneHot, logP), -1));
    });
  }
  pythonConfig() {
    return { name: this.name, from_logits: this.fromLogits };
  }
}

/**
 * Crossentropy with one-hot (or soft) labels.
 *
 * Python: `keras.losses.CategoricalCrossentropy(from_logits=False,
 * label_smoothing=0.0)`, string `'categorical_crossentropy'`.
 */
export class CategoricalCrossentropyLoss extends Loss {
  readonly className = 'CategoricalCrossentropy';
  readonly name: string;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(options: SmoothedCrossentropyOptions = {}) {
    super();
    checkOptions('CategoricalCrossentropy', options, SMOOTHED_OPTIONS);
    this.fromLogits = options.fromLogits ?? false;
    this.labelSmoothing = options.labelSmoothing ?? 0;
    this.name = options.name ?? 'categorical_crossentropy';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let y = tf.cast(yTrue, 'float32');
      if (this.labelSmoothing > 0) {
        const classes = yPred.shape[yPred.rank - 1]!;
        y = tf.add(tf.mul(y, 1 - this.labelSmoothing),
          this.labelSmoothing / classes);
      }
      const logP = logProbabilities(yPred, this.fromLogits);
      return tf.neg(tf.sum(tf.mul(y, logP), -1));
    });
  }
  pythonConfig() {
    return {
      name: this.name,
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
    };
  }
}

/** `yTrue` of shape [batch] against `yPred` [batch, 1] is reshaped. */
function alignTarget(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const y = tf.cast(yTrue, 'float32');
  return y.size === yPred.size && y.rank !== yPred.rank
    ? tf.reshape(y, yPred.shape)
    : y;
}

/**
 * Binary crossentropy, averaged over the last axis.
 *
 * Python: `keras.losses.BinaryCrossentropy(from_logits=False,
 * label_smoothing=0.0)`, string `'binary_crossentropy'`.
 */
export class BinaryCrossentropyLoss extends Loss {
  readonly className = 'BinaryCrossentropy';
  readonly name: string;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(options: SmoothedCrossentropyOptions = {}) {
    super();
    checkOptions('BinaryCrossentropy', options, SMOOTHED_OPTIONS);
    this.fromLogits = options.fromLogits ?? false;
    this.labelSmoothing = options.labelSmoothing ?? 0;
    this.name = options.name ?? 'binary_crossentropy';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let y = alignTarget(yTrue, yPred);
      if (this.labelSmoothing > 0) {
        y = tf.add(tf.mul(y, 1 - this.labelSmoothing),
          0.5 * this.labelSmoothing);
      }
      let each: tf.Tensor;
      if (this.fromLogits) {
        // max(x, 0) - x y + log(1 + exp(-|x|)), the stable form.
        each = tf.add(tf.sub(tf.relu(yPred), tf.mul(yPred, y)),
          tf.log1p(tf.exp(tf.neg(tf.abs(yPred)))));
      } else {
        const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
        each = tf.neg(tf.add(tf.mul(y, tf.log(p)),
          tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
      }
      return tf.mean(each, -1);
    });
  }
  pythonConfig() {
    return {
      name: this.name,
      from_logits: this.fromLogits,
      label_smoothing: this.labelSmoothing,
    };
  }
}

/**
 * Mean of squared errors over the last axis.
 *
 * Python: `keras.losses.MeanSquaredError()`, strings `'mse'`,
 * `'mean_squared_error'`.
 */
export class MeanSquaredErrorLoss extends Loss {
  readonly className = 'MeanSquaredError';
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    checkOptions('MeanSquaredError', options, { name: text });
    this.name = options.name ?? 'mean_squared_error';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      tf.mean(tf.squaredDifference(alignTarget(yTrue, yPred), yPred), -1));
  }
  pythonConfig() {
    return { name: this.name };
  }
}

/**
 * Mean of absolute errors over the last axis.
 *
 * Python: `keras.losses.MeanAbsoluteError()`, strings `'mae'`,
 * `'mean_absolute_error'`.
 */
export class MeanAbsoluteErrorLoss extends Loss {
  readonly className = 'MeanAbsoluteError';
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    checkOptions('MeanAbsoluteError', options, { name: text });
    this.name = options.name ?? 'mean_absolute_error';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      tf.mean(tf.abs(tf.sub(alignTarget(yTrue, yPred), yPred)), -1));
  }
  pythonConfig() {
    return { name: this.name };
  }
}

export const SparseCategoricalCrossentropy =
  callable(SparseCategoricalCrossentropyLoss);
export const CategoricalCrossentropy = callable(CategoricalCrossentropyLoss);
export const BinaryCrossentropy = callable(BinaryCrossentropyLoss);
export const MeanSquaredError = callable(MeanSquaredErrorLoss);
export const MeanAbsoluteError = callable(MeanAbsoluteErrorLoss);

const LOSS_STRINGS = {
  sparse_categorical_crossentropy: () =>
    new SparseCategoricalCrossentropyLoss(),
  categorical_crossentropy: () => new CategoricalCrossentropyLoss(),
  binary_crossentropy: () => new BinaryCrossentropyLoss(),
  mse: () => new MeanSquaredErrorLoss(),
  mean_squared_error: () => new MeanSquaredErrorLoss(),
  mae: () => new MeanAbsoluteErrorLoss(),
  mean_absolute_error: () => new MeanAbsoluteErrorLoss(),
} as const;

/** The loss strings `compile` accepts, in Python spelling. */
export const LOSS_NAMES = Object.keys(LOSS_STRINGS) as readonly string[];

/** Class names accepted in configs (`{type: ..., from_logits: true}`). */
export const LOSS_CLASSES = {
  SparseCategoricalCrossentropy: SparseCategoricalCrossentropyLoss,
  CategoricalCrossentropy: CategoricalCrossentropyLoss,
  BinaryCrossentropy: BinaryCrossentropyLoss,
  MeanSquaredError: MeanSquaredErrorLoss,
  MeanAbsoluteError: MeanAbsoluteErrorLoss,
} as const;

/** A user loss function: per-sample or mean losses from targets and outputs. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** What `compile({loss})` accepts. */
export type LossIdentifier = string | Loss | LossFunction;

class FunctionLoss extends Loss {
  readonly className = 'Function';
  constructor(
    private readonly fn: LossFunction,
    readonly name: string,
  ) {
    super();
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return this.fn(yTrue, yPred);
  }
  pythonConfig() {
    return { name: this.name };
  }
}

/**
 * A Python loss string, a `Loss` object or a function to a `Loss`.
 * Unknown strings are refused with the known ones listed.
 */
export function getLoss(identifier: unknown): Loss {
  if (identifier instanceof Loss) {
    return identifier;
  }
  if (typeof identifier === 'function') {
    const fn = identifier as LossFunction;
    return new FunctionLoss(fn, fn.name === '' ? 'loss' : fn.name);
  }
  if (typeof identifier === 'string' && identifier in LOSS_STRINGS) {
    return LOSS_STRINGS[identifier as keyof typeof LOSS_STRINGS]();
  }
  throw optionError(
    'loss',
    'compile',
    `a known loss name${didYouMean(identifier, LOSS_NAMES)}: ` +
      `${listChoices(LOSS_NAMES)}, a losses.* object or a function`,
    identifier,
  );
}
