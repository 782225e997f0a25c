import { DELIMITER_RULE, isDelimiter } from '../data/csv.js';
import { OptionError } from '../errors.js';

/** The part of a yargs instance the checks read. */
interface OptionsView {
  getOptions(): { boolean: string[] };
}

/**
 * A yargs middleware that refuses, for every command, the flag values
 * yargs reads too leniently, naming the flag:
 *
 * - a boolean flag given a value other than `true` or `false`: yargs reads
 *   `--proba=maybe` (and `--proba=1`, `--proba=TRUE`) as false;
 * - an empty `--label` (a bare `--label`);
 * - a `--delimiter` that is not one character other than a quote or a
 *   line end (a bare `--delimiter` gives '').
 *
 * @param raw The command line as typed, without node and the script.
 */
export function flagChecks(raw: readonly string[]) {
  // yargs passes itself as the second argument (its types omit it).
  return (argv: Record<string, unknown>, y?: unknown): void => {
    const command = (argv['_'] as unknown[] | undefined)?.[0];
    const owner = ownerOf(command);
    const booleans = new Set(
      (y as OptionsView | undefined)?.getOptions().boolean ?? []);
    // Only `--flag=value` can give a boolean flag a value: a separate
    // word after it is a positional, which strict mode refuses.
    for (const [name, value] of flagsWithValues(raw)) {
      if (!booleans.has(name)) {
        continue;
      }
      if (value !== 'true' && value !== 'false') {
        throw new OptionError(`--${name}`, owner,
          `given without a value (--${name}) or as --${name}=true or ` +
            `--${name}=false`, value);
      }
    }
    if (argv['label'] === '') {
      throw new OptionError('--label', owner,
        'a column name or a 0-based column index', '');
    }
    const delimiter = argv['delimiter'];
    if (delimiter !== undefined && !isDelimiter(delimiter)) {
      throw new OptionError('--delimiter', owner,
        `${DELIMITER_RULE}, such as ',' or ';' (a tab: --delimiter ` +
          "$'\\t' in bash)", delimiter);
    }
  };
}

/**
 * The error for a negated flag given a value (`--no-header=true`), or
 * undefined when `raw` has none. yargs knows `--no-header` only bare, and
 * its strict mode reports such a token as the unknown arguments
 * `no-header` and `noHeader`; `trio` calls this when yargs fails, to name
 * the flag instead.
 */
export function negatedFlagWithValue(
  raw: readonly string[],
  command: string | undefined,
): OptionError | undefined {
  for (const [flag, value] of flagsWithValues(raw)) {
    const name = /^no-(.+)$/s.exec(flag)?.[1];
    if (name !== undefined) {
      return new OptionError(`--no-${name}`, ownerOf(command),
        `given without a value, as --no-${name}`, value);
    }
  }
  return undefined;
}

/** The `--name=value` tokens of `raw` before a bare `--`, as pairs. */
function flagsWithValues(raw: readonly string[]): [string, string][] {
  const end = raw.indexOf('--');
  return (end === -1 ? raw : raw.slice(0, end)).flatMap((token) => {
    const given = /^--([^=]+)=(.*)$/s.exec(token);
    return given === null ? [] : [[given[1]!, given[2]!] as [string, string]];
  });
}

/** `trio compare` for a command, `trio` before one. */
function ownerOf(command: unknown): string {
  return command === undefined ? 'trio' : `trio ${String(command)}`;
}
