import * as tf from '@tensorflow/tfjs';
import {
  ConvergenceWarning,
  DataError,
  DivergenceError,
  NotFittedError,
  NotSupportedError,
  OptionError,
  ShapeError,
  TrioWarning,
} from '../errors.js';
import type { Matrix, MatrixLike } from '../data/matrix.js';
import {
  loadLayersModel,
  resolveLoadPaths,
  saveLayersModel,
} from '../io/file_system.js';
import type { SaveOptions } from '../io/file_system.js';
import { METADATA_KEY } from '../io/metadata.js';
import type { TrioMetadata } from '../io/metadata.js';
import { checkSaveMetadata } from '../io/save_metadata.js';
import type { SaveMetadata } from '../io/save_metadata.js';
import { sliceRows, takeRows, toMatrix } from '../data/matrix.js';
import { ConsoleReporter, silentReporter } from '../reporter.js';
import type { Reporter } from '../reporter.js';
import {
  formatGiB,
  MAX_TYPED_ARRAY_LENGTH,
  WASM_HEAP_BYTES,
} from '../util/memory.js';
import { checkKnownKeys } from '../util/options.js';
import { RandomState } from '../util/random.js';
import type { Label } from './labels.js';
import {
  encodeLabels,
  showLabels,
  toLabels,
  uniqueSorted,
} from './labels.js';
import { minimizeLbfgs } from './lbfgs.js';
import {
  buildLayersModel,
  camelOptions,
  checkClassCount,
  keptMetadata,
  pythonOptions,
  readSaved,
} from './model_io.js';
import type { OutActivation, Params } from './network.js';
import {
  disposeParams,
  initParams,
  logits,
  objective,
  objectiveAndGrads,
  outputs,
  paramList,
  paramsFrom,
} from './network.js';
import type {
  MLPClassifierOptions,
  ParamName,
  ResolvedOptions,
} from './options.js';
import { DEFAULTS, OWNER, PARAM_NAMES, resolveOptions } from './options.js';
import { stratifiedSplit } from './split.js';
import { StepGuard } from './step_guard.js';
import type { EpochTotals, StepCheck } from './step_guard.js';
import { AdamOptimizer, SGDOptimizer } from './stochastic_optimizers.js';
import type { StochasticOptimizer } from './stochastic_optimizers.js';

/** tfjs-trio extensions to `fit`, used by the comparison runner. */
export interface FitControl {
  /** Stop after the current step when aborted, keeping the weights. */
  signal?: AbortSignal;
  /** Model name put on progress events. */
  model?: string;
}

/** Fitted state that is not a weight, as saved in model metadata. */
export interface FittedState {
  classes: Label[];
  loss: number;
  bestLoss: number | null;
  lossCurve: number[];
  validationScores: number[] | null;
  bestValidationScore: number | null;
  t: number;
  nFeaturesIn: number;
  nIter: number;
  nLayers: number;
  nOutputs: number;
  outActivation: OutActivation;
}

const YIELD_MS = 50;
const PROGRESS_MS = 250;

/**
 * Multi-layer perceptron classifier shaped after scikit-learn 1.2's
 * `sklearn.neural_network.MLPClassifier`: same options and defaults, same
 * initialisation (bit for bit with the same `randomState`), same Adam, SGD
 * and schedules, same stopping rules, verbose lines and warnings, and the
 * same fitted attributes in camelCase. Written on tfjs ops; float32.
 *
 * Fitted attributes (Python name in brackets): `classes` (classes_),
 * `loss` (loss_), `bestLoss` (best_loss_), `lossCurve` (loss_curve_),
 * `validationScores` (validation_scores_), `bestValidationScore`
 * (best_validation_score_), `t` (t_), `coefs` (coefs_: row-major
 * `Matrix` [fanIn, fanOut] per layer), `intercepts` (intercepts_:
 * `Float32Array` per layer), `nFeaturesIn` (n_features_in_), `nIter`
 * (n_iter_), `nLayers` (n_layers_), `nOutputs` (n_outputs_),
 * `outActivation` (out_activation_).
 *
 * Early stopping holds out a stratified split for two classes and a plain
 * shuffled split for more, as scikit-learn 1.2.1 does (it stratifies only
 * single-output targets), drawn from the same random state.
 *
 * Differs from scikit-learn: computes in float32 (the log-loss clip is
 * float32's eps); lbfgs uses its own strong-Wolfe line search, not
 * scipy's, so its path (not its stopping rules) differs, and its verbose
 * lines are `At iterate N f= ... |proj g|= ...` only; `lossCurve` is also
 * filled for lbfgs (one value per iteration); a single class throws; a
 * non-finite loss or weight stops training at once with a
 * `DivergenceError`, keeping the weights from before that step; a
 * network whose weights the backend cannot hold is refused before
 * allocating (an `OptionError` naming the layer, its shape and size in
 * GiB) where numpy fails while allocating; booleans
 * must be booleans; `fit` is async; call `dispose()` to free the weights.
 *
 * @example
 * const clf = new MLPClassifier({hiddenLayerSizes: [128, 64],
 *   randomState: 42, maxIter: 50});
 * await clf.fit(xTrain, yTrain);
 * const accuracy = clf.score(xTest, yTest);
 */
