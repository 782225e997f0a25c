import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectBackend } from '../backend/select.js';
import type { BackendChoice } from '../backend/select.js';
import type { ComparisonConfig, ModelConfig } from
  '../config/comparison_config.js';
import { checkTrainingLabels, loadCsv } from '../data/csv.js';
import type { Dataset } from '../data/csv.js';
import { encodeLabels } from '../data/labels.js';
import { ensureMnistCsv } from '../data/mnist.js';
import { TrioError } from '../errors.js';
import { saveLayersModel } from '../io/file_system.js';
import { METADATA_KEY } from '../io/metadata.js';
import type { TrioMetadata } from '../io/metadata.js';
import {
  accuracyScore,
  classificationReport,
  confusionMatrix,
  f1Score,
} from '../metrics/index.js';
import type { Reporter } from '../reporter.js';
import { checkDataFiles } from './data_files.js';
import { checkModelsFitData } from './data_fit.js';
import type {
  FacadeEntry,
  FacadeName,
  TrainedModel,
  TrainingData,
} from './types.js';

export type ModelStatus = 'done' | 'interrupted' | 'skipped' | 'failed';

/** One row of the side-by-side comparison. */
export interface ModelResult {
  name: string;
  facade: FacadeName;
  backend: string;
  status: ModelStatus;
  epochs: number;
  trainSeconds: number;
  accuracy: number;
  macroF1: number;
  lossCurve: number[];
  valLossCurve?: number[];
  /** Rows true, columns predicted, in `classes` order. */
  confusion: number[][];
  /** scikit-learn's classification report text. */
  report: string;
  classes: (number | string)[];
  /** Folder the trained model was saved to. */
  savedTo?: string;
  /** True when saving replaced a model saved in `savedTo` before. */
  replaced?: boolean;
  /** Why the model failed or was skipped. */
  error?: string;
}

export interface ComparisonResult {
  backend: BackendChoice;
  trainRows: number;
  testRows: number;
  features: number;
  classes: (number | string)[];
  models: ModelResult[];
}

export interface ComparisonOptions {
  facades: Record<FacadeName, FacadeEntry>;
  reporter: Reporter;
  /** Overrides the config's backend (the CLI's `--backend`). */
  backend?: string;
  /** Aborting it stops the current model after its current step and skips
   * the models not yet started. */
  signal?: AbortSignal;
  /** Called once the backend is chosen, before data is read. */
  onBackend?(choice: BackendChoice): void;
  /** Called after each model, for live output. */
  onModel?(result: ModelResult): void;
}

/**
 * Runs a whole comparison: chooses the backend, reads the data once, trains
 * every model through its facade, evaluates it on the test set and saves it
 * under `config.output/<name>/` in the TensorFlow.js layers format.
 * Missing data files, and layer sizes that do not fit the data, throw a
 * `ConfigError` naming every key at fault before any model trains.
 */
export async function runComparison(
  config: ComparisonConfig,
  options: ComparisonOptions,
): Promise<ComparisonResult> {
  const { reporter } = options;
  checkDataFiles(config);
  const backend = await selectBackend(options.backend ?? config.backend);
  options.onBackend?.(backend);

  const { dataset } = config;
  if (dataset.source === 'mnist') {
    const written = await ensureMnistCsv(dataset.train, dataset.test);
    for (const split of [written.train, written.test]) {
      if (split.written) {
        reporter.line(`Wrote the bundled MNIST to ${split.path}`);
      }
    }
  }
  const parse = {
    label: dataset.label,
    header: dataset.header,
    ...(dataset.delimiter === undefined ? {} : {
      delimiter: dataset.delimiter,
    }),
    ...(dataset.scale === undefined ? {} : { scale: dataset.scale }),
  };
  // loadCsv refuses a header that names a column twice.
  const train = await loadCsv(dataset.train, parse);
  const test = await loadCsv(dataset.test, {
    ...parse,
    expectColumns: train.featureNames,
  });
  const trainData = encodeTraining(train);
  const testData: TrainingData = {
    x: test.x,
    y: encodeLabels(test.y, trainData.classes, test.file, test.lines)
      .codes,
    classes: trainData.classes,
  };
  reporter.line(
    `Data: ${train.rows} training rows, ${test.rows} test rows, ` +
      `${train.x.cols} features, ${trainData.classes.length} classes.`,
  );
  checkModelsFitData(config, {
    features: train.x.cols,
    classes: trainData.classes.length,
    rows: train.rows,
  });

  const results: ModelResult[] = [];
  for (const model of config.models) {
    if (options.signal?.aborted) {
      results.push(skipped(model, backend.name, trainData));
      continue;
    }
    const result = await runOne(
      model, config, options, trainData, testData, train, backend.name,
    );
    results.push(result);
    options.onModel?.(result);
  }
  return {
    backend,
    trainRows: train.rows,
    testRows: test.rows,
    features: train.x.cols,
    classes: [...trainData.classes],
    models: results,
  };
}

