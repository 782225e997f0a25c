import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelFileError, NotSupportedError } from '../errors.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export interface SaveOptions {
  /**
   * Replace an existing model at the same place. Even with it, a folder
   * that holds files other than `model.json` and `*.bin` shards is never
   * replaced. @default false
   */
  overwrite?: boolean;
}

export interface LoadOptions {
  /**
   * Build the topology once (without its weights) to check that the
   * weights manifest names exactly the weights the layers need, with the
   * same shapes, so a mismatch fails with a message naming `model.json`
   * instead of tfjs's bare "weights are not set". @default true
   */
  checkWeights?: boolean;
}

/** Where a saved model's files are: its folder and its JSON file. */
export interface ModelPaths {
  folder: string;
  jsonPath: string;
}

const DRIVE_PATH = /^[A-Za-z]:([\\/]|$)/;
const UNC_PATH = /^\\\\[^\\]/;

/**
 * Turns what a user typed into a path for this system.
 *
 * - A `file://` prefix (as tfjs-node's IO router spells paths) is dropped.
 * - On Windows, `path.win32` reads both separators and drive letters.
 * - On POSIX, a backslash is read as a folder separator, so `models\mnist`
 *   is `models/mnist` (a config written on Windows works unchanged). A file
 *   or folder name that really holds a backslash is therefore not
 *   supported. A drive path (`C:\models\m`) or a UNC path (`\\host\share`)
 *   names nothing on POSIX and is refused with a `ModelFileError`, rather
 *   than guessed at (it could mean `/models/m` or `/mnt/c/models/m`).
 *
 * Returns an absolute path. Spaces and non-ASCII characters are kept as
 * they are.
 */
export function normalizeUserPath(
  target: string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (typeof target !== 'string' || target.trim() === '') {
    throw new ModelFileError(
      `A model path must be a non-empty string; got ` +
        `${JSON.stringify(target) ?? String(target)}.`,
      String(target),
    );
  }
  if (target.includes('\0')) {
    throw new ModelFileError(
      `The model path ${JSON.stringify(target)} contains a NUL character.`,
      target,
    );
  }
  const bare = target.startsWith('file://')
    ? target.slice('file://'.length)
    : target;
  if (platform === 'win32') {
    // `file:///C:/m` leaves `/C:/m`; the drive letter starts the path.
    return path.win32.resolve(bare.replace(/^\/(?=[A-Za-z]:)/, ''));
  }
  if (DRIVE_PATH.test(bare) || UNC_PATH.test(bare)) {
    throw new ModelFileError(
      `${bare} is a Windows drive or network path, which names nothing on ` +
        `${platform}. Give a POSIX path instead, such as ` +
        `${suggestPosix(bare)}.`,
      bare,
    );
  }
  return path.posix.resolve(bare.replace(/\\/g, '/'));
}

function suggestPosix(windowsPath: string): string {
  const rest = windowsPath.replace(DRIVE_PATH, '').replace(/^\\\\/, '');
  return `/${rest.replace(/\\/g, '/').replace(/^\/+/, '')}`;
}

/**
 * Resolves a model location for saving: a folder, or a path ending in
 * `model.json` (its folder is used). Another `.json` name is refused,
 * since the model is written as a whole folder.
 */
export function resolveSavePaths(target: string): ModelPaths {
  const resolved = normalizeUserPath(target);
  const base = path.basename(resolved);
  if (base === MODEL_JSON) {
    return { folder: path.dirname(resolved), jsonPath: resolved };
  }
  if (base.toLowerCase().endsWith('.json')) {
    throw new ModelFileError(
      `Cannot save a model as ${resolved}: a model is saved as a folder ` +
        `holding ${MODEL_JSON} and ${WEIGHTS_BIN}. Give the folder (or ` +
        `a path ending in ${MODEL_JSON}).`,
      resolved,
    );
  }
  return { folder: resolved, jsonPath: path.join(resolved, MODEL_JSON) };
}

