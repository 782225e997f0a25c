import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsv } from '../../src/data/csv.js';
import { type ParsedRows, parseRows, type RowSpec } from
  '../../src/data/csv_rows.js';
import { cellValue, scanRows } from '../../src/data/csv_scan.js';
import { RandomState } from '../../src/util/random.js';
import { fixture } from './helpers.js';

// The fast scanner must give exactly what csv-parse (parseRows) gives on
// every body it accepts, and hand back every body it cannot read. The
// reference is csv-parse itself, run on the same bytes.

const FEATURES = 6;
const COLUMNS = ['label', ...Array.from({ length: FEATURES }, (_, j) =>
  `f${j}`)];

function spec(scale: number): RowSpec {
  return { file: 'x.csv', delimiter: ',', columns: COLUMNS, labelColumn: 0,
    scale };
}

/** The bytes of a float32 array, so that -0 and 0 differ. */
function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameRows(fast: ParsedRows | undefined, slow: ParsedRows) {
  expect(fast).toBeDefined();
  expect(fast!.rows).toBe(slow.rows);
  expect(fast!.labels).toEqual(slow.labels);
  expect(Array.from(fast!.lines)).toEqual(Array.from(slow.lines));
  expect(bytes(fast!.data).equals(bytes(slow.data))).toBe(true);
}

/** A random number written the many ways a CSV may write one. */
function randomCell(rng: RandomState): string {
  const digits = (n: number) =>
    Array.from({ length: n }, () => String(rng.randint(0, 10))).join('');
  switch (rng.randint(0, 12)) {
    case 0:
      return String(rng.randint(0, 256));
    case 1:
      return String(-rng.randint(0, 100_000));
    case 2: {
      // Up to 17 significant digits with the point anywhere: both sides
      // of the 15-digit fast path.
      const d = digits(rng.randint(1, 18));
      const point = rng.randint(0, d.length + 1);
      return `${rng.random() < 0.3 ? '-' : ''}${d.slice(0, point)}.` +
        d.slice(point);
    }
    case 3:
      return ['-0', '0', '007', '.5', '5.', '-.25', '0.0', '-0.000']
        [rng.randint(0, 8)]!;
    case 4:
      return `${digits(rng.randint(1, 4))}e${rng.randint(-20, 20)}`;
    case 5:
      return ` ${rng.randint(0, 10)}`;
    case 6:
      return `${rng.randint(0, 10)}\t`;
    case 7:
      return digits(rng.randint(16, 25));
    case 8:
      return '+' + String(rng.randint(0, 1000));
    case 9:
      return String(rng.uniform(-1e6, 1e6));
    case 10:
      return String(rng.random() * 10 ** rng.randint(-30, 30));
    default:
      return (rng.randint(0, 1_000_000) / 1000).toFixed(3);
  }
}

function randomBody(rng: RandomState, crlf: boolean): string {
  const end = crlf ? '\r\n' : '\n';
  const labels = ['0', '7', 'cat', 'café', '', '-3', ' x '];
  let text = '';
  const rows = rng.randint(1, 40);
  for (let i = 0; i < rows; i++) {
    if (rng.random() < 0.1) {
      text += end;
    }
    const cells = [labels[rng.randint(0, labels.length)]!];
    for (let j = 0; j < FEATURES; j++) {
      cells.push(randomCell(rng));
    }
    text += cells.join(',') + (i < rows - 1 || rng.random() < 0.5 ? end : '');
  }
  return text;
}

