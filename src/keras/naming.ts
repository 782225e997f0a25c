/**
 * Keras's automatic names: the first `Dense` of a session is `dense`, the
 * next `dense_1`, then `dense_2`; the first model is `sequential`. Counters
 * are per base name and live until `clearSession()`, as in Keras
 * (`keras.src.backend.common.global_state`).
 */
const counters = new Map<string, number>();

/** The next automatic name for `base` (`dense`, `dense_1`, ...). */
export function uniqueName(base: string): string {
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Records an explicit name so automatic names do not reuse it. */
export function reserveName(name: string): void {
  const match = /^(.*?)(?:_(\d+))?$/.exec(name);
  if (match === null) {
    return;
  }
  const base = match[1]!;
  const index = match[2] === undefined ? 0 : Number(match[2]);
  if ((counters.get(base) ?? 0) <= index) {
    counters.set(base, index + 1);
  }
}

/**
 * Resets the automatic names, as `keras.backend.clear_session()` does.
 * Models built before keep their names.
 */
export function clearSession(): void {
  counters.clear();
}

/** `BatchNormalization` -> `batch_normalization`. */
export function snakeClassName(className: string): string {
  return className
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
