import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FacadeEntry, FacadeName } from '../../src/compare/types.js';
import {
  loadComparisonConfig,
  parseComparisonConfig,
} from '../../src/config/comparison_config.js';
import { ConfigError } from '../../src/errors.js';

// The loader's own checks are tested with facades that accept any section
// and record what they were given; each facade tests its own section.
const checked: { section: Record<string, unknown>; keyPath: string }[] = [];
const accepting: FacadeEntry = {
  check(section, keyPath) {
    checked.push({ section, keyPath });
  },
  run: () => Promise.reject(new Error('not used')),
};
const facades: Record<FacadeName, FacadeEntry> = {
  sklearn: accepting,
  keras: accepting,
  torch: accepting,
};

const minimal = () => ({
  dataset: { train: 'a.csv', test: 'b.csv' },
  models: [{ name: 'm1', facade: 'sklearn', args: { max_iter: 3 } }],
});

function errorOf(raw: unknown): ConfigError {
  try {
    parseComparisonConfig(raw, facades, 'c.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseComparisonConfig', () => {
  it('fills defaults and hands each model section to its facade', () => {
    checked.length = 0;
    const config = parseComparisonConfig(minimal(), facades);
    expect(config.dataset).toEqual({
      train: 'a.csv', test: 'b.csv', label: 'label', header: true,
    });
    expect(config.output).toBe('models');
    expect(config.models).toEqual([{
      name: 'm1', facade: 'sklearn', section: { args: { max_iter: 3 } },
      keyPath: 'models[0]',
    }]);
    expect(checked).toEqual([
      { section: { args: { max_iter: 3 } }, keyPath: 'models[0]' },
    ]);
  });

  it('suggests the nearest key for an unknown top-level key', () => {
    const raw = { ...minimal(), modles: [] };
    const err = errorOf(raw);
    expect(err.path).toBe('modles');
    expect(err.message).toBe(
      "c.yaml: modles: unknown key (did you mean 'models'?); known keys " +
        "here are 'dataset', 'backend', 'seed', 'output' or 'models'.",
    );
  });

  it('names the dataset key at fault', () => {
    const raw = minimal();
    (raw.dataset as Record<string, unknown>)['scale'] = -255;
    const err = errorOf(raw);
    expect(err.path).toBe('dataset.scale');
    expect(err.message).toContain('dataset.scale: must be a positive number');
    expect(err.message).toContain('got -255');
  });

  it('refuses an unknown facade with a suggestion', () => {
    const raw = minimal();
    raw.models[0]!.facade = 'pytorch';
    const err = errorOf(raw);
    expect(err.path).toBe('models[0].facade');
    expect(err.message).toBe(
      "c.yaml: models[0].facade: must be one of 'sklearn', 'keras' or " +
        "'torch' (did you mean 'torch'?); got 'pytorch'.",
    );
  });

  it('refuses duplicate and unsafe model names', () => {
    const raw = minimal();
    raw.models.push({ ...raw.models[0]! });
    expect(errorOf(raw).message).toContain(
      "models[1].name: 'm1' is used by an earlier model",
    );
    const unsafe = minimal();
    unsafe.models[0]!.name = '../escape';
    expect(errorOf(unsafe).path).toBe('models[0].name');
  });

  it('refuses an empty model list, a bad seed and a bad backend', () => {
    expect(errorOf({ ...minimal(), models: [] }).path).toBe('models');
    expect(errorOf({ ...minimal(), seed: 1.5 }).message).toContain(
      'seed: must be an integer in [0, 4294967295]; got 1.5.',
    );
    expect(errorOf({ ...minimal(), backend: 'gpu' }).path).toBe('backend');
  });

  // The user's word is `node`; tfjs's internal 'tensorflow' stays out of
  // the choice list (it listed 'tensorflow' beside 'node').
  it('lists the backends by the names users type', () => {
    expect(errorOf({ ...minimal(), backend: 'gpu' }).message).toBe(
      "c.yaml: backend: must be one of 'node', 'wasm' or 'cpu'; got 'gpu'.",
    );
  });

  it('accepts backend spellings and a label index', () => {
    const raw = {
      ...minimal(),
      backend: 'node',
      dataset: { train: 'a.csv', test: 'b.csv', label: 0, header: false },
    };
    const config = parseComparisonConfig(raw, facades);
    expect(config.backend).toBe('node');
    expect(config.dataset.label).toBe(0);
    expect(config.dataset.header).toBe(false);
  });

  it('prefixes a facade error with the file', () => {
    const refusing: FacadeEntry = {
      check(_section, keyPath) {
        throw new ConfigError(`${keyPath}.args.max_iter: must be > 0`,
          undefined, `${keyPath}.args.max_iter`);
      },
      run: accepting.run,
    };
    expect(() => parseComparisonConfig(minimal(),
      { ...facades, sklearn: refusing }, 'c.yaml'))
      .toThrow('c.yaml: models[0].args.max_iter: must be > 0');
  });
});

describe('loadComparisonConfig', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-config-'));

  it('reads YAML and JSON alike', () => {
    const yamlFile = path.join(dir, 'c.yaml');
    fs.writeFileSync(yamlFile, [
      'dataset: {train: a.csv, test: b.csv, scale: 255}',
      'models:',
      '  - {name: k, facade: keras, fit: {epochs: 2}}',
    ].join('\n'));
    const jsonFile = path.join(dir, 'c.json');
    fs.writeFileSync(jsonFile, JSON.stringify({
      dataset: { train: 'a.csv', test: 'b.csv', scale: 255 },
      models: [{ name: 'k', facade: 'keras', fit: { epochs: 2 } }],
    }));
    const a = loadComparisonConfig(yamlFile, facades);
    const b = loadComparisonConfig(jsonFile, facades);
    expect(a.dataset).toEqual(b.dataset);
    expect(a.models).toEqual(b.models);
  });

  it('reports a YAML syntax error with its line', () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'dataset:\n  train: [a.csv\nmodels: []\n');
    expect(() => loadComparisonConfig(file, facades)).toThrow(
      /bad\.yaml: not valid YAML or JSON at line \d+, column \d+/,
    );
  });

  it('names a missing file', () => {
    const file = path.join(dir, 'absent.yaml');
    expect(() => loadComparisonConfig(file, facades)).toThrow(
      `${file}: config file not found (looked for ${file}).`,
    );
  });

  it('refuses duplicate keys', () => {
    const file = path.join(dir, 'dup.yaml');
    fs.writeFileSync(file, 'seed: 1\nseed: 2\n');
    expect(() => loadComparisonConfig(file, facades)).toThrow(
      /dup\.yaml: not valid YAML or JSON/,
    );
  });
});
