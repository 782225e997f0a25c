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

/**
 * The default collate could not put a batch's samples together: a sample
 * of a type it does not take, or samples whose shapes, lengths, keys or
 * types differ. Python: the `RuntimeError` / `TypeError` of
 * `default_collate`, whose wording the message keeps.
 */
export class CollateError extends TrioError {
  constructor(
    message: string,
    /** The batch's number in its epoch, from 0; undefined outside a loader. */
    readonly batch: number | undefined,
    /** The offending sample's position in the batch, from 0. */
    readonly entry: number,
    /** Its index in the dataset; undefined outside a loader. */
    readonly index: number | undefined,
    /** Where in the sample, in Python notation: `[0]`, `['x']` or ``. */
    readonly field: string,
  ) {
    super(message);
  }
}

/**
 * An optimizer's `loadStateDict` met a state dict it cannot load: other
 * parameter groups, or state that does not fit a parameter. Python: the
 * `ValueError` of `Optimizer.load_state_dict`, whose wording the message
 * keeps where PyTorch checks the same thing.
 */
export class OptimizerStateError extends TrioError {
  constructor(
    message: string,
    /** The parameter's index in the state dict, when one is at fault. */
    readonly paramIndex: number | undefined,
  ) {
    super(message);
  }
}
