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
 * reads it with `safetensors.torch.load_file(path)`.
 */
export function save(stateDict: StateDict, file: string): void {
  const header: Record<string, unknown> = {
    __metadata__: { format: 'pt', writer: 'tfjs-trio' },
  };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(stateDict)) {
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
 */
export function load(file: string): StateDict {
  const target = path.resolve(file);
  if (!fs.existsSync(target)) {
    throw new ModelFileError(`No state dict found: ${target} does not ` +
      `exist.`, target);
  }
  const buf = fs.readFileSync(target);
  const fail = (what: string): never => {
    throw new ModelFileError(`${target} is not a state dict file: ${what}`,
      target);
  };
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
