import type { RandomState } from '../util/random.js';
import { OptionError } from '../errors.js';
import { OWNER } from './options.js';

/**
 * The split scikit-learn 1.2's MLP makes for early stopping:
 * `train_test_split(X, y, random_state=rs, test_size=fraction,
 * stratify=y if n_outputs_ == 1 else None)`. So two classes are split
 * stratified (`StratifiedShuffleSplit`) and more than two by a plain
 * `ShuffleSplit`, exactly as scikit-learn 1.2.1 does. It draws from `rs`
 * as those classes do, so with the same state the same rows are held out.
 *
 * @param y class index (0..nClasses-1) of each sample
 * @returns sample indices of the training and the validation part
 */
export function stratifiedSplit(
  y: Int32Array,
  nClasses: number,
  fraction: number,
  rs: RandomState,
): { train: Int32Array; test: Int32Array } {
  const n = y.length;
  const nTest = Math.ceil(fraction * n);
  const nTrain = n - nTest;
  if (nTest <= 0 || nTrain <= 0) {
    throw new OptionError('validationFraction', OWNER,
      `a fraction leaving both parts non-empty for ${n} samples`, fraction);
  }
  if (nClasses > 2) {
    // ShuffleSplit: the first nTest of one permutation are held out.
    const perm = rs.permutation(n);
    return { train: perm.slice(nTest, n), test: perm.slice(0, nTest) };
  }
  // Two classes: scikit-learn stratifies on the binarised rows as
  // strings, "False" (class 0) before "True" (class 1).
  const counts = new Array<number>(nClasses).fill(0);
  const members: number[][] = counts.map(() => []);
  for (let i = 0; i < n; i++) {
    counts[y[i]!]!++;
    members[y[i]!]!.push(i);
  }
  const present = counts.map((c, s) => ({ c, s })).filter((e) => e.c > 0);
  const classCounts = present.map((e) => e.c);
  const classIdx = present.map((e) => members[e.s]!);
  if (Math.min(...classCounts) < 2) {
    throw new OptionError('earlyStopping', OWNER,
      'usable only when every class has at least 2 samples (the least ' +
        'populated class has 1)', true);
  }
  if (nTrain < classCounts.length || nTest < classCounts.length) {
    throw new OptionError('validationFraction', OWNER,
      `a fraction giving each of the ${classCounts.length} classes a ` +
        `sample on both sides (${nTrain} train, ${nTest} validation)`,
      fraction);
  }
  const nI = approximateMode(classCounts, nTrain, rs);
  const remaining = classCounts.map((c, i) => c - nI[i]!);
  const tI = approximateMode(remaining, nTest, rs);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < classCounts.length; i++) {
    const perm = rs.permutation(classCounts[i]!);
    const idx = classIdx[i]!;
    for (let k = 0; k < nI[i]!; k++) {
      train.push(idx[perm[k]!]!);
    }
    for (let k = nI[i]!; k < nI[i]! + tI[i]!; k++) {
      test.push(idx[perm[k]!]!);
    }
  }
  return {
    train: rs.shuffle(Int32Array.from(train)),
    test: rs.shuffle(Int32Array.from(test)),
  };
}

/** scikit-learn's `_approximate_mode`, ties broken through `rs`. */
export function approximateMode(
  classCounts: readonly number[],
  nDraws: number,
  rs: RandomState,
): number[] {
  const total = classCounts.reduce((a, b) => a + b, 0);
  const continuous = classCounts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let needToAdd = nDraws - floored.reduce((a, b) => a + b, 0);
  if (needToAdd > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]!);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder
        .map((r, i) => (r === value ? i : -1))
        .filter((i) => i >= 0);
      const addNow = Math.min(inds.length, needToAdd);
      // rng.choice(inds, addNow, replace=False) = permutation()[:addNow]
      const perm = rs.permutation(inds.length);
      for (let k = 0; k < addNow; k++) {
        floored[inds[perm[k]!]!]!++;
      }
      needToAdd -= addNow;
      if (needToAdd === 0) {
        break;
      }
    }
  }
  return floored;
}
