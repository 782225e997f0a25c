import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/errors.js';
import {
  fileSystemLoader,
  fileSystemSaver,
  loadLayersModel,
  modelFolder,
  normalizeUserPath,
  readModelMetadata,
  resolveLoadPaths,
  resolveSavePaths,
  saveLayersModel,
  weightByteLength,
} from '../../src/io/file_system.js';
import { denseModel, makeTmp, removeTmp, weightValues } from './helpers.js';

let tmp: string;
beforeEach(() => {
  tmp = makeTmp();
});
afterEach(() => {
  removeTmp(tmp);
});

/** Saves a 6-5-3 model (53 weights, 212 bytes) and returns its folder. */
async function savedModel(name = 'm', seed = 1): Promise<string> {
  const model = denseModel([6, 5, 3], 'softmax', seed);
  try {
    return await saveLayersModel(model, path.join(tmp, name));
  } finally {
    model.dispose();
  }
}

function editJson(folder: string, edit: (json: any) => void): string {
  const file = path.join(folder, 'model.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
}

async function loadError(target: string): Promise<ModelFileError> {
  const before = tf.memory().numTensors;
  const err = await loadLayersModel(target).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  // A failed load leaves no tensor behind.
  expect(tf.memory().numTensors).toBe(before);
  return err as ModelFileError;
}

describe('normalizeUserPath', () => {
  it('resolves relative paths against the working folder', () => {
    expect(normalizeUserPath('models/m', 'linux'))
      .toBe(path.join(process.cwd(), 'models/m'));
    expect(normalizeUserPath('/abs/m', 'linux')).toBe('/abs/m');
  });

  it('reads backslashes as separators on POSIX', () => {
    expect(normalizeUserPath('models\\m', 'linux'))
      .toBe(path.join(process.cwd(), 'models', 'm'));
    expect(normalizeUserPath('..\\a\\b', 'darwin'))
      .toBe(path.resolve(process.cwd(), '..', 'a', 'b'));
  });

  it('drops a file:// prefix as tfjs-node does', () => {
    expect(normalizeUserPath('file:///abs/m/model.json', 'linux'))
      .toBe('/abs/m/model.json');
  });

  it('keeps spaces and non-ASCII characters', () => {
    expect(normalizeUserPath('/x/mödel 1/模型', 'linux'))
      .toBe('/x/mödel 1/模型');
  });

  it('refuses a drive path on POSIX and suggests a POSIX one', () => {
    expect(() => normalizeUserPath('C:\\models\\m', 'linux')).toThrow(
      'C:\\models\\m is a Windows drive or network path, which names ' +
        'nothing on linux. Give a POSIX path instead, such as /models/m.',
    );
    expect(() => normalizeUserPath('d:/models', 'linux'))
      .toThrow(/d:\/models is a Windows drive/);
    expect(() => normalizeUserPath('\\\\server\\share\\m', 'linux'))
      .toThrow('such as /server/share/m.');
  });

  it('uses Windows rules on win32', () => {
    expect(normalizeUserPath('C:\\models\\m', 'win32')).toBe('C:\\models\\m');
    expect(normalizeUserPath('C:/models/m/', 'win32')).toBe('C:\\models\\m');
    expect(normalizeUserPath('file:///C:/models/m', 'win32'))
      .toBe('C:\\models\\m');
  });

  it('refuses an empty path', () => {
    expect(() => normalizeUserPath('  ')).toThrow(
      'A model path must be a non-empty string; got "  ".',
    );
  });
});

describe('model paths', () => {
  it('takes a folder or a model.json path for saving', () => {
    expect(resolveSavePaths(path.join(tmp, 'a'))).toEqual({
      folder: path.join(tmp, 'a'),
      jsonPath: path.join(tmp, 'a', 'model.json'),
    });
    expect(resolveSavePaths(path.join(tmp, 'a', 'model.json')).folder)
      .toBe(path.join(tmp, 'a'));
  });

  it('refuses to save under another .json name', () => {
    const target = path.join(tmp, 'my_model.json');
    expect(() => resolveSavePaths(target)).toThrow(
      `Cannot save a model as ${target}: a model is saved as a folder ` +
        'holding model.json and weights.bin. Give the folder (or a path ' +
        'ending in model.json).',
    );
  });

  it('loads from any existing JSON file name', async () => {
    const folder = await savedModel();
    const renamed = path.join(folder, 'exported.json');
    fs.renameSync(path.join(folder, 'model.json'), renamed);
    expect(resolveLoadPaths(renamed)).toEqual({ folder, jsonPath: renamed });
    const model = await loadLayersModel(renamed);
    expect(model.layers.length).toBe(2);
    model.dispose();
    expect(modelFolder(renamed)).toBe(folder);
  });
});

describe('saveLayersModel and loadLayersModel', () => {
  it('round-trips weights exactly through awkward paths', async () => {
    const model = denseModel([6, 5, 3]);
    const expected = weightValues(model);
    const odd = path.join(tmp, 'dossier à espaces', 'mödel 模型 ✓');
    const relative = path.relative(process.cwd(), odd);
    const targets = [
      odd,
      path.join(odd + '-json', 'model.json'),
      relative + '-rel',
      relative.split(path.sep).join('\\') + '-backslash',
    ];
    for (const target of targets) {
      const folder = await saveLayersModel(model, target);
      expect(fs.readdirSync(folder).sort()).toEqual(['model.json',
        'weights.bin']);
      for (const source of [folder, path.join(folder, 'model.json')]) {
        const loaded = await loadLayersModel(source);
        expect(weightValues(loaded)).toEqual(expected);
        loaded.dispose();
      }
    }
    expect(fs.existsSync(odd + '-backslash')).toBe(true);
    model.dispose();
  });

  it('writes the standard layers format', async () => {
    const folder = await savedModel();
    const json = JSON.parse(
      fs.readFileSync(path.join(folder, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: any) => w.name)).toEqual([
      'dense_Dense1/kernel', 'dense_Dense1/bias',
      'dense_Dense2/kernel', 'dense_Dense2/bias',
    ].map((n) => expect.stringMatching(n.replace(/\d+/, '\\d+'))));
    // 6*5 + 5 + 5*3 + 3 = 53 float32 values = 212 bytes.
    expect(fs.statSync(path.join(folder, 'weights.bin')).size).toBe(212);
  });

  it('does not leak tensors when saving and loading', async () => {
    const model = denseModel([6, 5, 3]);
    const before = tf.memory().numTensors;
    await saveLayersModel(model, path.join(tmp, 'leak'));
    const loaded = await loadLayersModel(path.join(tmp, 'leak'));
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('keeps user metadata', async () => {
    const model = denseModel([6, 5, 3]);
    model.setUserDefinedMetadata({ trio: { version: 1, classes: [0, 1] } });
    await saveLayersModel(model, path.join(tmp, 'meta'));
    model.dispose();
    expect(readModelMetadata(path.join(tmp, 'meta'))).toEqual({
      trio: { version: 1, classes: [0, 1] },
    });
  });
});

describe('overwriting', () => {
  it('refuses to replace a model unless asked', async () => {
    const folder = await savedModel('m', 1);
    const other = denseModel([6, 5, 3], 'softmax', 7);
    await expect(saveLayersModel(other, folder)).rejects.toThrow(
      `A model already exists at ${folder}; pass { overwrite: true } to ` +
        'save() to replace it.',
    );
    await saveLayersModel(other, folder, { overwrite: true });
    const loaded = await loadLayersModel(folder);
    expect(weightValues(loaded)).toEqual(weightValues(other));
    loaded.dispose();
    other.dispose();
    // Nothing but the model is left beside it.
    expect(fs.readdirSync(tmp)).toEqual(['m']);
  });

  it('never replaces a folder that is not a model', async () => {
    const folder = path.join(tmp, 'docs');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'keep me');
    const model = denseModel([6, 5, 3]);
    await expect(saveLayersModel(model, folder, { overwrite: true }))
      .rejects.toThrow(
        `Cannot save a model at ${folder}: the folder is not empty and ` +
          'holds no model.json, so it is not a model folder. Choose a new ' +
          'or empty folder.',
      );
    expect(fs.readFileSync(path.join(folder, 'notes.txt'), 'utf8'))
      .toBe('keep me');
    model.dispose();
  });

  it('never deletes extra files in a model folder', async () => {
    const folder = await savedModel();
    fs.writeFileSync(path.join(folder, 'README.md'), 'mine');
    const model = denseModel([6, 5, 3]);
    await expect(saveLayersModel(model, folder, { overwrite: true }))
      .rejects.toThrow(
        `Will not overwrite the model at ${folder}: the folder also holds ` +
          'README.md, which would be lost. Move them or choose another ' +
          'folder.',
      );
    expect(fs.existsSync(path.join(folder, 'README.md'))).toBe(true);
    model.dispose();
  });

  it('saves into an existing empty folder and refuses a file', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    const model = denseModel([6, 5, 3]);
    await saveLayersModel(model, empty);
    expect(fs.readdirSync(empty).sort()).toEqual(['model.json',
      'weights.bin']);
    const file = path.join(tmp, 'file');
    fs.writeFileSync(file, 'x');
    await expect(saveLayersModel(model, file)).rejects.toThrow(
      `Cannot save a model at ${file}: it is a file, not a folder.`,
    );
    model.dispose();
  });
});

describe('operating-system failures', () => {
  it('name the path when a parent is a file', async () => {
    const file = path.join(tmp, 'plain-file');
    fs.writeFileSync(file, 'x');
    const model = denseModel([6, 5, 3]);
    await expect(saveLayersModel(model, path.join(file, 'm', 'n'))).rejects
      .toThrow(`Cannot save the model at ${file}/m/n: ${file} is a file, ` +
        'not a folder.');
    model.dispose();
    expect((await loadError(path.join(file, 'm'))).message).toBe(
      `No model found: ${file}/m/model.json does not exist (the folder ` +
        `${file}/m does not exist either).`);
  });
});

describe('a failing write', () => {
  /** Artifacts whose metadata JSON.stringify cannot encode. */
  async function badArtifacts(): Promise<tf.io.ModelArtifacts> {
    const model = denseModel([6, 5, 3]);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }));
    model.dispose();
    // BigInt is not JSON: writing model.json throws after weights.bin.
    return { ...artifacts!, userDefinedMetadata: { n: BigInt(1) } as any };
  }

  it('leaves nothing behind', async () => {
    const target = path.join(tmp, 'parent', 'm');
    fs.mkdirSync(path.dirname(target));
    const saver = fileSystemSaver(target);
    await expect(saver.save!(await badArtifacts()))
      .rejects.toThrow(/BigInt/);
    expect(fs.readdirSync(path.dirname(target))).toEqual([]);
  });

  it('leaves an overwritten model intact', async () => {
    const folder = await savedModel();
    const before = fs.readFileSync(path.join(folder, 'weights.bin'));
    const saver = fileSystemSaver(folder, { overwrite: true });
    await expect(saver.save!(await badArtifacts()))
      .rejects.toThrow(/BigInt/);
    expect(fs.readdirSync(tmp)).toEqual(['m']);
    expect(fs.readFileSync(path.join(folder, 'weights.bin'))).toEqual(before);
    const loaded = await loadLayersModel(folder);
    loaded.dispose();
  });
});

