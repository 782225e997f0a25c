import type * as tf from '@tensorflow/tfjs';
import { describeValue } from '../errors.js';
import { listChoices } from '../util/options.js';
import {
  CROSSENTROPY_OPTIONS,
  getLoss,
  LOSS_CLASSES,
  LOSS_NAMES,
  SMOOTHED_OPTIONS,
  type Loss,
} from './losses.js';
import { METRIC_NAMES } from './metrics.js';
import {
  checkSection,
  configError,
  didYouMean,
  text,
  type OptionTable,
} from './option_specs.js';
import {
  ADAM_OPTIONS,
} from './optimizers/adam.js';
import {
  getOptimizer,
  OPTIMIZER_CLASSES,
  OPTIMIZER_NAMES,
} from './optimizers/index.js';
import { RMSPROP_OPTIONS } from './optimizers/rmsprop.js';
import { SGD_OPTIONS } from './optimizers/sgd.js';

/** A checked `compile` section; factories create fresh objects. */
export interface CompileEntry {
  optimizer: () => tf.Optimizer;
  loss: () => Loss;
  metrics: string[];
}

const OPTIMIZER_TABLES: Record<keyof typeof OPTIMIZER_CLASSES, OptionTable> =
  { Adam: ADAM_OPTIONS, SGD: SGD_OPTIONS, RMSprop: RMSPROP_OPTIONS };

const LOSS_TABLES: Record<keyof typeof LOSS_CLASSES, OptionTable> = {
  SparseCategoricalCrossentropy: CROSSENTROPY_OPTIONS,
  CategoricalCrossentropy: SMOOTHED_OPTIONS,
  BinaryCrossentropy: SMOOTHED_OPTIONS,
  MeanSquaredError: { name: text },
  MeanAbsoluteError: { name: text },
};

const COMPILE_KEYS = ['optimizer', 'loss', 'metrics'];

/**
 * Checks a config's `compile` section (Python spellings): `optimizer` a
 * name, `{type: Adam, learning_rate: ...}` or Keras's serialized
 * `{class_name: Adam, config: {learning_rate: ...}}`, `loss` a name or
 * the same two mappings (`{type: SparseCategoricalCrossentropy,
 * from_logits: ...}`), `metrics` a list of names. Throws `ConfigError`
 * starting with the key path.
 */
export function parseCompile(section: unknown, path: string): CompileEntry {
  if (typeof section !== 'object' || section === null ||
    Array.isArray(section)) {
    throw configError(path, 'must be a mapping with optimizer, loss and ' +
      `metrics; got ${describeValue(section)}`);
  }
  const s = section as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!COMPILE_KEYS.includes(key)) {
      throw configError(`${path}.${key}`, `unknown key for compile` +
        `${didYouMean(key, COMPILE_KEYS)}; known keys are ` +
        listChoices(COMPILE_KEYS));
    }
  }
  return {
    optimizer: parseOptimizer(s['optimizer'] ?? 'rmsprop',
      `${path}.optimizer`),
    loss: parseLoss(s['loss'], `${path}.loss`),
    metrics: parseMetrics(s['metrics'], `${path}.metrics`),
  };
}

function parseOptimizer(value: unknown, path: string): () => tf.Optimizer {
  if (typeof value === 'string') {
    if (!(OPTIMIZER_NAMES as readonly string[]).includes(
      value.toLowerCase())) {
      throw configError(path, `unknown optimizer ${describeValue(value)}` +
        `${didYouMean(value, OPTIMIZER_NAMES)}; known optimizers are ` +
        listChoices(OPTIMIZER_NAMES));
    }
    return () => getOptimizer(value);
  }
  const { type, options, at } = typed(value, path,
    Object.keys(OPTIMIZER_CLASSES), 'optimizer');
  const key = type as keyof typeof OPTIMIZER_CLASSES;
  const camel = checkSection(at, options, OPTIMIZER_TABLES[key], type);
  const Class = OPTIMIZER_CLASSES[key];
  try {
    new Class(camel);
  } catch (err) {
    throw configError(at, (err as Error).message.replace(/\.$/, ''));
  }
  return () => new Class(camel);
}

function parseLoss(value: unknown, path: string): () => Loss {
  if (value === undefined) {
    throw configError(path, "is required, e.g. " +
      "'sparse_categorical_crossentropy'");
  }
  if (typeof value === 'string') {
    if (!LOSS_NAMES.includes(value)) {
      throw configError(path, `unknown loss ${describeValue(value)}` +
        `${didYouMean(value, LOSS_NAMES)}; known losses are ` +
        listChoices(LOSS_NAMES));
    }
    return () => getLoss(value);
  }
  const { type, options, at } = typed(value, path,
    Object.keys(LOSS_CLASSES), 'loss');
  const key = type as keyof typeof LOSS_CLASSES;
  const camel = checkSection(at, options, LOSS_TABLES[key], type);
  const Class = LOSS_CLASSES[key];
  return () => new Class(camel);
}

