/**
 * Small dense linear algebra for the statistics engine: matrices are row-major
 * number[][] (they are small: parameters, regressors), plus complex polynomial roots.
 * Pure, no allocation tricks needed here; the hot loops live in the Kalman filter.
 */

export type Matrix = number[][];

export function zeros(rows: number, cols: number): Matrix {
  const m: Matrix = [];
  for (let i = 0; i < rows; i++) m.push(new Array<number>(cols).fill(0));
  return m;
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m[i][i] = 1;
  return m;
}

export function transpose(a: Matrix): Matrix {
  const rows = a.length;
  const cols = rows ? a[0].length : 0;
  const t = zeros(cols, rows);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) t[j][i] = a[i][j];
  return t;
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const k = b.length;
  const m = k ? b[0].length : 0;
  const c = zeros(n, m);
  for (let i = 0; i < n; i++) {
    const ai = a[i];
    const ci = c[i];
    for (let l = 0; l < k; l++) {
      const x = ai[l];
      if (x === 0) continue;
      const bl = b[l];
      for (let j = 0; j < m; j++) ci[j] += x * bl[j];
    }
  }
  return c;
}

export function matVec(a: Matrix, x: ArrayLike<number>): number[] {
  return a.map(row => {
    let s = 0;
    for (let j = 0; j < row.length; j++) s += row[j] * x[j];
    return s;
  });
}

/**
 * LU decomposition with partial pivoting (as LAPACK dgetrf). Returns null when a pivot
 * is exactly zero or not finite, i.e. the matrix is singular to working precision.
 */
export function luDecompose(
  a: Matrix,
): {lu: Matrix; perm: number[]; sign: number} | null {
  const n = a.length;
  const lu = a.map(r => r.slice());
  const perm = Array.from({length: n}, (_, i) => i);
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let piv = k;
    let best = Math.abs(lu[k][k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i][k]);
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (best === 0 || !Number.isFinite(best)) return null;
    if (piv !== k) {
      [lu[k], lu[piv]] = [lu[piv], lu[k]];
      [perm[k], perm[piv]] = [perm[piv], perm[k]];
      sign = -sign;
    }
    const pivot = lu[k][k];
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i][k] /= pivot);
      if (f === 0) continue;
      const li = lu[i];
      const lk = lu[k];
      for (let j = k + 1; j < n; j++) li[j] -= f * lk[j];
    }
  }
  return {lu, perm, sign};
}

/** Solves A X = B for X (B given as columns-by-rows matrix n x m). Null if A is singular. */
export function solve(a: Matrix, b: Matrix): Matrix | null {
  const n = a.length;
  const dec = luDecompose(a);
  if (!dec) return null;
  const {lu, perm} = dec;
  const m = b[0]?.length ?? 0;
  const x = zeros(n, m);
  for (let c = 0; c < m; c++) {
    const y = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      let s = b[perm[i]][c];
      for (let j = 0; j < i; j++) s -= lu[i][j] * y[j];
      y[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i];
      for (let j = i + 1; j < n; j++) s -= lu[i][j] * x[j][c];
      x[i][c] = s / lu[i][i];
    }
  }
  return x;
}

export function inverse(a: Matrix): Matrix | null {
  return solve(a, identity(a.length));
}

/** Reciprocal condition estimate in the 1-norm from an explicit inverse (small matrices). */
export function rcond(a: Matrix): number {
  const inv = inverse(a);
  if (!inv) return 0;
  const norm1 = (m: Matrix) => {
    let best = 0;
    for (let j = 0; j < m.length; j++) {
      let s = 0;
      for (let i = 0; i < m.length; i++) s += Math.abs(m[i][j]);
      best = Math.max(best, s);
    }
    return best;
  };
  const r = 1 / (norm1(a) * norm1(inv));
  return Number.isFinite(r) ? r : 0;
}

export interface LeastSquares {
  coef: number[];
  /** Standard errors sqrt(diag((X'X)^-1) * RSS / (n - k)), as summary.lm reports them. */
  se: number[];
  residuals: number[];
  rank: number;
  rss: number;
  df: number;
}

