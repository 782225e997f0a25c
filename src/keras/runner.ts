import * as tf from '@tensorflow/tfjs';
import type {
  FacadeEntry,
  RunContext,
  TrainedModel,
  TrainingData,
} from '../compare/types.js';
import type { Matrix } from '../data/matrix.js';
import { describeValue } from '../errors.js';
import { listChoices } from '../util/options.js';
import type { CallbackHooks } from './callbacks/callback.js';
import {
  EARLY_STOPPING_OPTIONS,
  EarlyStoppingCallback,
} from './callbacks/early_stopping.js';
import {
  MODEL_CHECKPOINT_OPTIONS,
  ModelCheckpointCallback,
} from './callbacks/model_checkpoint.js';
import { parseCompile, type CompileEntry } from './compile_config.js';
import {
  buildLayer,
  parseLayerEntry,
  type LayerEntry,
} from './layers/from_config.js';
import {
  bool,
  checkSection,
  configError,
  didYouMean,
  nonNegativeInt,
  numberIn,
  oneOf,
  positiveInt,
  type OptionTable,
} from './option_specs.js';
import { setRandomSeed } from './random_seed.js';
import { SequentialModel } from './sequential.js';

const SECTION_KEYS = ['layers', 'compile', 'fit'];

/** The `fit` keys a config accepts (Python spellings). */
const FIT_TABLE: OptionTable = {
  epochs: positiveInt,
  batchSize: positiveInt,
  validationData: oneOf(['test', null]),
  validationSplit: numberIn(0, 1, { highOpen: true }),
  validationBatchSize: positiveInt,
  shuffle: bool,
  verbose: oneOf([0, 1, 2, 'auto']),
  initialEpoch: nonNegativeInt,
  callbacks: {
    expected: 'a list of callbacks such as [{type: EarlyStopping}]',
    test: Array.isArray,
  },
};

const CALLBACK_TYPES = ['EarlyStopping', 'ModelCheckpoint'];

interface ParsedSection {
  layers: LayerEntry[];
  compile: CompileEntry;
  fit: Record<string, unknown>;
  callbacks: (() => CallbackHooks)[];
}

/**
 * Checks a Keras model entry of a comparison config: `layers` (a list of
 * `{type: Dense, units: 128, activation: relu, input_shape: [784]}`),
 * `compile` (`{optimizer, loss, metrics}`) and `fit` (`epochs`,
 * `batch_size`, `validation_data: test`, `validation_split`, `shuffle`,
 * `verbose`, `initial_epoch`, `callbacks`), all in Python spellings.
 */
function parseSection(
  section: Record<string, unknown>,
  keyPath: string,
): ParsedSection {
  for (const key of Object.keys(section)) {
    if (!SECTION_KEYS.includes(key)) {
      throw configError(`${keyPath}.${key}`, `unknown key for a keras ` +
        `model${didYouMean(key, SECTION_KEYS)}; known keys are ` +
        listChoices(SECTION_KEYS));
    }
  }
  const layers = section['layers'];
  if (!Array.isArray(layers) || layers.length === 0) {
    throw configError(`${keyPath}.layers`, 'must be a non-empty list of ' +
      `layers such as [{type: Dense, units: 10}]; got ` +
      describeValue(layers));
  }
  const parsedLayers = layers.map((entry, i) =>
    parseLayerEntry(entry, `${keyPath}.layers[${i}]`));
  if (section['compile'] === undefined) {
    throw configError(`${keyPath}.compile`, 'is required, e.g. ' +
      '{optimizer: adam, loss: sparse_categorical_crossentropy}');
  }
  const compile = parseCompile(section['compile'], `${keyPath}.compile`);
  const fit = checkSection(`${keyPath}.fit`, section['fit'], FIT_TABLE, 'fit');
  const callbacks = ((fit['callbacks'] ?? []) as unknown[]).map((c, i) =>
    parseCallback(c, `${keyPath}.fit.callbacks[${i}]`));
  delete fit['callbacks'];
  return { layers: parsedLayers, compile, fit, callbacks };
}

function parseCallback(value: unknown, path: string): () => CallbackHooks {
  const object = typeof value === 'string' ? { type: value } : value;
  if (typeof object !== 'object' || object === null ||
    Array.isArray(object)) {
    throw configError(path, `must be a callback name or a mapping with ` +
      `'type'; got ${describeValue(value)}`);
  }
  const { type, filepath, ...rest } = object as Record<string, unknown>;
  if (typeof type !== 'string' || !CALLBACK_TYPES.includes(type)) {
    throw configError(`${path}.type`, `unknown callback ` +
      `${describeValue(type)}${didYouMean(type, CALLBACK_TYPES)}; known ` +
      `callbacks are ${listChoices(CALLBACK_TYPES)}`);
  }
  if (type === 'EarlyStopping') {
    if (filepath !== undefined) {
      throw configError(`${path}.filepath`,
        'unknown key for EarlyStopping');
    }
    const options = checkSection(path, rest, EARLY_STOPPING_OPTIONS, type);
    return () => new EarlyStoppingCallback(options);
  }
  if (typeof filepath !== 'string' || filepath.length === 0) {
    throw configError(`${path}.filepath`, 'is required for ' +
      `ModelCheckpoint (a folder such as checkpoints/epoch{epoch:02d}); ` +
      `got ${describeValue(filepath)}`);
  }
  const options = checkSection(path, rest, MODEL_CHECKPOINT_OPTIONS, type);
  try {
    new ModelCheckpointCallback(filepath, options);
  } catch (err) {
    throw configError(path, (err as Error).message.replace(/\.$/, ''));
  }
  return () => new ModelCheckpointCallback(filepath, options);
}

