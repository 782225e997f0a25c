import { ConfigError, describeValue } from '../errors.js';
import {
  listChoices,
  nearest,
  optionError,
  toCamelCase,
  toSnakeCase,
} from '../util/options.js';

/**
 * One option of a Keras-style class: what values it accepts, in words (for
 * messages) and as a test. Every class of the facade declares its options
 * as a table of these, so the TypeScript constructors and the config runner
 * validate with the same rules and word their messages the same way.
 */
export interface OptionSpec {
  /** Allowed values in words: "a positive integer". */
  expected: string;
  test(value: unknown): boolean;
  /** Known names, for a "did you mean" hint on a near miss. */
  choices?: readonly string[];
}

/** `expected`, with a hint when `value` is close to one of the choices. */
function expectedFor(spec: OptionSpec, value: unknown): string {
  const hint = spec.choices === undefined
    ? ''
    : didYouMean(value, spec.choices);
  return hint === '' ? spec.expected : `${spec.expected}${hint}`;
}

/** Option tables are keyed by the camelCase name. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

export const positiveInt: OptionSpec = {
  expected: 'a positive integer',
  test: (v) => Number.isInteger(v) && (v as number) > 0,
};

export const nonNegativeInt: OptionSpec = {
  expected: 'an integer >= 0',
  test: (v) => Number.isInteger(v) && (v as number) >= 0,
};

export const bool: OptionSpec = {
  expected: 'true or false',
  test: (v) => typeof v === 'boolean',
};

export const text: OptionSpec = {
  expected: 'a non-empty string',
  test: (v) => typeof v === 'string' && v.length > 0,
};

export const shape: OptionSpec = {
  expected: 'a list of positive integers such as [784]',
  test: (v) =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((d) => Number.isInteger(d) && d > 0),
};

/** A finite number in a range; `open` ends exclude the bound. */
export function numberIn(
  low: number,
  high: number,
  { lowOpen = false, highOpen = false } = {},
): OptionSpec {
  const left = lowOpen ? '(' : '[';
  const right = highOpen ? ')' : ']';
  const lo = low === -Infinity ? '-inf' : String(low);
  const hi = high === Infinity ? 'inf' : String(high);
  return {
    expected: `a number in the range ${left}${lo}, ${hi}${right}`,
    test: (v) =>
      typeof v === 'number' &&
      !Number.isNaN(v) &&
      (lowOpen ? v > low : v >= low) &&
      (highOpen ? v < high : v <= high),
  };
}

export const positiveNumber = numberIn(0, Infinity, { lowOpen: true });
export const nonNegativeNumber = numberIn(0, Infinity);

export function oneOf(choices: readonly unknown[]): OptionSpec {
  return {
    expected: `one of ${listChoices(choices)}`,
    test: (v) => choices.includes(v),
    choices: choices.filter((c): c is string => typeof c === 'string'),
  };
}

/** Accepts what `a` or `b` accepts. */
export function either(a: OptionSpec, b: OptionSpec): OptionSpec {
  return {
    expected: `${a.expected} or ${b.expected}`,
    test: (v) => a.test(v) || b.test(v),
  };
}

/** Anything; the owner checks it further. */
export const anything: OptionSpec = { expected: 'any value', test: () => true };

/**
 * Checks TypeScript options (camelCase keys) against a table and throws
 * `OptionError` naming the option, the owner, what is allowed and what was
 * received. `undefined` values count as absent.
 */
export function checkOptions(
  owner: string,
  given: object | undefined,
  table: OptionTable,
): void {
  if (given === undefined || given === null) {
    return;
  }
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw optionError('options', owner, 'an object of options', given);
  }
  const known = Object.keys(table);
  for (const [key, value] of Object.entries(given)) {
    const spec = table[key];
    if (spec === undefined) {
      const guess = nearest(key, known);
      const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
      throw optionError(
        key,
        owner,
        `a known option${hint}; known options are ${listChoices(known)}`,
        value,
      );
    }
    if (value !== undefined && !spec.test(value)) {
      throw optionError(key, owner, expectedFor(spec, value), value);
    }
  }
}

/**
 * Config-file form of `checkOptions`: keys in the Python spelling, errors
 * as `ConfigError` whose message starts with the full key path.
 * Returns the options with camelCase keys.
 */
export function checkSection(
  path: string,
  given: unknown,
  table: OptionTable,
  what: string,
): Record<string, unknown> {
  if (given === undefined || given === null) {
    return {};
  }
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw configError(path, `must be a mapping of ${what} options; got ` +
      `${describeValue(given)}`);
  }
  const pythonKnown = Object.keys(table).map(pythonName);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    const camel = toCamelCase(key);
    const spec = table[camel];
    if (spec === undefined) {
      const guess = nearest(key, pythonKnown);
      const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
      throw configError(
        `${path}.${key}`,
        `unknown key for ${what}${hint}; known keys are ` +
          listChoices(pythonKnown),
      );
    }
    if (!spec.test(value)) {
      throw configError(
        `${path}.${key}`,
        `must be ${expectedFor(spec, value)}; got ${describeValue(value)}`,
      );
    }
    out[camel] = value;
  }
  return out;
}

const PYTHON_NAMES: Record<string, string> = {
  beta1: 'beta_1',
  beta2: 'beta_2',
};

/** Python spelling of a camelCase option: `beta1` -> `beta_1`. */
export function pythonName(camel: string): string {
  return PYTHON_NAMES[camel] ?? toSnakeCase(camel);
}

/** A `ConfigError` whose message starts with the key path. */
export function configError(path: string, message: string): ConfigError {
  return new ConfigError(`${path}: ${message}.`, undefined, path);
}

/** ` (did you mean 'adam'?)` when a string is close to a known name. */
export function didYouMean(received: unknown, known: readonly string[]) {
  if (typeof received !== 'string') {
    return '';
  }
  const guess = nearest(received, known);
  return guess === undefined ? '' : ` (did you mean '${guess}'?)`;
}
