/**
 * Experiment (not shipped): the multi-threaded SIMD build of
 * tfjs-backend-wasm 4.22 in Node 20, against the single-threaded SIMD build
 * that `selectBackend` uses.
 *
 *   # matMul GFLOP/s, st and mt processes alternated, medians printed
 *   node --import tsx scripts/bench/wasm_threads.ts [--rounds 6]
 *     [--threads 2]
 *   # one process, one mode (what the driver runs)
 *   node --import tsx scripts/bench/wasm_threads.ts --mode mt --threads 2
 *   # any other script on the threaded build (e.g. an epoch):
 *   TRIO_WASM_THREADS=2 node --import tsx \
 *     --import ./scripts/bench/wasm_threads_preload.ts \
 *     scripts/bench.ts --subjects reference --batches 200,10000 --no-csv
 *
 * Why tfjs cannot do it by itself in Node (dist/tf-backend-wasm.node.js of
 * 4.22):
 * - the `WASM_HAS_MULTITHREAD_SUPPORT` flag returns false whenever
 *   `IS_NODE` (line ~7632, "TODO(annxingyuan): Enable node support",
 *   tensorflow/tfjs#3830);
 * - forcing the flag (`tf.env().set(..., true)`) makes `init()` hand
 *   Emscripten a `blob:` URL for the pthread worker (`locateFile`, line
 *   ~9323) and a `Blob` as `mainScriptUrlOrBlob` (line ~9363); Node's
 *   `new Worker` (line ~8145) rejects it: ERR_WORKER_PATH "The worker
 *   script or module filename must be an absolute path or a relative path
 *   starting with './' or '../'. Received "blob:nodedata:...", and
 *   `setBackend('wasm')` fails.
 * - even when started, the C side caps the pool at
 *   `emscripten_num_logical_cores() / 2` (backend.cc `num_cores`), which is
 *   1 on this 2-vCPU machine, whatever `setThreadsCount` asks for.
 *
 * What this script does instead: it re-registers the 'wasm' backend with a
 * factory that runs the package's own `wasm-out/` Emscripten module
 * (identical `.wasm` to `dist/`) with a `data:` URL worker (the package's
 * `wasmWorkerContents`, with `require` and `__filename` supplied), the
 * `.js` path as `mainScriptUrlOrBlob`, and an `instantiateWasm` hook that
 * reports twice the requested thread count as logical cores; then it
 * `unref`s the pthread workers, which Emscripten `ref`s while a thread runs
 * (pthreadpool threads run forever), so Node can still exit by itself.
 */
import * as tf from '@tensorflow/tfjs';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as WorkerThreads from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** The parts of the Emscripten module this experiment touches. */
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): unknown;
  PThread: {
    runningWorkers: { unref(): void }[];
    unusedWorkers: { unref(): void; terminate(): void }[];
  };
  tfjs?: unknown;
}

/**
 * Makes the 'wasm' backend start on the threaded SIMD build with `threads`
 * XNNPACK threads (the calling thread counts as one). Call before
 * `tf.setBackend('wasm')` and before any other wasm initialisation.
 */
