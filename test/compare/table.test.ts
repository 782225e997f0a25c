import { describe, expect, it } from 'vitest';
import type { ModelResult } from '../../src/compare/run_comparison.js';
import { formatComparisonTable } from '../../src/compare/table.js';

const base: ModelResult = {
  name: 'sk', facade: 'sklearn', backend: 'wasm', status: 'done',
  epochs: 12, trainSeconds: 30.04, accuracy: 0.98261, macroF1: 0.9825,
  lossCurve: [], confusion: [], report: '', classes: [],
};

describe('formatComparisonTable', () => {
  it('aligns text left and numbers right, dashes for missing values', () => {
    const text = formatComparisonTable([
      base,
      { ...base, name: 'torch_module', facade: 'torch', status: 'skipped',
        epochs: 0, trainSeconds: 0, accuracy: NaN, macroF1: NaN },
    ]);
    expect(text.split('\n')).toEqual([
      'model         facade   backend  epochs  train s  test accuracy' +
        '  macro F1  status',
      '------------  -------  -------  ------  -------  -------------' +
        '  --------  -------',
      'sk            sklearn  wasm         12     30.0         0.9826' +
        '    0.9825  done',
      'torch_module  torch    wasm          0      0.0              -' +
        '         -  skipped',
    ]);
  });
});
