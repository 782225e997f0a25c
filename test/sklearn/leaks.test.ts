import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import { sklearnEntry } from '../../src/sklearn/runner.js';
import { silentReporter } from '../../src/reporter.js';
import { datasets } from './helpers.js';

const iris = datasets.iris!;
const bc = datasets.breast_cancer!;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-sklearn-leak-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Tensor count before == after `body` (after the model is disposed). */
async function leakCheck(body: () => Promise<void> | void): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  expect(tf.memory().numTensors).toBe(before);
}

describe('no tensor leaks', () => {
  it.each(['adam', 'sgd', 'lbfgs'] as const)('fit with %s', async (solver) => {
    await leakCheck(async () => {
      const clf = new MLPClassifier({ solver, maxIter: 3, randomState: 0,
        hiddenLayerSizes: [6, 4] });
      await clf.fit(iris.x_train, iris.y_train);
      clf.dispose();
    });
  });

  it('fit with early stopping, binary', async () => {
    await leakCheck(async () => {
      const clf = new MLPClassifier({ earlyStopping: true, maxIter: 3,
        randomState: 0 });
      await clf.fit(bc.x_train, bc.y_train);
      clf.dispose();
    });
  });

  it('every method of a fitted model', async () => {
    const clf = new MLPClassifier({ maxIter: 2, randomState: 0 });
    await clf.fit(iris.x_train, iris.y_train);
    await leakCheck(async () => {
      clf.predict(iris.x_test);
      clf.predictProba(iris.x_test);
      clf.predictLogProba(iris.x_test);
      clf.score(iris.x_test, iris.y_test);
      void clf.coefs;
      void clf.intercepts;
      clf.toLayersModel().dispose();
      await clf.save(path.join(tmp, 'm'), { overwrite: true });
      (await MLPClassifier.load(path.join(tmp, 'm'))).dispose();
      // Same number of variables after more training.
      await clf.partialFit(iris.x_train, iris.y_train);
      await clf.fit(iris.x_train, iris.y_train);
    });
    clf.dispose();
  });

  it('partialFit from scratch, a diverging fit, and the config runner',
    async () => {
      await leakCheck(async () => {
        const clf = new MLPClassifier({ randomState: 0 });
        await clf.partialFit(iris.x_train, iris.y_train, [0, 1, 2]);
        clf.dispose();
        const wild = new MLPClassifier({ solver: 'sgd', activation: 'identity',
          learningRateInit: 10, randomState: 0 });
        await expect(wild.fit(iris.x_train.map((r) => r.map((v) => v * 1e6)),
          iris.y_train)).rejects.toThrow('Training diverged');
        wild.dispose();
        const trained = await sklearnEntry.run(
          { args: { hidden_layer_sizes: [5], max_iter: 2 } }, 'models[0]',
          { x: { data: Float32Array.from(iris.x_train.flat()),
            rows: iris.x_train.length, cols: 4 },
          y: Int32Array.from(iris.y_train), classes: [0, 1, 2] },
          { reporter: silentReporter, model: 'm' });
        trained.predict({ data: Float32Array.from(iris.x_test.flat()),
          rows: iris.x_test.length, cols: 4 });
        trained.toLayersModel().dispose();
        trained.dispose();
      });
    });
});
