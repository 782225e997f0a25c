import { describeValue } from '../../errors.js';
import { listChoices } from '../../util/options.js';
import {
  checkSection,
  configError,
  didYouMean,
  type OptionTable,
} from '../option_specs.js';
import { L1, L1L2, L2, type Regularizer } from '../regularizers.js';
import {
  ActivationLayer,
  ACTIVATION_OPTIONS,
} from './activation.js';
import {
  BATCH_NORMALIZATION_OPTIONS,
  BatchNormalizationLayer,
} from './batch_normalization.js';
import { DENSE_OPTIONS, DenseLayer } from './dense.js';
import { DROPOUT_OPTIONS, DropoutLayer } from './dropout.js';
import { FlattenLayer } from './flatten.js';
import { LAYER_OPTIONS, type Layer } from './layer.js';

/** Layer types a config (or saved metadata) may name, with their options. */
const LAYER_TYPES: Record<string, {
  table: OptionTable;
  required?: string;
  build(options: Record<string, unknown>): Layer;
}> = {
  Dense: {
    table: DENSE_OPTIONS,
    required: 'units',
    build: (o) => new DenseLayer(o),
  },
  Dropout: {
    table: DROPOUT_OPTIONS,
    required: 'rate',
    build: (o) => new DropoutLayer(o),
  },
  Flatten: { table: LAYER_OPTIONS, build: (o) => new FlattenLayer(o) },
  Activation: {
    table: ACTIVATION_OPTIONS,
    required: 'activation',
    build: (o) => new ActivationLayer(o),
  },
  BatchNormalization: {
    table: BATCH_NORMALIZATION_OPTIONS,
    build: (o) => new BatchNormalizationLayer(o),
  },
};

export const LAYER_TYPE_NAMES = Object.keys(LAYER_TYPES);

/** A checked layer entry, ready to build. */
export interface LayerEntry {
  type: string;
  options: Record<string, unknown>;
}

/**
 * Checks one `layers` entry of a config (`{type: Dense, units: 128, ...}`
 * or a bare `Flatten`), Python spellings, and returns camelCase options.
 * Throws `ConfigError` whose message starts with `path`.
 */
export function parseLayerEntry(entry: unknown, path: string): LayerEntry {
  const object = typeof entry === 'string' ? { type: entry } : entry;
  if (typeof object !== 'object' || object === null ||
    Array.isArray(object)) {
    throw configError(path, 'must be a layer name or a mapping with ' +
      `'type'; got ${describeValue(entry)}`);
  }
  const { type, ...rest } = object as Record<string, unknown>;
  const spec = typeof type === 'string' ? LAYER_TYPES[type] : undefined;
  if (spec === undefined) {
    throw configError(typeof entry === 'string' ? path : `${path}.type`,
      `unknown layer type ${describeValue(type)}` +
        `${didYouMean(type, LAYER_TYPE_NAMES)}; known layer types are ` +
        listChoices(LAYER_TYPE_NAMES));
  }
  const regularizers: Record<string, Regularizer | null> = {};
  for (const key of ['kernel_regularizer', 'bias_regularizer']) {
    if (typeof rest[key] === 'object' && rest[key] !== null) {
      regularizers[key] = parseRegularizer(rest[key], `${path}.${key}`);
      delete rest[key];
    }
  }
  const options = checkSection(path, rest, spec.table, type as string);
  for (const [key, value] of Object.entries(regularizers)) {
    options[key === 'kernel_regularizer'
      ? 'kernelRegularizer'
      : 'biasRegularizer'] = value;
  }
  if (spec.required !== undefined && options[spec.required] === undefined) {
    const python = spec.required;
    throw configError(`${path}.${python}`,
      `is required for ${type as string}`);
  }
  return { type: type as string, options };
}

/** Creates the layer of a checked entry. */
export function buildLayer(entry: LayerEntry): Layer {
  return LAYER_TYPES[entry.type]!.build(entry.options);
}

const REGULARIZER_TYPES = ['L1', 'L2', 'L1L2'];

/** `{type: L2, l2: 0.01}` to a regularizer. */
function parseRegularizer(value: unknown, path: string): Regularizer {
  const { type, ...rest } = value as Record<string, unknown>;
  if (typeof type !== 'string' || !REGULARIZER_TYPES.includes(type)) {
    throw configError(`${path}.type`, `unknown regularizer ` +
      `${describeValue(type)}${didYouMean(type, REGULARIZER_TYPES)}; known ` +
      `regularizers are ${listChoices(REGULARIZER_TYPES)}`);
  }
  const number = {
    expected: 'a number >= 0',
    test: (v: unknown) => typeof v === 'number' && v >= 0,
  };
  const table: OptionTable = type === 'L1'
    ? { l1: number }
    : type === 'L2'
      ? { l2: number }
      : { l1: number, l2: number };
  const o = checkSection(path, rest, table, type) as {
    l1?: number;
    l2?: number;
  };
  if (type === 'L1') {
    return L1(o.l1);
  }
  if (type === 'L2') {
    return L2(o.l2);
  }
  return L1L2(o);
}