export class MLPClassifier implements MLPClassifierOptions {
  hiddenLayerSizes?: number | readonly number[];
  activation?: MLPClassifierOptions['activation'];
  solver?: MLPClassifierOptions['solver'];
  alpha?: number;
  batchSize?: 'auto' | number;
  learningRate?: MLPClassifierOptions['learningRate'];
  learningRateInit?: number;
  powerT?: number;
  maxIter?: number;
  shuffle?: boolean;
  randomState?: number | RandomState;
  tol?: number;
  verbose?: boolean | number;
  warmStart?: boolean;
  momentum?: number;
  nesterovsMomentum?: boolean;
  earlyStopping?: boolean;
  validationFraction?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  nIterNoChange?: number;
  maxFun?: number;
  reporter?: Reporter;

  /** Sorted class labels (classes_). */
  classes?: Label[];
  /** Last epoch's mean training loss with the L2 term (loss_). */
  loss?: number;
  /** Lowest loss seen; null with early stopping (best_loss_). */
  bestLoss?: number | null;
  /** Loss after each epoch (loss_curve_). */
  lossCurve?: number[];
  /** Validation accuracy per epoch with early stopping, else null. */
  validationScores?: number[] | null;
  /** Best validation accuracy with early stopping, else null. */
  bestValidationScore?: number | null;
  /** Training samples seen (t_). */
  t?: number;
  /** Number of features seen by fit (n_features_in_). */
  nFeaturesIn?: number;
  /** Epochs (sgd/adam) or iterations (lbfgs) run (n_iter_). */
  nIter?: number;
  /** Layers including input and output (n_layers_). */
  nLayers?: number;
  /** Output units: classes, or 1 for two classes (n_outputs_). */
  nOutputs?: number;
  /** 'softmax' for more than two classes, else 'logistic'. */
  outActivation?: OutActivation;
  /** Warnings of the last fit or partialFit, also sent to the reporter. */
  lastWarnings: TrioWarning[] = [];

  private params?: Params;
  private optimizer?: StochasticOptimizer;
  private noImprovementCount = 0;
  private partialFitClasses = false;
  /** Trio metadata kept from a loaded file (scale, featureNames...). */
  private kept: Partial<TrioMetadata> = {};

  constructor(options: MLPClassifierOptions = {}) {
    checkKnownKeys(options as Record<string, unknown>,
      [...PARAM_NAMES, 'reporter'], OWNER);
    Object.assign(this, options);
  }

  /** Constructor options (scikit-learn's get_params), defaults filled. */
  getParams(): Record<ParamName, unknown> {
    const out = {} as Record<ParamName, unknown>;
    for (const name of PARAM_NAMES) {
      const value = (this as unknown as Record<string, unknown>)[name];
      out[name] = value === undefined ? DEFAULTS[name] : value;
    }
    return out;
  }

  /** Sets options (scikit-learn's set_params); checked at the next fit. */
  setParams(params: MLPClassifierOptions): this {
    checkKnownKeys(params as Record<string, unknown>,
      [...PARAM_NAMES, 'reporter'], OWNER);
    Object.assign(this, params);
    return this;
  }

  /** Weight matrices, row-major [fanIn, fanOut] (coefs_). */
  get coefs(): Matrix[] {
    const p = this.fitted();
    return p.coefs.map((c) => ({
      data: c.dataSync() as Float32Array,
      rows: c.shape[0]!,
      cols: c.shape[1]!,
    }));
  }

  /** Bias vectors of each layer after the input (intercepts_). */
  get intercepts(): Float32Array[] {
    return this.fitted().intercepts.map((b) => b.dataSync() as Float32Array);
  }

  /**
   * Trains from scratch (or from the last weights with `warmStart`) for up
   * to `maxIter` epochs. Checks every option first.
   */
  async fit(X: MatrixLike, y: ArrayLike<Label>, control: FitControl = {}) {
    const options = resolveOptions(this.getParams());
    return this.train(options, X, y, false, control);
  }

  /**
   * One epoch over `X, y` (scikit-learn's partial_fit). `classes`, the
   * full list of labels, is required on the first call; a batch may miss
   * some of them. sgd and adam only; early stopping does not apply.
   */
  async partialFit(
    X: MatrixLike,
    y: ArrayLike<Label>,
    classes?: ArrayLike<Label>,
    control: FitControl = {},
  ) {
    const options = resolveOptions(this.getParams());
    if (options.solver === 'lbfgs') {
      throw new NotSupportedError(
        'partial_fit is only available for stochastic optimizers. lbfgs ' +
          'is not stochastic.');
    }
    if (classes === undefined && this.classes === undefined) {
      throw new DataError(
        'classes must be passed on the first call to partial_fit.');
    }
    if (classes !== undefined) {
      const given = uniqueSorted(toLabels(classes, undefined, 'classes'));
      if (given.length < 2) {
        throw new DataError(
          `${OWNER} needs at least 2 classes; classes is ` +
            `${showLabels(given)}.`);
      }
      if (this.classes === undefined || !this.partialFitClasses) {
        if (this.classes !== undefined && !sameLabels(given, this.classes)) {
          throw new DataError(
            `\`classes=${showLabels(given)}\` is not the same as on last ` +
              `call to partial_fit, was: ${showLabels(this.classes)}`);
        }
        this.classes = given;
        this.partialFitClasses = true;
      } else if (!sameLabels(given, this.classes)) {
        throw new DataError(
          `\`classes=${showLabels(given)}\` is not the same as on last ` +
            `call to partial_fit, was: ${showLabels(this.classes)}`);
      }
    }
    return this.train(options, X, y, true, control);
  }