/**
 * Resolves a model location for loading: a folder holding `model.json`,
 * or the path of the JSON file itself (any name, as other tools write
 * `my_model.json`); weight shards are read from the JSON file's folder.
 */
export function resolveLoadPaths(target: string): ModelPaths {
  const resolved = normalizeUserPath(target);
  const isJsonName = resolved.toLowerCase().endsWith('.json');
  const stat = statIfExists(resolved);
  if ((stat !== undefined && stat.isFile()) ||
      (stat === undefined && isJsonName)) {
    return { folder: path.dirname(resolved), jsonPath: resolved };
  }
  return { folder: resolved, jsonPath: path.join(resolved, MODEL_JSON) };
}

/**
 * Where a model lives: a folder, or the `model.json` inside it. Accepts
 * relative and absolute paths (see `normalizeUserPath` for Windows-style
 * paths).
 */
export function modelFolder(target: string): string {
  return resolveLoadPaths(target).folder;
}

/**
 * An IO handler that writes the standard TensorFlow.js layers format
 * (`model.json` + one `weights.bin`, as tfjs-node writes it) with plain
 * `fs`, so no tfjs-node is needed. Both files are written and flushed in
 * a hidden temporary folder beside the target, which is then renamed into
 * place: a failure or a crash never leaves a half-written model, and an
 * overwritten model is replaced only once the new one is complete.
 *
 * Refuses (with `ModelFileError`): an existing model unless
 * `options.overwrite`; a path that is a file; a non-empty folder without a
 * `model.json`; a model folder holding other files.
 */
export function fileSystemSaver(
  target: string,
  options: SaveOptions = {},
): tf.io.IOHandler {
  const { folder, jsonPath } = resolveSavePaths(target);
  return tf.io.withSaveHandler(async (artifacts) => {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new NotSupportedError(
        'Saving a binary (graph-model) topology is not supported; ' +
          'tfjs-trio saves layers models only.',
      );
    }
    const existing = checkSaveTarget(folder, jsonPath, options);
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
    const parent = path.dirname(folder);
    const base = path.basename(folder);
    let tmp: string | undefined;
    try {
      fs.mkdirSync(parent, { recursive: true });
      tmp = fs.mkdtempSync(path.join(parent, `.${base}.tmp-`));
      // mkdtemp makes the folder private (0700); a saved model is an
      // ordinary folder, readable as a plain mkdir would make it.
      fs.chmodSync(tmp, 0o777 & ~process.umask());
      writeFileSynced(path.join(tmp, WEIGHTS_BIN), Buffer.from(weightData));
      writeFileSynced(path.join(tmp, MODEL_JSON), JSON.stringify(modelJson));
      moveIntoPlace(tmp, folder, existing);
    } catch (err) {
      if (tmp !== undefined) {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      throw fileSystemError(err, `Cannot save the model at ${folder}`,
        folder);
    }
    return {
      modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts),
    };
  });
}

/** What is at the save target before saving. */
type SaveTargetState = 'absent' | 'empty' | 'model';

