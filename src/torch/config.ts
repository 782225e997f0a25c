import { ConfigError, describeValue } from '../errors.js';
import { listChoices, nearest } from '../util/options.js';

/**
 * The torch section of a comparison config, checked: the model's layers,
 * the loss, the optimizer, the data loader, the epochs and an optional
 * learning-rate scheduler, each in PyTorch's Python spellings.
 */
export interface TorchSection {
  model: LayerSpec[];
  loss: LossSpec;
  optimizer: OptimizerSpec;
  dataloader: { batch_size: number; shuffle: boolean; drop_last: boolean };
  epochs: number;
  lr_scheduler?: { type: 'StepLR'; step_size: number; gamma: number };
}

export type LayerSpec =
  | { type: 'Linear'; in_features: number; out_features: number;
      bias: boolean }
  | { type: 'ReLU' | 'Sigmoid' | 'Tanh' }
  | { type: 'Softmax'; dim: number }
  | { type: 'Dropout'; p: number }
  | { type: 'Flatten'; start_dim: number; end_dim: number };

export interface LossSpec {
  type: 'CrossEntropyLoss';
  label_smoothing: number;
  weight?: number[];
  ignore_index: number;
  reduction: 'mean' | 'sum';
}

export type OptimizerSpec =
  | { type: 'Adam'; lr: number; betas: [number, number]; eps: number;
      weight_decay: number; amsgrad: boolean }
  | { type: 'SGD'; lr: number; momentum: number; dampening: number;
      weight_decay: number; nesterov: boolean };

const SECTION_KEYS = ['model', 'loss', 'optimizer', 'dataloader', 'epochs',
  'lr_scheduler'];

type Kind = 'int' | 'number' | 'bool' | 'betas' | 'numbers' | 'reduction';
interface ArgSpec {
  kind: Kind;
  /** Default, or undefined when the argument is required. */
  default?: unknown;
  /** Inclusive lower bound, or exclusive with `above`. */
  min?: number;
  above?: boolean;
  max?: number;
  below?: boolean;
}

const LAYERS: Record<string, Record<string, ArgSpec>> = {
  Linear: {
    in_features: { kind: 'int', min: 1 },
    out_features: { kind: 'int', min: 1 },
    bias: { kind: 'bool', default: true },
  },
  ReLU: {},
  Sigmoid: {},
  Tanh: {},
  Softmax: { dim: { kind: 'int', default: -1 } },
  Dropout: { p: { kind: 'number', default: 0.5, min: 0, max: 1 } },
  Flatten: {
    start_dim: { kind: 'int', default: 1 },
    end_dim: { kind: 'int', default: -1 },
  },
};

const LOSSES: Record<string, Record<string, ArgSpec>> = {
  CrossEntropyLoss: {
    label_smoothing: { kind: 'number', default: 0, min: 0, max: 1 },
    weight: { kind: 'numbers', default: undefined },
    ignore_index: { kind: 'int', default: -100 },
    reduction: { kind: 'reduction', default: 'mean' },
  },
};

const OPTIMIZERS: Record<string, Record<string, ArgSpec>> = {
  Adam: {
    lr: { kind: 'number', default: 1e-3, min: 0 },
    betas: { kind: 'betas', default: [0.9, 0.999] },
    eps: { kind: 'number', default: 1e-8, min: 0 },
    weight_decay: { kind: 'number', default: 0, min: 0 },
    amsgrad: { kind: 'bool', default: false },
  },
  SGD: {
    // Required, as in PyTorch 1.13's SGD (and the facade's optim.SGD).
    lr: { kind: 'number', min: 0 },
    momentum: { kind: 'number', default: 0, min: 0 },
    dampening: { kind: 'number', default: 0, min: 0 },
    weight_decay: { kind: 'number', default: 0, min: 0 },
    nesterov: { kind: 'bool', default: false },
  },
};

const SCHEDULERS: Record<string, Record<string, ArgSpec>> = {
  StepLR: {
    step_size: { kind: 'int', min: 1 },
    gamma: { kind: 'number', default: 0.1, min: 0, above: true },
  },
};

const DATALOADER: Record<string, ArgSpec> = {
  batch_size: { kind: 'int', default: 1, min: 1 },
  shuffle: { kind: 'bool', default: false },
  drop_last: { kind: 'bool', default: false },
};

/**
 * Checks a torch config section and fills in PyTorch's defaults. Every
 * problem is a `ConfigError` whose message starts with the full key path.
 */
