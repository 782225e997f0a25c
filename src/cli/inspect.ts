import type { CommandModule } from 'yargs';
import { loadCsv, type CsvOptions } from '../data/csv.js';
import { formatInspection } from '../data/describe.js';
import { optionError } from '../util/options.js';

export interface InspectArgs {
  csv: string;
  label?: string;
  header?: boolean;
  delimiter?: string;
  /** Text as typed on the command line, or a number from code. */
  columns?: number | string;
  /** Text as typed on the command line, or a number from code. */
  rows?: number | string;
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
    // NOTE [numeric flags]: read as text, so that a refusal can echo what
    // was typed (yargs turns 'abc' into NaN), and without a yargs default,
    // which a bare '--rows' would silently take.
    .option('columns', {
      type: 'string',
      describe: 'Columns to show in the head and the summary. Default: 20',
    })
    .option('rows', {
      type: 'string',
      describe: 'Rows to show in the head. Default: 5',
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
  const rows = positiveInteger('rows', args.rows);
  const columns = positiveInteger('columns', args.columns);
  const options: CsvOptions = { header: args.header ?? true };
  if (args.label !== undefined) {
    // A number that names no column is read as a 0-based index.
    options.label = args.label;
  }
  if (args.delimiter !== undefined) {
    options.delimiter = args.delimiter;
  }
  const data = await loadCsv(args.csv, options);
  print(formatInspection(data, { rows, columns }));
}

/**
 * The value of a count flag: a positive integer, given as a number or
 * as the digits typed. Anything else is refused with the flag's name
 * and the value as given (a number echoed as a number, text as text).
 */
function positiveInteger(
  key: 'rows' | 'columns',
  value: number | string | undefined,
): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const text = typeof value === 'string' ? value.trim() : undefined;
  const number = text === undefined
    ? value
    : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)
      ? Number(text)
      : value;
  if (!(Number.isInteger(number) && (number as number) >= 1)) {
    throw optionError(`--${key}`, 'trio inspect', 'a positive integer',
      number);
  }
  return number as number;
}