  /**
   * Class probabilities, row-major [rows, classes] in `classes` order.
   * Refuses NaN and infinite values in `X` (as every method taking `X`
   * does), naming the first one's row and column.
   */
  predictProba(X: MatrixLike): Matrix {
    const p = this.fitted();
    const x = this.checkX(X);
    const cols = this.classes!.length;
    const data = tf.tidy(() => {
      const out = outputs(
        logits(tf.tensor2d(x.data, [x.rows, x.cols]), paramList(p),
          this.activation ?? DEFAULTS.activation),
        this.outActivation!);
      const both = this.nOutputs === 1
        ? tf.concat([tf.sub(1, out), out], 1)
        : out;
      return both.dataSync() as Float32Array;
    });
    checkFiniteOutput(data, cols, OWNER);
    return { data, rows: x.rows, cols };
  }

  /** Natural log of `predictProba`. */
  predictLogProba(X: MatrixLike): Matrix {
    const proba = this.predictProba(X);
    const data = proba.data.map(Math.log);
    return { data, rows: proba.rows, cols: proba.cols };
  }

  /**
   * The most likely class of each row, as the original labels. With two
   * classes, the second one wins when its probability is above 0.5.
   */
  predict(X: MatrixLike): Label[] {
    const index = this.predictIndex(X);
    return Array.from(index, (k) => this.classes![k]!);
  }

  /** Mean accuracy of `predict(X)` against `y`. */
  score(X: MatrixLike, y: ArrayLike<Label>): number {
    const x = toMatrix(X);
    const labels = toLabels(y, x.rows);
    const predicted = this.predict(x);
    let hits = 0;
    predicted.forEach((p, i) => {
      hits += p === labels[i] ? 1 : 0;
    });
    return hits / labels.length;
  }

  /** Frees the weights and optimiser state; the model is unfitted after. */
  dispose(): void {
    disposeParams(this.params);
    this.optimizer?.dispose();
    this.params = undefined;
    this.optimizer = undefined;
  }

  /** The fitted state that is not a weight (for saving). */
  fittedState(): FittedState {
    this.fitted();
    return {
      classes: [...this.classes!],
      loss: this.loss!,
      bestLoss: this.bestLoss ?? null,
      lossCurve: [...(this.lossCurve ?? [])],
      validationScores: this.validationScores ?? null,
      bestValidationScore: this.bestValidationScore ?? null,
      t: this.t!,
      nFeaturesIn: this.nFeaturesIn!,
      nIter: this.nIter!,
      nLayers: this.nLayers!,
      nOutputs: this.nOutputs!,
      outActivation: this.outActivation!,
    };
  }

  /**
   * Makes this a fitted model with the given weights (copied) and state
   * (used by `load`). Shapes, `nOutputs` and `outActivation` come from the
   * weights; missing training state gets scikit-learn's empty values.
   */
  restore(
    state: Partial<FittedState> & { classes: Label[] },
    coefs: readonly Matrix[],
    intercepts: readonly Float32Array[],
  ): this {
    const nOutputs = coefs.at(-1)?.cols ?? 0;
    const expected = nOutputs === 1 ? 2 : nOutputs;
    if (coefs.length === 0 || state.classes.length !== expected) {
      throw new DataError(
        `Cannot restore ${OWNER}: ${state.classes.length} classes do not ` +
          `fit an output layer of ${nOutputs} unit(s).`);
    }
    this.dispose();
    this.classes = [...state.classes];
    this.loss = state.loss;
    this.bestLoss = state.bestLoss ?? null;
    this.lossCurve = [...(state.lossCurve ?? [])];
    this.validationScores = state.validationScores ?? null;
    this.bestValidationScore = state.bestValidationScore ?? null;
    this.t = state.t ?? 0;
    this.nIter = state.nIter ?? 0;
    this.nFeaturesIn = coefs[0]!.rows;
    this.nLayers = coefs.length + 1;
    this.nOutputs = nOutputs;
    this.outActivation = nOutputs === 1 ? 'logistic' : 'softmax';
    this.params = paramsFrom(coefs, intercepts);
    return this;
  }

  /**
   * The network as an ordinary tfjs LayersModel: Dense layers with the
   * trained weights, the hidden activation and the output activation
   * (`softmax`, or `sigmoid` for two classes) explicit. The caller
   * disposes it. For two classes it outputs one column, P(classes[1]).
   */
  toLayersModel(): tf.LayersModel {
    const p = this.fitted();
    return buildLayersModel(paramList(p),
      this.activation ?? DEFAULTS.activation, this.outActivation!);
  }

  /**
   * The `userDefinedMetadata.trio` block `save` writes: classes, options
   * in Python spellings, fitted state (lossCurve, nIter, t, bestLoss...),
   * and what `load` kept from the file it read (scale, featureNames,
   * labelName, testMetrics).
   */
  metadata(): TrioMetadata {
    const { classes, ...state } = this.fittedState();
    return {
      version: 1,
      facade: 'sklearn',
      classes,
      output: 'probabilities',
      ...this.kept,
      options: pythonOptions(this.getParams()),
      state: state as unknown as Record<string, unknown>,
    };
  }

