import type { CommandModule } from 'yargs';
import {
  loadCsv,
  loadFeatures,
  type CsvOptions,
  type FeatureCsvOptions,
  type FeatureTable,
} from '../data/csv.js';
import {
  describe,
  formatDescribe,
  formatHead,
  formatInspection,
  type TableLike,
} from '../data/describe.js';
import { DataError } from '../errors.js';
import { optionError } from '../util/options.js';

export interface InspectArgs {
  csv: string;
  /**
   * Label column, by name or 0-based index; `false` (`--no-label`): the
   * file has none and every column is a feature.
   */
  label?: string | false;
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
      describe: 'CSV file with numeric features and a label column ' +
        '(or, with --no-label, features only)',
    })
    .option('label', {
      type: 'string',
      describe: 'Label column: a name, or a 0-based index. Default: ' +
        "'label' (0 with --no-header). --no-label: the file has none; " +
        'every column is a feature and no class counts are shown',
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
  const layout = {
    rows: positiveInteger('rows', args.rows),
    columns: positiveInteger('columns', args.columns),
  };
  const options: FeatureCsvOptions = { header: args.header ?? true };
  if (args.delimiter !== undefined) {
    options.delimiter = args.delimiter;
  }
  if (args.label === false) {
    const table = await loadFeatures(args.csv, options);
    print(formatFeatureInspection(table, layout));
    return;
  }
  // Inspecting reads the file once: a parse cache beside it (188 MB for
  // the 110 MB MNIST CSV) would only cost the user's disk.
  const labelled: CsvOptions = { ...options, cache: false };
  if (args.label !== undefined) {
    // A number that names no column is read as a 0-based index.
    labelled.label = args.label;
  }
  const data = await loadLabelled(args.csv, labelled);
  print(formatInspection(data, layout));
}

/**
 * `loadCsv`, whose message for a missing label column names settings
 * (it also serves configs); here the remedies are this command's flags.
 */
async function loadLabelled(file: string, options: CsvOptions) {
  try {
    return await loadCsv(file, options);
  } catch (err) {
    if (err instanceof DataError &&
      err.message.includes('there is no label column ')) {
      throw new DataError(`${err.message} Name the label column with ` +
        '--label <name or index>, or pass --no-label if the file has ' +
        'none.', err.file, err.row, err.column);
    }
    throw err;
  }
}

/**
 * `formatInspection` for a file of features only: shape, head and
 * `describe()`, without the class counts.
 */
function formatFeatureInspection(
  table: FeatureTable,
  options: { rows?: number | undefined; columns?: number | undefined },
): string {
  const width = table.featureNames.length;
  const rows = Math.min(options.rows ?? 5, table.rows);
  const columns = Math.min(options.columns ?? 20, width);
  // NOTE [no label]: the describe helpers read a table with a label
  // column. An empty one after the last feature is never shown: the head
  // shows at most `width` columns, and describe() skips labels that are
  // not numbers.
  const asTable: TableLike = {
    ...table, y: [], labelName: '', labelColumn: width,
  };
  return [
    `File: ${table.file}`,
    `Shape: (${table.rows}, ${width})`,
    '',
    `First ${rows} rows of the first ${columns} columns:`,
    formatHead(asTable, { rows, columns }),
    '',
    'Summary (describe):',
    formatDescribe(describe(asTable), { maxColumns: options.columns ?? 20 }),
  ].join('\n');
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
