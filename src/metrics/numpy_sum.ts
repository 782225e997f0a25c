/**
 * Sums in the order numpy adds float64 arrays, so averages match
 * scikit-learn to the last bit (numpy's `add.reduce` is pairwise, with
 * eight partial sums for blocks of up to 128 numbers).
 */

const BLOCK = 128;

/** `np.sum(values)` for a float64 array, in numpy's summation order. */
export function pairwiseSum(
  values: ArrayLike<number>,
  start = 0,
  n = values.length - start,
): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += values[start + i];
    }
    return sum;
  }
  if (n <= BLOCK) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) {
      r[j] = values[start + j];
    }
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) {
        r[j] += values[start + i + j];
      }
    }
    const left = r[0] + r[1] + (r[2] + r[3]);
    const right = r[4] + r[5] + (r[6] + r[7]);
    let sum = left + right;
    for (; i < n; i++) {
      sum += values[start + i];
    }
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) +
    pairwiseSum(values, start + half, n - half);
}

/** `np.average(values)`: the pairwise sum divided by the count. */
export function mean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}

/**
 * `np.average(values, weights=weights)`: the pairwise sum of the products
 * divided by the pairwise sum of the weights.
 */
export function weightedMean(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
): number {
  const products = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    products[i] = values[i] * weights[i];
  }
  return pairwiseSum(products) / pairwiseSum(weights);
}
