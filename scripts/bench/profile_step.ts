/**
 * Where a training step's time goes: runs one epoch of `steps` batches
 * through a subject (the reference loop or a facade's config entry) under
 * `tf.profile`, then lists the kernels by total time, per step.
 *
 *   node --import tsx scripts/bench/profile_step.ts [--subject reference]
 *     [--batch 200] [--steps 20] [--no-fast-paths] [--backend wasm|cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../src/backend/select.js';
import { uninstallWasmFastPaths } from '../../src/backend/wasm_kernels.js';
import { mnistMatrix } from '../../src/data/mnist.js';
import { loadSubject } from './subjects.js';

const { values: args } = parseArgs({
  options: {
    subject: { type: 'string', default: 'reference' },
    batch: { type: 'string', default: '200' },
    steps: { type: 'string', default: '20' },
    'no-fast-paths': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
  },
});
const batch = Number(args.batch);
const steps = Number(args.steps);
await selectBackend(args.backend as 'wasm' | 'cpu');
if (args['no-fast-paths']) uninstallWasmFastPaths();

const subject = await loadSubject(args.subject!);
if ('unavailable' in subject) {
  console.error(`${subject.name}: ${subject.unavailable}`);
  process.exit(1);
}
const { x, y } = mnistMatrix('train', { limit: batch * steps });
const data = { x, y, classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
const settings = { batchSize: batch, epochs: 1, seed: 42 };
await subject.train(data, settings); // warm-up

const start = performance.now();
const info = await tf.profile(async () => {
  await subject.train(data, settings);
});
const wall = performance.now() - start;

const totals = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const entry = totals.get(key) ?? { ms: 0, calls: 0 };
  entry.ms += Number(k.kernelTimeMs);
  entry.calls++;
  totals.set(key, entry);
}
const sorted = [...totals.entries()].sort((p, q) => q[1].ms - p[1].ms);
const kernelMs = sorted.reduce((sum, [, v]) => sum + v.ms, 0);
console.log(`${subject.name}, batch ${batch}: ` +
  `${(wall / steps).toFixed(2)} ms per step (profiled, set-up included), ` +
  `${(kernelMs / steps).toFixed(2)} ms in kernels, ` +
  `${(info.kernels.length / steps).toFixed(0)} kernels per step`);
console.log('ms/step  calls/step  kernel [input shapes]');
for (const [key, v] of sorted.slice(0, 25)) {
  console.log(`${(v.ms / steps).toFixed(3).padStart(7)}  ` +
    `${(v.calls / steps).toFixed(1).padStart(10)}  ${key}`);
}