/**
 * Ordinary least squares by Householder QR, with R's lm rank test (a column whose
 * remaining norm falls below 1e-7 of its original norm is collinear). Columns of x are
 * given as arrays (x[j][i] = regressor j at row i). Returns rank < k when deficient.
 */
export function leastSquares(
  x: ReadonlyArray<ArrayLike<number>>,
  y: ArrayLike<number>,
): LeastSquares {
  const k = x.length;
  const n = y.length;
  // Work on a copy, column-major.
  const q: Float64Array[] = x.map(col => Float64Array.from(col));
  const b = Float64Array.from(y);
  const origNorm = q.map(norm2);
  const rdiag = new Float64Array(k);
  let rank = 0;
  for (let j = 0; j < k; j++) {
    const col = q[j];
    const h = householder(col, j, n, origNorm[j]);
    if (h === null) {
      return {
        coef: [],
        se: [],
        residuals: [],
        rank,
        rss: NaN,
        df: n - k,
      };
    }
    rank++;
    for (let c = j + 1; c < k; c++) reflect(col, h.vtv, q[c], j, n);
    reflect(col, h.vtv, b, j, n);
    rdiag[j] = h.alpha;
  }
  // Back substitution R beta = Q'y (first k entries of b).
  const coef = new Array<number>(k).fill(0);
  for (let j = k - 1; j >= 0; j--) {
    let s = b[j];
    for (let c = j + 1; c < k; c++) s -= q[c][j] * coef[c];
    coef[j] = s / rdiag[j];
  }
  let rss = 0;
  for (let i = k; i < n; i++) rss += b[i] * b[i];
  const residuals = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let fit = 0;
    for (let j = 0; j < k; j++) fit += x[j][i] * coef[j];
    residuals[i] = y[i] - fit;
  }
  // (R'R)^-1 = R^-1 R^-T: invert the upper-triangular R.
  const rinv = zeros(k, k);
  for (let j = 0; j < k; j++) {
    rinv[j][j] = 1 / rdiag[j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let c = i + 1; c <= j; c++) s += q[c][i] * rinv[c][j];
      rinv[i][j] = -s / rdiag[i];
    }
  }
  const df = n - k;
  const s2 = df > 0 ? rss / df : NaN;
  const se = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let c = i; c < k; c++) s += rinv[i][c] * rinv[i][c];
    se[i] = Math.sqrt(s * s2);
  }
  return {coef, se, residuals, rank, rss, df};
}

/**
 * The rank and residual sum of squares that leastSquares([...base, extra], y) reports, for
 * many `extra` columns against one base: the base's Householder reflectors and Q'y are
 * computed once, and each extra column goes through the same steps in the same order
 * (so the figures are those of leastSquares to the bit).
 */
export function rssWithExtraColumn(
  base: ReadonlyArray<ArrayLike<number>>,
  y: ArrayLike<number>,
): (extra: ArrayLike<number>) => {rank: number; rss: number} {
  const kb = base.length;
  const n = y.length;
  const q: Float64Array[] = base.map(col => Float64Array.from(col));
  const b = Float64Array.from(y);
  const origNorm = q.map(norm2);
  const vtvs = new Float64Array(kb);
  let baseRank = kb;
  for (let j = 0; j < kb; j++) {
    const col = q[j];
    const h = householder(col, j, n, origNorm[j]);
    if (h === null) {
      baseRank = j;
      break;
    }
    vtvs[j] = h.vtv;
    for (let c = j + 1; c < kb; c++) reflect(col, h.vtv, q[c], j, n);
    reflect(col, h.vtv, b, j, n);
  }
  return extra => {
    if (baseRank < kb) return {rank: baseRank, rss: NaN};
    const col = Float64Array.from(extra);
    const orig = norm2(col);
    for (let j = 0; j < kb; j++) reflect(q[j], vtvs[j], col, j, n);
    const h = householder(col, kb, n, orig);
    if (h === null) return {rank: kb, rss: NaN};
    const bb = Float64Array.from(b);
    reflect(col, h.vtv, bb, kb, n);
    let rss = 0;
    for (let i = kb + 1; i < n; i++) rss += bb[i] * bb[i];
    return {rank: kb + 1, rss};
  };
}

