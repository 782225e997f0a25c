/**
 * Preload for measurements only: starts the 'wasm' backend on the
 * multi-threaded SIMD build (see `wasm_threads.ts`) with
 * `TRIO_WASM_THREADS` threads (default 2).
 *
 *   TRIO_WASM_THREADS=2 node --import tsx \
 *     --import ./scripts/bench/wasm_threads_preload.ts scripts/bench.ts ...
 */
import { useThreadedWasm } from './wasm_threads.js';

useThreadedWasm(Number(process.env['TRIO_WASM_THREADS'] ?? '2'));