describe('reading several shards', () => {
  it('reads group1-shard1of2.bin style shards', async () => {
    const model = denseModel([6, 5, 3]);
    const folder = await saveLayersModel(model, path.join(tmp, 's'));
    const all = fs.readFileSync(path.join(folder, 'weights.bin'));
    // Split inside the second weight, as converters split at byte counts.
    fs.writeFileSync(path.join(folder, 'group1-shard1of2.bin'),
      all.subarray(0, 130));
    fs.writeFileSync(path.join(folder, 'group1-shard2of2.bin'),
      all.subarray(130));
    fs.rmSync(path.join(folder, 'weights.bin'));
    editJson(folder, (json) => {
      json.weightsManifest[0].paths = ['group1-shard1of2.bin',
        './group1-shard2of2.bin'];
    });
    const loaded = await loadLayersModel(folder);
    expect(weightValues(loaded)).toEqual(weightValues(model));
    loaded.dispose();
    model.dispose();
  });

  it('reads several manifest groups in order', async () => {
    const model = denseModel([6, 5, 3]);
    const folder = await saveLayersModel(model, path.join(tmp, 'g'));
    const all = fs.readFileSync(path.join(folder, 'weights.bin'));
    // Layer 1 (30 + 5 floats = 140 bytes) in group 1, layer 2 in group 2.
    fs.writeFileSync(path.join(folder, 'group1-shard1of1.bin'),
      all.subarray(0, 140));
    fs.writeFileSync(path.join(folder, 'group2-shard1of1.bin'),
      all.subarray(140));
    fs.rmSync(path.join(folder, 'weights.bin'));
    editJson(folder, (json) => {
      const weights = json.weightsManifest[0].weights;
      json.weightsManifest = [
        { paths: ['group1-shard1of1.bin'], weights: weights.slice(0, 2) },
        { paths: ['group2-shard1of1.bin'], weights: weights.slice(2) },
      ];
    });
    const loaded = await loadLayersModel(folder);
    expect(weightValues(loaded)).toEqual(weightValues(model));
    loaded.dispose();
    model.dispose();
  });
});

