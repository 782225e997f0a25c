import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandModule } from 'yargs';
import { describeBackend } from '../backend/select.js';
import { FACADE_ENTRIES } from '../compare/facades.js';
import { runComparison } from '../compare/run_comparison.js';
import type {
  ComparisonResult,
  ModelResult,
} from '../compare/run_comparison.js';
import { formatComparisonTable } from '../compare/table.js';
import { loadComparisonConfig } from '../config/comparison_config.js';
import { DataError, OptionError } from '../errors.js';
import type { Reporter } from '../reporter.js';
import { QuietReporter, TerminalReporter } from './progress_reporter.js';

interface CompareArgs {
  config: string;
  backend?: string;
  quiet?: boolean;
  json?: boolean;
  report?: string;
}

/** `trio compare <config>`: trains every model and compares them. */
export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <config>',
  describe: 'Train every model of a YAML/JSON config and compare them',
  builder: (y) => y
    .positional('config', {
      type: 'string',
      demandOption: true,
      describe: 'Comparison config (YAML or JSON)',
    })
    .option('backend', {
      type: 'string',
      describe: 'tfjs backend: node (tfjs-node), wasm or cpu; overrides ' +
        'the config. Default: node if installed, else wasm, else cpu',
    })
    .option('quiet', {
      type: 'boolean',
      describe: 'Print only the backend, the final table, warnings and ' +
        "one 'saved to' line per model (on stderr). As Keras's save(), " +
        'saving replaces a model of the same name; its line says so',
    })
    .option('json', {
      type: 'boolean',
      describe: 'Print one JSON document with every result, nothing else',
    })
    .option('report', {
      type: 'string',
      describe: 'Also write an HTML report with charts to this folder',
    }),
  handler: async (args) => {
    process.exitCode = await compare(args);
  },
};

async function compare(args: CompareArgs): Promise<number> {
  const config = loadComparisonConfig(args.config, FACADE_ENTRIES);
  checkOutputs(config.output, args.report);
  // With --json, stdout holds the JSON alone; warnings still go to stderr.
  const reporter: Reporter = args.json || args.quiet
    ? new QuietReporter()
    : new TerminalReporter();
  const say = (text: string) => {
    if (!args.json) {
      process.stdout.write(`${text}\n`);
    }
  };

  // Ctrl-C once: finish the current step, keep finished models. Twice: quit.
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    controller.abort();
    process.stderr.write(
      '\nInterrupted: stopping after the current step ' +
        '(press Ctrl-C again to quit at once).\n',
    );
  };
  process.on('SIGINT', onInterrupt);
  let result: ComparisonResult;
  try {
    result = await runComparison(config, {
      facades: FACADE_ENTRIES,
      reporter,
      ...(args.backend === undefined ? {} : { backend: args.backend }),
      signal: controller.signal,
      onBackend: (choice) => say(`Backend: ${describeBackend(choice)}`),
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }

  if (args.report !== undefined) {
    const { writeReport } = await import('../report/html.js');
    const written = await writeReport(args.report, result.models);
    const removed = written.removed.map((f) => path.basename(f));
    say(`Report written to ${args.report}` + (removed.length === 0 ? '' :
      ` (removed ${removed.join(', ')}, charts of models no longer ` +
        'compared)'));
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    say('');
    say(formatComparisonTable(result.models));
    // Saving replaces earlier models: even --quiet names where each went.
    const out = args.quiet ? process.stderr : process.stdout;
    for (const line of savedLines(result.models)) {
      out.write(`${line}\n`);
    }
  }
  // The reasons also reach stderr, where --quiet and --json users look.
  for (const m of result.models) {
    if (m.status === 'failed') {
      process.stderr.write(`trio: ${m.name} failed: ${m.error ?? ''}\n`);
    }
  }
  const skipped = result.models.filter((m) => m.status === 'skipped');
  if (controller.signal.aborted) {
    process.stderr.write(
      `Interrupted. Skipped: ${skipped.map((m) => m.name).join(', ') ||
        'none'}.\n`,
    );
    return 130;
  }
  if (result.models.some((m) => m.status === 'failed')) {
    return 1;
  }
  fs.mkdirSync(config.output, { recursive: true });
  return 0;
}

/** `sk saved to models/sk`, one per saved model, and what it replaced. */
function savedLines(models: readonly ModelResult[]): string[] {
  return models.flatMap((m) => m.savedTo === undefined ? [] : [
    `${m.name} saved to ${m.savedTo}` +
      (m.replaced ? ' (replacing the model saved there before)' : ''),
  ]);
}

/**
 * Refuses, before any training, outputs that could only fail at the end:
 * a model folder inside a file, an empty `--report` folder.
 */
function checkOutputs(output: string, report: string | undefined): void {
  if (report !== undefined && report.trim() === '') {
    throw new OptionError('--report', 'trio compare',
      'a folder path (such as --report out/)', report);
  }
  const folders = [
    ['the config\'s output', output, 'each model is saved in a sub-folder'],
    ['--report', report, 'the report is written into it'],
  ] as const;
  for (const [what, folder, why] of folders) {
    const stat = folder === undefined
      ? undefined
      : fs.statSync(folder, { throwIfNoEntry: false });
    if (stat !== undefined && !stat.isDirectory()) {
      throw new DataError(`${what} ${folder} is a file, not a folder ` +
        `(${why}); name a folder.`, folder);
    }
  }
}
