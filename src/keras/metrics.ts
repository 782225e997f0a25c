import * as tf from '@tensorflow/tfjs';
import { listChoices, optionError } from '../util/options.js';
import { callable } from './callable.js';
import { checkOptions, didYouMean, numberIn, text } from './option_specs.js';

/**
 * A Keras metric: `batchValue` is its mean over one batch; `fit` and
 * `evaluate` average it over the epoch weighted by batch size, which is
 * what Keras's stateful `Mean` metrics report.
 */
export abstract class Metric {
  /** Key in logs and History: `accuracy`, `val_accuracy`. */
  abstract readonly name: string;
  abstract perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
  batchValue(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mean(this.perSample(yTrue, yPred)) as tf.Scalar);
  }
}

function argmaxEquals(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.cast(tf.equal(a, b), 'float32');
}

/** Python: `keras.metrics.SparseCategoricalAccuracy()`. */
export class SparseCategoricalAccuracyMetric extends Metric {
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    checkOptions('SparseCategoricalAccuracy', options, { name: text });
    this.name = options.name ?? 'sparse_categorical_accuracy';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      argmaxEquals(
        tf.cast(tf.reshape(yTrue, [-1]), 'int32'),
        tf.argMax(yPred, -1),
      ));
  }
}

/** Python: `keras.metrics.CategoricalAccuracy()`. */
export class CategoricalAccuracyMetric extends Metric {
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    checkOptions('CategoricalAccuracy', options, { name: text });
    this.name = options.name ?? 'categorical_accuracy';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      argmaxEquals(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)));
  }
}

/** Python: `keras.metrics.BinaryAccuracy(threshold=0.5)`. */
export class BinaryAccuracyMetric extends Metric {
  readonly name: string;
  readonly threshold: number;
  constructor(options: { name?: string; threshold?: number } = {}) {
    super();
    checkOptions('BinaryAccuracy', options,
      { name: text, threshold: numberIn(0, 1) });
    this.name = options.name ?? 'binary_accuracy';
    this.threshold = options.threshold ?? 0.5;
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.reshape(tf.cast(yTrue, 'float32'), yPred.shape);
      const hit = argmaxEquals(
        tf.cast(tf.greater(yPred, this.threshold), 'float32'), y);
      return tf.mean(hit, -1);
    });
  }
}

/** Python: `keras.metrics.MeanSquaredError()`, string `'mse'`. */
export class MeanSquaredErrorMetric extends Metric {
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    checkOptions('MeanSquaredError', options, { name: text });
    this.name = options.name ?? 'mean_squared_error';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.reshape(tf.cast(yTrue, 'float32'), yPred.shape);
      return tf.mean(tf.squaredDifference(y, yPred), -1);
    });
  }
}

/** Python: `keras.metrics.MeanAbsoluteError()`, string `'mae'`. */
export class MeanAbsoluteErrorMetric extends Metric {
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    checkOptions('MeanAbsoluteError', options, { name: text });
    this.name = options.name ?? 'mean_absolute_error';
  }
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.reshape(tf.cast(yTrue, 'float32'), yPred.shape);
      return tf.mean(tf.abs(tf.sub(y, yPred)), -1);
    });
  }
}

export const SparseCategoricalAccuracy =
  callable(SparseCategoricalAccuracyMetric);
export const CategoricalAccuracy = callable(CategoricalAccuracyMetric);
export const BinaryAccuracy = callable(BinaryAccuracyMetric);
export const MeanSquaredError = callable(MeanSquaredErrorMetric);
export const MeanAbsoluteError = callable(MeanAbsoluteErrorMetric);

/** The metric strings `compile` accepts, in Python spelling. */
export const METRIC_NAMES = [
  'accuracy',
  'acc',
  'sparse_categorical_accuracy',
  'categorical_accuracy',
  'binary_accuracy',
  'mse',
  'mean_squared_error',
  'mae',
  'mean_absolute_error',
] as const;

/** What `compile({metrics})` accepts per entry. */
export type MetricIdentifier = string | Metric;

/** How `'accuracy'` is resolved, as Keras's `compile_utils.get_metric`. */
export interface AccuracyContext {
  /** Python name of the compiled loss. */
  lossName: string;
  /** Size of the model's last output axis. */
  outputUnits: number;
  /** Rank of the targets passed to fit/evaluate. */
  targetRank: number;
  /** Size of the targets' last axis. */
  targetUnits: number;
}

/**
 * A Python metric string or a `Metric` object to a `Metric`. `'accuracy'`
 * (and `'acc'`, logged under the name given) becomes binary accuracy for
 * binary crossentropy or one output unit, categorical accuracy for one-hot
 * targets, and sparse categorical accuracy otherwise, as in Keras.
 */
export function getMetric(
  identifier: unknown,
  context: AccuracyContext,
): Metric {
  if (identifier instanceof Metric) {
    return identifier;
  }
  switch (identifier) {
    case 'accuracy':
    case 'acc': {
      const name = identifier;
      if (context.lossName.includes('binary_crossentropy') ||
        context.outputUnits === 1) {
        return new BinaryAccuracyMetric({ name });
      }
      if (context.lossName.startsWith('sparse_')) {
        return new SparseCategoricalAccuracyMetric({ name });
      }
      if (context.targetRank > 1 &&
        context.targetUnits === context.outputUnits) {
        return new CategoricalAccuracyMetric({ name });
      }
      return new SparseCategoricalAccuracyMetric({ name });
    }
    case 'sparse_categorical_accuracy':
      return new SparseCategoricalAccuracyMetric();
    case 'categorical_accuracy':
      return new CategoricalAccuracyMetric();
    case 'binary_accuracy':
      return new BinaryAccuracyMetric();
    case 'mse':
    case 'mean_squared_error':
      return new MeanSquaredErrorMetric({ name: identifier });
    case 'mae':
    case 'mean_absolute_error':
      return new MeanAbsoluteErrorMetric({ name: identifier });
  }
  throw unknownMetric(identifier);
}

/** Refuses anything but a list of known strings and `Metric` objects. */
export function checkMetrics(metrics: unknown): void {
  if (metrics === undefined) {
    return;
  }
  if (!Array.isArray(metrics)) {
    throw optionError('metrics', 'compile',
      "a list such as ['accuracy']", metrics);
  }
  for (const m of metrics) {
    if (!(m instanceof Metric) &&
      !(METRIC_NAMES as readonly unknown[]).includes(m)) {
      throw unknownMetric(m);
    }
  }
}

function unknownMetric(identifier: unknown) {
  return optionError(
    'metrics',
    'compile',
    `a list of known metric names${didYouMean(identifier, METRIC_NAMES)}: ` +
      `${listChoices(METRIC_NAMES)}, or metrics.* objects`,
    identifier,
  );
}
