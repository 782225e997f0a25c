import * as tf from '@tensorflow/tfjs';
import type { Matrix } from '../data/matrix.js';
import { sliceRows } from '../data/matrix.js';
import { ShapeError } from '../errors.js';
import { optionError } from '../util/options.js';
import { RandomState } from '../util/random.js';

/**
 * The tutorial's network (784-128-64-10, relu, softmax cross-entropy, Adam)
 * written directly against tfjs with a plain, careful training loop. It is
 * the baseline the three facades are measured against (issue 6: each
 * facade within 5 % of it), so it does only what a careful tfjs user
 * would do:
 *
 * - the samples are permuted once per epoch into one contiguous buffer
 *   (reused across epochs), and each batch is a view of it (`sliceRows`)
 *   uploaded with one `tf.tensor2d`;
 * - labels become one-hot on the backend, per batch;
 * - each layer is one `tf.fused.matMul` (product, bias and relu);
 * - one `optimizer.minimize` per batch, inside `tf.tidy`;
 * - the batch losses are summed on the backend and read once per epoch.
 */

const OWNER = 'ReferenceDenseNetwork';

export interface DenseNetworkOptions {
  /**
   * Units of each hidden layer (Python: `hidden_layer_sizes`).
   * @default [128, 64]
   */
  hiddenLayerSizes?: number[];
  /** Adam's step size (Python: `lr`, `learning_rate`). @default 0.001 */
  learningRate?: number;
  /**
   * Seed of the weight initialisation and of the per-epoch shuffle.
   * @default 42
   */
  seed?: number;
}

export interface DenseFitOptions {
  /** Passes over the data. @default 1 */
  epochs?: number;
  /** Samples per step; the last batch may be smaller. @default 200 */
  batchSize?: number;
  /** Permute the samples at the start of every epoch. @default true */
  shuffle?: boolean;
  /** Called after each epoch with its mean loss and its seconds. */
  onEpochEnd?(epoch: number, loss: number, seconds: number): void;
}

export interface DenseFitResult {
  /** Mean training loss of each epoch (each sample weighs the same). */
  lossCurve: number[];
  /** Wall-clock seconds of each epoch, shuffle included. */
  epochSeconds: number[];
}

/**
 * A dense classifier trained with softmax cross-entropy and Adam.
 *
 * Weights use Glorot-uniform (±√(6 / (fanIn + fanOut))) and zero biases,
 * as Keras does; the output layer gives logits.
 */
export class ReferenceDenseNetwork {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  readonly optimizer: tf.AdamOptimizer;
  private readonly random: RandomState;
  /** Reused permutation buffer, grown on demand. */
  private buffer = new Float32Array(0);

