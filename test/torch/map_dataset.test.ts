import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotSupportedError } from '../../src/errors.js';
import * as torch from '../../src/torch/index.js';
import { FIXTURE_DIR } from './helpers.js';

const { DataLoader, Dataset, TensorDataset, defaultCollate } =
  torch.utils.data;

/** The batches scripts/fixtures/torch_map_dataset.py saw PyTorch 1.13 make. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const mx: any = JSON.parse(
  fs.readFileSync(path.join(FIXTURE_DIR, 'map_dataset.json'), 'utf8'));

/** PyTorch's dtypes as tfjs has them: no 64-bit types. */
const DTYPES: Record<string, string> = {
  float32: 'float32', float64: 'float32', int64: 'int32', bool: 'bool',
};

/** The fixture's `Points`: sample i is ([i, i * i / 2], i % 3). */
class Points extends Dataset<[tf.Tensor, number]> {
  calls = 0;
  constructor(readonly n: number) {
    super();
  }

  get length(): number {
    return this.n;
  }

  at(i: number): [tf.Tensor, number] {
    this.calls += 1;
    return [tf.tensor1d([i, (i * i) / 2]), i % 3];
  }
}

/** The fixture's `Records`: {x: [[i], [-i]], w: i + 0.5, id: i}. */
class Records extends Dataset<{ x: tf.Tensor; w: number; id: number }> {
  constructor(readonly n: number) {
    super();
  }

  get length(): number {
    return this.n;
  }

  at(i: number): { x: tf.Tensor; w: number; id: number } {
    // 0 - i, not -i: -0 would not equal Python's 0.0.
    return { x: tf.tensor2d([[i], [0 - i]]), w: i + 0.5, id: i };
  }
}

/** A batch in the fixture's form, read inside the loop. */
function readBatch(name: string, batch: unknown): unknown {
  if (name.includes('collate_fn')) {
    return batch;
  }
  if (name.startsWith('points')) {
    const [x, y] = batch as tf.Tensor[];
    return { x: x!.arraySync(), x_dtype: x!.dtype, y: y!.arraySync(),
      y_dtype: y!.dtype };
  }
  return Object.fromEntries(Object.entries(batch as Record<string, tf.Tensor>)
    .map(([k, v]) => [k, { values: v.arraySync(), dtype: v.dtype }]));
}

/** The fixture's batches with PyTorch's dtypes renamed to tfjs's. */
function asTfjs(batch: Record<string, unknown>): unknown {
  if (Array.isArray(batch)) {
    return batch;
  }
  return Object.fromEntries(Object.entries(batch).map(([k, v]) => {
    if (typeof v === 'string') {
      return [k, DTYPES[v]];
    }
    if (typeof v === 'object' && v !== null && 'dtype' in v) {
      const { values, dtype } = v as { values: unknown; dtype: string };
      return [k, { values, dtype: DTYPES[dtype] }];
    }
    return [k, v];
  }));
}

/** Runs one fixture case through `dataset` as the script ran it. */
function runCase(
  c: {
    name: string; n: number; seed: number | null;
    generator_seed: number | null; break_first: boolean;
    options: { batch_size: number; shuffle?: boolean; drop_last?: boolean };
    epochs: unknown[];
  },
  dataset: torch.utils.Dataset<unknown>,
): { length: number; broken?: unknown[]; epochs: unknown[][] } {
  if (c.seed !== null) {
    torch.manualSeed(c.seed);
  }
  const loader = new DataLoader(dataset, {
    batchSize: c.options.batch_size,
    shuffle: c.options.shuffle ?? false,
    dropLast: c.options.drop_last ?? false,
    ...(c.generator_seed === null
      ? {}
      : { generator: new torch.Generator().manualSeed(c.generator_seed) }),
    ...(c.name.includes('collate_fn')
      ? { collateFn: (samples: unknown[]) =>
        (samples as [tf.Tensor, number][]).map(([, y]) => y) }
      : {}),
  });
  const out: { length: number; broken?: unknown[]; epochs: unknown[][] } =
    { length: loader.length, epochs: [] };
  if (c.break_first) {
    for (const batch of loader) {
      out.broken = [readBatch(c.name, batch)];
      break;
    }
  }
  for (let e = 0; e < c.epochs.length; e++) {
    const epoch: unknown[] = [];
    for (const batch of loader) {
      epoch.push(readBatch(c.name, batch));
    }
    out.epochs.push(epoch);
  }
  return out;
}

