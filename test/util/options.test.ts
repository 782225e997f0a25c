import { describe, expect, it } from 'vitest';
import { listChoices, nearest } from '../../src/util/options.js';

const LOSSES = [
  'binary_crossentropy', 'categorical_crossentropy',
  'sparse_categorical_crossentropy', 'mse', 'mean_squared_error',
];

describe('nearest', () => {
  it('prefers a candidate holding every word of the name in order', () => {
    // By edit distance alone 'binary_crossentropy' (6 edits) would win
    // over 'sparse_categorical_crossentropy' (12 edits).
    expect(nearest('sparse_crossentropy', LOSSES)).toBe(
      'sparse_categorical_crossentropy',
    );
  });

  it('falls back to edit distance for typos', () => {
    expect(nearest('max_iters', ['max_iter', 'max_fun', 'tol'])).toBe(
      'max_iter',
    );
    expect(nearest('modles', ['dataset', 'models'])).toBe('models');
  });

  it('suggests nothing when nothing is close', () => {
    expect(nearest('zzzzzz', ['dataset', 'models'])).toBeUndefined();
  });
});

describe('listChoices', () => {
  it('quotes and joins with "or"', () => {
    expect(listChoices(['a', 'b', 'c'])).toBe("'a', 'b' or 'c'");
    expect(listChoices(['a'])).toBe("'a'");
  });
});
