/**
 * Measurement (not a test): the tutorial's Keras block, ported line by
 * line, on the full MNIST (60,000 training rows, 10,000 test rows):
 * batch size 10000, 50 epochs, the test set as validation data.
 *
 *     npx tsx scripts/keras_mnist.ts [--epochs 50] [--backend wasm]
 *
 * Prints the per-epoch lines, then the test accuracy and seconds per
 * epoch as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/select.js';
import { mnistMatrix } from '../src/data/mnist.js';
import * as keras from '../src/keras/index.js';

const { layers } = keras;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const epochs = Number(arg('epochs', '50'));
const backend = await selectBackend(arg('backend', 'wasm'));
const seed = Number(arg('seed', '42'));
keras.utils.setRandomSeed(seed);

// --- split labels from features, scale to [0, 1]
const train = mnistMatrix('train', { scale: 255 });
const test = mnistMatrix('test', { scale: 255 });

// --- TensorFlow / Keras
const tfNN = keras.Sequential([
  layers.Dense(128, { activation: 'relu', inputShape: [784] }),
  layers.Dense(64, { activation: 'relu' }),
  layers.Dense(10, { activation: 'softmax' }),
]);
tfNN.compile({
  optimizer: 'adam',
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
});
const started = performance.now();
const history = await tfNN.fit(train.x, train.y, {
  epochs,
  batchSize: 10000,
  validationData: [test.x, test.y],
  verbose: 2,
});
const seconds = (performance.now() - started) / 1000;
const [loss, accuracy] = tfNN.evaluate(test.x, test.y, { verbose: 0 });
console.log('Accuracy: ', accuracy);
console.log(JSON.stringify({
  backend: backend.name,
  epochs: history.epoch.length,
  batchSize: 10000,
  seed,
  testLoss: loss,
  testAccuracy: accuracy,
  trainSeconds: Number(seconds.toFixed(2)),
  secondsPerEpoch: Number((seconds / history.epoch.length).toFixed(3)),
  finalValAccuracy: history.history['val_accuracy']!.at(-1),
  tensorsLeft: (tfNN.dispose(), tf.memory().numTensors),
}));
