import { constants } from 'node:buffer';

/**
 * The most values one typed array can hold in this JavaScript engine
 * (2^32 in Node 20). Every tfjs tensor's values are made, read or kept in
 * one typed array, so no tensor can be larger.
 */
export const MAX_TYPED_ARRAY_LENGTH: number = constants.MAX_LENGTH;

/**
 * The wasm backend's whole heap, in bytes: tfjs-backend-wasm 4.22 is built
 * for 32-bit WebAssembly with a 4 GiB - 64 KiB maximum (its emscripten
 * `getHeapMax`). Every tensor on that backend lives in it.
 */
export const WASM_HEAP_BYTES = 4294901760;

/** Bytes as GiB with three significant digits: `292 GiB`, `2.92 GiB`. */
export function formatGiB(bytes: number): string {
  return `${Number((bytes / 2 ** 30).toPrecision(3))} GiB`;
}
