import type * as tf from '@tensorflow/tfjs';
import type { Matrix } from '../data/matrix.js';
import type { Reporter } from '../reporter.js';

/** The three facades a comparison can use. */
export const FACADES = ['sklearn', 'keras', 'torch'] as const;
export type FacadeName = (typeof FACADES)[number];

/**
 * Training data as the comparison hands it to a facade: features already
 * scaled, labels already encoded as class indices 0..classes.length-1.
 */
export interface TrainingData {
  x: Matrix;
  y: Int32Array;
  /** Original labels, in index order (sorted, as scikit-learn sorts). */
  classes: readonly (number | string)[];
}

export interface RunContext {
  reporter: Reporter;
  /** Model name from the config, for progress lines. */
  model: string;
  /** Global seed from the config, when set. */
  seed?: number;
  /** Held-out data the facade may use for validation (Keras's val_*). */
  validation?: TrainingData;
  /** Aborted on Ctrl-C: stop after the current step. */
  signal?: AbortSignal;
}

/** What every facade's config runner returns after training. */
export interface TrainedModel {
  /** Epochs (sklearn: iterations) actually run. */
  epochs: number;
  /** Mean training loss per epoch. */
  lossCurve: number[];
  /** Validation loss per epoch, when the facade computed one. */
  valLossCurve?: number[];
  /** Class indices for each row of `x`. */
  predict(x: Matrix): Int32Array;
  /** Class probabilities, row-major [rows, classes]. */
  predictProba(x: Matrix): Float32Array;
  /** The model as a plain tfjs LayersModel (caller disposes it). */
  toLayersModel(): tf.LayersModel;
  /** Facade-specific state for the saved model's user metadata. */
  metadata(): Record<string, unknown>;
  /** Frees every tensor the model holds. */
  dispose(): void;
}

/**
 * One facade's entry point for configs. `section` is the model's entry in
 * the config minus `name` and `facade`, in the Python spellings; `keyPath`
 * (such as `models[1]`) prefixes every error so the user finds the key.
 */
export type FacadeRunner = (
  section: Record<string, unknown>,
  keyPath: string,
  data: TrainingData,
  context: RunContext,
) => Promise<TrainedModel>;

/**
 * What each facade exports for the comparison: `check` validates a config
 * section before any training starts; `run` trains it.
 */
export interface FacadeEntry {
  check(section: Record<string, unknown>, keyPath: string): void;
  run: FacadeRunner;
}
