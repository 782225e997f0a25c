import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/errors.js';
import {
  loadLayersModel,
  readModelMetadata,
} from '../../src/io/file_system.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import { dataOf, findRun, optionsOf } from './helpers.js';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-sklearn-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * Loads a saved model in a fresh Node process with nothing but plain
 * @tensorflow/tfjs (cpu backend) and a file-reading IO handler written
 * here, and returns its predictions for `rows`.
 */
function plainTfjsPredict(folder: string, rows: number[][]): number[][] {
  const script = `
    import * as fs from 'node:fs';
    import * as path from 'node:path';
    import * as tf from '@tensorflow/tfjs';
    const [folder, rowsJson] = process.argv.slice(1);
    const json = JSON.parse(fs.readFileSync(path.join(folder, 'model.json')));
    const handler = { load: async () => {
      const specs = json.weightsManifest.flatMap((g) => g.weights);
      const bufs = json.weightsManifest.flatMap((g) => g.paths)
        .map((p) => fs.readFileSync(path.join(folder, p)));
      const all = Buffer.concat(bufs);
      return { modelTopology: json.modelTopology, weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset,
          all.byteOffset + all.byteLength) };
    } };
    await tf.setBackend('cpu');
    const model = await tf.loadLayersModel(handler);
    const out = model.predict(tf.tensor2d(JSON.parse(rowsJson)));
    process.stdout.write(JSON.stringify(out.arraySync()));
  `;
  const text = execFileSync(process.execPath,
    ['--input-type=module', '-e', script, folder, JSON.stringify(rows)],
    { cwd: process.cwd(), encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(text) as number[][];
}

describe.each([
  ['wine', 'sgd_string_labels'],
  ['breast_cancer', 'adam_string_labels'],
])('save / load (%s %s)', (dataset, label) => {
  const run = findRun(dataset, label);
  const data = dataOf(run);
  let clf: MLPClassifier;
  let folder: string;

  beforeAll(async () => {
    clf = new MLPClassifier({ ...optionsOf(run), maxIter: 20 });
    await clf.fit(data.x_train, data.y_train);
    folder = path.join(tmp, `${dataset} model é`);
    expect(await clf.save(folder)).toBe(path.resolve(folder));
  });
  afterAll(() => clf.dispose());

  it('plain tfjs in a fresh process predicts the same probabilities',
    () => {
      const rows = data.x_test.slice(0, 10);
      const theirs = plainTfjsPredict(folder, rows);
      const ours = clf.predictProba(rows);
      theirs.forEach((row, i) => {
        // Binary models output P(classes[1]) in one column.
        const p = row.length === 1 ? [1 - row[0]!, row[0]!] : row;
        p.forEach((v, j) => {
          expect(Math.abs(v - ours.data[i * ours.cols + j]!))
            .toBeLessThan(1e-6);
        });
      });
    });

  it('MLPClassifier.load restores classes, state and predictions',
    async () => {
      const back = await MLPClassifier.load(folder);
      expect(back.classes).toEqual(clf.classes);
      expect(back.lossCurve).toEqual(clf.lossCurve);
      expect(back.nIter).toBe(clf.nIter);
      expect(back.t).toBe(clf.t);
      expect(back.loss).toBe(clf.loss);
      expect(back.outActivation).toBe(clf.outActivation);
      expect(back.getParams()).toEqual({ ...clf.getParams() });
      expect(back.predict(data.x_test)).toEqual(clf.predict(data.x_test));
      expect(Array.from(back.predictProba(data.x_test).data))
        .toEqual(Array.from(clf.predictProba(data.x_test).data));
      back.dispose();
    });

  it('writes the trio metadata with Python option names', () => {
    const meta = readModelMetadata(folder).trio as Record<string, unknown>;
    expect(meta).toMatchObject({
      version: 1,
      facade: 'sklearn',
      classes: clf.classes,
      output: 'probabilities',
    });
    const options = meta.options as Record<string, unknown>;
    expect(options.hidden_layer_sizes).toEqual([16]);
    expect(options.learning_rate_init).toBe(run.args.learning_rate_init);
    expect(options.beta_1).toBe(0.9);
    expect((meta.state as Record<string, unknown>).nIter).toBe(20);
  });

  it('has explicit activations in the LayersModel', async () => {
    const model = await loadLayersModel(folder);
    const config = model.layers.map((l) => l.getConfig().activation);
    expect(config).toEqual(['relu',
      clf.nOutputs === 1 ? 'sigmoid' : 'softmax']);
    model.dispose();
  });

  it('refuses to overwrite unless asked', async () => {
    await expect(clf.save(folder)).rejects.toThrow(ModelFileError);
    await clf.save(folder, { overwrite: true });
  });
});

describe('load errors', () => {
  it('refuses a model saved by another facade', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2,
      inputShape: [3], activation: 'softmax' })] });
    model.setUserDefinedMetadata({ trio: { version: 1, facade: 'keras',
      classes: [0, 1], output: 'probabilities' } });
    const folder = path.join(tmp, 'keras-model');
    const { saveLayersModel } = await import('../../src/io/file_system.js');
    await saveLayersModel(model, folder);
    model.dispose();
    await expect(MLPClassifier.load(folder)).rejects.toThrow(
      'was saved by the keras facade, not by MLPClassifier');
  });

  it('names a missing model.json', async () => {
    await expect(MLPClassifier.load(path.join(tmp, 'nothing')))
      .rejects.toThrow(ModelFileError);
  });
});
