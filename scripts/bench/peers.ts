/**
 * Runs the same work through scikit-learn and PyTorch (scripts in
 * `scripts/peers/`) with `/usr/bin/python3`, one process per measurement.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTracked } from './children.js';
import type { TimedRun } from './timed_run.js';

export const PYTHON = '/usr/bin/python3';
const PEERS = path.join(
  path.dirname(fileURLToPath(import.meta.url)), '..', 'peers');

export interface PeerResult extends TimedRun {
  /**
   * 'PyTorch' runs with 2 threads (its default on 2 cores, as the issue
   * measured it); 'PyTorch 1 thread' is its fastest setting here.
   */
  peer: 'scikit-learn' | 'PyTorch' | 'PyTorch 1 thread';
  /** Epoch time of every run, when the benchmark ran several. */
  runSeconds?: number[];
  /** Median of `runSeconds` (`secondsPerEpoch` is the fastest). */
  medianSecondsPerEpoch?: number;
}

const SCRIPTS = {
  'scikit-learn': 'sklearn_mlp.py',
  PyTorch: 'torch_mlp.py',
  'PyTorch 1 thread': 'torch_mlp.py',
} as const;

export function pythonAvailable(): boolean {
  return fs.existsSync(PYTHON);
}

/** Trains the tutorial network with one peer and reads its JSON line. */
export async function runPeer(
  peer: PeerResult['peer'],
  batch: number,
  epochs: number,
  rows: number | undefined,
): Promise<PeerResult> {
  if (!pythonAvailable()) {
    return { peer, batch, status: 'not available', reason: `no ${PYTHON}` };
  }
  const args = [
    path.join(PEERS, SCRIPTS[peer]),
    '--batch', String(batch),
    '--epochs', String(epochs),
    ...(rows === undefined ? [] : ['--rows', String(rows)]),
  ];
  const threads = peer === 'PyTorch 1 thread' ? '1' : '2';
  if (peer !== 'scikit-learn') {
    args.push('--threads', threads);
  }
  try {
    const { stdout } = await runTracked(PYTHON, args, {
      maxBuffer: 1 << 20,
      // One thread per BLAS pool: torch sets its own threads.
      env: { ...process.env, OMP_NUM_THREADS: threads,
        MKL_NUM_THREADS: threads },
    });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    const seconds: number = out.seconds;
    const ran: number = out.epochs;
    return {
      peer,
      batch,
      status: 'ok',
      seconds,
      secondsPerEpoch: seconds / ran,
      epochSeconds: out.epoch_seconds,
      epochs: ran,
      loss: out.loss,
    };
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    const last = stderr.trim().split('\n').at(-1) ?? String(err);
    const missing = /No module named/.test(stderr);
    return {
      peer,
      batch,
      status: missing ? 'not available' : 'failed',
      reason: last,
    };
  }
}

/** pandas.read_csv on `file`, in seconds, or why it could not run. */
export async function pandasReadCsv(
  file: string,
): Promise<{ seconds?: number; reason?: string }> {
  if (!pythonAvailable()) {
    return { reason: `no ${PYTHON}` };
  }
  try {
    const { stdout } = await runTracked(
      PYTHON, [path.join(PEERS, 'pandas_csv.py'), file]);
    return { seconds: JSON.parse(stdout.trim()).seconds };
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    return { reason: stderr.trim().split('\n').at(-1) };
  }
}
