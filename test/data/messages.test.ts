import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTrainingLabels, loadCsv } from '../../src/data/csv.js';
import { shorten, unclosedQuote } from '../../src/data/csv_rows.js';
import { encodeLabels } from '../../src/data/labels.js';
import { dataError, tempFolder } from './helpers.js';

// Non-regression tests for messages a user test found misleading: a
// stray text label blamed on line 2, an unclosed quote reported at the
// end of the file, kilobytes of header text echoed before a hint, and a
// list of missing columns joined with "or".

let folder: { dir: string; remove: () => void };

beforeEach(() => {
  folder = tempFolder();
});

afterEach(() => folder.remove());

/** Writes `text` to `name` in the temporary folder; returns its path. */
function put(name: string, text: string): string {
  const file = path.join(folder.dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** `label,a,b` and ten rows (lines 2-11); line 7's label is `seven`. */
function strayLabelFile(): string {
  const rows = ['label,a,b'];
  for (let line = 2; line <= 11; line++) {
    const label = line === 2 ? '7' : line === 7 ? 'seven' : line % 10;
    rows.push(`${label},${line},1`);
  }
  return put('stray.csv', `${rows.join('\n')}\n`);
}

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('a label of the other kind is named on its own line', () => {
  it('a text among numbers, against number classes', async () => {
    // One text makes every label a text, so line 2's "7" matches no
    // number class; the label to fix is 'seven' on line 7.
    const data = await loadCsv(strayLabelFile(), { cache: false });
    expect(() => encodeLabels(data.y, DIGITS, data.file, data.lines))
      .toThrow(`${data.file}, line 7: the label 'seven' is not a number, ` +
        "but the model's classes are numbers (0 to 9); every label must " +
        'be a number.');
  });

  it('a number, against text classes that held a stray text', () => {
    const classes = ['0', '1', '7', 'seven'];
    const call = () => encodeLabels(Int32Array.from([7, 1]), classes,
      'small_test.csv', Int32Array.from([2, 3]));
    expect(call).toThrow("small_test.csv, line 2: the label 7 is a " +
      "number, but the model's classes are texts, as its training labels " +
      "held texts such as 'seven'.");
    expect(() => encodeLabels([1, 2], ['cat', 'dog'])).toThrow(
      "the label 1 in row 0 (0-based) is a number, but the model's " +
        'classes are texts ("cat", "dog").');
  });

  it('lists classes that are not a run of integers', () => {
    expect(() => encodeLabels(['x'], [1, 3, 5], 'f.csv', [4])).toThrow(
      "f.csv, line 4: the label 'x' is not a number, but the model's " +
        'classes are numbers (1, 3, 5); every label must be a number.');
  });

  it('refuses a stray text among number labels, not numbers among texts',
    async () => {
      const data = await loadCsv(strayLabelFile(), { cache: false });
      // 9 numbers and 1 text: the text is the one to name.
      expect(() => checkTrainingLabels(data)).toThrow(
        `${data.file}, line 7: the label 'seven' is not a number, but 9 of ` +
          'the 10 labels are; a text among number classes is most likely a ' +
          'typo (pandas would make every label a text and scikit-learn ' +
          'would train it as one more class).');
      // 3 texts and 1 number: classes named by texts, as pandas reads them.
      const texts = { y: ['cat', 'dog', '7', 'cat'], file: 'pets.csv',
        labelName: 'label' };
      expect(() => checkTrainingLabels(texts)).not.toThrow();
      expect(() => checkTrainingLabels({ ...texts, y: ['cat', 'dog'] }))
        .not.toThrow();
    });
});

describe('an unclosed quote is named where it opens', () => {
  it('in the body, with the line, column and name', async () => {
    // 101 lines: the header, then 100 rows; line 9 holds `"5` in x8.
    const rows = [['label', ...DIGITS.map((d) => `x${d}`)].join(',')];
    for (let line = 2; line <= 101; line++) {
      const cells = [String(line % 2), ...DIGITS.map(String)];
      cells[9] = line === 9 ? '"5' : cells[9]!;
      rows.push(cells.join(','));
    }
    const file = put('unterminated.csv', `${rows.join('\n')}\n`);
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(`${file}, line 9, column 10 ('x8'): a quote ` +
      'opens here and is never closed.');
    expect([e.row, e.column]).toEqual([9, 'x8']);
  });

  it('after escaped quotes and quoted line ends', async () => {
    // Line 2's field holds `a""b` (an escaped quote); line 3's spans line
    // 4 (a CRLF inside quotes). The quote left open is on line 5.
    const file = put('escaped.csv', 'label,a,b\r\n"a""b",1,2\r\n' +
      '"c\r\nd",3,4\r\ne,5,"6\r\nf,7,8\r\n');
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(`${file}, line 5, column 3 ('b'): a quote ` +
      'opens here and is never closed.');
  });

  it('in the header', async () => {
    // 4,999 quotes: `"`, 2,499 escaped quotes, and no closing one.
    const quotes = put('quotes.csv', `${'"'.repeat(4999)}\n`);
    expect((await dataError(loadCsv(quotes, { cache: false }))).message)
      .toBe(`${quotes}, line 1, column 1: a quote opens here and is never ` +
        'closed.');
    const late = put('late.csv', '\nlabel,a,"b\n1,2,3\n');
    expect((await dataError(loadCsv(late, { cache: false }))).message)
      .toBe(`${late}, line 2, column 3: a quote opens here and is never ` +
        'closed.');
    // The quote closes on line 2, but the header is read as one line.
    const split = put('split.csv', 'label,"a\nb",c\n1,2,3\n');
    expect((await dataError(loadCsv(split, { cache: false }))).message)
      .toBe(`${split}, line 1, column 2: a quote opens here and closes ` +
        'only on a later line; the first line is read on its own, so its ' +
        'fields cannot hold a line break.');
  });

  it('unclosedQuote reads lines and fields as RFC 4180 does', () => {
    expect(unclosedQuote('a,"b""c"\n"d\re",f', ',')).toBeUndefined();
    expect(unclosedQuote('a,"b""c"\n"d\re",f\n1;"x', ';'))
      .toEqual({ line: 4, field: 1 });
    // A quote inside an unquoted field opens nothing.
    expect(unclosedQuote('a"b,"c', ',')).toEqual({ line: 1, field: 1 });
  });
});

describe('echoed file text is cut, hints kept', () => {
  it('shortens to 40 characters, never halving a character', () => {
    expect(shorten('x'.repeat(40))).toBe('x'.repeat(40));
    expect(shorten('x'.repeat(41))).toBe(`${'x'.repeat(37)}...`);
    // The emoji is two UTF-16 units at 36 and 37: cut before it.
    expect(shorten(`${'x'.repeat(36)}😀yyy`)).toBe(`${'x'.repeat(36)}...`);
  });

  it('a header of 5,000 quotes', async () => {
    // Read as one column named by 2,499 quotes (a 2.5 KB message before).
    const file = put('quotes.csv', `${'"'.repeat(5000)}\n1\n`);
    const e = await dataError(loadCsv(file, { cache: false }));
    expect(e.message).toBe(`${file}, line 1: there is no label column ` +
      `'label'. The columns are '${'"'.repeat(37)}...'.`);
  });

  it('a header split on the wrong delimiter', async () => {
    const names = ['label', ...Array.from({ length: 784 }, (_, i) =>
      `pixel${i}`)];
    const file = put('semicolons.csv',
      `${names.join(';')}\n${names.map(() => '1').join(';')}\n`);
    const e = await dataError(loadCsv(file, { delimiter: ',',
      cache: false }));
    expect(e.message).toBe(`${file}, line 1: there is no label column ` +
      "'label'. The columns are 'label;pixel0;pixel1;pixel2;pixel3;pix...'. " +
      "Split on ',', the header is one column, which holds ';': is that " +
      "the delimiter? If so, set the delimiter to ';'.");
  });

  it('a long cell, column name and quoted value', async () => {
    const long = 'a'.repeat(3000);
    const names = put('names.csv', `label,${long},${long}\n1,2,3\n`);
    expect((await dataError(loadCsv(names, { cache: false }))).message)
      .toBe(`${names}, line 1, column 3 ('${'a'.repeat(37)}...'): column 2 ` +
        'has the same name; every column needs its own name.');
    const quote = put('quote.csv', `label,a,b\n1,${long}"x,3\n`);
    expect((await dataError(loadCsv(quote, { cache: false }))).message)
      .toBe(`${quote}, line 2: malformed CSV: Invalid Opening Quote: a ` +
        'quote is found on field 1 at line 2, value is ' +
        `"${'a'.repeat(37)}...".`);
    const label = put('label.csv', `label,a\n1,2\n1.${'5'.repeat(99)},3\n`);
    expect((await dataError(loadCsv(label, { cache: false }))).message)
      .toBe(`${label}, line 3, column 1 ('label'): the label ` +
        `'1.${'5'.repeat(35)}...' is not a whole number. A classifier ` +
        'needs class labels (integers or strings); scikit-learn refuses ' +
        "such labels as a 'continuous' target.");
  });

  it('a long label and long classes', () => {
    const long = 'b'.repeat(100);
    expect(() => encodeLabels(['a', long], ['a', `${long}!`])).toThrow(
      `the label "${'b'.repeat(37)}..." in row 1 (0-based) is not one of ` +
        `the 2 classes the model knows ("a", "${'b'.repeat(37)}...").`);
  });
});

describe('a list of columns says "and"', () => {
  it('names every missing column', async () => {
    const file = put('few.csv', 'label,a,b\n1,2,3\n');
    const e = await dataError(loadCsv(file, { cache: false,
      expectColumns: ['a', 'b', 'y', 'z'] }));
    expect(e.message).toBe(`${file}, line 1: the feature columns differ ` +
      "from the training file's (2 here, 4 there): missing 'y' and 'z'.");
  });
});
