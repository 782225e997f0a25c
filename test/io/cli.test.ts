import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as tf from '@tensorflow/tfjs';
import yargs from 'yargs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { evaluateCommand, runEvaluate } from '../../src/cli/evaluate.js';
import { predictCommand, runPredict } from '../../src/cli/predict.js';
import { DataError } from '../../src/errors.js';
import { saveLayersModel } from '../../src/io/file_system.js';
import {
  classificationReport,
  formatConfusionMatrix,
} from '../../src/metrics/index.js';
import {
  denseModel,
  forwardByHand,
  makeTmp,
  removeTmp,
  setKnownWeights,
  softmax,
} from './helpers.js';

// Raw feature rows (0..255) and their true labels.
const RAW = [
  [0, 51, 255, 102],
  [255, 0, 0, 17],
  [34, 34, 34, 34],
  [200, 100, 50, 25],
  [10, 240, 130, 0],
  [90, 90, 200, 180],
];
const TRUE = [3, 5, 7, 7, 3, 5];
const CLASSES = [3, 5, 7];

let tmp: string;
let modelDir: string;
let expectedProba: number[][];
let expectedPred: number[];

beforeEach(async () => {
  tmp = makeTmp('trio-cli-');
  // A 4-3-3 softmax model saved as the comparison saves it: scale 255,
  // feature names a..d, label column 'y', classes 3, 5, 7.
  const model = denseModel([4, 3, 3], 'softmax');
  const weights = setKnownWeights(model);
  model.setUserDefinedMetadata({ trio: {
    version: 1, facade: 'keras', classes: CLASSES, output: 'probabilities',
    scale: 255, featureNames: ['a', 'b', 'c', 'd'], labelName: 'y',
  } });
  modelDir = await saveLayersModel(model, path.join(tmp, 'model'));
  model.dispose();
  // By hand: the float64 forward pass on x / 255, then argmax.
  expectedProba = RAW.map((r) => softmax(
    forwardByHand(weights, r.map((v) => v / 255))));
  expectedPred = expectedProba.map(
    (p) => CLASSES[p.indexOf(Math.max(...p))]!);
});
afterEach(() => {
  removeTmp(tmp);
});

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function labelled(name = 'test.csv'): string {
  return writeCsv(name, ['y,a,b,c,d',
    ...RAW.map((r, i) => [TRUE[i], ...r].join(','))]);
}

