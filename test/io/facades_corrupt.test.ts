// Issue 7, "Done when": a corrupt model.json, a missing shard, a shard of
// the wrong size and a weight-name mismatch in a model saved by a facade
// each give a ModelFileError naming the file, through that facade's own
// loader as well as through loadTrioModel, and leak no tensor.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/errors.js';
import { loadTrioModel } from '../../src/io/model_file.js';
import * as keras from '../../src/keras/index.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import * as torch from '../../src/torch/index.js';
import { makeTmp, removeTmp } from './helpers.js';
import {
  mnistSlices,
  trainKeras,
  trainSklearn,
  trainTorch,
} from './facades_models.js';

type FacadeName = 'sklearn' | 'keras' | 'torch';

/** Each facade's loaders; each result is freed by `free`. */
const LOADERS: Record<FacadeName,
  [string, (target: string) => Promise<unknown>][]> = {
  sklearn: [
    ['MLPClassifier.load', (p) => MLPClassifier.load(p)],
    ['loadTrioModel', (p) => loadTrioModel(p)],
  ],
  keras: [
    ['keras.models.loadModel', (p) => keras.models.loadModel(p)],
    ['loadTrioModel', (p) => loadTrioModel(p)],
  ],
  torch: [
    ['torch.loadModule', (p) => torch.loadModule(p)],
    ['torch.loadLayersStateDict', (p) => torch.loadLayersStateDict(p)],
    ['loadTrioModel', (p) => loadTrioModel(p)],
  ],
};

function free(loaded: unknown): void {
  if (typeof (loaded as { dispose?: unknown }).dispose === 'function') {
    (loaded as { dispose(): void }).dispose();
  } else {
    tf.dispose(loaded as tf.NamedTensorMap);
  }
}

// Every saved model here is 784-32-10 Dense: (784 * 32 + 32 + 32 * 10 +
// 10) float32 values = 25,450 x 4 bytes.
const WEIGHT_BYTES = (784 * 32 + 32 + 32 * 10 + 10) * 4;

let tmp: string;
const saved = {} as Record<FacadeName, string>;
let copies = 0;

beforeAll(async () => {
  tmp = makeTmp('trio-facades-corrupt-');
  const { train } = mnistSlices();
  const clf = await trainSklearn(train.x, train.y);
  saved.sklearn = await clf.save(path.join(tmp, 'sklearn'));
  clf.dispose();
  const model = await trainKeras(train.x, train.y);
  saved.keras = await model.save(path.join(tmp, 'keras'));
  model.dispose();
  const net = await trainTorch(train.x, train.y);
  saved.torch = await torch.saveModule(net, path.join(tmp, 'torch'),
    { inputShape: [784] });
  net.dispose();
});
afterAll(() => {
  removeTmp(tmp);
});

/** A fresh copy of a facade's saved model, to damage. */
function copyOf(facade: FacadeName): {
  folder: string;
  jsonPath: string;
  shard: string;
} {
  copies += 1;
  const folder = path.join(tmp, `${facade} copy ${copies}`);
  fs.cpSync(saved[facade], folder, { recursive: true });
  return {
    folder,
    jsonPath: path.join(folder, 'model.json'),
    shard: path.join(folder, 'weights.bin'),
  };
}

/**
 * Loads `target` with every loader of `facade`; each must throw a
 * ModelFileError with exactly `message` and `file`, and free what it built.
 */
