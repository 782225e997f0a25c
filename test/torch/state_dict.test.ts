import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { expectState, FIXTURE_DIR, Net } from './helpers.js';

const { nn } = torch;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-torch-sd-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('stateDict and loadStateDict', () => {
  it('round-trips between two instances', () => {
    torch.manualSeed(1);
    const a = new Net();
    torch.manualSeed(2);
    const b = new Net();
    const before = tf.memory().numTensors;
    const result = b.loadStateDict(a.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [k, v] of Object.entries(a.stateDict())) {
      expect(Array.from(b.stateDict()[k]!.dataSync()))
        .toEqual(Array.from(v.dataSync()));
    }
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  });

  it('loads a module\'s own state dict onto itself unharmed', () => {
    const net = new Net();
    const before = Array.from(net.fc1.weight.dataSync());
    net.loadStateDict(net.stateDict());
    expect(Array.from(net.fc1.weight.dataSync())).toEqual(before);
    net.dispose();
  });

  it('reports missing and unexpected keys as PyTorch does', () => {
    const net = new Net();
    const seq = new nn.Sequential(new nn.Linear(6, 5));
    expect(() => net.loadStateDict(seq.stateDict())).toThrow(
      'Error(s) in loading state_dict for Net:\n\t' +
        'Unexpected key(s) in state_dict: "0.weight", "0.bias".\n\t' +
        'Missing key(s) in state_dict: "fc1.weight", "fc1.bias", ' +
        '"fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias".');
    const partial = { 'fc1.weight': seq.stateDict()['0.weight']! };
    const result = net.loadStateDict(partial, false);
    expect(result.missingKeys).toHaveLength(5);
    expect(Array.from(net.fc1.weight.dataSync()))
      .toEqual(Array.from(seq.stateDict()['0.weight']!.dataSync()));
    net.dispose();
    seq.dispose();
  });

  it('refuses a shape mismatch, naming both shapes', () => {
    const net = new Net();
    const wrong = { ...net.stateDict(), 'fc2.bias': tf.zeros([7]) };
    expect(() => net.loadStateDict(wrong)).toThrow(
      'size mismatch for fc2.bias: copying a param with shape [7] from ' +
        'checkpoint, the shape in current model is [4].');
    wrong['fc2.bias'].dispose();
    net.dispose();
  });
});