function checkSaveTarget(
  folder: string,
  jsonPath: string,
  options: SaveOptions,
): SaveTargetState {
  const stat = statIfExists(folder);
  if (stat === undefined) {
    // The first existing folder above must be a folder, not a file.
    let above = path.dirname(folder);
    while (statIfExists(above) === undefined && above !== path.dirname(above)) {
      above = path.dirname(above);
    }
    if (!statIfExists(above)?.isDirectory()) {
      throw new ModelFileError(
        `Cannot save the model at ${folder}: ${above} is a file, not a ` +
          `folder.`,
        above,
      );
    }
    return 'absent';
  }
  if (!stat.isDirectory()) {
    throw new ModelFileError(
      `Cannot save a model at ${folder}: it is a file, not a folder.`,
      folder,
    );
  }
  const entries = fs.readdirSync(folder);
  if (entries.length === 0) {
    return 'empty';
  }
  if (!entries.includes(MODEL_JSON)) {
    throw new ModelFileError(
      `Cannot save a model at ${folder}: the folder is not empty and holds ` +
        `no ${MODEL_JSON}, so it is not a model folder. Choose a new or ` +
        `empty folder.`,
      folder,
    );
  }
  if (!options.overwrite) {
    throw new ModelFileError(
      `A model already exists at ${folder}; pass { overwrite: true } to ` +
        'save() to replace it.',
      jsonPath,
    );
  }
  const others = entries.filter(
    (e) => e !== MODEL_JSON && !e.toLowerCase().endsWith('.bin'),
  );
  if (others.length > 0) {
    throw new ModelFileError(
      `Will not overwrite the model at ${folder}: the folder also holds ` +
        `${others.slice(0, 5).join(', ')}${others.length > 5 ? ', ...' : ''}` +
        `, which would be lost. Move them or choose another folder.`,
      folder,
    );
  }
  return 'model';
}

/**
 * `fs.statSync`, or undefined when nothing is there (also when a part of
 * the path is a file, which `throwIfNoEntry` does not cover).
 */
function statIfExists(target: string): fs.Stats | undefined {
  try {
    return fs.statSync(target, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return undefined;
    }
    throw fileSystemError(err, `Cannot inspect ${target}`, target);
  }
}

/**
 * A `ModelFileError` for an operating-system failure (no permission, disk
 * full, a file where a folder should be, another process saving to the
 * same place...); other errors pass through unchanged.
 */
function fileSystemError(err: unknown, what: string, file: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || err instanceof ModelFileError) {
    return err;
  }
  const reason: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'the disk is full',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EROFS: 'the file system is read-only',
  };
  return new ModelFileError(
    `${what}: ${reason[code] ?? (err as Error).message} (${code}).`,
    file,
  );
}

