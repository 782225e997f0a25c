import { describe, expect, it } from 'vitest';
import {
  mean,
  pairwiseSum,
  weightedMean,
} from '../../src/metrics/numpy_sum.js';
import { alignRight, formatFixed } from '../../src/metrics/python_format.js';

describe('formatFixed (Python format(x, ".Nf"))', () => {
  it('rounds exact binary ties half to even, unlike toFixed', () => {
    // 0.625 = 5/8 and 0.375 = 3/8 are exact in binary: true ties.
    expect(formatFixed(0.625, 2)).toBe('0.62');
    expect((0.625).toFixed(2)).toBe('0.63');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(0.5, 0)).toBe('0');
  });

  it('rounds the exact binary value, not the shortest decimal', () => {
    // 0.145 is stored as 0.14499999999999999001...: rounds down.
    expect(formatFixed(0.145, 2)).toBe('0.14');
    // 0.1 is stored as 0.1000000000000000055511151231257827...
    expect(formatFixed(0.1, 20)).toBe('0.10000000000000000555');
    expect(formatFixed(1 / 3, 4)).toBe('0.3333');
    expect(formatFixed(2 / 3, 2)).toBe('0.67');
  });

  it('prints whole numbers, signs and non-finite values as Python', () => {
    expect(formatFixed(1, 2)).toBe('1.00');
    expect(formatFixed(0, 0)).toBe('0');
    expect(formatFixed(1234.5678, 1)).toBe('1234.6');
    expect(formatFixed(-0.001, 2)).toBe('-0.00');
    expect(formatFixed(-0, 2)).toBe('-0.00');
    expect(formatFixed(2 ** 60, 1)).toBe('1152921504606846976.0');
    expect(formatFixed(NaN, 2)).toBe('nan');
    expect(formatFixed(Infinity, 2)).toBe('inf');
    expect(formatFixed(-Infinity, 2)).toBe('-inf');
  });

  it('handles subnormal numbers', () => {
    // 5e-324 = 2^-1074 = 4.94065645841246544...e-324
    expect(formatFixed(5e-324, 2)).toBe('0.00');
    expect(formatFixed(5e-324, 324)).toBe(`0.${'0'.repeat(323)}5`);
  });

  it('aligns by code points as Python str.format does', () => {
    expect(alignRight('ab', 5)).toBe('   ab');
    expect(alignRight('toolong', 3)).toBe('toolong');
    // One astral character is one code point but two UTF-16 units.
    expect(alignRight('\u{1F600}', 3)).toBe('  \u{1F600}');
  });
});

describe('numpy summation order', () => {
  it('adds in eight partial sums like numpy, not left to right', () => {
    // Left to right, each +1 to 1e16 is lost (ulp 2, tie to even), so the
    // sum is 0. numpy keeps partial sums r0..r7 = the first 8 entries and
    // returns ((1e16+1)+(1+1)) + ((1+1)+(1+1)) + (-1e16)
    // = (1e16+2) + 4 - 1e16 = 6.
    const values = [1e16, 1, 1, 1, 1, 1, 1, 1, -1e16];
    expect(values.reduce((a, b) => a + b, 0)).toBe(0);
    expect(pairwiseSum(values)).toBe(6);
    expect(mean(values)).toBe(6 / 9);
  });

  it('adds fewer than eight values left to right', () => {
    // (1e16 + 1) + 1 = 1e16 (each tie rounds to even), then - 1e16 = 0.
    expect(pairwiseSum([1e16, 1, 1, -1e16])).toBe(0);
  });

  it('splits long arrays into halves that are multiples of 8', () => {
    // 300 ones: exact in any order; checks the recursion covers all.
    expect(pairwiseSum(new Array(300).fill(1))).toBe(300);
    expect(pairwiseSum(new Float64Array(1000).map((_, i) => i))).toBe(
      (999 * 1000) / 2,
    );
  });

  it('weights as numpy.average(values, weights=...)', () => {
    // (0.5*2 + 1*6) / 8 = 7/8 exactly.
    expect(weightedMean([0.5, 1], [2, 6])).toBe(0.875);
  });
});
