import * as tf from '@tensorflow/tfjs';
import { NotSupportedError, TrioError } from '../../../errors.js';
import { checkOptionKeys } from '../../options.js';
import { optionError, toSnakeCase } from '../../../util/options.js';
import { defaultGenerator, Generator } from '../../random.js';
import { collateBatch, type Collated } from './collate.js';
import { type Dataset, TensorDataset } from './dataset.js';

export interface DataLoaderOptions<T = tf.Tensor[], B = Collated<T>> {
  /** Samples per batch, an integer >= 1. Python: `batch_size`. @default 1 */
  batchSize?: number;
  /** Reshuffle the samples at the start of every epoch. @default false */
  shuffle?: boolean;
  /**
   * Drop the last batch when it is smaller than `batchSize`.
   * Python: `drop_last`. @default false
   */
  dropLast?: boolean;
  /** Draws the shuffle order. @default the generator `manualSeed` seeds */
  generator?: Generator;
  /**
   * Makes one batch of the list of samples `dataset.at` returned, in batch
   * order. Python: `collate_fn`. Runs inside the loop turn's tfjs scope:
   * the tensors it makes are freed with the batch. With a `collateFn`, a
   * `TensorDataset` is read sample by sample too.
   * @default defaultCollate
   */
  collateFn?: (samples: T[]) => B;
}

/**
 * PyTorch options that tfjs-trio does not support yet, with the value
 * (PyTorch's default) that means "not used".
 */
const UNSUPPORTED: Record<string, unknown> = {
  sampler: undefined,
  batchSampler: undefined,
  numWorkers: 0,
  pinMemory: false,
  timeout: 0,
  workerInitFn: undefined,
  prefetchFactor: undefined,
  persistentWorkers: false,
};

const KNOWN = ['batchSize', 'shuffle', 'dropLast', 'generator', 'collateFn',
  ...Object.keys(UNSUPPORTED)];

/**
 * Iterates over a map-style dataset in batches, after
 * `torch.utils.data.DataLoader(dataset, batch_size=1, shuffle=False,
 * drop_last=False, generator=None, collate_fn=None)`. Each `for ... of`
 * over the loader is one epoch and yields one batch per step.
 *
 * The dataset is a `Dataset` (any object with `at(index)` and an integer
 * `length`, an array included). For each batch the loader calls
 * `dataset.at(i)` for the batch's indices, in order, and collates the
 * samples with `collateFn`, by default `defaultCollate`: tensors are
 * stacked along a new first axis, numbers become an int32 or float32
 * tensor, arrays and plain objects are collated per position and per key.
 * A batch of `[tensor, number]` samples is thus `[tensor, tensor]`.
 *
 * A `TensorDataset` without a `collateFn` takes a faster road to the same
 * batches: they are cut from contiguous memory, gathered straight from the
 * dataset's tensors in the shuffled order with `shuffle` (one copy of the
 * batch, none of the whole dataset), sliced from them without.
 *
 * The shuffle order equals PyTorch's for the same `manualSeed` (or
 * `generator`) and the same sequence of random draws, for every dataset.
 *
 * Memory: each turn of the loop runs in its own tfjs scope. When the next
 * batch is fetched (or the loop ends, breaks or throws), every tensor
 * created during the turn is freed, batches included, as Python's garbage
 * collector would free them: so are the tensors `dataset.at` and
 * `collateFn` made for the batch (with the default collate, the samples'
 * tensors are freed as soon as they are stacked). Parameters, gradients,
 * optimizer state and tensors the dataset made beforehand live on; wrap a
 * tensor in `tf.keep` to keep it past its turn. Hence `[...loader]` holds
 * batches that are already freed: read each batch inside the loop. The
 * loop body must not await other tfjs work running concurrently, and two
 * loaders must be nested, not interleaved.
 *
 * Not supported yet (a `NotSupportedError` if set to anything but their
 * default): `sampler`, `batchSampler`, `numWorkers`, `pinMemory`,
 * `timeout`, `workerInitFn`, `prefetchFactor`, `persistentWorkers`; and
 * iterable-style datasets (Python: `IterableDataset`).
 *
 * @example
 * const loader = new DataLoader(dataset, { batchSize: 32, shuffle: true });
 * for (const [x, y] of loader) { ... }
 */
