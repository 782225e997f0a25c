import * as tf from '@tensorflow/tfjs';
import {
  DataError,
  ShapeError,
  TrioError,
} from '../errors.js';
import { saveLayersModel } from '../io/file_system.js';
import { METADATA_KEY, type TrioMetadata } from '../io/metadata.js';
import { checkSaveMetadata, type SaveMetadata } from '../io/save_metadata.js';
import { optionError } from '../util/options.js';
import { callable } from './callable.js';
import {
  CallbackList,
  type CallbackHooks,
  type CallbackModel,
  type FitParams,
  type Logs,
} from './callbacks/callback.js';
import { History } from './callbacks/history.js';
import {
  checkSameSamples,
  featuresTensor,
  sliceSamples,
  targetsTensor,
  type FeaturesLike,
  type TargetsLike,
} from './data.js';
import {
  checkFitOptions,
  EVALUATE_OPTIONS,
  PREDICT_OPTIONS,
  type EvaluateOptions,
  type FitOptions,
  type PredictOptions,
  type Verbose,
} from './fit_options.js';
import { InputSpec } from './layers/input.js';
import { Layer } from './layers/layer.js';
import { WrappedLayer } from './layers/wrapped.js';
import {
  BinaryCrossentropyLoss,
  CategoricalCrossentropyLoss,
  getLoss,
  MeanAbsoluteErrorLoss,
  MeanSquaredErrorLoss,
  SparseCategoricalCrossentropyLoss,
  type Loss,
  type LossIdentifier,
} from './losses.js';
import {
  checkMetrics,
  getMetric,
  type Metric,
  type MetricIdentifier,
} from './metrics.js';
import { reserveName, uniqueName } from './naming.js';
import { checkOptions, text } from './option_specs.js';
import {
  getOptimizer,
  KerasOptimizer,
  optimizerConfig,
  type OptimizerIdentifier,
} from './optimizers/index.js';
import { Progbar, ProgbarReporter, sortedEntries } from './progbar_reporter.js';
import { ReporterLogger } from './reporter_logger.js';
import { shuffleGenerator } from './random_seed.js';
import {
  formatSummary,
  type SummaryOptions,
  type SummaryRow,
} from './summary.js';
import { DivergenceGuard } from './divergence_guard.js';
import {
  DeviceMeans,
  makeBatchPlan,
  type BatchPlan,
} from './train_step.js';
import { silentLogger, type TrainingLogger } from './training_logger.js';

export interface SequentialOptions {
  /** Model name. @default 'sequential' (then 'sequential_1', ...) */
  name?: string;
}

export interface CompileOptions {
  /**
   * `'adam'`, `'sgd'`, `'rmsprop'` (Keras's defaults) or an optimizer
   * object. @default 'rmsprop' (as Keras)
   */
  optimizer?: OptimizerIdentifier;
  /** A Python loss name, a `losses.*` object or a function. */
  loss: LossIdentifier;
  /** Python metric names (`['accuracy']`) or `metrics.*` objects. */
  metrics?: MetricIdentifier[];
}

const COMPILE_OPTIONS = {
  optimizer: { expected: 'an optimizer', test: () => true },
  loss: { expected: 'a loss', test: () => true },
  metrics: { expected: 'a list of metrics', test: () => true },
};

export interface SaveOptions {
  /**
   * Replace an existing model at `path` (the new one is written beside it
   * and moved into place once complete). `false` refuses instead.
   * @default true (as Keras 3)
   */
  overwrite?: boolean;
  /**
   * How inputs were prepared, for `trio predict` and `loadTrioModel`:
   * `{scale: 255, featureNames, labelName, testMetrics, classes}`, written
   * to `userDefinedMetadata.trio` over what `loadModel` kept from the
   * file. `classes` labels the output units. Spelled as torch's
   * `saveModule(..., {metadata: {scale}})`. No Python equivalent.
   * @default what `loadModel` kept, or nothing
   */
  metadata?: SaveMetadata;
}

interface Compiled {
  optimizer: tf.Optimizer;
  /**
   * We made the optimizer (from a string, or `loadModel` did) and dispose
   * it with the model.
   */
  ownsOptimizer: boolean;
  loss: Loss;
  metricIds: MetricIdentifier[];
  /** Python form, for saved metadata. */
  config: Record<string, unknown>;
}

/** Seconds between yields to the event loop during fit (for signals). */
const YIELD_EVERY = 0.05;