export function parseTorchSection(
  section: Record<string, unknown>,
  keyPath: string,
): TorchSection {
  if (typeof section !== 'object' || section === null ||
      Array.isArray(section)) {
    fail(keyPath, `must be a mapping; got ${describeValue(section)}.`);
  }
  for (const key of Object.keys(section)) {
    if (!SECTION_KEYS.includes(key)) {
      unknownKey(`${keyPath}.${key}`, key, SECTION_KEYS,
        'a torch model');
    }
  }
  for (const key of ['model', 'optimizer', 'epochs']) {
    if (section[key] === undefined) {
      fail(`${keyPath}.${key}`, `is required for a torch model.`);
    }
  }
  const model = parseModel(section.model, `${keyPath}.model`);
  const loss = parseEntry(section.loss ?? 'CrossEntropyLoss', LOSSES,
    `${keyPath}.loss`, 'loss') as unknown as LossSpec;
  const optimizer = parseEntry(section.optimizer, OPTIMIZERS,
    `${keyPath}.optimizer`, 'optimizer') as unknown as OptimizerSpec;
  if (optimizer.type === 'SGD' && optimizer.nesterov &&
      (optimizer.momentum <= 0 || optimizer.dampening !== 0)) {
    fail(`${keyPath}.optimizer.nesterov`,
      'needs momentum > 0 and dampening = 0.');
  }
  const dlPath = `${keyPath}.dataloader`;
  const dlRaw = section.dataloader ?? {};
  if (typeof dlRaw !== 'object' || dlRaw === null || Array.isArray(dlRaw)) {
    fail(dlPath, `must be a mapping such as {batch_size: 32, shuffle: ` +
      `true}; got ${describeValue(dlRaw)}.`);
  }
  const dataloader = parseArgs(dlRaw as Record<string, unknown>, DATALOADER,
    dlPath, 'DataLoader') as TorchSection['dataloader'];
  const epochs = parseArg(section.epochs, { kind: 'int', min: 1 },
    `${keyPath}.epochs`) as number;
  const out: TorchSection = { model, loss, optimizer, dataloader, epochs };
  if (section.lr_scheduler !== undefined) {
    out.lr_scheduler = parseEntry(section.lr_scheduler, SCHEDULERS,
      `${keyPath}.lr_scheduler`, 'learning-rate scheduler') as
      unknown as TorchSection['lr_scheduler'];
  }
  return out;
}

function parseModel(raw: unknown, path: string): LayerSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    fail(path, `must be a non-empty list of layers such as ` +
      `[{type: Linear, in_features: 784, out_features: 10}]; got ` +
      `${describeValue(raw)}.`);
  }
  const layers = (raw as unknown[]).map((entry, i) =>
    parseEntry(entry, LAYERS, `${path}[${i}]`, 'layer') as
      unknown as LayerSpec);
  let width: number | undefined;
  let widthAt = '';
  layers.forEach((layer, i) => {
    if (layer.type !== 'Linear') {
      return;
    }
    if (width !== undefined && layer.in_features !== width) {
      fail(`${path}[${i}].in_features`,
        `is ${layer.in_features} but the previous Linear (${widthAt}) ` +
          `has out_features ${width}; they must be equal.`);
    }
    width = layer.out_features;
    widthAt = `${path}[${i}]`;
  });
  if (width === undefined) {
    fail(path, 'needs at least one Linear layer.');
  }
  return layers;
}

function parseEntry(
  raw: unknown,
  table: Record<string, Record<string, ArgSpec>>,
  path: string,
  what: string,
): Record<string, unknown> {
  const names = Object.keys(table);
  let type: unknown;
  let args: Record<string, unknown> = {};
  if (typeof raw === 'string') {
    type = raw;
  } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    ({ type, ...args } = raw as Record<string, unknown>);
    if (type === undefined) {
      fail(`${path}.type`, `is required: name the ${what} ` +
        `(${listChoices(names)}).`);
    }
  } else {
    fail(path, `must be a ${what} name or a mapping with 'type'; got ` +
      `${describeValue(raw)}.`);
  }
  const typePath = typeof raw === 'string' ? path : `${path}.type`;
  if (typeof type !== 'string' || !names.includes(type)) {
    const guess = typeof type === 'string' ? nearest(type, names) : undefined;
    const hint = guess === undefined ? '' : ` Did you mean '${guess}'?`;
    fail(typePath, `unknown ${what} ${describeValue(type)}.${hint} Known: ` +
      `${listChoices(names)}.`);
  }
  return { type, ...parseArgs(args, table[type as string]!, path,
    type as string) };
}

function parseArgs(
  args: Record<string, unknown>,
  specs: Record<string, ArgSpec>,
  path: string,
  owner: string,
): Record<string, unknown> {
  const known = Object.keys(specs);
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) {
      unknownKey(`${path}.${key}`, key, known, owner);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const value = args[key];
    if (value === undefined) {
      if (!('default' in spec)) {
        fail(`${path}.${key}`, `is required by ${owner}.`);
      }
      if (spec.default !== undefined) {
        out[key] = spec.default;
      }
      continue;
    }
    out[key] = parseArg(value, spec, `${path}.${key}`);
  }
  return out;
}

