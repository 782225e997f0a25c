import { RandomState } from '../util/random.js';
import { optionError } from '../util/options.js';

/**
 * The facade's global random state, set by `utils.setRandomSeed(n)` as
 * `keras.utils.set_random_seed(n)` sets Python's, numpy's and the backend's
 * generators. Weight initialisers and fit's shuffling draw their seeds from
 * it, so two runs after the same `setRandomSeed` train identically on the
 * same backend.
 */
let state: RandomState | undefined;

/**
 * Seeds every random draw of the Keras facade.
 *
 * Python: `keras.utils.set_random_seed(seed)`.
 * Differs from Keras: Dropout masks still come from tfjs's unseeded
 * generator (tfjs reuses one mask when a dropout seed is fixed).
 * @param seed an integer in [0, 2^32).
 */
export function setRandomSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw optionError('seed', 'setRandomSeed', 'an integer in [0, 2^32)',
      seed);
  }
  state = new RandomState(seed);
}

/** A fresh seed drawn from the global state, or undefined when unseeded. */
export function nextSeed(): number | undefined {
  return state?.nextUint32();
}

/** A generator for shuffling: seeded from the global state when set. */
export function shuffleGenerator(): RandomState {
  const seed = nextSeed();
  return new RandomState(seed);
}

/** Forgets the global seed (tests use this to restore the default). */
export function unsetRandomSeed(): void {
  state = undefined;
}
