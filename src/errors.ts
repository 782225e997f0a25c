/**
 * Every error tfjs-trio throws on purpose is a `TrioError`. Subclasses carry
 * structured fields so callers can react in code, and their messages say
 * what was checked, what was expected and what was received.
 */
export class TrioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A constructor, fit or config option has a value outside its range. */
export class OptionError extends TrioError {
  constructor(
    readonly option: string,
    readonly owner: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(
      `The '${option}' parameter of ${owner} must be ${expected}. ` +
        `Got ${describeValue(received)} instead.`,
    );
  }
}

/** A data file is malformed; names the file and, when known, row/column. */
export class DataError extends TrioError {
  constructor(
    message: string,
    readonly file?: string,
    readonly row?: number,
    readonly column?: string | number,
  ) {
    super(message);
  }
}

/** A tensor or matrix does not have the shape an operation needs. */
export class ShapeError extends TrioError {
  constructor(
    message: string,
    readonly expected?: readonly (number | null)[],
    readonly received?: readonly number[],
  ) {
    super(message);
  }
}

/** A model was used for prediction before it was fitted. */
export class NotFittedError extends TrioError {
  constructor(owner: string, method = 'fit') {
    super(
      `This ${owner} instance is not fitted yet. Call '${method}' with ` +
        `appropriate arguments before using this estimator.`,
    );
  }
}

/** A config file is invalid; `path` is the key path such as `models[1].facade`. */
export class ConfigError extends TrioError {
  constructor(
    message: string,
    readonly file: string | undefined,
    readonly path: string,
  ) {
    super(file === undefined ? message : `${file}: ${message}`);
  }
}

/** Training produced a non-finite loss; the last good weights are kept. */
export class DivergenceError extends TrioError {
  constructor(
    message: string,
    readonly epoch: number,
    readonly step: number,
  ) {
    super(message);
  }
}

/** A model file on disk is missing, corrupt or does not match its manifest. */
export class ModelFileError extends TrioError {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

/** Something the original library has that tfjs-trio does not support yet. */
export class NotSupportedError extends TrioError {}

/**
 * A warning, not an error: reported through a reporter, as scikit-learn
 * reports `ConvergenceWarning` through `warnings.warn`.
 */
export class TrioWarning {
  readonly name: string = 'TrioWarning';
  constructor(readonly message: string) {}
}

/** Raised (as a warning) when an iterative solver stops before converging. */
export class ConvergenceWarning extends TrioWarning {
  override readonly name = 'ConvergenceWarning';
}

/** Short, readable rendering of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'function') {
    const kind = /^class\b/.test(Function.prototype.toString.call(value))
      ? 'class'
      : 'function';
    return value.name === '' ? `a ${kind}` : `the ${kind} ${value.name}`;
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}