/**
 * A linear stack of layers, as `keras.Sequential`, training through
 * tfjs-layers with Keras's defaults, names, optimizers and outputs.
 *
 * ```ts
 * const model = keras.Sequential([
 *   layers.Dense(128, {activation: 'relu', inputShape: [784]}),
 *   layers.Dense(64, {activation: 'relu'}),
 *   layers.Dense(10, {activation: 'softmax'}),
 * ]);
 * model.compile({optimizer: 'adam',
 *   loss: 'sparse_categorical_crossentropy', metrics: ['accuracy']});
 * await model.fit(xTrain, yTrain, {epochs: 50, batchSize: 10000,
 *   validationData: [xTest, yTest]});
 * const [loss, accuracy] = model.evaluate(xTest, yTest);
 * ```
 * Python: `keras.Sequential(layers=None, trainable=True, name=None)`.
 */
export class SequentialModel implements CallbackModel {
  readonly name: string;
  /** The layers, without the `Input`. */
  readonly layers: Layer[] = [];
  /** Set by a callback to stop after the current epoch. */
  stopTraining = false;
  /** The History of the last `fit`. */
  history: History | undefined;
  private input: InputSpec | undefined;
  private model: tf.Sequential | undefined;
  private compiled: Compiled | undefined;
  private training = false;
  /** Trio metadata kept from a loaded file (classes, scale...). */
  private kept: Partial<TrioMetadata> = {};

  constructor(
    layers: (Layer | InputSpec)[] = [],
    options: SequentialOptions = {},
  ) {
    if (!Array.isArray(layers)) {
      throw optionError('layers', 'Sequential', 'a list of layers', layers);
    }
    checkOptions('Sequential', options, { name: text });
    if (options.name === undefined) {
      this.name = uniqueName('sequential');
    } else {
      this.name = options.name;
      reserveName(options.name);
    }
    try {
      for (const layer of layers) {
        this.add(layer);
      }
    } catch (err) {
      // Nobody else can free the layers built before the refused one.
      this.dispose();
      throw err;
    }
  }

  /**
   * Appends a layer (or, first, an `Input`). The model is built as soon as
   * the input shape is known. Python `add(layer)`.
   */
  add(layer: Layer | InputSpec): void {
    if (layer instanceof InputSpec) {
      if (this.layers.length > 0 || this.input !== undefined) {
        throw optionError('layer', 'Sequential.add',
          'an Input only as the first element', 'Input');
      }
      this.input = layer;
      return;
    }
    if (!(layer instanceof Layer)) {
      throw optionError('layer', 'Sequential.add',
        'a layer such as layers.Dense(10)', layer);
    }
    if (this.layers.some((l) => l.name === layer.name)) {
      throw optionError('layer', 'Sequential.add',
        `a layer with a unique name; '${layer.name}' is already the name ` +
          'of a layer in this model', layer.name);
    }
    this.layers.push(layer);
    if (this.model !== undefined) {
      try {
        addTfLayer(this.model, layer, undefined);
      } catch (err) {
        this.layers.pop();
        throw err;
      }
    } else if (this.declaredInputShape() !== undefined) {
      try {
        this.build();
      } catch (err) {
        this.layers.pop();
        throw err;
      }
    }
  }

  /** Removes the last layer. Python `pop()`. */
  pop(): Layer {
    const layer = this.layers.pop();
    if (layer === undefined) {
      throw new TrioError('There are no layers in the model.');
    }
    this.model?.pop();
    return layer;
  }

  /**
   * Creates the weights for inputs of `inputShape` (one sample, without
   * the batch axis). Python `build(input_shape)`, whose shape includes the
   * batch axis; here it is left out.
   */
  build(inputShape?: number[]): void {
    if (this.model !== undefined) {
      return;
    }
    const shape = inputShape ?? this.declaredInputShape();
    if (shape === undefined) {
      throw this.notBuiltError();
    }
    if (this.layers.length === 0) {
      throw new TrioError('Sequential model has no layers to build.');
    }
    const model = tf.sequential({ name: this.name });
    try {
      this.layers.forEach((layer, i) => {
        addTfLayer(model, layer, i === 0 ? shape : undefined);
      });
    } catch (err) {
      model.dispose();
      this.layers.forEach((layer) => layer.detach());
      throw err;
    }
    this.model = model;
  }

  /** True once the weights exist. */
  get built(): boolean {
    return this.model !== undefined;
  }

  /**
   * Configures training. Strings resolve to Keras's defaults (`'adam'`:
   * learning rate 0.001, epsilon 1e-7). Python `compile(optimizer='rmsprop',
   * loss=None, metrics=None)`.
   *
   * An optimizer made from a string belongs to the model: compiling again
   * or `dispose()` frees its state. An optimizer object stays its
   * caller's (it may be shared, as in Keras): the caller disposes it.
   */
  compile(options: CompileOptions): void {
    checkOptions('Sequential.compile', options, COMPILE_OPTIONS);
    if (options.loss === undefined) {
      throw optionError('loss', 'compile',
        "a loss such as 'sparse_categorical_crossentropy'", undefined);
    }
    const identifier = options.optimizer ?? 'rmsprop';
    const optimizer = getOptimizer(identifier);
    const loss = getLoss(options.loss);
    checkMetrics(options.metrics);
    // Compiling again with the model's own optimizer keeps it (and owned).
    const kept = this.compiled?.optimizer === optimizer &&
      this.compiled.ownsOptimizer;
    if (!kept) {
      this.disposeOptimizer();
    }
    const metricIds = [...(options.metrics ?? [])];
    this.compiled = {
      optimizer,
      ownsOptimizer: kept || typeof identifier === 'string',
      loss,
      metricIds,
      config: {
        optimizer: optimizerConfig(optimizer),
        loss: { type: loss.className, ...loss.pythonConfig() },
        metrics: metricIds.map((m) => (typeof m === 'string' ? m : m.name)),
      },
    };
  }

