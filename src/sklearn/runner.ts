import { ConfigError, OptionError } from '../errors.js';
import type {
  FacadeEntry,
  RunContext,
  TrainedModel,
  TrainingData,
} from '../compare/types.js';
import { describeValue } from '../errors.js';
import { listChoices, nearest } from '../util/options.js';
import { MLPClassifier } from './mlp_classifier.js';
import type { MLPClassifierOptions, ParamName } from './options.js';
import {
  PARAM_NAMES,
  camelName,
  pythonName,
  resolveOptions,
} from './options.js';

const SECTION_KEYS = ['args'] as const;
const PYTHON_NAMES = PARAM_NAMES.map(pythonName);

/**
 * The sklearn facade in a comparison config:
 *
 * ```yaml
 * - name: sklearn_mlp
 *   facade: sklearn
 *   args: {hidden_layer_sizes: [128, 64], activation: relu, solver: adam,
 *          verbose: true, random_state: 42, max_iter: 50}
 * ```
 *
 * `args` holds `MLPClassifier`'s arguments in their Python spellings
 * (all optional). Without `random_state`, the config's global `seed` is
 * used. `n_iter_no_change` also accepts `.inf` or `'inf'`.
 */
export const sklearnEntry: FacadeEntry = {
  check(section, keyPath) {
    toOptions(section, keyPath);
  },
  async run(section, keyPath, data, context) {
    const options = toOptions(section, keyPath);
    if (options.randomState === undefined && context.seed !== undefined) {
      options.randomState = context.seed;
    }
    const clf = new MLPClassifier({ ...options, reporter: context.reporter });
    try {
      await clf.fit(data.x, data.y, {
        ...(context.signal === undefined ? {} : { signal: context.signal }),
        model: context.model,
      });
    } catch (err) {
      clf.dispose();
      throw err;
    }
    return trained(clf, data, context);
  },
};

function trained(
  clf: MLPClassifier,
  data: TrainingData,
  _context: RunContext,
): TrainedModel {
  // Labels are class indices; a class absent from the training rows has
  // no output unit, so map the model's columns back to data.classes.
  const seen = (clf.classes ?? []) as number[];
  const k = data.classes.length;
  return {
    epochs: clf.nIter ?? 0,
    lossCurve: [...(clf.lossCurve ?? [])],
    predict: (x) => Int32Array.from(clf.predictIndex(x), (i) => seen[i]!),
    predictProba: (x) => {
      const proba = clf.predictProba(x);
      if (proba.cols === k) {
        return proba.data;
      }
      const out = new Float32Array(proba.rows * k);
      for (let r = 0; r < proba.rows; r++) {
        seen.forEach((c, j) => {
          out[r * k + c] = proba.data[r * proba.cols + j]!;
        });
      }
      return out;
    },
    toLayersModel: () => clf.toLayersModel(),
    metadata: () => ({
      ...clf.metadata(),
      classes: seen.map((c) => data.classes[c]!),
    }),
    dispose: () => clf.dispose(),
  };
}

/**
 * Checks a config section and returns camelCase constructor options.
 * Every problem is a `ConfigError` whose message starts with the key path.
 */
export function toOptions(
  section: Record<string, unknown>,
  keyPath: string,
): MLPClassifierOptions {
  const fail = (path: string, message: string): never => {
    throw new ConfigError(`${path}: ${message}`, undefined, path);
  };
  for (const key of Object.keys(section)) {
    if (!(SECTION_KEYS as readonly string[]).includes(key)) {
      const guess = nearest(key, SECTION_KEYS);
      fail(`${keyPath}.${key}`,
        `unknown key for the sklearn facade` +
          (guess === undefined ? '' : ` (did you mean '${guess}'?)`) +
          `; known keys are ${listChoices(SECTION_KEYS)}.`);
    }
  }
  const args = section.args ?? {};
  const argsPath = `${keyPath}.args`;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    fail(argsPath, 'must be a mapping of MLPClassifier arguments such as ' +
      `{hidden_layer_sizes: [128, 64]}; got ${describeValue(args)}.`);
  }
  const given: Partial<Record<ParamName, unknown>> = {};
  for (const [key, raw] of Object.entries(args as Record<string, unknown>)) {
    const name = camelName(key);
    if (name === undefined || pythonName(name) !== key) {
      const guess = nearest(key, PYTHON_NAMES);
      fail(`${argsPath}.${key}`,
        'unknown MLPClassifier argument' +
          (guess === undefined ? '' : ` (did you mean '${guess}'?)`) +
          `; known arguments are ${listChoices(PYTHON_NAMES)}.`);
    }
    given[name!] = name === 'nIterNoChange' && raw === 'inf'
      ? Infinity
      : raw === null ? undefined : raw;
  }
  try {
    resolveOptions(given, pythonName);
  } catch (err) {
    if (err instanceof OptionError) {
      fail(`${argsPath}.${err.option}`, err.message);
    }
    throw err;
  }
  return given as MLPClassifierOptions;
}