export class DataLoader<T = tf.Tensor[], B = Collated<T>>
implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  readonly collateFn: ((samples: T[]) => B) | undefined;
  /** The tensors batches are cut from directly, for a plain TensorDataset. */
  private readonly tensors: readonly tf.Tensor[] | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    checkDataset(dataset);
    refuseUnsupported(options as Record<string, unknown>);
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw optionError('batch_size', 'DataLoader', 'an integer >= 1',
        batchSize);
    }
    for (const name of ['shuffle', 'dropLast'] as const) {
      const v = options[name];
      if (v !== undefined && typeof v !== 'boolean') {
        throw optionError(name === 'dropLast' ? 'drop_last' : name,
          'DataLoader', 'a boolean', v);
      }
    }
    if (options.generator !== undefined &&
      !(options.generator instanceof Generator)) {
      throw optionError('generator', 'DataLoader', 'a torch.Generator',
        options.generator);
    }
    if (options.collateFn !== undefined &&
      typeof options.collateFn !== 'function') {
      throw optionError('collate_fn', 'DataLoader', 'a function',
        options.collateFn);
    }
    if (options.shuffle === true && datasetLength(dataset) === 0) {
      // PyTorch's RandomSampler refuses an empty dataset when it is made.
      throw new TrioError('DataLoader: shuffle needs samples: ' +
        'num_samples should be a positive integer value, but got ' +
        'num_samples=0 (the dataset is empty).');
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator;
    this.collateFn = options.collateFn;
    // A subclass overriding `at` gets what it asked for: its own samples.
    this.tensors = dataset instanceof TensorDataset &&
      dataset.at === TensorDataset.prototype.at &&
      this.collateFn === undefined
      ? dataset.tensors
      : undefined;
  }

  /**
   * Python: `len(loader)`: batches per epoch, ceil(n / batchSize), or
   * floor with `dropLast`.
   */
  get length(): number {
    return this.steps(datasetLength(this.dataset));
  }

  private steps(n: number): number {
    return this.dropLast
      ? Math.floor(n / this.batchSize)
      : Math.ceil(n / this.batchSize);
  }

  /**
   * The sample order of the next epoch, drawn as PyTorch 1.13 draws it:
   * the loader's iterator first takes a 64-bit base seed (for workers)
   * from the generator; then RandomSampler, without its own generator,
   * seeds a fresh one with a 64-bit draw from the default generator and
   * takes `randperm(n)` from it. With a generator, it takes `randperm(n)`
   * from that one, and a second, unused `randperm(n)` (its
   * `[:num_samples % n]` tail) once the epoch has used every index:
   * `drawTail`, which the iterator calls at that point (an epoch left
   * early never draws it).
   */
  private order(n: number): {
    order: Int32Array | null;
    drawTail: (() => void) | undefined;
  } {
    const source = this.generator ?? defaultGenerator;
    source.random64();
    if (!this.shuffle) {
      return { order: null, drawTail: undefined };
    }
    const generator = this.generator;
    if (generator !== undefined) {
      return {
        order: generator.randperm(n),
        drawTail: () => {
          generator.randperm(n);
        },
      };
    }
    // Only the low 32 bits seed PyTorch's mt19937.
    const seed = defaultGenerator.random64();
    return {
      order: new Generator(Number(BigInt.asUintN(32, seed))).randperm(n),
      drawTail: undefined,
    };
  }

  [Symbol.iterator](): Iterator<B> {
    const engine = tf.engine();
    const n = datasetLength(this.dataset);
    const { order, drawTail } = this.order(n);
    const steps = this.steps(n);
    // PyTorch's batch sampler runs out of indices while fetching this
    // batch: the last, short one, or the end of the epoch.
    const tailAt = Math.floor(n / this.batchSize);
    let step = 0;
    let finished = false;
    let open = false;
    const close = () => {
      if (open) {
        engine.endScope();
        open = false;
      }
    };
    const finish = (): IteratorResult<B> => {
      close();
      finished = true;
      return { done: true, value: undefined };
    };
    return {
      next: () => {
        close();
        if (finished) {
          return finish();
        }
        if (step === tailAt) {
          drawTail?.();
        }
        if (step >= steps) {
          return finish();
        }
        const batch = step;
        const start = step * this.batchSize;
        const size = Math.min(this.batchSize, n - start);
        step += 1;
        engine.startScope('DataLoader batch');
        open = true;
        try {
          const value = this.tensors === undefined
            ? this.fetch(batch, order, start, size)
            : this.cut(this.tensors, order, start, size);
          return { done: false, value };
        } catch (error) {
          // A for-of loop does not call return() when next() throws.
          finish();
          throw error;
        }
      },
      return: () => finish(),
    };
  }

  /** A TensorDataset's batch, sliced or gathered from its tensors. */
  private cut(
    tensors: readonly tf.Tensor[],
    order: Int32Array | null,
    start: number,
    size: number,
  ): B {
    if (order === null) {
      return tensors.map((t) => tf.slice(t, start, size)) as B;
    }
    // One gather per batch straight from the dataset: one copy of the
    // batch, no shuffled copy of the whole dataset.
    const index = tf.tensor1d(order.subarray(start, start + size), 'int32');
    const batch = tensors.map((t) => tf.gather(t, index));
    index.dispose();
    return batch as B;
  }

  /** A map-style dataset's batch: `at` per sample, then the collate. */
  private fetch(
    batch: number,
    order: Int32Array | null,
    start: number,
    size: number,
  ): B {
    const indices = order === null
      ? Int32Array.from({ length: size }, (_, k) => start + k)
      : order.subarray(start, start + size);
    const read = () => Array.from(indices, (i) => this.dataset.at(i));
    if (this.collateFn !== undefined) {
      return this.collateFn(read());
    }
    // The default collate returns only new tensors and strings, so the
    // samples' tensors can go as soon as they are stacked.
    return tf.tidy(() =>
      collateBatch(read(), { batch, indices }) as tf.TensorContainer) as B;
  }
}

