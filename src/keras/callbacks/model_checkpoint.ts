import { NotSupportedError } from '../../errors.js';
import { optionError } from '../../util/options.js';
import { callable } from '../callable.js';
import {
  anything,
  bool,
  checkOptions,
  oneOf,
  text,
  type OptionTable,
} from '../option_specs.js';
import { Callback, CallbackWarning, type Logs } from './callback.js';
import { monitorIncreases, type MonitorMode } from './monitor.js';

export interface ModelCheckpointOptions {
  /** Metric compared with `saveBestOnly`. @default 'val_loss' */
  monitor?: string;
  /** 1 reports each save. @default 0 */
  verbose?: 0 | 1;
  /**
   * Save only when the monitored metric improves. Python
   * `save_best_only`. @default false
   */
  saveBestOnly?: boolean;
  /**
   * Not supported yet: the tfjs layers format always holds the topology
   * with the weights. Python `save_weights_only`.
   */
  saveWeightsOnly?: boolean;
  /** `auto` infers the direction from the metric name. @default 'auto' */
  mode?: MonitorMode;
  /** Only `'epoch'` is supported. Python `save_freq`. @default 'epoch' */
  saveFreq?: 'epoch';
  /** Initial best value. Python `initial_value_threshold`. @default null */
  initialValueThreshold?: number | null;
}

export const MODEL_CHECKPOINT_OPTIONS: OptionTable = {
  monitor: text,
  verbose: oneOf([0, 1]),
  saveBestOnly: bool,
  saveWeightsOnly: bool,
  mode: oneOf(['auto', 'min', 'max']),
  saveFreq: anything,
  initialValueThreshold: {
    expected: 'a number or null',
    test: (v) => v === null || typeof v === 'number',
  },
};

/**
 * Saves the model at the end of each epoch (or only when it improves) to
 * a folder in the TensorFlow.js layers format (`model.json` +
 * `weights.bin`), which `models.loadModel` and plain `tf.loadLayersModel`
 * read. `filepath` may hold Python format fields filled from the epoch
 * (1-based) and logs: `'ckpt/epoch{epoch:02d}-{val_loss:.2f}'`.
 *
 * Python: `keras.callbacks.ModelCheckpoint(filepath, monitor='val_loss',
 * verbose=0, save_best_only=False, save_weights_only=False, mode='auto',
 * save_freq='epoch', initial_value_threshold=None)`.
 * Differs from Keras: writes a tfjs folder instead of a `.keras` file.
 */
export class ModelCheckpointCallback extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly mode: MonitorMode;
  /** Best monitored value so far. */
  best: number;
  private readonly increases: boolean;

  constructor(filepath: string, options: ModelCheckpointOptions = {}) {
    super();
    if (typeof filepath !== 'string' || filepath.length === 0) {
      throw optionError('filepath', 'ModelCheckpoint',
        'a folder path such as "checkpoints/epoch{epoch:02d}"', filepath);
    }
    checkOptions('ModelCheckpoint', options, MODEL_CHECKPOINT_OPTIONS);
    if (options.saveWeightsOnly === true) {
      // TODO: a weights-only format (tfjs has none besides the full model).
      throw new NotSupportedError(
        "ModelCheckpoint's 'saveWeightsOnly' option is not supported yet.");
    }
    if (options.saveFreq !== undefined && options.saveFreq !== 'epoch') {
      // TODO: saving every N batches.
      throw new NotSupportedError(
        "ModelCheckpoint's 'saveFreq' supports only 'epoch' so far.");
    }
    this.filepath = filepath;
    this.monitor = options.monitor ?? 'val_loss';
    this.verbose = options.verbose ?? 0;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.mode = options.mode ?? 'auto';
    this.increases = this.saveBestOnly
      ? monitorIncreases(this.monitor, this.mode, 'ModelCheckpoint')
      : this.mode === 'max';
    this.best = options.initialValueThreshold ??
      (this.increases ? -Infinity : Infinity);
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const model = this.requireModel();
    const path = formatPath(this.filepath, { epoch: epoch + 1, ...logs });
    if (!this.saveBestOnly) {
      if (this.verbose > 0) {
        this.output.line(`Epoch ${epoch + 1}: saving model to ${path}`);
      }
      await model.save(path, { overwrite: true });
      return;
    }
    const current = logs[this.monitor];
    if (current === undefined) {
      this.output.warn(new CallbackWarning(
        `Can save best model only with ${this.monitor} available, ` +
          'skipping.'));
      return;
    }
    const better = this.increases ? current > this.best : current < this.best;
    if (better) {
      if (this.verbose > 0) {
        this.output.line(`Epoch ${epoch + 1}: ${this.monitor} improved ` +
          `from ${this.best.toFixed(5)} to ${current.toFixed(5)}, saving ` +
          `model to ${path}`);
      }
      this.best = current;
      await model.save(path, { overwrite: true });
    } else if (this.verbose > 0) {
      this.output.line(`Epoch ${epoch + 1}: ${this.monitor} did not ` +
        `improve from ${this.best.toFixed(5)}`);
    }
  }
}

/**
 * Python `str.format` for the fields ModelCheckpoint paths use:
 * `{epoch}`, `{epoch:02d}`, `{val_loss:.2f}`, `{loss:.3e}`.
 */
export function formatPath(
  template: string,
  values: Record<string, number>,
): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (field, key, spec) => {
    const value = values[key as string];
    if (value === undefined) {
      throw optionError('filepath', 'ModelCheckpoint',
        `a template whose fields are among ${Object.keys(values).join(', ')}`,
        field);
    }
    return formatNumber(value, (spec as string | undefined) ?? '');
  });
}

function formatNumber(value: number, spec: string): string {
  const match = /^(0?)(\d*)(?:\.(\d+))?([dfe]?)$/.exec(spec);
  if (match === null) {
    throw optionError('filepath', 'ModelCheckpoint',
      'format specs like 02d, .2f or .3e', spec);
  }
  const [, zero, width, precision, type] = match;
  let body: string;
  if (type === 'd') {
    body = String(Math.trunc(value));
  } else if (type === 'e') {
    body = pythonExponent(value.toExponential(Number(precision ?? 6)));
  } else if (type === 'f' || precision !== undefined) {
    body = value.toFixed(Number(precision ?? 6));
  } else {
    body = String(value);
  }
  const w = Number(width || 0);
  return body.length >= w ? body : body.padStart(w, zero ? '0' : ' ');
}

/** JavaScript `1.5e-3` to Python `1.5e-03`. */
export function pythonExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, (_, sign: string, digit: string) =>
    `e${sign}0${digit}`);
}

/** `callbacks.ModelCheckpoint(filepath, {...})`, with or without `new`. */
export const ModelCheckpoint = callable(ModelCheckpointCallback);
