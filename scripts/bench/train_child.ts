/**
 * One round of one benchmark subject, in a process of its own (NOTE
 * [fresh process] in scripts/bench.ts): selects the backend, loads the
 * MNIST rows, trains warm-up epochs, then one measured run per batch
 * size, and prints the results as one JSON line on stdout. Progress goes
 * to stderr.
 *
 *   node --import tsx scripts/bench/train_child.ts '<TrainJob as JSON>'
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { track } from './children.js';
import type { TimedRun } from './timed_run.js';

export interface TrainJob {
  subject: string;
  /** Backend name as `--backend` takes it; undefined: the default. */
  backend?: string;
  /** false: measure the unpatched wasm kernels (`--no-fast-paths`). */
  fastPaths: boolean;
  /** MNIST training rows; undefined: all 60,000. */
  rows?: number;
  batches: number[];
  epochs: number;
  seed: number;
}

/** One measured run (a row of the benchmark's `training` table). */
export interface ChildRun extends TimedRun {
  subject: string;
  /** Tensors left alive by the run (a leak when above 0). */
  leakedTensors?: number;
  /** The backend the child ran on, and whether the wasm fast paths were
   * installed (the parent checks both against its own). */
  backend?: string;
  fastPaths?: boolean;
}

/**
 * Runs `job` in a fresh `node` process and returns one run per batch
 * size; a process that dies is reported as a failure of every run.
 */
export function trainInChild(job: TrainJob): Promise<ChildRun[]> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve) => {
    const child = track(spawn(process.execPath,
      ['--import', 'tsx', self, JSON.stringify(job)],
      { stdio: ['ignore', 'pipe', 'inherit'] }));
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    const failAll = (reason: string) => resolve(job.batches.map((batch) =>
      ({ subject: job.subject, batch, status: 'failed', reason })));
    child.on('error', (err) => failAll(`could not start: ${err.message}`));
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as ChildRun[]);
      } catch {
        failAll(`its process ended (${signal ?? `exit ${code}`}) without ` +
          'results; its messages are above');
      }
    });
  });
}

/** What the child process does. */
async function runJob(job: TrainJob): Promise<ChildRun[]> {
  const progress = (text: string) => process.stderr.write(`${text}\n`);
  const { selectBackend } = await import('../../src/backend/select.js');
  const { uninstallWasmFastPaths, wasmFastPathsInstalled } = await import(
    '../../src/backend/wasm_kernels.js');
  const { mnistMatrix } = await import('../../src/data/mnist.js');
  const subjects = await import('./subjects.js');
  const backend = (await selectBackend(job.backend)).name;
  if (!job.fastPaths) {
    uninstallWasmFastPaths();
  }
  const ran = { backend,
    fastPaths: backend === 'wasm' && wasmFastPathsInstalled() };
  const loaded = await subjects.loadSubject(job.subject);
  if ('unavailable' in loaded) {
    return job.batches.map((batch) => ({ subject: job.subject, batch,
      status: 'not available', reason: loaded.unavailable, ...ran }));
  }
  const { x, y } = mnistMatrix('train',
    job.rows === undefined ? {} : { limit: job.rows });
  const data = { x, y, classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };

  // Warm-up: loading the subject's code, JIT and growing the wasm heap
  // stay out of the measurements. Full-size epochs: after one on 1000
  // rows, the first two full-size runs were still up to 1.6x slow; and
  // at the largest batch too: the keras facade's first epoch at batch
  // 10000 took 1.57 s after warming up at 200, 1.02-1.11 s after one at
  // 10000 (its wasm heap grows to about 650 MB).
  const warmBatches = [...new Set([200, Math.max(...job.batches)]
    .map((b) => Math.min(x.rows, b)))];
  for (const batch of warmBatches) {
    progress(`${job.subject}: warm-up, one epoch at batch ${batch}...`);
    await loaded.train(data, { batchSize: batch, epochs: 1,
      seed: job.seed }).catch(() => undefined); // fails again, measured
  }

  const runs: ChildRun[] = [];
  for (const batch of job.batches) {
    progress(`${job.subject} at batch ${batch}...`);
    const before = subjects.liveTensors();
    try {
      const outcome = await loaded.train(data, {
        batchSize: batch, epochs: job.epochs, seed: job.seed,
      });
      runs.push({
        subject: job.subject,
        batch,
        status: 'ok',
        seconds: outcome.seconds,
        secondsPerEpoch: outcome.seconds / outcome.epochs,
        epochSeconds: outcome.epochSeconds,
        epochs: outcome.epochs,
        loss: outcome.loss,
        leakedTensors: subjects.liveTensors() - before,
        ...ran,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      runs.push({ subject: job.subject, batch, status: 'failed',
        reason: message.split('\n')[0], ...ran });
    }
  }
  return runs;
}

if (process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href) {
  const job = JSON.parse(process.argv[2]!) as TrainJob;
  process.stdout.write(`${JSON.stringify(await runJob(job))}\n`);
}
