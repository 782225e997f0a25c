import * as tf from '@tensorflow/tfjs';
import { NotSupportedError } from '../../errors.js';
import { optionError } from '../../util/options.js';
import { callable } from '../callable.js';
import {
  anything,
  checkOptions,
  numberIn,
  shape,
  type OptionTable,
} from '../option_specs.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

export interface DropoutOptions extends LayerOptions {
  /** Fraction of inputs to drop, in [0, 1). Python `rate`. */
  rate?: number;
  /** Shape of the dropout mask. Python `noise_shape`. @default null */
  noiseShape?: number[];
  /**
   * Not supported yet: tfjs reuses one mask for every step when a dropout
   * seed is fixed. Masks follow Math.random, so they are not seeded by
   * `utils.setRandomSeed`.
   */
  seed?: never;
}

const RATE = numberIn(0, 1, { highOpen: true });

export const DROPOUT_OPTIONS: OptionTable = {
  ...LAYER_OPTIONS,
  rate: RATE,
  noiseShape: shape,
  seed: anything,
};

/**
 * Sets a random fraction `rate` of inputs to 0 during training and scales
 * the rest by 1 / (1 - rate); does nothing at inference.
 *
 * Python: `keras.layers.Dropout(rate, noise_shape=None, seed=None)`.
 */
export class DropoutLayer extends Layer {
  readonly rate: number;
  readonly noiseShape: number[] | undefined;

  constructor(rate: number | DropoutOptions, options: DropoutOptions = {}) {
    const opts = typeof rate === 'object' ? rate : { ...options, rate };
    checkOptions('Dropout', opts, DROPOUT_OPTIONS);
    if (opts.rate === undefined) {
      throw optionError('rate', 'Dropout', RATE.expected, undefined);
    }
    if (opts.seed !== undefined) {
      // TODO: per-step seeded masks (needs our own dropout kernel).
      throw new NotSupportedError(
        "Dropout's 'seed' option is not supported yet; use " +
          'utils.setRandomSeed for the rest of the model.');
    }
    super('Dropout', opts);
    this.rate = opts.rate;
    this.noiseShape = opts.noiseShape;
  }

  protected createTfLayer(inputShape: number[] | undefined) {
    return tf.layers.dropout({
      name: this.name,
      rate: this.rate,
      ...(this.noiseShape === undefined
        ? {}
        : { noiseShape: this.noiseShape }),
      ...(inputShape === undefined ? {} : { inputShape }),
    });
  }

  protected pythonOptions() {
    return {
      rate: this.rate,
      ...(this.noiseShape === undefined
        ? {}
        : { noise_shape: this.noiseShape }),
    };
  }
}

/** `layers.Dropout(rate)`, with or without `new`. */
export const Dropout = callable(DropoutLayer);
