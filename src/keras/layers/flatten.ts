import * as tf from '@tensorflow/tfjs';
import { callable } from '../callable.js';
import { checkOptions } from '../option_specs.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

/**
 * Flattens each sample to one axis: (batch, 28, 28) -> (batch, 784). An
 * input that is already (batch, n) passes through unchanged, as in Keras 3.
 *
 * Differs from Keras: tfjs's Flatten refuses inputs of rank 2, so for
 * them the tfjs model holds a `Reshape` to `[n]` (the identity) named
 * like this layer; plain `tf.loadLayersModel` reads it as a Reshape.
 *
 * Python: `keras.layers.Flatten()`.
 */
export class FlattenLayer extends Layer {
  constructor(options: LayerOptions = {}) {
    checkOptions('Flatten', options, LAYER_OPTIONS);
    super('Flatten', options);
  }

  protected createTfLayer(
    inputShape: number[] | undefined,
    incoming: (number | null)[],
  ) {
    const first = inputShape === undefined ? {} : { inputShape };
    const units = incoming[1];
    if (incoming.length === 2 && typeof units === 'number') {
      // NOTE [rank-2 Flatten]: tfjs's Flatten needs rank 3 or more.
      return tf.layers.reshape({
        targetShape: [units],
        name: this.name,
        ...first,
      });
    }
    return tf.layers.flatten({ name: this.name, ...first });
  }

  protected pythonOptions() {
    return {};
  }
}

/** `layers.Flatten()`, with or without `new`. */
export const Flatten = callable(FlattenLayer);
