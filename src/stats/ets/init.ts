/**
 * Starting values for ETS estimation, as forecast's initparam and initstate choose them:
 * smoothing parameters near the lower bounds, and initial states from a classical
 * decomposition (or a trend + one-harmonic regression for fewer than three seasons).
 */
import {fourier} from '../fourier';

export interface Bounds {
  /** alpha, beta, gamma, phi */
  lower: [number, number, number, number];
  upper: [number, number, number, number];
}

export const DEFAULT_BOUNDS: Bounds = {
  lower: [0.0001, 0.0001, 0.0001, 0.8],
  upper: [0.9999, 0.9999, 0.9999, 0.98],
};

export interface SmoothingStart {
  alpha: number;
  beta?: number;
  gamma?: number;
  phi?: number;
}

/** forecast:::initparam for parameters that are all estimated. */
export function initParam(
  trend: string,
  season: string,
  damped: boolean,
  bounds: Bounds,
  m: number,
): SmoothingStart {
  const lower = bounds.lower;
  const upper = [...bounds.upper];
  let alpha = lower[0] + (0.2 * (upper[0] - lower[0])) / m;
  if (alpha > 1 || alpha < 0) alpha = lower[0] + 2e-3;
  const out: SmoothingStart = {alpha};
  if (trend !== 'N') {
    upper[1] = Math.min(upper[1], alpha);
    let beta = lower[1] + 0.1 * (upper[1] - lower[1]);
    if (beta < 0 || beta > alpha) beta = alpha - 1e-3;
    out.beta = beta;
  }
  if (season !== 'N') {
    upper[2] = Math.min(upper[2], 1 - alpha);
    let gamma = lower[2] + 0.05 * (upper[2] - lower[2]);
    if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 1e-3;
    out.gamma = gamma;
  }
  if (damped) {
    let phi = lower[3] + 0.99 * (upper[3] - lower[3]);
    if (phi < 0 || phi > 1) phi = upper[3] - 1e-3;
    out.phi = phi;
  }
  return out;
}

/**
 * stats::filter(x, filter, sides = 2) (convolution); NaN where the window leaves the series.
 */
function centredFilter(x: ArrayLike<number>, filter: number[]): Float64Array {
  const n = x.length;
  const nf = filter.length;
  const o = Math.floor(nf / 2);
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (i + o - (nf - 1) < 0 || i + o >= n) continue;
    let tmp = 0;
    for (let j = 0; j < nf; j++) tmp += filter[j] * x[i + o - j];
    out[i] = tmp;
  }
  return out;
}

/** stats::decompose(x)$seasonal: the seasonal figure repeated, aligned with x[0]. */
export function decomposeSeasonal(
  x: ArrayLike<number>,
  m: number,
  type: 'additive' | 'multiplicative',
): Float64Array {
  const l = x.length;
  const filter =
    m % 2 === 0
      ? [0.5 / m, ...new Array<number>(m - 1).fill(1 / m), 0.5 / m]
      : new Array<number>(m).fill(1 / m);
  const trend = centredFilter(x, filter);
  const season = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    season[i] = type === 'additive' ? x[i] - trend[i] : x[i] / trend[i];
  }
  const figure = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    let c = 0;
    for (let k = i; k < l; k += m) {
      if (!Number.isNaN(season[k])) {
        s += season[k];
        c++;
      }
    }
    figure[i] = s / c;
  }
  let fm = 0;
  for (let i = 0; i < m; i++) fm += figure[i];
  fm /= m;
  for (let i = 0; i < m; i++) {
    figure[i] = type === 'additive' ? figure[i] - fm : figure[i] / fm;
  }
  const seasonal = new Float64Array(l);
  for (let i = 0; i < l; i++) seasonal[i] = figure[i % m];
  return seasonal;
}

