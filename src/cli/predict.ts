import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Argv, CommandModule } from 'yargs';
import { describeBackend, selectBackend } from '../backend/select.js';
import { detectDelimiter, loadCsv, loadFeatures } from '../data/csv.js';
import { folderPathProblem, writeFileAtomic } from '../data/atomic.js';
import { csvError } from '../data/csv_rows.js';
import type { Matrix } from '../data/matrix.js';
import { DataError, OptionError } from '../errors.js';
import { loadTrioModel } from '../io/model_file.js';
import type { TrioModel } from '../io/model_file.js';

/** How to read a CSV for a saved model (the `trio predict` options). */
export interface ModelCsvOptions {
  /**
   * Label column, by name or 0-based index. For `predict` the label column
   * is optional: when this is not given and the file has no column named
   * as the model's `labelName` (or `label`), every column is a feature.
   * @default the model's `labelName`, else `'label'`
   */
  label?: string | number | false;
  /** The first line names the columns. @default true */
  header?: boolean;
  /** Field separator. @default `;` or `,`, read from the first line */
  delimiter?: string;
}

/** Raw (unscaled) features of a CSV checked against a model's columns. */
export interface ModelCsv {
  file: string;
  x: Matrix;
  /** The labels, when the file has a label column. */
  y?: Int32Array | string[];
  /** 1-based file line of each row, when the file has a label column. */
  lines?: Int32Array;
  labelName?: string;
}

/**
 * Reads a CSV to feed a saved model: features raw (the model applies its
 * saved scaling), columns checked against the model's `featureNames` (or
 * its input width when it has none). Files with a label column go through
 * `loadCsv`; files without one (predicting new data) are read here with
 * the same cell checks and messages.
 */
export async function readCsvForModel(
  file: string,
  trio: TrioModel,
  options: ModelCsvOptions & { requireLabel?: boolean } = {},
): Promise<ModelCsv> {
  const header = options.header ?? true;
  const expect = trio.metadata.featureNames;
  if (options.label === false) {
    // --no-label: every column is a feature.
    if (options.requireLabel) {
      throw new DataError(`${file}: scoring needs the true labels, so ` +
        '--no-label cannot be used here; name the label column with ' +
        '--label <name or index>.', file);
    }
    // loadFeatures detects the delimiter when none is given.
    return await readUnlabeled(file, trio, header, options.delimiter);
  }
  const label = options.label ?? trio.metadata.labelName ?? 'label';
  if (!options.requireLabel && options.label === undefined) {
    const first = readFirstRecord(file, options.delimiter);
    const unlabeled = first !== undefined && (header
      ? !first.record.includes(String(label))
      : first.record.length === trio.nFeatures);
    if (unlabeled) {
      return await readUnlabeled(file, trio, header, first.delimiter);
    }
    if (!header && first !== undefined) {
      // Without a header and without --label, a label column cannot be
      // found: the row must hold exactly the model's features.
      throw csvError(file, 1, undefined, undefined,
        `the row has ${first.record.length} fields, but the model at ` +
        `${trio.folder} takes ${trio.nFeatures} features (a label ` +
        `column in a file without a header needs --label <index>)`);
    }
  }
  const data = await loadCsv(file, {
    label,
    header,
    // The file is read once: a parse cache beside it would only cost disk.
    cache: false,
    ...(options.delimiter === undefined ? {} : {
      delimiter: options.delimiter,
    }),
    // Without a header the columns have no names to compare; the count
    // is checked below.
    ...(expect === undefined || !header ? {} : { expectColumns: expect }),
  });
  if (data.x.cols !== trio.nFeatures) {
    throw new DataError(
      `${file}: the file has ${data.x.cols} feature columns, but the ` +
        `model at ${trio.folder} was trained on ${trio.nFeatures}.`,
      file,
    );
  }
  return {
    file,
    x: data.x,
    y: data.y,
    lines: data.lines,
    labelName: data.labelName,
  };
}

