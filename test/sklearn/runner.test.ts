import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { MemoryReporter } from '../../src/reporter.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import { sklearnEntry } from '../../src/sklearn/runner.js';
import type { TrainingData } from '../../src/compare/types.js';
import { datasets } from './helpers.js';

const iris = datasets.iris!;
const train: TrainingData = {
  x: { data: Float32Array.from(iris.x_train.flat()),
    rows: iris.x_train.length, cols: 4 },
  y: Int32Array.from(iris.y_train),
  classes: ['setosa', 'versicolor', 'virginica'],
};
const test = { data: Float32Array.from(iris.x_test.flat()),
  rows: iris.x_test.length, cols: 4 };

function checkError(section: Record<string, unknown>): ConfigError {
  try {
    sklearnEntry.check(section, 'models[0]');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('check accepted a bad section');
}

describe('sklearnEntry.check', () => {
  it('accepts the tutorial arguments', () => {
    expect(() => sklearnEntry.check({ args: { hidden_layer_sizes: [128, 64],
      activation: 'relu', solver: 'adam', verbose: true, random_state: 42,
      max_iter: 50 } }, 'models[0]')).not.toThrow();
    expect(() => sklearnEntry.check({}, 'models[0]')).not.toThrow();
  });

  it('refuses an unknown section key, suggesting the nearest', () => {
    const err = checkError({ arg: {} });
    expect(err.path).toBe('models[0].arg');
    expect(err.message).toBe("models[0].arg: unknown key for the sklearn " +
      "facade (did you mean 'args'?); known keys are 'args'.");
  });

  it('refuses an unknown argument, suggesting the nearest', () => {
    const err = checkError({ args: { hiden_layer_sizes: [3] } });
    expect(err.path).toBe('models[0].args.hiden_layer_sizes');
    expect(err.message).toMatch(/^models\[0\]\.args\.hiden_layer_sizes: /);
    expect(err.message).toContain(
      "unknown MLPClassifier argument (did you mean 'hidden_layer_sizes'?)");
    // camelCase is the TypeScript spelling, not the config's.
    expect(checkError({ args: { maxIter: 3 } }).message).toContain(
      "(did you mean 'max_iter'?)");
  });

  it.each([
    [{ activation: 'sigmoid' }, 'activation',
      "The 'activation' parameter of MLPClassifier must be a str among " +
      "{'identity', 'logistic', 'tanh', 'relu'}. Got 'sigmoid' instead."],
    [{ max_iter: 0 }, 'max_iter',
      "The 'max_iter' parameter of MLPClassifier must be an int in the " +
      'range [1, inf). Got 0 instead.'],
    [{ hidden_layer_sizes: [128, -1] }, 'hidden_layer_sizes',
      "The 'hidden_layer_sizes' parameter of MLPClassifier must be an " +
      'array-like or an int in the range [1, inf). Got [128,-1] instead.'],
    [{ batch_size: '200' }, 'batch_size',
      "The 'batch_size' parameter of MLPClassifier must be a str among " +
      "{'auto'} or an int in the range [1, inf). Got '200' instead."],
    [{ beta_1: 1 }, 'beta_1',
      "The 'beta_1' parameter of MLPClassifier must be a float in the " +
      'range [0, 1). Got 1 instead.'],
  ])('refuses %j naming the key path', (args, key, message) => {
    const err = checkError({ args });
    expect(err.path).toBe(`models[0].args.${key}`);
    expect(err.message).toBe(`models[0].args.${key}: ${message}`);
  });

  it('refuses args that are not a mapping', () => {
    expect(checkError({ args: [1] }).message).toBe(
      'models[0].args: must be a mapping of MLPClassifier arguments such ' +
        'as {hidden_layer_sizes: [128, 64]}; got [1].');
  });

  it("accepts n_iter_no_change: 'inf'", () => {
    expect(() => sklearnEntry.check({ args: { n_iter_no_change: 'inf' } },
      'models[0]')).not.toThrow();
  });
});

describe('sklearnEntry.run', () => {
  it('trains, predicts class indices and describes itself', async () => {
    const reporter = new MemoryReporter();
    const trained = await sklearnEntry.run(
      { args: { hidden_layer_sizes: [8], max_iter: 30, verbose: true,
        learning_rate_init: 0.01 } },
      'models[0]', train, { reporter, model: 'sk', seed: 3 });
    expect(trained.epochs).toBe(30);
    expect(trained.lossCurve.length).toBe(30);
    expect(reporter.lines[0]).toMatch(/^Iteration 1, loss = \d\.\d{8}$/);
    expect(reporter.events.every((e) => e.model === 'sk')).toBe(true);
    const predicted = trained.predict(test);
    expect(predicted).toBeInstanceOf(Int32Array);
    // The same as the facade used directly with the config's seed.
    const direct = new MLPClassifier({ hiddenLayerSizes: [8], maxIter: 30,
      learningRateInit: 0.01, randomState: 3 });
    await direct.fit(train.x, train.y);
    expect(Array.from(predicted))
      .toEqual(Array.from(direct.predictIndex(test)));
    expect(trained.lossCurve).toEqual(direct.lossCurve);
    direct.dispose();
    const proba = trained.predictProba(test);
    expect(proba.length).toBe(test.rows * 3);
    const meta = trained.metadata();
    expect(meta).toMatchObject({ facade: 'sklearn', output: 'probabilities',
      classes: ['setosa', 'versicolor', 'virginica'] });
    // The config's seed stands in for random_state.
    expect((meta.options as Record<string, unknown>).random_state).toBe(3);
    const model = trained.toLayersModel();
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    model.dispose();
    trained.dispose();
  });

  it('maps outputs back when a class is absent from training', async () => {
    // Iris labels 0, 1, 2 stand for classes a, b, d; class c (index 2)
    // has no rows, so the model has three outputs, not four.
    const y = Int32Array.from(iris.y_train, (v) => (v === 2 ? 3 : v));
    const trained = await sklearnEntry.run({ args: { max_iter: 5 } },
      'models[0]', { x: train.x, y, classes: ['a', 'b', 'c', 'd'] },
      { reporter: new MemoryReporter(), model: 'sk', seed: 0 });
    const predicted = Array.from(trained.predict(test));
    expect(predicted.every((p) => [0, 1, 3].includes(p))).toBe(true);
    const proba = trained.predictProba(test);
    expect(proba.length).toBe(test.rows * 4);
    for (let r = 0; r < test.rows; r++) {
      expect(proba[r * 4 + 2]).toBe(0);
    }
    expect(trained.metadata().classes).toEqual(['a', 'b', 'd']);
    trained.dispose();
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const trained = await sklearnEntry.run({ args: { max_iter: 50 } },
      'models[0]', train, { reporter: new MemoryReporter(), model: 'sk',
        signal: controller.signal });
    expect(trained.epochs).toBe(0);
    trained.dispose();
  });
});
