import { ModelFileError, describeValue } from '../errors.js';
import { listChoices } from '../util/options.js';

/**
 * What tfjs-trio stores in a saved model's `userDefinedMetadata.trio`, so
 * its own loader can restore a full facade object while plain
 * `tf.loadLayersModel` still needs nothing from tfjs-trio.
 */
export interface TrioMetadata {
  /** Format version of this block. */
  version: 1;
  facade: 'sklearn' | 'keras' | 'torch';
  /** Original class labels, in output-column order. */
  classes: (number | string)[];
  /**
   * What the LayersModel's output holds: probabilities (softmax or
   * logistic already applied) or raw logits (torch modules end in logits).
   */
  output: 'probabilities' | 'logits';
  /** Features were divided by this before training; apply it to new data. */
  scale?: number;
  /** Feature column names, in order, when known. */
  featureNames?: string[];
  /** Name of the label column in the training CSV, when known. */
  labelName?: string;
  /** The facade's options in their Python spellings. */
  options?: Record<string, unknown>;
  /** Facade state that is not a weight (sklearn's lossCurve, nIter...). */
  state?: Record<string, unknown>;
  /** Metrics measured on the test set at training time. */
  testMetrics?: Record<string, number>;
}

export const METADATA_KEY = 'trio';

const FACADE_NAMES = ['sklearn', 'keras', 'torch'] as const;
const OUTPUT_KINDS = ['probabilities', 'logits'] as const;

/**
 * Checks a saved model's `userDefinedMetadata` and returns its `trio`
 * block. Every problem is a `ModelFileError` naming `file` and the key
 * (`userDefinedMetadata.trio.classes`...), since a model whose metadata is
 * wrong would predict wrong labels or scale its input wrongly.
 */
export function parseTrioMetadata(
  userDefinedMetadata: unknown,
  file: string,
): TrioMetadata {
  const key = `userDefinedMetadata.${METADATA_KEY}`;
  const fail = (what: string): never => {
    throw new ModelFileError(`${file}: ${what}`, file);
  };
  const block = (userDefinedMetadata as Record<string, unknown> | undefined)
    ?.[METADATA_KEY];
  if (block === undefined || block === null) {
    fail(
      `the model has no ${key}, so it was not saved by tfjs-trio and its ` +
        `classes and input scaling are unknown. Load it with plain ` +
        `tf.loadLayersModel (or loadLayersModel from tfjs-trio) instead.`,
    );
  }
  if (typeof block !== 'object' || Array.isArray(block)) {
    fail(`${key} must be an object; got ${describeValue(block)}.`);
  }
  const meta = block as Record<string, unknown>;
  if (meta.version !== 1) {
    fail(
      `${key}.version is ${describeValue(meta.version)}; this tfjs-trio ` +
        `reads version 1.`,
    );
  }
  if (!FACADE_NAMES.includes(meta.facade as (typeof FACADE_NAMES)[number])) {
    fail(
      `${key}.facade must be ${listChoices(FACADE_NAMES)}; got ` +
        `${describeValue(meta.facade)}.`,
    );
  }
  const classes = meta.classes;
  if (!Array.isArray(classes) || classes.length === 0 ||
      !classes.every((c) => typeof c === 'string' ||
        (typeof c === 'number' && Number.isFinite(c)))) {
    fail(
      `${key}.classes must be a non-empty list of class labels (numbers ` +
        `or strings); got ${describeValue(classes)}.`,
    );
  }
  if (new Set((classes as unknown[]).map(String)).size !==
      (classes as unknown[]).length) {
    fail(`${key}.classes lists a class twice: ${describeValue(classes)}.`);
  }
  if (!OUTPUT_KINDS.includes(meta.output as (typeof OUTPUT_KINDS)[number])) {
    fail(
      `${key}.output must be ${listChoices(OUTPUT_KINDS)}; got ` +
        `${describeValue(meta.output)}.`,
    );
  }
  if (meta.scale !== undefined && !(typeof meta.scale === 'number' &&
      Number.isFinite(meta.scale) && meta.scale > 0)) {
    fail(
      `${key}.scale must be a positive number; got ` +
        `${describeValue(meta.scale)}.`,
    );
  }
  if (meta.featureNames !== undefined &&
      !(Array.isArray(meta.featureNames) &&
        meta.featureNames.every((n) => typeof n === 'string'))) {
    fail(
      `${key}.featureNames must be a list of column names; got ` +
        `${describeValue(meta.featureNames)}.`,
    );
  }
  if (meta.labelName !== undefined && typeof meta.labelName !== 'string') {
    fail(
      `${key}.labelName must be a string; got ` +
        `${describeValue(meta.labelName)}.`,
    );
  }
  return meta as unknown as TrioMetadata;
}
