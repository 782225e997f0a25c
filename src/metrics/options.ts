import { NotSupportedError } from '../errors.js';
import { checkKnownKeys, optionError } from '../util/options.js';

/**
 * Checks a metric's options object: a plain object (or undefined) whose
 * keys are all known. `sampleWeight` is named as not supported yet.
 */
export function readOptions<T extends object>(
  options: T | undefined,
  known: readonly string[],
  owner: string,
): Partial<T> {
  if (options === undefined || options === null) {
    return {};
  }
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw optionError('options', owner, 'an object', options);
  }
  const record = options as Record<string, unknown>;
  if ('sampleWeight' in record || 'sample_weight' in record) {
    // TODO: sample weights (scikit-learn's sample_weight) in every metric.
    throw new NotSupportedError(
      `${owner}: the 'sampleWeight' option (scikit-learn's ` +
        "'sample_weight') is not supported yet.",
    );
  }
  checkKnownKeys(record, known, owner);
  return options;
}

/** Python's `zero_division`: what a 0/0 metric becomes. */
export type ZeroDivision = 'warn' | 0 | 1;

/** Checks `zeroDivision` against what scikit-learn 1.2 accepts. */
export function checkZeroDivision(
  value: unknown,
  owner: string,
): ZeroDivision {
  if (value === undefined) {
    return 'warn';
  }
  if (value === 'warn' || value === 0 || value === 1) {
    return value;
  }
  if (typeof value === 'number' && Number.isNaN(value)) {
    // TODO: zero_division=np.nan, added in scikit-learn 1.3.
    throw new NotSupportedError(
      `${owner}: zeroDivision NaN (scikit-learn 1.3) is not supported ` +
        "yet; use 'warn', 0 or 1.",
    );
  }
  throw optionError('zeroDivision', owner, "'warn', 0 or 1", value);
}
