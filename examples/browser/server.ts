import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMnistIdx } from '../../src/data/mnist.js';
import { resolveLoadPaths } from '../../src/io/file_system.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The tfjs browser bundle shipped in the `@tensorflow/tfjs` package. */
export function tfjsBundlePath(): string {
  const require = createRequire(import.meta.url);
  // The package's main file is dist/tf.node.js; the bundle sits beside it.
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs')),
    'tf.min.js');
}

export interface ExampleServerOptions {
  /** Folder (or model.json) of the saved model served under /model/. */
  model: string;
  /** Only loopback addresses are accepted. @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
}

export interface ExampleServer {
  /** Base URL, such as `http://127.0.0.1:41234/`. */
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/**
 * Serves the browser example on a loopback address: the page and its
 * script, the tfjs bundle from node_modules (no CDN), the saved model's
 * files under `/model/`, and MNIST test digits as JSON under
 * `/digits.json?count=N&offset=M` (pixels 0-255, at most 100 digits).
 * Only GET and HEAD; nothing outside these files is reachable.
 */
export async function startExampleServer(
  options: ExampleServerOptions,
): Promise<ExampleServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.includes(host)) {
    throw new Error(
      `The example server listens on loopback only (${LOOPBACK.join(', ')});` +
        ` got '${host}'.`,
    );
  }
  const { folder, jsonPath } = resolveLoadPaths(options.model);
  if (!fs.existsSync(jsonPath)) {
    throw new Error(`No model to serve: ${jsonPath} does not exist.`);
  }
  const files: Record<string, string> = {
    '/': path.join(HERE, 'index.html'),
    '/index.html': path.join(HERE, 'index.html'),
    '/app.js': path.join(HERE, 'app.js'),
    '/tf.min.js': tfjsBundlePath(),
    '/model/model.json': jsonPath,
  };
  const server = http.createServer((req, res) => {
    try {
      handle(req, res, files, folder);
    } catch (err) {
      send(res, 500, 'text/plain', `Server error: ${(err as Error).message}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}

function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  files: Record<string, string>,
  folder: string,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain', 'Only GET and HEAD are served.');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    send(res, 400, 'text/plain', 'Malformed URL.');
    return;
  }
  if (pathname === '/digits.json') {
    const count = clamp(Number(url.searchParams.get('count') ?? 10), 1, 100);
    const offset = clamp(Number(url.searchParams.get('offset') ?? 0), 0,
      9_900);
    send(res, 200, TYPES['.json']!, JSON.stringify(digits(count, offset)));
    return;
  }
  let file = files[pathname];
  if (file === undefined && pathname.startsWith('/model/')) {
    // A weight shard: a plain file name inside the model folder.
    const name = pathname.slice('/model/'.length);
    if (/^[^/\\]+\.bin$/.test(name) && !name.startsWith('.')) {
      file = path.join(folder, name);
    }
  }
  if (file === undefined || !fs.statSync(file, {
    throwIfNoEntry: false,
  })?.isFile()) {
    send(res, 404, 'text/plain', `Not found: ${pathname}`);
    return;
  }
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  send(res, 200, type, req.method === 'HEAD' ? '' : fs.readFileSync(file));
}

function send(
  res: http.ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
  });
  res.end(body);
}

function clamp(value: number, low: number, high: number): number {
  return Number.isInteger(value) ? Math.min(high, Math.max(low, value)) : low;
}

/** MNIST test digits `offset .. offset + count - 1`, pixels 0-255. */
export function digits(count: number, offset = 0): {
  rows: number;
  cols: number;
  offset: number;
  labels: number[];
  pixels: number[];
} {
  const raw = readMnistIdx('test', offset + count);
  return {
    rows: count,
    cols: raw.cols,
    offset,
    labels: Array.from(raw.labels.subarray(offset, offset + count)),
    pixels: Array.from(raw.pixels.subarray(offset * raw.cols,
      (offset + count) * raw.cols)),
  };
}
