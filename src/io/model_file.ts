import * as tf from '@tensorflow/tfjs';
import { DataError, ModelFileError, ShapeError } from '../errors.js';
import { toMatrix } from '../data/matrix.js';
import type { Matrix, MatrixLike } from '../data/matrix.js';
import { loadLayersModel, readModelJson } from './file_system.js';
import type { LoadOptions } from './file_system.js';
import { parseTrioMetadata } from './metadata.js';
import type { TrioMetadata } from './metadata.js';

export interface PredictOptions {
  /** Rows sent through the model at once. @default 1024 */
  batchSize?: number;
}

/**
 * A model saved by any tfjs-trio facade, loaded without knowing which:
 * the plain LayersModel plus what `userDefinedMetadata.trio` says about
 * it. Inputs are raw features as in the training CSV; the saved scaling
 * is applied here.
 */
export interface TrioModel {
  /** The LayersModel as plain `tf.loadLayersModel` returns it. */
  readonly model: tf.LayersModel;
  readonly metadata: TrioMetadata;
  /** Absolute folder and JSON file the model was read from. */
  readonly folder: string;
  readonly jsonPath: string;
  /** Number of input features the model expects. */
  readonly nFeatures: number;
  /**
   * Class probabilities, a [rows, classes] matrix whose columns follow
   * `metadata.classes`. Divides `x` by `metadata.scale` first; applies
   * softmax when `metadata.output` is `'logits'` (a sigmoid for a single
   * logit); a single probability column (a binary sklearn model, as
   * scikit-learn's `predict_proba`) becomes the two columns [1 - p, p].
   * Python: `predict_proba(X)`.
   */
  predictProba(x: MatrixLike, options?: PredictOptions): Matrix;
  /** Column index of the most probable class for each row. */
  predictIndices(x: MatrixLike, options?: PredictOptions): Int32Array;
  /**
   * Predicted original labels: an Int32Array when every class is an
   * integer, else strings (the convention of `loadCsv` labels).
   * Python: `predict(X)`.
   */
  predict(x: MatrixLike, options?: PredictOptions): Int32Array | string[];
  /** Frees the model's weights. */
  dispose(): void;
}

/**
 * Loads any model saved by tfjs-trio (sklearn, keras or torch facade) from
 * a folder or a `model.json` path. The facades' own `load` functions
 * restore full facade objects; this is the facade-agnostic path the CLI
 * uses. Throws `ModelFileError` (naming the file) when the model files are
 * missing or corrupt, when `userDefinedMetadata.trio` is absent or
 * malformed, or when the metadata does not fit the layers (a class count
 * that differs from the output units, feature names that differ from the
 * input width), or when a weight holds NaN or infinity.
 */
