import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkTrainingLabels,
  detectDelimiter,
  loadCsv,
} from '../../src/data/csv.js';
import { OptionError } from '../../src/errors.js';
import { dataError, fixture, tempFolder } from './helpers.js';

// Every fixture holds the same two rows unless a case changes them:
//   label,a,b / 1,0.5,2 / 0,1,3
// so x is [[0.5, 2], [1, 3]] and y is [1, 0] (read off the files).
const X = [0.5, 2, 1, 3];
const Y = [1, 0];

async function readsTheTwoRows(name: string, options = {}) {
  const d = await loadCsv(fixture(name), { cache: false, ...options });
  expect(Array.from(d.x.data)).toEqual(X);
  expect([d.x.rows, d.x.cols, d.rows]).toEqual([2, 2, 2]);
  expect(d.y).toBeInstanceOf(Int32Array);
  expect(Array.from(d.y as Int32Array)).toEqual(Y);
  return d;
}

describe('loadCsv: files it reads', () => {
  it('reads the basic layout with names and the file', async () => {
    const d = await readsTheTwoRows('crlf.csv');
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(d.labelName).toBe('label');
    expect(d.labelColumn).toBe(0);
    expect(d.file).toBe(fixture('crlf.csv'));
    expect(d.cache).toBe('off');
  });

  it('drops a UTF-8 byte-order mark from the first name', async () => {
    const d = await readsTheTwoRows('bom.csv');
    expect(d.labelName).toBe('label');
  });

  it('reads CRLF line ends', async () => {
    await readsTheTwoRows('crlf.csv');
  });

  it('ignores trailing blank lines', async () => {
    await readsTheTwoRows('trailing_blank.csv');
  });

  it('reads quoted numbers', async () => {
    await readsTheTwoRows('quoted_numbers.csv');
  });

  it('detects a semicolon delimiter', async () => {
    await readsTheTwoRows('semicolon.csv');
    expect(detectDelimiter('label;a;b')).toBe(';');
    expect(detectDelimiter('"x;y;z",a')).toBe(',');
  });

  it('takes the delimiter given', async () => {
    await readsTheTwoRows('semicolon.csv', { delimiter: ';' });
  });

  it('reads a file without a header, label by index', async () => {
    const d = await readsTheTwoRows('no_header.csv', { header: false });
    // Named by position, as pandas names the columns of header=None.
    expect(d.featureNames).toEqual(['1', '2']);
    expect(d.labelName).toBe('0');
    const last = await loadCsv(fixture('no_header.csv'), {
      header: false,
      label: 2,
      cache: false,
    });
    expect(Array.from(last.y as Int32Array)).toEqual([2, 3]);
    expect(Array.from(last.x.data)).toEqual([1, 0.5, 0, 1]);
  });

  it('finds a label column that is not first, by name or index', async () => {
    for (const label of ['label', 2, '2']) {
      const d = await readsTheTwoRows('label_last.csv', { label });
      expect(d.featureNames).toEqual(['a', 'b']);
      expect(d.labelColumn).toBe(2);
    }
  });

  it('divides every feature, never the label, by scale', async () => {
    const d = await loadCsv(fixture('crlf.csv'), { scale: 4, cache: false });
    expect(Array.from(d.x.data)).toEqual(X.map((v) => v / 4));
    expect(Array.from(d.y as Int32Array)).toEqual(Y);
  });

  it('reads float labels such as 3.0 as integers', async () => {
    const d = await loadCsv(fixture('float_labels.csv'), { cache: false });
    expect(d.y).toBeInstanceOf(Int32Array);
    expect(Array.from(d.y as Int32Array)).toEqual([3, 1, 3]);
  });

  it('keeps string labels as strings', async () => {
    const d = await loadCsv(fixture('string_labels.csv'), {
      label: 'species',
      cache: false,
    });
    expect(d.y).toEqual(['setosa', 'versicolor', 'setosa', 'virginica']);
    expect(d.featureNames).toEqual(['x1', 'x2']);
    expect(Array.from(d.x.data)).toEqual(
      [5.1, 3.5, 7, 3.2, 4.9, 3, 6.3, 3.3].map(Math.fround),
    );
  });

  it('accepts test columns equal to the training columns', async () => {
    await readsTheTwoRows('crlf.csv', { expectColumns: ['a', 'b'] });
  });
});

