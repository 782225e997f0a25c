import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliWithData,
  config,
  expectFailure,
  expectNoStack,
  HEADER,
  removeTmp,
  rows,
  savedModels,
  sklearnModel,
  trio,
  write,
  writeConfig,
} from './helpers.js';

// Issue 8, CSV cases, through the real CLI: `trio compare` on a config
// whose training (or test) file has the problem, and `trio inspect`.
// A bad file must fail before any training: exit 1, the message naming
// file, line and column, no stack trace and no model folder.

let main: string;
let tmp: string;

beforeAll(() => {
  ({ main, tmp } = cliWithData('trio-bad-csv-'));
});
afterAll(() => removeTmp(tmp));

const TRAIN = rows(300, 1);

/** The 300 training rows as CSV text, lines joined by `eol`. */
function trainText(
  map: (r: number[], i: number) => string = (r) => r.join(','),
  header = HEADER,
  eol = '\n',
): string {
  return [...(header === '' ? [] : [header]), ...TRAIN.map(map)]
    .join(eol) + eol;
}

/** Runs `trio compare` with `train` as the training file's text. */
async function compareWith(
  name: string,
  train: string,
  dataset: object = {},
  test?: string,
) {
  const dir = path.join(tmp, name);
  write(dir, 'train.csv', train);
  fs.copyFileSync(path.join(tmp, 'test.csv'), path.join(dir, 'test.csv'));
  if (test !== undefined) {
    write(dir, 'test.csv', test);
  }
  const cfg = writeConfig(dir, 'c.yaml',
    config([sklearnModel()], dataset));
  const run = await trio(main, ['compare', cfg, '--quiet'], dir);
  return { run, dir };
}

async function expectBad(
  name: string,
  train: string,
  message: string,
  dataset: object = {},
  test?: string,
) {
  const { run, dir } = await compareWith(name, train, dataset, test);
  expectFailure(run, `trio: ${message}\n`);
  expect(savedModels(dir)).toEqual([]);
}

/** Accepted files train, and the data line shows what was read. */
async function expectGood(
  name: string,
  train: string,
  dataset: object = {},
  classes = 3,
) {
  const { run, dir } = await compareWith(name, train, dataset);
  expectNoStack(run);
  expect(run.stderr).not.toContain('trio:');
  expect(run.code, run.stderr).toBe(0);
  const cfg = writeConfig(dir, 'c.yaml', config([sklearnModel()], dataset));
  const loud = await trio(main, ['compare', cfg], dir);
  expect(loud.stdout).toContain('Data: 300 training rows, 100 test rows, ' +
    `4 features, ${classes} classes.`);
  expect(savedModels(dir)).toEqual(['sk']);
}

describe('CSV files that are fine train as expected', () => {
  it('a UTF-8 byte-order mark', async () => {
    await expectGood('bom', `\uFEFF${trainText()}`);
  });

  it('CRLF line endings', async () => {
    await expectGood('crlf', trainText(undefined, HEADER, '\r\n'));
  });

  it('a trailing blank line', async () => {
    await expectGood('blank', `${trainText()}\n\n`);
  });

  it('quoted numbers', async () => {
    await expectGood('quoted',
      trainText((r) => r.map((v) => `"${v}"`).join(',')));
  });

  it('no header, label by index (and the test file also has none)',
    async () => {
      const dir = path.join(tmp, 'noheader');
      write(dir, 'train.csv', trainText(undefined, ''));
      write(dir, 'test.csv', [...rows(100, 2)].map((r) => r.join(','))
        .join('\n'));
      const cfg = writeConfig(dir, 'c.yaml', config([sklearnModel()],
        { header: false, label: 0 }));
      const run = await trio(main, ['compare', cfg], dir);
      expectNoStack(run);
      expect(run.stdout).toContain('Data: 300 training rows, 100 test ' +
        'rows, 4 features, 3 classes.');
      expect(run.code, run.stderr).toBe(0);
    });

  it('the label column last, chosen by name or by index', async () => {
    const last = (r: number[]) => [...r.slice(1), r[0]].join(',');
    const dir = path.join(tmp, 'labellast');
    write(dir, 'train.csv', trainText(last, 'a,b,c,d,label'));
    write(dir, 'test.csv', [
      'a,b,c,d,label', ...rows(100, 2).map(last)].join('\n'));
    for (const label of ['label', 4]) {
      const cfg = writeConfig(dir, 'c.yaml',
        config([sklearnModel()], { label }));
      const run = await trio(main, ['compare', cfg], dir);
      expectNoStack(run);
      expect(run.stdout).toContain('4 features, 3 classes.');
      expect(run.code, run.stderr).toBe(0);
    }
  });

  it('float labels like 3.0 are the classes 0, 1, 2', async () => {
    await expectGood('floatlabels',
      trainText((r) => [`${r[0]}.0`, ...r.slice(1)].join(',')));
  });

  it('string labels (the test file must use the same strings)',
    async () => {
      const named = (r: number[]) =>
        [['zero', 'one', 'two'][r[0]!], ...r.slice(1)].join(',');
      const dir = path.join(tmp, 'strings');
      write(dir, 'train.csv', trainText(named));
      write(dir, 'test.csv',
        [HEADER, ...rows(100, 2).map(named)].join('\n'));
      const cfg = writeConfig(dir, 'c.yaml', config([sklearnModel()]));
      const run = await trio(main, ['compare', cfg], dir);
      expectNoStack(run);
      expect(run.stdout).toMatch(/^ {9}one {7}\d\.\d\d/m);
      expect(run.stdout).toContain('4 features, 3 classes.');
      expect(run.code, run.stderr).toBe(0);
    });

  it('a semicolon delimiter, detected or named', async () => {
    const semi = trainText((r) => r.join(';'), HEADER.replace(/,/g, ';'));
    await expectGood('semicolon', semi);
  });
});

