/**
 * Number formatting exactly as Python and numpy print it, so report text
 * can match scikit-learn's byte for byte.
 */

/**
 * Python's `format(x, '.{digits}f')`: the exact binary value of `x`
 * rounded half to even, which `Number.prototype.toFixed` does not do
 * (`(0.625).toFixed(2)` is `'0.63'`, Python prints `'0.62'`).
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) {
    return 'nan';
  }
  if (!Number.isFinite(x)) {
    return x > 0 ? 'inf' : '-inf';
  }
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = (mantissa << BigInt(exponent)) * scale;
  } else {
    // x * 10^digits = num / den exactly; round the quotient half to even.
    const num = mantissa * scale;
    const den = 1n << BigInt(-exponent);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && (q & 1n) === 1n)) {
      q += 1n;
    }
  }
  let text = q.toString();
  if (digits > 0) {
    text = text.padStart(digits + 1, '0');
    text = `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }
  return negative ? `-${text}` : text;
}

/** Python's `'{:>{width}}'.format(text)`: pads by code points. */
export function alignRight(text: string, width: number): string {
  let length = 0;
  for (const _ of text) {
    length++;
  }
  return length >= width ? text : ' '.repeat(width - length) + text;
}

/** x = mantissa * 2^exponent exactly, for finite x >= 0. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased === 0) {
    return { mantissa: fraction, exponent: -1074 };
  }
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}