describe('corrupt model files', () => {
  it('names a missing model.json', async () => {
    const folder = path.join(tmp, 'nothing');
    const err = await loadError(folder);
    expect(err.message).toBe(
      `No model found: ${folder}/model.json does not exist (the folder ` +
        `${folder} does not exist either).`,
    );
    expect(err.file).toBe(path.join(folder, 'model.json'));
  });

  it('names a model.json that is not JSON', async () => {
    const folder = await savedModel();
    const file = path.join(folder, 'model.json');
    fs.writeFileSync(file, '{"modelTopology": {');
    const err = await loadError(folder);
    expect(err.message).toMatch(new RegExp(
      `^${escape(file)} is not valid JSON \\(19 characters\\): `));
    expect(err.file).toBe(file);
  });

  it('names a JSON file that is not a model', async () => {
    const folder = await savedModel();
    const file = path.join(folder, 'model.json');
    fs.writeFileSync(file, '[1, 2]');
    expect((await loadError(folder)).message).toBe(
      `${file} is not a TensorFlow.js model: it holds a JSON array, not ` +
        'an object.',
    );
    fs.writeFileSync(file, '{"format": "layers-model"}');
    expect((await loadError(folder)).message).toBe(
      `${file} is not a TensorFlow.js model: it lacks 'modelTopology' and ` +
        `'weightsManifest'.`,
    );
  });

  it('names a malformed weights manifest', async () => {
    const folder = await savedModel();
    const file = editJson(folder, (json) => {
      json.weightsManifest[0].weights[1].shape = [5.5];
    });
    expect((await loadError(folder)).message).toMatch(new RegExp(
      `^${escape(file)} has a malformed weightsManifest: weight ` +
        `'dense_Dense\\d+/bias' has shape \\[5.5\\]; a shape is a list ` +
        'of non-negative integers\\.$'));
    editJson(folder, (json) => {
      json.weightsManifest[0].weights[1].shape = [5];
      json.weightsManifest[0].weights[1].dtype = 'float64';
    });
    expect((await loadError(folder)).message).toMatch(
      /has dtype "float64"; known dtypes are float32, int32, bool, /);
  });

  it('names a missing shard', async () => {
    const folder = await savedModel();
    const shard = path.join(folder, 'weights.bin');
    fs.rmSync(shard);
    const err = await loadError(folder);
    expect(err.message).toBe(
      `Weight file ${shard} named in ${folder}/model.json is missing.`,
    );
    expect(err.file).toBe(shard);
  });

  it('names a shard of the wrong size', async () => {
    const folder = await savedModel();
    const shard = path.join(folder, 'weights.bin');
    // 53 float32 weights need 212 bytes; drop the last value.
    fs.truncateSync(shard, 208);
    const err = await loadError(folder);
    expect(err.message).toBe(
      `Weight file ${shard} has the wrong size: weights.bin (208 bytes) ` +
        `holds 208 bytes in all, but the weightsManifest in ` +
        `${folder}/model.json needs 212 bytes for 4 weights (element ` +
        'counts x dtype sizes). The file is truncated or belongs to ' +
        'another model.',
    );
    expect(err.file).toBe(shard);
    // Too long is as wrong as too short.
    fs.writeFileSync(shard, Buffer.alloc(216));
    expect((await loadError(folder)).message).toMatch(
      /weights.bin \(216 bytes\) holds 216 bytes in all, but .* needs 212/);
  });

  it('names shards of the wrong size when split', async () => {
    const folder = await savedModel();
    const all = fs.readFileSync(path.join(folder, 'weights.bin'));
    fs.writeFileSync(path.join(folder, 'group1-shard1of2.bin'),
      all.subarray(0, 100));
    fs.writeFileSync(path.join(folder, 'group1-shard2of2.bin'),
      all.subarray(100, 200));
    editJson(folder, (json) => {
      json.weightsManifest[0].paths = ['group1-shard1of2.bin',
        'group1-shard2of2.bin'];
    });
    expect((await loadError(folder)).message).toContain(
      'group1-shard1of2.bin (100 bytes), group1-shard2of2.bin (100 bytes) ' +
        'hold 200 bytes in all, but the weightsManifest in ' +
        `${folder}/model.json needs 212 bytes`,
    );
  });

  it('names a weight-name mismatch', async () => {
    const folder = await savedModel();
    let kernel = '';
    const file = editJson(folder, (json) => {
      const spec = json.weightsManifest[0].weights[2];
      kernel = spec.name;
      spec.name = 'output/kernel';
    });
    const err = await loadError(folder);
    expect(err.message).toBe(
      `The weight names in ${file} do not match its modelTopology: the ` +
        `layers need '${kernel}', which the weightsManifest lacks; the ` +
        `weightsManifest holds 'output/kernel', which no layer uses.`,
    );
    expect(err.file).toBe(file);
  });

  it('names a weight whose shape differs from its layer', async () => {
    const folder = await savedModel();
    let bias = '';
    const file = editJson(folder, (json) => {
      // Shapes [5] and [1, 5] have the same byte count, so only the
      // topology check can see the difference.
      const spec = json.weightsManifest[0].weights[1];
      bias = spec.name;
      spec.shape = [1, 5];
    });
    expect((await loadError(folder)).message).toBe(
      `The weight '${bias}' in ${file} has shape [1, 5] in the ` +
        'weightsManifest, but its layer needs [5].',
    );
  });

  it('names a topology that cannot be built', async () => {
    const folder = await savedModel();
    const file = editJson(folder, (json) => {
      json.modelTopology.config.layers[0].class_name = 'NoSuchLayer';
    });
    expect((await loadError(folder)).message).toMatch(new RegExp(
      `^The modelTopology in ${escape(file)} cannot be built: .*NoSuchLayer`,
    ));
  });

  it('refuses shards outside the model folder', async () => {
    const folder = await savedModel();
    fs.copyFileSync(path.join(folder, 'weights.bin'),
      path.join(tmp, 'outside.bin'));
    for (const shard of ['../outside.bin', path.join(tmp, 'outside.bin'),
      'https://models.invalid/w.bin', '%2e%2e/outside.bin']) {
      const file = editJson(folder, (json) => {
        json.weightsManifest[0].paths = [shard];
      });
      expect((await loadError(folder)).message).toBe(
        `${file} names the weight file '${shard}', which is not inside ` +
          `the model folder ${folder}; shards must be relative file names.`,
      );
    }
  });

  it('names odd manifests and shard files', async () => {
    const folder = await savedModel();
    let file = editJson(folder, (json) => {
      json.weightsManifest[0].paths = [];
    });
    expect((await loadError(folder)).message).toMatch(new RegExp(
      `^${escape(file)} lists 4 weights \\(starting with 'dense_Dense\\d+/` +
        "kernel'\\) in a weightsManifest group that names no weight file\\.$"));
    fs.mkdirSync(path.join(folder, 'sub.bin'));
    file = editJson(folder, (json) => {
      json.weightsManifest[0].paths = ['sub.bin'];
    });
    expect((await loadError(folder)).message).toBe(
      `Weight file ${folder}/sub.bin named in ${file} is not a file.`);
    file = editJson(folder, (json) => {
      json.weightsManifest[0].paths = ['weights.bin'];
      json.weightsManifest[0].weights.push(
        { ...json.weightsManifest[0].weights[0] });
    });
    expect((await loadError(folder)).message).toMatch(
      /has a malformed weightsManifest: weight 'dense_Dense\d+\/kernel' is /);
  });

  it('refuses a shard that links outside the model folder', async () => {
    const folder = await savedModel();
    const outside = path.join(tmp, 'elsewhere.bin');
    fs.renameSync(path.join(folder, 'weights.bin'), outside);
    fs.symlinkSync(outside, path.join(folder, 'weights.bin'));
    expect((await loadError(folder)).message).toBe(
      `Weight file ${folder}/weights.bin named in ${folder}/model.json is ` +
        'a link to a file outside the model folder; copy the file into the ' +
        'folder instead.');
  });

  it('names a model.json that is a folder', async () => {
    const folder = path.join(tmp, 'odd');
    fs.mkdirSync(path.join(folder, 'model.json'), { recursive: true });
    expect((await loadError(folder)).message).toBe(
      `No model found: ${folder}/model.json is a folder, not a model.json ` +
        'file.');
  });

  it('gives the same errors through plain tf.loadLayersModel', async () => {
    const folder = await savedModel();
    fs.truncateSync(path.join(folder, 'weights.bin'), 100);
    await expect(tf.loadLayersModel(fileSystemLoader(folder)))
      .rejects.toThrow(/has the wrong size/);
  });

  it('reads metadata only from a valid model.json', async () => {
    const folder = await savedModel();
    fs.writeFileSync(path.join(folder, 'model.json'), 'oops');
    expect(() => readModelMetadata(folder)).toThrow(ModelFileError);
    expect(() => readModelMetadata(folder)).toThrow(/is not valid JSON/);
  });
});

describe('weightByteLength', () => {
  it('multiplies element counts by dtype sizes', () => {
    expect(weightByteLength({ name: 'k', shape: [3, 4], dtype: 'float32' }))
      .toBe(48);
    expect(weightByteLength({ name: 's', shape: [], dtype: 'int32' }))
      .toBe(4);
    expect(weightByteLength({ name: 'b', shape: [7], dtype: 'bool' }))
      .toBe(7);
    expect(weightByteLength({
      name: 'q', shape: [10], dtype: 'float32',
      quantization: { dtype: 'uint8', scale: 1, min: 0 },
    })).toBe(10);
    expect(weightByteLength({ name: 't', shape: [2], dtype: 'string' }))
      .toBeNull();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