/** The first record and the delimiter, or undefined for a missing file. */
function readFirstRecord(
  file: string,
  delimiter: string | undefined,
): { record: string[]; delimiter: string } | undefined {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(1 << 20);
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // loadCsv words the error for a missing or unreadable file.
    return undefined;
  }
  const end = head.indexOf(10);
  const line = head.subarray(0, end === -1 ? head.length : end)
    .toString('utf8').replace(/^\uFEFF/, '').replace(/\r$/, '');
  if (line.trim() === '') {
    return undefined;
  }
  const sep = delimiter ?? detectDelimiter(line);
  try {
    const [record] = parse(line, { delimiter: sep }) as string[][];
    return record === undefined ? undefined : { record, delimiter: sep };
  } catch {
    return undefined;
  }
}

async function readUnlabeled(
  file: string,
  trio: TrioModel,
  header: boolean,
  delimiter: string | undefined,
): Promise<ModelCsv> {
  const n = trio.nFeatures;
  const names = trio.metadata.featureNames;
  // Without a header the columns have no names to compare; the count is
  // checked below.
  const data = await loadFeatures(file, {
    header,
    ...(delimiter === undefined ? {} : { delimiter }),
    ...(names === undefined || !header ? {} : { expectColumns: names }),
  });
  if (data.x.cols !== n) {
    throw csvError(file, header ? 1 : undefined, undefined, undefined,
      `the file has ${data.x.cols} ${header ? 'columns' : 'fields per row'}` +
      `, but the model at ${trio.folder} takes ${n} features`);
  }
  return { file, x: data.x, lines: data.lines };
}

/** Formats a probability with 7 significant digits, shortest form. */
function formatProbability(p: number): string {
  return String(Number(p.toPrecision(7)));
}

