/**
 * A compact limited-memory BFGS minimiser for the sklearn facade's
 * `solver: 'lbfgs'`. It follows scipy's L-BFGS-B driver as scikit-learn
 * calls it (no bounds, memory 10, `gtol` on the largest gradient entry,
 * `ftol` on the relative decrease, `maxiter`, `maxfun`) and reports the
 * same status codes and messages.
 *
 * Differs from scipy: the line search is a strong-Wolfe bracketing search
 * (Nocedal & Wright, algorithm 3.5, with c1 = 1e-3 and c2 = 0.9 as scipy
 * uses) with safeguarded cubic interpolation, not MINPACK's dcsrch, so
 * iterates and iteration counts can differ when it converges early.
 */

export interface LbfgsOptions {
  maxIter: number;
  maxFun: number;
  /** Stop when max |g_i| <= gtol (scikit-learn passes `tol`). */
  gtol: number;
  /** scipy's default factr * epsmch = 2.220446049250313e-09. */
  ftol?: number;
  /** History size. @default 10 */
  m?: number;
  /** Called after each iteration (1-based) with f and max |g|. */
  onIteration?: (iteration: number, f: number, gNorm: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  nit: number;
  nfev: number;
  /** 0 converged, 1 iteration or evaluation limit, 2 other stop. */
  status: 0 | 1 | 2;
  message: string;
}

export type ValueAndGrad = (x: Float64Array) => { f: number; g: Float64Array };

const PGTOL = 'CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL';
const FACTR = 'CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH';
const MAXITER = 'STOP: TOTAL NO. of ITERATIONS REACHED LIMIT';
const MAXFUN = 'STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT';
const ABNORMAL = 'ABNORMAL_TERMINATION_IN_LNSRCH';

export function minimizeLbfgs(
  fg: ValueAndGrad,
  x0: Float64Array,
  options: LbfgsOptions,
): LbfgsResult {
  const ftol = options.ftol ?? 2.220446049250313e-9;
  const mem = options.m ?? 10;
  const n = x0.length;
  let x: Float64Array<ArrayBufferLike> = Float64Array.from(x0);
  let nfev = 0;
  const evaluate = (at: Float64Array) => {
    nfev++;
    return fg(at);
  };
  let { f, g } = evaluate(x);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rhos: number[] = [];
  let nit = 0;
  const done = (status: 0 | 1 | 2, message: string): LbfgsResult =>
    ({ x, f, nit, nfev, status, message });

  if (maxAbs(g) <= options.gtol) {
    return done(0, PGTOL);
  }
  for (;;) {
    // Search direction by the two-loop recursion.
    const d = twoLoop(g, ss, ys, rhos);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      ss.length = ys.length = rhos.length = 0;
      for (let i = 0; i < n; i++) {
        d[i] = -g[i]!;
      }
      slope = dot(g, d);
    }
    const step0 = nit === 0 && ss.length === 0
      ? Math.min(1 / Math.sqrt(dot(d, d)), 1e10)
      : 1;

    const search = lineSearch(evaluate, x, f, d, slope, step0,
      () => nfev >= options.maxFun);
    if (search === undefined) {
      return done(2, ABNORMAL);
    }
    const xNew = search.x;
    const fNew = search.f;
    const gNew = search.g;
    nit++;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const fOld = f;
    x = xNew;
    f = fNew;
    g = gNew;
    const gMax = maxAbs(g);
    options.onIteration?.(nit, f, gMax);

    if (gMax <= options.gtol) {
      return done(0, PGTOL);
    }
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      return done(0, FACTR);
    }
    if (nit >= options.maxIter) {
      return done(1, MAXITER);
    }
    if (nfev > options.maxFun) {
      return done(1, MAXFUN);
    }

    // Keep the pair only if it has enough curvature (as L-BFGS-B does).
    const sy = dot(s, y);
    if (sy > 2.220446049250313e-16 * dot(y, y)) {
      if (ss.length === mem) {
        ss.shift();
        ys.shift();
        rhos.shift();
      }
      ss.push(s);
      ys.push(y);
      rhos.push(1 / sy);
    }
  }
}

