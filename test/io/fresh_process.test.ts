import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistMatrix } from '../../src/data/mnist.js';
import { saveLayersModel } from '../../src/io/file_system.js';
import { loadTrioModel } from '../../src/io/model_file.js';
import { predictInFreshProcess } from './facades_models.js';
import { denseModel, makeTmp, removeTmp } from './helpers.js';

let tmp: string;
beforeAll(() => {
  tmp = makeTmp('trio-fresh-');
});
afterAll(() => {
  removeTmp(tmp);
});

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

        // The child loads it with plain tfjs and its own IO handler.
        const child = await predictInFreshProcess(tmp, folder, x);
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
