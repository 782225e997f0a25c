import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic.js';

/**
 * Where and when `loadCsv` keeps parsed matrices.
 */
export interface CacheOptions {
  /**
   * Folder of cache files.
   * @default `.trio-cache` beside the CSV file
   */
  dir?: string;
  /**
   * Files smaller than this are parsed every time (parsing them costs
   * less than reading a cache file).
   * @default 1048576 (1 MiB)
   */
  minBytes?: number;
}

/** What identifies one version of a source file on disk. */
export interface SourceStamp {
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
}

/** A parsed CSV as the cache stores it. */
export interface CachedTable {
  data: Float32Array;
  rows: number;
  cols: number;
  featureNames: string[];
  labelName: string;
  labelColumn: number;
  y: Int32Array | string[];
  /** 1-based file line of each row. */
  lines: Int32Array;
}

const MAGIC = 'TRIOCSV1';
// Version 2 added the file line of each row, stored before the labels.
const VERSION = 2;

/** Stamp of `stats`, read with `{bigint: true}`. */
export function stampOf(stats: fs.BigIntStats): SourceStamp {
  return {
    size: String(stats.size),
    mtimeNs: String(stats.mtimeNs),
    ctimeNs: String(stats.ctimeNs),
    ino: String(stats.ino),
    dev: String(stats.dev),
  };
}

export function sameStamp(a: SourceStamp, b: SourceStamp): boolean {
  return (
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs &&
    a.ino === b.ino &&
    a.dev === b.dev
  );
}

/**
 * The cache file for `file` parsed with `parseOptions`: the options are
 * hashed into the name, the file's stamp is stored inside and checked on
 * every read.
 */
export function cacheFileFor(
  file: string,
  parseOptions: Record<string, unknown>,
  dir?: string,
): string {
  const key = createHash('sha1')
    .update(JSON.stringify({ version: VERSION, ...parseOptions }))
    .digest('hex')
    .slice(0, 16);
  const folder = dir ?? path.join(path.dirname(file), '.trio-cache');
  return path.join(folder, `${path.basename(file)}.${key}.bin`);
}

/**
 * Milliseconds during which a file changed at `stamp` could change again
 * without its timestamps moving: one timestamp tick. File systems that
 * keep whole seconds get a wide window.
 */
export function racyWindowMs(stamp: SourceStamp): number {
  const second = 1_000_000_000n;
  const coarse =
    BigInt(stamp.mtimeNs) % second === 0n &&
    BigInt(stamp.ctimeNs) % second === 0n;
  return coarse ? 2500 : 100;
}

/** True where typed arrays can be written to disk and read back as is. */
export function cacheSupported(): boolean {
  return os.endianness() === 'LE';
}

/**
 * Reads a cache file written for `stamp`. Returns undefined when the file
 * is missing, unreadable, corrupt or was made from another version of the
 * source (any stamp field differs).
 */
export async function readCache(
  cacheFile: string,
  stamp: SourceStamp,
): Promise<CachedTable | undefined> {
  let buffer: Buffer;
  try {
    // NOTE [sync read]: one blocking read of the ~190 MB file measured
    // about 25 % faster than fs.promises.readFile's 512 KiB steps, and
    // the cached load is the one that must stay well under 0.3 s.
    buffer = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  try {
    return decode(buffer, stamp);
  } catch {
    return undefined;
  }
}

/** Writes the cache file atomically (temporary file, then rename). */
export async function writeCache(
  cacheFile: string,
  stamp: SourceStamp,
  table: CachedTable,
): Promise<void> {
  const labels =
    table.y instanceof Int32Array
      ? bytesOf(table.y)
      : Buffer.from(JSON.stringify(table.y), 'utf8');
  const head = {
    version: VERSION,
    stamp,
    rows: table.rows,
    cols: table.cols,
    featureNames: table.featureNames,
    labelName: table.labelName,
    labelColumn: table.labelColumn,
    labelKind: table.y instanceof Int32Array ? 'int32' : 'string',
    labelBytes: labels.length,
  };
  let json = JSON.stringify(head);
  const start = MAGIC.length + 4;
  const headBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((4 - ((start + headBytes) % 4)) % 4);
  const prefix = Buffer.alloc(start + Buffer.byteLength(json, 'utf8'));
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(Buffer.byteLength(json, 'utf8'), MAGIC.length);
  prefix.write(json, start, 'utf8');
  await writeFileAtomic(cacheFile, [
    prefix,
    bytesOf(table.data),
    bytesOf(table.lines),
    labels,
  ]);
  await removeOtherVersions(cacheFile);
}

/**
 * Deletes the cache files of the same source written with other parse
 * options, so the cache holds one parse per CSV file (each can be larger
 * than the CSV itself) instead of one per set of options ever used.
 */
async function removeOtherVersions(cacheFile: string): Promise<void> {
  const folder = path.dirname(cacheFile);
  const name = path.basename(cacheFile);
  const source = name.replace(/\.[0-9a-f]{16}\.bin$/, '');
  const sibling = new RegExp(`^${escapeRegExp(source)}\\.[0-9a-f]{16}` +
    '\\.bin$');
  for (const entry of await fs.promises.readdir(folder)) {
    if (entry !== name && sibling.test(entry)) {
      // One that cannot be deleted only costs disk space.
      await fs.promises.rm(path.join(folder, entry), { force: true })
        .catch(() => undefined);
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function bytesOf(array: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function decode(buffer: Buffer, stamp: SourceStamp): CachedTable | undefined {
  if (buffer.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    return undefined;
  }
  const jsonBytes = buffer.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const head = JSON.parse(
    buffer.toString('utf8', start, start + jsonBytes),
  ) as {
    version: number;
    stamp: SourceStamp;
    rows: number;
    cols: number;
    featureNames: string[];
    labelName: string;
    labelColumn: number;
    labelKind: 'int32' | 'string';
    labelBytes: number;
  };
  if (head.version !== VERSION || !sameStamp(head.stamp, stamp)) {
    return undefined;
  }
  const dataAt = start + jsonBytes;
  const dataBytes = head.rows * head.cols * 4;
  const linesAt = dataAt + dataBytes;
  const labelsAt = linesAt + head.rows * 4;
  if (buffer.length !== labelsAt + head.labelBytes) {
    return undefined;
  }
  const y =
    head.labelKind === 'int32'
      ? int32View(buffer, labelsAt, head.rows)
      : (JSON.parse(
          buffer.toString('utf8', labelsAt, labelsAt + head.labelBytes),
        ) as string[]);
  if (y.length !== head.rows) {
    return undefined;
  }
  return {
    data: float32View(buffer, dataAt, head.rows * head.cols),
    rows: head.rows,
    cols: head.cols,
    featureNames: head.featureNames,
    labelName: head.labelName,
    labelColumn: head.labelColumn,
    y,
    lines: int32View(buffer, linesAt, head.rows),
  };
}

function float32View(b: Buffer, at: number, length: number): Float32Array {
  if ((b.byteOffset + at) % 4 === 0) {
    return new Float32Array(b.buffer, b.byteOffset + at, length);
  }
  return new Float32Array(b.buffer.slice(b.byteOffset + at,
    b.byteOffset + at + length * 4));
}

function int32View(b: Buffer, at: number, length: number): Int32Array {
  if ((b.byteOffset + at) % 4 === 0) {
    return new Int32Array(b.buffer, b.byteOffset + at, length);
  }
  return new Int32Array(b.buffer.slice(b.byteOffset + at,
    b.byteOffset + at + length * 4));
}
