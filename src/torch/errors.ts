import { TrioError } from '../errors.js';

/**
 * `loadStateDict` met keys or shapes it cannot load. Python: the
 * `RuntimeError` of `load_state_dict`, with the same wording.
 */
export class StateDictError extends TrioError {
  constructor(
    message: string,
    readonly missingKeys: readonly string[],
    readonly unexpectedKeys: readonly string[],
  ) {
    super(message);
  }
}
