import * as tf from '@tensorflow/tfjs';
import { optionError } from '../../util/options.js';
import { activationSpec, tfActivation } from '../activations.js';
import { callable } from '../callable.js';
import { checkOptions, type OptionTable } from '../option_specs.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

export interface ActivationOptions extends LayerOptions {
  /** Activation name. Python `activation`; may be the first argument. */
  activation?: string;
}

export const ACTIVATION_OPTIONS: OptionTable = {
  ...LAYER_OPTIONS,
  activation: activationSpec,
};

/**
 * Applies an activation function to its input.
 *
 * Python: `keras.layers.Activation(activation)`.
 */
export class ActivationLayer extends Layer {
  readonly activation: string;

  constructor(
    activation: string | ActivationOptions,
    options: ActivationOptions = {},
  ) {
    const opts = typeof activation === 'object'
      ? activation
      : { ...options, activation };
    checkOptions('Activation', opts, ACTIVATION_OPTIONS);
    if (typeof opts.activation !== 'string') {
      throw optionError('activation', 'Activation', activationSpec.expected,
        opts.activation);
    }
    tfActivation(opts.activation, 'Activation');
    super('Activation', opts);
    this.activation = opts.activation;
  }

  protected createTfLayer(inputShape: number[] | undefined) {
    return tf.layers.activation({
      name: this.name,
      activation: tfActivation(this.activation, 'Activation'),
      ...(inputShape === undefined ? {} : { inputShape }),
    });
  }

  protected pythonOptions() {
    return { activation: this.activation };
  }
}

/** `layers.Activation('relu')`, with or without `new`. */
export const Activation = callable(ActivationLayer);
