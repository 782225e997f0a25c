import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvaluate } from '../../src/cli/evaluate.js';
import { FACADE_ENTRIES } from '../../src/compare/facades.js';
import type { FacadeName, TrainingData } from '../../src/compare/types.js';
import { loadTrioModel } from '../../src/io/model_file.js';
import { saveLayersModel } from '../../src/io/file_system.js';
import { METADATA_KEY } from '../../src/io/metadata.js';
import * as keras from '../../src/keras/index.js';
import { MemoryReporter } from '../../src/reporter.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import * as torch from '../../src/torch/index.js';
import {
  buildCli,
  config,
  expectNoStack,
  kerasModel,
  makeTmp,
  removeTmp,
  rows,
  sklearnModel,
  torchModel,
  trio,
  writeConfig,
  writeData,
} from './helpers.js';

// Issue 8, leaks and determinism. Leaks: fit, evaluate, predict, save and
// load on each facade leave tf.memory().numTensors where it started.
// Determinism: two `trio compare --json` runs with the config's seed give
// the same losses, predictions and saved weight bytes.

let tmp: string;

beforeAll(() => {
  tmp = makeTmp('trio-bad-leaks-');
  writeData(tmp);
});
afterAll(() => removeTmp(tmp));

const RAW = rows(300, 1);
const X = RAW.map((r) => r.slice(1).map((v) => v / 255));
const Y = RAW.map((r) => r[0]!);
const TEST = rows(100, 2);
const XT = TEST.map((r) => r.slice(1).map((v) => v / 255));
const YT = TEST.map((r) => r[0]!);

