// Issue 7 through the CLI path: `trio compare` trains and saves a model
// per facade; `trio predict` on each saved model gives what the trainer
// predicted, and `trio evaluate` prints the report compare printed.
//
// The expected values are the trained models' own predictions, recorded by
// wrapping each facade entry (recordingEntries) while runComparison
// evaluates it, before the model is saved. Labels are digit names
// ('zero'..'nine'), so classes are strings sorted as scikit-learn sorts.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvaluate } from '../../src/cli/evaluate.js';
import { runPredict } from '../../src/cli/predict.js';
import { FACADE_ENTRIES } from '../../src/compare/facades.js';
import { runComparison } from '../../src/compare/run_comparison.js';
import type { ComparisonResult } from '../../src/compare/run_comparison.js';
import { parseComparisonConfig } from '../../src/config/comparison_config.js';
import { writeFileAtomic } from '../../src/data/atomic.js';
import { mnistCsvHeader, readMnistIdx } from '../../src/data/mnist.js';
import { readModelMetadata } from '../../src/io/file_system.js';
import * as keras from '../../src/keras/index.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import * as torch from '../../src/torch/index.js';
import { MemoryReporter } from '../../src/reporter.js';
import { makeTmp, removeTmp } from './helpers.js';
import {
  DIGIT_NAMES,
  recordingEntries,
  softmaxRows,
  torchLogits,
  worstDifference,
} from './facades_models.js';
import type { Recorded } from './facades_models.js';

const run = promisify(execFile);
const TRAIN_ROWS = 300;
const TEST_ROWS = 100;
const SORTED = [...DIGIT_NAMES].sort();

let tmp: string;
let trainCsv: string;
let testCsv: string;
let unlabelledCsv: string;
let result: ComparisonResult;
const reporter = new MemoryReporter();
const recorded = new Map<string, Recorded>();

/** MNIST rows as CSV: a `digit` column of names, then raw pixels. */
function csvText(
  split: 'train' | 'test',
  rows: number,
  labelled = true,
): string {
  const raw = readMnistIdx(split, rows);
  const header = mnistCsvHeader().replace(/^label,/, '');
  const lines = [labelled ? `digit,${header}` : header];
  for (let i = 0; i < rows; i++) {
    const pixels = raw.pixels.subarray(i * raw.cols, (i + 1) * raw.cols);
    lines.push([...(labelled ? [DIGIT_NAMES[raw.labels[i]!]!] : []),
      ...pixels].join(','));
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  tmp = makeTmp('trio-facades-compare-');
  const data = path.join(tmp, 'data ✓');
  trainCsv = path.join(data, 'train.csv');
  testCsv = path.join(data, 'test.csv');
  unlabelledCsv = path.join(data, 'new digits.csv');
  await writeFileAtomic(trainCsv,
    Buffer.from(csvText('train', TRAIN_ROWS)));
  await writeFileAtomic(testCsv, Buffer.from(csvText('test', TEST_ROWS)));
  await writeFileAtomic(unlabelledCsv,
    Buffer.from(csvText('test', TEST_ROWS, false)));

  // configs/mnist.yaml's three models, smaller and shorter.
  const config = parseComparisonConfig({
    dataset: { train: trainCsv, test: testCsv, label: 'digit', scale: 255 },
    seed: 42,
    output: path.join(tmp, 'models'),
    models: [
      { name: 'sklearn_mlp', facade: 'sklearn', args: {
        hidden_layer_sizes: [32], max_iter: 4, batch_size: 100,
        random_state: 42,
      } },
      { name: 'keras_sequential', facade: 'keras',
        layers: [
          { type: 'Dense', units: 32, activation: 'relu',
            input_shape: [784] },
          { type: 'Dense', units: 10, activation: 'softmax' },
        ],
        compile: { optimizer: 'adam',
          loss: 'sparse_categorical_crossentropy' },
        fit: { epochs: 3, batch_size: 50 } },
      { name: 'torch_module', facade: 'torch',
        model: [
          { type: 'Linear', in_features: 784, out_features: 32 },
          'ReLU',
          { type: 'Linear', in_features: 32, out_features: 10 },
        ],
        loss: 'CrossEntropyLoss',
        optimizer: { type: 'Adam', lr: 0.001 },
        dataloader: { batch_size: 50, shuffle: true },
        epochs: 3 },
    ],
  }, FACADE_ENTRIES);
  result = await runComparison(config, {
    facades: recordingEntries(FACADE_ENTRIES, recorded),
    reporter,
  });
});
afterAll(() => {
  removeTmp(tmp);
});

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Parses `trio predict --proba` output. */
function readPredictions(text: string): {
  header: string[];
  labels: string[];
  proba: number[];
} {
  const [header, ...rows] = parse(text) as string[][];
  return {
    header: header!,
    labels: rows.map((r) => r[0]!),
    proba: rows.flatMap((r) => r.slice(1).map(Number)),
  };
}