  /**
   * Saves as a standard tfjs layers model (`model.json` + `weights.bin`)
   * that plain `tf.loadLayersModel` reads; `MLPClassifier.load` restores
   * the full classifier. Refuses to replace an existing model unless
   * `overwrite`. Returns the absolute folder.
   *
   * `options.metadata` records how inputs were prepared, for `trio
   * predict` and `loadTrioModel`: `{scale: 255, featureNames, labelName,
   * testMetrics}` (spelled as torch's `saveModule(..., {metadata:
   * {scale}})`), written over what `load` kept from the file it read
   * (`fit` from scratch forgets that; `partialFit` and `warmStart` keep
   * all but testMetrics). `featureNames` needs one name per feature.
   * No scikit-learn equivalent (scikit-learn models are pickled).
   *
   * ```js
   * await clf.save('models/mnist', {metadata: {scale: 255}});
   * ```
   */
  async save(
    path: string,
    options: SaveOptions & { metadata?: SaveMetadata } = {},
  ): Promise<string> {
    this.fitted();
    const given = checkSaveMetadata(options.metadata, `${OWNER}.save`, {
      features: this.nFeaturesIn,
      units: this.nOutputs!,
      classes: false,
    });
    const model = this.toLayersModel();
    try {
      model.setUserDefinedMetadata({ [METADATA_KEY]: {
        ...this.metadata(),
        ...given,
      } });
      return await saveLayersModel(model, path,
        options.overwrite === undefined ? {}
          : { overwrite: options.overwrite });
    } finally {
      model.dispose();
    }
  }

  /**
   * Restores a classifier saved by `save`; predictions are unchanged. The
   * trio block's scale, featureNames, labelName and testMetrics are kept
   * for the next `save`. A ModelFileError names the file when the saved
   * classes do not fit the output layer.
   */
  static async load(path: string): Promise<MLPClassifier> {
    const { jsonPath } = resolveLoadPaths(path);
    const model = await loadLayersModel(path);
    try {
      const saved = readSaved(model, path);
      const meta = saved.metadata;
      checkClassCount(meta, saved.coefs, jsonPath);
      const clf = new MLPClassifier(
        camelOptions(meta.options) as MLPClassifierOptions);
      const state = (meta.state ?? {}) as unknown as FittedState;
      clf.restore({ ...state, classes: meta.classes },
        saved.coefs, saved.intercepts);
      clf.kept = keptMetadata(meta);
      return clf;
    } finally {
      model.dispose();
    }
  }

  /** The live weight variables (coefs then intercepts); do not dispose. */
  weights(): tf.Variable[] {
    return paramList(this.fitted());
  }

