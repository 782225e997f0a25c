import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  keras,
  mnistMatrix,
  sklearn,
  sliceRows,
  torch,
} from '../../src/index.js';

// Every option spelling the option tables of docs/PORTING.md give, used
// once through the public entry: the facades refuse unknown keys, so a
// misspelt row fails here.
const { layers } = keras;
const { nn, optim } = torch;
const { TensorDataset, DataLoader } = torch.utils.data;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-porting-'));
const { x, y } = mnistMatrix('train', { limit: 300, scale: 255 });

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the option tables of docs/PORTING.md', () => {
  it('slices as the data table says', () => {
    expect(sliceRows(x, 0, 200).rows).toBe(200);
    expect(y.slice(0, 200)).toHaveLength(200);
  });

  it('MLPClassifier: constructor, methods, attributes', async () => {
    const clf = new sklearn.MLPClassifier({
      hiddenLayerSizes: [16], activation: 'relu', solver: 'adam',
      alpha: 0.0001, batchSize: 'auto', learningRate: 'constant',
      learningRateInit: 0.001, powerT: 0.5, maxIter: 2, shuffle: true,
      randomState: 0, tol: 1e-4, verbose: false, warmStart: false,
      momentum: 0.9, nesterovsMomentum: true, earlyStopping: false,
      validationFraction: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
      nIterNoChange: Infinity, maxFun: 15000,
    });
    await clf.fit(x, y);
    await clf.partialFit(x, y, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(clf.nIter).toBe(3);
    expect(clf.lossCurve).toHaveLength(3);
    expect(clf.predictProba(x).cols).toBe(10);
    expect(clf.predictLogProba(x).rows).toBe(300);
    expect(clf.predict(x)).toHaveLength(300);
    expect(clf.getParams().maxIter).toBe(2);
    expect(clf.setParams({ maxIter: 3 })).toBe(clf);
    // 784-16-10: two weight matrices and two bias vectors.
    expect(clf.coefs.map((c) => [c.rows, c.cols])).toEqual(
      [[784, 16], [16, 10]]);
    expect(clf.intercepts.map((b) => b.length)).toEqual([16, 10]);
    expect(clf.nFeaturesIn).toBe(784);
    await clf.save(path.join(tmp, 'sk'));
    const loaded = await sklearn.MLPClassifier.load(path.join(tmp, 'sk'));
    expect(loaded.predict(x)).toEqual(clf.predict(x));
    loaded.dispose();
    clf.dispose();
  });

  it('Keras: Sequential, layers, compile, fit, callbacks', async () => {
    keras.utils.setRandomSeed(42);
    keras.utils.clearSession();
    const model = keras.Sequential([
      keras.Input({ shape: [784] }),
      layers.Dense(16, { activation: 'relu', useBias: true,
        kernelInitializer: 'glorot_uniform', biasInitializer: 'zeros',
        kernelRegularizer: null, biasRegularizer: null }),
      layers.Dropout(0.2, { noiseShape: [1, 16] }),
      layers.Activation('relu'),
      layers.BatchNormalization({}),
      layers.Dense(10, { activation: 'softmax' }),
    ], { name: 'porting' });
    model.build([784]);
    // 784*16 + 16 + BatchNormalization's 4*16 + 16*10 + 10.
    expect(model.countParams()).toBe(12560 + 64 + 170);
    expect(model.summary({ printFn: () => {} })).toContain('porting');
    model.compile({
      optimizer: keras.optimizers.Adam({ learningRate: 0.001, beta1: 0.9,
        beta2: 0.999, epsilon: 1e-7, amsgrad: false }),
      loss: keras.losses.SparseCategoricalCrossentropy({ fromLogits: false }),
      metrics: ['accuracy'],
    });
    const epochs: number[] = [];
    class Recorder extends keras.callbacks.Callback {
      onEpochEnd(epoch: number) {
        epochs.push(epoch);
      }
    }
    const history = await model.fit(x, y, {
      epochs: 2, batchSize: 64, verbose: 0, validationSplit: 0.2,
      shuffle: true, initialEpoch: 0, validationBatchSize: 64,
      validationFreq: 1,
      callbacks: [
        new Recorder(),
        { onEpochEnd: () => {} },
        keras.callbacks.EarlyStopping({ monitor: 'val_loss', minDelta: 0,
          patience: 2, verbose: 0, mode: 'auto', baseline: null,
          restoreBestWeights: true, startFromEpoch: 0 }),
        keras.callbacks.ModelCheckpoint(path.join(tmp, 'ckpt-{epoch:02d}'),
          { monitor: 'val_loss', verbose: 0, saveBestOnly: false,
            saveWeightsOnly: false, mode: 'auto', saveFreq: 'epoch',
            initialValueThreshold: null }),
      ],
    });
    expect(epochs).toEqual([0, 1]);
    expect(history.epoch).toEqual([0, 1]);
    expect(history.history['val_accuracy']).toHaveLength(2);
    expect(fs.existsSync(path.join(tmp, 'ckpt-02'))).toBe(true);
    expect(model.evaluate(x, y, { batchSize: 32, verbose: 0 })).toHaveLength(
      2);
    const before = tf.memory().numTensors;
    const p = model.predict(x, { batchSize: 32, verbose: 0 });
    expect(p.shape).toEqual([300, 10]);
    p.dispose();
    expect(model.predictArray(x)).toHaveLength(300);
    expect(tf.memory().numTensors).toBe(before);
    await model.save(path.join(tmp, 'keras'));
    const again = await keras.models.loadModel(path.join(tmp, 'keras'));
    expect(again.layers).toHaveLength(model.layers.length);
    again.dispose();
    model.dispose();
    for (const optimizer of [
      keras.optimizers.SGD({ learningRate: 0.01, momentum: 0,
        nesterov: false }),
      keras.optimizers.RMSprop({ learningRate: 0.001, rho: 0.9,
        momentum: 0, epsilon: 1e-7, centered: false }),
    ]) {
      optimizer.dispose();
    }
    keras.losses.CategoricalCrossentropy({ fromLogits: true,
      labelSmoothing: 0.1 });
  });

  it('PyTorch: modules, losses, optimizers, data, saving', async () => {
    const before = tf.memory().numTensors;
    torch.manualSeed(42);
    class Net extends nn.Module {
      fc1 = new nn.Linear(784, 16);
      relu = new nn.ReLU();
      fc2 = new nn.Linear(16, 10, true);
      forward(input: tf.Tensor): tf.Tensor {
        return this.fc2(this.relu(this.fc1(input)));
      }
    }
    const m = new Net();
    expect(m.namedParameters().map(([name]) => name)).toEqual(
      ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(m.namedChildren().map(([name]) => name)).toEqual(
      ['fc1', 'relu', 'fc2']);
    expect(m.children()).toHaveLength(3);
    expect(m.modules()).toHaveLength(4);
    expect(m.namedModules()).toHaveLength(4);
    expect(m.requiresGrad(false).requiresGrad(true).to('cpu')).toBe(m);
    expect(m.eval().training).toBe(false);
    m.train();
    expect(String(m)).toContain(
      '(fc1): Linear(in_features=784, out_features=16, bias=True)');
    const file = path.join(tmp, 'm.safetensors');
    torch.save(m.stateDict(), file);
    const sd = torch.load(file);
    m.loadStateDict(sd, true);
    tf.dispose(Object.values(sd));

    const seq = new nn.Sequential(new nn.Flatten(1, -1),
      new nn.Linear(784, 10), new nn.Dropout(0.5), new nn.Softmax(1),
      new nn.Sigmoid(), new nn.Tanh());
    expect(seq.length).toBe(6);
    expect(seq.at(1)).toBeInstanceOf(nn.Linear);
    const loss = new nn.CrossEntropyLoss({ weight: Array(10).fill(1),
      ignoreIndex: -100, reduction: 'mean', labelSmoothing: 0.1 });
    const nll = new nn.NLLLoss({ ignoreIndex: -100, reduction: 'sum' });
    const mse = new nn.MSELoss({ reduction: 'mean' });
    const adam = new optim.Adam(m.parameters(), { lr: 0.001,
      betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
    const sgd = new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9,
      dampening: 0, weightDecay: 0, nesterov: true });
    expect(adam.paramGroups).toHaveLength(1);
    const scheduler = new optim.lr_scheduler.StepLR(adam, 10,
      { gamma: 0.5 });
    expect(optim.StepLR).toBe(optim.lr_scheduler.StepLR);

    const xs = torch.tensor(x);
    const ys = torch.tensor(y, { dtype: torch.long });
    const ds = new TensorDataset(xs, ys);
    expect(ds.length).toBe(300);
    tf.dispose(ds.at(0));
    const loader = new DataLoader(ds, { batchSize: 32, shuffle: true,
      dropLast: true, generator: torch.defaultGenerator });
    // 300 samples in batches of 32, the last 12 dropped: 9 batches.
    expect(loader.length).toBe(9);
    for (const [xb, yb] of loader) {
      adam.zeroGrad(true);
      const value = torch.backward(() => loss(m(xb), yb));
      adam.step();
      expect(Number.isFinite(torch.item(value))).toBe(true);
    }
    scheduler.step();
    torch.noGrad(() => {
      for (const [xb, yb] of loader) {
        const predictions = torch.argmax(m(xb), 1);
        expect(torch.countEqual(predictions, yb)).toBeLessThanOrEqual(32);
        expect(torch.size(yb)).toEqual([32]);
      }
    });

    // A map-style dataset with collateFn, and defaultCollate.
    class Rows extends torch.utils.data.Dataset<[torch.Tensor, number]> {
      get length() {
        return 10;
      }

      at(i: number): [torch.Tensor, number] {
        return [torch.tensor(x.data.subarray(i * 784, (i + 1) * 784)), y[i]!];
      }
    }
    const rows = new DataLoader(new Rows(), { batchSize: 4, shuffle: true,
      dropLast: false, generator: new torch.Generator().manualSeed(0),
      collateFn: (samples) => torch.utils.data.defaultCollate(samples) });
    expect(rows.length).toBe(3);
    for (const [xb, yb] of rows) {
      expect(torch.size(xb)[1]).toBe(784);
      expect(yb.dtype).toBe('int32');
    }

    torch.exportLayersModel(m, [784]).dispose();
    await torch.saveModule(m, path.join(tmp, 'torch'), { inputShape: [784] });
    (await torch.loadModule(path.join(tmp, 'torch'))).dispose();
    const saved = await torch.loadLayersStateDict(path.join(tmp, 'torch'));
    expect(Object.keys(saved)).toEqual(
      ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    tf.dispose(Object.values(saved));
    for (const owner of [adam, sgd, loss, nll, mse, m, seq]) {
      owner.dispose();
    }
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
