import type { Reporter } from '../reporter.js';
import type { CallbackHooks } from './callbacks/callback.js';
import type { FeaturesLike, TargetsLike } from './data.js';
import {
  anything,
  bool,
  checkOptions,
  nonNegativeInt,
  numberIn,
  oneOf,
  positiveInt,
  type OptionTable,
} from './option_specs.js';
import { NotSupportedError } from '../errors.js';
import type { TrainingLogger } from './training_logger.js';

export type Verbose = 0 | 1 | 2 | 'auto';

/** Options of `Sequential.fit`, Keras's arguments in camelCase. */
export interface FitOptions {
  /** Index of the last epoch (with `initialEpoch`). @default 1 */
  epochs?: number;
  /** Samples per gradient step. Python `batch_size`. @default 32 */
  batchSize?: number;
  /**
   * 0 silent, 1 progress bar, 2 one line per epoch; `'auto'` is 1.
   * @default 'auto'
   */
  verbose?: Verbose;
  /** Callback objects (`callbacks.EarlyStopping(...)`, or plain hooks). */
  callbacks?: CallbackHooks[];
  /**
   * Fraction in [0, 1) of the samples, taken from the end before
   * shuffling, used for validation. Python `validation_split`. @default 0
   */
  validationSplit?: number;
  /**
   * `[xVal, yVal]` evaluated after each epoch; overrides
   * `validationSplit`. Python `validation_data`.
   */
  validationData?: [FeaturesLike, TargetsLike];
  /** Reshuffle the training samples each epoch. @default true */
  shuffle?: boolean;
  /** Epoch to start at (for resuming). Python `initial_epoch`. @default 0 */
  initialEpoch?: number;
  /**
   * Batch size for validation. Python `validation_batch_size`.
   * @default batchSize
   */
  validationBatchSize?: number;
  /**
   * tfjs-trio: where verbose output is drawn. @default process.stdout; a
   * bar when it is a terminal, one line per epoch otherwise.
   */
  stream?: NodeJS.WritableStream;
  /** tfjs-trio: send progress to a `Reporter` instead of a stream. */
  reporter?: Reporter;
  /** tfjs-trio: model name in the reporter's progress events. */
  reporterModel?: string;
  /** tfjs-trio: a custom progress logger (replaces stream/reporter). */
  logger?: TrainingLogger;
  /** tfjs-trio: stop after the current step when aborted. */
  signal?: AbortSignal;
  /** Not supported yet. Python `class_weight`. */
  classWeight?: never;
  /** Not supported yet. Python `sample_weight`. */
  sampleWeight?: never;
  /** Not supported yet. Python `steps_per_epoch`. */
  stepsPerEpoch?: never;
  /** Not supported yet. Python `validation_steps`. */
  validationSteps?: never;
  /** Only 1 is supported. Python `validation_freq`. */
  validationFreq?: 1;
}

export const FIT_OPTIONS: OptionTable = {
  epochs: positiveInt,
  batchSize: positiveInt,
  verbose: oneOf([0, 1, 2, 'auto']),
  callbacks: {
    expected: 'a list of callbacks',
    test: (v) => Array.isArray(v) &&
      v.every((c) => typeof c === 'object' && c !== null),
  },
  validationSplit: numberIn(0, 1, { highOpen: true }),
  validationData: {
    expected: 'a pair [xVal, yVal]',
    test: (v) => Array.isArray(v) && v.length === 2,
  },
  shuffle: bool,
  initialEpoch: nonNegativeInt,
  validationBatchSize: positiveInt,
  stream: {
    expected: 'a writable stream',
    test: (v) => typeof (v as { write?: unknown })?.write === 'function',
  },
  reporter: {
    expected: 'a Reporter',
    test: (v) => typeof (v as { line?: unknown })?.line === 'function',
  },
  reporterModel: { expected: 'a string', test: (v) => typeof v === 'string' },
  logger: anything,
  signal: anything,
  classWeight: anything,
  sampleWeight: anything,
  stepsPerEpoch: anything,
  validationSteps: anything,
  validationFreq: anything,
};

/** Validates fit's options, refusing the ones not supported yet. */
export function checkFitOptions(options: FitOptions): void {
  checkOptions('Sequential.fit', options, FIT_OPTIONS);
  for (const key of ['classWeight', 'sampleWeight', 'stepsPerEpoch',
    'validationSteps'] as const) {
    if (options[key] !== undefined) {
      // TODO: weighted losses and step-limited epochs.
      throw new NotSupportedError(
        `Sequential.fit's '${key}' option is not supported yet.`);
    }
  }
  if (options.validationFreq !== undefined && options.validationFreq !== 1) {
    throw new NotSupportedError(
      "Sequential.fit's 'validationFreq' supports only 1 so far.");
  }
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Python `batch_size`. @default 32 */
  batchSize?: number;
  /** 0 silent, 1 progress bar, 2 one line. @default 'auto' (1) */
  verbose?: Verbose;
  /** tfjs-trio: where verbose output goes. @default process.stdout */
  stream?: NodeJS.WritableStream;
}

export const EVALUATE_OPTIONS: OptionTable = {
  batchSize: positiveInt,
  verbose: oneOf([0, 1, 2, 'auto']),
  stream: FIT_OPTIONS['stream']!,
};

/** Options of `predict`. */
export interface PredictOptions {
  /** Python `batch_size`. @default 32 */
  batchSize?: number;
  /**
   * 0 silent, 1 progress bar. @default 0. Differs from Keras ('auto',
   * a bar): predictions are often made one sample at a time.
   */
  verbose?: Verbose;
  /** tfjs-trio: where verbose output goes. @default process.stdout */
  stream?: NodeJS.WritableStream;
}

export const PREDICT_OPTIONS = EVALUATE_OPTIONS;
