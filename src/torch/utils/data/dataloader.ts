import * as tf from '@tensorflow/tfjs';
import { NotSupportedError } from '../../../errors.js';
import { optionError } from '../../../util/options.js';
import { defaultGenerator, Generator } from '../../random.js';
import { TensorDataset } from './dataset.js';

export interface DataLoaderOptions {
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
}

/**
 * Iterates over a `TensorDataset` in batches, after
 * `torch.utils.data.DataLoader(dataset, batch_size=1, shuffle=False,
 * drop_last=False, generator=None)`. Each `for ... of` over the loader is
 * one epoch and yields one array of batch tensors per step.
 *
 * Batches are cut from contiguous memory: with `shuffle`, each batch is
 * gathered straight from the dataset's tensors in the shuffled order (one
 * copy of the batch, none of the whole dataset); without it, batches are
 * slices of the dataset's tensors.
 * The shuffle order equals PyTorch's for the same `manualSeed` and the
 * same sequence of random draws.
 *
 * Memory: each turn of the loop runs in its own tfjs scope. When the next
 * batch is fetched (or the loop ends, breaks or throws), every tensor
 * created during the turn is freed, batches included, as Python's garbage
 * collector would free them. Parameters, gradients and optimizer state
 * live on; wrap a tensor in `tf.keep` to keep it past its turn. Hence
 * `[...loader]` holds batches that are already freed: read each batch
 * inside the loop. The loop body must not await other tfjs work running
 * concurrently, and two loaders must be nested, not interleaved.
 *
 * @example
 * const loader = new DataLoader(dataset, { batchSize: 32, shuffle: true });
 * for (const [x, y] of loader) { ... }
 */
export class DataLoader implements Iterable<tf.Tensor[]> {
  readonly dataset: TensorDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;

  constructor(dataset: TensorDataset, options: DataLoaderOptions = {}) {
    if (!(dataset instanceof TensorDataset)) {
      // TODO: map-style datasets (getItem per sample) with a collate step.
      throw new NotSupportedError(
        'DataLoader supports TensorDataset only; map-style and iterable ' +
          'datasets are not supported yet.',
      );
    }
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
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator;
  }

  /**
   * Python: `len(loader)`: batches per epoch, ceil(n / batchSize), or
   * floor with `dropLast`.
   */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast
      ? Math.floor(n / this.batchSize)
      : Math.ceil(n / this.batchSize);
  }

  /**
   * The sample order of the next epoch, drawn as PyTorch 1.13 draws it:
   * the loader's iterator first takes a 64-bit base seed (for workers)
   * from the generator; then RandomSampler, without its own generator,
   * seeds a fresh one with a 64-bit draw from the default generator and
   * takes `randperm(n)` from it, plus a second, unused `randperm(n)`
   * (its `[:num_samples % n]` tail).
   */
  private order(): Int32Array | null {
    const source = this.generator ?? defaultGenerator;
    source.random64();
    if (!this.shuffle) {
      return null;
    }
    const n = this.dataset.length;
    if (this.generator !== undefined) {
      const order = this.generator.randperm(n);
      this.generator.randperm(n);
      return order;
    }
    // Only the low 32 bits seed PyTorch's mt19937.
    const seed = defaultGenerator.random64();
    return new Generator(Number(BigInt.asUintN(32, seed))).randperm(n);
  }

  [Symbol.iterator](): Iterator<tf.Tensor[]> {
    const engine = tf.engine();
    const order = this.order();
    const source = this.dataset.tensors;
    const n = this.dataset.length;
    const steps = this.length;
    let step = 0;
    let open = false;
    const close = () => {
      if (open) {
        engine.endScope();
        open = false;
      }
    };
    const finish = (): IteratorResult<tf.Tensor[]> => {
      close();
      step = steps;
      return { done: true, value: undefined };
    };
    return {
      next: () => {
        close();
        if (step >= steps) {
          return finish();
        }
        const start = step * this.batchSize;
        const size = Math.min(this.batchSize, n - start);
        step += 1;
        engine.startScope('DataLoader batch');
        open = true;
        let batch: tf.Tensor[];
        if (order === null) {
          batch = source.map((t) => tf.slice(t, start, size));
        } else {
          // One gather per batch straight from the dataset: one copy of
          // the batch, no shuffled copy of the whole dataset.
          const index = tf.tensor1d(order.subarray(start, start + size),
            'int32');
          batch = source.map((t) => tf.gather(t, index));
          index.dispose();
        }
        return { done: false, value: batch };
      },
      return: () => finish(),
    };
  }
}