describe('DataLoader over a map-style Dataset', () => {
  it('yields the batches PyTorch 1.13 yields, shuffled and seeded', () => {
    expect(mx.cases.length).toBe(8);
    const before = tf.memory().numTensors;
    for (const c of mx.cases) {
      const dataset = c.dataset === 'Points'
        ? new Points(c.n)
        : new Records(c.n);
      const got = runCase(c, dataset);
      const expected = {
        length: c.length,
        ...(c.break_first ? { broken: c.broken_epoch.map(asTfjs) } : {}),
        epochs: c.epochs.map((e: Record<string, unknown>[]) =>
          e.map(asTfjs)),
      };
      expect({ name: c.name, ...got }).toEqual({ name: c.name, ...expected });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives a TensorDataset of the same samples the same batches', () => {
    // The TensorDataset road (slices and gathers, no at() per sample)
    // must draw the same order, including the generator's tail draw.
    const cases = mx.cases.filter((c: { name: string; dataset: string }) =>
      c.dataset === 'Points' && !c.name.includes('collate_fn'));
    expect(cases.length).toBe(5);
    for (const c of cases) {
      const x = tf.tensor2d(Array.from({ length: c.n }, (_, i) =>
        [i, (i * i) / 2]));
      const y = tf.tensor1d(Array.from({ length: c.n }, (_, i) => i % 3),
        'int32');
      const got = runCase(c, new TensorDataset(x, y));
      expect(got.epochs).toEqual(c.epochs.map(
        (e: Record<string, unknown>[]) => e.map(asTfjs)));
      tf.dispose([x, y]);
    }
  });

  it('takes a plain array as a dataset, as PyTorch takes a list', () => {
    const loader = new DataLoader([1, 2.5, 3, 4, 5], { batchSize: 2 });
    const batches: [string, number[]][] = [];
    for (const b of loader) {
      batches.push([b.dtype, Array.from(b.dataSync())]);
    }
    // Per batch: whole numbers give int32, any other number float32.
    expect(batches).toEqual([['float32', [1, 2.5]], ['int32', [3, 4]],
      ['int32', [5]]]);
  });
});

describe('TensorDataset keeps its contiguous road', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never calls at() per sample, unless overridden or collateFn', () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const spy = vi.spyOn(TensorDataset.prototype, 'at');
    const plain = new DataLoader(new TensorDataset(x),
      { batchSize: 2, shuffle: true });
    for (const [b] of plain) {
      expect(b!.shape[1]).toBe(2);
    }
    expect(spy).not.toHaveBeenCalled();

    // With a collateFn PyTorch calls __getitem__ per sample; so do we.
    const counted = new DataLoader(new TensorDataset(x), {
      batchSize: 2,
      collateFn: (samples) => samples.length,
    });
    expect([...counted]).toEqual([2, 1]);
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockRestore();

    // A subclass overriding at() gets its own samples.
    class Doubled extends TensorDataset {
      override at(index: number): tf.Tensor[] {
        return super.at(index).map((t) => tf.mul(t, 2));
      }
    }
    const seen: number[][] = [];
    for (const [b] of new DataLoader(new Doubled(x), { batchSize: 2 })) {
      seen.push(Array.from(b!.dataSync()));
    }
    expect(seen).toEqual([[2, 4, 6, 8], [10, 12]]);
    x.dispose();
  });
});

