import { TrioWarning } from '../errors.js';
import type { Reporter } from '../reporter.js';

/**
 * A metric is ill-defined (a zero division) and was set to 0.0 or 1.0:
 * scikit-learn's `sklearn.exceptions.UndefinedMetricWarning`, reported
 * through a reporter instead of Python's `warnings.warn`.
 */
export class UndefinedMetricWarning extends TrioWarning {
  override readonly name = 'UndefinedMetricWarning';
}

/**
 * Reports each distinct warning once per call, as Python's default
 * warning filter shows a message once per place it is raised.
 */
export class WarningSink {
  private readonly seen = new Set<string>();
  constructor(private readonly reporter: Reporter | undefined) {}
  warn(warning: TrioWarning): void {
    const key = `${warning.name}: ${warning.message}`;
    if (this.reporter === undefined || this.seen.has(key)) {
      return;
    }
    this.seen.add(key);
    this.reporter.warn(warning);
  }
}
