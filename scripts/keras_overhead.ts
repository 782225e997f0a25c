/**
 * Measurement (not a test): training time of the tutorial network through
 * the Keras facade against the same model written directly with tfjs
 * (`tf.sequential` + `model.fit`), same data, backend, batch size and
 * epochs. Runs alternate (tfjs, facade, tfjs, facade...) to spread the
 * noise of a shared machine; the median epoch time of each is reported.
 *
 *     npx tsx scripts/keras_overhead.ts [--rows 30000] [--epochs 3]
 *         [--rounds 2] [--batches 200,10000] [--backend wasm]
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/select.js';
import { mnistMatrix } from '../src/data/mnist.js';
import * as keras from '../src/keras/index.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const rows = Number(arg('rows', '30000'));
const epochs = Number(arg('epochs', '3'));
const rounds = Number(arg('rounds', '2'));
const batches = arg('batches', '200,10000').split(',').map(Number);
const backend = await selectBackend(arg('backend', 'wasm'));
const train = mnistMatrix('train', { limit: rows });

/** Seconds per epoch of each epoch, from epoch-end timestamps. */
async function rawTfjs(batchSize: number): Promise<number[]> {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784],
      kernelInitializer: 'glorotUniform' }),
    tf.layers.dense({ units: 64, activation: 'relu',
      kernelInitializer: 'glorotUniform' }),
    tf.layers.dense({ units: 10, activation: 'softmax',
      kernelInitializer: 'glorotUniform' }),
  ] });
  const optimizer = tf.train.adam(0.001, 0.9, 0.999, 1e-7);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy',
    metrics: ['acc'] });
  const x = tf.tensor2d(train.x.data, [train.x.rows, train.x.cols]);
  const y = tf.tensor1d(train.y, 'float32');
  const times: number[] = [];
  let last = performance.now();
  await model.fit(x, y, { batchSize, epochs, shuffle: true, verbose: 0,
    callbacks: { onEpochEnd: async () => {
      const now = performance.now();
      times.push((now - last) / 1000);
      last = now;
    } } });
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return times;
}

async function facade(batchSize: number): Promise<number[]> {
  const model = keras.Sequential([
    keras.layers.Dense(128, { activation: 'relu', inputShape: [784] }),
    keras.layers.Dense(64, { activation: 'relu' }),
    keras.layers.Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'] });
  const times: number[] = [];
  let last = performance.now();
  await model.fit(train.x, train.y, { batchSize, epochs, verbose: 0,
    callbacks: [{ onEpochEnd: () => {
      const now = performance.now();
      times.push((now - last) / 1000);
      last = now;
    } }] });
  model.dispose();
  return times;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const results = [];
for (const batchSize of batches) {
  const raw: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < rounds; r++) {
    raw.push(...await rawTfjs(batchSize));
    ours.push(...await facade(batchSize));
  }
  const result = {
    backend: backend.name, rows, batchSize, epochs: raw.length,
    tfjsMedianSeconds: Number(median(raw).toFixed(3)),
    facadeMedianSeconds: Number(median(ours).toFixed(3)),
    overheadPercent: Number(((median(ours) / median(raw) - 1) * 100)
      .toFixed(1)),
    tfjsEpochs: raw.map((t) => Number(t.toFixed(3))),
    facadeEpochs: ours.map((t) => Number(t.toFixed(3))),
  };
  results.push(result);
  console.log(JSON.stringify(result));
}
