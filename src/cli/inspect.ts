import type { CommandModule } from 'yargs';
import { loadCsv, type CsvOptions } from '../data/csv.js';
import { formatInspection } from '../data/describe.js';
import { optionError } from '../util/options.js';

export interface InspectArgs {
  csv: string;
  label?: string;
  header?: boolean;
  delimiter?: string;
  columns?: number;
  rows?: number;
}

/**
 * `trio inspect <csv>`: what the tutorial does with pandas before
 * training: shape, the first rows of the first columns, `describe()` and
 * the label's `value_counts()`.
 */
export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <csv>',
  describe: 'Show a CSV file as pandas would: shape, head, describe() ' +
    'and the class counts of the label',
  builder: (y) => y
    .positional('csv', {
      type: 'string',
      demandOption: true,
      describe: 'CSV file with numeric features and a label column',
    })
    .option('label', {
      type: 'string',
      describe: 'Label column: a name, or a 0-based index. Default: ' +
        "'label' (0 with --no-header)",
    })
    .option('header', {
      type: 'boolean',
      default: true,
      describe: 'The first line names the columns (--no-header: it ' +
        'does not)',
    })
    .option('delimiter', {
      type: 'string',
      describe: 'Field separator. Default: , or ; detected from the ' +
        'first line',
    })
    .option('columns', {
      type: 'number',
      default: 20,
      describe: 'Columns to show in the head and the summary',
    })
    .option('rows', {
      type: 'number',
      default: 5,
      describe: 'Rows to show in the head',
    }),
  handler: async (args) => {
    await runInspect(args, (text) => process.stdout.write(`${text}\n`));
  },
};

/** The command's work, with the output sink given (for tests). */
export async function runInspect(
  args: InspectArgs,
  print: (text: string) => void,
): Promise<void> {
  for (const key of ['columns', 'rows'] as const) {
    const value = args[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw optionError(`--${key}`, 'trio inspect', 'a positive integer',
        value);
    }
  }
  const options: CsvOptions = { header: args.header ?? true };
  if (args.label !== undefined) {
    // A number that names no column is read as a 0-based index.
    options.label = args.label;
  }
  if (args.delimiter !== undefined) {
    options.delimiter = args.delimiter;
  }
  const data = await loadCsv(args.csv, options);
  print(formatInspection(data, { rows: args.rows, columns: args.columns }));
}
