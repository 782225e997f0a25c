import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import * as keras from '../../src/keras/index.js';
import { parseCompile } from '../../src/keras/compile_config.js';
import { kerasEntry } from '../../src/keras/runner.js';
import { MemoryReporter } from '../../src/reporter.js';
import { smallMnist } from './helpers.js';

const tutorial = () => ({
  layers: [
    { type: 'Dense', units: 32, activation: 'relu', input_shape: [784] },
    { type: 'Dense', units: 16, activation: 'relu' },
    { type: 'Dense', units: 10, activation: 'softmax' },
  ],
  compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'] },
  fit: { epochs: 2, batch_size: 100, validation_data: 'test' },
});

function refusal(section: Record<string, unknown>): string {
  try {
    kerasEntry.check(section, 'models[1]');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message.startsWith(
      (err as ConfigError).path)).toBe(true);
    return (err as ConfigError).message;
  }
  throw new Error('check accepted the section');
}

beforeEach(() => keras.utils.clearSession());

describe('kerasEntry.check', () => {
  it('accepts the tutorial section and Python spellings', () => {
    expect(() => kerasEntry.check(tutorial(), 'models[1]')).not.toThrow();
    const s = tutorial();
    s.layers.push({ type: 'Dropout', rate: 0.5 } as never, 'Flatten' as never);
    (s.compile as Record<string, unknown>)['optimizer'] = {
      type: 'Adam', learning_rate: 1e-4, beta_1: 0.8 };
    (s.compile as Record<string, unknown>)['loss'] = {
      type: 'SparseCategoricalCrossentropy', from_logits: false };
    (s.fit as Record<string, unknown>)['callbacks'] = [
      { type: 'EarlyStopping', patience: 3, restore_best_weights: true }];
    expect(() => kerasEntry.check(s, 'models[1]')).not.toThrow();
  });

  it('refuses every bad key with its path', () => {
    const t = tutorial;
    expect(refusal({ ...t(), fitt: {} })).toBe(
      "models[1].fitt: unknown key for a keras model (did you mean 'fit'?);" +
        " known keys are 'layers', 'compile' or 'fit'.");
    const badUnits = t();
    badUnits.layers[1]!.units = 0;
    expect(refusal(badUnits)).toBe('models[1].layers[1].units: must be a ' +
      'positive integer; got 0.');
    const badType = t();
    badType.layers[0]!.type = 'Dens';
    expect(refusal(badType)).toMatch(new RegExp(
      "^models\\[1\\]\\.layers\\[0\\]\\.type: unknown layer type 'Dens' " +
        "\\(did you mean 'Dense'\\?\\); known layer types are 'Dense', "));
    const badKey = t();
    (badKey.layers[0] as Record<string, unknown>)['unit'] = 3;
    expect(refusal(badKey)).toMatch(new RegExp(
      "^models\\[1\\]\\.layers\\[0\\]\\.unit: unknown key for Dense " +
        "\\(did you mean 'units'\\?\\)"));
    const badActivation = t();
    badActivation.layers[0]!.activation = 'rellu';
    expect(refusal(badActivation)).toMatch(new RegExp(
      '^models\\[1\\]\\.layers\\[0\\]\\.activation: must be one of .* ' +
        "\\(did you mean 'relu'\\?\\); got 'rellu'\\.$"));
    expect(refusal({ ...t(), compile: { ...t().compile, optimizer: 'adamw' } }))
      .toBe("models[1].compile.optimizer: unknown optimizer 'adamw' (did " +
        "you mean 'adam'?); known optimizers are 'adam', 'sgd' or " +
        "'rmsprop'.");
    expect(refusal({ ...t(), compile: { ...t().compile,
      optimizer: { type: 'Adam', learning_rate: -1 } } }))
      .toBe('models[1].compile.optimizer.learning_rate: must be a number ' +
        'in the range (0, inf]; got -1.');
    expect(refusal({ ...t(), compile: { ...t().compile, loss: 'nll' } }))
      .toMatch(new RegExp("^models\\[1\\]\\.compile\\.loss: unknown loss " +
        "'nll'; known losses are"));
    expect(refusal({ ...t(), compile: { ...t().compile,
      metrics: ['accuracy', 'f1'] } }))
      .toMatch(/^models\[1\]\.compile\.metrics\[1\]: unknown metric 'f1'/);
    expect(refusal({ ...t(), fit: { epochs: 0 } })).toBe(
      'models[1].fit.epochs: must be a positive integer; got 0.');
    expect(refusal({ ...t(), fit: { batchsize: 3 } })).toMatch(
      new RegExp('^models\\[1\\]\\.fit\\.batchsize: unknown key for fit ' +
        "\\(did you mean 'batch_size'\\?\\)"));
    expect(refusal({ ...t(), fit: { validation_data: 'train' } })).toBe(
      "models[1].fit.validation_data: must be one of 'test' or null; got " +
        "'train'.");
    const noPath = { callbacks: [{ type: 'ModelCheckpoint' }] };
    expect(refusal({ ...t(), fit: noPath })).toMatch(
      /^models\[1\]\.fit\.callbacks\[0\]\.filepath: is required/);
    expect(refusal({ ...t(), layers: [] })).toMatch(
      /^models\[1\]\.layers: must be a non-empty list/);
  });
});

