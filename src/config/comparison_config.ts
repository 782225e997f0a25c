import * as fs from 'node:fs';
import * as path from 'node:path';
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { BACKENDS, resolveBackendName } from '../backend/select.js';
import type { BackendName } from '../backend/select.js';
import { FACADES } from '../compare/types.js';
import type { FacadeEntry, FacadeName } from '../compare/types.js';
import { ConfigError, TrioError, describeValue } from '../errors.js';
import { listChoices, nearest } from '../util/options.js';

/** Where the comparison's data comes from. Paths are relative to the cwd. */
export interface DatasetConfig {
  /** Training CSV. */
  train: string;
  /** Test CSV, with the same columns as `train`. */
  test: string;
  /** Label column, by name or 0-based index. @default 'label' */
  label: string | number;
  /** Divide every feature by this (the tutorial's `X / 255`). */
  scale?: number;
  /** The CSV files have a header row. @default true */
  header: boolean;
  /** Field delimiter; detected from the first line when absent. */
  delimiter?: string;
  /** `mnist`: write the bundled MNIST to `train`/`test` when absent. */
  source?: 'mnist';
}

export interface ModelConfig {
  name: string;
  facade: FacadeName;
  /** The rest of the entry, in Python spellings, for the facade to read. */
  section: Record<string, unknown>;
  /** `models[i]`, to prefix the facade's own messages. */
  keyPath: string;
}

export interface ComparisonConfig {
  /** The file it was read from (absolute), when read from a file. */
  file?: string;
  dataset: DatasetConfig;
  backend?: BackendName;
  seed?: number;
  /** Folder that receives one sub-folder per trained model. */
  output: string;
  models: ModelConfig[];
}

const TOP_KEYS = ['dataset', 'backend', 'seed', 'output', 'models'];
const DATASET_KEYS = [
  'train', 'test', 'label', 'scale', 'header', 'delimiter', 'source',
];
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** File systems allow 255 bytes; saving adds a `.<name>.tmp-XXXXXX`. */
const MAX_NAME = 200;

/** Reads and validates a YAML or JSON comparison config file. */
export function loadComparisonConfig(
  file: string,
  facades: Record<FacadeName, FacadeEntry>,
): ComparisonConfig {
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) {
    throw new ConfigError(
      `config file not found (looked for ${absolute}).`,
      file,
      '',
    );
  }
  if (!fs.statSync(absolute).isFile()) {
    throw new ConfigError(
      `not a file (it is a folder or a device); give the path of a YAML ` +
        `or JSON config.`,
      file,
      '',
    );
  }
  const text = fs.readFileSync(absolute, 'utf8');
  if (/\.json$/i.test(file)) {
    checkJsonComments(text, file);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      const where = pos === undefined ? '' : ` at line ${pos.line}, ` +
        `column ${pos.col}`;
      throw new ConfigError(
        `not valid YAML or JSON${where}: ${err.message.split('\n')[0]!
          .replace(/ at line \d+, column \d+:?$/, '')}.`,
        file,
        '',
      );
    }
    throw err;
  }
  return parseComparisonConfig(raw, facades, file);
}

/** Validates an already-parsed config object (from YAML, JSON or code). */
export function parseComparisonConfig(
  raw: unknown,
  facades: Record<FacadeName, FacadeEntry>,
  file?: string,
): ComparisonConfig {
  const fail = (keyPath: string, message: string): never => {
    throw new ConfigError(
      keyPath === '' ? message : `${keyPath}: ${message}`,
      file,
      keyPath,
    );
  };
  if (typeof raw === 'string' && (raw.length > 60 || /[,;]/.test(raw))) {
    // A CSV parses as one YAML string; echoing it all would drown the
    // message.
    fail('', `the config must be a mapping of keys to values, but the ` +
      `file reads as one line of text (a CSV or data file?); give the ` +
      `YAML or JSON config, such as configs/mnist.yaml.`);
  }
  const top = expectObject(raw, '', fail, 'the config');
  rejectUnknown(top, TOP_KEYS, '', fail);

  const dataset = parseDataset(top['dataset'], fail);
  const config: ComparisonConfig = {
    ...(file === undefined ? {} : { file: path.resolve(file) }),
    dataset,
    output: 'models',
    models: [],
  };
  if (top['backend'] !== undefined) {
    const value = top['backend'];
    try {
      config.backend = resolveBackendName(String(value));
    } catch {
      fail('backend', `must be one of ${listChoices(BACKENDS)}; got ` +
        `${received(value)}.`);
    }
  }
  if (top['seed'] !== undefined) {
    const seed = top['seed'];
    if (!isIntegerIn(seed, 0, 0xffffffff)) {
      fail('seed', `must be an integer in [0, 4294967295]; got ` +
        `${received(seed)}.`);
    }
    config.seed = seed as number;
  }
  if (top['output'] !== undefined) {
    config.output = expectString(top['output'], 'output', fail);
  }

  const models = top['models'];
  if (!Array.isArray(models) || models.length === 0) {
    fail('models', `must be a non-empty list of models; got ` +
      `${received(models)}.`);
  }
  const seen = new Set<string>();
  (models as unknown[]).forEach((entry, i) => {
    const keyPath = `models[${i}]`;
    const model = expectObject(entry, keyPath, fail, 'a model');
    const name = expectString(model['name'], `${keyPath}.name`, fail);
    if (!MODEL_NAME.test(name)) {
      fail(`${keyPath}.name`, `must start with a letter or digit and hold ` +
        `only letters, digits, '.', '_' or '-' (it names a folder); got ` +
        `${received(name)}.`);
    }
    if (name.length > MAX_NAME) {
      fail(`${keyPath}.name`, `must be at most ${MAX_NAME} characters (it ` +
        `names a folder); got ${name.length}.`);
    }
    if (seen.has(name)) {
      fail(`${keyPath}.name`, `'${name}' is used by an earlier model; ` +
        `names must be unique.`);
    }
    seen.add(name);
    const facade = model['facade'];
    if (!FACADES.includes(facade as FacadeName)) {
      const guess = typeof facade === 'string'
        ? nearest(facade, FACADES)
        : undefined;
      fail(`${keyPath}.facade`, `must be one of ${listChoices(FACADES)}` +
        `${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; got ` +
        `${received(facade)}.`);
    }
    const { name: _n, facade: _f, ...section } = model;
    try {
      facades[facade as FacadeName].check(section, keyPath);
    } catch (err) {
      if (err instanceof ConfigError && file !== undefined &&
        !err.message.startsWith(file)) {
        throw new ConfigError(err.message, file, err.path);
      }
      if (err instanceof TrioError && !(err instanceof ConfigError)) {
        fail(keyPath, err.message);
      }
      throw err;
    }
    config.models.push({
      name,
      facade: facade as FacadeName,
      section,
      keyPath,
    });
  });
  return config;
}