async function runOne(
  model: ModelConfig,
  config: ComparisonConfig,
  options: ComparisonOptions,
  trainData: TrainingData,
  testData: TrainingData,
  train: Dataset,
  backend: string,
): Promise<ModelResult> {
  // Warnings name the model they come from (several models share stderr).
  const reporter: Reporter = {
    line: (text) => options.reporter.line(text),
    warn: (warning) => options.reporter.warn(
      Object.assign(Object.create(Object.getPrototypeOf(warning)), warning,
        { message: `${model.name}: ${warning.message}` })),
    ...(options.reporter.progress === undefined ? {} : {
      progress: (event) => options.reporter.progress!(event),
    }),
  };
  const entry = options.facades[model.facade];
  reporter.line(`\n== ${model.name} (${model.facade}) ==`);
  const started = performance.now();
  let trained: TrainedModel;
  try {
    trained = await entry.run(model.section, model.keyPath, trainData, {
      reporter,
      model: model.name,
      ...(config.seed === undefined ? {} : { seed: config.seed }),
      validation: testData,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (err) {
    return failed(err, model, backend, trainData, reporter);
  }
  const trainSeconds = (performance.now() - started) / 1000;
  try {
    const predicted = trained.predict(testData.x);
    const labels = trainData.classes;
    const yTrue = decode(testData.y, labels);
    const yPred = decode(predicted, labels);
    const accuracy = accuracyScore(yTrue, yPred);
    const macroF1 = f1Score(yTrue, yPred, {
      average: 'macro',
      labels: [...labels],
      zeroDivision: 0,
    });
    // As the tutorial calls it: classification_report(y_test, y_pred).
    const report = classificationReport(yTrue, yPred, { zeroDivision: 0 });
    const confusion = confusionMatrix(yTrue, yPred, { labels: [...labels] });
    reporter.line(report);
    const interrupted = options.signal?.aborted === true;
    const saved = await saveModel(
      trained, model, config, train, { accuracy, macroF1 },
    );
    return {
      name: model.name,
      facade: model.facade,
      backend,
      status: interrupted ? 'interrupted' : 'done',
      epochs: trained.epochs,
      trainSeconds,
      accuracy,
      macroF1,
      lossCurve: trained.lossCurve,
      ...(trained.valLossCurve === undefined ? {} : {
        valLossCurve: trained.valLossCurve,
      }),
      confusion,
      report,
      classes: [...labels],
      ...saved,
    };
  } catch (err) {
    // Evaluating or saving failed (non-finite outputs, a folder that
    // cannot be written): this model fails, the others still run.
    return failed(err, model, backend, trainData, reporter);
  } finally {
    trained.dispose();
  }
}

/** The result of a model whose training, evaluation or saving failed. */
function failed(
  err: unknown,
  model: ModelConfig,
  backend: string,
  data: TrainingData,
  reporter: Reporter,
): ModelResult {
  if (!(err instanceof TrioError)) {
    throw err;
  }
  reporter.line(`${model.name} failed: ${err.message}`);
  return {
    ...skipped(model, backend, data),
    status: 'failed',
    error: err.message,
  };
}

async function saveModel(
  trained: TrainedModel,
  model: ModelConfig,
  config: ComparisonConfig,
  train: Dataset,
  testMetrics: Record<string, number>,
): Promise<{ savedTo: string; replaced: boolean }> {
  const layers = trained.toLayersModel();
  try {
    const facadeMeta = trained.metadata();
    const metadata: TrioMetadata = {
      version: 1,
      facade: model.facade,
      classes: [],
      output: 'probabilities',
      ...facadeMeta,
      ...(config.dataset.scale === undefined ? {} : {
        scale: config.dataset.scale,
      }),
      featureNames: train.featureNames,
      labelName: train.labelName,
      testMetrics,
    };
    layers.setUserDefinedMetadata({ [METADATA_KEY]: metadata });
    const folder = path.join(config.output, model.name);
    // As Keras's save, an earlier model is replaced; the CLI says so.
    const replaced = fs.existsSync(path.join(folder, 'model.json'));
    const savedTo = await saveLayersModel(layers, folder, {
      overwrite: true,
    });
    return { savedTo, replaced };
  } finally {
    layers.dispose();
  }
}

function encodeTraining(train: Dataset): TrainingData {
  checkTrainingLabels(train);
  const { codes, classes } = encodeLabels(train.y, undefined, train.file);
  return { x: train.x, y: codes, classes };
}

function decode(
  codes: Int32Array,
  classes: readonly (number | string)[],
): (number | string)[] {
  return Array.from(codes, (c) => classes[c]!);
}

function skipped(
  model: ModelConfig,
  backend: string,
  data: TrainingData,
): ModelResult {
  return {
    name: model.name,
    facade: model.facade,
    backend,
    status: 'skipped',
    epochs: 0,
    trainSeconds: 0,
    accuracy: NaN,
    macroF1: NaN,
    lossCurve: [],
    confusion: [],
    report: '',
    classes: [...data.classes],
  };
}
