import { OptionError, describeValue } from '../errors.js';

/**
 * The one place option messages are built, so every facade words them the
 * same way: which option, of which owner, what is allowed, what was received.
 */
export function optionError(
  option: string,
  owner: string,
  expected: string,
  received: unknown,
): OptionError {
  return new OptionError(option, owner, expected, received);
}

/** `'a', 'b' or 'c'` for use in "must be one of ..." messages. */
export function listChoices(choices: readonly unknown[]): string {
  const quoted = choices.map((c) => describeValue(c));
  if (quoted.length <= 1) {
    return quoted.join('');
  }
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/**
 * The candidate closest to `name`, if close enough: first one that holds
 * every `_`-separated word of `name` in order (`sparse_crossentropy` ->
 * `sparse_categorical_crossentropy`), else the nearest by edit distance.
 */
export function nearest(
  name: string,
  candidates: readonly string[],
): string | undefined {
  const lower = name.toLowerCase();
  const words = lower.split(/[_\s-]+/).filter((w) => w !== '');
  if (words.length > 1) {
    const holding = candidates.filter((c) => holdsInOrder(c.toLowerCase(),
      words));
    if (holding.length > 0) {
      return holding.reduce((a, b) => (a.length <= b.length ? a : b));
    }
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function holdsInOrder(text: string, words: readonly string[]): boolean {
  let from = 0;
  for (const word of words) {
    const at = text.indexOf(word, from);
    if (at < 0) {
      return false;
    }
    from = at + word.length;
  }
  return true;
}

/**
 * Throws an `OptionError` for the first key of `given` that is not in
 * `known`, suggesting the nearest known key.
 */
export function checkKnownKeys(
  given: Record<string, unknown>,
  known: readonly string[],
  owner: string,
): void {
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      const guess = nearest(key, known);
      const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
      throw new OptionError(
        key,
        owner,
        `a known option${hint}; known options are ${listChoices(known)}`,
        given[key],
      );
    }
  }
}

/** camelCase to snake_case: `hiddenLayerSizes` -> `hidden_layer_sizes`. */
export function toSnakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** snake_case to camelCase: `hidden_layer_sizes` -> `hiddenLayerSizes`. */
export function toCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) {
    prev[j] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(
        prev[j]! + 1,
        prev[j - 1]! + 1,
        diag + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** A `{...}` object literal (not a Map, an array or a class instance). */
export function isPlainObject(
  value: unknown,
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
