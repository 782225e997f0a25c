import * as tf from '@tensorflow/tfjs';
import { NotFittedError } from '../../errors.js';
import { bool, shape, text, type OptionTable } from '../option_specs.js';
import { reserveName, snakeClassName, uniqueName } from '../naming.js';

/** Options every layer accepts. */
export interface LayerOptions {
  /**
   * Layer name; automatic names follow Keras (`dense`, `dense_1`, ...).
   * Python `name`.
   */
  name?: string;
  /**
   * Shape of one sample, without the batch axis, for the first layer of a
   * Sequential. Python `input_shape`. Keras 3 prefers `Input({shape})`.
   */
  inputShape?: number[];
  /** Whether the layer's weights are trained. @default true */
  trainable?: boolean;
}

export const LAYER_OPTIONS: OptionTable = {
  name: text,
  inputShape: shape,
  trainable: bool,
};

/**
 * A Keras-style layer. It holds its Keras configuration and creates the
 * tfjs layer that does the work when its model is built; weights live in
 * that tfjs layer.
 */
export abstract class Layer {
  readonly name: string;
  readonly inputShape: number[] | undefined;
  readonly trainable: boolean;
  private tfLayer: tf.layers.Layer | undefined;

  protected constructor(
    /** Python class name: `Dense`. */
    readonly className: string,
    options: LayerOptions,
  ) {
    if (options.name === undefined) {
      this.name = uniqueName(snakeClassName(className));
    } else {
      this.name = options.name;
      reserveName(options.name);
    }
    this.inputShape = options.inputShape;
    this.trainable = options.trainable ?? true;
  }

  /**
   * Creates the tfjs layer; `inputShape` is set for a first layer.
   * `incoming` is the shape the layer will receive, batch axis (`null`)
   * first, for a layer whose tfjs counterpart depends on it.
   */
  protected abstract createTfLayer(
    inputShape: number[] | undefined,
    incoming: (number | null)[],
  ): tf.layers.Layer;

  /** The layer's own options in Python spelling (without name/shape). */
  protected abstract pythonOptions(): Record<string, unknown>;

  /**
   * The layer as a config-file entry: `{type: 'Dense', units: 128, ...}`.
   * Used for saved metadata and to rebuild the facade after loading.
   */
  getConfig(): Record<string, unknown> {
    return {
      type: this.className,
      name: this.name,
      ...(this.inputShape === undefined
        ? {}
        : { input_shape: this.inputShape }),
      ...(this.trainable ? {} : { trainable: false }),
      ...this.pythonOptions(),
    };
  }

  /**
   * The tfjs layer, created once, for inputs of shape `incoming` (batch
   * axis first). @internal
   */
  toTfLayer(
    inputShape: number[] | undefined,
    incoming: (number | null)[],
  ): tf.layers.Layer {
    if (this.tfLayer === undefined) {
      this.tfLayer = this.createTfLayer(inputShape, incoming);
      this.tfLayer.trainable = this.trainable;
    }
    return this.tfLayer;
  }

  /**
   * Forgets a tfjs layer that its model refused, so the layer can be
   * added to another model. @internal
   */
  detach(): void {
    this.tfLayer = undefined;
  }

  /** Uses an existing tfjs layer (a loaded model's). @internal */
  attach(tfLayer: tf.layers.Layer): void {
    this.tfLayer = tfLayer;
  }

  /** True once the layer has weights (its model is built). */
  get built(): boolean {
    return this.tfLayer !== undefined && this.tfLayer.built;
  }

  /** The tfjs layer behind this one; throws before the model is built. */
  get tf(): tf.layers.Layer {
    if (this.tfLayer === undefined) {
      throw new NotFittedError(`layer '${this.name}'`, 'build');
    }
    return this.tfLayer;
  }

  /** Output shape with `null` for the batch axis, e.g. `[null, 128]`. */
  get outputShape(): (number | null)[] {
    return this.tf.outputShape as (number | null)[];
  }

  /** Number of weights (trainable and not). Python `count_params()`. */
  countParams(): number {
    return this.built ? this.tf.countParams() : 0;
  }

  /**
   * Copies of the weights (kernel, bias, ...). The caller disposes them.
   * Python `get_weights()` (which returns numpy arrays).
   */
  getWeights(): tf.Tensor[] {
    return this.tf.getWeights().map((w) => w.clone());
  }

  /** Python `set_weights(weights)`. */
  setWeights(weights: tf.Tensor[]): void {
    this.tf.setWeights(weights);
  }
}
