import * as tf from '@tensorflow/tfjs';
import { NotSupportedError } from '../../errors.js';
import { activationSpec, tfActivation } from '../activations.js';
import { callable } from '../callable.js';
import {
  initializerName,
  initializerSpec,
  tfInitializer,
  type InitializerIdentifier,
} from '../initializers.js';
import {
  anything,
  bool,
  checkOptions,
  positiveInt,
  type OptionTable,
} from '../option_specs.js';
import { optionError } from '../../util/options.js';
import { nextSeed } from '../random_seed.js';
import {
  regularizerConfig,
  regularizerSpec,
  tfRegularizer,
  type RegularizerIdentifier,
} from '../regularizers.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

export interface DenseOptions extends LayerOptions {
  /** Output size. Python `units`; may also be the first argument. */
  units?: number;
  /** Activation name, `null` for none (linear). @default null */
  activation?: string | null;
  /** Add a bias vector. Python `use_bias`. @default true */
  useBias?: boolean;
  /**
   * Kernel initialiser. Python `kernel_initializer`.
   * @default 'glorot_uniform' (Keras's; differs from tfjs's glorotNormal)
   */
  kernelInitializer?: InitializerIdentifier;
  /** Bias initialiser. Python `bias_initializer`. @default 'zeros' */
  biasInitializer?: InitializerIdentifier;
  /** Penalty on the kernel. Python `kernel_regularizer`. @default null */
  kernelRegularizer?: RegularizerIdentifier | null;
  /** Penalty on the bias. Python `bias_regularizer`. @default null */
  biasRegularizer?: RegularizerIdentifier | null;
  /** Not supported yet. Python `kernel_constraint`. */
  kernelConstraint?: never;
  /** Not supported yet. Python `bias_constraint`. */
  biasConstraint?: never;
}

export const DENSE_OPTIONS: OptionTable = {
  ...LAYER_OPTIONS,
  units: positiveInt,
  activation: activationSpec,
  useBias: bool,
  kernelInitializer: initializerSpec,
  biasInitializer: initializerSpec,
  kernelRegularizer: regularizerSpec,
  biasRegularizer: regularizerSpec,
  kernelConstraint: anything,
  biasConstraint: anything,
};

/**
 * A densely connected layer: `output = activation(input . kernel + bias)`,
 * kernel of shape (input_dim, units).
 *
 * ```ts
 * layers.Dense(128, {activation: 'relu', inputShape: [784]})
 * ```
 * Python: `keras.layers.Dense(units, activation=None, use_bias=True,
 * kernel_initializer='glorot_uniform', bias_initializer='zeros',
 * kernel_regularizer=None, bias_regularizer=None)`.
 */
export class DenseLayer extends Layer {
  readonly units: number;
  readonly activation: string | null;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerIdentifier;
  readonly biasInitializer: InitializerIdentifier;
  readonly kernelRegularizer: RegularizerIdentifier | null;
  readonly biasRegularizer: RegularizerIdentifier | null;

  constructor(units: number | DenseOptions, options: DenseOptions = {}) {
    const opts = typeof units === 'object' ? units : { ...options, units };
    checkOptions('Dense', opts, DENSE_OPTIONS);
    if (opts.units === undefined) {
      throw optionError('units', 'Dense', positiveInt.expected, undefined);
    }
    for (const key of ['kernelConstraint', 'biasConstraint'] as const) {
      if (opts[key] !== undefined) {
        // TODO: constraints (max_norm, non_neg, ...).
        throw new NotSupportedError(
          `Dense's '${key}' option is not supported yet.`);
      }
    }
    tfActivation(opts.activation, 'Dense');
    super('Dense', opts);
    this.units = opts.units;
    this.activation = opts.activation ?? null;
    this.useBias = opts.useBias ?? true;
    this.kernelInitializer = opts.kernelInitializer ?? 'glorot_uniform';
    this.biasInitializer = opts.biasInitializer ?? 'zeros';
    this.kernelRegularizer = opts.kernelRegularizer ?? null;
    this.biasRegularizer = opts.biasRegularizer ?? null;
  }

  protected createTfLayer(inputShape: number[] | undefined) {
    return tf.layers.dense({
      name: this.name,
      units: this.units,
      activation: tfActivation(this.activation, 'Dense'),
      useBias: this.useBias,
      kernelInitializer: tfInitializer(this.kernelInitializer,
        'kernelInitializer', 'Dense', nextSeed()),
      biasInitializer: tfInitializer(this.biasInitializer,
        'biasInitializer', 'Dense', nextSeed()),
      kernelRegularizer: tfRegularizer(this.kernelRegularizer,
        'kernelRegularizer', 'Dense'),
      biasRegularizer: tfRegularizer(this.biasRegularizer,
        'biasRegularizer', 'Dense'),
      ...(inputShape === undefined ? {} : { inputShape }),
    });
  }

  protected pythonOptions() {
    return {
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: initializerName(this.kernelInitializer),
      bias_initializer: initializerName(this.biasInitializer),
      kernel_regularizer: regularizerConfig(this.kernelRegularizer),
      bias_regularizer: regularizerConfig(this.biasRegularizer),
    };
  }
}

/** `layers.Dense(units, {...})`, with or without `new`. */
export const Dense = callable(DenseLayer);