describe('leaks: the tensor count returns to its start', () => {
  it('sklearn: fit, score, predict, save, load', async () => {
    const start = tf.memory().numTensors;
    const clf = new MLPClassifier({ hiddenLayerSizes: [8], maxIter: 3,
      randomState: 1 });
    await clf.fit(X, Y);
    clf.score(XT, YT);
    clf.predict(XT);
    clf.predictProba(XT);
    const folder = await clf.save(path.join(tmp, 'lib-sk'));
    const loaded = await MLPClassifier.load(folder);
    expect(loaded.predict(XT)).toEqual(clf.predict(XT));
    loaded.dispose();
    clf.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('keras: compile, fit, evaluate, predict, save, load', async () => {
    keras.utils.setRandomSeed(1);
    const start = tf.memory().numTensors;
    const model = keras.Sequential([
      keras.layers.Dense(8, { activation: 'relu', inputShape: [4] }),
      keras.layers.Dense(3, { activation: 'softmax' }),
    ]);
    model.compile({ optimizer: 'adam',
      loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    await model.fit(X, Y, { epochs: 2, batchSize: 32, verbose: 0,
      validationData: [XT, YT] });
    model.evaluate(XT, YT, { verbose: 0 });
    tf.dispose(model.predict(XT));
    const folder = await model.save(path.join(tmp, 'lib-ke'));
    const loaded = await keras.models.loadModel(folder);
    const a = model.predictArray(XT);
    expect(loaded.predictArray(XT)).toEqual(a);
    loaded.evaluate(XT, YT, { verbose: 0 });
    loaded.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('torch: train loop, evaluation, predict, save and load a state dict',
    async () => {
      torch.manualSeed(1);
      const start = tf.memory().numTensors;
      const { nn, optim } = torch;
      const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(),
        new nn.Linear(8, 3));
      const lossFn = new nn.CrossEntropyLoss();
      const optimizer = new optim.Adam(net.parameters(), { lr: 0.01 });
      const x = torch.tensor(X);
      const y = torch.tensor(Y, { dtype: torch.long });
      const loader = new torch.utils.data.DataLoader(
        new torch.utils.data.TensorDataset(x, y),
        { batchSize: 32, shuffle: true });
      net.train();
      for (let epoch = 0; epoch < 2; epoch++) {
        for (const [xb, yb] of loader) {
          optimizer.zeroGrad();
          torch.backward(() => lossFn(net(xb!), yb!));
          optimizer.step();
        }
      }
      net.eval();
      const xt = torch.tensor(XT);
      const yt = torch.tensor(YT, { dtype: torch.long });
      torch.noGrad(() => {
        torch.item(lossFn(net(xt), yt));
        tf.dispose(torch.argmax(net(xt), 1));
      });
      const file = path.join(tmp, 'lib-to.safetensors');
      torch.save(net.stateDict(), file);
      const again = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(),
        new nn.Linear(8, 3));
      const state = torch.load(file);
      again.loadStateDict(state);
      tf.dispose(Object.values(state));
      const before = torch.noGrad(() => net(xt).arraySync());
      expect(torch.noGrad(() => again(xt).arraySync())).toEqual(before);
      tf.dispose([x, y, xt, yt]);
      again.dispose();
      optimizer.dispose();
      lossFn.dispose();
      net.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

  it.each(['sklearn', 'keras', 'torch'] as const)('%s through the ' +
    'comparison: run, predict, save, loadTrioModel, evaluate',
  async (facade: FacadeName) => {
    const data: TrainingData = {
      x: { data: Float32Array.from(X.flat()), rows: 300, cols: 4 },
      y: Int32Array.from(Y),
      classes: [0, 1, 2],
    };
    const model = { sklearn: sklearnModel(), keras: kerasModel(),
      torch: torchModel() }[facade] as Record<string, unknown>;
    const { name: _n, facade: _f, ...section } = model;
    const start = tf.memory().numTensors;
    const trained = await FACADE_ENTRIES[facade].run(section, 'models[0]',
      data, { reporter: new MemoryReporter(), model: 'm', seed: 1 });
    trained.predict(data.x);
    trained.predictProba(data.x);
    const layers = trained.toLayersModel();
    layers.setUserDefinedMetadata({ [METADATA_KEY]: {
      version: 1, output: 'probabilities', ...trained.metadata(),
      featureNames: ['a', 'b', 'c', 'd'], labelName: 'label',
    } });
    const folder = await saveLayersModel(layers,
      path.join(tmp, `entry-${facade}`));
    layers.dispose();
    const loaded = await loadTrioModel(folder);
    expect(Array.from(loaded.predictIndices(data.x)))
      .toEqual(Array.from(trained.predict(data.x)));
    loaded.dispose();
    await runEvaluate({ model: folder, csv: path.join(tmp, 'test.csv') });
    trained.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('determinism: two runs with the same seed', () => {
  it('trio compare --json: identical losses, predictions and weights',
    async () => {
      const main = buildCli();
      const runs = [];
      for (const out of ['run1', 'run2']) {
        const cfg = writeConfig(tmp, `${out}.yaml`, config(
          [sklearnModel('sk', { max_iter: 3 }),
            kerasModel('ke', { epochs: 3 }),
            torchModel('to', { epochs: 3 })],
          {}, { output: out }));
        const run = await trio(main, ['compare', cfg, '--json'], tmp);
        expectNoStack(run);
        expect(run.code, run.stderr).toBe(0);
        runs.push(JSON.parse(run.stdout) as { models: {
          name: string; lossCurve: number[]; confusion: number[][];
          accuracy: number; }[] });
      }
      const [a, b] = runs;
      for (let i = 0; i < 3; i++) {
        const [ma, mb] = [a!.models[i]!, b!.models[i]!];
        expect(ma.lossCurve.length).toBe(3);
        expect(mb.lossCurve).toEqual(ma.lossCurve);
        expect(mb.confusion).toEqual(ma.confusion);
        const bytes = (out: string) => fs.readFileSync(
          path.join(tmp, out, ma.name, 'weights.bin'));
        expect(bytes('run2').equals(bytes('run1'))).toBe(true);
      }
      // Same predictions, row by row, from the saved models.
      for (const name of ['sk', 'ke', 'to']) {
        const predict = (out: string) => trio(main, ['predict',
          path.join(out, name), 'test.csv', '--proba'], tmp);
        const [p1, p2] = [await predict('run1'), await predict('run2')];
        expect(p1.code).toBe(0);
        expect(p2.stdout).toBe(p1.stdout);
      }
      // A different seed changes them (the check above can fail).
      const cfg = writeConfig(tmp, 'run3.yaml', config([torchModel('to',
        { epochs: 3 })], {}, { output: 'run3', seed: 2 }));
      const run3 = await trio(main, ['compare', cfg, '--json'], tmp);
      const curve3 = (JSON.parse(run3.stdout) as typeof a).models[0]!
        .lossCurve;
      expect(curve3).not.toEqual(a!.models[2]!.lossCurve);
    });
});