function twoLoop(
  g: Float64Array,
  ss: Float64Array[],
  ys: Float64Array[],
  rhos: number[],
): Float64Array {
  const q = Float64Array.from(g);
  const k = ss.length;
  const alphas = new Array<number>(k);
  for (let i = k - 1; i >= 0; i--) {
    const a = rhos[i]! * dot(ss[i]!, q);
    alphas[i] = a;
    axpy(-a, ys[i]!, q);
  }
  if (k > 0) {
    const gamma = dot(ss[k - 1]!, ys[k - 1]!) / dot(ys[k - 1]!, ys[k - 1]!);
    for (let i = 0; i < q.length; i++) {
      q[i]! *= gamma;
    }
  }
  for (let i = 0; i < k; i++) {
    const b = rhos[i]! * dot(ys[i]!, q);
    axpy(alphas[i]! - b, ss[i]!, q);
  }
  for (let i = 0; i < q.length; i++) {
    q[i] = -q[i]!;
  }
  return q;
}

interface Point {
  a: number;
  x: Float64Array;
  f: number;
  g: Float64Array;
  slope: number;
}

/** Strong-Wolfe line search; undefined when no acceptable step exists. */
function lineSearch(
  evaluate: ValueAndGrad,
  x: Float64Array,
  f0: number,
  d: Float64Array,
  slope0: number,
  step0: number,
  outOfBudget: () => boolean,
): Point | undefined {
  const c1 = 1e-3;
  const c2 = 0.9;
  const at = (a: number): Point => {
    const xa = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      xa[i] = x[i]! + a * d[i]!;
    }
    const { f, g } = evaluate(xa);
    return { a, x: xa, f, g, slope: dot(g, d) };
  };
  const zero: Point = { a: 0, x, f: f0, g: new Float64Array(0), slope: slope0 };
  let prev = zero;
  let a = step0;
  for (let i = 0; i < 20; i++) {
    const cur = at(a);
    if (!Number.isFinite(cur.f) ||
        cur.f > f0 + c1 * a * slope0 || (i > 0 && cur.f >= prev.f)) {
      return zoom(prev, cur);
    }
    if (Math.abs(cur.slope) <= -c2 * slope0) {
      return cur;
    }
    if (cur.slope >= 0) {
      return zoom(cur, prev);
    }
    if (outOfBudget()) {
      return cur;
    }
    prev = cur;
    a *= 2;
  }
  return prev.a > 0 ? prev : undefined;

  function zoom(lo: Point, hi: Point): Point | undefined {
    for (let j = 0; j < 30; j++) {
      const a = interpolate(lo, hi);
      const cur = at(a);
      if (!Number.isFinite(cur.f) ||
          cur.f > f0 + c1 * a * slope0 || cur.f >= lo.f) {
        hi = cur;
      } else {
        if (Math.abs(cur.slope) <= -c2 * slope0) {
          return cur;
        }
        if (cur.slope * (hi.a - lo.a) >= 0) {
          hi = lo;
        }
        lo = cur;
      }
      if (outOfBudget() || Math.abs(hi.a - lo.a) < 1e-14 * Math.abs(lo.a)) {
        break;
      }
    }
    return lo.a > 0 ? lo : undefined;
  }
}

/** Minimiser of the cubic through lo and hi, kept inside the bracket. */
function interpolate(lo: Point, hi: Point): number {
  const width = hi.a - lo.a;
  let a = lo.a + width / 2;
  if (Number.isFinite(hi.f) && hi.g.length > 0) {
    const d1 = lo.slope + hi.slope - 3 * (lo.f - hi.f) / (lo.a - hi.a);
    const disc = d1 * d1 - lo.slope * hi.slope;
    if (disc >= 0) {
      const d2 = Math.sign(hi.a - lo.a) * Math.sqrt(disc);
      const c = hi.a - (hi.a - lo.a) *
        (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2);
      if (Number.isFinite(c)) {
        a = c;
      }
    }
  }
  const lower = Math.min(lo.a, hi.a) + 0.1 * Math.abs(width);
  const upper = Math.max(lo.a, hi.a) - 0.1 * Math.abs(width);
  return Math.min(Math.max(a, lower), upper);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!;
  }
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    y[i]! += a * x[i]!;
  }
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m || Number.isNaN(v)) {
      m = v;
    }
  }
  return m;
}
