// Worker thread entry: parses one stretch of a CSV file through
// csv-parse (see csv_parallel.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { DataError } from '../errors.js';
import { parseRows, type RowSpec } from './csv_rows.js';

const job = workerData as { body: Uint8Array; firstLine: number;
  spec: RowSpec };
try {
  const rows = parseRows(job.body, job.firstLine, job.spec);
  parentPort!.postMessage({ ok: true, rows },
    [rows.data.buffer as ArrayBuffer, rows.lines.buffer as ArrayBuffer]);
} catch (error) {
  const e = error as DataError;
  parentPort!.postMessage({
    ok: false,
    dataError: error instanceof DataError,
    message: e.message,
    row: e.row,
    column: e.column,
  });
}