  /** The compiled optimizer. */
  get optimizer(): tf.Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** The compiled loss. */
  get loss(): Loss | undefined {
    return this.compiled?.loss;
  }

  /** Names of the compiled metrics as they appear in logs. */
  get metricsNames(): string[] {
    return (this.compiled?.metricIds ?? []).map((m) =>
      typeof m === 'string' ? m : m.name);
  }

  /**
   * Trains for `epochs - initialEpoch` epochs and returns the History
   * (`history.history.loss`, `.accuracy`, `.val_loss`, `.val_accuracy`).
   *
   * Shuffling is seeded by `utils.setRandomSeed`. Training stops with a
   * `DivergenceError` naming the epoch and step as soon as the loss is not
   * finite; the weights from before that step are kept. Differs from
   * Keras, which trains on with NaN unless `TerminateOnNaN` is given.
   * (On GPU backends the loss is checked only when the logs are read, at
   * progress updates, batch callbacks and each epoch's end; see
   * `DivergenceGuard`.)
   *
   * Each step's loss and metrics are summed on the backend and read only
   * when a batch callback, the progress output or the epoch's end needs
   * them; a terminal progress bar reads them at most every 0.05 s.
   */
  async fit(
    x: FeaturesLike,
    y: TargetsLike,
    options: FitOptions = {},
  ): Promise<History> {
    checkFitOptions(options);
    const compiled = this.requireCompiled('fit');
    if (this.training) {
      throw new TrioError('This model is already training; wait for the ' +
        'running fit() to finish.');
    }
    // What a loaded file said about its training no longer describes the
    // weights: its test metrics, history (state) and fit options.
    delete this.kept.testMetrics;
    delete this.kept.state;
    delete this.kept.options;
    const epochs = options.epochs ?? 1;
    const batchSize = options.batchSize ?? 32;
    const verbose = verbosity(options.verbose);
    const initialEpoch = options.initialEpoch ?? 0;
    const owned: tf.Tensor[] = [];
    const own = <T extends tf.Tensor>(t: T): T => {
      owned.push(t);
      return t;
    };
    this.training = true;
    try {
      const xs = adopt(featuresTensor(x, 'x'), own);
      const ys = adopt(targetsTensor(y, 'y'), own);
      checkSameSamples(xs, ys, 'fit');
      this.prepare(xs, 'fit');
      let xTrain = xs;
      let yTrain = ys;
      let validation: [tf.Tensor, tf.Tensor] | undefined;
      if (options.validationData !== undefined) {
        const [xv, yv] = options.validationData;
        const xVal = adopt(featuresTensor(xv, 'validationData x'), own);
        const yVal = adopt(targetsTensor(yv, 'validationData y'), own);
        checkSameSamples(xVal, yVal, 'fit validationData');
        this.checkInput(xVal, 'fit validationData');
        validation = [xVal, yVal];
      } else if ((options.validationSplit ?? 0) > 0) {
        const n = xs.shape[0]!;
        const splitAt = Math.floor(n * (1 - options.validationSplit!));
        if (splitAt === 0 || splitAt === n) {
          throw optionError('validationSplit', 'Sequential.fit',
            `a fraction that leaves samples on both sides of the split of ` +
              `${n} samples`, options.validationSplit);
        }
        xTrain = own(sliceSamples(xs, 0, splitAt));
        yTrain = own(sliceSamples(ys, 0, splitAt));
        validation = [own(sliceSamples(xs, splitAt, n)),
          own(sliceSamples(ys, splitAt, n))];
      }
      const metrics = this.resolveMetrics(yTrain);
      this.checkTargets(yTrain, 'y');
      if (validation !== undefined) {
        this.checkTargets(validation[1], 'validation y');
      }
      const n = xTrain.shape[0]!;
      const steps = Math.ceil(n / batchSize);
      const params: FitParams = { verbose, epochs, steps };
      const history = new History();
      const logger = verbose === 0 ? silentLogger : makeLogger(options,
        verbose);
      const callbacks = new CallbackList([
        ...(options.callbacks ?? []), history]);
      callbacks.setup(this, params, logger);
      this.history = history;
      this.stopTraining = false;
      const rng = shuffleGenerator();
      const shuffle = options.shuffle ?? true;
      const batchHooks = callbacks.hasBatchHooks;
      const plan = this.batchPlan(compiled, metrics);
      const targets = plan.prepareTargets(yTrain);
      if (targets !== yTrain) {
        own(targets);
      }
      const variables = this.model!.trainableWeights.map((w) =>
        w.read() as tf.Variable);
      const guard = new DivergenceGuard();
      let lastYield = performance.now() / 1000;
      let lastLogs: Logs = {};
      await callbacks.trainBegin({});
      for (let epoch = initialEpoch; epoch < epochs; epoch++) {
        await callbacks.epochBegin(epoch, {});
        logger.epochBegin(epoch, epochs, steps);
        // One contiguous, permuted copy per epoch; batches are slices.
        const [xEpoch, yEpoch] = shuffle
          ? permuteSamples(xTrain, targets, rng.permutation(n))
          : [xTrain, targets];
        const means = new DeviceMeans();
        const readLogs = (stepsDone: number) => {
          const logs = this.logsFrom(means.means(), metrics);
          guard.check(logs['loss']!, epoch, stepsDone);
          return logs;
        };
        let aborted = false;
        try {
          for (let step = 0; step < steps; step++) {
            const start = step * batchSize;
            const end = Math.min(n, start + batchSize);
            if (batchHooks) {
              await callbacks.batchBegin(step, {});
            }
            const xb = sliceSamples(xEpoch, start, end);
            const yb = sliceSamples(yEpoch, start, end);
            try {
              this.trainStep(xb, yb, compiled, plan, variables, means,
                guard, epoch, step);
            } finally {
              tf.dispose([xb, yb]);
            }
            if (batchHooks) {
              await callbacks.batchEnd(step, readLogs(step + 1));
            }
            if (logger.wantsBatchLogs?.(step + 1) ?? true) {
              logger.batchEnd(step + 1, readLogs(step + 1));
            } else {
              logger.batchEnd(step + 1);
            }
            if (options.signal?.aborted) {
              aborted = true;
              break;
            }
            const now = performance.now() / 1000;
            if (now - lastYield > YIELD_EVERY) {
              await new Promise((resolve) => setImmediate(resolve));
              lastYield = performance.now() / 1000;
              if (options.signal?.aborted) {
                aborted = true;
                break;
              }
            }
          }
          if (aborted) {
            break;
          }
          // The one read of the epoch when nothing asked before.
          const logs = readLogs(steps);
          if (validation !== undefined) {
            const valLogs = this.evaluateTensors(validation[0],
              validation[1], options.validationBatchSize ?? batchSize,
              plan, metrics);
            for (const [key, value] of Object.entries(valLogs)) {
              logs[`val_${key}`] = value;
            }
          }
          lastLogs = logs;
        } finally {
          means.dispose();
          if (xEpoch !== xTrain) {
            tf.dispose([xEpoch, yEpoch]);
          }
        }
        logger.epochEnd(epoch, lastLogs);
        await callbacks.epochEnd(epoch, lastLogs);
        if (this.stopTraining) {
          break;
        }
      }
      await callbacks.trainEnd(lastLogs);
      return history;
    } finally {
      this.training = false;
      tf.dispose(owned);
    }
  }

