#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { TrioError } from '../errors.js';
import { compareCommand } from './compare.js';
import { evaluateCommand } from './evaluate.js';
import { flagChecks, negatedFlagWithValue } from './flags.js';
import { inspectCommand } from './inspect.js';
import { predictCommand } from './predict.js';

/** The `trio` command line. */
export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('trio')
    .command(compareCommand)
    .command(inspectCommand)
    .command(predictCommand)
    .command(evaluateCommand)
    .demandCommand(1, 'Name a command: compare, inspect, predict or evaluate')
    .strict()
    .check(optionsGivenOnce)
    .middleware(flagChecks(argv))
    .recommendCommands()
    .fail((message, err, y) => {
      if (err !== undefined && err !== null) {
        throw err;
      }
      const negated = negatedFlagWithValue(argv,
        argv.find((word) => !word.startsWith('-')));
      if (negated !== undefined) {
        throw negated;
      }
      y.showHelp();
      process.stderr.write(`\n${message}\n`);
      process.exit(2);
    })
    .help()
    .version();
  try {
    await cli.parseAsync();
  } catch (err) {
    // Expected failures print their message only; anything else also
    // prints its stack when TRIO_DEBUG is set.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`trio: ${message}\n`);
    if (!(err instanceof TrioError) && process.env['TRIO_DEBUG']) {
      process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    }
    process.exitCode = 1;
  }
}

/**
 * Refuses an option given twice, or with its --no- form too: yargs then
 * passes both values as an array, which every option here would reject
 * with a message about the library call rather than the flag.
 */
function optionsGivenOnce(argv: Record<string, unknown>): true {
  for (const [name, value] of Object.entries(argv)) {
    if (name !== '_' && Array.isArray(value)) {
      throw new TrioError(`--${name} was given more than once (or with ` +
        `--no-${name} too); give it once.`);
    }
  }
  return true;
}

await main(hideBin(process.argv));
