import { describe, expect, it } from 'vitest';
import {
  encodeLabels,
  LabelError,
  sortClasses,
} from '../../src/data/labels.js';
import { DataError } from '../../src/errors.js';

describe('encodeLabels', () => {
  it('sorts numbers numerically, as np.unique does', () => {
    // Sorted by value: 2 < 10 < 33 (a string sort would give 10, 2, 33).
    const { codes, classes } = encodeLabels(Int32Array.from([10, 2, 33, 2]));
    expect(classes).toEqual([2, 10, 33]);
    expect(Array.from(codes)).toEqual([1, 0, 2, 0]);
  });

  it('sorts strings by code point', () => {
    // Code points: 'B' 66 < 'a' 97 < 'é' 233 < U+FFFF < U+1F600 (the
    // emoji). UTF-16 units would put the emoji (0xD83D...) before U+FFFF.
    const { codes, classes } = encodeLabels(
      ['a', '😀', 'B', '\uffff', 'é', 'a'],
    );
    expect(classes).toEqual(['B', 'a', 'é', '\uffff', '😀']);
    expect(Array.from(codes)).toEqual([1, 4, 0, 3, 2, 1]);
    expect(sortClasses(['ab', 'a', 'b'])).toEqual(['a', 'ab', 'b']);
  });

  it('uses the classes given, in their order', () => {
    const { codes, classes } = encodeLabels([3, 1, 3], [1, 3, 5]);
    expect(classes).toEqual([1, 3, 5]);
    expect(Array.from(codes)).toEqual([1, 0, 1]);
  });

  it('names the first row and value outside the classes', () => {
    const call = () =>
      encodeLabels(Int32Array.from([1, 7, 9]), [0, 1, 2], 'test.csv');
    expect(call).toThrow(DataError);
    expect(call).toThrow(
      'test.csv: the label 7 in row 1 (0-based) is not one of the 3 ' +
        'classes the model knows (0, 1, 2).',
    );
    expect(() => encodeLabels(['3'], [3])).toThrow(
      "the label '3' in row 0 (0-based) is a text, but the model's " +
        'classes are numbers (3).',
    );
  });

  it('names the 1-based file line when the caller gives the lines', () => {
    // Rows 0..2 of a file with a header (line 1) and a blank line 3 sit on
    // lines 2, 4 and 5.
    const lines = Int32Array.from([2, 4, 5]);
    const call = () =>
      encodeLabels(Int32Array.from([1, 7, 9]), [0, 1, 2], 'test.csv', lines);
    expect(call).toThrow(
      'test.csv, line 4: the label 7 is not one of the 3 classes the model ' +
        'knows (0, 1, 2).',
    );
    const e = (() => {
      try {
        call();
      } catch (error) {
        return error;
      }
      throw new Error('encodeLabels did not throw');
    })() as LabelError;
    expect(e).toBeInstanceOf(LabelError);
    expect(e).toBeInstanceOf(DataError);
    // row: the file line, as every CSV error gives it; index: 0-based.
    expect([e.file, e.row, e.index, e.label]).toEqual(['test.csv', 4, 1, 7]);
  });
});