describe('defaultCollate', () => {
  it('collates tensors, numbers, booleans, strings and typed arrays', () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([1, 2], 'int32');
    const b = tf.tensor1d([3.5, 4], 'float32');
    const batch = defaultCollate([
      { t: a, n: 1, f: 0.5, ok: true, s: 'a', v: Float32Array.of(1, 2),
        u: Uint8Array.of(7), pair: [1, 'x'] as [number, string] },
      { t: b, n: 2, f: 2, ok: false, s: 'b', v: Float32Array.of(3, 4),
        u: Uint8Array.of(9), pair: [2, 'y'] as [number, string] },
    ]);
    const read = (t: tf.Tensor) => [t.dtype, t.shape, t.arraySync()];
    // PyTorch promotes int64 and float32 tensors to float32 in the stack
    // (the fixture's int_float_tensors); tfjs has int32 for int64.
    expect(mx.dtypes.int_float_tensors).toBe('float32');
    expect(read(batch.t)).toEqual(['float32', [2, 2], [[1, 2], [3.5, 4]]]);
    expect(read(batch.n)).toEqual(['int32', [2], [1, 2]]);
    expect(read(batch.f)).toEqual(['float32', [2], [0.5, 2]]);
    expect(read(batch.ok)).toEqual(['bool', [2], [1, 0]]);
    expect(batch.s).toEqual(['a', 'b']);
    expect(batch.s).toEqual(mx.dtypes.strings);
    expect(read(batch.v)).toEqual(['float32', [2, 2], [[1, 2], [3, 4]]]);
    expect(read(batch.u)).toEqual(['int32', [2, 1], [[7], [9]]]);
    expect(read(batch.pair[0])).toEqual(['int32', [2], [1, 2]]);
    expect(batch.pair[1]).toEqual(['x', 'y']);
    // Only the batch's tensors are new: no casts or copies are left over.
    expect(tf.memory().numTensors).toBe(before + 2 + 7);
    tf.dispose([a, b, batch.t, batch.n, batch.f, batch.ok, batch.v, batch.u,
      batch.pair[0]]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('words its refusals as PyTorch does, naming the entries', () => {
    const z = [3, 3, 3, 4].map((n) => tf.zeros([n]));
    // PyTorch: "RuntimeError: stack expects each tensor to be equal size,
    // but got [3] at entry 0 and [4] at entry 3".
    const stack = (mx.messages.stack as string).replace('RuntimeError: ', '');
    expect(() => defaultCollate(z)).toThrow(
      `default_collate: ${stack} (batch[0] and batch[3]).`);
    tf.dispose(z);
    const listSize = (mx.messages.list_size as string)
      .replace('RuntimeError: ', '');
    expect(() => defaultCollate([[1, 2], [1, 2, 3]])).toThrow(
      `default_collate: ${listSize}, but got 2 elements at entry 0 and 3 at ` +
        'entry 1 (batch[0] and batch[1]).');
    expect(mx.messages.type).toContain('batch must contain tensors');
    expect(() => defaultCollate([[1, null]])).toThrow(
      'default_collate: batch must contain tensors, numbers, booleans, ' +
        'strings, typed arrays, arrays or plain objects; found null at ' +
        'entry 0 (batch[0][1]).');
    expect(() => defaultCollate([{ x: 1 }, { x: 's' }])).toThrow(
      'default_collate: every sample of a batch should have the same ' +
        "structure, but got a number at entry 0 and a string at entry 1 " +
        "(batch[0]['x'] and batch[1]['x']).");
    expect(() => defaultCollate([{ x: 1 }, { x: 1, y: 2 }])).toThrow(
      'default_collate: each object in the batch should have the same ' +
        "keys, but got 'x' at entry 0 and 'x', 'y' at entry 1 (batch[0] " +
        'and batch[1]).');
    expect(() => defaultCollate([new Date(0)])).toThrow(
      'found an instance of Date at entry 0 (batch[0]).');
    expect(() => defaultCollate([])).toThrow(
      "The 'batch' parameter of default_collate must be a non-empty array " +
        'of samples. Got [] instead.');
  });
});

describe('DataLoader refusals', () => {
  it('names the batch, the dataset indices and the two shapes', () => {
    // Sample 7 is one longer than the others: in batch 1 (indices 4-7).
    class Ragged extends Dataset<[tf.Tensor, number]> {
      get length(): number {
        return 10;
      }

      at(i: number): [tf.Tensor, number] {
        return [tf.zeros([i === 7 ? 3 : 2]), i];
      }
    }
    const before = tf.memory().numTensors;
    const loader = new DataLoader(new Ragged(), { batchSize: 4 });
    let error: unknown;
    let batches = 0;
    try {
      for (const [x] of loader) {
        tf.mul(x!, 2);
        batches += 1;
      }
    } catch (e) {
      error = e;
    }
    expect(batches).toBe(1);
    expect(error).toBeInstanceOf(torch.CollateError);
    expect((error as Error).message).toBe(
      'DataLoader batch 1: stack expects each tensor to be equal size, but ' +
        'got [2] at entry 0 and [3] at entry 3 (dataset[4][0] and ' +
        'dataset[7][0]).');
    const { batch, entry, index, field } = error as torch.CollateError;
    expect({ batch, entry, index, field }).toEqual(
      { batch: 1, entry: 3, index: 7, field: '[0]' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses what is not a map-style dataset', () => {
    const map = 'an object with an at(index) method and a length (Python: ' +
      '__getitem__ and __len__)';
    expect(() => new DataLoader({ size: 3 } as never)).toThrow(
      "The 'dataset' parameter of DataLoader must be a map-style dataset: " +
        `${map}. Got {"size":3} instead.`);
    expect(() => new DataLoader(Points as never)).toThrow(
      `${map}; pass an instance (new Points(...)), not the class. Got the ` +
        'class Points instead.');
    expect(() => new DataLoader({
      __getitem__: (i: number) => i, __len__: () => 3 } as never)).toThrow(
      `${map}; rename its __getitem__() method at().`);
    expect(() => new DataLoader(new Set([1, 2]) as never)).toThrow(
      'DataLoader takes map-style datasets (at(index) and length); ' +
        'iterable-style datasets (Python: IterableDataset) are not ' +
        'supported yet.');
    expect(() => new DataLoader(new Set([1, 2]) as never)).toThrow(
      NotSupportedError);
    for (const [length, got] of [[-1, '-1'], [2.5, '2.5'],
      [undefined, 'undefined'], ['3', "'3'"]] as const) {
      expect(() => new DataLoader({ at: () => 0, length } as never)).toThrow(
        "The 'dataset.length' parameter of DataLoader must be an integer " +
          `>= 0. Got ${got} instead.`);
    }
    expect(() => new DataLoader({ at: () => 0,
      length() { return 2; } } as never)).toThrow(
      'an integer >= 0 (a getter: write get length(), not length()). Got ' +
        'the function length instead.');
    expect(() => new DataLoader({ at: () => 0, __len__: () => 2 } as never))
      .toThrow('an integer >= 0 (write its __len__() method as get ' +
        'length()). Got undefined instead.');
  });

  it('refuses options that are not an object', () => {
    expect(() => new DataLoader([1, 2], null as never)).toThrow(
      "The 'options' parameter of DataLoader must be an object with any " +
        'of ');
  });

  it('refuses shuffling an empty dataset, as RandomSampler does', () => {
    expect(() => new DataLoader([], { shuffle: true })).toThrow(
      'DataLoader: shuffle needs samples: num_samples should be a ' +
        'positive integer value, but got num_samples=0 (the dataset is ' +
        'empty).');
    // Unshuffled, PyTorch iterates an empty dataset as no batches.
    expect([...new DataLoader([])]).toEqual([]);
  });

  it('checks the length again each epoch', () => {
    const data = [1, 2, 3];
    const loader = new DataLoader(data, { batchSize: 2 });
    expect(loader.length).toBe(2);
    data.push(4, 5);
    expect(loader.length).toBe(3);
    const shrinking = { at: (i: number) => i, length: 2 };
    const l2 = new DataLoader(shrinking);
    shrinking.length = -1;
    expect(() => [...l2]).toThrow(
      "The 'dataset.length' parameter of DataLoader must be an integer " +
        '>= 0. Got -1 instead.');
  });

  it('refuses unknown options and the ones not supported yet', () => {
    expect(() => new DataLoader([1], { batch_size: 2 } as never)).toThrow(
      "The 'batch_size' parameter of DataLoader must be a known option " +
        "(did you mean 'batchSize'?)");
    expect(() => new DataLoader([1], { numWorkers: 2 } as never)).toThrow(
      "DataLoader option 'numWorkers' (Python: num_workers) is not " +
        'supported yet; leave it at its default, 0.');
    expect(() => new DataLoader([1], { sampler: [0] } as never)).toThrow(
      "DataLoader option 'sampler' (Python: sampler) is not supported " +
        'yet; leave it out.');
    // PyTorch's defaults are accepted.
    expect(new DataLoader([1], { numWorkers: 0, pinMemory: false } as never)
      .length).toBe(1);
    expect(() => new DataLoader([1], { collateFn: 'stack' } as never))
      .toThrow("The 'collate_fn' parameter of DataLoader must be a " +
        "function. Got 'stack' instead.");
    expect(() => new DataLoader([1], { generator: 42 } as never)).toThrow(
      "The 'generator' parameter of DataLoader must be a torch.Generator. " +
        'Got 42 instead.');
  });
});

describe('DataLoader memory with a map-style dataset', () => {
  /** Makes tensors in at(): a sample, plus a temporary it leaves behind. */
  class Leaky extends Dataset<{ x: tf.Tensor; y: number }> {
    owned = tf.tensor1d([10, 20, 30]);
    failAt = -1;

    get length(): number {
      return 10;
    }

    at(i: number): { x: tf.Tensor; y: number } {
      if (i === this.failAt) {
        tf.ones([5]);
        throw new Error(`no sample ${i}`);
      }
      tf.ones([7]); // an intermediate the dataset never frees
      return { x: tf.add(this.owned, i), y: i };
    }
  }

  it('frees per-sample tensors after epochs, break and a throw', () => {
    const dataset = new Leaky();
    const before = tf.memory().numTensors;
    const loader = new DataLoader(dataset, { batchSize: 4, shuffle: true });
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const { x, y } of loader) {
        tf.sum(tf.mul(x, tf.expandDims(y, 1)));
      }
      expect(tf.memory().numTensors).toBe(before);
    }

    for (const { x } of loader) {
      tf.mul(x, 2);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);

    dataset.failAt = 5;
    const sequential = new DataLoader(dataset, { batchSize: 4 });
    let turns = 0;
    expect(() => {
      for (const { x } of sequential) {
        tf.mul(x, 2);
        turns += 1;
      }
    }).toThrow('no sample 5');
    expect(turns).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    // The scopes are balanced: the loader runs again, and tf.keep works.
    dataset.failAt = -1;
    let kept: tf.Tensor | undefined;
    for (const { y } of sequential) {
      kept?.dispose();
      kept = tf.keep(tf.sum(y));
    }
    expect(kept!.dataSync()[0]).toBe(8 + 9);
    kept!.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // The dataset's own tensor lives on.
    expect(dataset.owned.isDisposed).toBe(false);
    dataset.owned.dispose();
  });

  it('frees what a collateFn makes with the batch', () => {
    const dataset = new Points(9);
    const before = tf.memory().numTensors;
    const loader = new DataLoader(dataset, {
      batchSize: 4,
      collateFn: (samples) => ({
        x: tf.stack(samples.map(([x]) => tf.mul(x, 1))),
        y: samples.map(([, y]) => y),
      }),
    });
    const labels: number[][] = [];
    for (const { x, y } of loader) {
      expect(x.shape).toEqual([y.length, 2]);
      labels.push(y);
    }
    expect(labels).toEqual([[0, 1, 2, 0], [1, 2, 0, 1], [2]]);
    expect(dataset.calls).toBe(9);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => {
      for (const _ of new DataLoader(dataset, {
        collateFn: () => {
          tf.ones([3]);
          throw new Error('collate failed');
        },
      })) {
        void _;
      }
    }).toThrow('collate failed');
    expect(tf.memory().numTensors).toBe(before);
  });
});
