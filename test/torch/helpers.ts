import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import * as torch from '../../src/torch/index.js';

const { nn } = torch;

/** The fixtures scripts/fixtures/torch_facade.py wrote with PyTorch 1.13. */
export const FIXTURE_DIR = path.join(
  path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'torch');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fx: any = JSON.parse(
  fs.readFileSync(path.join(FIXTURE_DIR, 'torch_facade.json'), 'utf8'));

/** The fixtures' network, 6-5-4-3 with ReLU, as the tutorial writes it. */
export class Net extends nn.Module {
  fc1 = new nn.Linear(6, 5);
  fc2 = new nn.Linear(5, 4);
  fc3 = new nn.Linear(4, 3);
  relu = new nn.ReLU();

  forward(x: tf.Tensor): tf.Tensor {
    x = this.relu(this.fc1(x));
    x = this.relu(this.fc2(x));
    return this.fc3(x);
  }
}

/** Asserts every element of `actual` is within `tol` of `expected`. */
export function expectClose(
  actual: tf.Tensor | number[] | number,
  expected: unknown,
  tol = 1e-5,
): void {
  const a = actual instanceof tf.Tensor
    ? Array.from(actual.dataSync())
    : [actual].flat(Infinity as 1) as number[];
  const e = [expected].flat(Infinity as 1) as number[];
  expect(a.length).toBe(e.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - e[i]!));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Asserts a module's state dict equals a fixture's {key: nested list}. */
export function expectState(
  module: torch.nn.Module,
  expected: Record<string, unknown>,
  tol = 1e-5,
): void {
  const sd = module.stateDict();
  expect(Object.keys(sd)).toEqual(Object.keys(expected));
  for (const [k, v] of Object.entries(expected)) {
    expectClose(sd[k]!, v, tol);
  }
}

/** Makes the fixture's tensors: float features and int class targets. */
export function floats(values: unknown): tf.Tensor {
  return tf.tensor(values as number[][], undefined, 'float32');
}
export function ints(values: unknown): tf.Tensor {
  return tf.tensor(values as number[], undefined, 'int32');
}
