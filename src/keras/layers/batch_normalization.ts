import * as tf from '@tensorflow/tfjs';
import { callable } from '../callable.js';
import {
  initializerName,
  initializerSpec,
  tfInitializer,
  type InitializerIdentifier,
} from '../initializers.js';
import {
  bool,
  checkOptions,
  numberIn,
  positiveNumber,
  type OptionTable,
} from '../option_specs.js';
import { nextSeed } from '../random_seed.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

export interface BatchNormalizationOptions extends LayerOptions {
  /** Feature axis. @default -1 */
  axis?: number;
  /** Moving-average momentum, in [0, 1]. @default 0.99 */
  momentum?: number;
  /** Added to the variance. @default 0.001 */
  epsilon?: number;
  /** Learn an offset beta. @default true */
  center?: boolean;
  /** Learn a scale gamma. @default true */
  scale?: boolean;
  /** Python `beta_initializer`. @default 'zeros' */
  betaInitializer?: InitializerIdentifier;
  /** Python `gamma_initializer`. @default 'ones' */
  gammaInitializer?: InitializerIdentifier;
  /** Python `moving_mean_initializer`. @default 'zeros' */
  movingMeanInitializer?: InitializerIdentifier;
  /** Python `moving_variance_initializer`. @default 'ones' */
  movingVarianceInitializer?: InitializerIdentifier;
}

export const BATCH_NORMALIZATION_OPTIONS: OptionTable = {
  ...LAYER_OPTIONS,
  axis: { expected: 'an integer', test: (v) => Number.isInteger(v) },
  momentum: numberIn(0, 1),
  epsilon: positiveNumber,
  center: bool,
  scale: bool,
  betaInitializer: initializerSpec,
  gammaInitializer: initializerSpec,
  movingMeanInitializer: initializerSpec,
  movingVarianceInitializer: initializerSpec,
};

/**
 * Normalises each feature with the batch mean and variance in training
 * and with their moving averages at inference.
 *
 * Python: `keras.layers.BatchNormalization(axis=-1, momentum=0.99,
 * epsilon=0.001, center=True, scale=True)`.
 */
export class BatchNormalizationLayer extends Layer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: InitializerIdentifier;
  readonly gammaInitializer: InitializerIdentifier;
  readonly movingMeanInitializer: InitializerIdentifier;
  readonly movingVarianceInitializer: InitializerIdentifier;

  constructor(options: BatchNormalizationOptions = {}) {
    checkOptions('BatchNormalization', options, BATCH_NORMALIZATION_OPTIONS);
    super('BatchNormalization', options);
    this.axis = options.axis ?? -1;
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 0.001;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    this.betaInitializer = options.betaInitializer ?? 'zeros';
    this.gammaInitializer = options.gammaInitializer ?? 'ones';
    this.movingMeanInitializer = options.movingMeanInitializer ?? 'zeros';
    this.movingVarianceInitializer =
      options.movingVarianceInitializer ?? 'ones';
  }

  protected createTfLayer(inputShape: number[] | undefined) {
    const init = (id: InitializerIdentifier, option: string) =>
      tfInitializer(id, option, 'BatchNormalization', nextSeed());
    return tf.layers.batchNormalization({
      name: this.name,
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: init(this.betaInitializer, 'betaInitializer'),
      gammaInitializer: init(this.gammaInitializer, 'gammaInitializer'),
      movingMeanInitializer: init(this.movingMeanInitializer,
        'movingMeanInitializer'),
      movingVarianceInitializer: init(this.movingVarianceInitializer,
        'movingVarianceInitializer'),
      ...(inputShape === undefined ? {} : { inputShape }),
    });
  }

  protected pythonOptions() {
    return {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializerName(this.betaInitializer),
      gamma_initializer: initializerName(this.gammaInitializer),
      moving_mean_initializer: initializerName(this.movingMeanInitializer),
      moving_variance_initializer:
        initializerName(this.movingVarianceInitializer),
    };
  }
}

/** `layers.BatchNormalization()`, with or without `new`. */
export const BatchNormalization = callable(BatchNormalizationLayer);
