import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onTestFinished } from 'vitest';
import { mnistMatrix } from '../../src/data/mnist.js';
import * as keras from '../../src/keras/index.js';

const { layers } = keras;

/** Small MNIST slices keep the tests fast. */
export function smallMnist(train = 600, test = 200) {
  return {
    train: mnistMatrix('train', { limit: train }),
    test: mnistMatrix('test', { limit: test }),
  };
}

/** The tutorial network, with a smaller first layer when asked. */
export function tutorialModel(hidden = 128) {
  return keras.Sequential([
    layers.Dense(hidden, { activation: 'relu', inputShape: [784] }),
    layers.Dense(64, { activation: 'relu' }),
    layers.Dense(10, { activation: 'softmax' }),
  ]);
}

/** A fresh folder, removed when the calling test ends. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keras-${prefix}-`));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A writable stream that keeps what is written. */
export function memoryStream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    isTTY,
    chunks,
    text: () => chunks.join(''),
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream & {
    chunks: string[];
    text(): string;
  };
}

export const fixture = JSON.parse(fs.readFileSync(
  new URL('../fixtures/keras/keras_defaults.json', import.meta.url), 'utf8'));