describe('loadCsv: one clear error naming file, line and column', () => {
  it('refuses a missing file', async () => {
    const e = await dataError(loadCsv(fixture('no_such_file.csv')));
    expect(e.message).toBe(
      'test/fixtures/csv/no_such_file.csv: the file does not exist.',
    );
    expect(e.file).toBe(fixture('no_such_file.csv'));
  });

  it('refuses a folder', async () => {
    const e = await dataError(loadCsv('test/fixtures/csv'));
    expect(e.message).toMatch(/^test\/fixtures\/csv: not a file/);
  });

  it('refuses an empty file', async () => {
    const e = await dataError(loadCsv(fixture('empty.csv')));
    expect(e.message).toBe(
      'test/fixtures/csv/empty.csv: the file is empty; a CSV file with a ' +
        'header line and data rows is needed.',
    );
  });

  it('refuses a header without rows', async () => {
    const e = await dataError(loadCsv(fixture('header_only.csv')));
    expect(e.message).toBe(
      'test/fixtures/csv/header_only.csv, line 1: the file has a header ' +
        'but no data rows.',
    );
    expect(e.row).toBe(1);
  });

  it('lists the columns when the label column does not exist', async () => {
    const e = await dataError(
      loadCsv(fixture('label_last.csv'), { label: 'target' }),
    );
    expect(e.message).toBe(
      "test/fixtures/csv/label_last.csv, line 1: there is no label column " +
        "'target'. The columns are 'a', 'b' and 'label'.",
    );
  });

  it('suggests the nearest name and --no-header where they help', async () => {
    const near = await dataError(
      loadCsv(fixture('crlf.csv'), { label: 'lable' }),
    );
    expect(near.message).toMatch(/Did you mean 'label'\?$/);
    const numbers = await dataError(loadCsv(fixture('no_header.csv')));
    expect(numbers.message).toBe(
      "test/fixtures/csv/no_header.csv, line 1: there is no label column " +
        "'label'. The columns are '1', '0.5' and '2'. The first line holds " +
        'only numbers: if the file has no header, read it without one ' +
        'and give the label as a 0-based column index.',
    );
  });

  it('refuses a label index out of range', async () => {
    const e = await dataError(loadCsv(fixture('crlf.csv'), { label: 3 }));
    expect(e.message).toBe(
      'test/fixtures/csv/crlf.csv, line 1: the label column index 3 is ' +
        'out of range; the file has 3 columns (0 to 2).',
    );
  });

  it('refuses a label name without a header', async () => {
    const e = await dataError(
      loadCsv(fixture('no_header.csv'), { header: false, label: 'label' }),
    );
    expect(e.message).toBe(
      "test/fixtures/csv/no_header.csv: the label 'label' is a column " +
        'name, but the file is read without a header; give the label as a ' +
        '0-based column index.',
    );
  });

  it('refuses a ragged row', async () => {
    const e = await dataError(loadCsv(fixture('ragged.csv')));
    expect(e.message).toBe(
      'test/fixtures/csv/ragged.csv, line 3: the row has 2 fields; the ' +
        'header has 3 (a ragged row).',
    );
    expect(e.row).toBe(3);
  });

  it('refuses an empty cell', async () => {
    const e = await dataError(loadCsv(fixture('empty_cell.csv')));
    expect(e.message).toBe(
      "test/fixtures/csv/empty_cell.csv, line 3, column 2 ('a'): the cell " +
        'is empty; every feature needs a number.',
    );
    expect([e.row, e.column]).toEqual([3, 'a']);
  });

  it('refuses a non-numeric cell', async () => {
    const e = await dataError(loadCsv(fixture('non_numeric.csv')));
    expect(e.message).toBe(
      "test/fixtures/csv/non_numeric.csv, line 3, column 3 ('b'): 'abc' " +
        'is not a number.',
    );
    expect([e.row, e.column]).toEqual([3, 'b']);
  });

  it('refuses hex text that Number() would accept', async () => {
    const e = await dataError(loadCsv(fixture('hex_cell.csv')));
    expect(e.message).toBe(
      "test/fixtures/csv/hex_cell.csv, line 2, column 2 ('a'): '0x1F' is " +
        'not a number.',
    );
  });

  it('refuses NaN text', async () => {
    const e = await dataError(loadCsv(fixture('nan_text.csv')));
    expect(e.message).toBe(
      "test/fixtures/csv/nan_text.csv, line 3, column 2 ('a'): 'NaN' is " +
        'not a finite number; no run may silently train on garbage, so ' +
        'fill or drop such cells first.',
    );
  });

  it('refuses Infinity text', async () => {
    const e = await dataError(loadCsv(fixture('infinity_text.csv')));
    expect(e.message).toBe(
      "test/fixtures/csv/infinity_text.csv, line 2, column 3 ('b'): " +
        "'-Infinity' is not a finite number; no run may silently train on " +
        'garbage, so fill or drop such cells first.',
    );
  });

  it('refuses values a float32 cannot hold', async () => {
    // 3.5e38 is finite in JavaScript but above float32's 3.4028e38.
    const f32 = await dataError(loadCsv(fixture('float32_overflow.csv')));
    expect(f32.message).toBe(
      "test/fixtures/csv/float32_overflow.csv, line 3, column 3 ('b'): " +
        "'3.5e38' is too large for a 32-bit float (at most about 3.4e38), " +
        'the type every feature is trained in.',
    );
    const f64 = await dataError(loadCsv(fixture('float64_overflow.csv')));
    expect(f64.message).toBe(
      "test/fixtures/csv/float64_overflow.csv, line 2, column 3 ('b'): " +
        "'1e400' is too large for a number.",
    );
  });

  it('suggests the delimiter when the header is one column', async () => {
    const e = await dataError(loadCsv(fixture('tab_delimited.csv')));
    expect(e.message).toBe(
      'test/fixtures/csv/tab_delimited.csv, line 1: there is no label ' +
        "column 'label'. The columns are 'label\ta\tb'. Split on ',', the " +
        "header is one column, which holds '\\t' (a tab): is that the " +
        "delimiter? If so, set the delimiter to '\\t' (a tab).",
    );
    await readsTheTwoRows('tab_delimited.csv', { delimiter: '\t' });
  });

  it('refuses a file with a label column only', async () => {
    const e = await dataError(loadCsv(fixture('one_column.csv')));
    expect(e.message).toBe(
      'test/fixtures/csv/one_column.csv, line 1: the file has a single ' +
        'column; it needs a label column and at least one feature column.',
    );
  });

  it('refuses an empty label', async () => {
    const e = await dataError(loadCsv(fixture('empty_label.csv')));
    expect(e.message).toBe(
      "test/fixtures/csv/empty_label.csv, line 3, column 1 ('label'): the " +
        'label is empty; every row needs a class label.',
    );
  });

  it('refuses labels that are not whole numbers', async () => {
    const e = await dataError(loadCsv(fixture('fractional_labels.csv')));
    expect(e.message).toBe(
      "test/fixtures/csv/fractional_labels.csv, line 3, column 1 " +
        "('label'): the label '1.5' is not a whole number. A classifier " +
        'needs class labels (integers or strings); scikit-learn refuses ' +
        "such labels as a 'continuous' target.",
    );
  });

  // Non-regression: '2147483648' was called "not a whole number".
  // pandas reads such labels as int64; tfjs has no int64, so labels must
  // fit int32, both ends of which are read.
  it('names labels that are whole but outside int32', async () => {
    const folder = tempFolder();
    try {
      const file = path.join(folder.dir, 'big.csv');
      fs.writeFileSync(file, 'a,label\n1,-2147483648\n2,2147483647\n');
      const d = await loadCsv(file, { cache: false });
      expect(Array.from(d.y as Int32Array)).toEqual(
        [-2147483648, 2147483647]);
      for (const big of ['2147483648', '-2147483649', '1e10']) {
        fs.writeFileSync(file, `a,label\n1,0\n2,${big}\n`);
        const e = await dataError(loadCsv(file, { cache: false }));
        expect(e.message).toBe(`${file}, line 3, column 2 ('label'): the ` +
          `label '${big}' is a whole number outside int32 (-2147483648 to ` +
          '2147483647), the integer labels tfjs holds (it has no int64). ' +
          'Number the classes within that range, or give them names.');
      }
    } finally {
      folder.remove();
    }
  });

  it('reports an unclosed quote where it opens', async () => {
    const e = await dataError(loadCsv(fixture('unclosed_quote.csv')));
    // The quote opens on line 2 and is still open where the file ends
    // (csv-parse names line 3, the end).
    expect(e.message).toBe(
      "test/fixtures/csv/unclosed_quote.csv, line 2, column 2 ('a'): a " +
        'quote opens here and is never closed.',
    );
  });

  it('refuses test columns that differ from training', async () => {
    const other = await dataError(
      loadCsv(fixture('other_columns.csv'), { expectColumns: ['a', 'b'] }),
    );
    expect(other.message).toBe(
      'test/fixtures/csv/other_columns.csv, line 1: the feature columns ' +
        "differ from the training file's (2 here, 2 there): missing 'b'; " +
        "not in the training file: 'c'.",
    );
    const order = await dataError(
      loadCsv(fixture('reordered_columns.csv'), { expectColumns: ['a', 'b'] }),
    );
    expect(order.message).toBe(
      'test/fixtures/csv/reordered_columns.csv, line 1: the feature ' +
        "columns differ from the training file's (2 here, 2 there): " +
        "feature 1 is 'b' where the training file has 'a' (same columns, " +
        'other order).',
    );
    const count = await dataError(
      loadCsv(fixture('crlf.csv'), { expectColumns: ['a', 'b', 'z'] }),
    );
    expect(count.message).toBe(
      'test/fixtures/csv/crlf.csv, line 1: the feature columns differ ' +
        "from the training file's (2 here, 3 there): missing 'z'.",
    );
  });
});