describe('scanRows', () => {
  it('gives csv-parse\'s rows, bit for bit, on 300 random bodies', () => {
    const rng = new RandomState(20261204);
    for (let k = 0; k < 300; k++) {
      const body = Buffer.from(randomBody(rng, k % 3 === 0));
      const s = spec([1, 255, 3][k % 3]!);
      expectSameRows(scanRows(body, 2, s), parseRows(body, 2, s));
    }
  });

  it('reads 20,000 decimals to the same double as Number()', () => {
    const rng = new RandomState(7);
    let wrong = 0;
    for (let i = 0; i < 20_000; i++) {
      const d = String(rng.randint(1, 1_000_000_000)) +
        String(rng.randint(0, 1_000_000));
      const point = rng.randint(0, d.length + 1);
      const text = `${i % 2 ? '-' : ''}${d.slice(0, point)}.${d.slice(point)}`;
      const b = Buffer.from(text);
      wrong += Object.is(cellValue(b, 0, b.length), Number(text)) ? 0 : 1;
    }
    expect(wrong).toBe(0);
  });

  it('reads cells as Number() does, or refuses them as parseRows does',
    () => {
      const cases: [string, number | undefined][] = [
        ['-0', -0], ['007', 7], ['.5', 0.5], ['5.', 5], ['1e3', 1000],
        [' 7', 7], ['+3', 3], ['12345678901234567890', 12345678901234567000],
        ['', undefined], ['-', undefined], ['.', undefined],
        ['1.2.3', undefined], ['0x1F', undefined], ['NaN', undefined],
        ['Infinity', undefined], ['\uFF15', undefined],
      ];
      for (const [text, want] of cases) {
        const b = Buffer.from(text);
        expect([text, cellValue(b, 0, b.length)]).toEqual([text, want]);
      }
    });

  it('counts lines past blank lines and after a CRLF', () => {
    const body = Buffer.from('\r\n1,1,2,3,4,5,6\r\n\r\n\r\n2,1,2,3,4,5,6\r\n');
    const fast = scanRows(body, 5, spec(1))!;
    expect(Array.from(fast.lines)).toEqual([6, 9]);
    expect(fast.labels).toEqual(['1', '2']);
  });

  const handsBack: [string, string][] = [
    ['a quoted cell', '1,"2",3,4,5,6,7\n'],
    ['a lone CR', '1,2,3,4,5,6,7\r2,2,3,4,5,6,7\n'],
    ['mixed CRLF and LF', '1,2,3,4,5,6,7\r\n2,2,3,4,5,6,7\n'],
    ['a short row', '1,2,3,4,5,6\n'],
    ['a long row', '1,2,3,4,5,6,7,8\n'],
    ['an empty cell', '1,2,,4,5,6,7\n'],
    ['NaN', '1,2,NaN,4,5,6,7\n'],
    ['a word', '1,2,abc,4,5,6,7\n'],
    ['a hex literal', '1,2,0x1F,4,5,6,7\n'],
    ['a float32 overflow', '1,2,1e39,4,5,6,7\n'],
    ['a fullwidth digit', '1,2,\uFF15,4,5,6,7\n'],
    ['a line of spaces', '1,2,3,4,5,6,7\n   \n'],
  ];
  for (const [what, text] of handsBack) {
    it(`hands ${what} back to csv-parse`, () => {
      expect(scanRows(Buffer.from(text), 2, spec(1))).toBeUndefined();
    });
  }

  it('leaves a multi-byte delimiter to csv-parse', () => {
    const s: RowSpec = { ...spec(1), delimiter: '§' };
    expect(scanRows(Buffer.from('1§2§3§4§5§6§7\n'), 2, s)).toBeUndefined();
  });
});

describe("loadCsv engine 'auto' against 'csv-parse'", () => {
  // Every committed CSV fixture, good or bad: the same dataset or the same
  // error, whichever reader ran.
  const folder = path.dirname(fixture('x.csv'));
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.csv'));

  const outcome = async (file: string, engine: 'auto' | 'csv-parse') => {
    try {
      const d = await loadCsv(file, { cache: false, engine });
      return { data: Array.from(d.x.data), y: Array.from(d.y),
        lines: Array.from(d.lines), names: d.featureNames };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  it.each(files)('%s', async (name) => {
    const file = fixture(name);
    expect(await outcome(file, 'auto'))
      .toEqual(await outcome(file, 'csv-parse'));
  });

  it('refuses an unknown engine, naming the choices', async () => {
    await expect(loadCsv(fixture('crlf.csv'),
      { engine: 'pyarrow' as 'auto' })).rejects
      .toThrow(/engine.*'auto' or 'csv-parse'/s);
  });
});
