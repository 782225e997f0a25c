/**
 * A seeded random generator: MT19937 with numpy's legacy `RandomState`
 * conversions, so that `new RandomState(42).uniform(a, b)` draws the same
 * numbers as `numpy.random.RandomState(42).uniform(a, b)`. scikit-learn's
 * weight initialisation and shuffling go through exactly these calls.
 */
export class RandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;
  private gaussNext: number | null = null;

  /** @param seed an integer in [0, 2^32); `undefined` seeds from the clock. */
  constructor(seed?: number) {
    this.seed(seed ?? randomSeed());
  }

  /** numpy `init_genrand`: the seeding used for an integer seed. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(
        `A random seed must be an integer in [0, 4294967295]; got ${seed}.`,
      );
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic.
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = 624;
    this.gaussNext = null;
  }

  /** The next raw 32-bit output. */
  nextUint32(): number {
    if (this.index >= 624) {
      this.twist();
    }
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits (numpy `random_sample`). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** numpy `uniform(low, high)`: `low + (high - low) * random()`. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Fills `out` with `uniform(low, high)` draws in row-major order. */
  fillUniform(out: Float32Array | Float64Array, low: number, high: number) {
    for (let i = 0; i < out.length; i++) {
      out[i] = this.uniform(low, high);
    }
    return out;
  }

  /** An integer in [0, max] by numpy's masked rejection (`random_interval`). */
  interval(max: number): number {
    if (max === 0) {
      return 0;
    }
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** An integer in [low, high) (exclusive high). */
  randint(low: number, high: number): number {
    return low + this.interval(high - low - 1);
  }

  /** Shuffles in place as numpy's legacy `RandomState.shuffle` does. */
  shuffle<T extends { length: number; [i: number]: any }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** `shuffle(arange(n))` as an Int32Array. */
  permutation(n: number): Int32Array {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      idx[i] = i;
    }
    return this.shuffle(idx);
  }

  /** A standard normal draw (numpy legacy polar method). */
  normal(mean = 0, std = 1): number {
    if (this.gaussNext !== null) {
      const g = this.gaussNext;
      this.gaussNext = null;
      return mean + std * g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gaussNext = f * x1;
    return mean + std * f * x2;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
      let next = mt[(i + 397) % 624]! ^ (y >>> 1);
      if (y & 1) {
        next ^= 0x9908b0df;
      }
      mt[i] = next >>> 0;
    }
    this.index = 0;
  }
}

/** A seed from the clock and Math.random, for unseeded generators. */
export function randomSeed(): number {
  return (Math.floor(Math.random() * 0x100000000) ^ Date.now()) >>> 0;
}
