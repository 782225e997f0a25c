// docs/PORTING.md's scikit-learn section has a row for each difference
// the sklearn JSDoc states. Non-regression: the L-BFGS line search, the
// early-stopping split and the save metadata option had no row.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/PORTING.md'), 'utf8');

/** The scikit-learn section's table rows. */
function sklearnRows(): string[] {
  const start = DOC.indexOf('## scikit-learn:');
  const end = DOC.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(-1);
  return DOC.slice(start, end).split('\n').filter((l) => l.startsWith('|'));
}

const rowWith = (text: string) =>
  sklearnRows().filter((r) => r.includes(text));

describe('docs/PORTING.md, scikit-learn section', () => {
  it.each([
    ['float32', 'float64'],
    ['line search', 'strong-Wolfe'],
    ['early_stopping', 'stratified for two classes'],
    ['DivergenceError', 'non-finite loss'],
    ['predict_proba', 'NaN'],
  ])('has a difference row on %s', (topic, detail) => {
    const rows = rowWith(topic).filter((r) => r.includes(detail));
    expect(rows, `${topic} / ${detail}`).toHaveLength(1);
  });

  it('documents save metadata and what load keeps', () => {
    expect(rowWith('clf.save(')[0]).toContain('metadata');
    expect(rowWith('MLPClassifier.load(')[0]).toContain('featureNames');
  });
});
