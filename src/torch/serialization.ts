import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelFileError } from '../errors.js';
import type { StateDict } from './nn/module.js';

/** safetensors dtype names of the tfjs dtypes a state dict may hold. */
const DTYPES: Record<string, { name: string; bytes: number }> = {
  float32: { name: 'F32', bytes: 4 },
  int32: { name: 'I32', bytes: 4 },
};
const TFJS_DTYPE: Record<string, 'float32' | 'int32'> = {
  F32: 'float32',
  I32: 'int32',
};

/**
 * Writes a state dict (or any name-to-tensor record) to one file in the
 * safetensors layout: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. Python: `torch.save(model.state_dict(), path)`.
 *
 * Differs from PyTorch: the file is JSON plus binary, not a pickle; Python
 * reads it with `safetensors.torch.load_file(path)`. Only a record of
 * tensors can be saved: an optimizer's `stateDict()` is refused (not
 * supported yet), where PyTorch pickles any object.
 */
export function save(stateDict: StateDict, file: string): void {
  const header: Record<string, unknown> = {
    __metadata__: { format: 'pt', writer: 'tfjs-trio' },
  };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(stateDict)) {
    if (!(t instanceof tf.Tensor)) {
      // TODO: an optimizer's state dict (nested, with numbers) would need
      // flattened names and its groups in __metadata__, and a load that
      // returns more than tensors.
      throw new ModelFileError(
        `Cannot save '${name}': torch.save() writes a record of tensors ` +
          "(a module's stateDict()), and this value is not a tensor. " +
          "Saving an optimizer's stateDict() is not supported yet; keep " +
          'it in memory, or save its tensors under names of your own.',
        file,
      );
    }
    const dtype = DTYPES[t.dtype];
    if (dtype === undefined) {
      throw new ModelFileError(
        `Cannot save '${name}': dtype ${t.dtype} is not supported ` +
          `(float32 and int32 are).`,
        file,
      );
    }
    const values = t.dataSync() as Float32Array | Int32Array;
    const bytes = new Uint8Array(values.buffer.slice(
      values.byteOffset, values.byteOffset + values.byteLength));
    header[name] = {
      dtype: dtype.name,
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned.
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length));
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([length, headerBytes, ...chunks]));
  fs.renameSync(tmp, target);
}

/**
 * Reads a file written by `save` (or any safetensors file of float32 and
 * int32 tensors). Python: `torch.load(path)`. The caller owns the returned
 * tensors: pass them to `loadStateDict` and then to `tf.dispose`.
 *
 * Differs from PyTorch: a `.pt` file that PyTorch's `torch.save` wrote (a
 * zip of pickles, or a legacy pickle) is refused with a `ModelFileError`
 * saying how to convert it to safetensors in Python.
 */
export function load(file: string): StateDict {
  const target = path.resolve(file);
  if (!fs.existsSync(target)) {
    throw new ModelFileError(`No state dict found: ${target} does not ` +
      `exist.`, target);
  }
  if (fs.statSync(target).isDirectory()) {
    throw new ModelFileError(`${target} is a folder; torch.load() reads ` +
      'one state dict file written by torch.save() (a safetensors file). ' +
      'To load a model saved with saveModule(), use loadModule().', target);
  }
  const buf = fs.readFileSync(target);
  const fail = (what: string): never => {
    throw new ModelFileError(`${target} is not a state dict file: ${what}`,
      target);
  };
  const pickled = pytorchFormat(buf);
  if (pickled !== undefined) {
    fail(`it is a PyTorch checkpoint (${pickled}), which tfjs-trio cannot ` +
      'read. tfjs-trio reads safetensors files; convert it in Python with ' +
      '`from safetensors.torch import save_file; ' +
      "save_file(torch.load('model.pt'), 'model.safetensors')` (or " +
      "save_file(model.state_dict(), 'model.safetensors')) and load that.");
  }
  if (buf.length < 8) {
    fail('it is shorter than its 8-byte header length.');
  }
  const headerLength = Number(buf.readBigUInt64LE(0));
  if (8 + headerLength > buf.length) {
    fail(`its header claims ${headerLength} bytes but the file has ` +
      `${buf.length - 8} after the length.`);
  }
  let header: Record<string, unknown> = {};
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8'));
  } catch (err) {
    fail(`its header is not valid JSON (${(err as Error).message}).`);
  }
  const data = buf.subarray(8 + headerLength);
  const out: StateDict = {};
  try {
    for (const [name, spec] of Object.entries(header)) {
      if (name === '__metadata__') {
        continue;
      }
      const { dtype, shape, data_offsets: range } = spec as {
        dtype: string; shape: number[]; data_offsets: [number, number];
      };
      const tfDtype = TFJS_DTYPE[dtype];
      if (tfDtype === undefined) {
        fail(`'${name}' has dtype ${String(dtype)}; F32 and I32 are ` +
          `supported.`);
      }
      const count = shape.reduce((a, b) => a * b, 1);
      if (!Array.isArray(range) || range[1] - range[0] !== count * 4 ||
          range[1] > data.length) {
        fail(`the byte range of '${name}' does not fit its shape ` +
          `[${shape.join(', ')}] or the file size.`);
      }
      const bytes = data.subarray(range[0], range[1]);
      const copy = bytes.buffer.slice(bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength);
      const values = tfDtype === 'float32'
        ? new Float32Array(copy)
        : new Int32Array(copy);
      out[name] = tf.tensor(values, shape, tfDtype);
    }
  } catch (err) {
    tf.dispose(out);
    throw err;
  }
  return out;
}

/**
 * Which PyTorch `torch.save` format `buf` holds, if any: a zip archive of
 * pickles (PyTorch 1.6 and later) starts with `PK\x03\x04`; the legacy
 * format starts with a pickle's protocol opcode, byte 0x80.
 */
function pytorchFormat(buf: Buffer): string | undefined {
  // A safetensors header length can begin with these bytes too (0x0280 is
  // 640); its JSON header then opens with '{' right after the length.
  if (buf.length > 8 && buf[8] === 0x7b &&
      8 + Number(buf.readBigUInt64LE(0)) <= buf.length) {
    return undefined;
  }
  if (buf.length >= 4 && buf.readUInt32BE(0) === 0x504b0304) {
    return 'a zip archive of pickles, as torch.save() writes';
  }
  if (buf.length >= 2 && buf[0] === 0x80 && buf[1]! >= 2 && buf[1]! <= 5) {
    return "a pickle, as torch.save(..., " +
      '_use_new_zipfile_serialization=False) writes';
  }
  return undefined;
}