function writeFileSynced(file: string, data: string | Buffer): void {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Renames the finished temporary folder to `folder`. An old model is first
 * renamed aside and restored if the final rename fails, so there is always
 * one complete model at `folder`.
 */
function moveIntoPlace(
  tmp: string,
  folder: string,
  existing: SaveTargetState,
): void {
  if (existing === 'empty') {
    fs.rmdirSync(folder);
  }
  if (existing !== 'model') {
    try {
      fs.renameSync(tmp, folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY') {
        throw new ModelFileError(
          `Cannot save the model at ${folder}: another process created ` +
            `it while this model was being written.`,
          folder,
        );
      }
      throw err;
    }
    return;
  }
  const aside = fs.mkdtempSync(
    path.join(path.dirname(folder), `.${path.basename(folder)}.old-`),
  );
  fs.rmdirSync(aside);
  fs.renameSync(folder, aside);
  try {
    fs.renameSync(tmp, folder);
  } catch (err) {
    fs.renameSync(aside, folder);
    throw err;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}

/** A parsed and checked `model.json`, with where it was read from. */
export interface ModelJsonFile extends ModelPaths {
  json: tf.io.ModelJSON;
}

/**
 * Reads and checks a model's JSON file: it must exist, parse, be an
 * object with `modelTopology` and a well-formed `weightsManifest` (groups
 * of `paths` and `weights`, each weight with a name, a shape of
 * non-negative integers and a dtype). Every failure is a `ModelFileError`
 * naming the file.
 */
export function readModelJson(target: string): ModelJsonFile {
  const { folder, jsonPath } = resolveLoadPaths(target);
  const stat = statIfExists(jsonPath);
  if (stat !== undefined && !stat.isFile()) {
    throw new ModelFileError(
      `No model found: ${jsonPath} is a folder, not a model.json file.`,
      jsonPath,
    );
  }
  if (stat === undefined) {
    const where = fs.existsSync(folder)
      ? ''
      : ` (the folder ${folder} does not exist either)`;
    throw new ModelFileError(
      `No model found: ${jsonPath} does not exist${where}.`,
      jsonPath,
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(jsonPath, 'utf8');
  } catch (err) {
    throw fileSystemError(err, `Cannot read ${jsonPath}`, jsonPath);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ModelFileError(
      `${jsonPath} is not valid JSON (${text.length} characters): ` +
        `${(err as Error).message}`,
      jsonPath,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelFileError(
      `${jsonPath} is not a TensorFlow.js model: it holds a JSON ` +
        `${Array.isArray(json) ? 'array' : typeof json}, not an object.`,
      jsonPath,
    );
  }
  const model = json as Record<string, unknown>;
  const lacking = ['modelTopology', 'weightsManifest'].filter(
    (key) => model[key] === undefined || model[key] === null,
  );
  if (lacking.length > 0) {
    throw new ModelFileError(
      `${jsonPath} is not a TensorFlow.js model: it lacks ` +
        `${lacking.map((k) => `'${k}'`).join(' and ')}.`,
      jsonPath,
    );
  }
  checkManifest(model.weightsManifest, jsonPath);
  return { folder, jsonPath, json: json as tf.io.ModelJSON };
}

function checkManifest(manifest: unknown, jsonPath: string): void {
  const bad = (what: string): never => {
    throw new ModelFileError(
      `${jsonPath} has a malformed weightsManifest: ${what}.`,
      jsonPath,
    );
  };
  if (!Array.isArray(manifest)) {
    bad('it must be a list of groups');
  }
  const seen = new Set<string>();
  (manifest as unknown[]).forEach((group, g) => {
    const entry = group as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null) {
      bad(`group ${g} is not an object`);
    }
    const { paths, weights } = entry as Record<string, unknown>;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
      bad(`group ${g} needs 'paths', a list of file names`);
    }
    if (!Array.isArray(weights)) {
      bad(`group ${g} needs 'weights', a list of weight specs`);
    }
    (weights as unknown[]).forEach((spec, w) => {
      const s = spec as Record<string, unknown> | null;
      const where = `group ${g}, weight ${w}`;
      if (typeof s !== 'object' || s === null || typeof s.name !== 'string') {
        bad(`${where} has no name`);
      }
      const { name, shape, dtype } = s as Record<string, unknown>;
      if (!Array.isArray(shape) ||
          !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
        bad(`weight '${name}' has shape ${JSON.stringify(shape)}; a shape ` +
          `is a list of non-negative integers`);
      }
      if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
        bad(`weight '${name}' has dtype ${JSON.stringify(dtype)}; known ` +
          `dtypes are ${Object.keys(DTYPE_BYTES).join(', ')}`);
      }
      if (seen.has(name as string)) {
        bad(`weight '${name}' is listed twice`);
      }
      seen.add(name as string);
    });
  });
}

/** Bytes per element for each dtype; null when the size varies. */
const DTYPE_BYTES: Record<string, number | null> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  string: null,
};