  /**
   * Loss and metrics on `x`, `y`, as plain numbers in compile order:
   * `[loss, accuracy]`. Python `evaluate(x, y, batch_size=None)`.
   * Differs from Keras: always a list, even without metrics (Keras then
   * returns the bare loss).
   */
  evaluate(
    x: FeaturesLike,
    y: TargetsLike,
    options: EvaluateOptions = {},
  ): number[] {
    checkOptions('Sequential.evaluate', options, EVALUATE_OPTIONS);
    const compiled = this.requireCompiled('evaluate');
    const xs = featuresTensor(x, 'x');
    const ys = targetsTensor(y, 'y');
    try {
      checkSameSamples(xs.tensor, ys.tensor, 'evaluate');
      this.prepare(xs.tensor, 'evaluate');
      const metrics = this.resolveMetrics(ys.tensor);
      this.checkTargets(ys.tensor, 'y');
      const batchSize = options.batchSize ?? 32;
      const verbose = verbosity(options.verbose);
      const bar = verbose === 0 ? undefined : new Progbar({
        target: Math.ceil(xs.tensor.shape[0]! / batchSize),
        verbose,
        dynamic: isTTY(options.stream),
        write: (t) => (options.stream ?? process.stdout).write(t),
      });
      const logs = this.evaluateTensors(xs.tensor, ys.tensor, batchSize,
        this.batchPlan(compiled, metrics), metrics, bar);
      return [logs['loss']!, ...metrics.map((m) => logs[m.name]!)];
    } finally {
      if (xs.owned) {
        xs.tensor.dispose();
      }
      if (ys.owned) {
        ys.tensor.dispose();
      }
    }
  }