/** Keras-style class probabilities as a flat row-major array. */
function probabilities(
  model: SequentialModel,
  x: Matrix,
  logits: boolean,
): Float32Array {
  const out = model.predict(x, { batchSize: 1024, verbose: 0 });
  const probs = logits ? tf.softmax(out) : out;
  try {
    return probs.dataSync() as Float32Array;
  } finally {
    tf.dispose([out, probs]);
  }
}

async function run(
  section: Record<string, unknown>,
  keyPath: string,
  data: TrainingData,
  context: RunContext,
): Promise<TrainedModel> {
  const parsed = parseSection(section, keyPath);
  if (context.seed !== undefined) {
    setRandomSeed(context.seed);
  }
  const fit = parsed.fit;
  let validationData: [Matrix, Int32Array] | undefined;
  if (fit['validationData'] === 'test') {
    if (context.validation === undefined) {
      throw configError(`${keyPath}.fit.validation_data`,
        "is 'test' but the comparison has no test set");
    }
    validationData = [context.validation.x, context.validation.y];
  }
  const model = new SequentialModel(parsed.layers.map(buildLayer));
  // The optimizer is an object, which compile leaves to its owner: us.
  const optimizer = parsed.compile.optimizer();
  const dispose = () => {
    model.dispose();
    optimizer.dispose();
  };
  try {
    model.compile({
      optimizer,
      loss: parsed.compile.loss(),
      metrics: parsed.compile.metrics,
    });
    const history = await model.fit(data.x, data.y, {
      ...(fit['epochs'] === undefined ? {} : { epochs: fit['epochs'] }),
      ...(fit['batchSize'] === undefined
        ? {}
        : { batchSize: fit['batchSize'] }),
      ...(validationData === undefined ? {} : { validationData }),
      ...(fit['validationSplit'] === undefined
        ? {}
        : { validationSplit: fit['validationSplit'] }),
      ...(fit['validationBatchSize'] === undefined
        ? {}
        : { validationBatchSize: fit['validationBatchSize'] }),
      ...(fit['shuffle'] === undefined ? {} : { shuffle: fit['shuffle'] }),
      ...(fit['initialEpoch'] === undefined
        ? {}
        : { initialEpoch: fit['initialEpoch'] }),
      verbose: (fit['verbose'] ?? 'auto') as 0 | 1 | 2 | 'auto',
      callbacks: parsed.callbacks.map((make) => make()),
      reporter: context.reporter,
      reporterModel: context.model,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    } as Parameters<SequentialModel['fit']>[2]);
    if (context.signal?.aborted) {
      context.reporter.line(`${context.model}: interrupted after ` +
        `${history.epoch.length} complete epochs; keeping the weights ` +
        'trained so far.');
    }
    const meta = model.metadata([...data.classes]);
    const logits = meta.output === 'logits';
    return {
      epochs: history.epoch.length,
      lossCurve: [...(history.history['loss'] ?? [])],
      ...(history.history['val_loss'] === undefined
        ? {}
        : { valLossCurve: [...history.history['val_loss']] }),
      predictProba: (x) => probabilities(model, x, logits),
      predict: (x) => {
        const p = probabilities(model, x, logits);
        const classes = p.length / x.rows;
        const out = new Int32Array(x.rows);
        for (let i = 0; i < x.rows; i++) {
          let best = 0;
          for (let j = 1; j < classes; j++) {
            if (p[i * classes + j]! > p[i * classes + best]!) {
              best = j;
            }
          }
          out[i] = best;
        }
        return out;
      },
      toLayersModel: () => copyModel(model.tfModel),
      metadata: () => ({
        facade: meta.facade,
        classes: meta.classes,
        output: meta.output,
        options: { ...meta.options, fit: pythonFit(section) },
        state: {
          epoch: [...history.epoch],
          history: history.history,
          params: history.params,
        },
      }),
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

function pythonFit(section: Record<string, unknown>): unknown {
  return section['fit'] ?? {};
}

/** An independent copy of a tfjs Sequential (same topology and weights). */
function copyModel(model: tf.Sequential): tf.LayersModel {
  const copy = tf.Sequential.fromConfig(tf.Sequential,
    model.getConfig()) as tf.Sequential;
  const weights = model.getWeights();
  copy.setWeights(weights);
  return copy;
}

/**
 * The Keras facade's entry for `trio compare`: `check` refuses a bad
 * `layers`/`compile`/`fit` section before any training, `run` trains it.
 */
export const kerasEntry: FacadeEntry = {
  check(section, keyPath) {
    parseSection(section, keyPath);
  },
  run,
};
