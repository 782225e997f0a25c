import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliWithData,
  config,
  expectNoStack,
  HEADER,
  kerasModel,
  removeTmp,
  rows,
  savedModels,
  sklearnModel,
  torchModel,
  writeConfig,
  writeData,
} from './helpers.js';
import type { Run } from './helpers.js';

// Issue 8, interrupts: Ctrl-C (SIGINT) to `trio compare`. The first stops
// the model in training after its current step, keeps (saves) the models
// finished so far, names the skipped ones and exits 130; a second quits
// at once. No test here waits on a clock: each signal is sent when the
// output shows the state it needs.

let main: string;
let tmp: string;

beforeAll(() => {
  ({ main, tmp } = cliWithData('trio-bad-interrupt-'));
});
afterAll(() => removeTmp(tmp));

/**
 * Spawns `trio compare`; `when(stdout, stderr)` is asked after each chunk
 * of output and returns how many SIGINTs should have been sent by then.
 */
function interrupted(
  args: string[],
  cwd: string,
  when: (stdout: string, stderr: string) => number,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    let sent = 0;
    const check = () => {
      const want = when(stdout, stderr);
      while (sent < want && child.exitCode === null) {
        child.kill('SIGINT');
        sent += 1;
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// The second model runs 300 steps per epoch (batch 1) for 1000 epochs,
// far longer than any test; it is interrupted after its first epoch line.
const LONG = {
  torch: torchModel('long', { dataloader: { batch_size: 1 },
    optimizer: { type: 'SGD', lr: 0.01 }, epochs: 1000 }),
  keras: kerasModel('long', { epochs: 1000, batch_size: 1 }),
  sklearn: sklearnModel('long', { max_iter: 1000, batch_size: 1,
    verbose: true, tol: 0, n_iter_no_change: 1000 }),
};
const FIRST_LINE = {
  torch: /^Epoch 1\/1000, Loss: /m,
  keras: /^Epoch 1\/1000 /m,
  sklearn: /^Iteration 1, loss = /m,
};

describe('Ctrl-C during trio compare', () => {
  it.each(['torch', 'keras', 'sklearn'] as const)('while the second ' +
    'model (%s) trains: it stops, the finished models are kept, the ' +
    'rest skipped, exit 130', async (facade) => {
    const dir = path.join(tmp, facade);
    writeData(dir);
    const cfg = writeConfig(dir, 'c.yaml', config([
      sklearnModel('first'), LONG[facade], kerasModel('third'),
      torchModel('fourth'),
    ]));
    const run = await interrupted(['compare', cfg], dir,
      (out) => (FIRST_LINE[facade].test(out) ? 1 : 0));
    expectNoStack(run);
    expect(run.stderr).toContain('\nInterrupted: stopping after the ' +
      'current step (press Ctrl-C again to quit at once).\n');
    expect(run.stderr).toContain('Interrupted. Skipped: third, fourth.\n');
    expect(run.stdout).toMatch(/^first +sklearn .* done$/m);
    expect(run.stdout).toMatch(
      new RegExp(`^long +${facade} +wasm +(\\d+) .* interrupted$`, 'm'));
    const epochs = Number(/^long +\w+ +wasm +(\d+)/m.exec(run.stdout)![1]);
    expect(epochs).toBeGreaterThanOrEqual(1);
    expect(epochs).toBeLessThan(1000);
    expect(run.stdout).toMatch(/^third +keras .* skipped$/m);
    expect(run.stdout).toMatch(/^fourth +torch .* skipped$/m);
    expect(run.code).toBe(130);
    // The finished model and the stopped one (with the weights trained so
    // far) are saved; nothing else, and no temporary folder is left.
    expect(fs.readdirSync(path.join(dir, 'out')).sort())
      .toEqual(['first', 'long']);
    for (const name of ['first', 'long']) {
      expect(fs.readdirSync(path.join(dir, 'out', name)).sort())
        .toEqual(['model.json', 'weights.bin']);
    }
  });

  it('a second Ctrl-C quits at once, before the data is even read',
    async () => {
      // A large training file keeps the CSV reader busy while both
      // signals arrive: the first when the backend line shows, the
      // second once the first is acknowledged.
      const dir = path.join(tmp, 'twice');
      writeData(dir);
      const big = rows(400_000, 7).map((r) => r.join(',')).join('\n');
      fs.writeFileSync(path.join(dir, 'big.csv'), `${HEADER}\n${big}\n`);
      const cfg = writeConfig(dir, 'c.yaml', config(
        [sklearnModel('first'), torchModel('second')],
        { train: 'big.csv' }));
      const run = await interrupted(['compare', cfg], dir, (out, err) =>
        (err.includes('Interrupted: stopping') ? 2
          : out.includes('Backend: ') ? 1 : 0));
      expectNoStack(run);
      expect(run.code).toBe(130);
      expect(run.stdout).not.toContain('Data: ');
      expect(run.stdout).not.toContain('model  facade');
      expect(run.stderr).not.toContain('Interrupted. Skipped');
      expect(savedModels(dir)).toEqual([]);
    });
});
