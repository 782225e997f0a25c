import * as tf from '@tensorflow/tfjs';
import { callable } from '../callable.js';
import { checkOptions } from '../option_specs.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

/**
 * Flattens each sample to one axis: (batch, 28, 28) -> (batch, 784).
 *
 * Python: `keras.layers.Flatten()`.
 */
export class FlattenLayer extends Layer {
  constructor(options: LayerOptions = {}) {
    checkOptions('Flatten', options, LAYER_OPTIONS);
    super('Flatten', options);
  }

  protected createTfLayer(inputShape: number[] | undefined) {
    return tf.layers.flatten({
      name: this.name,
      ...(inputShape === undefined ? {} : { inputShape }),
    });
  }

  protected pythonOptions() {
    return {};
  }
}

/** `layers.Flatten()`, with or without `new`. */
export const Flatten = callable(FlattenLayer);