function unlabelled(name = 'new.csv'): string {
  return writeCsv(name, ['a,b,c,d', ...RAW.map((r) => r.join(','))]);
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function predictText(args: Parameters<typeof runPredict>[0]) {
  const sink = new Sink();
  const rows = await runPredict(args, sink);
  return { rows, text: sink.text };
}

describe('trio predict', () => {
  it('predicts original labels of a labelled CSV', async () => {
    const { rows, text } = await predictText({
      model: modelDir, csv: labelled(),
    });
    expect(rows).toBe(6);
    expect(text).toBe(['prediction', ...expectedPred, ''].join('\n'));
  });

  it('reads every column as a feature with --no-label', async () => {
    const { text } = await predictText({ model: modelDir,
      csv: unlabelled('no-label.csv'), label: false });
    expect(text).toBe(['prediction', ...expectedPred, ''].join('\n'));
    // A label column is then one feature too many.
    const csv = labelled('labelled-no-label.csv');
    await expect(predictText({ model: modelDir, csv, label: false }))
      .rejects.toThrow(`${csv}, line 1: the feature columns differ from ` +
        "the training file's (5 here, 4 there): not in the training file: " +
        "'y'.");
  });

  it('reads a CSV without a label column, with probabilities', async () => {
    const { text } = await predictText({
      model: path.join(modelDir, 'model.json'), csv: unlabelled(),
      proba: true,
    });
    const [head, ...lines] = text.trimEnd().split('\n');
    expect(head).toBe('prediction,proba_3,proba_5,proba_7');
    lines.forEach((line, i) => {
      const [pred, ...probs] = line.split(',');
      expect(Number(pred)).toBe(expectedPred[i]);
      probs.forEach((p, j) => expect(Number(p))
        .toBeCloseTo(expectedProba[i]![j]!, 6));
    });
  });

  it('reads semicolons, CRLF and a BOM without a label', async () => {
    const file = path.join(tmp, 'win.csv');
    fs.writeFileSync(file, '\uFEFFa;b;c;d\r\n' +
      RAW.map((r) => r.join(';')).join('\r\n') + '\r\n');
    const { text } = await predictText({ model: modelDir, csv: file });
    expect(text).toBe(['prediction', ...expectedPred, ''].join('\n'));
  });

  it('writes --out atomically and will not clobber it', async () => {
    const out = path.join(tmp, 'out', 'pred.csv');
    const csv = labelled();
    await runPredict({ model: modelDir, csv, out });
    expect(fs.readFileSync(out, 'utf8'))
      .toBe(['prediction', ...expectedPred, ''].join('\n'));
    await expect(runPredict({ model: modelDir, csv, out })).rejects.toThrow(
      `--out ${out} already exists; pass --overwrite to replace it.`,
    );
    await runPredict({ model: modelDir, csv, out, overwrite: true,
      proba: true });
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^prediction,proba_3/);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['pred.csv']);
    await expect(runPredict({ model: modelDir, csv, out: csv }))
      .rejects.toThrow(`--out ${csv} is the input file; write the ` +
        'predictions elsewhere.');
  });

  // Non-regression: a bare --out (yargs gives '') failed with "ENOENT: no
  // such file or directory, rename '.tmp-12284-qc61ae' -> ''", and a
  // missing folder with a trailing '/' with a raw ENOENT too.
  it('refuses an empty --out and one naming a folder', async () => {
    const csv = labelled();
    for (const out of ['', ' ']) {
      await expect(runPredict({ model: modelDir, csv, out })).rejects
        .toThrow("The '--out' parameter of trio predict must be a file " +
          `path (such as --out predictions.csv). Got '${out}' instead.`);
    }
    const folder = path.join(tmp, 'new');
    await expect(runPredict({ model: modelDir, csv, out: `${folder}/` }))
      .rejects.toThrow(`--out ${folder}/: it ends with '/', so it names a ` +
        `folder; name a file (such as --out ${folder}/predictions.csv).`);
    expect(fs.readdirSync(tmp).sort()).toEqual(['model', 'test.csv']);
  });

  it('refuses columns that differ from training', async () => {
    const file = writeCsv('swapped.csv', ['a,b,d,c',
      ...RAW.map((r) => r.join(','))]);
    await expect(predictText({ model: modelDir, csv: file }))
      .rejects.toThrow(`${file}, line 1: the feature columns differ from ` +
        "the training file's (4 here, 4 there): feature 3 is 'd' where " +
        "the training file has 'c' (same columns, other order).");
    const labelledSwap = writeCsv('swapped2.csv', ['y,a,b,e,d', '3,1,2,3,4']);
    await expect(predictText({ model: modelDir, csv: labelledSwap }))
      .rejects.toThrow(DataError);
  });

  it('names the line and column of a bad cell', async () => {
    const file = writeCsv('bad.csv', ['a,b,c,d', '1,2,3,4', '5,abc,7,8']);
    await expect(predictText({ model: modelDir, csv: file }))
      .rejects.toThrow(`${file}, line 3, column 2 ('b'): 'abc' is not a ` +
        'number');
    const nan = writeCsv('nan.csv', ['a,b,c,d', '1,2,NaN,4']);
    await expect(predictText({ model: modelDir, csv: nan }))
      .rejects.toThrow(`${nan}, line 2, column 3 ('c'): 'NaN' is not a ` +
        'finite number');
    const ragged = writeCsv('ragged.csv', ['a,b,c,d', '1,2,3']);
    await expect(predictText({ model: modelDir, csv: ragged }))
      .rejects.toThrow(`${ragged}, line 2: the row has 3 fields; the ` +
        'header has 4 (a ragged row)');
    const empty = writeCsv('header_only.csv', ['a,b,c,d']);
    await expect(predictText({ model: modelDir, csv: empty }))
      .rejects.toThrow(`${empty}, line 1: the file has a header but no ` +
        'data rows.');
  });

  // Files without a label column are read by loadFeatures, with every
  // check of loadCsv (they had a reader of their own that lacked some).
  it('refuses a binary file, repeated column names and a wrong width',
    async () => {
      const binary = path.join(tmp, 'weights.csv');
      fs.writeFileSync(binary, Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x00,
        0x01, 0x02]));
      await expect(predictText({ model: modelDir, csv: binary }))
        .rejects.toThrow(`${binary} is not a text CSV file: line 2 holds ` +
          'a NUL byte (0x00) at byte 4');
      const twice = writeCsv('twice.csv', ['a,b,b,d', '1,2,3,4']);
      await expect(predictText({ model: modelDir, csv: twice }))
        .rejects.toThrow(`${twice}, line 1, column 3 ('b'): column 2 has ` +
          'the same name');
      const wide = writeCsv('wide.csv', ['1,2,3,4,5', '1,2,3,4,5']);
      await expect(predictText({ model: modelDir, csv: wide,
        header: false })).rejects.toThrow(`${wide}, line 1: the row has 5 ` +
        'fields, but the model at');
    });

  it('reads a file without header or label by position', async () => {
    const file = writeCsv('plain.csv', RAW.map((r) => r.join(',')));
    const { text } = await predictText({
      model: modelDir, csv: file, header: false,
    });
    expect(text).toBe(['prediction', ...expectedPred, ''].join('\n'));
    const wide = writeCsv('wide.csv', ['3,1,2,3,4,5']);
    await expect(predictText({
      model: modelDir, csv: wide, header: false, label: 0,
    })).rejects.toThrow(`${wide}: the file has 5 feature columns, but the ` +
      `model at ${modelDir} was trained on 4.`);
  });

  it('leaks no tensors', async () => {
    const csv = labelled();
    const before = tf.memory().numTensors;
    await predictText({ model: modelDir, csv, proba: true });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trio evaluate', () => {
  it('prints the report and confusion matrix', async () => {
    const csv = labelled();
    const before = tf.memory().numTensors;
    const result = await runEvaluate({ model: modelDir, csv });
    expect(tf.memory().numTensors).toBe(before);
    // Confusion matrix by hand from the true and hand-predicted labels.
    const byHand = CLASSES.map((t) => CLASSES.map((p) => TRUE.filter(
      (y, i) => y === t && expectedPred[i] === p).length));
    expect(result.confusion).toEqual(byHand);
    expect(result.accuracy).toBe(
      TRUE.filter((y, i) => y === expectedPred[i]).length / TRUE.length);
    expect(result.text).toBe([
      `Model: ${modelDir} (keras facade, 3 classes)`,
      `Data: ${csv} (6 rows, label 'y')`,
      '',
      classificationReport(Int32Array.from(TRUE),
        Int32Array.from(expectedPred)).trimEnd(),
      '',
      'Confusion matrix (rows: true label, columns: predicted; labels ' +
        '3, 5, 7):',
      formatConfusionMatrix(byHand),
      '',
    ].join('\n'));
  });

  it('refuses labels the model never learned', async () => {
    const file = writeCsv('other.csv', ['y,a,b,c,d', '3,1,2,3,4',
      '9,1,2,3,4']);
    await expect(runEvaluate({ model: modelDir, csv: file })).rejects
      .toThrow(`${file}, line 3: the label 9 is not one of the 3 classes ` +
        'the model knows');
  });

  it('needs the label column', async () => {
    const csv = labelled('for-no-label.csv');
    await expect(runEvaluate({ model: modelDir, csv, label: false }))
      .rejects.toThrow(`${csv}: scoring needs the true labels, so ` +
        '--no-label cannot be used here; name the label column with ' +
        '--label <name or index>.');
    await expect(runEvaluate({ model: modelDir, csv: unlabelled() }))
      .rejects.toThrow(DataError);
    await expect(runEvaluate({ model: modelDir, csv: unlabelled() }))
      .rejects.toThrow(/'y'/);
  });

  it('names a missing model', async () => {
    const nowhere = path.join(tmp, 'nowhere');
    await expect(runEvaluate({ model: nowhere, csv: labelled() }))
      .rejects.toThrow(`No model found: ${nowhere}/model.json does not ` +
        'exist (the folder ' + `${nowhere} does not exist either).`);
  });
});

