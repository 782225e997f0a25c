import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * test/fixtures/metrics/metrics_cases.json, written by
 * scripts/fixtures/metrics.py with scikit-learn 1.2.1 and numpy 1.24.
 */
export interface MetricsFixtures {
  sklearn_version: string;
  cases: MetricsCase[];
  arrays: { matrix: number[][]; str: string }[];
}

export type PyKwargs = Record<string, unknown>;

export interface MetricsCase {
  name: string;
  y_true: (number | string)[];
  y_pred: (number | string)[];
  accuracy: number;
  accuracy_count: number;
  confusion_matrix: number[][];
  confusion_matrix_str: string;
  confusion_matrices: {
    kwargs: PyKwargs;
    matrix: number[][];
    str?: string | null;
  }[];
  reports: {
    kwargs: PyKwargs;
    text: string;
    dict: Record<string, unknown>;
    warnings: string[];
  }[];
  prfs: {
    kwargs: PyKwargs;
    precision: number | number[];
    recall: number | number[];
    fscore: number | number[];
    support: number[] | null;
    warnings: string[];
  }[];
  singles: {
    function: 'f1_score' | 'precision_score' | 'recall_score';
    kwargs: PyKwargs;
    value: number | number[];
    warnings: string[];
  }[];
}

const path = fileURLToPath(
  new URL('../fixtures/metrics/metrics_cases.json', import.meta.url),
);

export const fixtures = JSON.parse(
  readFileSync(path, 'utf8'),
) as MetricsFixtures;

/** Python keyword arguments in the tfjs-trio spelling. */
export function camelOptions(kwargs: PyKwargs): Record<string, unknown> {
  const names: Record<string, string> = {
    labels: 'labels',
    target_names: 'targetNames',
    digits: 'digits',
    zero_division: 'zeroDivision',
    average: 'average',
    pos_label: 'posLabel',
    normalize: 'normalize',
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    const name = names[key];
    if (name === undefined) {
      throw new Error(`fixture uses an unmapped keyword '${key}'`);
    }
    out[name] = value;
  }
  return out;
}

/** A label array as the metrics take it (numbers or strings). */
export function labelsOf(values: (number | string)[]): number[] | string[] {
  return values as number[] | string[];
}
