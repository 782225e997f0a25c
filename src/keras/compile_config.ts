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
 * name or `{type: Adam, learning_rate: ...}`, `loss` a name or
 * `{type: SparseCategoricalCrossentropy, from_logits: ...}`, `metrics` a
 * list of names. Throws `ConfigError` starting with the key path.
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
  const { type, options } = typed(value, path, Object.keys(OPTIMIZER_CLASSES),
    'optimizer');
  const key = type as keyof typeof OPTIMIZER_CLASSES;
  const camel = checkSection(path, options, OPTIMIZER_TABLES[key], type);
  const Class = OPTIMIZER_CLASSES[key];
  try {
    new Class(camel);
  } catch (err) {
    throw configError(path, (err as Error).message.replace(/\.$/, ''));
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
  const { type, options } = typed(value, path, Object.keys(LOSS_CLASSES),
    'loss');
  const key = type as keyof typeof LOSS_CLASSES;
  const camel = checkSection(path, options, LOSS_TABLES[key], type);
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

/** `{type: X, ...options}` with X among `known`. */
function typed(
  value: unknown,
  path: string,
  known: string[],
  what: string,
): { type: string; options: Record<string, unknown> } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(path, `must be a ${what} name or a mapping with ` +
      `'type'; got ${describeValue(value)}`);
  }
  const { type, ...options } = value as Record<string, unknown>;
  if (typeof type !== 'string' || !known.includes(type)) {
    throw configError(`${path}.type`, `unknown ${what} class ` +
      `${describeValue(type)}${didYouMean(type, known)}; known classes are ` +
      listChoices(known));
  }
  return { type, options };
}
