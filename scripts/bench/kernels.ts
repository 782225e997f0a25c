/**
 * Micro-benchmark of the wasm kernels a dense training step uses, with and
 * without the fast paths of `src/backend/wasm_kernels.ts`.
 *
 *   node --import tsx scripts/bench/kernels.ts [--reps 20]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  installWasmFastPaths,
  uninstallWasmFastPaths,
} from '../../src/backend/wasm_kernels.js';

const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 20;

/** Median milliseconds of `fn` over REPS runs after two warm-ups. */
function time(fn: () => tf.Tensor | tf.Tensor[]): number {
  const times: number[] = [];
  for (let i = 0; i < REPS + 2; i++) {
    const start = performance.now();
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    list.forEach((t) => t.dataSync());
    const ms = performance.now() - start;
    tf.dispose(list);
    if (i >= 2) times.push(ms);
  }
  times.sort((p, q) => p - q);
  return times[Math.floor(times.length / 2)]!;
}

await tf.setBackend('wasm');
await tf.ready();

interface Case {
  name: string;
  flops?: number;
  fn: () => tf.Tensor | tf.Tensor[];
}

function matMulCases(m: number, k: number, n: number): Case[] {
  const a = tf.randomUniform([m, k]);
  const aT = tf.randomUniform([k, m]);
  const b = tf.randomUniform([k, n]);
  const bT = tf.randomUniform([n, k]);
  const bias = tf.randomUniform([n]);
  const flops = 2 * m * k * n;
  const tag = `[${m},${k}]x[${k},${n}]`;
  return [
    { name: `matMul ${tag}`, flops, fn: () => tf.matMul(a, b) },
    { name: `matMul tA ${tag}`, flops, fn: () => tf.matMul(aT, b, true) },
    {
      name: `matMul tB ${tag}`,
      flops,
      fn: () => tf.matMul(a, bT, false, true),
    },
    {
      name: `matMul tA tB ${tag}`,
      flops,
      fn: () => tf.matMul(aT, bT, true, true),
    },
    {
      name: `fused relu ${tag}`,
      flops,
      fn: () => tf.fused.matMul({ a, b, bias, activation: 'relu' }),
    },
    {
      name: `fused relu tB ${tag}`,
      flops,
      fn: () =>
        tf.fused.matMul({ a, b: bT, transposeB: true, bias,
          activation: 'relu' }),
    },
  ];
}

function otherCases(rows: number): Case[] {
  const h = tf.randomNormal([rows, 128]);
  const dy = tf.randomNormal([rows, 128]);
  const logits = tf.randomNormal([rows, 10]);
  const labels = tf.tensor1d(
    Int32Array.from({ length: rows }, (_, i) => i % 10), 'int32');
  const w = tf.randomNormal([784, 128]);
  const x = tf.randomUniform([rows, 784]);
  const onesHot = tf.oneHot(labels, 10);
  return [
    { name: `relu grad [${rows},128]`, fn: () => tf.mul(dy, tf.step(h)) },
    {
      name: `relu grad (tf.grad) [${rows},128]`,
      fn: () => tf.grad((v: tf.Tensor) => tf.relu(v))(h, dy),
    },
    { name: `logSoftmax [${rows},10]`, fn: () => tf.logSoftmax(logits) },
    { name: `softmax [${rows},10]`, fn: () => tf.softmax(logits) },
    {
      name: `softmaxCE+grad [${rows},10]`,
      fn: () =>
        tf.grad((l: tf.Tensor) =>
          tf.losses.softmaxCrossEntropy(onesHot, l))(logits),
    },
    { name: `sum axis0 [${rows},128]`, fn: () => tf.sum(h, 0) },
    { name: `oneHot [${rows}]`, fn: () => tf.oneHot(labels, 10) },
    {
      name: `gather rows [${rows}] of x`,
      fn: () => tf.gather(x, tf.range(0, rows, 1, 'int32')),
    },
    {
      name: 'adam-like update [784,128]',
      fn: () => {
        const m = tf.add(tf.mul(w, 0.9), tf.mul(w, 0.1));
        const v = tf.add(tf.mul(w, 0.999), tf.mul(tf.square(w), 0.001));
        return tf.sub(w, tf.div(tf.mul(m, 0.001),
          tf.add(tf.sqrt(v), 1e-7)));
      },
    },
    { name: 'transpose [784,128]', fn: () => tf.transpose(w) },
    {
      name: 'tile [1,1] to [784,128]',
      fn: () => tf.tile(tf.tensor2d([[0.5]]), [784, 128]),
    },
    {
      name: 'where with a scalar [784,128]',
      fn: () => tf.where(tf.isFinite(w), w, tf.scalar(0)),
    },
    {
      name: `transpose [${rows},784]`,
      fn: () => tf.transpose(x),
    },
  ];
}

const mnistSized = tf.randomUniform([60000, 784]);
const sliceCases: Case[] = [32, 200].map((rows) => ({
  name: `slice ${rows} rows of [60000,784]`,
  fn: () => tf.slice(mnistSized, [rows * 7, 0], [rows, 784]),
}));

const cases: Case[] = [
  ...sliceCases,
  ...matMulCases(200, 784, 128),
  ...matMulCases(32, 784, 128),
  ...matMulCases(10000, 784, 128),
  ...matMulCases(200, 128, 64),
  ...otherCases(200),
  ...otherCases(10000),
];

uninstallWasmFastPaths();
const before = cases.map((c) => time(c.fn));
installWasmFastPaths();
const after = cases.map((c) => time(c.fn));

const rows = cases.map((c, i) => {
  const gf = (ms: number) =>
    c.flops === undefined ? '' : (c.flops / ms / 1e6).toFixed(1);
  return [
    c.name,
    before[i]!.toFixed(3),
    after[i]!.toFixed(3),
    gf(before[i]!),
    gf(after[i]!),
  ];
});
const header = ['case', 'ms before', 'ms after', 'GF/s before', 'GF/s after'];
const widths = header.map((h, j) =>
  Math.max(h.length, ...rows.map((r) => r[j]!.length)));
for (const r of [header, ...rows]) {
  console.log(r.map((v, j) =>
    j === 0 ? v.padEnd(widths[j]!) : v.padStart(widths[j]!)).join('  '));
}
