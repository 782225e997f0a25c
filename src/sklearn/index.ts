/**
 * The scikit-learn-style facade: `MLPClassifier` shaped after
 * `sklearn.neural_network.MLPClassifier` (scikit-learn 1.2), and its entry
 * for comparison configs.
 */
export { MLPClassifier } from './mlp_classifier.js';
export type { FitControl, FittedState } from './mlp_classifier.js';
export type {
  Activation,
  LearningRateSchedule,
  MLPClassifierOptions,
  Solver,
} from './options.js';
export type { Label } from './labels.js';
export type { OutActivation } from './network.js';
export { sklearnEntry } from './runner.js';