/** Bytes per element of a quantized weight, by its storage dtype. */
const QUANTIZED_BYTES: Record<string, number> = {
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * Bytes a weight occupies in its shard: element count x dtype size (the
 * quantized storage size when quantized); null for strings, whose size is
 * stored inside the data.
 */
export function weightByteLength(
  spec: tf.io.WeightsManifestEntry,
): number | null {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const quantized = spec.quantization?.dtype;
  if (quantized !== undefined) {
    return count * (QUANTIZED_BYTES[quantized] ?? NaN);
  }
  const size = DTYPE_BYTES[spec.dtype];
  return size === null || size === undefined ? null : count * size;
}

/**
 * An IO handler that reads a layers-format model written by any tfjs or
 * converter: `model.json` plus one or several weight shards
 * (`weights.bin`, `group1-shard1of2.bin`...). Before any tensor is made it
 * checks that each shard exists inside the model folder and that each
 * group's shards hold exactly the bytes its manifest needs (sum of element
 * counts x dtype size), and, unless `checkWeights` is false, that the
 * manifest's weight names and shapes match the topology. Every failure is
 * a `ModelFileError` naming the file.
 */
export function fileSystemLoader(
  target: string,
  options: LoadOptions = {},
): tf.io.IOHandler {
  return {
    load: async () => {
      const { folder, jsonPath, json } = readModelJson(target);
      const groups = json.weightsManifest.map((group) => ({
        group,
        files: group.paths.map((p) => shardFile(folder, jsonPath, p)),
      }));
      for (const { group, files } of groups) {
        checkShardSizes(group, files, jsonPath);
      }
      if (options.checkWeights ?? true) {
        await checkWeightsMatchTopology(json, jsonPath);
      }
      const buffers: ArrayBuffer[] = [];
      for (const { files } of groups) {
        for (const file of files) {
          const buf = await fs.promises.readFile(file).catch((err) => {
            throw fileSystemError(err, `Cannot read ${file}`, file);
          });
          buffers.push(
            buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
          );
        }
      }
      const specs = json.weightsManifest.flatMap((g) => g.weights);
      return tf.io.getModelArtifactsForJSON(json, async () => [
        specs,
        buffers.length === 1 ? buffers[0]! : buffers,
      ]);
    },
  };
}

/**
 * The file of one shard named in the manifest. A shard must be a plain
 * relative path inside the model folder: absolute paths, URLs and `..`
 * that leave the folder are refused, so a crafted `model.json` cannot make
 * the loader read other files.
 */
function shardFile(folder: string, jsonPath: string, shard: string): string {
  const clean = decodeShardName(shard);
  const file = path.resolve(folder, clean);
  const inside = path.relative(folder, file);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(shard) || path.isAbsolute(clean) ||
      inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new ModelFileError(
      `${jsonPath} names the weight file '${shard}', which is not inside ` +
        `the model folder ${folder}; shards must be relative file names.`,
      jsonPath,
    );
  }
  const stat = statIfExists(file);
  if (stat === undefined) {
    throw new ModelFileError(
      `Weight file ${file} named in ${jsonPath} is missing.`,
      file,
    );
  }
  if (!stat.isFile()) {
    throw new ModelFileError(
      `Weight file ${file} named in ${jsonPath} is not a file.`,
      file,
    );
  }
  // A symbolic link may not lead out of the model folder either.
  const real = path.relative(fs.realpathSync(folder), fs.realpathSync(file));
  if (real.startsWith('..') || path.isAbsolute(real)) {
    throw new ModelFileError(
      `Weight file ${file} named in ${jsonPath} is a link to a file ` +
        `outside the model folder; copy the file into the folder instead.`,
      file,
    );
  }
  return file;
}

/** Shard names are URL paths in the format; undo `%20` and the like. */
function decodeShardName(shard: string): string {
  try {
    return decodeURIComponent(shard);
  } catch {
    return shard;
  }
}

function checkShardSizes(
  group: tf.io.WeightsManifestConfig[number],
  files: string[],
  jsonPath: string,
): void {
  if (files.length === 0) {
    if (group.weights.length === 0) {
      return;
    }
    throw new ModelFileError(
      `${jsonPath} lists ${group.weights.length} weights (starting with ` +
        `'${group.weights[0]!.name}') in a weightsManifest group that ` +
        `names no weight file.`,
      jsonPath,
    );
  }
  let expected = 0;
  for (const spec of group.weights) {
    const bytes = weightByteLength(spec);
    if (bytes === null) {
      // String weights store their lengths inside the data.
      return;
    }
    expected += bytes;
  }
  const sizes = files.map((f) => fs.statSync(f).size);
  const actual = sizes.reduce((a, b) => a + b, 0);
  if (actual === expected) {
    return;
  }
  const names = files.map((f, i) => `${path.basename(f)} (${sizes[i]} ` +
    `bytes)`).join(', ');
  const which = files.length === 1 ? files[0]! : files.join(', ');
  throw new ModelFileError(
    `Weight file${files.length === 1 ? '' : 's'} ${which} ` +
      `${files.length === 1 ? 'has' : 'have'} the wrong size: ${names} ` +
      `hold${files.length === 1 ? 's' : ''} ${actual} bytes in all, but ` +
      `the weightsManifest in ${jsonPath} needs ${expected} bytes for ` +
      `${group.weights.length} weight${group.weights.length === 1 ? '' :
        's'} (element counts x dtype sizes). The file is truncated or ` +
      `belongs to another model.`,
    files[0]!,
  );
}