/** Quotes a CSV field when it needs it. */
export function csvField(value: string): string {
  return /[",;\r\n]/.test(value) || value.trim() !== value
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/**
 * The predictions of `trio` for `x` as CSV text: a `prediction` column of
 * original labels, then with `proba` one `proba_<class>` column per class
 * in the model's class order.
 */
export function predictionsCsv(
  trio: TrioModel,
  x: Matrix,
  proba = false,
): string {
  const p = trio.predictProba(x);
  const classes = trio.metadata.classes;
  const lines: string[] = [[
    'prediction',
    ...(proba ? classes.map((c) => csvField(`proba_${c}`)) : []),
  ].join(',')];
  for (let i = 0; i < p.rows; i++) {
    const row = p.data.subarray(i * p.cols, (i + 1) * p.cols);
    let best = 0;
    for (let j = 1; j < row.length; j++) {
      if (row[j]! > row[best]!) {
        best = j;
      }
    }
    const cells = [csvField(String(classes[best]))];
    if (proba) {
      row.forEach((v) => cells.push(formatProbability(v)));
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export interface PredictArgs extends ModelCsvOptions {
  model: string;
  csv: string;
  out?: string;
  proba?: boolean;
  overwrite?: boolean;
  backend?: string;
}

/**
 * `trio predict`: loads the model and the CSV and returns the CSV text of
 * the predictions; writes it atomically to `out` when given (an existing
 * file only with `overwrite`). Returns the number of rows predicted.
 */
export async function runPredict(
  args: PredictArgs,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (args.out !== undefined) {
    checkOutFile(args.out, args.csv, args.overwrite ?? false);
  }
  const trio = await loadTrioModel(args.model);
  try {
    const data = await readCsvForModel(args.csv, trio, args);
    const text = predictionsCsv(trio, data.x, args.proba ?? false);
    if (args.out === undefined) {
      stdout.write(text);
    } else {
      await writeFileAtomic(args.out, Buffer.from(text, 'utf8'));
    }
    return data.x.rows;
  } finally {
    trio.dispose();
  }
}

function checkOutFile(out: string, input: string, overwrite: boolean): void {
  // A bare --out gives ''; refused before the model is even read.
  if (out.trim() === '') {
    throw new OptionError('--out', 'trio predict',
      'a file path (such as --out predictions.csv)', out);
  }
  const why = folderPathProblem(out);
  if (why !== undefined) {
    throw new DataError(`--out ${out}: ${why}; name a file (such as ` +
      `--out ${path.join(out, 'predictions.csv')}).`, out);
  }
  if (path.resolve(out) === path.resolve(input)) {
    throw new DataError(
      `--out ${out} is the input file; write the predictions elsewhere.`,
      out,
    );
  }
  const stat = fs.statSync(out, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    throw new DataError(`--out ${out} is a folder; name a file.`, out);
  }
  if (stat !== undefined && !overwrite) {
    throw new DataError(
      `--out ${out} already exists; pass --overwrite to replace it.`,
      out,
    );
  }
}

/**
 * The `<model> <csv>` positionals that predict and evaluate share, plus
 * the CSV reading options.
 */
export function modelAndCsv<T>(y: Argv<T>, csvDescribe: string) {
  return csvOptions(y
    .positional('model', {
      type: 'string',
      demandOption: true,
      describe: 'Saved model: its folder or its model.json',
    })
    .positional('csv', {
      type: 'string',
      demandOption: true,
      describe: csvDescribe,
    }));
}

/** Options shared by `trio predict` and `trio evaluate`. */
export function csvOptions<T>(y: Argv<T>) {
  return y
    .option('label', {
      type: 'string',
      describe: 'Label column, by name or 0-based index (default: the ' +
        "model's label name, else 'label'); --no-label: the file has none",
    })
    .option('header', {
      type: 'boolean',
      default: true,
      describe: 'The first line names the columns (--no-header: it ' +
        'does not)',
    })
    .option('delimiter', {
      type: 'string',
      describe: "Field separator (default: ';' or ',', read from the " +
        'first line)',
    })
    .option('backend', {
      type: 'string',
      describe: 'tfjs backend: node (tfjs-node), wasm or cpu. Default: ' +
        'node if installed, else wasm, else cpu',
    });
}

/**
 * Starts the backend of `--backend` (else the fastest) and says which on
 * stderr, as `trio compare` does: stdout may be the predictions' CSV.
 */
export async function startBackend(
  backend: string | undefined,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  const choice = await selectBackend(backend);
  stderr.write(`Backend: ${describeBackend(choice)}\n`);
}

/** A `--label` value: a number means a column index; false, none. */
export function parseLabelArg(label: string | number | false | undefined):
  string | number | false | undefined {
  if (typeof label === 'string' && /^\d+$/.test(label)) {
    return Number(label);
  }
  return label;
}

/**
 * `trio predict <model> <csv> [--out file] [--proba]`: predicts the
 * labels of every row of a CSV with a model saved by tfjs-trio, applying
 * the saved scaling, and writes them as CSV (stdout by default).
 */
export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <model> <csv>',
  describe: 'Predict the labels of a CSV with a saved model',
  builder: (y) => modelAndCsv(y, 'CSV with the training columns (a ' +
    'label column is optional and ignored)')
    .option('out', {
      type: 'string',
      describe: 'Write the predictions to this file instead of stdout',
    })
    .option('proba', {
      type: 'boolean',
      describe: 'Add one probability column per class',
    })
    .option('overwrite', {
      type: 'boolean',
      describe: 'Replace the --out file if it exists',
    }),
  handler: async (args) => {
    if (args.out !== undefined) {
      checkOutFile(args.out, args.csv, args.overwrite ?? false);
    }
    await startBackend(args.backend);
    const label = parseLabelArg(args.label);
    const rows = await runPredict({
      ...args,
      ...(label === undefined ? {} : { label }),
    });
    if (args.out !== undefined) {
      process.stderr.write(`Wrote ${rows} predictions to ${args.out}\n`);
    }
  },
};