/** Euclidean norm of a column (summed in order). */
function norm2(col: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < col.length; i++) s += col[i] * col[i];
  return Math.sqrt(s);
}

/**
 * Step j of Householder QR on column col (rows j..n-1): null when the column is collinear
 * with those before it by R's lm rank test (its remaining norm below 1e-7 of `origNorm`),
 * else the reflector H = I - 2 v v' / (v'v) with v = col - alpha e_j, kept in col[j..],
 * and R's diagonal entry alpha.
 */
function householder(
  col: Float64Array,
  j: number,
  n: number,
  origNorm: number,
): {alpha: number; vtv: number} | null {
  let norm = 0;
  for (let i = j; i < n; i++) norm += col[i] * col[i];
  norm = Math.sqrt(norm);
  if (j >= n || norm <= 1e-7 * origNorm || norm === 0) return null;
  const alpha = col[j] > 0 ? -norm : norm;
  col[j] -= alpha;
  let vtv = 0;
  for (let i = j; i < n; i++) vtv += col[i] * col[i];
  return {alpha, vtv};
}

/** Applies the Householder reflector kept in v[j..] (with v'v = vtv) to other[j..]. */
function reflect(
  v: Float64Array,
  vtv: number,
  other: Float64Array,
  j: number,
  n: number,
): void {
  let s = 0;
  for (let i = j; i < n; i++) s += v[i] * other[i];
  const f = (2 * s) / vtv;
  for (let i = j; i < n; i++) other[i] -= f * v[i];
}

/**
 * Symmetric eigen-decomposition by cyclic Jacobi rotations. Returns eigenvalues in
 * decreasing order and the matching eigenvectors as columns of `vectors`.
 */
export function symmetricEigen(a: Matrix): {values: number[]; vectors: Matrix} {
  const n = a.length;
  const m = a.map(r => r.slice());
  const v = identity(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) off += m[i][j] * m[i][j];
    if (off === 0 || off < 1e-30 * diagNorm2(m)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p][q];
        if (apq === 0) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * apq);
        const t =
          Math.sign(theta || 1) /
          (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({length: n}, (_, i) => i).sort(
    (i, j) => m[j][j] - m[i][i],
  );
  const values = order.map(i => m[i][i]);
  const vectors = zeros(n, n);
  for (let c = 0; c < n; c++)
    for (let r = 0; r < n; r++) vectors[r][c] = v[r][order[c]];
  return {values, vectors};
}

function diagNorm2(m: Matrix): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i][i] * m[i][i];
  return s;
}

/**
 * Right singular vectors V (k x k) of an n x k matrix given by columns, as from svd(X)$v:
 * eigenvectors of X'X by decreasing singular value. Each column's sign is fixed so that
 * its largest-magnitude entry is negative, matching LAPACK's usual output for the
 * positive regressor blocks met in practice (signs do not change any fitted result).
 */
export function rightSingularVectors(cols: ReadonlyArray<ArrayLike<number>>): {
  v: Matrix;
  singular: number[];
} {
  const k = cols.length;
  const xtx = zeros(k, k);
  for (let i = 0; i < k; i++)
    for (let j = i; j < k; j++) {
      let s = 0;
      const a = cols[i];
      const b = cols[j];
      for (let t = 0; t < a.length; t++) s += a[t] * b[t];
      xtx[i][j] = xtx[j][i] = s;
    }
  const {values, vectors} = symmetricEigen(xtx);
  for (let c = 0; c < k; c++) {
    let big = 0;
    for (let r = 0; r < k; r++)
      if (Math.abs(vectors[r][c]) > Math.abs(vectors[big][c])) big = r;
    if (vectors[big][c] > 0) for (let r = 0; r < k; r++) vectors[r][c] *= -1;
  }
  return {v: vectors, singular: values.map(x => Math.sqrt(Math.max(0, x)))};
}

/** A complex number as [re, im]. */
export type Complex = [number, number];

/**
 * Roots of the polynomial c[0] + c[1] z + ... + c[n] z^n (as R's polyroot), by the
 * Aberth-Ehrlich simultaneous iteration followed by Newton polishing.
 * Leading zero coefficients are dropped.
 */
