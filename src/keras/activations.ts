import { listChoices, optionError } from '../util/options.js';
import { didYouMean } from './option_specs.js';

/**
 * Keras activation names and the tfjs identifier for each. tfjs accepts
 * most Python names as they are; `silu` is tfjs's `swish`.
 */
const ACTIVATIONS = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hardSigmoid',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  tanh: 'tanh',
  swish: 'swish',
  silu: 'swish',
  mish: 'mish',
  gelu: 'gelu',
} as const;

export type ActivationName = keyof typeof ACTIVATIONS;
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

export const activationSpec = {
  expected: `one of ${listChoices(ACTIVATION_NAMES)} or null`,
  test: (v: unknown) =>
    v === null || (typeof v === 'string' && v in ACTIVATIONS),
  choices: ACTIVATION_NAMES,
};

/**
 * The tfjs identifier for a Keras activation name; `null`/`undefined` is
 * `linear` as in Keras.
 */
export function tfActivation(
  name: string | null | undefined,
  owner: string,
): (typeof ACTIVATIONS)[ActivationName] {
  if (name === null || name === undefined) {
    return 'linear';
  }
  const found = ACTIVATIONS[name as ActivationName];
  if (found === undefined) {
    throw optionError(
      'activation',
      owner,
      `a known activation${didYouMean(name, ACTIVATION_NAMES)}: ` +
        listChoices(ACTIVATION_NAMES),
      name,
    );
  }
  return found;
}
