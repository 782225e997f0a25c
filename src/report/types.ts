/**
 * One trained model as the report shows it: a row of the side-by-side
 * table, its loss curves, its confusion matrix and its classification
 * report. The comparison's own result type (`src/compare`) fits it as is.
 */
export interface ModelResult {
  /** Model name from the config; also names the chart files. */
  name: string;
  /** `sklearn`, `keras` or `torch`. */
  facade: string;
  /** tfjs backend the model trained on (`wasm`, `tensorflow`, `cpu`). */
  backend: string;
  /** Epochs (scikit-learn: iterations) actually run. */
  epochs: number;
  /** Wall-clock training time in seconds. */
  trainSeconds: number;
  /** Test accuracy in [0, 1]; NaN when the model did not train. */
  accuracy: number;
  /** Test macro-averaged F1 in [0, 1]; NaN when the model did not train. */
  macroF1: number;
  /** Mean training loss per epoch (scikit-learn's `loss_curve_`). */
  lossCurve: readonly number[];
  /** Validation loss per epoch, when the facade computed one. */
  valLossCurve?: readonly number[];
  /**
   * Rows true labels, columns predicted, both in `classes` order; empty
   * when the model did not train.
   */
  confusion: readonly (readonly number[])[];
  /** scikit-learn's classification report text; may be empty. */
  report: string;
  /** Class labels in confusion-matrix order. */
  classes: readonly (number | string)[];
  /** `done`, `interrupted`, `skipped` or `failed`; `done` when absent. */
  status?: string;
  /** Why the model failed or was skipped. */
  error?: string;
  /** Folder the trained model was saved to. */
  savedTo?: string;
}
