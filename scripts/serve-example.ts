// Serves the browser example (examples/browser/) on 127.0.0.1.
//
//   node --import tsx scripts/serve-example.ts <model folder> [--port 8080]
//   node --import tsx scripts/serve-example.ts --demo [--port 8080]
//
// `<model folder>` is any model saved by tfjs-trio (for example
// models/keras_sequential after `trio compare configs/mnist.yaml`).
// `--demo` first trains a small 784-64-10 model on 5,000 MNIST digits
// (a few seconds) and serves that. Open the printed URL; Ctrl-C stops.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { startExampleServer } from '../examples/browser/server.js';
import { selectBackend } from '../src/backend/select.js';
import { mnistMatrix } from '../src/data/mnist.js';
import { saveLayersModel } from '../src/io/file_system.js';

async function trainDemo(): Promise<string> {
  await selectBackend();
  const { x, y } = mnistMatrix('train', { limit: 5000, scale: 255 });
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 64, activation: 'relu', inputShape: [784] }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const xs = tf.tensor2d(x.data, [x.rows, x.cols]);
  const ys = tf.tensor1d(y, 'float32');
  await model.fit(xs, ys, { epochs: 5, batchSize: 64, verbose: 0 });
  tf.dispose([xs, ys]);
  model.setUserDefinedMetadata({ trio: {
    version: 1, facade: 'keras', classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    output: 'probabilities', scale: 255,
  } });
  const folder = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'trio-demo-')), 'model');
  await saveLayersModel(model, folder);
  model.dispose();
  return folder;
}

async function main(argv: string[]): Promise<void> {
  const rest = [...argv];
  let port = 8080;
  const portAt = rest.indexOf('--port');
  if (portAt !== -1) {
    port = Number(rest[portAt + 1]);
    rest.splice(portAt, 2);
  }
  const demo = rest.includes('--demo');
  const model = demo ? await trainDemo() : rest.find((a) => a !== '--demo');
  if (model === undefined || !Number.isInteger(port)) {
    process.stderr.write(
      'Usage: node --import tsx scripts/serve-example.ts ' +
        '<model folder> | --demo [--port 8080]\n');
    process.exitCode = 2;
    return;
  }
  const server = await startExampleServer({ model, port });
  process.stdout.write(`Serving ${model}\nOpen ${server.url}\n`);
  process.once('SIGINT', () => {
    void server.close().then(() => {
      if (demo) {
        fs.rmSync(path.dirname(model), { recursive: true, force: true });
      }
      process.exit(0);
    });
  });
}

await main(process.argv.slice(2));
