import type * as tf from '@tensorflow/tfjs';
import { Layer } from './layer.js';

/**
 * A tfjs layer from a model that was not built by this facade (a plain
 * tfjs model loaded with `models.loadModel`): it shows in `summary()` and
 * trains, but has no Keras options of its own.
 */
export class WrappedLayer extends Layer {
  constructor(tfLayer: tf.layers.Layer) {
    super(tfLayer.getClassName(), { name: tfLayer.name });
    this.attach(tfLayer);
  }

  /**
   * The tfjs layer's own activation (`'linear'` for a Dense layer of a
   * torch model, whose output is logits), or undefined for a layer that
   * has none; `save` reads it to mark the model's output kind.
   */
  get activation(): string | undefined {
    const config = this.tf.getConfig() as { activation?: unknown };
    return typeof config.activation === 'string'
      ? config.activation : undefined;
  }

  protected createTfLayer(): tf.layers.Layer {
    return this.tf;
  }

  protected pythonOptions() {
    return {};
  }
}
