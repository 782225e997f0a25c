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
import {
  BinaryCrossentropyLoss,
  SparseCategoricalCrossentropyLoss,
  type Loss,
} from './losses.js';
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

/**
 * How `trio compare` hands its class indices to a Keras model, as a Keras
 * user prepares labels for the compiled loss: `labels` (the indices, for
 * sparse_categorical_crossentropy), `binary` (0/1 in one column, for a
 * 1-unit output with binary_crossentropy on 2 classes) or `oneHot`
 * (`keras.utils.to_categorical`, for every other loss).
 */
export type TargetEncoding = 'labels' | 'binary' | 'oneHot';

/** The encoding for `loss` on a model with `units` outputs. */
export function targetEncoding(loss: Loss, units: number): TargetEncoding {
  if (loss instanceof SparseCategoricalCrossentropyLoss) {
    return 'labels';
  }
  return units === 1 && loss instanceof BinaryCrossentropyLoss
    ? 'binary'
    : 'oneHot';
}

/**
 * Class probabilities as a flat row-major array: the outputs (a softmax
 * of logits), or for a 1-unit output p = P(class 1) (a sigmoid of a
 * logit) as the two columns [1 - p, p], as scikit-learn's predict_proba.
 */
function probabilities(
  model: SequentialModel,
  x: Matrix,
  logits: boolean,
): Float32Array {
  const out = model.predict(x, { batchSize: 1024, verbose: 0 });
  const probs = tf.tidy(() => {
    if (out.shape.at(-1) !== 1) {
      return logits ? tf.softmax(out) : out;
    }
    const p = logits ? tf.sigmoid(out) : out;
    return tf.concat([tf.sub(1, p), p], 1);
  });
  try {
    return probs.dataSync() as Float32Array;
  } finally {
    tf.dispose([out, probs]);
  }
}

/** `codes` as `encoding` asks, a tensor the caller disposes. */
function encodeTargets(
  codes: Int32Array,
  encoding: TargetEncoding,
  classes: number,
): tf.Tensor {
  return tf.tidy(() => {
    const labels = tf.tensor1d(codes, 'int32');
    return encoding === 'oneHot'
      ? tf.oneHot(labels, classes).toFloat()
      : labels.toFloat();
  });
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
  const targets: tf.Tensor[] = [];
  const dispose = () => {
    model.dispose();
    optimizer.dispose();
  };
  try {
    const loss = parsed.compile.loss();
    model.compile({ optimizer, loss, metrics: parsed.compile.metrics });
    // Built when the first layer gives its input shape, else by fit.
    const units = model.built
      ? model.tfModel.outputs[0]!.shape.at(-1) ?? 1
      : lastUnits(parsed.layers);
    const encoding = targetEncoding(loss, units ?? data.classes.length);
    const k = data.classes.length;
    const y = encodeTargets(data.y, encoding, k);
    targets.push(y);
    if (validationData !== undefined) {
      targets.push(encodeTargets(validationData[1], encoding, k));
    }
    const history = await model.fit(data.x, y, {
      ...(fit['epochs'] === undefined ? {} : { epochs: fit['epochs'] }),
      ...(fit['batchSize'] === undefined
        ? {}
        : { batchSize: fit['batchSize'] }),
      ...(validationData === undefined
        ? {}
        : { validationData: [validationData[0], targets[1]!] }),
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
    tf.dispose(targets);
    targets.length = 0;
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
      // The most probable class; for a 1-unit output [1 - p, p] that is
      // p > 0.5, as Keras users threshold `model.predict(x) > 0.5`.
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
    tf.dispose(targets);
    dispose();
    throw err;
  }
}

/** Units of the last Dense layer of a config, if any. */
function lastUnits(layers: LayerEntry[]): number | undefined {
  const dense = layers.filter((l) => l.type === 'Dense').at(-1);
  return dense?.options['units'] as number | undefined;
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
