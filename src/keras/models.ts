import * as tf from '@tensorflow/tfjs';
import { ConfigError, ModelFileError } from '../errors.js';
import {
  loadLayersModel,
  modelFolder,
  resolveLoadPaths,
} from '../io/file_system.js';
import {
  METADATA_KEY,
  parseTrioMetadata,
  type TrioMetadata,
} from '../io/metadata.js';
import { buildLayer, parseLayerEntry } from './layers/from_config.js';
import { InputSpec } from './layers/input.js';
import type { Layer } from './layers/layer.js';
import { WrappedLayer } from './layers/wrapped.js';
import { parseCompile } from './compile_config.js';
import { SequentialModel } from './sequential.js';

/**
 * Loads a model saved by `Sequential.save` (or any tfjs Sequential in the
 * layers format) from a folder or its `model.json`. A facade model comes
 * back with its layers' Keras options and compiled as it was (with a
 * fresh optimizer state, which `dispose()` frees); another tfjs model
 * comes back uncompiled, its layers wrapped as they are.
 *
 * The rest of a saved `userDefinedMetadata.trio` block (the classes, the
 * input `scale`, `featureNames`, `labelName`, `testMetrics`, the training
 * `state` and `fit` options, as `trio compare` writes them) is kept, and
 * `save` writes it again, so a re-saved model still works with `trio
 * predict`. A trio block that is invalid, whose classes do not fit the
 * output units or whose layers do not match the model is a
 * `ModelFileError` naming the model.json.
 *
 * Python: `keras.models.load_model(filepath, compile=True)`.
 */
export async function loadModel(
  path: string,
  options: { compile?: boolean } = {},
): Promise<SequentialModel> {
  const { jsonPath } = resolveLoadPaths(path);
  const tfModel = await loadLayersModel(path);
  if (!(tfModel instanceof tf.Sequential)) {
    tfModel.dispose();
    throw new ModelFileError(
      `${modelFolder(path)} holds a ${tfModel.getClassName()} model; ` +
        'keras.models.loadModel reads Sequential models only.',
      modelFolder(path));
  }
  try {
    const udm = tfModel.getUserDefinedMetadata() as
      Record<string, unknown> | undefined;
    const meta = udm?.[METADATA_KEY] === undefined
      ? undefined
      : parseTrioMetadata(udm, jsonPath);
    const saved = meta?.facade === 'keras' ? meta.options : undefined;
    const model = saved?.['layers'] === undefined
      ? wrap(tfModel)
      : rebuild(tfModel, saved, jsonPath);
    if (meta !== undefined) {
      model.keepMetadata(carriedMetadata(meta, tfModel, jsonPath));
    }
    const compileConfig = saved?.['compile'];
    if (options.compile !== false && compileConfig !== undefined) {
      const parsed = parseCompile(compileConfig, 'compile');
      model.compile({
        optimizer: parsed.optimizer(),
        loss: parsed.loss(),
        metrics: parsed.metrics,
      });
      // Nobody else holds the optimizer made here: the model frees it.
      model.ownOptimizer();
    }
    return model;
  } catch (err) {
    tfModel.dispose();
    if (err instanceof ConfigError) {
      throw new ModelFileError(
        `${modelFolder(path)}: the saved Keras options are invalid: ` +
          err.message, modelFolder(path));
    }
    throw err;
  }
}

/** Saved options that `Sequential.metadata` writes from the model. */
const REBUILT_OPTIONS = ['name', 'input', 'layers', 'compile'];

/**
 * The parts of a saved trio block that `save` cannot rebuild from the
 * layers (classes, scale, featureNames, labelName, testMetrics, the
 * training state and fit options): `save` writes them again.
 */
function carriedMetadata(
  meta: TrioMetadata,
  tfModel: tf.Sequential,
  jsonPath: string,
): Partial<TrioMetadata> {
  const units = tfModel.outputs[0]!.shape.at(-1) ?? 1;
  const k = meta.classes.length;
  if (k !== units && !(units === 1 && k === 2)) {
    throw new ModelFileError(
      `${jsonPath}: userDefinedMetadata.trio.classes lists ${k} classes, ` +
        `but the model's output has ${units} units.`, jsonPath);
  }
  const { classes, scale, featureNames, labelName, testMetrics, state } =
    meta;
  // Options `save` does not rebuild from the model (trio compare's `fit`).
  const options = Object.fromEntries(Object.entries(meta.options ?? {})
    .filter(([key]) => !REBUILT_OPTIONS.includes(key)));
  return {
    classes: [...classes],
    ...(Object.keys(options).length === 0 ? {} : { options }),
    ...(state === undefined ? {} : { state: structuredClone(state) }),
    ...(scale === undefined ? {} : { scale }),
    ...(featureNames === undefined ? {} : { featureNames: [...featureNames] }),
    ...(labelName === undefined ? {} : { labelName }),
    ...(testMetrics === undefined ? {} : { testMetrics: { ...testMetrics } }),
  };
}

function wrap(tfModel: tf.Sequential): SequentialModel {
  const model = new SequentialModel([], { name: tfModel.name });
  for (const tfLayer of tfModel.layers) {
    model.layers.push(new WrappedLayer(tfLayer));
  }
  model.adoptModel(tfModel);
  return model;
}

function rebuild(
  tfModel: tf.Sequential,
  saved: Record<string, unknown>,
  jsonPath: string,
): SequentialModel {
  const configs = saved['layers'] as unknown[];
  const layers: (Layer | InputSpec)[] = [];
  const input = saved['input'] as { shape: number[]; name: string } |
    undefined;
  if (input !== undefined) {
    layers.push(new InputSpec(input));
  }
  const built = configs.map((c, i) =>
    buildLayer(parseLayerEntry(c, `layers[${i}]`)));
  if (built.length !== tfModel.layers.length) {
    throw new ModelFileError(
      `${jsonPath}: userDefinedMetadata.trio.options.layers lists ` +
        `${built.length} layers, but the modelTopology has ` +
        `${tfModel.layers.length}.`, jsonPath);
  }
  const model = new SequentialModel([], {
    name: String(saved['name'] ?? tfModel.name),
  });
  if (input !== undefined) {
    model.add(layers[0]!);
  }
  // Layers are attached before they are added, so adding builds nothing.
  built.forEach((layer, i) => layer.attach(tfModel.layers[i]!));
  model.adoptModel(tfModel);
  for (const layer of built) {
    model.layers.push(layer);
  }
  return model;
}
