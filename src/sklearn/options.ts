import { RandomState } from '../util/random.js';
import { optionError, toCamelCase, toSnakeCase } from '../util/options.js';
import type { Reporter } from '../reporter.js';

export const OWNER = 'MLPClassifier';

export const ACTIVATIONS = ['identity', 'logistic', 'tanh', 'relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const SOLVERS = ['lbfgs', 'sgd', 'adam'] as const;
export type Solver = (typeof SOLVERS)[number];

export const SCHEDULES = ['constant', 'invscaling', 'adaptive'] as const;
export type LearningRateSchedule = (typeof SCHEDULES)[number];

/**
 * Constructor options of `MLPClassifier`, scikit-learn 1.2's parameters in
 * camelCase. Each is checked when `fit` runs, as scikit-learn does.
 */
export interface MLPClassifierOptions {
  /**
   * Units of each hidden layer (`hidden_layer_sizes`): an int >= 1 or an
   * array of them. `fit` refuses sizes whose weights cannot exist on the
   * backend: a weight matrix over one typed array (2^32 values in Node
   * 20), or on wasm weights x training copies over its 4 GiB heap.
   * @default [100]
   */
  hiddenLayerSizes?: number | readonly number[];
  /**
   * Hidden-layer activation (`activation`): `'identity'`, `'logistic'`,
   * `'tanh'` or `'relu'`. @default 'relu'
   */
  activation?: Activation;
  /**
   * Weight optimiser (`solver`): `'lbfgs'` (full batch), `'sgd'` or
   * `'adam'`. @default 'adam'
   */
  solver?: Solver;
  /** L2 penalty strength (`alpha`), >= 0. @default 0.0001 */
  alpha?: number;
  /**
   * Minibatch size (`batch_size`): `'auto'` = min(200, n_samples) or an
   * int >= 1 (clipped to n_samples with a warning). Ignored by lbfgs.
   * @default 'auto'
   */
  batchSize?: 'auto' | number;
  /**
   * Step-size schedule for sgd only (`learning_rate`): `'constant'`,
   * `'invscaling'` or `'adaptive'`. @default 'constant'
   */
  learningRate?: LearningRateSchedule;
  /** Initial step size for sgd/adam (`learning_rate_init`), > 0.
   * @default 0.001 */
  learningRateInit?: number;
  /** Exponent of `'invscaling'` (`power_t`), >= 0. @default 0.5 */
  powerT?: number;
  /**
   * Epochs for sgd/adam, iterations for lbfgs (`max_iter`), int >= 1.
   * @default 200
   */
  maxIter?: number;
  /** Reshuffle samples every epoch, sgd/adam (`shuffle`). @default true */
  shuffle?: boolean;
  /**
   * Seed of weight init, early-stopping split and shuffling
   * (`random_state`): an int in [0, 2^32), a `RandomState` (used and
   * advanced in place, as numpy's is) or undefined for a clock seed.
   * @default undefined
   */
  randomState?: number | RandomState;
  /** Improvement threshold; lbfgs uses it as gtol (`tol`), >= 0.
   * @default 0.0001 */
  tol?: number;
  /**
   * Report per-iteration lines (`verbose`): boolean or int >= 0. Lines go
   * to `reporter`, or to a `ConsoleReporter` when none is given.
   * @default false
   */
  verbose?: boolean | number;
  /** Continue from the previous fit's weights (`warm_start`).
   * @default false */
  warmStart?: boolean;
  /** Momentum for sgd (`momentum`), in [0, 1]. @default 0.9 */
  momentum?: number;
  /** Nesterov momentum for sgd (`nesterovs_momentum`). @default true */
  nesterovsMomentum?: boolean;
  /**
   * Stop on the accuracy of a stratified held-out split and restore the
   * best weights, sgd/adam only (`early_stopping`). @default false
   */
  earlyStopping?: boolean;
  /** Held-out share for early stopping (`validation_fraction`), in
   * [0, 1). @default 0.1 */
  validationFraction?: number;
  /** Adam first-moment decay (`beta_1`), in [0, 1). @default 0.9 */
  beta1?: number;
  /** Adam second-moment decay (`beta_2`), in [0, 1). @default 0.999 */
  beta2?: number;
  /** Adam stability term (`epsilon`), > 0. @default 1e-8 */
  epsilon?: number;
  /**
   * Epochs without `tol` improvement before stopping
   * (`n_iter_no_change`): int >= 1 or Infinity. @default 10
   */
  nIterNoChange?: number;
  /** Maximum loss evaluations for lbfgs (`max_fun`), int >= 1.
   * @default 15000 */
  maxFun?: number;
  /**
   * Where verbose lines and warnings go. Not a scikit-learn option.
   * @default silentReporter, or ConsoleReporter when `verbose` is set
   */
  reporter?: Reporter;
}

/** The options after defaults, with `hiddenLayerSizes` as an array. */
export interface ResolvedOptions {
  hiddenLayerSizes: number[];
  activation: Activation;
  solver: Solver;
  alpha: number;
  batchSize: 'auto' | number;
  learningRate: LearningRateSchedule;
  learningRateInit: number;
  powerT: number;
  maxIter: number;
  shuffle: boolean;
  randomState: number | RandomState | undefined;
  tol: number;
  verbose: boolean | number;
  warmStart: boolean;
  momentum: number;
  nesterovsMomentum: boolean;
  earlyStopping: boolean;
  validationFraction: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  nIterNoChange: number;
  maxFun: number;
}

export type ParamName = keyof ResolvedOptions;

/** scikit-learn's defaults, by camelCase name. */
export const DEFAULTS: Readonly<Omit<ResolvedOptions, 'hiddenLayerSizes'> & {
  hiddenLayerSizes: number | readonly number[];
}> = {
  hiddenLayerSizes: [100],
  activation: 'relu',
  solver: 'adam',
  alpha: 0.0001,
  batchSize: 'auto',
  learningRate: 'constant',
  learningRateInit: 0.001,
  powerT: 0.5,
  maxIter: 200,
  shuffle: true,
  randomState: undefined,
  tol: 1e-4,
  verbose: false,
  warmStart: false,
  momentum: 0.9,
  nesterovsMomentum: true,
  earlyStopping: false,
  validationFraction: 0.1,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  nIterNoChange: 10,
  maxFun: 15000,
};

export const PARAM_NAMES = Object.keys(DEFAULTS) as ParamName[];

/** Python spelling of each option, for configs and saved metadata. */
export function pythonName(name: ParamName): string {
  return name === 'beta1' ? 'beta_1'
    : name === 'beta2' ? 'beta_2'
    : toSnakeCase(name);
}

/** camelCase name for a Python spelling, or undefined if unknown. */
export function camelName(python: string): ParamName | undefined {
  const camel = python === 'beta_1' ? 'beta1'
    : python === 'beta_2' ? 'beta2'
    : toCamelCase(python);
  return (PARAM_NAMES as string[]).includes(camel)
    ? (camel as ParamName)
    : undefined;
}

type Rule = {
  /** The words after "must be", as scikit-learn 1.2 prints them. */
  expected: string;
  ok: (v: unknown) => boolean;
};

const isNum = (v: unknown): v is number =>
  typeof v === 'number' && !Number.isNaN(v);
const isInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const among = (choices: readonly string[]) =>
  `a str among {${choices.map((c) => `'${c}'`).join(', ')}}`;
const float = (lo: number, hi: number, closed: string): Rule => ({
  expected: `a float in the range ${closed[0]}${lo}, ` +
    `${hi === Infinity ? 'inf' : hi}${closed[1]}`,
  ok: (v) => isNum(v) &&
    (closed[0] === '[' ? v >= lo : v > lo) &&
    (closed[1] === ']' ? v <= hi : v < hi),
});
const BOOL: Rule = { expected: 'a boolean', ok: isBool };

/**
 * The one table of allowed values. Messages follow scikit-learn 1.2's
 * `InvalidParameterError` wording, with the option's camelCase name.
 * Differs from scikit-learn: booleans must be real booleans (no 0/1).
 */
export const RULES: Record<ParamName, Rule> = {
  hiddenLayerSizes: {
    expected: 'an array-like or an int in the range [1, inf)',
    ok: (v) => (isInt(v) && v >= 1) ||
      (Array.isArray(v) && v.every((u) => isInt(u) && u >= 1)),
  },
  activation: {
    expected: among(ACTIVATIONS),
    ok: (v) => (ACTIVATIONS as readonly unknown[]).includes(v),
  },
  solver: {
    expected: among(SOLVERS),
    ok: (v) => (SOLVERS as readonly unknown[]).includes(v),
  },
  alpha: float(0, Infinity, '[)'),
  batchSize: {
    expected: `${among(['auto'])} or an int in the range [1, inf)`,
    ok: (v) => v === 'auto' || (isInt(v) && v >= 1),
  },
  learningRate: {
    expected: among(SCHEDULES),
    ok: (v) => (SCHEDULES as readonly unknown[]).includes(v),
  },
  learningRateInit: float(0, Infinity, '()'),
  powerT: float(0, Infinity, '[)'),
  maxIter: {
    expected: 'an int in the range [1, inf)',
    ok: (v) => isInt(v) && v >= 1,
  },
  shuffle: BOOL,
  randomState: {
    expected: "an int in the range [0, 4294967295], an instance of " +
      "'RandomState' or undefined",
    ok: (v) => v === undefined || v === null || v instanceof RandomState ||
      (isInt(v) && v >= 0 && v <= 0xffffffff),
  },
  tol: float(0, Infinity, '[)'),
  verbose: {
    expected: 'an int in the range [0, inf) or a boolean',
    ok: (v) => isBool(v) || (isInt(v) && v >= 0),
  },
  warmStart: BOOL,
  momentum: float(0, 1, '[]'),
  nesterovsMomentum: BOOL,
  earlyStopping: BOOL,
  validationFraction: float(0, 1, '[)'),
  beta1: float(0, 1, '[)'),
  beta2: float(0, 1, '[)'),
  epsilon: float(0, Infinity, '()'),
  nIterNoChange: {
    expected: 'an int in the range [1, inf) or a float among {inf}',
    ok: (v) => (isInt(v) && v >= 1) || v === Infinity,
  },
  maxFun: {
    expected: 'an int in the range [1, inf)',
    ok: (v) => isInt(v) && v >= 1,
  },
};

/**
 * Checks every option against `RULES` and fills defaults; throws an
 * `OptionError` for the first bad one. `names` maps a camelCase name to
 * the spelling the user wrote (Python names for configs).
 */
export function resolveOptions(
  given: Partial<Record<ParamName, unknown>>,
  names: (name: ParamName) => string = (n) => n,
): ResolvedOptions {
  const out: Record<string, unknown> = {};
  for (const name of PARAM_NAMES) {
    const value = given[name] === undefined ? DEFAULTS[name] : given[name];
    if (!RULES[name].ok(value)) {
      throw optionError(names(name), OWNER, RULES[name].expected, value);
    }
    out[name] = value;
  }
  const sizes = out.hiddenLayerSizes as number | number[];
  out.hiddenLayerSizes = typeof sizes === 'number' ? [sizes] : [...sizes];
  if (out.randomState === null) {
    out.randomState = undefined;
  }
  return out as unknown as ResolvedOptions;
}
