import { createRequire } from 'node:module';
import * as os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataError } from '../errors.js';
import {
  countLineEnds,
  featureCount,
  type ParsedRows,
  parseRows,
  type RowSpec,
} from './csv_rows.js';
import { scanRows } from './csv_scan.js';

/** Files smaller than this are parsed on the calling thread. */
const MIN_PARALLEL_BYTES = 8 << 20;

/** Default thread count: the machine's cores, at most 4. */
export function defaultWorkers(): number {
  return Math.min(os.availableParallelism(), 4);
}

/**
 * The rows of `body`. A plain numeric body is read by `scanRows` on this
 * thread, which is faster than csv-parse on any number of threads. Any
 * other body (or every body, when `spec.engine` is `'csv-parse'`) is read
 * by `parseRows` over `workers` threads: the body is cut at line ends into
 * equal stretches, each parsed through csv-parse in its own thread (the
 * first on this one), and the results joined in file order. The first
 * error in file order is the one thrown.
 *
 * A body with any `"` is parsed on this thread alone, since a quoted
 * field may hold a line end where no cut may fall. `inThreads` counts
 * the pieces that worker threads parsed. Bodies under `minBytes` (8 MiB)
 * are parsed on this thread.
 */
export async function parseRowsParallel(
  body: Uint8Array,
  firstLine: number,
  spec: RowSpec,
  workers = defaultWorkers(),
  minBytes = MIN_PARALLEL_BYTES,
): Promise<ParsedRows & { inThreads?: number }> {
  if (spec.engine !== 'csv-parse') {
    const fast = scanRows(body, firstLine, spec);
    if (fast !== undefined) {
      return fast;
    }
  }
  if (
    workers <= 1 ||
    body.length < minBytes ||
    Buffer.from(body.buffer, body.byteOffset, body.byteLength).includes(0x22)
  ) {
    return parseRows(body, firstLine, spec);
  }
  const pieces = cutAtLineEnds(body, workers, firstLine);
  const threads = pieces.slice(1).map((p) => startWorker(p, spec));
  try {
    const results = [parseRows(pieces[0]!.body, pieces[0]!.line, spec)];
    let inThreads = 0;
    for (const thread of threads) {
      const { rows, inThread } = await thread.result;
      results.push(rows);
      inThreads += inThread ? 1 : 0;
    }
    return { ...join(results, featureCount(spec)), inThreads };
  } finally {
    for (const thread of threads) {
      void thread.worker.terminate();
    }
  }
}

interface Piece {
  body: Uint8Array;
  line: number;
}

function cutAtLineEnds(
  body: Uint8Array,
  count: number,
  firstLine: number,
): Piece[] {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const pieces: Piece[] = [];
  let start = 0;
  let line = firstLine;
  for (let k = 1; k <= count && start < buffer.length; k++) {
    let end = buffer.length;
    if (k < count) {
      const cut = buffer.indexOf(10, Math.floor((buffer.length * k) / count));
      end = cut === -1 ? buffer.length : cut + 1;
    }
    if (end <= start) {
      continue;
    }
    const piece = buffer.subarray(start, end);
    pieces.push({ body: piece, line });
    line += countLineEnds(piece);
    start = end;
  }
  return pieces;
}

interface Thread {
  worker: Worker;
  /** `inThread` is false when this thread had to parse the piece. */
  result: Promise<{ rows: ParsedRows; inThread: boolean }>;
}

function startWorker(piece: Piece, spec: RowSpec): Thread {
  const worker = newWorker({ body: piece.body, firstLine: piece.line, spec });
  const reply = new Promise<ParsedRows>((resolve, reject) => {
    worker.once('message', (m: WorkerReply) => {
      if (m.ok) {
        resolve(m.rows);
      } else if (m.dataError) {
        reject(new DataError(m.message, spec.file, m.row, m.column));
      } else {
        reject(new Error(m.message));
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`CSV worker thread stopped with exit code ${code}.`));
    });
  });
  const result = reply.then(
    (rows) => ({ rows, inThread: true }),
    (error: unknown) => {
      // Only the data can be wrong: a thread that failed for any other
      // reason leaves its piece to this thread.
      if (error instanceof DataError) {
        throw error;
      }
      return { rows: parseRows(piece.body, piece.line, spec),
        inThread: false };
    },
  );
  // A rejection is read in file order; until then it must not count as
  // unhandled.
  result.catch(() => undefined);
  return { worker, result };
}

function newWorker(workerData: unknown): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) {
    return new Worker(new URL('./csv_worker.js', self), { workerData });
  }
  // NOTE [workers from sources]: under tsx or vitest this module is
  // TypeScript; the worker registers tsx's loader before importing its
  // .ts entry (a plain `--import tsx` does not reach worker threads).
  const require = createRequire(self);
  const api = require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const entry = new URL('./csv_worker.ts', self).href;
  const code =
    `import(${JSON.stringify(pathToFileURL(api).href)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData });
}

type WorkerReply =
  | { ok: true; rows: ParsedRows }
  | {
      ok: false;
      dataError: boolean;
      message: string;
      row?: number;
      column?: string | number;
    };

function join(parts: ParsedRows[], features: number): ParsedRows {
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const data = new Float32Array(rows * features);
  const lines = new Int32Array(rows);
  const labels: string[] = [];
  let at = 0;
  for (const part of parts) {
    data.set(part.data, at * features);
    lines.set(part.lines, at);
    for (const label of part.labels) {
      labels.push(label);
    }
    at += part.rows;
  }
  return { data, rows, labels, lines };
}