  /**
   * The model's outputs for `x`, as a tensor the caller disposes (for the
   * tutorial network: softmax probabilities, shape [n, 10]). Python
   * `predict(x)`, which returns a numpy array; `predictArray` returns
   * plain arrays.
   */
  predict(x: FeaturesLike, options: PredictOptions = {}): tf.Tensor {
    checkOptions('Sequential.predict', options, PREDICT_OPTIONS);
    const xs = featuresTensor(x, 'x');
    try {
      this.prepare(xs.tensor, 'predict');
      const batchSize = options.batchSize ?? 32;
      const n = xs.tensor.shape[0]!;
      const steps = Math.ceil(n / batchSize);
      const verbose = options.verbose === undefined
        ? 0
        : verbosity(options.verbose);
      const bar = verbose === 0 ? undefined : new Progbar({
        target: steps,
        verbose,
        dynamic: isTTY(options.stream),
        write: (t) => (options.stream ?? process.stdout).write(t),
      });
      const parts: tf.Tensor[] = [];
      try {
        for (let step = 0; step < steps; step++) {
          const end = Math.min(n, (step + 1) * batchSize);
          parts.push(tf.tidy(() => this.model!.apply(
            sliceSamples(xs.tensor, step * batchSize, end),
            { training: false }) as tf.Tensor));
          bar?.update(step + 1, [], step + 1 === steps);
        }
        return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
      } finally {
        if (parts.length > 1) {
          tf.dispose(parts);
        }
      }
    } finally {
      if (xs.owned) {
        xs.tensor.dispose();
      }
    }
  }

  /** `predict` as nested plain arrays: one row of outputs per sample. */
  predictArray(x: FeaturesLike, options: PredictOptions = {}): number[][] {
    const out = this.predict(x, options);
    try {
      const [rows] = out.shape;
      const cols = out.size / rows!;
      const data = out.dataSync();
      const result: number[][] = [];
      for (let i = 0; i < rows!; i++) {
        result.push(Array.from(data.subarray(i * cols, (i + 1) * cols)));
      }
      return result;
    } finally {
      out.dispose();
    }
  }