async function expectEveryLoaderFails(
  facade: FacadeName,
  target: string,
  message: string,
  file: string,
): Promise<void> {
  for (const [name, load] of LOADERS[facade]) {
    const before = tf.memory().numTensors;
    const outcome = await load(target).then(
      (loaded) => {
        free(loaded);
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(outcome, `${name} loaded a damaged model`)
      .toBeInstanceOf(ModelFileError);
    const err = outcome as ModelFileError;
    expect([name, err.message]).toEqual([name, message]);
    expect([name, err.file]).toEqual([name, file]);
    expect([name, tf.memory().numTensors]).toEqual([name, before]);
  }
}

describe.each(['sklearn', 'keras', 'torch'] as const)(
  'a model saved by the %s facade',
  (facade) => {
    it('loads through every loader when intact', async () => {
      for (const [, load] of LOADERS[facade]) {
        free(await load(saved[facade]));
      }
      expect(fs.statSync(path.join(saved[facade], 'weights.bin')).size)
        .toBe(WEIGHT_BYTES);
    });

    it('with a truncated model.json: names model.json', async () => {
      const { folder, jsonPath } = copyOf(facade);
      const full = fs.readFileSync(jsonPath, 'utf8');
      const text = full.slice(0, Math.floor(full.length / 2));
      fs.writeFileSync(jsonPath, text);
      let parseMessage = '';
      try {
        JSON.parse(text);
      } catch (err) {
        parseMessage = (err as Error).message;
      }
      await expectEveryLoaderFails(facade, folder,
        `${jsonPath} is not valid JSON (${text.length} characters): ` +
          parseMessage, jsonPath);
    });

    it('with model.json not a model: names model.json', async () => {
      const { folder, jsonPath } = copyOf(facade);
      fs.writeFileSync(jsonPath, '{"format": "layers-model"}');
      await expectEveryLoaderFails(facade, folder,
        `${jsonPath} is not a TensorFlow.js model: it lacks ` +
          `'modelTopology' and 'weightsManifest'.`, jsonPath);
    });

    it('with the weight shard missing: names the shard', async () => {
      const { folder, jsonPath, shard } = copyOf(facade);
      fs.rmSync(shard);
      await expectEveryLoaderFails(facade, folder,
        `Weight file ${shard} named in ${jsonPath} is missing.`, shard);
    });

    it('with a shard 4 bytes short: names the shard and both sizes',
      async () => {
        const { folder, jsonPath, shard } = copyOf(facade);
        fs.truncateSync(shard, WEIGHT_BYTES - 4);
        await expectEveryLoaderFails(facade, folder,
          `Weight file ${shard} has the wrong size: weights.bin ` +
            `(${WEIGHT_BYTES - 4} bytes) holds ${WEIGHT_BYTES - 4} bytes ` +
            `in all, but the weightsManifest in ${jsonPath} needs ` +
            `${WEIGHT_BYTES} bytes for 4 weights (element counts x dtype ` +
            `sizes). The file is truncated or belongs to another model.`,
          shard);
      });

    it('with a shard 8 bytes too long: names the shard', async () => {
      const { folder, jsonPath, shard } = copyOf(facade);
      fs.appendFileSync(shard, Buffer.alloc(8));
      await expectEveryLoaderFails(facade, folder,
        `Weight file ${shard} has the wrong size: weights.bin ` +
          `(${WEIGHT_BYTES + 8} bytes) holds ${WEIGHT_BYTES + 8} bytes ` +
          `in all, but the weightsManifest in ${jsonPath} needs ` +
          `${WEIGHT_BYTES} bytes for 4 weights (element counts x dtype ` +
          `sizes). The file is truncated or belongs to another model.`,
        shard);
    });

    it('with a renamed weight: names model.json and both names',
      async () => {
        const { folder, jsonPath } = copyOf(facade);
        const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
        const spec = json.weightsManifest[0].weights[0];
        const original = spec.name as string;
        expect(original).toMatch(/\/kernel$/);
        spec.name = 'renamed/kernel';
        fs.writeFileSync(jsonPath, JSON.stringify(json));
        await expectEveryLoaderFails(facade, folder,
          `The weight names in ${jsonPath} do not match its ` +
            `modelTopology: the layers need '${original}', which the ` +
            `weightsManifest lacks; the weightsManifest holds ` +
            `'renamed/kernel', which no layer uses.`, jsonPath);
      });

    it('with two weights swapped in the manifest: names model.json',
      async () => {
        // The first kernel [784, 32] listed as the second layer's
        // [32, 10] and back: same names, same total bytes, wrong shapes.
        const { folder, jsonPath } = copyOf(facade);
        const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
        const weights = json.weightsManifest[0].weights;
        const kernels = weights.filter(
          (w: { name: string }) => w.name.endsWith('/kernel'));
        expect(kernels.map((w: { shape: number[] }) => w.shape))
          .toEqual([[784, 32], [32, 10]]);
        const first = kernels[0].name as string;
        [kernels[0].name, kernels[1].name] = [kernels[1].name, first];
        fs.writeFileSync(jsonPath, JSON.stringify(json));
        await expectEveryLoaderFails(facade, folder,
          `The weight '${first}' in ${jsonPath} has shape [32, 10] in the ` +
            `weightsManifest, but its layer needs [784, 32].`, jsonPath);
      });
  },
);

/** A copy of a facade's model whose userDefinedMetadata.trio is edited. */
function withMetadata(
  facade: FacadeName,
  edit: (trio: Record<string, any>) => void,
): { folder: string; jsonPath: string } {
  const { folder, jsonPath } = copyOf(facade);
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  edit(json.userDefinedMetadata.trio);
  fs.writeFileSync(jsonPath, JSON.stringify(json));
  return { folder, jsonPath };
}

async function loadError(
  load: () => Promise<unknown>,
): Promise<ModelFileError> {
  const before = tf.memory().numTensors;
  const outcome = await load().then(
    (loaded) => {
      free(loaded);
      return undefined;
    },
    (err: unknown) => err,
  );
  expect(tf.memory().numTensors).toBe(before);
  expect(outcome).toBeInstanceOf(ModelFileError);
  return outcome as ModelFileError;
}

describe('metadata that contradicts the saved layers', () => {
  it('sklearn: loadTrioModel names model.json for a wrong class count',
    async () => {
      const { folder, jsonPath } = withMetadata('sklearn', (trio) => {
        trio.classes = [0, 1, 2];
      });
      const err = await loadError(() => loadTrioModel(folder));
      expect(err.message).toBe(`${jsonPath}: userDefinedMetadata.trio.` +
        `classes lists 3 classes, but the model's output has 10 units.`);
      expect(err.file).toBe(jsonPath);
    });

  // Non-regression: MLPClassifier.load threw a DataError "Cannot restore
  // MLPClassifier: 3 classes do not fit an output layer of 10 unit(s)."
  // that named no file.
  it('sklearn: MLPClassifier.load names the file for a wrong class count',
    async () => {
      const { folder, jsonPath } = withMetadata('sklearn', (trio) => {
        trio.classes = [0, 1, 2];
      });
      const err = await loadError(() => MLPClassifier.load(folder));
      expect(err.message).toBe(`${jsonPath}: userDefinedMetadata.trio.` +
        `classes lists 3 classes, but the model's output has 10 units.`);
      expect(err.file).toBe(jsonPath);
    });

  it('sklearn: a facade mismatch names the folder', async () => {
    const { folder } = withMetadata('sklearn', (trio) => {
      trio.facade = 'keras';
    });
    const err = await loadError(() => MLPClassifier.load(folder));
    expect(err.message).toBe(`${folder} was saved by the keras facade, ` +
      'not by MLPClassifier; load it with that facade or with ' +
      'loadTrioModel.');
  });

  it('keras: invalid saved layer options name the folder', async () => {
    const { folder } = withMetadata('keras', (trio) => {
      trio.options.layers[0].units = 'x';
    });
    const err = await loadError(() => keras.models.loadModel(folder));
    expect(err.message).toBe(`${folder}: the saved Keras options are ` +
      `invalid: layers[0].units: must be a positive integer; got 'x'.`);
    expect(err.file).toBe(folder);
  });

  // Non-regression: the message was "The saved metadata lists 1 layers
  // but the model has 2." and `file` the bare string 'model.json'.
  it('keras: a layer count mismatch names the file', async () => {
    const { folder, jsonPath } = withMetadata('keras', (trio) => {
      trio.options.layers.pop();
    });
    const err = await loadError(() => keras.models.loadModel(folder));
    expect(err.message).toBe(`${jsonPath}: userDefinedMetadata.trio.` +
      'options.layers lists 1 layers, but the modelTopology has 2.');
    expect(err.file).toBe(jsonPath);
  });

  it('keras: a wrong class count names the file', async () => {
    const { folder, jsonPath } = withMetadata('keras', (trio) => {
      trio.classes = ['a', 'b', 'c'];
    });
    const err = await loadError(() => keras.models.loadModel(folder));
    expect(err.message).toBe(`${jsonPath}: userDefinedMetadata.trio.` +
      `classes lists 3 classes, but the model's output has 10 units.`);
    expect(err.file).toBe(jsonPath);
  });

  it('torch: loadLayersStateDict names the folder without a chain',
    async () => {
      const { folder } = withMetadata('torch', (trio) => {
        delete trio.state.chain;
      });
      const err = await loadError(() => torch.loadLayersStateDict(folder));
      expect(err.message).toBe(`${folder}: the model was not saved from a ` +
        'torch module (its userDefinedMetadata.trio has no state.chain); ' +
        'use loadModule.');
    });
});
