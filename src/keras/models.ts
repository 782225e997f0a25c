import * as tf from '@tensorflow/tfjs';
import { ConfigError, ModelFileError } from '../errors.js';
import { loadLayersModel, modelFolder } from '../io/file_system.js';
import { METADATA_KEY, type TrioMetadata } from '../io/metadata.js';
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
 * fresh optimizer state); another tfjs model comes back uncompiled, its
 * layers wrapped as they are.
 *
 * Python: `keras.models.load_model(filepath, compile=True)`.
 */
export async function loadModel(
  path: string,
  options: { compile?: boolean } = {},
): Promise<SequentialModel> {
  const tfModel = await loadLayersModel(path);
  if (!(tfModel instanceof tf.Sequential)) {
    tfModel.dispose();
    throw new ModelFileError(
      `${modelFolder(path)} holds a ${tfModel.getClassName()} model; ` +
        'keras.models.loadModel reads Sequential models only.',
      modelFolder(path));
  }
  const meta = (tfModel.getUserDefinedMetadata() as
    Record<string, unknown> | undefined)?.[METADATA_KEY] as
    TrioMetadata | undefined;
  try {
    const saved = meta?.facade === 'keras' ? meta.options : undefined;
    const model = saved?.['layers'] === undefined
      ? wrap(tfModel)
      : rebuild(tfModel, saved);
    const compileConfig = saved?.['compile'];
    if (options.compile !== false && compileConfig !== undefined) {
      const parsed = parseCompile(compileConfig, 'compile');
      model.compile({
        optimizer: parsed.optimizer(),
        loss: parsed.loss(),
        metrics: parsed.metrics,
      });
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
      `The saved metadata lists ${built.length} layers but the model has ` +
        `${tfModel.layers.length}.`, 'model.json');
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
