// `trio inspect` on a CSV without a label column. It refused with
// "there is no label column 'label'" and no way out, and --no-label gave
// "The 'label' parameter of loadCsv ... Got false", naming an internal
// function instead of the flag.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { runInspectCli } from '../data/helpers.js';

let tmp: string;
let features: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trio-inspect-'));
  features = path.join(tmp, 'features.csv');
  fs.writeFileSync(features, 'a,b\n1,2\n3,5\n');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const inspect = runInspectCli;

describe('trio inspect --no-label', () => {
  it('reads every column as a feature, without class counts', async () => {
    expect(await inspect([features, '--no-label'])).toBe([
      `File: ${features}`,
      'Shape: (2, 2)',
      '',
      'First 2 rows of the first 2 columns:',
      '   a  b',
      '0  1  2',
      '1  3  5',
      '',
      // pandas 1.5.3: pd.read_csv('features.csv').describe()
      'Summary (describe):',
      '              a        b',
      'count  2.000000  2.00000',
      'mean   2.000000  3.50000',
      'std    1.414214  2.12132',
      'min    1.000000  2.00000',
      '25%    1.500000  2.75000',
      '50%    2.000000  3.50000',
      '75%    2.500000  4.25000',
      'max    3.000000  5.00000',
      '',
    ].join('\n'));
  });

  it('limits columns and rows as with a label, header or not', async () => {
    const wide = path.join(tmp, 'wide.csv');
    fs.writeFileSync(wide, '1,2,3\n4,5,6\n7,8,9\n');
    const lines = (await inspect([wide, '--no-label', '--no-header',
      '--columns', '2', '--rows', '1'])).split('\n');
    // pandas: pd.read_csv('wide.csv', header=None).iloc[:, :2].head(1)
    expect(lines.slice(0, 6)).toEqual([
      `File: ${wide}`,
      'Shape: (3, 3)',
      '',
      'First 1 rows of the first 2 columns:',
      '   0  1',
      '0  1  2',
    ]);
    expect(lines.at(-2)).toBe('[8 rows x 3 columns]');
  });
});

describe('a missing label column', () => {
  it('names the flags that fix it', async () => {
    const error = await inspect([features]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(`${features}, line 1: there is ` +
      "no label column 'label'. The columns are 'a' and 'b'. Name the " +
      'label column with --label <name or index>, or pass --no-label if ' +
      'the file has none.');
  });
});
