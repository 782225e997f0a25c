import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import * as torch from '../../src/torch/index.js';
import { Net } from './helpers.js';

const { nn } = torch;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-torch-export-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Loads model.json + weights.bin with nothing but tfjs and fs. */
async function plainLoad(folder: string): Promise<tf.LayersModel> {
  const json = JSON.parse(
    fs.readFileSync(path.join(folder, 'model.json'), 'utf8'));
  const weights = fs.readFileSync(path.join(folder, 'weights.bin'));
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: weights.buffer.slice(weights.byteOffset,
      weights.byteOffset + weights.byteLength),
  }));
}

function values(t: tf.Tensor | tf.Tensor[]): number[] {
  return Array.from((t as tf.Tensor).dataSync());
}

describe('exportLayersModel', () => {
  it('turns the tutorial-style module into Dense layers, same output', () => {
    torch.manualSeed(3);
    const net = new Net();
    const x = tf.randomUniform([5, 6], -1, 1, 'float32', 7);
    const before = tf.memory().numTensors;
    const model = torch.exportLayersModel(net, [6]);
    expect(model.layers.map((l) => [l.name, l.getConfig().activation]))
      .toEqual([['fc1', 'relu'], ['fc2', 'relu'], ['fc3', 'linear']]);
    // Kernels are the transposed (out, in) weights.
    expect(model.layers[0]!.getWeights()[0]!.shape).toEqual([6, 5]);
    const expected = net(x) as tf.Tensor;
    const got = model.predict(x) as tf.Tensor;
    const want = values(expected);
    const diff = values(got).map((v, i) => Math.abs(v - want[i]!));
    expect(Math.max(...diff)).toBeLessThan(1e-6);
    const meta = (model.getUserDefinedMetadata() as { trio: {
      facade: string; output: string; classes: number[] } }).trio;
    expect([meta.facade, meta.output, meta.classes])
      .toEqual(['torch', 'logits', [0, 1, 2]]);
    model.dispose();
    tf.dispose([expected, got]);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
    x.dispose();
  });

  it('marks a chain ending in Softmax as probabilities', () => {
    const seq = new nn.Sequential(new nn.Flatten(), new nn.Linear(4, 3),
      new nn.Tanh(), new nn.Dropout(0.1), new nn.Linear(3, 2),
      new nn.Softmax());
    const model = torch.exportLayersModel(seq, [2, 2],
      { classes: ['a', 'b'] });
    expect(model.layers.map((l) => l.getClassName()))
      .toEqual(['Flatten', 'Dense', 'Dropout', 'Dense']);
    const meta = (model.getUserDefinedMetadata() as { trio: {
      output: string; classes: string[] } }).trio;
    expect([meta.output, meta.classes])
      .toEqual(['probabilities', ['a', 'b']]);
    const x = tf.randomUniform([3, 2, 2], 0, 1, 'float32', 1);
    seq.eval();
    const expected = values(seq(x) as tf.Tensor);
    const got = values(model.predict(x) as tf.Tensor);
    got.forEach((v, i) =>
      expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6));
    model.dispose();
    seq.dispose();
  });

  it('refuses a forward pass that is not a chain, naming the call', () => {
    class Residual extends nn.Module {
      a = new nn.Linear(3, 3);
      b = new nn.Linear(3, 3);
      forward(x: tf.Tensor) {
        return this.b(tf.add(this.a(x), x));
      }
    }
    const m = new Residual();
    expect(() => torch.exportLayersModel(m, [3])).toThrow(
      "exportLayersModel needs a forward pass that is a chain of layers; " +
        "call 2 ('b') does not take the previous layer's output.");
    m.dispose();
  });
});

describe('saveModule, loadModule and loadLayersStateDict', () => {
  it('saves a module that plain tfjs loads and predicts with', async () => {
    torch.manualSeed(4);
    const net = new Net();
    const folder = path.join(tmp, 'net model');
    const x = tf.randomUniform([4, 6], -1, 1, 'float32', 3);
    const expected = tf.tidy(() => values(net(x) as tf.Tensor));
    const before = tf.memory().numTensors;
    await torch.saveModule(net, folder, { inputShape: [6] });
    expect(tf.memory().numTensors).toBe(before);

    const plain = await plainLoad(folder);
    const got = tf.tidy(() => values(plain.predict(x) as tf.Tensor));
    got.forEach((v, i) =>
      expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6));
    plain.dispose();

    const seq = await torch.loadModule(folder);
    expect(seq.toString()).toBe([
      'Sequential(',
      '  (0): Linear(in_features=6, out_features=5, bias=True)',
      '  (1): ReLU()',
      '  (2): Linear(in_features=5, out_features=4, bias=True)',
      '  (3): ReLU()',
      '  (4): Linear(in_features=4, out_features=3, bias=True)',
      ')',
    ].join('\n'));
    const again = tf.tidy(() => values(seq(x) as tf.Tensor));
    again.forEach((v, i) =>
      expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6));
    seq.dispose();

    const sd = await torch.loadLayersStateDict(folder);
    expect(Object.keys(sd)).toEqual(Object.keys(net.stateDict()));
    const copy = new Net();
    copy.loadStateDict(sd);
    tf.dispose(sd);
    expect(values(copy.fc2.weight)).toEqual(values(net.fc2.weight));
    copy.dispose();
    // Leak check: loading and rebuilding left nothing behind.
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
    x.dispose();
  });

  it('refuses state from a model no torch module saved', async () => {
    const model = tf.sequential({ layers: [
      tf.layers.dense({ units: 2, inputShape: [3] })] });
    const folder = path.join(tmp, 'plain');
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'model.json'), JSON.stringify({
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'],
          weights: artifacts.weightSpecs }],
      }));
      fs.writeFileSync(path.join(folder, 'weights.bin'),
        Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(),
        modelTopologyType: 'JSON' } };
    }));
    model.dispose();
    await expect(torch.loadLayersStateDict(folder)).rejects.toThrow(
      'the model was not saved from a torch module (its ' +
        'userDefinedMetadata.trio has no state.chain); use loadModule.');
    const seq = await torch.loadModule(folder);
    expect(seq.toString()).toBe('Sequential(\n  (0): Linear(in_features=3, ' +
      'out_features=2, bias=True)\n)');
    seq.dispose();
  });
});
