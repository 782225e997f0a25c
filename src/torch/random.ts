import { RandomState } from '../util/random.js';
import { optionError } from '../util/options.js';

/**
 * A seeded source of random numbers, after `torch.Generator`. It is the
 * same MT19937 engine PyTorch's CPU generator uses, seeded the same way, so
 * after `manualSeed(n)` the draws that `nn.Linear` initialisation and
 * `DataLoader` shuffling consume are PyTorch's own.
 *
 * @example
 * const g = new torch.Generator().manualSeed(42);
 * new torch.utils.data.DataLoader(ds, { shuffle: true, generator: g });
 */
export class Generator {
  private engine: RandomState;
  private seed: number;

  /** @param seed initial seed; PyTorch's default is 67280421310721. */
  constructor(seed = 67280421310721) {
    this.seed = checkSeed(seed, 'Generator');
    this.engine = new RandomState(low32(this.seed));
  }

  /** Python: `manual_seed(seed)`. Returns `this`, as PyTorch does. */
  manualSeed(seed: number): this {
    this.seed = checkSeed(seed, 'Generator.manualSeed');
    this.engine.seed(low32(this.seed));
    return this;
  }

  /** Python: `initial_seed()`: the seed last set. */
  initialSeed(): number {
    return this.seed;
  }

  /** One raw 32-bit draw (PyTorch `generator->random()`). */
  random32(): number {
    return this.engine.nextUint32();
  }

  /**
   * One 64-bit draw as a bigint, first draw in the high word (PyTorch
   * `random64()`).
   */
  random64(): bigint {
    const hi = BigInt(this.engine.nextUint32());
    const lo = BigInt(this.engine.nextUint32());
    return (hi << 32n) | lo;
  }

  /**
   * Fills `out` with U(low, high) draws exactly as PyTorch's float32
   * `uniform_` does: 24 random bits scaled to [0, 1), bounds in float32.
   */
  fillUniform(out: Float32Array, low: number, high: number): Float32Array {
    const from = Math.fround(low);
    const span = Math.fround(Math.fround(high) - from);
    for (let i = 0; i < out.length; i++) {
      const x = (this.engine.nextUint32() & 0xffffff) / 16777216;
      out[i] = x * span + from;
    }
    return out;
  }

  /**
   * A random permutation of 0..n-1, drawn as PyTorch 1.13's CPU
   * `randperm` draws it (a forward Fisher-Yates with `random() % (n-i)`).
   */
  randperm(n: number): Int32Array {
    const r = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      r[i] = i;
    }
    for (let i = 0; i < n - 1; i++) {
      const z = this.engine.nextUint32() % (n - i);
      const tmp = r[i]!;
      r[i] = r[z + i]!;
      r[z + i] = tmp;
    }
    return r;
  }
}

/** The generator `manualSeed` seeds and every layer draws from. */
export const defaultGenerator = new Generator();

/**
 * Seeds the default generator. Python: `torch.manual_seed(seed)`. Makes
 * `nn.Linear` initialisation, `DataLoader` shuffling and `nn.Dropout`
 * masks reproducible; initialisation and shuffle order equal PyTorch's for
 * the same seed and the same sequence of calls.
 *
 * Differs from PyTorch: dropout masks come from tfjs's own seeded
 * generator (seeded from this one), so they differ from PyTorch's.
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

function checkSeed(seed: number, owner: string): number {
  if (!Number.isSafeInteger(seed)) {
    throw optionError('seed', owner, 'a safe integer', seed);
  }
  return seed;
}

/** The low 32 bits, as PyTorch's mt19937 keeps of a 64-bit seed. */
function low32(seed: number): number {
  return Number(BigInt.asUintN(32, BigInt(seed)));
}
