import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliWithData,
  config,
  expectFailure,
  expectNoStack,
  kerasModel,
  removeTmp,
  savedModels,
  sklearnModel,
  torchModel,
  trio,
  writeConfig,
} from './helpers.js';

// Issue 8, config cases, through `trio compare`: every message names the
// config file and the key path, exit code 1, nothing trained or saved.

let main: string;
let tmp: string;

beforeAll(() => {
  ({ main, tmp } = cliWithData('trio-bad-config-'));
});
afterAll(() => removeTmp(tmp));

const MODELS = () => [sklearnModel(), kerasModel(), torchModel()];

/** `models` with entry i's object changed by `edit`. */
function edited(i: number, edit: (m: Record<string, any>) => void):
  object[] {
  const models = MODELS() as Record<string, any>[];
  edit(models[i]!);
  return models;
}

async function expectRefused(value: object, message: string) {
  fs.rmSync(`${tmp}/out`, { recursive: true, force: true });
  const cfg = writeConfig(tmp, 'c.yaml', value);
  const run = await trio(main, ['compare', cfg], tmp);
  expectFailure(run, `trio: c.yaml: ${message}\n`);
  expect(run.stdout).toBe('');
  expect(savedModels(tmp)).toEqual([]);
}

describe('config mistakes are refused before training', () => {
  it('an unknown key, with the nearest known one', async () => {
    await expectRefused({ ...config(MODELS()), seeds: 3 },
      "seeds: unknown key (did you mean 'seed'?); known keys here are " +
        "'dataset', 'backend', 'seed', 'output' or 'models'.");
    await expectRefused(config(edited(0, (m) => {
      m['args'].max_iters = 3;
    })), "models[0].args.max_iters: unknown MLPClassifier argument (did " +
      "you mean 'max_iter'?); known arguments are 'hidden_layer_sizes', " +
      "'activation', 'solver', 'alpha', 'batch_size', 'learning_rate', " +
      "'learning_rate_init', 'power_t', 'max_iter', 'shuffle', " +
      "'random_state', 'tol', 'verbose', 'warm_start', 'momentum', " +
      "'nesterovs_momentum', 'early_stopping', 'validation_fraction', " +
      "'beta_1', 'beta_2', 'epsilon', 'n_iter_no_change' or 'max_fun'.");
    await expectRefused(config(edited(1, (m) => {
      m['fit'].batchsize = 3;
    })), "models[1].fit.batchsize: unknown key for fit (did you mean " +
      "'batch_size'?); known keys are 'epochs', 'batch_size', " +
      "'validation_data', 'validation_split', 'validation_batch_size', " +
      "'shuffle', 'verbose', 'initial_epoch' or 'callbacks'.");
    await expectRefused(config(edited(2, (m) => {
      m['optimiser'] = m['optimizer'];
    })), "models[2].optimiser: unknown key 'optimiser' for a torch model. " +
      "Did you mean 'optimizer'? Known: 'model', 'loss', 'optimizer', " +
      "'dataloader', 'epochs' or 'lr_scheduler'.");
  });

  it('a value of the wrong type', async () => {
    await expectRefused(config(edited(0, (m) => {
      m['args'].max_iter = 'ten';
    })), "models[0].args.max_iter: The 'max_iter' parameter of " +
      "MLPClassifier must be an int in the range [1, inf). Got 'ten' " +
      'instead.');
    await expectRefused(config(MODELS(), { scale: 'x' }), 'dataset.scale: ' +
      'must be a positive number (features are divided by it); got ' +
      "'x'.");
    await expectRefused(config(edited(2, (m) => {
      m['dataloader'].shuffle = 'yes';
    })), "models[2].dataloader.shuffle: must be true or false; got " +
      "'yes'.");
  });

  it('an unknown facade', async () => {
    await expectRefused(config(edited(1, (m) => {
      m['facade'] = 'kears';
    })), "models[1].facade: must be one of 'sklearn', 'keras' or 'torch' " +
      "(did you mean 'keras'?); got 'kears'.");
  });

  it('an unknown activation, in each facade', async () => {
    await expectRefused(config(edited(0, (m) => {
      m['args'].activation = 'relu6';
    })), "models[0].args.activation: The 'activation' parameter of " +
      "MLPClassifier must be a str among {'identity', 'logistic', " +
      "'tanh', 'relu'}. Got 'relu6' instead.");
    await expectRefused(config(edited(1, (m) => {
      m['layers'][0].activation = 'rellu';
    })), "models[1].layers[0].activation: must be one of 'linear', " +
      "'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hard_sigmoid', " +
      "'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'silu', " +
      "'mish' or 'gelu' or null (did you mean 'relu'?); got 'rellu'.");
    await expectRefused(config(edited(2, (m) => {
      m['model'][1] = 'Relu';
    })), "models[2].model[1]: unknown layer 'Relu'. Did you mean 'ReLU'? " +
      "Known: 'Linear', 'ReLU', 'Sigmoid', 'Tanh', 'Softmax', 'Dropout' " +
      "or 'Flatten'.");
  });

  it('an unknown optimizer, in each facade', async () => {
    await expectRefused(config(edited(0, (m) => {
      m['args'].solver = 'adamw';
    })), "models[0].args.solver: The 'solver' parameter of MLPClassifier " +
      "must be a str among {'lbfgs', 'sgd', 'adam'}. Got 'adamw' " +
      'instead.');
    await expectRefused(config(edited(1, (m) => {
      m['compile'].optimizer = 'adamm';
    })), "models[1].compile.optimizer: unknown optimizer 'adamm' (did " +
      "you mean 'adam'?); known optimizers are 'adam', 'sgd' or " +
      "'rmsprop'.");
    await expectRefused(config(edited(2, (m) => {
      m['optimizer'].type = 'Adamm';
    })), "models[2].optimizer.type: unknown optimizer 'Adamm'. Did you " +
      "mean 'Adam'? Known: 'Adam' or 'SGD'.");
  });

  it('an unknown loss', async () => {
    await expectRefused(config(edited(1, (m) => {
      m['compile'].loss = 'sparse_categorical_crossentropyy';
    })), "models[1].compile.loss: unknown loss " +
      "'sparse_categorical_crossentropyy' (did you mean " +
      "'sparse_categorical_crossentropy'?); known losses are " +
      "'sparse_categorical_crossentropy', 'categorical_crossentropy', " +
      "'binary_crossentropy', 'mse', 'mean_squared_error', 'mae' or " +
      "'mean_absolute_error'.");
    await expectRefused(config(edited(2, (m) => {
      m['loss'] = 'NLLLoss';
    })), "models[2].loss: unknown loss 'NLLLoss'. Known: " +
      "'CrossEntropyLoss'.");
  });

  it('negative epochs, in each facade', async () => {
    await expectRefused(config(edited(0, (m) => {
      m['args'].max_iter = -1;
    })), "models[0].args.max_iter: The 'max_iter' parameter of " +
      'MLPClassifier must be an int in the range [1, inf). Got -1 ' +
      'instead.');
    await expectRefused(config(edited(1, (m) => {
      m['fit'].epochs = -2;
    })), 'models[1].fit.epochs: must be a positive integer; got -2.');
    await expectRefused(config(edited(2, (m) => {
      m['epochs'] = -1;
    })), 'models[2].epochs: must be >= 1; got -1.');
  });

  it('zero epochs, sklearn and torch', async () => {
    await expectRefused(config(edited(0, (m) => {
      m['args'].max_iter = 0;
    })), "models[0].args.max_iter: The 'max_iter' parameter of " +
      'MLPClassifier must be an int in the range [1, inf). Got 0 ' +
      'instead.');
    await expectRefused(config(edited(2, (m) => {
      m['epochs'] = 0;
    })), 'models[2].epochs: must be >= 1; got 0.');
  });

  it('zero epochs, keras', async () => {
    await expectRefused(config(edited(1, (m) => {
      m['fit'].epochs = 0;
    })), 'models[1].fit.epochs: must be a positive integer; got 0.');
  });

  it('hidden sizes that are not positive integers', async () => {
    for (const sizes of [[8, 0], [8.5], [-3]]) {
      await expectRefused(config(edited(0, (m) => {
        m['args'].hidden_layer_sizes = sizes;
      })), "models[0].args.hidden_layer_sizes: The 'hidden_layer_sizes' " +
        'parameter of MLPClassifier must be an array-like or an int in ' +
        `the range [1, inf). Got ${JSON.stringify(sizes)} instead.`);
    }
    await expectRefused(config(edited(1, (m) => {
      m['layers'][0].units = 0;
    })), 'models[1].layers[0].units: must be a positive integer; got 0.');
    await expectRefused(config(edited(2, (m) => {
      m['model'][0].out_features = 2.5;
    })), 'models[2].model[0].out_features: must be an integer; got 2.5.');
  });

  it('a batch size of zero', async () => {
    await expectRefused(config(edited(1, (m) => {
      m['fit'].batch_size = 0;
    })), 'models[1].fit.batch_size: must be a positive integer; got 0.');
    await expectRefused(config(edited(2, (m) => {
      m['dataloader'].batch_size = 0;
    })), 'models[2].dataloader.batch_size: must be >= 1; got 0.');
  });
});