describe('trio compare, then trio predict and trio evaluate', () => {
  it('trains and saves one model per facade', () => {
    expect(result.classes).toEqual(SORTED);
    expect(result.models.map((m) => [m.name, m.status])).toEqual([
      ['sklearn_mlp', 'done'],
      ['keras_sequential', 'done'],
      ['torch_module', 'done'],
    ]);
    for (const m of result.models) {
      expect(recorded.get(m.name)?.rows).toBe(TEST_ROWS);
      const trio = readModelMetadata(m.savedTo!)['trio'];
      expect(trio).toMatchObject({
        version: 1, facade: m.facade, classes: SORTED, scale: 255,
        labelName: 'digit',
        testMetrics: { accuracy: m.accuracy, macroF1: m.macroF1 },
        output: m.facade === 'torch' ? 'logits' : 'probabilities',
      });
      expect((trio as { featureNames: string[] }).featureNames)
        .toEqual(mnistCsvHeader().split(',').slice(1));
    }
  });

  describe.each(['sklearn_mlp', 'keras_sequential', 'torch_module'])(
    '%s',
    (name) => {
      const model = () => result.models.find((m) => m.name === name)!;

      it('trio predict --proba gives what the trainer predicted',
        async () => {
          const sink = new Sink();
          const rows = await runPredict(
            { model: model().savedTo!, csv: testCsv, proba: true }, sink);
          expect(rows).toBe(TEST_ROWS);
          const out = readPredictions(sink.text);
          expect(out.header).toEqual(
            ['prediction', ...SORTED.map((c) => `proba_${c}`)]);
          const seen = recorded.get(name)!;
          expect(out.labels).toEqual(
            Array.from(seen.indices, (i) => SORTED[i]));
          // Probabilities are printed with 7 significant digits.
          expect(worstDifference(out.proba, seen.proba)).toBeLessThan(1e-6);
        });

      it('trio predict without a label column gives the same labels',
        async () => {
          const out = path.join(tmp, `${name} predictions.csv`);
          await runPredict({ model: model().savedTo!, csv: unlabelledCsv,
            out });
          const seen = recorded.get(name)!;
          expect(readPredictions(fs.readFileSync(out, 'utf8')).labels)
            .toEqual(Array.from(seen.indices, (i) => SORTED[i]));
        });

      it('trio evaluate prints the report compare printed', async () => {
        const m = model();
        const evaluation = await runEvaluate({ model: m.savedTo!,
          csv: testCsv });
        expect(reporter.lines).toContain(m.report);
        expect(evaluation.text).toContain(`\n${m.report.trimEnd()}\n`);
        expect(evaluation.confusion).toEqual(m.confusion);
        expect(evaluation.accuracy).toBe(m.accuracy);
        expect(evaluation.rows).toBe(TEST_ROWS);
      });
    },
  );

  it('the trio command prints the same report in a new process',
    async () => {
      // The real CLI entry, through tsx (no build needed).
      const m = result.models.find((r) => r.facade === 'torch')!;
      const { stdout } = await run(process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'evaluate', m.savedTo!,
          testCsv],
        { cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 });
      expect(stdout).toContain(`\n${m.report.trimEnd()}\n`);
      expect(stdout).toContain(`Model: ${m.savedTo} (torch facade, ` +
        '10 classes)');
    });
});

