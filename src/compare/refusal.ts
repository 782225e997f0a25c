import * as path from 'node:path';
import type { ComparisonConfig } from '../config/comparison_config.js';
import { ConfigError } from '../errors.js';

/** One config key that cannot work, found before anything ran. */
export interface Problem {
  /** Key path such as `models[1].layers[0].input_shape`. */
  path: string;
  /** What is wrong, ending with a full stop. */
  message: string;
}

/**
 * Throws one `ConfigError` for every problem found, so the user fixes
 * them all in one go: one problem reads `key: message`; several follow
 * `summary` one a line. Does nothing when `problems` is empty.
 */
export function refuse(
  problems: readonly Problem[],
  config: ComparisonConfig,
  summary: string,
): void {
  const [first] = problems;
  if (first === undefined) {
    return;
  }
  const message = problems.length === 1
    ? `${first.path}: ${first.message}`
    : [`${summary}:`, ...problems.map((p) => `  ${p.path}: ${p.message}`)]
      .join('\n');
  const file = config.file === undefined ? undefined : shownPath(config.file);
  throw new ConfigError(message, file, first.path);
}

/**
 * `absolute` as the user would type it from where trio runs: relative
 * when it is below the working folder, else absolute (a path that climbs
 * with `..` breaks as soon as the user changes folder).
 */
export function shownPath(absolute: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, absolute);
  return relative === '' || relative.startsWith('..') ||
    path.isAbsolute(relative)
    ? absolute
    : relative;
}