export function useThreadedWasm(threads: number): void {
  const root = dirname(dirname(require.resolve(
    '@tensorflow/tfjs-backend-wasm')));
  const mainJs = join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const wasmFile = mainJs.replace(/\.js$/, '.wasm');
  const factory = loadFactory(mainJs);
  const { wasmWorkerContents } = require(
    mainJs.replace(/\.js$/, '.worker.js')) as { wasmWorkerContents: string };
  // The worker source sits in a template literal in the package: its "\n"
  // escapes became real newlines inside string literals (tfjs undoes the
  // same thing in init()).
  const workerSource =
    `import { createRequire } from 'node:module';\n` +
    `const require = createRequire(${JSON.stringify(mainJs)});\n` +
    `const __filename = ${JSON.stringify(mainJs)};\n` +
    wasmWorkerContents.replace(/\n/g, '\\n');
  const workerUrl = new URL(
    'data:text/javascript,' + encodeURIComponent(workerSource));

  tf.removeBackend('wasm');
  tf.registerBackend('wasm', async () => {
    const module = await factory({
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.worker.js') ? workerUrl : prefix + path,
      mainScriptUrlOrBlob: mainJs,
      instantiateWasm: (
        info: { env: Record<string, unknown> },
        receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void,
      ) => {
        // backend.cc uses logical cores / 2, capped at 8.
        info['env']['emscripten_num_logical_cores'] = () => 2 * threads;
        WebAssembly.instantiate(readFileSync(wasmFile), info as never)
          .then((r) => receive(r.instance, r.module))
          .catch((e: unknown) => console.error(e));
        return {};
      },
    });
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap(
        'init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap(
        'register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    wasmBackend.setThreadsCount(threads);
    const backend = new wasmBackend.BackendWasm(module as never);
    for (const worker of module.PThread.runningWorkers) worker.unref();
    return backend;
  }, 2);
}

/**
 * The Emscripten factory of `mainJs`, evaluated with a `worker_threads`
 * whose `Worker` starts with no `execArgv`: by default a worker inherits
 * the parent's flags, so `--import tsx --import <preload>.ts` would run
 * in every pthread worker and fail there (ERR_UNKNOWN_FILE_EXTENSION,
 * thrown into the main thread by the glue's `worker.onerror`: exit 7).
 */
function loadFactory(mainJs: string): (c: object) => Promise<EmscriptenModule> {
  const threads = require('node:worker_threads') as typeof WorkerThreads;
  class Worker extends threads.Worker {
    constructor(file: string | URL, options?: WorkerThreads.WorkerOptions) {
      super(file, { execArgv: [], ...options });
    }
  }
  const patched = { ...threads, Worker };
  const scopedRequire = (id: string): unknown =>
    id === 'worker_threads' ? patched : require(id);
  const module = { exports: {} as unknown };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', '__filename', '__dirname',
    readFileSync(mainJs, 'utf8'))(
    scopedRequire, module, module.exports, mainJs, dirname(mainJs));
  return module.exports as (c: object) => Promise<EmscriptenModule>;
}

/** GFLOP/s of `tf.matMul` on [m,k]x[k,n], median of 5 timed rounds. */
function matMulRate(m: number, k: number, n: number): number {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  tf.matMul(a, b).dispose();
  const reps = Math.max(3, Math.round(2e9 / (2 * m * k * n)));
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }
    times.push((performance.now() - start) / reps);
  }
  tf.dispose([a, b]);
  return (2 * m * k * n) / median(times) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  return sorted[sorted.length >> 1]!;
}

const SHAPES = [[200, 784, 128], [10000, 784, 128]] as const;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: {
      mode: { type: 'string' },
      threads: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '6' },
    },
  });
  const threads = Number(args.threads);
  if (args.mode !== undefined) {
    if (args.mode === 'mt') useThreadedWasm(threads);
    await tf.setBackend('wasm');
    await tf.ready();
    const rates = SHAPES.map(([m, k, n]) => matMulRate(m, k, n));
    console.log(JSON.stringify({
      mode: args.mode, threads: wasmBackend.getThreadsCount(), rates,
    }));
  } else {
    const results: Record<string, number[][]> = { st: [], mt: [] };
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const mode of ['st', 'mt']) {
        const run = spawnSync(process.execPath, [
          ...process.execArgv, fileURLToPath(import.meta.url),
          '--mode', mode, '--threads', String(threads),
        ], { encoding: 'utf8', timeout: 120_000 });
        const line = run.stdout.trim().split('\n').pop() ?? '';
        if (run.status !== 0 || !line.startsWith('{')) {
          console.error(`${mode} failed (status ${run.status}): ` +
            run.stderr.slice(0, 500));
          continue;
        }
        console.log(line);
        results[mode]!.push((JSON.parse(line) as { rates: number[] }).rates);
      }
    }
    for (const mode of ['st', 'mt']) {
      const runs = results[mode]!;
      const cells = SHAPES.map(([m, k, n], i) =>
        `[${m},${k}]x[${k},${n}] ` +
        `${median(runs.map((r) => r[i]!)).toFixed(1)} GFLOP/s`);
      console.log(`${mode} (median of ${runs.length}): ${cells.join(', ')}`);
    }
  }
}