describe('each facade\'s own loader on a model trio compare saved', () => {
  const saved = (facade: string) =>
    result.models.find((m) => m.facade === facade)!;
  // Rows 0..99 of the test CSV, divided by 255 as compare divided them.
  const testX = () => {
    const idx = readMnistIdx('test', TEST_ROWS);
    return { data: Float32Array.from(idx.pixels, (v) => v / 255),
      rows: TEST_ROWS, cols: idx.cols };
  };

  it('MLPClassifier.load restores the string classes and predictions',
    async () => {
      const m = saved('sklearn');
      const clf = await MLPClassifier.load(m.savedTo!);
      expect(clf.classes).toEqual(SORTED);
      const seen = recorded.get(m.name)!;
      expect(clf.predict(testX()))
        .toEqual(Array.from(seen.indices, (i) => SORTED[i]));
      expect(worstDifference(clf.predictProba(testX()).data, seen.proba))
        .toBeLessThan(1e-6);
      clf.dispose();
    });

  it('keras.models.loadModel restores the probabilities', async () => {
    const m = saved('keras');
    const model = await keras.models.loadModel(m.savedTo!);
    const y = model.predict(testX());
    expect(worstDifference(y.dataSync(), recorded.get(m.name)!.proba))
      .toBeLessThan(1e-6);
    y.dispose();
    model.dispose();
  });

  // Non-regression: a torch model (its output is logits) loaded with
  // keras.models.loadModel and saved again was marked as giving
  // probabilities, so `trio predict --proba` printed raw logits.
  it('keras: load then save of a torch model keeps its output logits',
    async () => {
      const m = saved('torch');
      const folder = path.join(tmp, 'torch via keras');
      const model = await keras.models.loadModel(m.savedTo!);
      await model.save(folder);
      model.dispose();
      const after = readModelMetadata(folder)['trio'] as
        Record<string, unknown>;
      expect(after['output']).toBe('logits');
      const sink = new Sink();
      await runPredict({ model: folder, csv: testCsv, proba: true }, sink);
      const seen = recorded.get(m.name)!;
      expect(readPredictions(sink.text).labels).toEqual(
        Array.from(seen.indices, (i) => SORTED[i]));
      expect(worstDifference(readPredictions(sink.text).proba, seen.proba))
        .toBeLessThan(1e-5);
    });

  it('torch.loadLayersStateDict gives the config\'s layer keys',
    async () => {
      const m = saved('torch');
      const sd = await torch.loadLayersStateDict(m.savedTo!);
      expect(Object.keys(sd).sort())
        .toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
      expect(sd['0.weight']!.shape).toEqual([32, 784]);
      const seq = await torch.loadModule(m.savedTo!);
      const logits = torchLogits(seq, testX());
      expect(worstDifference(softmaxRows(logits, 10),
        recorded.get(m.name)!.proba)).toBeLessThan(1e-6);
      seq.dispose();
      for (const t of Object.values(sd)) {
        t.dispose();
      }
    });

  // Non-regression: loading a compare-saved model with the facade's
  // loader and saving it again dropped userDefinedMetadata.trio.scale,
  // featureNames, labelName and testMetrics (keras also replaced the
  // string classes by 0..9), so `trio predict` on the re-saved model fed
  // raw pixels and, for keras, printed the wrong labels.
  it.each(['sklearn', 'keras'])(
    '%s: load then save keeps the scaling, columns and classes',
    async (facade) => {
      const m = saved(facade);
      const folder = path.join(tmp, `${facade} re-saved`);
      if (facade === 'sklearn') {
        const clf = await MLPClassifier.load(m.savedTo!);
        await clf.save(folder);
        clf.dispose();
      } else {
        const model = await keras.models.loadModel(m.savedTo!);
        await model.save(folder);
        model.dispose();
      }
      const before = readModelMetadata(m.savedTo!)['trio'] as
        Record<string, unknown>;
      const after = readModelMetadata(folder)['trio'] as
        Record<string, unknown>;
      expect(after['classes']).toEqual(before['classes']);
      expect(after['scale']).toBe(255);
      expect(after['featureNames']).toEqual(before['featureNames']);
      expect(after['labelName']).toBe('digit');
      expect(after['testMetrics']).toEqual(before['testMetrics']);
      // Nothing else changes either: options, state, output kind.
      expect(after).toEqual(before);
      const sink = new Sink();
      await runPredict({ model: folder, csv: testCsv }, sink);
      expect(readPredictions(sink.text).labels).toEqual(
        Array.from(recorded.get(m.name)!.indices, (i) => SORTED[i]));
    });
});
