import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MLPClassifierOptions } from '../../src/sklearn/options.js';
import { camelName } from '../../src/sklearn/options.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(HERE, '..', 'fixtures', 'sklearn_mlp');

/** One scikit-learn 1.2.1 run written by scripts/fixtures/sklearn_mlp.py. */
export interface SklearnRun {
  dataset: 'iris' | 'wine' | 'breast_cancer';
  label: string;
  args: Record<string, unknown>;
  initial_coefs: number[][];
  initial_intercepts: number[][];
  n_iter: number;
  t: number;
  loss: number;
  loss_curve: number[];
  best_loss: number | null;
  validation_scores: number[] | null;
  best_validation_score: number | null;
  train_accuracy: number;
  test_accuracy: number;
  predict_proba_head: number[][];
  n_outputs: number;
  n_layers: number;
  out_activation: string;
  convergence_warnings: string[];
  verbose_lines: string[];
  /** String labels: label_names[i] stands for class i, else null. */
  label_names: string[] | null;
  classes: (number | string)[];
  predict_head: (number | string)[];
  es_train_index?: number[];
  es_val_index?: number[];
}

export interface Dataset {
  x_train: number[][];
  x_test: number[][];
  y_train: number[];
  y_test: number[];
}

const read = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));

export interface PartialFitRun {
  dataset: string;
  args: Record<string, unknown>;
  batches: number[][];
  repeat: number;
  losses: number[];
  t: number[];
  n_iter: number[];
  test_accuracy: number;
  predict_proba_head: number[][];
}

export const fixture = read('runs.json') as {
  sklearn: string;
  runs: SklearnRun[];
  partial_fit: PartialFitRun;
  bad_options: { option: string; value: unknown; message: string }[];
};

export const datasets = read('datasets.json') as Record<string, Dataset>;

/** The run's data, with its string labels when it has them. */
export function dataOf(run: SklearnRun): {
  x_train: number[][];
  x_test: number[][];
  y_train: (number | string)[];
  y_test: (number | string)[];
} {
  const d = datasets[run.dataset]!;
  const names = run.label_names;
  if (names === null) {
    return d;
  }
  return {
    ...d,
    y_train: d.y_train.map((v) => names[v]!),
    y_test: d.y_test.map((v) => names[v]!),
  };
}

/** A run's Python arguments as camelCase constructor options. */
export function optionsOf(
  run: { args: Record<string, unknown> },
): MLPClassifierOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(run.args)) {
    out[camelName(key)!] = value;
  }
  return out as MLPClassifierOptions;
}

export function findRun(dataset: string, label: string): SklearnRun {
  const run = fixture.runs.find(
    (r) => r.dataset === dataset && r.label === label);
  if (run === undefined) {
    throw new Error(`no fixture run ${dataset}/${label}`);
  }
  return run;
}

/** Largest |a - b| / |b| over the common length. */
export function maxRelativeError(a: number[], b: number[]): number {
  let worst = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  }
  return worst;
}
