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
