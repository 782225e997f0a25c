import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../..');
const EPOCHS = 4;
const TEST_ROWS = 500;

// The tutorial port, run as a user runs it, on a slice of MNIST: 1,500
// training rows, 500 test rows, 4 epochs for each model, seeded. Keras
// takes one step per epoch at the tutorial's batch size of 10000, so 4
// epochs is what it needs to be clearly above chance.
let stdout = '';
let stderr = '';

beforeAll(async () => {
  const run = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/tutorial.ts', '--rows', '1500',
      '--test-rows', String(TEST_ROWS), '--epochs', String(EPOCHS),
      '--seed', '42', '--backend', process.env.TRIO_BACKEND ?? 'wasm'],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  stdout = run.stdout;
  stderr = run.stderr;
});

/** Each classification report: its `accuracy` value and support. */
function reports(text: string): { accuracy: number; support: number }[] {
  const pattern = /^ {4}accuracy +(\d\.\d\d) +(\d+)$/gm;
  return [...text.matchAll(pattern)].map((m) => ({
    accuracy: Number(m[1]),
    support: Number(m[2]),
  }));
}

/** The numbers printed after `Accuracy:`, in order. */
function accuracies(text: string): number[] {
  return [...text.matchAll(/^Accuracy: +([\d.e-]+)$/gm)].map((m) =>
    Number(m[1]));
}

describe('scripts/tutorial.ts on a slice of MNIST', () => {
  it('inspects the data as the pandas lines do', () => {
    expect(stdout).toContain('Shape of train:  (1500, 785)');
    expect(stdout).toContain('Shape of test:  (500, 785)');
    // head: the index row 0 starts with label 5, the first MNIST digit.
    expect(stdout).toMatch(/^ +label +1x1 +1x2 .* 1x19$/m);
    expect(stdout).toMatch(/^0 +5 +0 +0/m);
    expect(stdout).toContain('[8 rows x 785 columns]');
    expect(stdout).toContain('Name: label, dtype: int64');
  });

  it('trains each model for the epochs asked', () => {
    // scikit-learn's verbose lines, Keras's epoch headers, the
    // tutorial's own PyTorch line.
    for (let e = 1; e <= EPOCHS; e++) {
      expect(stdout).toMatch(new RegExp(`^Iteration ${e}, loss = `, 'm'));
      expect(stdout).toMatch(new RegExp(`^Epoch ${e}/${EPOCHS}$`, 'm'));
      expect(stdout).toMatch(
        new RegExp(`^Epoch ${e}/${EPOCHS}, Loss: \\d`, 'm'));
    }
    expect(stdout).not.toMatch(/^Epoch 5\//m);
  });

  it('prints three reports and three accuracies above chance', () => {
    const found = reports(stdout);
    const printed = accuracies(stdout);
    expect(found).toHaveLength(3);
    expect(printed).toHaveLength(3);
    for (const [i, report] of found.entries()) {
      expect(report.support).toBe(TEST_ROWS);
      // Ten classes: chance is 0.1. Twice that is a low bar every model
      // clears after 4 epochs (Keras, the slowest, is near 0.4).
      expect(printed[i]).toBeGreaterThan(0.2);
      expect(printed[i]).toBeLessThanOrEqual(1);
      // Each model's accuracy line and its report agree (the report
      // rounds to two decimals).
      expect(report.accuracy).toBeCloseTo(printed[i]!, 2);
    }
  });

  it('writes nothing to stderr but the convergence warning', () => {
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    for (const line of lines) {
      expect(line).toMatch(/ConvergenceWarning/);
    }
  });
});
