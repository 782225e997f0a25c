import * as fs from 'node:fs';
import * as os from 'node:os';
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
import type { ExampleServer } from '../../examples/browser/server.js';
import { mnistMatrix } from '../../src/data/mnist.js';
import { saveLayersModel } from '../../src/io/file_system.js';
import { loadTrioModel } from '../../src/io/model_file.js';

noteSkippedWithoutChromium('test/browser');

const COUNT = 10;

describe.skipIf(!HAVE_CHROMIUM)('a saved model in headless Chromium', () => {
  let tmp: string;
  let server: ExampleServer;
  let context: BrowserContext;
  let nodeProba: Float32Array;
  let nodeLabels: number[];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-browser-'));
    // A 784-64-10 Dense model as the facades export it, trained briefly
    // on 2,000 digits so the page has something real to show.
    const { x, y } = mnistMatrix('train', { limit: 2000, scale: 255 });
    const model = tf.sequential({ layers: [
      tf.layers.dense({ units: 64, activation: 'relu', inputShape: [784] }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ] });
    model.compile({ optimizer: 'adam',
      loss: 'sparseCategoricalCrossentropy' });
    const xs = tf.tensor2d(x.data, [x.rows, x.cols]);
    const ys = tf.tensor1d(y, 'float32');
    await model.fit(xs, ys, { epochs: 2, batchSize: 64, verbose: 0 });
    tf.dispose([xs, ys]);
    model.setUserDefinedMetadata({ trio: {
      version: 1, facade: 'keras', classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      output: 'probabilities', scale: 255,
    } });
    const folder = await saveLayersModel(model, path.join(tmp, 'model'));
    model.dispose();

    // What Node predicts for the same ten test digits (raw pixels in;
    // the loader divides by the saved scale).
    const test = digits(COUNT);
    nodeLabels = test.labels;
    const trio = await loadTrioModel(folder);
    nodeProba = trio.predictProba({
      data: Float32Array.from(test.pixels), rows: COUNT, cols: test.cols,
    }).data;
    trio.dispose();

    server = await startExampleServer({ model: folder });
    context = await launchChromium(tmp);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (tmp !== undefined) {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  async function browserResult(query: string): Promise<{
    backend: string;
    probabilities: number[];
    predictions: number[];
    labels: number[];
  }> {
    const page = await newLocalPage(context, server.url);
    try {
      await page.goto(`${server.url}?count=${COUNT}${query}`);
      await page.waitForFunction(
        () => (window as any).trioResult ?? (window as any).trioError,
        undefined,
        { timeout: 60_000 },
      );
      const error = await page.evaluate(() => (window as any).trioError);
      expect(error).toBeUndefined();
      const drawn = await page.locator('#digits canvas').count();
      expect(drawn).toBe(COUNT);
      return await page.evaluate(() => (window as any).trioResult);
    } finally {
      await page.close();
    }
  }

  function worstDifference(probabilities: number[]): number {
    expect(probabilities.length).toBe(nodeProba.length);
    return Math.max(...probabilities.map(
      (p, i) => Math.abs(p - nodeProba[i]!)));
  }

  function nodePredictions(): number[] {
    return nodeLabels.map((_, i) => {
      const row = Array.from(nodeProba.subarray(i * 10, (i + 1) * 10));
      return row.indexOf(Math.max(...row));
    });
  }

  it('predicts what Node predicts (cpu backend)', async () => {
    const result = await browserResult('&backend=cpu');
    expect(result.backend).toBe('cpu');
    expect(result.labels).toEqual(nodeLabels);
    expect(result.predictions).toEqual(nodePredictions());
    expect(worstDifference(result.probabilities)).toBeLessThan(1e-6);
  });

  it('predicts what Node predicts (default backend)', async () => {
    const result = await browserResult('');
    expect(result.predictions).toEqual(nodePredictions());
    // Headless Chromium offers WebGL through SwiftShader (float32): the
    // worst difference measured was 1.2e-7.
    expect(['cpu', 'webgl']).toContain(result.backend);
    expect(worstDifference(result.probabilities)).toBeLessThan(1e-6);
  });
});