describe('the yargs commands', () => {
  it('parse their options', async () => {
    // Label first by index, no header: --label 0 --no-header.
    const file = writeCsv('noheader.csv',
      RAW.map((r, i) => [TRUE[i], ...r].join(',')));
    const out = path.join(tmp, 'p.csv');
    const write = vi.spyOn(process.stdout, 'write')
      .mockImplementation(() => true);
    const warn = vi.spyOn(process.stderr, 'write')
      .mockImplementation(() => true);
    try {
      await yargs().command(predictCommand).command(evaluateCommand)
        .strict().parseAsync(['predict', modelDir, file, '--no-header',
          '--label', '0', '--out', out, '--backend', 'wasm']);
      expect(fs.readFileSync(out, 'utf8'))
        .toBe(['prediction', ...expectedPred, ''].join('\n'));
      expect(warn).toHaveBeenCalledWith(`Wrote 6 predictions to ${out}\n`);
      await yargs().command(predictCommand).command(evaluateCommand)
        .strict().parseAsync(['evaluate', modelDir, file, '--no-header',
          '--label', '0', '--backend', 'wasm']);
      const printed = write.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('Confusion matrix (rows: true label');
      expect(printed).toContain('    accuracy');
    } finally {
      write.mockRestore();
      warn.mockRestore();
    }
  });
});
