// Shared by the facades_*.test.ts files: small models trained through each
// facade's own API on a real MNIST slice, and a fresh Node process that
// loads a saved model with nothing but plain `@tensorflow/tfjs`.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { FacadeEntry, FacadeName, TrainedModel } from
  '../../src/compare/types.js';
import type { Matrix } from '../../src/data/matrix.js';
import { mnistMatrix } from '../../src/data/mnist.js';
import * as keras from '../../src/keras/index.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import * as torch from '../../src/torch/index.js';

const run = promisify(execFile);

/** 1,500 training digits and 100 test digits, pixels divided by 255. */
export function mnistSlices(): {
  train: { x: Matrix; y: Int32Array };
  test: { x: Matrix; y: Int32Array };
} {
  return {
    train: mnistMatrix('train', { limit: 1500, scale: 255 }),
    test: mnistMatrix('test', { limit: 100, scale: 255 }),
  };
}

/** Digit names, for string class labels. */
export const DIGIT_NAMES = [
  'zero', 'one', 'two', 'three', 'four',
  'five', 'six', 'seven', 'eight', 'nine',
];

/**
 * A 784-32-10 MLPClassifier (adam, 4 iterations of batch 100, seeded). A
 * ConvergenceWarning is expected and kept in `lastWarnings`.
 */
export async function trainSklearn(
  x: Matrix,
  y: ArrayLike<number | string>,
): Promise<MLPClassifier> {
  const clf = new MLPClassifier({
    hiddenLayerSizes: [32], maxIter: 4, batchSize: 100, randomState: 7,
  });
  await clf.fit(x, y);
  return clf;
}

/** A 784-32-10 Keras Sequential (softmax), 3 epochs of Adam, batch 100. */
export async function trainKeras(
  x: Matrix,
  y: Int32Array,
): Promise<keras.SequentialModel> {
  keras.utils.setRandomSeed(3);
  const model = keras.Sequential([
    keras.layers.Dense(32, { activation: 'relu', inputShape: [784] }),
    keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 3, batchSize: 100, verbose: 0 });
  return model;
}

/** The tutorial's module shape, smaller: fc1 784-32, ReLU, fc2 32-10. */
export class TinyNet extends torch.nn.Module {
  fc1 = new torch.nn.Linear(784, 32);
  relu = new torch.nn.ReLU();
  fc2 = new torch.nn.Linear(32, 10);

  forward(x: tf.Tensor): tf.Tensor {
    return this.fc2(this.relu(this.fc1(x)));
  }
}

/** TinyNet trained with the tutorial's loop: Adam lr 1e-3, 2 epochs. */
export async function trainTorch(x: Matrix, y: Int32Array):
  Promise<TinyNet> {
  torch.manualSeed(5);
  const net = new TinyNet();
  const xs = torch.tensor(x, { dtype: torch.float32 });
  const ys = torch.tensor(y, { dtype: torch.long });
  const loader = new torch.utils.data.DataLoader(
    new torch.utils.data.TensorDataset(xs, ys),
    { batchSize: 64, shuffle: true });
  const loss = new torch.nn.CrossEntropyLoss();
  const optimizer = new torch.optim.Adam(net.parameters(), { lr: 0.001 });
  net.train();
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const [xb, yb] of loader) {
      optimizer.zeroGrad();
      tf.dispose(torch.backward(() => loss(net(xb!), yb!)));
      optimizer.step();
    }
  }
  net.eval();
  optimizer.dispose();
  loss.dispose();
  tf.dispose([xs, ys]);
  return net;
}

/** Logits of a torch module for `x`, as the trainer computes them. */
export function torchLogits(net: torch.nn.Module, x: Matrix): Float32Array {
  let out = new Float32Array(0);
  torch.noGrad(() => {
    const y = net(tf.tensor2d(x.data, [x.rows, x.cols]));
    out = Float32Array.from(y.dataSync());
  });
  return out;
}

/** Row-wise softmax in float64 of a [rows, k] matrix. */
export function softmaxRows(values: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += k) {
    const row = Array.from({ length: k }, (_, j) => values[i + j]!);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / s));
  }
  return out;
}

/** Index of the largest value of each row of a [rows, k] matrix. */
export function argmaxRows(values: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += k) {
    let best = 0;
    for (let j = 1; j < k; j++) {
      if (values[i + j]! > values[i + best]!) {
        best = j;
      }
    }
    out.push(best);
  }
  return out;
}

/** Largest absolute difference between two equally long arrays. */
export function worstDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number {
  if (a.length !== b.length) {
    throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  }
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst;
}

