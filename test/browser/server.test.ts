import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  digits,
  startExampleServer,
  tfjsBundlePath,
} from '../../examples/browser/server.js';
import type { ExampleServer } from '../../examples/browser/server.js';
import { readMnistIdx } from '../../src/data/mnist.js';
import { saveLayersModel } from '../../src/io/file_system.js';
import { denseModel } from '../io/helpers.js';

let tmp: string;
let server: ExampleServer;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-server-'));
  const model = denseModel([784, 8, 10]);
  await saveLayersModel(model, path.join(tmp, 'model'));
  model.dispose();
  fs.writeFileSync(path.join(tmp, 'secret.bin'), 'not for the browser');
  server = await startExampleServer({ model: path.join(tmp, 'model') });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A raw GET that keeps the path as written (no `..` folding). */
function get(rawPath: string, method = 'GET'):
  Promise<{ status: number; body: Buffer; type: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({
          status: res.statusCode!,
          body: Buffer.concat(chunks),
          type: String(res.headers['content-type']),
        }));
      });
    req.on('error', reject);
    req.end();
  });
}

describe('the example server', () => {
  it('listens on loopback only', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    await expect(startExampleServer({
      model: path.join(tmp, 'model'), host: '0.0.0.0',
    })).rejects.toThrow("The example server listens on loopback only " +
      "(127.0.0.1, ::1, localhost); got '0.0.0.0'.");
  });

  it('serves the page, the tfjs bundle and the model', async () => {
    expect((await get('/')).body.toString()).toContain('<script ' +
      'src="tf.min.js"></script>');
    const bundle = await get('/tf.min.js');
    expect(bundle.body.equals(fs.readFileSync(tfjsBundlePath()))).toBe(true);
    expect(bundle.type).toBe('text/javascript; charset=utf-8');
    const json = JSON.parse((await get('/model/model.json')).body.toString());
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    // 784*8 + 8 + 8*10 + 10 = 6370 float32 values.
    expect((await get('/model/weights.bin')).body.length).toBe(6370 * 4);
  });

  it('serves MNIST test digits as stored in the IDX file', async () => {
    const body = JSON.parse(
      (await get('/digits.json?count=3&offset=2')).body.toString());
    const raw = readMnistIdx('test', 5);
    expect(body.labels).toEqual(Array.from(raw.labels.subarray(2, 5)));
    expect(body.pixels).toEqual(
      Array.from(raw.pixels.subarray(2 * 784, 5 * 784)));
    expect(digits(1).labels).toEqual([raw.labels[0]]);
  });

  it('reaches nothing else', async () => {
    for (const p of ['/../secret.bin', '/model/../secret.bin',
      '/model/%2e%2e%2fsecret.bin', '/model/..%5csecret.bin',
      '/model/.hidden.bin', '/server.ts']) {
      const res = await get(p);
      expect([p, res.status]).toEqual([p, 404]);
    }
    expect((await get('/model/%E0')).status).toBe(400);
    expect((await get('/', 'POST')).status).toBe(405);
  });
});
