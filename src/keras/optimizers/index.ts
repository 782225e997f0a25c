import * as tf from '@tensorflow/tfjs';
import { listChoices, optionError } from '../../util/options.js';
import { didYouMean } from '../option_specs.js';
import { Adam, AdamOptimizer, type AdamOptions } from './adam.js';
import { KerasOptimizer } from './optimizer.js';
import { RMSprop, RMSpropOptimizer, type RMSpropOptions } from './rmsprop.js';
import { SGD, SGDOptimizer, type SGDOptions } from './sgd.js';

export {
  Adam,
  AdamOptimizer,
  KerasOptimizer,
  RMSprop,
  RMSpropOptimizer,
  SGD,
  SGDOptimizer,
};
export type { AdamOptions, RMSpropOptions, SGDOptions };

/** The optimizer strings `compile` accepts, as in Keras. */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop'] as const;

/** Class names accepted in configs (`{type: Adam, learning_rate: ...}`). */
export const OPTIMIZER_CLASSES = {
  Adam: AdamOptimizer,
  SGD: SGDOptimizer,
  RMSprop: RMSpropOptimizer,
} as const;

/** What `compile({optimizer})` accepts. */
export type OptimizerIdentifier =
  | (typeof OPTIMIZER_NAMES)[number]
  | tf.Optimizer;

/**
 * A Python optimizer string (`'adam'`, `'sgd'`, `'rmsprop'`, any case) to a
 * fresh optimizer with Keras's defaults; an optimizer object passes
 * through. Unknown names are refused with the known ones listed.
 */
export function getOptimizer(identifier: unknown): tf.Optimizer {
  if (identifier instanceof tf.Optimizer) {
    return identifier;
  }
  if (typeof identifier === 'string') {
    switch (identifier.toLowerCase()) {
      case 'adam':
        return new AdamOptimizer();
      case 'sgd':
        return new SGDOptimizer();
      case 'rmsprop':
        return new RMSpropOptimizer();
    }
  }
  throw optionError(
    'optimizer',
    'compile',
    `a known optimizer name${didYouMean(identifier, OPTIMIZER_NAMES)}: ` +
      `${listChoices(OPTIMIZER_NAMES)}, or an optimizer object such as ` +
      'optimizers.Adam({learningRate: 0.001})',
    identifier,
  );
}

/** Python config of an optimizer, for saved metadata. */
export function optimizerConfig(optimizer: tf.Optimizer): unknown {
  if (optimizer instanceof KerasOptimizer) {
    return { type: optimizer.kerasName, ...optimizer.pythonConfig() };
  }
  return { type: optimizer.getClassName(), ...optimizer.getConfig() };
}