describe('checkTrainingLabels', () => {
  it('refuses a single class for training, not for loading', async () => {
    const d = await loadCsv(fixture('single_class.csv'), { cache: false });
    expect(Array.from(d.y as Int32Array)).toEqual([7, 7]);
    expect(() => checkTrainingLabels(d)).toThrow(
      "test/fixtures/csv/single_class.csv: the label column 'label' holds " +
        'only the class 7; training a classifier needs at least two ' +
        'classes (scikit-learn: "The number of classes has to be greater ' +
        'than one").',
    );
  });

  it('accepts two classes, numbers or strings', async () => {
    checkTrainingLabels(await loadCsv(fixture('crlf.csv')));
    checkTrainingLabels(
      await loadCsv(fixture('string_labels.csv'), { label: 'species' }),
    );
  });
});

describe('loadCsv options', () => {
  it('names the option, the rule and the value', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ scale: 0 }, "The 'scale' parameter of loadCsv must be a positive " +
        'finite number. Got 0 instead.'],
      [{ delimiter: ';;' }, "The 'delimiter' parameter of loadCsv must be " +
        "one character other than a quote or a line end. Got ';;' instead."],
      // A negative index is a DataError with the range (csv_refusals).
      [{ label: 1.5 }, "The 'label' parameter of loadCsv must be a column " +
        'name or a 0-based column index. Got 1.5 instead.'],
      [{ workers: 0 }, "The 'workers' parameter of loadCsv must be a " +
        'positive integer. Got 0 instead.'],
    ];
    for (const [options, message] of cases) {
      const error = await loadCsv(fixture('crlf.csv'), options).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OptionError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('suggests the nearest option for an unknown key', async () => {
    const error = await loadCsv(fixture('crlf.csv'), {
      lable: 'label',
    } as never).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(OptionError);
    expect((error as Error).message).toMatch(/did you mean 'label'\?/);
  });
});