  /**
   * Keras 3's summary table, returned as text and given to `printFn`
   * when set (pass `console.log` to print it).
   */
  summary(options: SummaryOptions = {}): string {
    const model = this.requireBuilt();
    const rows: SummaryRow[] = this.layers.map((layer) => ({
      layer: `${layer.name} (${layer.className})`,
      outputShape: formatShape(layer.outputShape),
      params: layer.countParams(),
    }));
    const count = (weights: tf.LayerVariable[]) =>
      weights.reduce((sum, w) =>
        sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
    const trainable = count(model.trainableWeights);
    const nonTrainable = count(model.nonTrainableWeights);
    const optimizer = this.compiled?.optimizer;
    return formatSummary(this.name, rows, {
      trainable,
      nonTrainable,
      trainableBytes: trainable * 4,
      nonTrainableBytes: nonTrainable * 4,
      ...(optimizer instanceof KerasOptimizer
        ? { optimizer: optimizer.variableCount() }
        : {}),
    }, options);
  }

  /** Copies of every weight, in layer order. Python `get_weights()`. */
  getWeights(): tf.Tensor[] {
    return this.requireBuilt().getWeights().map((w) => w.clone());
  }

  /** Python `set_weights(weights)`. */
  setWeights(weights: tf.Tensor[]): void {
    this.requireBuilt().setWeights(weights);
  }

  /** Number of weights. Python `count_params()`. */
  countParams(): number {
    return this.requireBuilt().countParams();
  }

  /**
   * Saves to a folder in the TensorFlow.js layers format (`model.json` +
   * `weights.bin`), loadable by `models.loadModel` and by plain
   * `tf.loadLayersModel`. The Keras options go to
   * `userDefinedMetadata.trio`, with what `loadModel` kept from the file
   * it read (classes, scale, featureNames, labelName; testMetrics, state
   * and fit options until `fit` trains again) and `options.metadata` over
   * it. Python
   * `save(filepath, overwrite=True)`.
   * Differs from Keras: a folder, not a `.keras` file, and with
   * `{overwrite: false}` an existing model is refused, where Keras asks
   * at a prompt. The optimizer state is not saved.
   *
   * ```js
   * await model.save('models/mnist', {metadata: {scale: 255}});
   * ```
   */
  async save(path: string, options: SaveOptions = {}): Promise<string> {
    checkOptions('Sequential.save', options, {
      overwrite: { expected: 'true or false',
        test: (v) => typeof v === 'boolean' },
      metadata: { expected: 'an object', test: () => true },
    });
    const model = this.requireBuilt();
    const inputShape = model.inputs[0]!.shape;
    const given = checkSaveMetadata(options.metadata, 'Sequential.save', {
      features: inputShape.length === 2 && inputShape[1] !== null
        ? inputShape[1]
        : undefined,
      units: model.outputs[0]!.shape.at(-1) ?? 1,
      classes: true,
    });
    const { classes, ...rest } = given;
    model.setUserDefinedMetadata({ [METADATA_KEY]: {
      ...this.metadata(classes),
      ...rest,
    } });
    return saveLayersModel(model, path,
      { overwrite: options.overwrite ?? true });
  }

  /**
   * What `save` stores under `userDefinedMetadata.trio`: the Keras
   * options, the output kind, `classes` (else those `loadModel` kept,
   * else 0..units-1) and the other fields `loadModel` kept.
   */
  metadata(classes?: (number | string)[]): TrioMetadata {
    const model = this.requireBuilt();
    const units = model.outputs[0]!.shape.at(-1) ?? 1;
    const last = this.layers.at(-1);
    const activation = (last as { activation?: string | null } | undefined)
      ?.activation;
    const logits = activation === null || activation === 'linear';
    const { classes: kept, options: keptOptions, ...carried } = this.kept;
    return {
      version: 1,
      facade: 'keras',
      classes: classes ?? kept ?? Array.from({ length: units }, (_, i) => i),
      output: logits ? 'logits' : 'probabilities',
      ...carried,
      options: {
        ...keptOptions,
        name: this.name,
        ...(this.input === undefined
          ? {}
          : { input: { shape: this.input.shape, name: this.input.name } }),
        // Layers of a plain tfjs model have no Keras options to restore.
        ...(this.layers.some((l) => l instanceof WrappedLayer)
          ? {}
          : { layers: this.layers.map((l) => l.getConfig()) }),
        ...(this.compiled === undefined
          ? {}
          : { compile: this.compiled.config }),
      },
    };
  }

  /**
   * Keeps fields of a loaded file's trio block for `metadata()`.
   * @internal
   */
  keepMetadata(meta: Partial<TrioMetadata>): void {
    this.kept = { ...meta };
  }

  /** The tfjs model doing the work (not a copy). */
  get tfModel(): tf.Sequential {
    return this.requireBuilt();
  }

  /**
   * Frees the weights and the state of an optimizer compiled from a
   * string (an optimizer object is its owner's to dispose).
   */
  dispose(): void {
    this.disposeOptimizer();
    this.compiled = undefined;
    if (this.model !== undefined) {
      this.model.dispose();
      this.model = undefined;
    }
  }

  /**
   * Makes the compiled optimizer the model's own, freed by `dispose()` and
   * by compiling again (`loadModel` compiles with an optimizer it made).
   * @internal
   */
  ownOptimizer(): void {
    if (this.compiled !== undefined) {
      this.compiled.ownsOptimizer = true;
    }
  }

  /** Uses a loaded tfjs model's layers. @internal */
  adoptModel(model: tf.Sequential): void {
    model.layers.forEach((tfLayer, i) => this.layers[i]?.attach(tfLayer));
    this.model = model;
  }

  private disposeOptimizer(): void {
    if (this.compiled?.ownsOptimizer) {
      this.compiled.optimizer.dispose();
    }
  }

  private declaredInputShape(): number[] | undefined {
    return this.input?.shape ?? this.layers[0]?.inputShape;
  }

  private notBuiltError(): TrioError {
    return new TrioError(
      `The model '${this.name}' has not yet been built. Build the model ` +
        'first by calling build() or by calling fit() with some data, or ' +
        'specify an inputShape argument in the first layer (or start with ' +
        'keras.Input) for automatic build.');
  }

  private requireBuilt(): tf.Sequential {
    if (this.model === undefined) {
      throw this.notBuiltError();
    }
    return this.model;
  }

  private requireCompiled(method: string): Compiled {
    if (this.compiled === undefined) {
      throw new TrioError(
        `You must call compile() before using the model (${method}).`);
    }
    return this.compiled;
  }

  /** Builds from the data's shape if needed, then checks the shape. */
  private prepare(x: tf.Tensor, where: string): void {
    if (this.model === undefined) {
      this.build(x.shape.slice(1));
    }
    this.checkInput(x, where);
  }

  private checkInput(x: tf.Tensor, where: string): void {
    const expected = this.requireBuilt().inputs[0]!.shape;
    const ok = x.rank === expected.length &&
      expected.every((d, i) => i === 0 || d === null || d === x.shape[i]);
    if (!ok) {
      throw new ShapeError(
        `${where}: input of ${this.name} must have shape ` +
          `${formatShape(expected)}; got (${x.shape.join(', ')}).`,
        expected,
        x.shape,
      );
    }
  }

  private resolveMetrics(y: tf.Tensor): Metric[] {
    const compiled = this.compiled!;
    const model = this.requireBuilt();
    const outputUnits = model.outputs[0]!.shape.at(-1) ?? 1;
    return compiled.metricIds.map((id) => getMetric(id, {
      lossName: compiled.loss.name,
      outputUnits,
      targetRank: y.rank,
      targetUnits: y.shape.at(-1) ?? 1,
    }));
  }

  /**
   * Sparse labels must be integers in [0, units); the targets of the
   * other built-in losses must have the output's shape (Keras's rule,
   * after it adds or drops a last axis of size 1).
   */
  private checkTargets(y: tf.Tensor, what: string): void {
    const loss = this.compiled!.loss;
    const output = this.requireBuilt().outputs[0]!.shape;
    if (loss instanceof SparseCategoricalCrossentropyLoss) {
      checkSparseLabels(y, what, loss.name, output.at(-1) ?? 1);
    } else if (SHAPED_LOSSES.some((Class) => loss instanceof Class)) {
      checkTargetShape(y, output, what, loss.name);
    }
  }

  /** How each batch is computed, for this compile and these metrics. */
  private batchPlan(compiled: Compiled, metrics: Metric[]): BatchPlan {
    const units = this.requireBuilt().outputs[0]!.shape.at(-1) ?? 1;
    return makeBatchPlan({
      layers: this.layers.map((l) => l.tf),
      calculateLosses: () => this.model!.calculateLosses(),
    }, compiled.loss, metrics, units);
  }

  /**
   * One gradient step. The loss and metrics are added to `means` on the
   * backend; nothing is read except by the divergence guard where reads
   * are free (see `DivergenceGuard`).
   */
  private trainStep(
    xb: tf.Tensor,
    yb: tf.Tensor,
    compiled: Compiled,
    plan: BatchPlan,
    variables: tf.Variable[],
    means: DeviceMeans,
    guard: DivergenceGuard,
    epoch: number,
    step: number,
  ): void {
    let output: tf.Tensor | undefined;
    const { value, grads } = compiled.optimizer.computeGradients(() => {
      const result = plan.run(xb, yb, true);
      output = tf.keep(result.output);
      return result.loss;
    }, variables);
    try {
      guard.beforeUpdate(value, epoch, step);
      compiled.optimizer.applyGradients(grads);
      tf.tidy(() => {
        means.add([value, ...plan.metrics(yb, output!)], yb.shape[0]!);
      });
    } finally {
      tf.dispose([value, ...Object.values(grads), output!]);
    }
  }

  /** Mean loss and metrics over `x` in batches, weighted by batch size. */
  private evaluateTensors(
    x: tf.Tensor,
    y: tf.Tensor,
    batchSize: number,
    plan: BatchPlan,
    metrics: Metric[],
    bar?: Progbar,
  ): Logs {
    const n = x.shape[0]!;
    const steps = Math.ceil(n / batchSize);
    const targets = plan.prepareTargets(y);
    const means = new DeviceMeans();
    try {
      for (let step = 0; step < steps; step++) {
        const start = step * batchSize;
        const end = Math.min(n, start + batchSize);
        tf.tidy(() => {
          const xb = sliceSamples(x, start, end);
          const yb = sliceSamples(targets, start, end);
          const { loss, output } = plan.run(xb, yb, false);
          means.add([loss, ...plan.metrics(yb, output)], end - start);
        });
        if (bar !== undefined && (step + 1 === steps ||
          bar.wantsValues(step + 1))) {
          bar.update(step + 1,
            sortedEntries(this.logsFrom(means.means(), metrics)),
            step + 1 === steps);
        } else {
          bar?.tick(step + 1);
        }
      }
      return this.logsFrom(means.means(), metrics);
    } finally {
      means.dispose();
      if (targets !== y) {
        targets.dispose();
      }
    }
  }

  private logsFrom(values: number[], metrics: Metric[]): Logs {
    const logs: Logs = { loss: values[0]! };
    metrics.forEach((m, i) => {
      logs[m.name] = values[i + 1]!;
    });
    return logs;
  }
}

/** `x` and `y` reordered by `order`, each as one contiguous tensor. */
function permuteSamples(
  x: tf.Tensor,
  y: tf.Tensor,
  order: Int32Array,
): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const index = tf.tensor1d(order, 'int32');
    return [tf.gather(x, index), tf.gather(y, index)];
  });
}

