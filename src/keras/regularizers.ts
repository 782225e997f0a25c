import * as tf from '@tensorflow/tfjs';
import { listChoices, optionError } from '../util/options.js';
import { checkOptions, nonNegativeNumber } from './option_specs.js';

/**
 * Weight penalties added to the loss, as Keras's `keras.regularizers`:
 * `L1(l1)` adds l1 * sum|w|, `L2(l2)` adds l2 * sum w^2. tfjs's
 * regularizers compute the same sums, so these return tfjs objects.
 */
export type Regularizer = ReturnType<typeof tf.regularizers.l2>;

/** Python: `keras.regularizers.L1(l1=0.01)`. */
export function L1(l1 = 0.01): Regularizer {
  checkOptions('L1', { l1 }, { l1: nonNegativeNumber });
  return tf.regularizers.l1({ l1 });
}

/** Python: `keras.regularizers.L2(l2=0.01)`. */
export function L2(l2 = 0.01): Regularizer {
  checkOptions('L2', { l2 }, { l2: nonNegativeNumber });
  return tf.regularizers.l2({ l2 });
}

/**
 * Python: `keras.regularizers.L1L2(l1=0.0, l2=0.0)`. Note both default
 * to 0, unlike `L1` and `L2`.
 */
export function L1L2(options: { l1?: number; l2?: number } = {}): Regularizer {
  checkOptions('L1L2', options,
    { l1: nonNegativeNumber, l2: nonNegativeNumber });
  return tf.regularizers.l1l2({ l1: options.l1 ?? 0, l2: options.l2 ?? 0 });
}

const NAMES = ['l1', 'l2', 'l1_l2'] as const;

/** What layers accept for `kernelRegularizer` and `biasRegularizer`. */
export type RegularizerIdentifier = (typeof NAMES)[number] | Regularizer;

export const regularizerSpec = {
  expected: `one of ${listChoices(NAMES)}, a regularizers.* object or null`,
  test: (v: unknown) =>
    v === null ||
    (typeof v === 'object' && typeof (v as Regularizer).apply === 'function') ||
    (NAMES as readonly unknown[]).includes(v),
};

/** A Python regularizer string (Keras defaults) or object to tfjs. */
export function tfRegularizer(
  identifier: RegularizerIdentifier | null | undefined,
  option: string,
  owner: string,
): Regularizer | undefined {
  if (identifier === null || identifier === undefined) {
    return undefined;
  }
  if (typeof identifier !== 'string') {
    return identifier;
  }
  switch (identifier) {
    case 'l1':
      return L1();
    case 'l2':
      return L2();
    case 'l1_l2':
      return L1L2();
  }
  throw optionError(option, owner, regularizerSpec.expected, identifier);
}

/** Python config of a regularizer, for saved metadata. */
export function regularizerConfig(
  identifier: RegularizerIdentifier | null | undefined,
): unknown {
  if (identifier === null || identifier === undefined) {
    return null;
  }
  if (typeof identifier === 'string') {
    return identifier;
  }
  const config = identifier.getConfig() as Record<string, unknown>;
  return { type: identifier.getClassName(), ...config };
}
