import { checkKnownKeys, optionError } from '../util/options.js';

/**
 * Refuses an options argument that is not an object, or that holds a key
 * `owner` does not know (naming the nearest known key), as PyTorch's
 * "got an unexpected keyword argument" does.
 */
export function checkOptionKeys(
  options: unknown,
  known: readonly string[],
  owner: string,
): void {
  if (typeof options !== 'object' || options === null ||
      Array.isArray(options)) {
    throw optionError('options', owner,
      `an object with any of ${known.join(', ')}`, options);
  }
  checkKnownKeys(options as Record<string, unknown>, known, owner);
}