/** `keras.Sequential([...], {name})`, with or without `new`. */
export const Sequential = callable(SequentialModel);

function verbosity(verbose: Verbose | undefined): 0 | 1 | 2 {
  return verbose === undefined || verbose === 'auto' ? 1 : verbose;
}

function isTTY(stream: NodeJS.WritableStream | undefined): boolean {
  return ((stream ?? process.stdout) as { isTTY?: boolean }).isTTY === true;
}

function makeLogger(options: FitOptions, verbose: 1 | 2): TrainingLogger {
  if (options.logger !== undefined) {
    return options.logger;
  }
  if (options.reporter !== undefined) {
    return new ReporterLogger(options.reporter, options.reporterModel);
  }
  return new ProgbarReporter({
    verbose,
    ...(options.stream === undefined ? {} : { stream: options.stream }),
  });
}

function adopt(
  t: { tensor: tf.Tensor; owned: boolean },
  own: (t: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  return t.owned ? own(t.tensor) : t.tensor;
}

/** `[null, 128]` -> `(None, 128)`. */
function formatShape(shape: readonly (number | null)[] | unknown): string {
  const dims = (shape as (number | null)[]).map((d) =>
    (d === null ? 'None' : String(d)));
  // A one-element Python tuple keeps its comma: `(None,)`.
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** Losses whose targets must have the output's shape. */
const SHAPED_LOSSES = [
  CategoricalCrossentropyLoss,
  BinaryCrossentropyLoss,
  MeanSquaredErrorLoss,
  MeanAbsoluteErrorLoss,
];

/** One whole-number label in [0, units) per sample. */
function checkSparseLabels(
  y: tf.Tensor,
  what: string,
  lossName: string,
  units: number,
): void {
  if (y.size !== y.shape[0]) {
    throw new ShapeError(
      `${what} must hold one integer label per sample for ` +
        `${lossName}; got shape (${y.shape.join(', ')}).`);
  }
  const labels = y.dataSync();
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v)) {
      throw new DataError(
        `${what}: received a label value of ${v} at row ${i}, which is ` +
          `not a whole number; ${lossName} needs integer class labels ` +
          `in [0, ${units}).`,
        undefined,
        i,
      );
    }
    if (v < 0 || v >= units) {
      throw new DataError(
        `${what}: received a label value of ${v} at row ${i}, which is ` +
          `outside the valid range of [0, ${units}) for a model with ` +
          `${units} outputs.`,
        undefined,
        i,
      );
    }
  }
}