// Keras's serialized optimizer, {class_name: Adam, config: {...}}, was
// refused as "compile.optimizer.type: unknown optimizer class undefined".
describe('serialized optimizers and losses in compile', () => {
  const compile = (optimizer: unknown, loss: unknown =
  'sparse_categorical_crossentropy') => ({ ...tutorial(),
    compile: { optimizer, loss } });

  it('reads Keras\'s {class_name, config}, as optimizers.get does', () => {
    const entry = parseCompile({
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.01,
        beta_1: 0.8 } },
      loss: { class_name: 'SparseCategoricalCrossentropy',
        config: { from_logits: true } },
    }, 'models[1].compile');
    const before = tf.memory().numTensors;
    const optimizer = entry.optimizer() as keras.optimizers.AdamOptimizer;
    expect(optimizer).toBeInstanceOf(keras.optimizers.AdamOptimizer);
    expect(optimizer.learningRate).toBe(0.01);
    expect(optimizer.pythonConfig()).toMatchObject({ beta_1: 0.8 });
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(entry.loss()).toMatchObject({ fromLogits: true });
    // What Keras 3's serialize(Adam()) writes, defaults and all; the
    // class name in any case, as Keras matches its built-ins.
    expect(() => kerasEntry.check(compile({
      module: 'keras.optimizers', class_name: 'adam', registered_name: null,
      config: { name: 'adam', learning_rate: 0.001, weight_decay: null,
        clipnorm: null, global_clipnorm: null, clipvalue: null,
        use_ema: false, ema_momentum: 0.99, ema_overwrite_frequency: null,
        loss_scale_factor: null, gradient_accumulation_steps: null,
        beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false },
    }), 'models[1]')).not.toThrow();
  });

  it('refuses a bad serialized entry naming its key', () => {
    expect(refusal(compile({ class_name: 'Adamax', config: {} }))).toBe(
      "models[1].compile.optimizer.class_name: unknown optimizer class " +
        "'Adamax' (did you mean 'Adam'?); known classes are 'Adam', 'SGD' " +
        "or 'RMSprop'.");
    expect(refusal(compile({ class_name: 'Adam',
      config: { learning_rat: 0.1 } }))).toMatch(new RegExp(
      '^models\\[1\\]\\.compile\\.optimizer\\.config\\.learning_rat: ' +
        "unknown key for Adam \\(did you mean 'learning_rate'\\?\\)"));
    // A Keras option away from its default is not silently dropped.
    expect(refusal(compile({ class_name: 'Adam',
      config: { use_ema: true } }))).toMatch(
      /^models\[1\]\.compile\.optimizer\.config\.use_ema: unknown key/);
    expect(refusal(compile({ class_name: 'Adam', config: 0.1 }))).toBe(
      'models[1].compile.optimizer.config: must be a mapping of Adam ' +
        'options; got 0.1.');
    expect(refusal(compile({ class_name: 'Adam', confg: {} }))).toMatch(
      /^models\[1\]\.compile\.optimizer\.confg: unknown key for a serialized optimizer \(did you mean 'config'\?\)/);
    expect(refusal(compile({ learning_rate: 0.1 }))).toBe(
      'models[1].compile.optimizer.type: is missing; name the optimizer ' +
        "class ('Adam', 'SGD' or 'RMSprop'), or give Keras's serialized " +
        'form {class_name: Adam, config: {...}}.');
  });
});

describe('kerasEntry.run', () => {
  it('trains, reports and returns a TrainedModel', async () => {
    const { train, test } = smallMnist(400, 100);
    const reporter = new MemoryReporter();
    const classes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const trained = await kerasEntry.run(tutorial(), 'models[1]',
      { ...train, classes }, {
        reporter, model: 'keras_sequential', seed: 42,
        validation: { ...test, classes },
      });
    expect(trained.epochs).toBe(2);
    expect(trained.lossCurve).toHaveLength(2);
    expect(trained.valLossCurve).toHaveLength(2);
    expect(reporter.lines).toHaveLength(2);
    expect(reporter.lines[0]).toMatch(/^Epoch 1\/2 - 4\/4 - .* - val_loss: /);
    expect(reporter.events[0]!.model).toBe('keras_sequential');
    const proba = trained.predictProba(test.x);
    expect(proba).toHaveLength(100 * 10);
    const rowSum = proba.subarray(0, 10).reduce((a, b) => a + b, 0);
    expect(rowSum).toBeCloseTo(1, 5);
    const predicted = trained.predict(test.x);
    let argmax = 0;
    for (let j = 1; j < 10; j++) {
      if (proba[j]! > proba[argmax]!) {
        argmax = j;
      }
    }
    expect(predicted[0]).toBe(argmax);
    const meta = trained.metadata();
    expect(meta).toMatchObject({ facade: 'keras', classes,
      output: 'probabilities' });
    const copy = trained.toLayersModel();
    copy.dispose();
    // The copy is independent: the trained model still predicts.
    expect(trained.predictProba(test.x)).toEqual(proba);
    trained.dispose();
  });
});