  /** Class index of each row's prediction. */
  predictIndex(X: MatrixLike): Int32Array {
    const proba = this.predictProba(X);
    const out = new Int32Array(proba.rows);
    const k = proba.cols;
    for (let i = 0; i < proba.rows; i++) {
      if (this.nOutputs === 1) {
        out[i] = proba.data[i * 2 + 1]! > 0.5 ? 1 : 0;
        continue;
      }
      let best = 0;
      for (let j = 1; j < k; j++) {
        if (proba.data[i * k + j]! > proba.data[i * k + best]!) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  private fitted(): Params {
    if (this.params === undefined || this.classes === undefined) {
      throw new NotFittedError(OWNER, 'fit');
    }
    return this.params;
  }

  /**
   * `X` as a matrix of finite values (refused first, as scikit-learn's
   * check_array does) with the fitted feature count unless `anyWidth`.
   */
  private checkX(X: MatrixLike, anyWidth = false): Matrix {
    const x = toMatrix(X);
    checkFinite(x);
    if (anyWidth) {
      return x;
    }
    if (this.nFeaturesIn !== undefined && x.cols !== this.nFeaturesIn) {
      throw new ShapeError(
        `X has ${x.cols} features, but ${OWNER} is expecting ` +
          `${this.nFeaturesIn} features as input.`,
        [null, this.nFeaturesIn],
        [x.rows, x.cols],
      );
    }
    return x;
  }

  private async train(
    o: ResolvedOptions,
    X: MatrixLike,
    y: ArrayLike<Label>,
    incremental: boolean,
    control: FitControl,
  ): Promise<this> {
    const firstPass = this.params === undefined ||
      (!o.warmStart && !incremental);
    const x = this.checkX(X, firstPass);
    const labels = toLabels(y, x.rows);
    if (firstPass) {
      // Before anything changes: a refused network keeps the last one.
      const nClasses = new Set(labels).size;
      checkWeightsFit([x.cols, ...o.hiddenLayerSizes,
        nClasses === 2 ? 1 : nClasses], o);
    }
    // What `load` kept describes the loaded weights: training from
    // scratch forgets it; continuing keeps all but the test metrics.
    if (firstPass) {
      this.kept = {};
    } else {
      delete this.kept.testMetrics;
    }
    this.setClasses(labels, o, incremental, firstPass);
    const classes = this.classes!;
    const yIndex = encodeLabels(labels, classes);
    const nOutputs = classes.length === 2 ? 1 : classes.length;
    const rs = o.randomState instanceof RandomState
      ? o.randomState
      : new RandomState(o.randomState);
    this.lastWarnings = [];

    if (firstPass) {
      this.initialize(o, x.cols, nOutputs, rs);
    } else {
      const sizes = this.params!.coefs.slice(0, -1).map((c) => c.shape[1]);
      if (sizes.join() !== o.hiddenLayerSizes.join()) {
        throw new OptionError('hiddenLayerSizes', OWNER,
          `[${sizes.join(', ')}], the sizes of the network that ` +
            'warmStart or partialFit continues', o.hiddenLayerSizes);
      }
    }
    if (o.solver === 'lbfgs') {
      this.fitLbfgs(o, x, yIndex);
    } else {
      await this.fitStochastic(o, x, yIndex, rs, incremental, control);
    }
    return this;
  }

  private setClasses(
    labels: Label[],
    o: ResolvedOptions,
    incremental: boolean,
    firstPass: boolean,
  ): void {
    const found = uniqueSorted(labels);
    if (incremental) {
      const extra = found.filter((c) => !this.classes!.includes(c));
      if (extra.length > 0) {
        throw new DataError(
          `\`y\` has classes not in \`self.classes_\`. \`self.classes_\` ` +
            `has ${showLabels(this.classes!)}. 'y' has ` +
            `${showLabels(found)}.`);
      }
      return;
    }
    if (!firstPass && o.warmStart && this.classes !== undefined) {
      if (!sameLabels(found, this.classes)) {
        throw new DataError(
          'warm_start can only be used where `y` has the same classes as ' +
            `in the previous call to fit. Previously got ` +
            `${showLabels(this.classes)}, \`y\` has ${showLabels(found)}`);
      }
      return;
    }
    if (found.length < 2) {
      throw new DataError(
        `${OWNER} needs at least 2 classes in y; got only ` +
          `${showLabels(found)}.`);
    }
    this.classes = found;
    this.partialFitClasses = false;
  }

  private initialize(
    o: ResolvedOptions,
    nFeatures: number,
    nOutputs: number,
    rs: RandomState,
  ): void {
    this.dispose();
    const units = [nFeatures, ...o.hiddenLayerSizes, nOutputs];
    this.nIter = 0;
    this.t = 0;
    this.nOutputs = nOutputs;
    this.nLayers = units.length;
    this.nFeaturesIn = nFeatures;
    this.outActivation = nOutputs === 1 ? 'logistic' : 'softmax';
    this.params = initParams(units, o.activation, rs);
    this.lossCurve = [];
    this.noImprovementCount = 0;
    if (o.solver === 'lbfgs') {
      this.bestLoss = null;
      this.validationScores = null;
      this.bestValidationScore = null;
    } else if (o.earlyStopping) {
      this.validationScores = [];
      this.bestValidationScore = -Infinity;
      this.bestLoss = null;
    } else {
      this.bestLoss = Infinity;
      this.validationScores = null;
      this.bestValidationScore = null;
    }
  }

  private out(o: ResolvedOptions): {
    say: (line: string) => void;
    warn: (w: TrioWarning) => void;
    reporter: Reporter;
  } {
    const reporter = this.reporter ??
      (o.verbose ? new ConsoleReporter() : silentReporter);
    return {
      reporter,
      say: (line) => {
        if (o.verbose) {
          reporter.line(line);
        }
      },
      warn: (w) => {
        this.lastWarnings.push(w);
        reporter.warn(w);
      },
    };
  }

  private oneHot(yIndex: Int32Array): Matrix {
    const k = this.nOutputs!;
    const data = new Float32Array(yIndex.length * k);
    yIndex.forEach((c, i) => {
      if (k === 1) {
        data[i] = c;
      } else {
        data[i * k + c] = 1;
      }
    });
    return { data, rows: yIndex.length, cols: k };
  }

  private async fitStochastic(
    o: ResolvedOptions,
    x: Matrix,
    yIndex: Int32Array,
    rs: RandomState,
    incremental: boolean,
    control: FitControl,
  ): Promise<void> {
    const params = this.params!;
    const vars = paramList(params);
    const { say, warn, reporter } = this.out(o);
    if (!incremental || this.optimizer === undefined) {
      this.optimizer?.dispose();
      this.optimizer = o.solver === 'sgd'
        ? new SGDOptimizer(vars, o.learningRateInit, o.learningRate,
          o.momentum, o.nesterovsMomentum, o.powerT)
        : new AdamOptimizer(vars, o.learningRateInit, o.beta1, o.beta2,
          o.epsilon);
    }
    const optimizer = this.optimizer;

    // Early stopping holds out a stratified split drawn after the init.
    const earlyStopping = o.earlyStopping && !incremental;
    let xTrain = x;
    let yTrain = yIndex;
    let validation: { x: tf.Tensor2D; y: Int32Array } | undefined;
    if (earlyStopping) {
      const split = stratifiedSplit(yIndex, this.classes!.length,
        o.validationFraction, rs);
      xTrain = takeRows(x, split.train);
      yTrain = split.train.map((i) => yIndex[i]!);
      const xVal = takeRows(x, split.test);
      validation = {
        x: tf.tensor2d(xVal.data, [xVal.rows, xVal.cols]),
        y: split.test.map((i) => yIndex[i]!),
      };
    }
    const n = xTrain.rows;
    const yTrainHot = this.oneHot(yTrain);
    let batchSize: number;
    if (o.batchSize === 'auto') {
      batchSize = Math.min(200, n);
    } else {
      if (o.batchSize > n) {
        warn(new TrioWarning(
          'Got `batch_size` less than 1 or larger than sample size. It is ' +
            'going to be clipped'));
      }
      batchSize = Math.min(Math.max(o.batchSize, 1), n);
    }
    const steps = Math.ceil(n / batchSize);
    const sampleIdx = Int32Array.from({ length: n }, (_, i) => i);
    const alpha = o.alpha;
    const activation = o.activation;
    const out = this.outActivation!;

    const guard = new StepGuard();
    let bestWeights: tf.Tensor[] | undefined;
    let lastYield = Date.now();
    try {
      for (let it = 0; it < o.maxIter; it++) {
        if (o.shuffle) {
          rs.shuffle(sampleIdx);
        }
        // Each batch gathers its own rows (the same rows as a permuted
        // copy of the epoch, without the epoch-sized copy).
        const rowsOf = (m: Matrix, start: number, end: number) => o.shuffle
          ? takeRows(m, sampleIdx.subarray(start, end))
          : sliceRows(m, start, end);
        const started = Date.now();
        let aborted = false;
        // One pass over the epoch's batches, checked in `mode`.
        // A replay heeds an abort only where the first pass did.
        let stepsRun = 0;
        const runEpoch = async (mode: StepCheck, abortFrom = 0) => {
          guard.begin(mode);
          let lastProgress = started;
          for (let step = 0; step < steps; step++) {
            const start = step * batchSize;
            const end = Math.min(start + batchSize, n);
            const applied = tf.tidy(() => {
              const xs = rowsOf(xTrain, start, end);
              const ys = rowsOf(yTrainHot, start, end);
              const xb = tf.tensor2d(xs.data, [xs.rows, xs.cols]);
              const yb = tf.tensor2d(ys.data, [ys.rows, ys.cols]);
              const { value, grads } = objectiveAndGrads(xb, yb, vars,
                activation, out, alpha);
              const updates = optimizer.updates(grads);
              const next = vars.map((v, i) => tf.add(v, updates[i]!));
              return guard.apply(step, value, next, vars, end - start);
            });
            if (!applied) {
              break;
            }
            const now = Date.now();
            if (reporter.progress !== undefined &&
                (now - lastProgress >= PROGRESS_MS || step === 0)) {
              lastProgress = now;
              reporter.progress({
                ...(control.model === undefined ? {}
                  : { model: control.model }),
                epoch: this.nIter! + 1,
                epochs: o.maxIter,
                step: step + 1,
                steps,
                elapsed: (now - started) / 1000,
                logs: {},
              });
            }
            if (now - lastYield >= YIELD_MS) {
              lastYield = now;
              await new Promise((resolve) => setImmediate(resolve));
            }
            stepsRun = step + 1;
            if (control.signal?.aborted && stepsRun >= abortFrom) {
              aborted = true;
              break;
            }
          }
          return guard.end();
        };
        // 'epoch' mode checks at the end; a bad epoch is replayed from
        // the state saved here, step by step, to stop where 'sync' would.
        const saved = guard.mode === 'epoch'
          ? { weights: vars.map((v) => tf.clone(v)),
            optimizer: optimizer.checkpoint() }
          : undefined;
        let totals: EpochTotals;
        try {
          totals = await runEpoch(guard.mode);
          if (totals.replay === true && saved !== undefined) {
            vars.forEach((v, i) => v.assign(saved.weights[i]!));
            saved.optimizer.restore();
            const firstPass = aborted ? stepsRun : 0;
            aborted = false;
            totals = await runEpoch('sync', firstPass);
          }
        } finally {
          if (saved !== undefined) {
            tf.dispose(saved.weights);
            saved.optimizer.dispose();
          }
        }

        if (totals.failed !== undefined) {
          const { step, loss } = totals.failed;
          const why = Number.isFinite(loss)
            ? `its update made the weights non-finite (loss ${loss})`
            : `the loss became ${loss}`;
          throw new DivergenceError(
            `Training diverged at epoch ${this.nIter! + 1}, step ` +
              `${step + 1} of ${steps}: ${why}. The weights from before ` +
              'that step are kept. Lower learningRateInit or scale the ' +
              'features.',
            this.nIter! + 1, step + 1);
        }
        if (aborted) {
          warn(new TrioWarning('Training interrupted by user.'));
          break;
        }
        this.nIter! += 1;
        this.loss = totals.lossSum / n;
        this.t! += n;
        this.lossCurve!.push(this.loss);
        say(`Iteration ${this.nIter}, loss = ${this.loss.toFixed(8)}`);
        reporter.progress?.({
          ...(control.model === undefined ? {} : { model: control.model }),
          epoch: this.nIter!,
          epochs: o.maxIter,
          step: steps,
          steps,
          elapsed: (Date.now() - started) / 1000,
          logs: { loss: this.loss },
        });

        // Count epochs without improvement on loss or validation score.
        if (earlyStopping) {
          const score = this.accuracyOn(validation!.x, validation!.y);
          this.validationScores!.push(score);
          say(`Validation score: ${score.toFixed(6)}`);
          if (score < this.bestValidationScore! + o.tol) {
            this.noImprovementCount++;
          } else {
            this.noImprovementCount = 0;
          }
          if (score > this.bestValidationScore!) {
            this.bestValidationScore = score;
            tf.dispose(bestWeights);
            bestWeights = vars.map((v) => tf.clone(v));
          }
        } else {
          const last = this.loss;
          if (last > this.bestLoss! - o.tol) {
            this.noImprovementCount++;
          } else {
            this.noImprovementCount = 0;
          }
          if (last < this.bestLoss!) {
            this.bestLoss = last;
          }
        }
        optimizer.iterationEnds(this.t!);

        if (this.noImprovementCount > o.nIterNoChange) {
          const what = earlyStopping ? 'Validation score' : 'Training loss';
          const message = `${what} did not improve more than ` +
            `tol=${o.tol.toFixed(6)} for ${o.nIterNoChange} consecutive ` +
            'epochs.';
          if (optimizer.triggerStopping(message, say)) {
            break;
          }
          this.noImprovementCount = 0;
        }
        if (incremental) {
          break;
        }
        if (this.nIter === o.maxIter) {
          warn(new ConvergenceWarning(
            `Stochastic Optimizer: Maximum iterations (${o.maxIter}) ` +
              "reached and the optimization hasn't converged yet."));
        }
      }
      if (earlyStopping && bestWeights !== undefined) {
        const best = bestWeights;
        vars.forEach((v, i) => v.assign(best[i]!));
      }
    } finally {
      guard.dispose();
      tf.dispose(bestWeights);
      validation?.x.dispose();
    }
  }

  private accuracyOn(x: tf.Tensor2D, y: Int32Array): number {
    const predicted = tf.tidy(() => {
      const p = outputs(logits(x, paramList(this.params!),
        this.activation ?? DEFAULTS.activation), this.outActivation!);
      const index = this.nOutputs === 1
        ? tf.cast(tf.greater(tf.squeeze(p, [1]), 0.5), 'int32')
        : tf.argMax(p, 1);
      return index.dataSync();
    });
    let hits = 0;
    y.forEach((c, i) => {
      hits += predicted[i] === c ? 1 : 0;
    });
    return hits / y.length;
  }

  private fitLbfgs(o: ResolvedOptions, x: Matrix, yIndex: Int32Array): void {
    const vars = paramList(this.params!);
    const { say, warn } = this.out(o);
    const sizes = vars.map((v) => v.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    const yHot = this.oneHot(yIndex);
    const xs = tf.tensor2d(x.data, [x.rows, x.cols]);
    const ys = tf.tensor2d(yHot.data, [yHot.rows, yHot.cols]);
    const activation = o.activation;
    const out = this.outActivation!;
    const f = (...w: tf.Tensor[]) =>
      objective(xs, ys, w, activation, out, o.alpha);
    const write = (packed: Float64Array) => {
      let offset = 0;
      vars.forEach((v, i) => {
        const part = Float32Array.from(
          packed.subarray(offset, offset + sizes[i]!));
        offset += sizes[i]!;
        tf.tidy(() => v.assign(tf.tensor(part, v.shape)));
      });
    };
    const evaluate = (packed: Float64Array) => {
      write(packed);
      const [value, flat] = tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads(f)(vars);
        return [value, tf.concat(grads.map((g) => tf.reshape(g, [-1])))];
      });
      const result = {
        f: value.dataSync()[0]!,
        g: Float64Array.from(flat.dataSync()),
      };
      tf.dispose([value, flat]);
      return result;
    };
    const x0 = new Float64Array(total);
    let offset = 0;
    for (const v of vars) {
      x0.set(v.dataSync(), offset);
      offset += v.size;
    }
    const curve: number[] = [];
    try {
      const first = evaluate(x0);
      if (!Number.isFinite(first.f)) {
        throw new DivergenceError(
          `The loss is ${first.f} at the initial weights; scale the ` +
            'features.', 0, 0);
      }
      const result = minimizeLbfgs(evaluate, x0, {
        maxIter: o.maxIter,
        maxFun: o.maxFun,
        gtol: o.tol,
        onIteration: (k, fk, gk) => {
          curve.push(fk);
          say(`At iterate ${String(k).padStart(4)}    f= ${expo(fk)}    ` +
            `|proj g|=  ${expo(gk)}`);
        },
      });
      write(result.x);
      this.nIter = Math.min(result.nit, o.maxIter);
      this.loss = result.f;
      this.lossCurve = curve;
      if (result.status !== 0) {
        warn(new ConvergenceWarning(
          `lbfgs failed to converge (status=${result.status}):\n` +
            `${result.message}.\n\nIncrease the number of iterations ` +
            '(max_iter) or scale the data as shown in:\n' +
            '    https://scikit-learn.org/stable/modules/preprocessing.html'));
      }
    } finally {
      tf.dispose([xs, ys]);
    }
  }
}

function sameLabels(a: readonly Label[], b: readonly Label[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Fortran-style E format used by L-BFGS-B's log: 1.23456D+00. */
function expo(v: number): string {
  const [mant, exp] = v.toExponential(5).split('e') as [string, string];
  const e = Number(exp);
  return `${mant}D${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** The copies of the weights each solver keeps during training. */
const TRAINING_COPIES: Record<ResolvedOptions['solver'],
  { count: number; what: string }> = {
    adam: { count: 4, what: 'weights, gradients, two moment estimates' },
    sgd: { count: 3, what: 'weights, gradients, velocities' },
    lbfgs: { count: 2, what: 'weights, gradients' },
  };

/**
 * Refuses, before allocating, a network whose weights this backend cannot
 * hold: a weight matrix with more values than one typed array takes (any
 * backend; tfjs makes or reads every tensor through one), or, on wasm,
 * weights that with the copies training keeps exceed its 4 GiB heap.
 * Both are lower bounds, so nothing that would fit is refused (a network
 * that passes can still run out of memory). Differs from scikit-learn,
 * whose numpy fails while allocating (`Unable to allocate 584. GiB for an
 * array with shape (784, 100000000) and data type float64`).
 */
export function checkWeightsFit(
  units: readonly number[],
  o: Pick<ResolvedOptions, 'solver' | 'hiddenLayerSizes'>,
): void {
  const layers = units.slice(1).map((fanOut, i) => ({
    name: i === units.length - 2
      ? `into the output layer (coefs[${i}])`
      : `into hidden layer ${i + 1} (coefs[${i}])`,
    shape: `[${units[i]}, ${fanOut}]`,
    values: units[i]! * fanOut,
  }));
  const largest = layers.reduce((a, b) => (b.values > a.values ? b : a));
  const refuse = (why: string) => {
    throw new OptionError('hiddenLayerSizes', OWNER,
      `sizes whose weights fit in memory: ${why}`, o.hiddenLayerSizes);
  };
  if (largest.values > MAX_TYPED_ARRAY_LENGTH) {
    refuse(`the weights ${largest.name} would have shape ` +
      `${largest.shape}, ${largest.values} float32 values ` +
      `(${formatGiB(largest.values * 4)}), and one tfjs tensor holds at ` +
      `most ${MAX_TYPED_ARRAY_LENGTH} (one typed array)`);
  }
  if (tf.getBackend() !== 'wasm') {
    return;
  }
  // Coefs and intercepts, float32.
  const bytes = 4 * units.slice(1)
    .reduce((sum, fanOut, i) => sum + (units[i]! + 1) * fanOut, 0);
  const copies = TRAINING_COPIES[o.solver];
  if (bytes * copies.count > WASM_HEAP_BYTES) {
    refuse(`training with ${o.solver} holds at least ${copies.count} ` +
      `copies of the weights (${copies.what}), ${copies.count} x ` +
      `${formatGiB(bytes)} = ${formatGiB(bytes * copies.count)}, more ` +
      `than the wasm backend's ${formatGiB(WASM_HEAP_BYTES)} heap; the ` +
      `largest matrix, ${largest.name}, has shape ${largest.shape} ` +
      `(${formatGiB(largest.values * 4)}). Use smaller layers, or the ` +
      'node or cpu backend, whose tensors are not in that heap');
  }
}

/**
 * Refuses NaN and infinite values, naming the first (row, column), as
 * scikit-learn's `Input X contains NaN.`; a number too large for float32
 * became an infinity on the way in. Costs about 3 ms on a 10000 x 784
 * matrix when every value is finite.
 */
function checkFinite(x: Matrix): void {
  const data = x.data;
  if (allFinite(data)) {
    return;
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / x.cols);
      const col = i % x.cols;
      throw new DataError(
        `Input X contains ${Number.isNaN(v) ? 'NaN'
          : 'infinity or a value too large for float32'} (row ` +
          `${row}, column ${col}).`, undefined, row, col);
    }
  }
}

