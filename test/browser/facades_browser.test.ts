// Issue 7, "Done when": models saved by each of the three facades load in
// headless Chromium through the tfjs browser bundle (the example page,
// served from 127.0.0.1) and predict what Node predicts for ten test
// digits. Two saving paths per facade: `trio compare` (runComparison,
// which records the scale 255) and the facade's own save API.
//
// Expected values: the trainer's own predictions on the same ten digits
// (recorded before saving) and tfjs-trio's loader in Node; the tolerance
// 1e-6 covers float32 rounding and the cpu (page) vs wasm (Node)
// difference.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAVE_CHROMIUM,
  launchChromium,
  newLocalPage,
  noteSkippedWithoutChromium,
} from '../helpers/chromium.js';
import {
  digits,
  startExampleServer,
} from '../../examples/browser/server.js';
import { FACADE_ENTRIES } from '../../src/compare/facades.js';
import { runComparison } from '../../src/compare/run_comparison.js';
import { parseComparisonConfig } from '../../src/config/comparison_config.js';
import { writeFileAtomic } from '../../src/data/atomic.js';
import type { Matrix } from '../../src/data/matrix.js';
import { mnistCsvHeader, readMnistIdx } from '../../src/data/mnist.js';
import { loadTrioModel } from '../../src/io/model_file.js';
import { silentReporter } from '../../src/reporter.js';
import * as torch from '../../src/torch/index.js';
import { makeTmp, removeTmp } from '../io/helpers.js';
import {
  argmaxRows,
  mnistSlices,
  recordingEntries,
  softmaxRows,
  torchLogits,
  trainKeras,
  trainSklearn,
  trainTorch,
  worstDifference,
} from '../io/facades_models.js';
import type { Recorded } from '../io/facades_models.js';

noteSkippedWithoutChromium('test/browser');

const COUNT = 10;
const TOL = 1e-6;

/** One saved model and what it must predict for the ten digits. */
interface Case {
  name: string;
  folder: string;
  /** The trainer's probabilities for the ten digits, row-major. */
  trainer: ArrayLike<number>;
}

/** The first `COUNT` MNIST test digits, raw (0-255) and divided by 255. */
const ten = digits(COUNT);
const raw: Matrix = {
  data: Float32Array.from(ten.pixels), rows: COUNT, cols: ten.cols,
};
const scaled: Matrix = { ...raw, data: raw.data.map((v) => v / 255) };

