import { OptionError } from '../errors.js';
import { listChoices, nearest } from '../util/options.js';
import type { TrioMetadata } from './metadata.js';

/**
 * What the sklearn and keras facades' `save(path, {metadata})` record in
 * `userDefinedMetadata.trio` besides their own fields: how inputs were
 * prepared, so `trio predict` can prepare new data the same way. Spelled
 * as torch's `saveModule(..., {metadata: {scale}})`.
 */
export interface SaveMetadata {
  /** Output-column labels (keras only; sklearn saves its fitted classes). */
  classes?: (number | string)[];
  /** Inputs were divided by this before training (255 for MNIST pixels). */
  scale?: number;
  /** Feature column names, in input order, one per input feature. */
  featureNames?: string[];
  /** Name of the label column of the training CSV. */
  labelName?: string;
  /** Metrics measured on a test set (`{accuracy: 0.97}`). */
  testMetrics?: Record<string, number>;
}

/** The model `metadata` must describe. */
export interface SaveMetadataShape {
  /** Input features per sample, when the model takes a flat vector. */
  features: number | undefined;
  /** Output units (1 stands for two classes). */
  units: number;
  /** Whether `classes` may be given. */
  classes: boolean;
}

/**
 * Checks a `save` call's `metadata` option against the model and returns
 * a copy with only the given fields. Every problem is an `OptionError`
 * naming `metadata.<field>` and `owner`.
 */
export function checkSaveMetadata(
  given: unknown,
  owner: string,
  shape: SaveMetadataShape,
): Partial<TrioMetadata> {
  if (given === undefined) {
    return {};
  }
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new OptionError(`metadata${field}`, owner, expected, value);
  };
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    fail('', 'an object such as {scale: 255}', given);
  }
  const meta = given as Record<string, unknown>;
  const known = ['scale', 'featureNames', 'labelName', 'testMetrics',
    ...(shape.classes ? ['classes'] : [])];
  for (const [key, value] of Object.entries(meta)) {
    if (!known.includes(key)) {
      const guess = nearest(key, known);
      const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
      fail(`.${key}`, `a known field${hint}; known fields are ` +
        listChoices(known), value);
    }
  }
  const out: Partial<TrioMetadata> = {};
  const { scale, featureNames, labelName, testMetrics, classes } = meta;
  if (scale !== undefined) {
    if (typeof scale !== 'number' || !Number.isFinite(scale) ||
        scale <= 0) {
      fail('.scale', 'a positive finite number', scale);
    }
    out.scale = scale as number;
  }
  if (featureNames !== undefined) {
    const n = shape.features;
    if (!Array.isArray(featureNames) ||
        !featureNames.every((f) => typeof f === 'string') ||
        (n !== undefined && featureNames.length !== n)) {
      fail('.featureNames', n === undefined ? 'a list of column names'
        : `a list of ${n} column names, one per input feature`,
      featureNames);
    }
    out.featureNames = [...(featureNames as string[])];
  }
  if (labelName !== undefined) {
    if (typeof labelName !== 'string') {
      fail('.labelName', 'a string', labelName);
    }
    out.labelName = labelName as string;
  }
  if (testMetrics !== undefined) {
    if (typeof testMetrics !== 'object' || testMetrics === null ||
        Array.isArray(testMetrics) || !Object.values(testMetrics)
          .every((v) => typeof v === 'number')) {
      fail('.testMetrics', 'an object of numbers such as {accuracy: 0.9}',
        testMetrics);
    }
    out.testMetrics = { ...(testMetrics as Record<string, number>) };
  }
  if (classes !== undefined) {
    const k = shape.units === 1 ? 2 : shape.units;
    if (!Array.isArray(classes) || classes.length !== k ||
        !classes.every((c) => typeof c === 'string' ||
          (typeof c === 'number' && Number.isFinite(c))) ||
        new Set(classes.map(String)).size !== k) {
      fail('.classes', `a list of ${k} distinct labels (numbers or ` +
        'strings), one per output unit', classes);
    }
    out.classes = [...(classes as (number | string)[])];
  }
  return out;
}