/** Refuses unknown options, and PyTorch's that are not supported yet. */
function refuseUnsupported(options: Record<string, unknown>): void {
  checkOptionKeys(options, KNOWN, 'DataLoader');
  for (const [name, unused] of Object.entries(UNSUPPORTED)) {
    const v = options[name];
    if (v !== undefined && v !== unused) {
      throw new NotSupportedError(
        `DataLoader option '${name}' (Python: ${toSnakeCase(name)}) is ` +
          'not supported yet; ' + (unused === undefined
          ? 'leave it out.'
          : `leave it at its default, ${String(unused)}.`),
      );
    }
  }
}

/** Refuses what is not a map-style dataset, naming what is missing. */
function checkDataset(dataset: unknown): void {
  const expected = 'a map-style dataset: an object with an at(index) ' +
    'method and a length (Python: __getitem__ and __len__)';
  if (typeof dataset === 'function') {
    throw optionError('dataset', 'DataLoader',
      `${expected}; pass an instance (new ${dataset.name || 'Dataset'}` +
        '(...)), not the class', dataset);
  }
  if (typeof dataset !== 'object' || dataset === null) {
    throw optionError('dataset', 'DataLoader', expected, dataset);
  }
  const d = dataset as Record<string | symbol, unknown>;
  if (typeof d.at !== 'function') {
    if (typeof d[Symbol.iterator] === 'function' ||
      typeof d[Symbol.asyncIterator] === 'function') {
      throw new NotSupportedError(
        'DataLoader takes map-style datasets (at(index) and length); ' +
          'iterable-style datasets (Python: IterableDataset) are not ' +
          'supported yet.',
      );
    }
    const named = ['__getitem__', 'getItem'].find((name) =>
      typeof d[name] === 'function');
    throw optionError('dataset', 'DataLoader', expected +
      (named === undefined ? '' : `; rename its ${named}() method at()`),
    dataset);
  }
  datasetLength(dataset as Dataset<unknown>);
}

/** `dataset.length`, checked: PyTorch's `len(dataset)`. */
function datasetLength(dataset: Dataset<unknown>): number {
  const n: unknown = dataset.length;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) {
    return n;
  }
  const hint = typeof n === 'function'
    ? ' (a getter: write get length(), not length())'
    : typeof (dataset as { __len__?: unknown }).__len__ === 'function'
      ? ' (write its __len__() method as get length())'
      : '';
  throw optionError('dataset.length', 'DataLoader',
    `an integer >= 0${hint}`, n);
}