function csvText(split: 'train' | 'test', rows: number): string {
  const idx = readMnistIdx(split, rows);
  const lines = [mnistCsvHeader()];
  for (let i = 0; i < rows; i++) {
    lines.push([idx.labels[i]!,
      ...idx.pixels.subarray(i * idx.cols, (i + 1) * idx.cols)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!HAVE_CHROMIUM)('facade-saved models in headless Chromium',
  () => {
    let tmp: string;
    let context: BrowserContext;
    const cases: Case[] = [];

    beforeAll(async () => {
      tmp = makeTmp('trio-facades-browser-');

      // 1. Through `trio compare` on 300 training rows; the test set's
      // first ten rows are the page's ten digits.
      const train = path.join(tmp, 'train.csv');
      const test = path.join(tmp, 'test.csv');
      await writeFileAtomic(train, Buffer.from(csvText('train', 300)));
      await writeFileAtomic(test, Buffer.from(csvText('test', COUNT)));
      const recorded = new Map<string, Recorded>();
      const result = await runComparison(parseComparisonConfig({
        dataset: { train, test, label: 'label', scale: 255 },
        seed: 42,
        output: path.join(tmp, 'compared'),
        models: [
          { name: 'sklearn', facade: 'sklearn', args: {
            hidden_layer_sizes: [32], max_iter: 4, batch_size: 100,
            random_state: 42 } },
          { name: 'keras', facade: 'keras', layers: [
            { type: 'Dense', units: 32, activation: 'relu',
              input_shape: [784] },
            { type: 'Dense', units: 10, activation: 'softmax' },
          ], compile: { optimizer: 'adam',
            loss: 'sparse_categorical_crossentropy' },
          fit: { epochs: 3, batch_size: 50 } },
          { name: 'torch', facade: 'torch', model: [
            { type: 'Linear', in_features: 784, out_features: 32 },
            'ReLU',
            { type: 'Linear', in_features: 32, out_features: 10 },
          ], loss: 'CrossEntropyLoss',
          optimizer: { type: 'Adam', lr: 0.001 },
          dataloader: { batch_size: 50, shuffle: true }, epochs: 3 },
        ],
      }, FACADE_ENTRIES), {
        facades: recordingEntries(FACADE_ENTRIES, recorded),
        reporter: silentReporter,
      });
      for (const m of result.models) {
        expect([m.name, m.status]).toEqual([m.name, 'done']);
        cases.push({ name: `trio compare, ${m.name}`, folder: m.savedTo!,
          trainer: recorded.get(m.name)!.proba });
      }

      // 2. Through each facade's own save on 1,500 digits / 255. These
      // models carry no scale, so the page (as tfjs-trio's loader) feeds
      // them the raw pixels; the trainer is asked the same.
      const { train: slice } = mnistSlices();
      const clf = await trainSklearn(slice.x, slice.y);
      cases.push({ name: 'MLPClassifier#save',
        folder: await clf.save(path.join(tmp, 'sklearn')),
        trainer: clf.predictProba(raw).data });
      clf.dispose();
      const model = await trainKeras(slice.x, slice.y);
      const y = model.predict(raw);
      cases.push({ name: 'keras Sequential#save',
        folder: await model.save(path.join(tmp, 'keras')),
        trainer: Float32Array.from(y.dataSync()) });
      tf.dispose(y);
      model.dispose();
      // saveModule takes extra metadata: here the scale, so the page
      // divides by 255 as the module was trained.
      const net = await trainTorch(slice.x, slice.y);
      cases.push({ name: 'torch.saveModule',
        folder: await torch.saveModule(net, path.join(tmp, 'torch'), {
          inputShape: [784], metadata: { scale: 255 },
        }),
        trainer: softmaxRows(torchLogits(net, scaled), 10) });
      net.dispose();

      context = await launchChromium(tmp);
    });

    afterAll(async () => {
      await context?.close();
      if (tmp !== undefined) {
        removeTmp(tmp);
      }
    });

    /** Serves `folder` on 127.0.0.1 and reads the page's result. */
    async function browserResult(folder: string): Promise<{
      backend: string;
      probabilities: number[];
      predictions: number[];
      labels: number[];
    }> {
      const server = await startExampleServer({ model: folder });
      const page = await newLocalPage(context, server.url);
      try {
        await page.goto(`${server.url}?count=${COUNT}&backend=cpu`);
        await page.waitForFunction(
          () => (window as any).trioResult ?? (window as any).trioError,
          undefined,
          { timeout: 60_000 },
        );
        const error = await page.evaluate(() => (window as any).trioError);
        expect(error).toBeUndefined();
        return await page.evaluate(() => (window as any).trioResult);
      } finally {
        await page.close();
        await server.close();
      }
    }

    it('each model predicts in the browser what it predicts in Node',
      async () => {
        expect(cases.map((c) => c.name)).toEqual([
          'trio compare, sklearn', 'trio compare, keras',
          'trio compare, torch', 'MLPClassifier#save',
          'keras Sequential#save', 'torch.saveModule',
        ]);
        for (const c of cases) {
          const trio = await loadTrioModel(c.folder);
          const node = trio.predictProba(raw).data;
          const nodeLabels = [...trio.predict(raw)];
          trio.dispose();
          // Node's loader agrees with the trainer...
          expect([c.name, worstDifference(node, c.trainer) < TOL])
            .toEqual([c.name, true]);
          expect([c.name, argmaxRows(c.trainer, 10)])
            .toEqual([c.name, nodeLabels]);

          // ...and the page agrees with Node.
          const page = await browserResult(c.folder);
          expect([c.name, page.backend]).toEqual([c.name, 'cpu']);
          expect(page.labels).toEqual(ten.labels);
          expect([c.name, page.predictions]).toEqual([c.name, nodeLabels]);
          expect([c.name, worstDifference(page.probabilities, node) < TOL])
            .toEqual([c.name, true]);
        }
      });
  });
