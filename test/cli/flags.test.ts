import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { describe, expect, it } from 'vitest';
import { compareCommand } from '../../src/cli/compare.js';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { flagChecks } from '../../src/cli/flags.js';
import { inspectCommand } from '../../src/cli/inspect.js';
import { predictCommand } from '../../src/cli/predict.js';
import { OptionError } from '../../src/errors.js';

// Non-regression: yargs read `--proba=maybe` (and `=1`, `=TRUE`) as
// false, and `--delimiter ""` / `--delimiter ,,` were refused by loadCsv
// and loadFeatures without naming the flag. Each command runs with its
// handler replaced by a recorder, so only the parsing and the checks run.

/** Each command with a handler that records the arguments it got. */
function recorded(seen: Record<string, unknown>[]) {
  return [compareCommand, inspectCommand, predictCommand, evaluateCommand]
    .map((c) => ({
      ...c,
      handler: (argv: Record<string, unknown>) => {
        seen.push(argv);
      },
    }) as CommandModule);
}

async function parse(args: string[]): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  let cli = yargs(args);
  for (const command of recorded(seen)) {
    cli = cli.command(command);
  }
  await cli.strict()
    .middleware(flagChecks(args))
    .fail((message, err) => {
      throw err ?? new Error(message);
    })
    .exitProcess(false)
    .parseAsync();
  return seen;
}

/** Positionals of each command, then its boolean flags (not --help). */
const BOOLEANS: [string[], string[]][] = [
  [['compare', 'c.yaml'], ['quiet', 'json']],
  [['inspect', 'd.csv'], ['header']],
  [['predict', 'm', 'd.csv'], ['header', 'proba', 'overwrite']],
  [['evaluate', 'm', 'd.csv'], ['header']],
];

describe('boolean flags', () => {
  it.each(BOOLEANS)('%j refuses values other than true and false',
    async (positionals, flags) => {
      for (const flag of [...flags, 'version']) {
        for (const value of ['maybe', '1', '0', 'TRUE', '']) {
          const owner = `trio ${positionals[0]}`;
          const run = parse([...positionals, `--${flag}=${value}`]);
          await expect(run).rejects.toThrow(OptionError);
          await expect(run).rejects.toThrow(`The '--${flag}' parameter of ${owner} must ` +
              `be given without a value (--${flag}) or as --${flag}=true ` +
              `or --${flag}=false. Got '${value}' instead.`);
        }
      }
    });

  it.each(BOOLEANS)('%j takes a bare flag, =true and =false',
    async (positionals, flags) => {
      for (const flag of flags) {
        const [bare] = await parse([...positionals, `--${flag}`]);
        const [yes] = await parse([...positionals, `--${flag}=true`]);
        const [no] = await parse([...positionals, `--${flag}=false`]);
        expect([bare![flag], yes![flag], no![flag]])
          .toEqual([true, true, false]);
      }
    });

  it('leaves values after -- alone', async () => {
    const [argv] = await parse(['inspect', 'd.csv', '--', '--header=maybe']);
    expect(argv!['header']).toBe(true);
  });
});

describe('--delimiter and --label', () => {
  const rule = "must be one character other than a quote or a line end, " +
    "such as ',' or ';' (a tab: --delimiter $'\\t' in bash).";

  it.each([
    [['inspect', 'd.csv'], ''],
    [['inspect', 'd.csv'], ',,'],
    [['predict', 'm', 'd.csv'], '"'],
    [['evaluate', 'm', 'd.csv'], '\n'],
  ])('%j --delimiter %j is refused naming the flag',
    async (positionals, value) => {
      await expect(parse([...positionals, '--delimiter', value]))
        .rejects.toThrow(`The '--delimiter' parameter of trio ` +
          `${positionals[0]} ${rule} Got '${value}' instead.`);
    });

  it('a bare --delimiter is the empty one', async () => {
    await expect(parse(['predict', 'm', 'd.csv', '--delimiter'])).rejects
      .toThrow(`The '--delimiter' parameter of trio predict ${rule} Got '' ` +
        'instead.');
  });

  it('takes one character, a tab included', async () => {
    for (const value of [';', '\t', '|']) {
      const [argv] = await parse(['inspect', 'd.csv', '--delimiter', value]);
      expect(argv!['delimiter']).toBe(value);
    }
  });

  it('refuses a bare --label', async () => {
    await expect(parse(['inspect', 'd.csv', '--label'])).rejects.toThrow(
      "The '--label' parameter of trio inspect must be a column name or " +
        "a 0-based column index. Got '' instead.");
  });
});