function parseArg(value: unknown, spec: ArgSpec, path: string): unknown {
  switch (spec.kind) {
    case 'bool':
      if (typeof value !== 'boolean') {
        fail(path, `must be true or false; got ${describeValue(value)}.`);
      }
      return value;
    case 'reduction':
      if (value !== 'mean' && value !== 'sum') {
        fail(path, `must be ${listChoices(['mean', 'sum'])} (training ` +
          `needs a scalar loss); got ${describeValue(value)}.`);
      }
      return value;
    case 'betas':
      if (!Array.isArray(value) || value.length !== 2 ||
          value.some((b) => typeof b !== 'number' || !(b >= 0 && b < 1))) {
        fail(path, `must be two numbers in [0, 1) such as [0.9, 0.999]; ` +
          `got ${describeValue(value)}.`);
      }
      return value;
    case 'numbers':
      if (!Array.isArray(value) || value.length === 0 ||
          value.some((w) => typeof w !== 'number' || !(w >= 0))) {
        fail(path, `must be a list of numbers >= 0, one per class; got ` +
          `${describeValue(value)}.`);
      }
      return value;
    default: {
      const isInt = spec.kind === 'int';
      if (typeof value !== 'number' || !Number.isFinite(value) ||
          (isInt && !Number.isInteger(value))) {
        fail(path, `must be ${isInt ? 'an integer' : 'a number'}; got ` +
          `${describeValue(value)}.`);
      }
      const v = value as number;
      const low = spec.min !== undefined &&
        (spec.above ? !(v > spec.min) : !(v >= spec.min));
      const high = spec.max !== undefined && !(v <= spec.max);
      if (low || high) {
        fail(path, `must be ${range(spec)}; got ${v}.`);
      }
      return v;
    }
  }
}

function range(spec: ArgSpec): string {
  const parts: string[] = [];
  if (spec.min !== undefined) {
    parts.push(`${spec.above ? '>' : '>='} ${spec.min}`);
  }
  if (spec.max !== undefined) {
    parts.push(`<= ${spec.max}`);
  }
  return parts.join(' and ');
}

function unknownKey(
  path: string,
  key: string,
  known: readonly string[],
  owner: string,
): never {
  const guess = nearest(key, known);
  const hint = guess === undefined ? '' : ` Did you mean '${guess}'?`;
  const list = known.length === 0
    ? `${owner} takes no arguments.`
    : `Known: ${listChoices(known)}.`;
  return fail(path, `unknown key '${key}' for ${owner}.${hint} ${list}`);
}

function fail(path: string, message: string): never {
  throw new ConfigError(`${path}: ${message}`, undefined, path);
}

/** A setting of a torch section that cannot work with the data. */
export interface DataMismatch {
  /** Key path such as `models[2].model[0].in_features`. */
  path: string;
  /** What is wrong, ending with a full stop. */
  message: string;
}

/**
 * The settings of `spec` that do not fit data of `features` columns,
 * `classes` classes and `rows` rows: the first Linear layer's inputs,
 * the last one's outputs, the loss's class weights, and a batch that
 * drop_last would leave empty.
 */
export function torchDataMismatches(
  spec: TorchSection,
  keyPath: string,
  data: { features: number; classes: number; rows: number },
): DataMismatch[] {
  const linears = spec.model.flatMap((layer, i) =>
    layer.type === 'Linear' ? [{ layer, i }] : []) as
    { layer: LayerSpec & { type: 'Linear' }; i: number }[];
  const found: DataMismatch[] = [];
  // parseTorchSection made sure there is a Linear layer.
  const first = linears[0]!;
  if (first.layer.in_features !== data.features) {
    found.push({
      path: `${keyPath}.model[${first.i}].in_features`,
      message: `is ${first.layer.in_features} but the data has ` +
        `${data.features} feature columns.`,
    });
  }
  const last = linears.at(-1)!;
  if (last.layer.out_features !== data.classes) {
    found.push({
      path: `${keyPath}.model[${last.i}].out_features`,
      message: `is ${last.layer.out_features} but the data has ` +
        `${data.classes} classes.`,
    });
  }
  const weight = spec.loss.weight;
  if (weight !== undefined && weight.length !== data.classes) {
    found.push({
      path: `${keyPath}.loss.weight`,
      message: `has ${weight.length} weights but the data has ` +
        `${data.classes} classes.`,
    });
  }
  // As PyTorch's DataLoader, a batch larger than the data is one short
  // batch; only drop_last would leave no batch (PyTorch's loop then
  // divides by len(loader) == 0).
  const batch = spec.dataloader.batch_size;
  if (batch > data.rows && spec.dataloader.drop_last) {
    found.push({
      path: `${keyPath}.dataloader.batch_size`,
      message: `is ${batch}, larger than the ${data.rows} training rows, ` +
        'and drop_last is true: no batch would be left to train on.',
    });
  }
  return found;
}
