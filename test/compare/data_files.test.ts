// Data paths are relative to where trio runs (as pandas reads them). A
// missing file used to be reported as `trio: small_train.csv: the file
// does not exist.`, which named neither the config key nor the folder
// searched, though the file sat beside the config.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataFiles } from '../../src/compare/data_files.js';
import { FACADE_ENTRIES } from '../../src/compare/facades.js';
import { shownPath } from '../../src/compare/refusal.js';
import { parseComparisonConfig } from '../../src/config/comparison_config.js';
import { ConfigError } from '../../src/errors.js';
import { makeTmp, removeTmp } from '../io/helpers.js';

let tmp: string;
let cfgFile: string;

beforeAll(() => {
  // tmp/cfg/good.yaml with its CSVs beside it; trio runs in tmp.
  tmp = makeTmp('trio-data-files-');
  cfgFile = path.join(tmp, 'cfg', 'good.yaml');
  fs.mkdirSync(path.dirname(cfgFile));
  for (const name of ['small_train.csv', 'small_test.csv', 'here.csv']) {
    const folder = name === 'here.csv' ? tmp : path.dirname(cfgFile);
    fs.writeFileSync(path.join(folder, name), 'label,a\n0,1\n1,2\n');
  }
});
afterAll(() => {
  removeTmp(tmp);
});

/** A config read from `file` (null: built in code, from no file). */
function configOf(dataset: object, file: string | null = cfgFile) {
  return parseComparisonConfig({
    dataset,
    models: [{ name: 'sk', facade: 'sklearn' }],
  }, FACADE_ENTRIES, file ?? undefined);
}

function refusal(dataset: object, file?: string | null): ConfigError {
  try {
    checkDataFiles(configOf(dataset, file), tmp);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('the paths were not refused');
}

describe('checkDataFiles', () => {
  it('names the key, the folder searched and the path to write', () => {
    const error = refusal({ train: 'small_train.csv', test: 'here.csv' });
    expect(error.message).toBe(`${cfgFile}: dataset.train: ` +
      `small_train.csv: the file does not exist in ${tmp} (paths are ` +
      'relative to where trio runs); cfg/small_train.csv exists, so write ' +
      'that path.');
    expect(error.path).toBe('dataset.train');
  });

  it('lists both files when both are missing', () => {
    const error = refusal({ train: 'small_train.csv',
      test: 'small_test.csv' });
    expect(error.message).toBe([
      `${cfgFile}: the data files do not exist:`,
      `  dataset.train: small_train.csv: the file does not exist in ${tmp} ` +
        '(paths are relative to where trio runs); cfg/small_train.csv ' +
        'exists, so write that path.',
      `  dataset.test: small_test.csv: the file does not exist in ${tmp} ` +
        '(paths are relative to where trio runs); cfg/small_test.csv ' +
        'exists, so write that path.',
    ].join('\n'));
  });

  it('gives no hint when the file is nowhere, or the path absolute', () => {
    expect(refusal({ train: 'nope.csv', test: 'here.csv' }).message).toBe(
      `${cfgFile}: dataset.train: nope.csv: the file does not exist in ` +
        `${tmp} (paths are relative to where trio runs).`);
    const absolute = path.join(tmp, 'gone.csv');
    expect(refusal({ train: 'here.csv', test: absolute }).message).toBe(
      `${cfgFile}: dataset.test: ${absolute}: the file does not exist.`);
    // A config built in code has no folder to look beside.
    expect(refusal({ train: 'small_train.csv', test: 'here.csv' }, null)
      .message).toBe('dataset.train: ' +
      `small_train.csv: the file does not exist in ${tmp} (paths are ` +
      'relative to where trio runs).');
  });

  it('passes files that exist, and MNIST paths it will write', () => {
    expect(() => checkDataFiles(configOf({ train: 'here.csv',
      test: 'cfg/small_test.csv' }), tmp)).not.toThrow();
    expect(() => checkDataFiles(configOf({ train: 'a.csv', test: 'b.csv',
      source: 'mnist' }), tmp)).not.toThrow();
  });
});

describe('shownPath', () => {
  it('is relative below the working folder, else absolute', () => {
    expect(shownPath('/a/b/c.csv', '/a')).toBe('b/c.csv');
    expect(shownPath('/x/c.csv', '/a')).toBe('/x/c.csv');
    expect(shownPath('/a', '/a')).toBe('/a');
  });
});