describe('save and load', () => {
  it('round-trips a state dict through a file', () => {
    torch.manualSeed(5);
    const a = new Net();
    const file = path.join(tmp, 'net.safetensors');
    torch.save(a.stateDict(), file);
    const before = tf.memory().numTensors;
    const sd = torch.load(file);
    expect(Object.keys(sd)).toEqual(Object.keys(a.stateDict()));
    const b = new Net();
    b.loadStateDict(sd);
    tf.dispose(sd);
    for (const [k, v] of Object.entries(a.stateDict())) {
      expect(Array.from(b.stateDict()[k]!.dataSync()))
        .toEqual(Array.from(v.dataSync()));
    }
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });

  it('writes the safetensors layout (8-byte length, JSON, data)', () => {
    const file = path.join(tmp, 'small.safetensors');
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    torch.save({ w: t }, file);
    const buf = fs.readFileSync(file);
    const n = Number(buf.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(buf.subarray(8, 8 + n).toString());
    expect(header.w).toEqual({ dtype: 'F32', shape: [2, 2],
      data_offsets: [0, 16] });
    expect(Array.from(new Float32Array(buf.buffer.slice(
      buf.byteOffset + 8 + n, buf.byteOffset + 8 + n + 16))))
      .toEqual([1, 2, 3, 4]);
    t.dispose();
  });

  it('loads a state dict PyTorch wrote (safetensors layout)', () => {
    // Written by scripts/fixtures/torch_facade.py from Net() after
    // torch.manual_seed(9); the values are also in the JSON beside it.
    const expected = JSON.parse(fs.readFileSync(
      path.join(FIXTURE_DIR, 'state_dict_values.json'), 'utf8'));
    const sd = torch.load(path.join(FIXTURE_DIR, 'state_dict.safetensors'));
    const net = new Net();
    net.loadStateDict(sd);
    tf.dispose(sd);
    expectState(net, expected, 0);
    net.dispose();
  });

  it('names the file when it is missing or corrupt', () => {
    const missing = path.join(tmp, 'nope.safetensors');
    expect(() => torch.load(missing)).toThrow(
      `No state dict found: ${missing} does not exist.`);
    const bad = path.join(tmp, 'bad.safetensors');
    fs.writeFileSync(bad, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    expect(() => torch.load(bad)).toThrow(
      `${bad} is not a state dict file: its header claims 200 bytes but ` +
        'the file has 1 after the length.');
  });

  it('refuses an optimizer state dict, saying it is not supported yet',
    () => {
      const net = new Net();
      const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
      const file = path.join(tmp, 'optimizer.safetensors');
      const before = tf.memory().numTensors;
      expect(() => torch.save(opt.stateDict() as never, file)).toThrow(
        "Cannot save 'state': torch.save() writes a record of tensors (a " +
          "module's stateDict()), and this value is not a tensor. Saving " +
          "an optimizer's stateDict() is not supported yet; keep it in " +
          'memory, or save its tensors under names of your own.');
      expect(tf.memory().numTensors).toBe(before);
      expect(fs.existsSync(file)).toBe(false);
      net.dispose();
    });

  // Non-regression: a PyTorch .pt file was read as safetensors ("its
  // header claims 578712552184433500 bytes"), a folder gave a raw EISDIR.
  it('says a PyTorch .pt checkpoint is not safetensors, and how to convert',
    () => {
      // A real torch.save() of a Linear(2, 1) state dict, from
      // scripts/fixtures/torch_ignore_index.py: a zip archive.
      const zip = path.join(FIXTURE_DIR, 'pytorch_checkpoint.pt');
      expect(() => torch.load(zip)).toThrow(
        `${zip} is not a state dict file: it is a PyTorch checkpoint (a ` +
          'zip archive of pickles, as torch.save() writes), which ' +
          'tfjs-trio cannot read. tfjs-trio reads safetensors files; ' +
          'convert it in Python with `from safetensors.torch import ' +
          "save_file; save_file(torch.load('model.pt'), " +
          "'model.safetensors')`");
      // The legacy format opens with pickle protocol 2: 0x80 0x02.
      const legacy = path.join(tmp, 'legacy.pt');
      fs.writeFileSync(legacy, Buffer.from([0x80, 2, 0x8a, 10, 0x6c, 0xfc,
        0x9c, 0x46, 0xf9, 0x20]));
      expect(() => torch.load(legacy)).toThrow('it is a PyTorch ' +
        'checkpoint (a pickle, as torch.save(..., ' +
        '_use_new_zipfile_serialization=False) writes)');
    });

  it('still reads safetensors whose header length starts like a pickle',
    () => {
      // A 640-byte header: its length reads 0x80 0x02 0 0 0 0 0 0.
      const file = path.join(tmp, 'pickle_like.safetensors');
      const header = JSON.stringify({ a: {
        dtype: 'F32', shape: [1], data_offsets: [0, 4] } });
      const json = Buffer.from(header.padEnd(640, ' '));
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(640n);
      const data = Buffer.alloc(4);
      data.writeFloatLE(1.5);
      fs.writeFileSync(file, Buffer.concat([length, json, data]));
      expect(length[0]).toBe(0x80);
      const sd = torch.load(file);
      expect(Array.from(sd.a!.dataSync())).toEqual([1.5]);
      tf.dispose(sd);
    });

  it('names the path when it is a folder', () => {
    expect(() => torch.load(tmp)).toThrow(
      `${tmp} is a folder; torch.load() reads one state dict file written ` +
        'by torch.save() (a safetensors file). To load a model saved with ' +
        'saveModule(), use loadModule().');
  });
});