/**
 * Whether every value is finite: `v * 0` is 0 for a finite value and NaN
 * for NaN or an infinity, and NaN survives the sums. Four sums let the
 * loop run about 2.5x faster than a test per value (40 to 17 ms on the
 * MNIST training matrix), which every `fit` pays.
 */
function allFinite(data: ArrayLike<number>): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = data.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += data[i]! * 0;
    s1 += data[i + 1]! * 0;
    s2 += data[i + 2]! * 0;
    s3 += data[i + 3]! * 0;
  }
  for (; i < n; i++) {
    s0 += data[i]! * 0;
  }
  return s0 + s1 + s2 + s3 === 0;
}

/**
 * Refuses probabilities that are not finite: weights too large for the
 * inputs (unscaled features, or what a DivergenceError left) overflow
 * float32, and an argmax over NaN would silently answer the first class.
 * Differs from scikit-learn, which returns the NaN.
 */
function checkFiniteOutput(
  data: Float32Array,
  cols: number,
  owner: string,
): void {
  const at = data.findIndex((v) => !Number.isFinite(v));
  if (at !== -1) {
    const row = Math.floor(at / cols);
    throw new DataError(
      `${owner} computed ${data[at]} probabilities for row ${row} of X ` +
        `(0-based): the inputs overflow float32 through these weights. ` +
        `Scale the features (as in training) or fit again with a smaller ` +
        `learning rate.`,
      undefined,
      row,
    );
  }
}