describe('a batch size larger than the data', () => {
  it('sklearn clips it with a visible warning; keras and torch train ' +
    'on one batch, as the originals do', async () => {
    fs.rmSync(`${tmp}/out`, { recursive: true, force: true });
    const cfg = writeConfig(tmp, 'big.yaml', config([
      sklearnModel('sk', { batch_size: 5000 }),
      kerasModel('ke', { batch_size: 5000 }),
      torchModel('to', { dataloader: { batch_size: 5000 } }),
    ]));
    for (const flags of [[], ['--quiet'], ['--json']]) {
      const run = await trio(main, ['compare', cfg, ...flags], tmp);
      expectNoStack(run);
      // scikit-learn: warnings.warn("Got `batch_size` less than 1 or
      // larger than sample size. It is going to be clipped").
      expect(run.stderr).toContain('TrioWarning: sk: Got `batch_size` ' +
        'less than 1 or larger than sample size. It is going to be ' +
        'clipped\n');
      expect(run.stderr).not.toContain('ke: ');
      expect(run.stderr).not.toContain('to: ');
      expect(run.code, run.stderr).toBe(0);
    }
    expect(savedModels(tmp)).toEqual(['ke', 'sk', 'to']);
  });

  // Checked against the data before any model trains (it used to fail
  // after the sklearn model had trained and been saved).
  it('torch with drop_last would have no batch: refused', async () => {
    fs.rmSync(`${tmp}/out`, { recursive: true, force: true });
    const cfg = writeConfig(tmp, 'drop.yaml', config([sklearnModel(),
      torchModel('to', { dataloader: { batch_size: 5000,
        drop_last: true } })]));
    const run = await trio(main, ['compare', cfg], tmp);
    expectFailure(run, 'trio: drop.yaml: models[1].dataloader.batch_size: ' +
      'is 5000, larger than the 300 training rows, and drop_last is true: ' +
      'no batch would be left to train on.\n');
    expect(run.stdout).not.toContain('== sk');
    expect(savedModels(tmp)).toEqual([]);
  });
});