  /**
   * @param nFeatures inputs per sample (784 for MNIST).
   * @param nClasses classes; labels are 0..nClasses-1.
   */
  constructor(
    readonly nFeatures: number,
    readonly nClasses: number,
    options: DenseNetworkOptions = {},
  ) {
    const hidden = options.hiddenLayerSizes ?? [128, 64];
    const learningRate = options.learningRate ?? 0.001;
    const seed = options.seed ?? 42;
    checkPositiveInt('nFeatures', nFeatures);
    checkPositiveInt('nClasses', nClasses);
    if (!Array.isArray(hidden)) {
      throw optionError('hiddenLayerSizes', OWNER,
        'an array of positive integers', hidden);
    }
    hidden.forEach((units) => checkPositiveInt('hiddenLayerSizes', units));
    if (!(learningRate >= 0 && Number.isFinite(learningRate))) {
      throw optionError('learningRate', OWNER,
        'a float in the range [0.0, inf)', learningRate);
    }
    checkNonNegativeInt('seed', seed);

    this.random = new RandomState(seed);
    const sizes = [nFeatures, ...hidden, nClasses];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [fanIn, fanOut] = [sizes[i]!, sizes[i + 1]!];
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      const values = new Float32Array(fanIn * fanOut);
      this.random.fillUniform(values, -bound, bound);
      // tf.variable keeps its initial tensor alive: tidy frees it.
      tf.tidy(() => {
        this.weights.push(
          tf.variable(tf.tensor2d(values, [fanIn, fanOut])));
        this.biases.push(tf.variable(tf.zeros([fanOut])));
      });
    }
    this.optimizer = tf.train.adam(learningRate);
  }

  /** Logits for a batch: relu on every hidden layer, none on the last. */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    const last = this.weights.length - 1;
    for (let i = 0; i <= last; i++) {
      h = tf.fused.matMul({
        a: h,
        b: this.weights[i]! as tf.Tensor2D,
        bias: this.biases[i]!,
        activation: i < last ? 'relu' : 'linear',
      }) as tf.Tensor2D;
    }
    return h;
  }

  /**
   * Trains on `x` (already scaled) and `y` (class indices). Synchronous:
   * it holds the event loop for the whole run.
   */
  fit(x: Matrix, y: Int32Array, options: DenseFitOptions = {}):
    DenseFitResult {
    const epochs = options.epochs ?? 1;
    const batchSize = options.batchSize ?? 200;
    const shuffle = options.shuffle ?? true;
    checkPositiveInt('epochs', epochs);
    checkPositiveInt('batchSize', batchSize);
    this.checkData(x, y);

    const result: DenseFitResult = { lossCurve: [], epochSeconds: [] };
    const variables = [...this.weights, ...this.biases];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const start = performance.now();
      const order = shuffle ? this.random.permutation(x.rows) : undefined;
      const data = order === undefined ? x : this.permuted(x, order);
      const labels = order === undefined ? y : permuteLabels(y, order);

      let lossSum: tf.Scalar = tf.scalar(0);
      for (let first = 0; first < x.rows; first += batchSize) {
        const end = Math.min(first + batchSize, x.rows);
        const next = tf.tidy(() => {
          const batch = sliceRows(data, first, end);
          const xb = tf.tensor2d(batch.data, [batch.rows, batch.cols]);
          const yb = tf.oneHot(
            tf.tensor1d(labels.subarray(first, end), 'int32'),
            this.nClasses,
          );
          const loss = this.optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(yb, this.logits(xb)),
            true,
            variables,
          )!;
          return tf.add(lossSum, tf.mul(loss, end - first)) as tf.Scalar;
        });
        lossSum.dispose();
        lossSum = next;
      }

      // The one read of the epoch.
      const loss = lossSum.dataSync()[0]! / x.rows;
      lossSum.dispose();
      const seconds = (performance.now() - start) / 1000;
      result.lossCurve.push(loss);
      result.epochSeconds.push(seconds);
      options.onEpochEnd?.(epoch, loss, seconds);
    }
    return result;
  }

  /** Class probabilities, row-major [rows, nClasses]. */
  predictProba(x: Matrix): Float32Array {
    this.checkData(x);
    return tf.tidy(() => {
      const input = tf.tensor2d(x.data, [x.rows, x.cols]);
      return tf.softmax(this.logits(input)).dataSync() as Float32Array;
    });
  }

  /** The most probable class of each row. */
  predict(x: Matrix): Int32Array {
    this.checkData(x);
    return tf.tidy(() => {
      const input = tf.tensor2d(x.data, [x.rows, x.cols]);
      return Int32Array.from(tf.argMax(this.logits(input), 1).dataSync());
    });
  }

  /** Frees the weights and the optimizer's state. */
  dispose(): void {
    tf.dispose([...this.weights, ...this.biases]);
    this.optimizer.dispose();
  }

  /** The rows of `x` in `order`, copied into the reused buffer. */
  private permuted(x: Matrix, order: Int32Array): Matrix {
    if (this.buffer.length < x.data.length) {
      this.buffer = new Float32Array(x.data.length);
    }
    const data = this.buffer.subarray(0, x.data.length);
    for (let i = 0; i < order.length; i++) {
      const from = order[i]! * x.cols;
      data.set(x.data.subarray(from, from + x.cols), i * x.cols);
    }
    return { data, rows: x.rows, cols: x.cols };
  }

  private checkData(x: Matrix, y?: Int32Array): void {
    if (x.cols !== this.nFeatures) {
      throw new ShapeError(
        `X has ${x.cols} features per sample, but ${OWNER} was built ` +
          `for ${this.nFeatures}.`,
        [null, this.nFeatures],
        [x.rows, x.cols],
      );
    }
    if (y !== undefined && y.length !== x.rows) {
      throw new ShapeError(
        `X has ${x.rows} rows but y has ${y.length} labels.`,
      );
    }
  }
}

function permuteLabels(y: Int32Array, order: Int32Array): Int32Array {
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    out[i] = y[order[i]!]!;
  }
  return out;
}

function checkPositiveInt(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw optionError(option, OWNER, 'an int in the range [1, inf)', value);
  }
}

function checkNonNegativeInt(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw optionError(option, OWNER, 'an int in the range [0, inf)', value);
  }
}