/**
 * Builds the topology without weights and compares the names and shapes
 * of the weights its layers need with the manifest (optimizer weights
 * aside). The built model is disposed before returning.
 */
async function checkWeightsMatchTopology(
  json: tf.io.ModelJSON,
  jsonPath: string,
): Promise<void> {
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON(
      { modelTopology: json.modelTopology } as tf.io.ModelJSON,
    );
  } catch (err) {
    throw new ModelFileError(
      `The modelTopology in ${jsonPath} cannot be built: ` +
        `${(err as Error).message}`,
      jsonPath,
    );
  }
  const needed = new Map<string, number[]>();
  try {
    for (const w of model.weights) {
      needed.set(w.originalName, w.shape as number[]);
    }
  } finally {
    model.dispose();
  }
  const given = new Map<string, number[]>();
  for (const group of json.weightsManifest) {
    for (const spec of group.weights) {
      if (spec.group !== 'optimizer') {
        given.set(spec.name, spec.shape);
      }
    }
  }
  const missing = [...needed.keys()].filter((n) => !given.has(n));
  const unused = [...given.keys()].filter((n) => !needed.has(n));
  if (missing.length > 0 || unused.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) {
      parts.push(`the layers need ${listNames(missing)}, which the ` +
        `weightsManifest lacks`);
    }
    if (unused.length > 0) {
      parts.push(`the weightsManifest holds ${listNames(unused)}, which ` +
        `no layer uses`);
    }
    throw new ModelFileError(
      `The weight names in ${jsonPath} do not match its modelTopology: ` +
        `${parts.join('; ')}.`,
      jsonPath,
    );
  }
  for (const [name, shape] of needed) {
    const spec = given.get(name)!;
    if (spec.length !== shape.length || spec.some((d, i) => d !== shape[i])) {
      throw new ModelFileError(
        `The weight '${name}' in ${jsonPath} has shape [${spec.join(', ')}] ` +
          `in the weightsManifest, but its layer needs ` +
          `[${shape.join(', ')}].`,
        jsonPath,
      );
    }
  }
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 6).map((n) => `'${n}'`).join(', ');
  return names.length > 6 ? `${shown} and ${names.length - 6} more` : shown;
}

/**
 * Saves a tfjs LayersModel to a folder in the layers format; returns the
 * absolute folder path.
 */
export async function saveLayersModel(
  model: tf.LayersModel,
  target: string,
  options: SaveOptions = {},
): Promise<string> {
  await model.save(fileSystemSaver(target, options));
  return resolveSavePaths(target).folder;
}

/** Loads a layers-format model from a folder or a `model.json` path. */
export async function loadLayersModel(
  target: string,
  options: LoadOptions = {},
): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileSystemLoader(target, options));
}

/**
 * Reads only the user metadata of a saved model (`{}` when it has none);
 * a missing or corrupt `model.json` is a `ModelFileError`.
 */
export function readModelMetadata(target: string): Record<string, unknown> {
  const { json } = readModelJson(target);
  const meta = json.userDefinedMetadata;
  return (typeof meta === 'object' && meta !== null ? meta : {}) as
    Record<string, unknown>;
}