describe('bad CSV files stop before training', () => {
  it('a header only', async () => {
    await expectBad('headeronly', `${HEADER}\n`,
      'train.csv, line 1: the file has a header but no data rows.');
  });

  it('an empty file', async () => {
    await expectBad('empty', '', 'train.csv: the file is empty; a CSV ' +
      'file with a header line and data rows is needed.');
  });

  it('a file that does not exist', async () => {
    const dir = path.join(tmp, 'missing');
    const cfg = writeConfig(dir, 'c.yaml',
      config([sklearnModel()], { train: 'nope.csv' }));
    const run = await trio(main, ['compare', cfg], dir);
    // Both files are missing here, and both are named at once.
    const at = fs.realpathSync(dir);
    expectFailure(run, 'trio: c.yaml: the data files do not exist:\n' +
      `  dataset.train: nope.csv: the file does not exist in ${at} (paths ` +
      'are relative to where trio runs).\n' +
      `  dataset.test: test.csv: the file does not exist in ${at} (paths ` +
      'are relative to where trio runs).\n');
    expect(savedModels(dir)).toEqual([]);
  });

  it('a label column that does not exist', async () => {
    await expectBad('nolabel', trainText(), "train.csv, line 1: there is " +
      "no label column 'target'. The columns are 'label', 'a', 'b', 'c' " +
      "and 'd'.", { label: 'target' });
  });

  it('a label index out of range', async () => {
    await expectBad('labelindex', trainText(), 'train.csv, line 1: the ' +
      'label column index 9 is out of range; the file has 5 columns ' +
      '(0 to 4).', { label: 9 });
  });

  it('a ragged row', async () => {
    const text = trainText((r, i) => r.slice(0, i === 5 ? 4 : 5)
      .join(','));
    await expectBad('ragged', text, 'train.csv, line 7: the row has 4 ' +
      'fields; the header has 5 (a ragged row).');
  });

  it('an empty cell (row and column named)', async () => {
    const text = trainText((r) => (r === TRAIN[41]
      ? [r[0], r[1], '', r[3], r[4]] : r).join(','));
    await expectBad('emptycell', text, "train.csv, line 43, column 3 " +
      "('b'): the cell is empty; every feature needs a number.");
  });

  it('a non-numeric cell (row and column named)', async () => {
    const text = trainText((r) => (r === TRAIN[99]
      ? [r[0], r[1], r[2], r[3], '12px'] : r).join(','));
    await expectBad('nonnumeric', text, "train.csv, line 101, column 5 " +
      "('d'): '12px' is not a number.");
  });

  it.each(['NaN', 'Infinity', '-inf'])('%s text', async (word) => {
    const text = trainText((r) => (r === TRAIN[4]
      ? [r[0], word, r[2], r[3], r[4]] : r).join(','));
    await expectBad(`nonfinite${word}`, text, "train.csv, line 6, column 2 " +
      `('a'): '${word}' is not a finite number; no run may silently ` +
      'train on garbage, so fill or drop such cells first.');
  });

  it('a single class', async () => {
    await expectBad('oneclass', trainText((r) => [0, ...r.slice(1)]
      .join(',')), "train.csv: the label column 'label' holds only the " +
      'class 0; training a classifier needs at least two classes ' +
      '(scikit-learn: "The number of classes has to be greater than ' +
      'one").');
  });

  it('a test file whose columns differ from the training file',
    async () => {
      const test = [
        'label,a,b,c,e', ...rows(100, 2).map((r) => r.join(','))].join('\n');
      await expectBad('testcolumns', trainText(), 'test.csv, line 1: the ' +
        "feature columns differ from the training file's (4 here, 4 " +
        "there): missing 'd'; not in the training file: 'e'.", {}, test);
    });

  it('a semicolon file read with a comma delimiter', async () => {
    const semi = trainText((r) => r.join(';'), HEADER.replace(/,/g, ';'));
    await expectBad('wrongdelimiter', semi, "train.csv, line 1: there " +
      "is no label column 'label'. The columns are " +
      "'label;a;b;c;d'. Split on ',', the header is one column, which " +
      "holds ';': is that the delimiter? If so, set the delimiter to ';'.",
    { delimiter: ',' });
  });
});

describe('trio inspect on the same files', () => {
  it('names the cell at fault and exits 1', async () => {
    const file = write(tmp, 'inspect/bad.csv', trainText((r) =>
      (r === TRAIN[2] ? [r[0], r[1], 'x', r[3], r[4]] : r).join(',')));
    const run = await trio(main, ['inspect', file], tmp);
    expectFailure(run, `trio: ${file}, line 4, column 3 ('b'): 'x' is ` +
      'not a number.\n');
    expect(run.stdout).toBe('');
  });

  it('reads a BOM, CRLF file without a header, label by index',
    async () => {
      const file = write(tmp, 'inspect/noheader.csv',
        `\uFEFF${trainText(undefined, '', '\r\n')}`);
      const run = await trio(main,
        ['inspect', file, '--no-header', '--label', '0'], tmp);
      expectNoStack(run);
      expect(run.stdout).toContain('Shape: (300, 5)');
      expect(run.code, run.stderr).toBe(0);
    });
});