/**
 * The child program: plain `@tensorflow/tfjs` (its main file from the
 * project's node_modules; nothing from tfjs-trio), the pure-JS cpu
 * backend, and an IO handler written here that reads model.json and its
 * shards with fs.
 * Prints one `RESULT {json}` line.
 */
export const CHILD_MJS = String.raw`
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const [tfjsMain, folder, inputFile, rows, cols] = process.argv.slice(2);
// The package's own entry file, as 'require("@tensorflow/tfjs")' finds it.
const tf = createRequire(import.meta.url)(tfjsMain);

const handler = {
  async load() {
    const json = JSON.parse(
      fs.readFileSync(path.join(folder, 'model.json'), 'utf8'));
    const weightSpecs = [];
    const parts = [];
    for (const group of json.weightsManifest) {
      weightSpecs.push(...group.weights);
      for (const shard of group.paths) {
        parts.push(fs.readFileSync(path.join(folder, shard)));
      }
    }
    const all = Buffer.concat(parts);
    return {
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      trainingConfig: json.trainingConfig,
      userDefinedMetadata: json.userDefinedMetadata,
      weightSpecs,
      weightData: all.buffer.slice(all.byteOffset,
        all.byteOffset + all.byteLength),
    };
  },
};

await tf.setBackend('cpu');
const model = await tf.loadLayersModel(handler);
const bytes = fs.readFileSync(inputFile);
const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset,
  bytes.byteOffset + bytes.byteLength));
const y = model.predict(tf.tensor2d(x, [Number(rows), Number(cols)]));
process.stdout.write('RESULT ' + JSON.stringify({
  backend: tf.getBackend(),
  shape: y.shape,
  values: Array.from(y.dataSync()),
  classes: Array.from(y.argMax(1).dataSync()),
  metadata: model.getUserDefinedMetadata() ?? null,
}) + '\n');
`;

export interface ChildResult {
  backend: string;
  shape: number[];
  values: number[];
  classes: number[];
  metadata: any;
}

/**
 * Writes CHILD_MJS and `x` (raw float32) into `tmp`, runs the child in a
 * new Node process on the model in `folder` and returns what it printed.
 */
export async function predictInFreshProcess(
  tmp: string,
  folder: string,
  x: Matrix,
): Promise<ChildResult> {
  const script = path.join(tmp, 'plain_tfjs_predict.mjs');
  fs.writeFileSync(script, CHILD_MJS);
  const inputFile = path.join(tmp, `x-${path.basename(folder)}.f32`);
  fs.writeFileSync(inputFile, Buffer.from(x.data.buffer, x.data.byteOffset,
    x.data.byteLength));
  const tfjsMain = createRequire(import.meta.url)
    .resolve('@tensorflow/tfjs');
  const { stdout } = await run(process.execPath,
    [script, tfjsMain, folder, inputFile, String(x.rows),
      String(x.cols)],
    { cwd: tmp, maxBuffer: 64 * 1024 * 1024 });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) {
    throw new Error(`the child printed no result:\n${stdout}`);
  }
  return JSON.parse(line.slice('RESULT '.length)) as ChildResult;
}

/** What a wrapped facade saw its trained model predict. */
export interface Recorded {
  /** predictProba of the trained model on the comparison's test set. */
  proba: Float32Array;
  /** predict (class indices) on the same rows. */
  indices: Int32Array;
  rows: number;
}

/**
 * Wraps each facade entry so that the model it trains also records its
 * own predictions on the rows runComparison evaluates (the first
 * `predict` call, on the test set), before the comparison saves it.
 */
export function recordingEntries(
  entries: Record<FacadeName, FacadeEntry>,
  seen: Map<string, Recorded>,
): Record<FacadeName, FacadeEntry> {
  const wrap = (entry: FacadeEntry): FacadeEntry => ({
    check: entry.check,
    async run(section, keyPath, data, context) {
      const trained = await entry.run(section, keyPath, data, context);
      const wrapped: TrainedModel = {
        ...trained,
        predict(x) {
          const indices = trained.predict(x);
          seen.set(context.model, {
            proba: trained.predictProba(x),
            indices,
            rows: x.rows,
          });
          return indices;
        },
        predictProba: (x) => trained.predictProba(x),
        toLayersModel: () => trained.toLayersModel(),
        metadata: () => trained.metadata(),
        dispose: () => trained.dispose(),
      };
      return wrapped;
    },
  });
  return {
    sklearn: wrap(entries.sklearn),
    keras: wrap(entries.keras),
    torch: wrap(entries.torch),
  };
}
