/**
 * Facades against the reference tfjs loop, alternating runs so that all
 * see the same machine load, with medians of wall and CPU time (CPU time
 * of this process, less sensitive than wall time to other jobs on a
 * shared machine).
 *
 *   node --import tsx scripts/bench/alternate.ts [--rows 12000]
 *     [--batches 32,200] [--rounds 5]
 *     [--subjects reference,reference+l2,sklearn,keras,torch]
 *     [--backend wasm|cpu|node]
 *
 * `reference+l2` is the reference loop with scikit-learn's L2 penalty
 * (see subjects.ts). A subject
 * `<facade>@/path/to/checkout` loads that checkout's facade, to compare
 * before and after a change in one process.
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '../../src/backend/select.js';
import { mnistMatrix } from '../../src/data/mnist.js';
import type { FacadeName } from '../../src/compare/types.js';
import { liveTensors, loadFacade, loadSubject } from './subjects.js';
import type { Subject } from './subjects.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '12000' },
    batches: { type: 'string', default: '32,200' },
    rounds: { type: 'string', default: '5' },
    subjects: { type: 'string', default: 'reference,keras' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const rows = Number(args.rows);
const batches = args.batches!.split(',').map(Number);
const rounds = Number(args.rounds);

await selectBackend(args.backend as Parameters<typeof selectBackend>[0]);
const { x, y } = mnistMatrix('train', { limit: rows });
const data = { x, y, classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
const subjects: Subject[] = [];
for (const name of args.subjects!.split(',')) {
  // `keras@/other/checkout`: the facade of another tree (a "before").
  const [facade, tree] = name.split('@') as [string, string | undefined];
  const loaded = tree === undefined ? await loadSubject(facade)
    : await ((await import(`${tree}/scripts/bench/subjects.ts`))
      .loadFacade as typeof loadFacade)(facade as FacadeName);
  if (tree !== undefined) {
    loaded.name = name;
  }
  if ('unavailable' in loaded) {
    throw new Error(`${name}: ${loaded.unavailable}`);
  }
  subjects.push(loaded);
}

// Warm-up: code loading, JIT, wasm heap growth. One epoch of all the
// data: with a small slice, the first full-size runs were still 1.5x slow.
for (const s of subjects) {
  await s.train(data, { batchSize: batches[0]!, epochs: 1, seed: 42 });
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

for (const batch of batches) {
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so neither subject always runs first.
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) {
      const before = liveTensors();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await s.train(data, { batchSize: batch, epochs: 1, seed: 42 });
      const t = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const leaked = liveTensors() - before;
      if (leaked !== 0) {
        process.stderr.write(`${s.name} left ${leaked} tensors alive\n`);
      }
      wall.set(s.name, [...(wall.get(s.name) ?? []), t]);
      cpu.set(s.name, [...(cpu.get(s.name) ?? []),
        (c.user + c.system) / 1e6]);
    }
  }
  const ref = subjects[0]!.name;
  for (const s of subjects) {
    const w = median(wall.get(s.name)!);
    const c = median(cpu.get(s.name)!);
    const rw = w / median(wall.get(ref)!);
    const rc = c / median(cpu.get(ref)!);
    console.log(`batch ${batch} ${s.name.padEnd(20)} wall ` +
      `${w.toFixed(2)} s (x${rw.toFixed(3)})  cpu ${c.toFixed(2)} s ` +
      `(x${rc.toFixed(3)})  runs ${wall.get(s.name)!
        .map((v) => v.toFixed(2)).join(' ')}`);
  }
}
