import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistMatrix } from '../../src/data/mnist.js';
import { saveLayersModel } from '../../src/io/file_system.js';
import { loadTrioModel } from '../../src/io/model_file.js';
import { denseModel, makeTmp, removeTmp } from './helpers.js';

const run = promisify(execFile);

/**
 * Runs in a new Node process with nothing but plain `@tensorflow/tfjs`
 * (pure-JS cpu backend) and an IO handler written here: it must not need
 * anything from tfjs-trio to load the saved model.
 */
const CHILD = String.raw`
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const [folder, inputFile, rows, cols] = process.argv.slice(1);
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
  values: Array.from(y.dataSync()),
  metadata: model.getUserDefinedMetadata(),
}) + '\n');
`;

let tmp: string;
beforeAll(() => {
  tmp = makeTmp('trio-fresh-');
});
afterAll(() => {
  removeTmp(tmp);
});

async function predictInFreshProcess(
  folder: string,
  x: { data: Float32Array; rows: number; cols: number },
): Promise<{ backend: string; values: number[]; metadata: any }> {
  const inputFile = path.join(tmp, 'x.f32');
  fs.writeFileSync(inputFile, Buffer.from(x.data.buffer, x.data.byteOffset,
    x.data.byteLength));
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', CHILD, folder, inputFile,
      String(x.rows), String(x.cols)],
    // Bare imports resolve from the working folder's node_modules.
    { cwd: process.cwd(), maxBuffer: 64 * 1024 * 1024 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line, `child printed no result:\n${stdout}`).toBeDefined();
  return JSON.parse(line!.slice('RESULT '.length));
}

describe('a saved model in a fresh Node process with plain tfjs', () => {
  const x = mnistMatrix('test', { limit: 100, scale: 255 }).x;

  for (const [facade, output] of [
    ['keras', 'softmax'],
    ['torch', 'linear'],
  ] as const) {
    it(`predicts what the trainer predicted (${facade}, ${output})`,
      async () => {
        // 784-32-16-10 Dense layers, as the facades export them.
        const model = denseModel([784, 32, 16, 10], output, 11);
        const expected = tf.tidy(() => Array.from((model.predict(
          tf.tensor2d(x.data, [x.rows, x.cols])) as tf.Tensor).dataSync()));
        const classes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        model.setUserDefinedMetadata({ trio: {
          version: 1, facade, classes, scale: 255,
          output: output === 'linear' ? 'logits' : 'probabilities',
        } });
        const folder = await saveLayersModel(model,
          path.join(tmp, `${facade} model ✓`));
        model.dispose();

        const child = await predictInFreshProcess(folder, x);
        expect(child.backend).toBe('cpu');
        expect(child.metadata.trio.classes).toEqual(classes);
        expect(child.values.length).toBe(expected.length);
        const worst = Math.max(...child.values.map(
          (v, i) => Math.abs(v - expected[i]!)));
        expect(worst).toBeLessThan(1e-6);

        // tfjs-trio's own loader agrees with the trainer too (raw pixels
        // in: it applies the saved scale of 255 itself).
        const raw = Float32Array.from(x.data, (v) => Math.round(v * 255));
        const trio = await loadTrioModel(folder);
        const proba = trio.predictProba({ ...x, data: raw });
        const probs = output === 'linear'
          ? tf.tidy(() => Array.from(tf.softmax(tf.tensor2d(expected,
            [x.rows, 10])).dataSync()))
          : expected;
        const worstTrio = Math.max(...Array.from(proba.data,
          (v, i) => Math.abs(v - probs[i]!)));
        expect(worstTrio).toBeLessThan(1e-6);
        trio.dispose();
      });
  }
});