/** Least squares of y on [1, columns...]: coefficients via normal equations (small p). */
function leastSquares(columns: number[][], y: ArrayLike<number>): number[] {
  const n = y.length;
  const X: number[][] = [new Array<number>(n).fill(1), ...columns];
  const p = X.length;
  const A: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < p; i++) {
    const row: number[] = [];
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += X[i][t] * X[j][t];
      row.push(s);
    }
    A.push(row);
    let s = 0;
    for (let t = 0; t < n; t++) s += X[i][t] * y[t];
    b.push(s);
  }
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) {
      if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    }
    [A[c], A[piv]] = [A[piv], A[c]];
    [b[c], b[piv]] = [b[piv], b[c]];
    if (A[c][c] === 0)
      throw new Error('singular regression in ETS initialisation');
    for (let r = c + 1; r < p; r++) {
      const f = A[r][c] / A[c][c];
      for (let k = c; k < p; k++) A[r][k] -= f * A[c][k];
      b[r] -= f * b[c];
    }
  }
  const coef = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < p; k++) s -= A[r][k] * coef[k];
    coef[r] = s / A[r][r];
  }
  return coef;
}

/**
 * forecast:::initstate: [l0, b0?, s0..s(m-2)] (the last seasonal state is implied by the
 * others). y has no missing values.
 */
export function initState(
  y: ArrayLike<number>,
  trend: string,
  season: string,
  m: number,
): number[] {
  const n = y.length;
  let initSeas: number[] = [];
  let ySa: Float64Array;
  if (season !== 'N') {
    if (n < 4)
      throw new Error('not enough data to initialise a seasonal model');
    let seasonal: Float64Array;
    if (n < 3 * m) {
      const f = fourier(n, m, 1);
      const t = Array.from({length: n}, (_, i) => i + 1);
      const coef = leastSquares([t, ...f.columns], y);
      seasonal = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const line = coef[0] + coef[1] * (i + 1);
        seasonal[i] = season === 'A' ? y[i] - line : y[i] / line;
      }
    } else {
      seasonal = decomposeSeasonal(
        y,
        m,
        season === 'A' ? 'additive' : 'multiplicative',
      );
    }
    for (let k = m - 1; k >= 1; k--) initSeas.push(seasonal[k]);
    ySa = new Float64Array(n);
    if (season === 'A') {
      for (let i = 0; i < n; i++) ySa[i] = y[i] - seasonal[i];
    } else {
      initSeas = initSeas.map(v => Math.max(v, 1e-2));
      const sum = initSeas.reduce((a, v) => a + v, 0);
      if (sum > m) {
        const denom = initSeas.reduce((a, v) => a + v + 1e-2, 0);
        initSeas = initSeas.map(v => v / denom);
      }
      for (let i = 0; i < n; i++) ySa[i] = y[i] / Math.max(seasonal[i], 1e-2);
    }
  } else {
    m = 1;
    ySa = Float64Array.from(y as ArrayLike<number>);
  }
  const maxn = Math.min(Math.max(10, 2 * m), ySa.length);
  if (trend === 'N') {
    let s = 0;
    for (let i = 0; i < maxn; i++) s += ySa[i];
    return [s / maxn, ...initSeas];
  }
  // lsfit(1:maxn, y.sa[1:maxn])
  const tm = (maxn + 1) / 2;
  let ym = 0;
  for (let i = 0; i < maxn; i++) ym += ySa[i];
  ym /= maxn;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < maxn; i++) {
    const d = i + 1 - tm;
    sxy += d * (ySa[i] - ym);
    sxx += d * d;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = ym - slope * tm;
  let l0: number;
  let b0: number;
  if (trend === 'A') {
    l0 = intercept;
    b0 = slope;
    if (Math.abs(l0 + b0) < 1e-8) {
      l0 = l0 * (1 + 1e-3);
      b0 = b0 * (1 - 1e-3);
    }
  } else {
    l0 = intercept + slope;
    if (Math.abs(l0) < 1e-8) l0 = 1e-7;
    b0 = (intercept + 2 * slope) / l0;
    l0 = l0 / b0;
    if (Math.abs(b0) > 1e10) b0 = Math.sign(b0) * 1e10;
    if (l0 < 1e-8 || b0 < 1e-8) {
      l0 = Math.max(ySa[0], 1e-3);
      b0 = Math.max(ySa[1] / ySa[0], 1e-3);
    }
  }
  return [l0, b0, ...initSeas];
}