export function polyroot(coefs: ArrayLike<number>): Complex[] {
  let n = coefs.length - 1;
  while (n > 0 && coefs[n] === 0) n--;
  if (n < 1) return [];
  const lead = coefs[n];
  // Monic coefficients a[0..n], a[n] = 1.
  const a = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) a[i] = coefs[i] / lead;
  if (n === 1) return [[-a[0], 0]];
  if (n === 2) {
    const b = a[1];
    const c = a[0];
    const disc = b * b - 4 * c;
    if (disc >= 0) {
      const s = Math.sqrt(disc);
      const q = -0.5 * (b + (b >= 0 ? s : -s));
      const r1 = q;
      const r2 = q !== 0 ? c / q : 0;
      return [
        [r1, 0],
        [r2, 0],
      ];
    }
    const s = Math.sqrt(-disc) / 2;
    return [
      [-b / 2, s],
      [-b / 2, -s],
    ];
  }
  // Initial guesses on a circle with radius from the Cauchy-like bound.
  let radius = 0;
  for (let i = 0; i < n; i++)
    radius = Math.max(radius, Math.pow(Math.abs(a[i]), 1 / (n - i)));
  radius = Math.max(radius, 1e-3);
  const zr = new Float64Array(n);
  const zi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ang = (2 * Math.PI * k) / n + 0.4;
    zr[k] = radius * Math.cos(ang);
    zi[k] = radius * Math.sin(ang);
  }
  const evalPoly = (
    xr: number,
    xi: number,
  ): [number, number, number, number] => {
    // Horner for p and p'.
    let pr = 1;
    let pi = 0;
    let dr = 0;
    let di = 0;
    for (let i = n - 1; i >= 0; i--) {
      const ndr = dr * xr - di * xi + pr;
      const ndi = dr * xi + di * xr + pi;
      dr = ndr;
      di = ndi;
      const npr = pr * xr - pi * xi + a[i];
      const npi = pr * xi + pi * xr;
      pr = npr;
      pi = npi;
    }
    return [pr, pi, dr, di];
  };
  for (let iter = 0; iter < 500; iter++) {
    let maxStep = 0;
    for (let k = 0; k < n; k++) {
      const [pr, pi, dr, di] = evalPoly(zr[k], zi[k]);
      // ratio = p / p'
      const dd = dr * dr + di * di;
      if (dd === 0) continue;
      const rr = (pr * dr + pi * di) / dd;
      const ri = (pi * dr - pr * di) / dd;
      // sum 1/(z_k - z_j)
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        if (j === k) continue;
        const ar = zr[k] - zr[j];
        const ai = zi[k] - zi[j];
        const m2 = ar * ar + ai * ai;
        if (m2 === 0) continue;
        sr += ar / m2;
        si += -ai / m2;
      }
      // w = ratio / (1 - ratio * s)
      const denr = 1 - (rr * sr - ri * si);
      const deni = -(rr * si + ri * sr);
      const den2 = denr * denr + deni * deni;
      if (den2 === 0) continue;
      const wr = (rr * denr + ri * deni) / den2;
      const wi = (ri * denr - rr * deni) / den2;
      zr[k] -= wr;
      zi[k] -= wi;
      const step = Math.hypot(wr, wi) / Math.max(1, Math.hypot(zr[k], zi[k]));
      if (step > maxStep) maxStep = step;
    }
    if (maxStep < 1e-15) break;
  }
  const roots: Complex[] = [];
  for (let k = 0; k < n; k++) {
    let xr = zr[k];
    let xi = zi[k];
    for (let it = 0; it < 3; it++) {
      const [pr, pi, dr, di] = evalPoly(xr, xi);
      const dd = dr * dr + di * di;
      if (dd === 0) break;
      xr -= (pr * dr + pi * di) / dd;
      xi -= (pi * dr - pr * di) / dd;
    }
    if (Number.isFinite(xr) && Number.isFinite(xi)) roots.push([xr, xi]);
    else roots.push([zr[k], zi[k]]);
  }
  return roots;
}
