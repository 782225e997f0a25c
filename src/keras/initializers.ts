import * as tf from '@tensorflow/tfjs';
import { listChoices, optionError } from '../util/options.js';
import { didYouMean } from './option_specs.js';

/**
 * Keras's truncated-normal initialisers divide the standard deviation by
 * this constant (the std of a unit normal truncated at two sigmas), tfjs's
 * do not; passing scale / c^2 to tfjs gives Keras's distribution.
 */
const TRUNCATION_CORRECTION = 0.8796256610342398;

const NAMES = [
  'glorot_uniform',
  'glorot_normal',
  'he_uniform',
  'he_normal',
  'lecun_uniform',
  'lecun_normal',
  'zeros',
  'ones',
  'random_uniform',
  'random_normal',
  'truncated_normal',
] as const;

export type InitializerName = (typeof NAMES)[number];
export const INITIALIZER_NAMES: readonly string[] = NAMES;

/** What layers accept for `kernelInitializer` and friends. */
export type InitializerIdentifier = InitializerName | TfInitializer;

/** tfjs's `Initializer` class (not exported by name from tfjs). */
export type TfInitializer = ReturnType<typeof tf.initializers.ones>;

function isTfInitializer(v: unknown): v is TfInitializer {
  return typeof v === 'object' && v !== null &&
    typeof (v as TfInitializer).apply === 'function' &&
    typeof (v as TfInitializer).getClassName === 'function';
}

export const initializerSpec = {
  expected: `one of ${listChoices(NAMES)} or a tf.initializers object`,
  test: (v: unknown) =>
    isTfInitializer(v) ||
    (NAMES as readonly unknown[]).includes(v),
  choices: NAMES,
};

/**
 * A Keras initialiser name to a tfjs initialiser with Keras's distribution
 * and defaults (`random_normal` std 0.05, `random_uniform` +-0.05).
 * `seed` comes from `utils.setRandomSeed` when set.
 */
export function tfInitializer(
  identifier: InitializerIdentifier,
  option: string,
  owner: string,
  seed: number | undefined,
): TfInitializer {
  if (isTfInitializer(identifier)) {
    return identifier;
  }
  const s = seed === undefined ? {} : { seed };
  const c2 = TRUNCATION_CORRECTION ** 2;
  switch (identifier) {
    case 'glorot_uniform':
      return tf.initializers.glorotUniform(s);
    case 'glorot_normal':
      return tf.initializers.varianceScaling({
        scale: 1 / c2, mode: 'fanAvg', distribution: 'normal', ...s,
      });
    case 'he_uniform':
      return tf.initializers.heUniform(s);
    case 'he_normal':
      return tf.initializers.varianceScaling({
        scale: 2 / c2, mode: 'fanIn', distribution: 'normal', ...s,
      });
    case 'lecun_uniform':
      return tf.initializers.leCunUniform(s);
    case 'lecun_normal':
      return tf.initializers.varianceScaling({
        scale: 1 / c2, mode: 'fanIn', distribution: 'normal', ...s,
      });
    case 'zeros':
      return tf.initializers.zeros();
    case 'ones':
      return tf.initializers.ones();
    case 'random_uniform':
      return tf.initializers.randomUniform({
        minval: -0.05, maxval: 0.05, ...s,
      });
    case 'random_normal':
      return tf.initializers.randomNormal({ mean: 0, stddev: 0.05, ...s });
    case 'truncated_normal':
      return tf.initializers.truncatedNormal({
        mean: 0, stddev: 0.05, ...s,
      });
  }
  throw optionError(
    option,
    owner,
    `a known initializer${didYouMean(identifier, NAMES)}: ` +
      listChoices(NAMES),
    identifier,
  );
}

/** Python name of an initialiser identifier, for saved metadata. */
export function initializerName(identifier: InitializerIdentifier): string {
  return typeof identifier === 'string'
    ? identifier
    : identifier.getClassName();
}