function parseDataset(
  value: unknown,
  fail: (keyPath: string, message: string) => never,
): DatasetConfig {
  const raw = expectObject(value, 'dataset', fail, 'the dataset');
  rejectUnknown(raw, DATASET_KEYS, 'dataset', fail);
  const dataset: DatasetConfig = {
    train: expectString(raw['train'], 'dataset.train', fail),
    test: expectString(raw['test'], 'dataset.test', fail),
    label: 'label',
    header: true,
  };
  const label = raw['label'];
  if (label !== undefined) {
    if (typeof label === 'string' && label !== '') {
      dataset.label = label;
    } else if (isIntegerIn(label, 0, Infinity)) {
      dataset.label = label as number;
    } else {
      fail('dataset.label', `must be a column name or a 0-based column ` +
        `index; got ${received(label)}.`);
    }
  }
  const scale = raw['scale'];
  if (scale !== undefined) {
    if (typeof scale !== 'number' || !(scale > 0) || !isFinite(scale)) {
      fail('dataset.scale', `must be a positive number (features are ` +
        `divided by it); got ${received(scale)}.`);
    }
    dataset.scale = scale as number;
  }
  const header = raw['header'];
  if (header !== undefined) {
    if (typeof header !== 'boolean') {
      fail('dataset.header', `must be true or false; got ` +
        `${received(header)}.`);
    }
    dataset.header = header as boolean;
  }
  const delimiter = raw['delimiter'];
  if (delimiter !== undefined) {
    if (typeof delimiter !== 'string' || delimiter.length !== 1) {
      fail('dataset.delimiter', `must be a single character such as ',' ` +
        `or ';'; got ${received(delimiter)}.`);
    }
    dataset.delimiter = delimiter as string;
  }
  const source = raw['source'];
  if (source !== undefined) {
    if (source !== 'mnist') {
      fail('dataset.source', `must be 'mnist' (the bundled MNIST) or left ` +
        `out; got ${received(source)}.`);
    }
    dataset.source = 'mnist';
  }
  return dataset;
}

function expectObject(
  value: unknown,
  keyPath: string,
  fail: (keyPath: string, message: string) => never,
  what: string,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(keyPath, `${what} must be a mapping of keys to values; ` +
      `got ${received(value)}.`);
  }
  return value as Record<string, unknown>;
}

function expectString(
  value: unknown,
  keyPath: string,
  fail: (keyPath: string, message: string) => never,
): string {
  if (typeof value !== 'string' || value === '') {
    return fail(keyPath, `must be a non-empty string; got ` +
      `${received(value)}.`);
  }
  return value;
}

function rejectUnknown(
  raw: Record<string, unknown>,
  known: readonly string[],
  keyPath: string,
  fail: (keyPath: string, message: string) => never,
): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      const guess = nearest(key, known);
      const at = keyPath === '' ? key : `${keyPath}.${key}`;
      fail(at, `unknown key${guess === undefined ? '' :
        ` (did you mean '${guess}'?)`}; known keys here are ` +
        `${listChoices(known)}.`);
    }
  }
}

function isIntegerIn(value: unknown, low: number, high: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) &&
    value >= low && value <= high;
}

/**
 * JSON has no comments, but YAML (which reads every JSON file) takes
 * `// text` as part of a key, so a commented JSON config would fail later
 * with a baffling key. Names the line and column of the first comment.
 */
function checkJsonComments(text: string, file: string): void {
  let inString = false;
  let line = 1;
  let column = 1;
  for (let i = 0; i < text.length; i++, column++) {
    const c = text[i]!;
    if (c === '\n') {
      line += 1;
      column = 0;
    } else if (inString) {
      if (c === '\\') {
        i += 1;
        column += 1;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      throw new ConfigError(
        `line ${line}, column ${column}: JSON does not allow comments; ` +
          `remove them, or write the config in YAML, where '#' starts ` +
          `a comment.`,
        file,
        '',
      );
    }
  }
}

/** The received value for a message; a key left out is "missing". */
function received(value: unknown): string {
  return value === undefined ? 'nothing (the key is missing)'
    : describeValue(value);
}
