import type { CommandModule } from 'yargs';
import { encodeLabels } from '../data/labels.js';
import { loadTrioModel } from '../io/model_file.js';
import {
  classificationReport,
  confusionMatrix,
  formatConfusionMatrix,
} from '../metrics/index.js';
import {
  modelAndCsv,
  parseLabelArg,
  readCsvForModel,
  startBackend,
} from './predict.js';
import type { ModelCsvOptions } from './predict.js';

export interface EvaluateArgs extends ModelCsvOptions {
  model: string;
  csv: string;
  backend?: string;
}

/** What `trio evaluate` measured, besides its text. */
export interface Evaluation {
  /** The printed text: header, classification report, confusion matrix. */
  text: string;
  accuracy: number;
  rows: number;
  /** Rows true, columns predicted, in the model's class order. */
  confusion: number[][];
}

/**
 * `trio evaluate`: predicts every row of a labelled CSV with a saved model
 * and builds scikit-learn's classification report and confusion matrix.
 * Labels outside the model's classes are an error naming the row (a model
 * cannot be scored on a class it never learned). The confusion matrix
 * rows and columns follow the model's classes, so a class absent from the
 * file still has its row.
 */
export async function runEvaluate(args: EvaluateArgs): Promise<Evaluation> {
  const trio = await loadTrioModel(args.model);
  try {
    const data = await readCsvForModel(args.csv, trio, {
      ...args,
      requireLabel: true,
    });
    const classes = trio.metadata.classes;
    const yTrue = data.y!;
    // Checks every label against the classes (the error names the line).
    const codes = encodeLabels(yTrue, classes, data.file, data.lines)
      .codes;
    const yPred = trio.predict(data.x);
    const report = classificationReport(yTrue, yPred);
    const labels = classes.every((c) => typeof c === 'number')
      ? Float64Array.from(classes as number[])
      : classes.map(String);
    const confusion = confusionMatrix(yTrue, yPred, { labels });
    const predicted = trio.predictIndices(data.x);
    let correct = 0;
    codes.forEach((c, i) => {
      correct += c === predicted[i] ? 1 : 0;
    });
    const text = [
      `Model: ${trio.folder} (${trio.metadata.facade} facade, ` +
        `${classes.length} classes)`,
      `Data: ${data.file} (${data.x.rows} rows, label '${data.labelName}')`,
      '',
      report.trimEnd(),
      '',
      'Confusion matrix (rows: true label, columns: predicted; labels ' +
        `${classes.map(String).join(', ')}):`,
      formatConfusionMatrix(confusion),
      '',
    ].join('\n');
    return {
      text,
      accuracy: correct / data.x.rows,
      rows: data.x.rows,
      confusion,
    };
  } finally {
    trio.dispose();
  }
}

/**
 * `trio evaluate <model> <csv> [--label label]`: prints the
 * classification report and the confusion matrix of a saved model on a
 * labelled CSV.
 */
export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate <model> <csv>',
  describe: 'Print the classification report and confusion matrix of a ' +
    'saved model on a labelled CSV',
  builder: (y) => modelAndCsv(y,
    'Labelled CSV with the training columns'),
  handler: async (args) => {
    await startBackend(args.backend);
    const label = parseLabelArg(args.label);
    const result = await runEvaluate({
      ...args,
      ...(label === undefined ? {} : { label }),
    });
    process.stdout.write(result.text);
  },
};