/**
 * Keras's check of `target` against `output` (its backend's
 * crossentropies), after `squeeze_or_expand_to_same_rank`: a target with
 * one axis fewer gains a last axis when the output's last axis is 1, and
 * loses a last axis of 1 when it has one more. Integer labels against a
 * 10-unit output are the usual mistake; the message names the remedies.
 * Differs from Keras: mse and mae refuse targets that Keras would
 * broadcast against the output.
 */
function checkTargetShape(
  y: tf.Tensor,
  output: readonly (number | null)[],
  what: string,
  lossName: string,
): void {
  let target: (number | null)[] = [null, ...y.shape.slice(1)];
  if (target.length + 1 === output.length && output.at(-1) === 1) {
    target = [...target, 1];
  } else if (target.length === output.length + 1 && target.at(-1) === 1) {
    target = target.slice(0, -1);
  }
  const same = target.length === output.length &&
    target.every((d, i) => i === 0 || d === output[i]);
  if (same) {
    return;
  }
  const units = output.at(-1);
  const labels = y.rank === 1 && units !== null && units !== undefined &&
    units > 1;
  throw new ShapeError(
    `${what}: Arguments \`target\` and \`output\` must have the same ` +
      `shape for ${lossName}. Received: ` +
      `target.shape=${formatShape([null, ...y.shape.slice(1)])}, ` +
      `output.shape=${formatShape(output)}.` +
      (labels
        ? ' For integer class labels, compile with loss ' +
          "'sparse_categorical_crossentropy', or one-hot encode them " +
          `first (tf.oneHot(labels, ${units}), as Keras's ` +
          'utils.to_categorical).'
        : ''),
    [...output],
    [...y.shape],
  );
}

export type { CallbackHooks };

/**
 * Adds `layer`'s tfjs layer to `model` (`inputShape` for a first layer).
 * A tfjs refusal becomes a ShapeError naming the layer and the shape it
 * was given; the layer forgets the refused tfjs layer.
 */
function addTfLayer(
  model: tf.Sequential,
  layer: Layer,
  inputShape: number[] | undefined,
): void {
  const incoming = model.outputs.length > 0
    ? [...model.outputs[0]!.shape]
    : [null, ...(inputShape ?? [])];
  try {
    model.add(layer.toTfLayer(inputShape, incoming));
  } catch (err) {
    layer.detach();
    if (err instanceof TrioError) {
      throw err;
    }
    // `received` is one sample's shape, as `inputShape` spells it.
    const received = incoming.slice(1).map((d) => d ?? -1);
    throw new ShapeError(
      `Layer '${layer.name}' (${layer.className}) cannot take an input ` +
        `of shape ${formatShape(incoming)}: ` +
        `${(err as Error).message.replace(/\.$/, '')}.`,
      undefined, received);
  }
}