export async function loadTrioModel(
  target: string,
  options: LoadOptions = {},
): Promise<TrioModel> {
  const { folder, jsonPath, json } = readModelJson(target);
  const metadata = parseTrioMetadata(json.userDefinedMetadata, jsonPath);
  const model = await loadLayersModel(jsonPath, options);
  try {
    const { nFeatures, units } = checkModelShape(model, metadata, jsonPath);
    checkFiniteWeights(model, jsonPath);
    return new LoadedTrioModel(
      model, metadata, folder, jsonPath, nFeatures, units,
    );
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function checkModelShape(
  model: tf.LayersModel,
  metadata: TrioMetadata,
  jsonPath: string,
): { nFeatures: number; units: number } {
  const input = model.inputs.length === 1 ? model.inputs[0]!.shape : null;
  const output = model.outputs.length === 1 ? model.outputs[0]!.shape : null;
  if (input === null || input.length !== 2 || input[1] === null ||
      output === null || output.length !== 2 || output[1] === null) {
    throw new ModelFileError(
      `${jsonPath}: tfjs-trio models take one [samples, features] input ` +
        `and give one [samples, classes] output; this model has inputs ` +
        `${shapes(model.inputs)} and outputs ${shapes(model.outputs)}.`,
      jsonPath,
    );
  }
  const nFeatures = input[1]!;
  const units = output[1]!;
  const k = metadata.classes.length;
  if (units !== k && !(units === 1 && k === 2)) {
    throw new ModelFileError(
      `${jsonPath}: userDefinedMetadata.trio.classes lists ${k} classes, ` +
        `but the model's output has ${units} units.`,
      jsonPath,
    );
  }
  const names = metadata.featureNames;
  if (names !== undefined && names.length !== nFeatures) {
    throw new ModelFileError(
      `${jsonPath}: userDefinedMetadata.trio.featureNames lists ` +
        `${names.length} columns, but the model takes ${nFeatures} ` +
        `features.`,
      jsonPath,
    );
  }
  return { nFeatures, units };
}

/**
 * Refuses weights holding NaN or infinity: such a model predicts garbage
 * (one class for every row) without any other sign.
 */
function checkFiniteWeights(model: tf.LayersModel, jsonPath: string): void {
  for (const weight of model.weights) {
    const values = weight.read().dataSync();
    const at = values.findIndex((v) => !Number.isFinite(v));
    if (at !== -1) {
      throw new ModelFileError(
        `${jsonPath}: the weight '${weight.originalName}' holds ` +
          `${values[at]} (element ${at}); the weight file is corrupt or the ` +
          `model diverged before it was saved.`,
        jsonPath,
      );
    }
  }
}

function shapes(tensors: tf.SymbolicTensor[]): string {
  return tensors
    .map((t) => `[${t.shape.map((d) => d ?? 'null').join(', ')}]`)
    .join(', ');
}

class LoadedTrioModel implements TrioModel {
  private readonly integerClasses: boolean;

  constructor(
    readonly model: tf.LayersModel,
    readonly metadata: TrioMetadata,
    readonly folder: string,
    readonly jsonPath: string,
    readonly nFeatures: number,
    private readonly units: number,
  ) {
    this.integerClasses = metadata.classes.every(
      (c) => typeof c === 'number' && Number.isInteger(c),
    );
  }

  predictProba(x: MatrixLike, options: PredictOptions = {}): Matrix {
    const m = this.checkInput(x);
    const batchSize = options.batchSize ?? 1024;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ShapeError(
        `batchSize must be a positive integer; got ${batchSize}.`,
      );
    }
    const k = this.metadata.classes.length;
    const out = new Float32Array(m.rows * k);
    const scale = this.metadata.scale;
    for (let start = 0; start < m.rows; start += batchSize) {
      const rows = Math.min(batchSize, m.rows - start);
      const slice = m.data.subarray(start * m.cols, (start + rows) * m.cols);
      const input = scale === undefined
        ? slice
        : slice.map((v) => v / scale);
      const probs = tf.tidy(() => {
        const xs = tf.tensor2d(input, [rows, m.cols]);
        let y = this.model.predict(xs) as tf.Tensor;
        if (this.metadata.output === 'logits') {
          y = this.units === 1 ? tf.sigmoid(y) : tf.softmax(y);
        }
        if (this.units === 1) {
          y = tf.concat([tf.sub(1, y), y], 1);
        }
        return y.dataSync() as Float32Array;
      });
      out.set(probs, start * k);
    }
    // An argmax over NaN would silently answer the first class.
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad !== -1) {
      const row = Math.floor(bad / k);
      throw new DataError(
        `The model at ${this.folder} computed ${out[bad]} probabilities ` +
          `for row ${row} of X (0-based): its weights or these inputs ` +
          `overflow float32.`,
        undefined,
        row,
      );
    }
    return { data: out, rows: m.rows, cols: k };
  }

  predictIndices(x: MatrixLike, options: PredictOptions = {}): Int32Array {
    const p = this.predictProba(x, options);
    const idx = new Int32Array(p.rows);
    for (let i = 0; i < p.rows; i++) {
      let best = 0;
      for (let j = 1; j < p.cols; j++) {
        if (p.data[i * p.cols + j]! > p.data[i * p.cols + best]!) {
          best = j;
        }
      }
      idx[i] = best;
    }
    return idx;
  }

  predict(
    x: MatrixLike,
    options: PredictOptions = {},
  ): Int32Array | string[] {
    const idx = this.predictIndices(x, options);
    const classes = this.metadata.classes;
    if (this.integerClasses) {
      return Int32Array.from(idx, (i) => classes[i] as number);
    }
    return Array.from(idx, (i) => String(classes[i]));
  }

  dispose(): void {
    this.model.dispose();
  }

  private checkInput(x: MatrixLike): Matrix {
    const m = toMatrix(x);
    if (m.cols !== this.nFeatures) {
      throw new ShapeError(
        `X has ${m.cols} features, but the model at ${this.folder} was ` +
          `trained on ${this.nFeatures}.`,
        [null, this.nFeatures],
        [m.rows, m.cols],
      );
    }
    for (let i = 0; i < m.data.length; i++) {
      if (!Number.isFinite(m.data[i]!)) {
        const row = Math.floor(i / m.cols);
        const col = i % m.cols;
        const name = this.metadata.featureNames?.[col];
        throw new DataError(
          `X holds ${m.data[i]} at row ${row}, column ${col}` +
            `${name === undefined ? '' : ` ('${name}')`}; predictions ` +
            `need finite numbers.`,
          undefined,
          row,
          name ?? col,
        );
      }
    }
    return m;
  }
}
