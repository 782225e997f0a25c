/**
 * A safe, unique file-name stem for each model name: lower case letters,
 * digits, `_` and `-` only (so a name can never leave the report folder or
 * hide a file), `model` when nothing is left, and `-2`, `-3`... appended
 * to repeats.
 */
export function fileStems(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^[-_]+|[-_]+$/g, '')
        .slice(0, 60) || 'model';
    let stem = base;
    for (let k = 2; used.has(stem); k++) {
      stem = `${base}-${k}`;
    }
    used.add(stem);
    return stem;
  });
}