function parseMetrics(value: unknown, path: string): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw configError(path, `must be a list such as [accuracy]; got ` +
      describeValue(value));
  }
  value.forEach((m, i) => {
    if (!(METRIC_NAMES as readonly unknown[]).includes(m)) {
      throw configError(`${path}[${i}]`, `unknown metric ` +
        `${describeValue(m)}${didYouMean(m, METRIC_NAMES)}; known metrics ` +
        `are ${listChoices(METRIC_NAMES)}`);
    }
  });
  return value as string[];
}

/** A checked `{type: X, ...options}` or Keras-serialized entry. */
interface TypedEntry {
  type: string;
  options: Record<string, unknown>;
  /** Key path of the options, for their messages. */
  at: string;
}

/**
 * `{type: X, ...options}` with X among `known`, or Keras's serialized
 * form `{class_name: X, config: {...}}` (see `serialized`).
 */
function typed(
  value: unknown,
  path: string,
  known: string[],
  what: string,
): TypedEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(path, `must be a ${what} name, a mapping with ` +
      `'type' or Keras's {class_name, config}; got ${describeValue(value)}`);
  }
  const entry = value as Record<string, unknown>;
  if ('class_name' in entry && !('type' in entry)) {
    return serialized(entry, path, known, what);
  }
  const { type, ...options } = entry;
  if (type === undefined) {
    throw configError(`${path}.type`, `is missing; name the ${what} ` +
      `class (${listChoices(known)}), or give Keras's serialized form ` +
      `{class_name: ${known[0]}, config: {...}}`);
  }
  if (typeof type !== 'string' || !known.includes(type)) {
    throw configError(`${path}.type`, `unknown ${what} class ` +
      `${describeValue(type)}${didYouMean(type, known)}; known classes are ` +
      listChoices(known));
  }
  return { type, options, at: path };
}

const SERIALIZED_KEYS = ['class_name', 'config', 'module', 'registered_name'];

/**
 * Options that Keras's `get_config()` writes for every optimizer or loss,
 * at their Keras defaults. Serialized entries may carry them; any other
 * value is refused as an unknown key.
 */
const KERAS_CONFIG_DEFAULTS: Record<string, Record<string, unknown>> = {
  optimizer: {
    weight_decay: null,
    clipnorm: null,
    global_clipnorm: null,
    clipvalue: null,
    use_ema: false,
    ema_momentum: 0.99,
    ema_overwrite_frequency: null,
    loss_scale_factor: null,
    gradient_accumulation_steps: null,
  },
  loss: {
    reduction: 'sum_over_batch_size',
    dtype: null,
    ignore_class: null,
    axis: -1,
  },
};

/**
 * Keras's serialized form, as `keras.optimizers.serialize` and
 * `keras.losses.serialize` write it and `optimizers.get` reads it:
 * `{class_name: Adam, config: {learning_rate: 0.001}}`, with optional
 * `module` and `registered_name`. The class name matches in any case, as
 * Keras matches its built-in classes.
 */
function serialized(
  entry: Record<string, unknown>,
  path: string,
  known: string[],
  what: string,
): TypedEntry {
  for (const key of Object.keys(entry)) {
    if (!SERIALIZED_KEYS.includes(key)) {
      throw configError(`${path}.${key}`, `unknown key for a serialized ` +
        `${what}${didYouMean(key, SERIALIZED_KEYS)}; known keys are ` +
        listChoices(SERIALIZED_KEYS));
    }
  }
  const name = entry['class_name'];
  const type = typeof name === 'string'
    ? known.find((k) => k.toLowerCase() === name.toLowerCase())
    : undefined;
  if (type === undefined) {
    throw configError(`${path}.class_name`, `unknown ${what} class ` +
      `${describeValue(name)}${didYouMean(name, known)}; known classes ` +
      `are ${listChoices(known)}`);
  }
  const config = entry['config'] ?? {};
  if (typeof config !== 'object' || config === null ||
    Array.isArray(config)) {
    throw configError(`${path}.config`, `must be a mapping of ${type} ` +
      `options; got ${describeValue(config)}`);
  }
  const defaults = KERAS_CONFIG_DEFAULTS[what] ?? {};
  const options = Object.fromEntries(Object.entries(config).filter(
    ([key, v]) => !(key in defaults && defaults[key] === v)));
  return { type, options, at: `${path}.config` };
}
