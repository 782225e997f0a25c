import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import { MLPClassifier } from '../../src/sklearn/mlp_classifier.js';
import { camelName, PARAM_NAMES } from '../../src/sklearn/options.js';
import { fixture } from './helpers.js';

const X = [[0, 1], [1, 0], [1, 1], [0, 0]];
const Y = [0, 1, 1, 0];

/** The message `fit` throws for one bad option, or undefined. */
async function fitMessage(options: object): Promise<string | undefined> {
  const clf = new MLPClassifier({ maxIter: 1, ...options } as never);
  try {
    await clf.fit(X, Y);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(OptionError);
    return (err as Error).message;
  } finally {
    clf.dispose();
  }
}

/**
 * scikit-learn prints option sets in hash order ({'tanh', 'relu', ...});
 * sort inside braces so the comparison is about content.
 */
function canonical(message: string): string {
  return message.replace(/\{([^}]*)\}/g, (_, inner: string) =>
    `{${inner.split(', ').sort().join(', ')}}`);
}

describe('option validation follows scikit-learn 1.2 messages', () => {
  it.each(fixture.bad_options.map((c) => [c.option, c]))(
    '%s', async (option, c) => {
      const name = camelName(option)!;
      // scikit-learn's own message with the camelCase option name (and,
      // for random_state, tfjs-trio's RandomState and undefined).
      const expected = c.message.replace(`'${option}'`, `'${name}'`)
        .replace('numpy.random.mtrand.RandomState', 'RandomState')
        .replace("'RandomState' or None", "'RandomState' or undefined");
      const message = await fitMessage({ [name]: c.value });
      expect(canonical(message!)).toBe(canonical(expected));
    });

  it('covers every option except the booleans in the fixture', () => {
    const covered = new Set(
      fixture.bad_options.map((c) => camelName(c.option)));
    const booleans = ['shuffle', 'verbose', 'warmStart', 'nesterovsMomentum',
      'earlyStopping'];
    for (const name of PARAM_NAMES) {
      if (!booleans.includes(name)) {
        expect(covered.has(name), name).toBe(true);
      }
    }
  });

  it.each([
    ['shuffle', 'yes'],
    ['warmStart', 1],
    ['nesterovsMomentum', null],
    ['earlyStopping', 'x'],
  ])('%s must be a boolean', async (name, value) => {
    // Differs from scikit-learn, which also takes numpy bools and ints.
    expect(await fitMessage({ [name]: value })).toBe(
      `The '${name}' parameter of MLPClassifier must be a boolean. ` +
        `Got ${value === null ? 'null' : typeof value === 'string'
          ? `'${value}'` : value} instead.`);
  });

  it('verbose takes an int >= 0 or a boolean', async () => {
    expect(await fitMessage({ verbose: -1 })).toBe(
      "The 'verbose' parameter of MLPClassifier must be an int in the " +
        'range [0, inf) or a boolean. Got -1 instead.');
  });

  it('refuses hidden sizes that are not all positive ints', async () => {
    expect(await fitMessage({ hiddenLayerSizes: [3, 0] })).toBe(
      "The 'hiddenLayerSizes' parameter of MLPClassifier must be an " +
        'array-like or an int in the range [1, inf). Got [3,0] instead.');
    expect(await fitMessage({ hiddenLayerSizes: [2.5] })).toContain(
      'Got [2.5] instead.');
  });

  it('refuses non-integer counts and NaN floats', async () => {
    expect(await fitMessage({ maxIter: 1.5 })).toBe(
      "The 'maxIter' parameter of MLPClassifier must be an int in the " +
        'range [1, inf). Got 1.5 instead.');
    expect(await fitMessage({ alpha: Number.NaN })).toBe(
      "The 'alpha' parameter of MLPClassifier must be a float in the " +
        'range [0, inf). Got NaN instead.');
  });

  it('accepts the edges scikit-learn accepts', async () => {
    expect(await fitMessage({ momentum: 1, alpha: 0, tol: 0, powerT: 0,
      validationFraction: 0, nIterNoChange: Infinity })).toBeUndefined();
  });

  it('checks when fit runs, not in the constructor', () => {
    expect(() => new MLPClassifier({ alpha: -1 })).not.toThrow();
  });

  it('refuses an unknown option at once, suggesting the nearest', () => {
    expect(() => new MLPClassifier({ hiddenLayerSize: [3] } as never))
      .toThrow("The 'hiddenLayerSize' parameter of MLPClassifier must be " +
        "a known option (did you mean 'hiddenLayerSizes'?)");
  });
});

describe('getParams / setParams', () => {
  it('returns scikit-learn defaults for unset options', () => {
    const params = new MLPClassifier({ alpha: 0.5 }).getParams();
    expect(params).toMatchObject({
      hiddenLayerSizes: [100], activation: 'relu', solver: 'adam',
      alpha: 0.5, batchSize: 'auto', learningRate: 'constant',
      learningRateInit: 0.001, powerT: 0.5, maxIter: 200, shuffle: true,
      randomState: undefined, tol: 1e-4, verbose: false, warmStart: false,
      momentum: 0.9, nesterovsMomentum: true, earlyStopping: false,
      validationFraction: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
      nIterNoChange: 10, maxFun: 15000,
    });
    expect(Object.keys(params).sort()).toEqual([...PARAM_NAMES].sort());
  });

  it('setParams sets, returns this, and validates at fit', async () => {
    const clf = new MLPClassifier();
    expect(clf.setParams({ alpha: 0.25, maxIter: 7 })).toBe(clf);
    expect(clf.getParams().alpha).toBe(0.25);
    expect(clf.getParams().maxIter).toBe(7);
    clf.setParams({ tol: -2 });
    await expect(clf.fit(X, Y)).rejects.toThrow(
      "The 'tol' parameter of MLPClassifier must be a float in the range " +
        '[0, inf). Got -2 instead.');
    expect(() => clf.setParams({ alpah: 1 } as never)).toThrow(
      "(did you mean 'alpha'?)");
  });
});
