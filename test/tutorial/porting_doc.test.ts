import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/PORTING.md'), 'utf8');
const SCRIPT = readFileSync(path.join(ROOT, 'scripts/tutorial.ts'), 'utf8');

/** The line-by-line section of the guide. */
function lineByLine(): string {
  const start = DOC.indexOf('## The tutorial, line by line');
  const end = DOC.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(-1);
  return DOC.slice(start, end);
}

/** The TypeScript cell of each table row (header and rule rows left out). */
function typescriptCells(section: string): string[] {
  return section.split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[-|]+\|$/.test(l))
    .map((l) => l.split(/(?<!\\)\|/)[2]!.trim())
    .filter((cell) => cell !== 'TypeScript');
}

/** The code span a cell starts with, or undefined for a prose cell. */
function leadingCode(cell: string): string | undefined {
  const match = /^(`+) ?(.*?) ?\1(?!`)/.exec(cell);
  return match?.[2];
}

/**
 * Code with the differences that do not matter removed: whitespace,
 * `const` / `let`, trailing commas, and the script's `EPOCHS` (the
 * tutorial's 50).
 */
function normal(code: string): string {
  return code
    .replace(/\bEPOCHS\b/g, '50')
    .replace(/\b(const|let)\s+/g, '')
    .replace(/\s+/g, '')
    .replace(/,([}\])])/g, '$1')
    .replace(/,$/, '');
}

describe('docs/PORTING.md, the tutorial line by line', () => {
  const cells = typescriptCells(lineByLine());

  it('has a TypeScript cell for every row', () => {
    // Imports (11), data (9), split (6), sklearn (5), Keras (10),
    // PyTorch (41): one row per line of the Python tutorial, plus a few
    // for what the tutorial leaves out.
    expect(cells.length).toBeGreaterThan(70);
    expect(cells.every((c) => c !== '')).toBe(true);
  });

  it('shows only lines that scripts/tutorial.ts runs', () => {
    const script = normal(SCRIPT);
    const missing = cells
      .map(leadingCode)
      .filter((code): code is string =>
        code !== undefined && !code.startsWith('import '))
      .filter((code) => !script.includes(normal(code)));
    expect(missing).toEqual([]);
  });

  it('imports only names the script imports', () => {
    const imported = /import \{([^}]*)\} from '\.\.\/src\/index\.js'/
      .exec(SCRIPT)![1]!.split(',').map((n) => n.replace('type ', '').trim());
    const names = cells.map(leadingCode)
      .filter((code) => code?.startsWith('import {'))
      .flatMap((code) => /\{([^}]*)\}/.exec(code!)![1]!.split(','))
      .map((n) => n.trim());
    expect(names.length).toBeGreaterThan(8);
    expect(names.filter((n) => !imported.includes(n))).toEqual([]);
    expect(SCRIPT).toContain("import * as tf from '@tensorflow/tfjs';");
  });
});
