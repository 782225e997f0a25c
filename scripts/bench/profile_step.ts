/**
 * Per-kernel time of one training step of the reference network, summed
 * over a few steps with `tf.profile`: shows where a step's time goes.
 *
 *   node --import tsx scripts/bench/profile_step.ts [batch] [steps]
 *     [--no-fast-paths]
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select.js';
import { uninstallWasmFastPaths } from '../../src/backend/wasm_kernels.js';
import { mnistMatrix } from '../../src/data/mnist.js';
import { ReferenceDenseNetwork } from
  '../../src/reference/dense_network.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const batch = Number(positional[0] ?? 200);
const steps = Number(positional[1] ?? 20);
await selectBackend('wasm');
if (process.argv.includes('--no-fast-paths')) uninstallWasmFastPaths();

const { x, y } = mnistMatrix('train', { limit: batch * steps });
const net = new ReferenceDenseNetwork(784, 10);
net.fit(x, y, { batchSize: batch }); // warm-up, creates Adam's state
const variables = [...net.weights, ...net.biases];

const totals = new Map<string, { ms: number; calls: number }>();
let wall = 0;
for (let s = 0; s < steps; s++) {
  const start = performance.now();
  const info = await tf.profile(() => {
    tf.tidy(() => {
      const rows = x.data.subarray(s * batch * 784, (s + 1) * batch * 784);
      const xb = tf.tensor2d(rows, [batch, 784]);
      const yb = tf.oneHot(
        tf.tensor1d(y.subarray(s * batch, (s + 1) * batch), 'int32'), 10);
      net.optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(yb, net.logits(xb)),
        true, variables);
    });
  });
  wall += performance.now() - start;
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const entry = totals.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs);
    entry.calls++;
    totals.set(key, entry);
  }
}
net.dispose();

const sorted = [...totals.entries()].sort((p, q) => q[1].ms - p[1].ms);
const kernelMs = sorted.reduce((sum, [, v]) => sum + v.ms, 0);
const calls = sorted.reduce((sum, [, v]) => sum + v.calls, 0);
console.log(`batch ${batch}: ${(wall / steps).toFixed(2)} ms per step ` +
  `(profiled), ${(kernelMs / steps).toFixed(2)} ms in kernels, ` +
  `${calls / steps} kernels per step`);
console.log('ms/step  calls  kernel [input shapes]');
for (const [key, v] of sorted.slice(0, 25)) {
  console.log(`${(v.ms / steps).toFixed(3).padStart(7)}  ` +
    `${(v.calls / steps).toFixed(0).padStart(5)}  ${key}`);
}
