/** `keras.utils` and `keras.backend` helpers. */
export { setRandomSeed } from './random_seed.js';
export { clearSession } from './naming.js';
