import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelFileError } from '../errors.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export interface SaveOptions {
  /** Replace an existing model at the same place. @default false */
  overwrite?: boolean;
}

/**
 * Where a model lives: a folder, or the `model.json` inside it. Accepts
 * relative and absolute paths.
 */
export function modelFolder(target: string): string {
  const resolved = path.resolve(target);
  return path.basename(resolved) === MODEL_JSON
    ? path.dirname(resolved)
    : resolved;
}

/**
 * An IO handler that writes the standard TensorFlow.js layers format
 * (`model.json` + `weights.bin`) with plain `fs`, so no tfjs-node is needed.
 * The files are written to a temporary folder that is renamed into place.
 */
export function fileSystemSaver(
  target: string,
  options: SaveOptions = {},
): tf.io.IOHandler {
  const folder = modelFolder(target);
  return tf.io.withSaveHandler(async (artifacts) => {
    if (fs.existsSync(path.join(folder, MODEL_JSON)) && !options.overwrite) {
      throw new ModelFileError(
        `A model already exists at ${folder}; pass overwrite to replace it.`,
        path.join(folder, MODEL_JSON),
      );
    }
    const parent = path.dirname(folder);
    fs.mkdirSync(parent, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(folder)}-`));
    try {
      const weightData = artifacts.weightData === undefined
        ? new ArrayBuffer(0)
        : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        weightsManifest: [
          { paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] },
        ],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        ...(artifacts.trainingConfig === undefined
          ? {}
          : { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.userDefinedMetadata === undefined
          ? {}
          : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      fs.writeFileSync(
        path.join(tmp, WEIGHTS_BIN),
        Buffer.from(weightData),
      );
      fs.writeFileSync(
        path.join(tmp, MODEL_JSON),
        JSON.stringify(modelJson),
      );
      if (fs.existsSync(folder)) {
        fs.rmSync(folder, { recursive: true, force: true });
      }
      fs.renameSync(tmp, folder);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    return {
      modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts),
    };
  });
}

/** An IO handler that reads a layers-format model written by any tfjs. */
export function fileSystemLoader(target: string): tf.io.IOHandler {
  const folder = modelFolder(target);
  const jsonPath = path.join(folder, MODEL_JSON);
  return {
    load: async () => {
      if (!fs.existsSync(jsonPath)) {
        throw new ModelFileError(`No model found: ${jsonPath} does not exist.`,
          jsonPath);
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
      } catch (err) {
        throw new ModelFileError(
          `${jsonPath} is not valid JSON: ${(err as Error).message}`,
          jsonPath,
        );
      }
      if (json.modelTopology === undefined || json.weightsManifest === undefined) {
        throw new ModelFileError(
          `${jsonPath} is not a TensorFlow.js model: it lacks ` +
            `'modelTopology' or 'weightsManifest'.`,
          jsonPath,
        );
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const shard of group.paths) {
            const shardPath = path.join(folder, shard);
            if (!fs.existsSync(shardPath)) {
              throw new ModelFileError(
                `Weight file ${shardPath} named in ${jsonPath} is missing.`,
                shardPath,
              );
            }
            const buf = fs.readFileSync(shardPath);
            buffers.push(
              buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
            );
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** Saves a tfjs LayersModel to a folder in the layers format. */
export async function saveLayersModel(
  model: tf.LayersModel,
  target: string,
  options: SaveOptions = {},
): Promise<string> {
  await model.save(fileSystemSaver(target, options));
  return modelFolder(target);
}

/** Loads a layers-format model from a folder or a `model.json` path. */
export async function loadLayersModel(target: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileSystemLoader(target));
}

/** Reads only the user metadata of a saved model. */
export function readModelMetadata(target: string): Record<string, unknown> {
  const jsonPath = path.join(modelFolder(target), MODEL_JSON);
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  return (json.userDefinedMetadata ?? {}) as Record<string, unknown>;
}
