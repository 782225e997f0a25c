import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/random/random_state.json';
import { RandomState } from '../../src/util/random.js';

// Expected draws come from numpy's legacy RandomState
// (scripts/fixtures/random_state.py).
describe('RandomState reproduces numpy', () => {
  for (const [seed, want] of Object.entries(fixture)) {
    it(`seed ${seed}: uniform, shuffle, random_sample, normal, randint`, () => {
      const r = new RandomState(Number(seed));
      const uniform = Array.from({ length: 7 }, () => r.uniform(-0.5, 0.5));
      expect(uniform).toEqual(want.uniform);
      expect(Array.from(r.permutation(25))).toEqual(want.shuffle);
      expect([r.random(), r.random(), r.random()]).toEqual(
        want.random_sample,
      );
      const normal = Array.from({ length: 5 }, () => r.normal());
      normal.forEach((v, i) => expect(v).toBeCloseTo(want.normal[i]!, 12));
      const ints = Array.from({ length: 6 }, () => r.randint(0, 7));
      expect(ints).toEqual(want.randint_0_7);
    });
  }

  it('refuses a seed outside [0, 2^32)', () => {
    expect(() => new RandomState(-1)).toThrow(
      'A random seed must be an integer in [0, 4294967295]; got -1.',
    );
    expect(() => new RandomState(1.5)).toThrow(/got 1.5/);
  });
});
