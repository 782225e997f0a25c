// docs/PORTING.md's Keras section states the facade's deliberate
// differences: the fused softmax crossentropy, Flatten of rank 2, layer
// errors, and save's metadata option. Non-regression: the loss row was
// missing and the Flatten row said a rank-2 input throws.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/PORTING.md'), 'utf8');

/** The Keras section's table rows. */
function kerasRows(): string[] {
  const start = DOC.indexOf('## Keras:');
  const end = DOC.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(-1);
  return DOC.slice(start, end).split('\n').filter((l) => l.startsWith('|'));
}

const rowWith = (text: string) => kerasRows().filter((r) => r.includes(text));

describe('docs/PORTING.md, Keras section', () => {
  it('says the softmax loss is the fused one on logits, as Keras/TF', () => {
    const rows = rowWith('softmaxCrossEntropy');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('TensorFlow backend');
    expect(rows[0]).toContain('below 1e-7');
  });

  it('says Flatten passes a rank-2 input through', () => {
    const rows = kerasRows().filter((r) => r.startsWith('| `Flatten()`'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('passes through');
    expect(rows[0]).not.toContain('throws');
  });

  it('names the ShapeError of a refused layer and save metadata', () => {
    expect(rowWith('ShapeError')).toHaveLength(1);
    expect(rowWith("model.save('m.keras')")[0]).toContain('metadata');
  });
});
