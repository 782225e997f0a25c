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
    const owner = command === undefined ? 'trio' : `trio ${String(command)}`;
    const booleans = new Set(
      (y as OptionsView | undefined)?.getOptions().boolean ?? []);
    // Only `--flag=value` can give a boolean flag a value: a separate
    // word after it is a positional, which strict mode refuses.
    const end = raw.indexOf('--');
    for (const token of end === -1 ? raw : raw.slice(0, end)) {
      const given = /^--([^=]+)=(.*)$/s.exec(token);
      if (given === null) {
        continue;
      }
      const [, name, value] = given as unknown as [string, string, string];
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
  const end = raw.indexOf('--');
  for (const token of end === -1 ? raw : raw.slice(0, end)) {
    const given = /^--no-([^=]+)=(.*)$/s.exec(token);
    if (given !== null) {
      const [, name, value] = given;
      return new OptionError(`--no-${name}`,
        command === undefined ? 'trio' : `trio ${command}`,
        `given without a value, as --no-${name}`,
        value);
    }
  }
  return undefined;
}
