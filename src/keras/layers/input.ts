import { optionError } from '../../util/options.js';
import { callable } from '../callable.js';
import {
  checkOptions,
  shape,
  text,
  type OptionTable,
} from '../option_specs.js';

export interface InputOptions {
  /** Shape of one sample, without the batch axis: `[784]`. */
  shape: number[];
  /** Python `name`. @default 'input_layer' */
  name?: string;
}

export const INPUT_OPTIONS: OptionTable = { shape, name: text };

/**
 * The declared input of a model, `keras.Input(shape=(784,))`. Put it first
 * in a `Sequential`; the model is then built at once.
 *
 * Differs from Keras: this is a placeholder for the shape, not a symbolic
 * tensor, so it cannot start a functional model.
 */
export class InputSpec {
  readonly shape: number[];
  readonly name: string;
  constructor(options: InputOptions | number[]) {
    const opts = Array.isArray(options) ? { shape: options } : options;
    checkOptions('Input', opts, INPUT_OPTIONS);
    if (opts.shape === undefined) {
      throw optionError('shape', 'Input', shape.expected, undefined);
    }
    this.shape = [...opts.shape];
    this.name = opts.name ?? 'input_layer';
  }
}

/** `keras.Input({shape: [784]})`, with or without `new`. */
export const Input = callable(InputSpec);
