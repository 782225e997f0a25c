import * as tf from '@tensorflow/tfjs';
import { ModelFileError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { parseTrioMetadata } from '../io/metadata.js';
import type { TrioMetadata } from '../io/metadata.js';
import type { Activation, ParamName } from './options.js';
import { camelName, pythonName } from './options.js';
import type { OutActivation } from './network.js';

/** tfjs names of scikit-learn's activations. */
const TFJS_ACTIVATION = {
  identity: 'linear',
  logistic: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
} as const;

/**
 * A plain tfjs Sequential of Dense layers carrying `weights` (coefs then
 * intercepts): the hidden activation on every hidden layer and the output
 * activation (`softmax`, or `sigmoid` for scikit-learn's `logistic`)
 * explicit on the last one. The caller owns (disposes) the model.
 */
export function buildLayersModel(
  weights: readonly tf.Tensor[],
  activation: Activation,
  out: OutActivation,
): tf.LayersModel {
  const n = weights.length / 2;
  const model = tf.sequential();
  for (let i = 0; i < n; i++) {
    const [fanIn, fanOut] = weights[i]!.shape as [number, number];
    const last = i === n - 1;
    model.add(tf.layers.dense({
      units: fanOut,
      activation: last
        ? (out === 'softmax' ? 'softmax' : 'sigmoid')
        : TFJS_ACTIVATION[activation],
      ...(i === 0 ? { inputShape: [fanIn] } : {}),
      name: last ? 'output' : `hidden_${i + 1}`,
    }));
    model.layers[i]!.setWeights([weights[i]!, weights[n + i]!]);
  }
  return model;
}

/** The options as saved: Python spellings, a RandomState as null. */
export function pythonOptions(
  params: Record<ParamName, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    const plain = typeof value === 'object' && value !== null &&
      !Array.isArray(value) ? null : value;
    out[pythonName(name as ParamName)] = plain === undefined ? null
      : plain === Infinity ? 'inf' : plain;
  }
  return out;
}

/** Saved Python-named options back to camelCase constructor options. */
export function camelOptions(
  options: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    const name = camelName(key);
    if (name !== undefined && value !== null) {
      out[name] = value === 'inf' ? Infinity : value;
    }
  }
  return out;
}

/** What `load` needs from a saved model: metadata and weight arrays. */
export interface SavedClassifier {
  metadata: TrioMetadata;
  coefs: Matrix[];
  intercepts: Float32Array[];
}

/** Reads the weights and the trio block of a loaded LayersModel. */
export function readSaved(model: tf.LayersModel, file: string):
  SavedClassifier {
  const metadata = parseTrioMetadata(model.getUserDefinedMetadata(), file);
  if (metadata.facade !== 'sklearn') {
    throw new ModelFileError(
      `${file} was saved by the ${metadata.facade} facade, not by ` +
        'MLPClassifier; load it with that facade or with loadTrioModel.',
      file);
  }
  const coefs: Matrix[] = [];
  const intercepts: Float32Array[] = [];
  for (const layer of model.layers) {
    const [kernel, bias] = layer.getWeights();
    if (kernel === undefined || bias === undefined || kernel.rank !== 2) {
      throw new ModelFileError(
        `${file}: layer '${layer.name}' is not a Dense layer with a ` +
          'kernel and a bias, as MLPClassifier saves them.', file);
    }
    coefs.push({
      data: Float32Array.from(kernel.dataSync()),
      rows: kernel.shape[0]!,
      cols: kernel.shape[1]!,
    });
    intercepts.push(Float32Array.from(bias.dataSync()));
  }
  return { metadata, coefs, intercepts };
}

/**
 * Refuses saved classes that do not fit the output layer (1 unit stands
 * for two classes), naming `jsonPath`, as `loadTrioModel` does.
 */
export function checkClassCount(
  metadata: TrioMetadata,
  coefs: readonly Matrix[],
  jsonPath: string,
): void {
  const units = coefs.at(-1)?.cols ?? 0;
  const k = metadata.classes.length;
  if (k !== units && !(units === 1 && k === 2)) {
    throw new ModelFileError(
      `${jsonPath}: userDefinedMetadata.trio.classes lists ${k} classes, ` +
        `but the model's output has ${units} units.`, jsonPath);
  }
}

/**
 * The fields of a saved trio block that describe the data rather than
 * the network (scale, featureNames, labelName, testMetrics), which `save`
 * writes again.
 */
export function keptMetadata(metadata: TrioMetadata): Partial<TrioMetadata> {
  const { scale, featureNames, labelName, testMetrics } = metadata;
  return {
    ...(scale === undefined ? {} : { scale }),
    ...(featureNames === undefined ? {} : { featureNames: [...featureNames] }),
    ...(labelName === undefined ? {} : { labelName }),
    ...(testMetrics === undefined ? {} : { testMetrics: { ...testMetrics } }),
  };
}
