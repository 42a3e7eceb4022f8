/**
 * Parameter transforms of R's arima (transform.pars = TRUE): AR blocks are optimised as
 * atanh of partial autocorrelations (Jones 1980, Monahan 1984), which keeps every
 * candidate stationary; MA blocks are optimised as they are and flipped to their
 * invertible representation afterwards (maInvert). Also the seasonal expansion of the
 * multiplicative polynomials (R's ARIMA_transPars).
 */
import {polyroot} from '../linalg';

type Arma = readonly [number, number, number, number, number, number, number];

/** PACF (unconstrained, tanh-mapped) to AR coefficients, R's partrans. */
export function partrans(
  p: number,
  raw: ArrayLike<number>,
  rawOffset: number,
  out: Float64Array | number[],
  outOffset: number,
  work: Float64Array,
): void {
  for (let j = 0; j < p; j++)
    work[j] = out[outOffset + j] = Math.tanh(raw[rawOffset + j]);
  for (let j = 1; j < p; j++) {
    const a = out[outOffset + j];
    for (let k = 0; k < j; k++) work[k] -= a * out[outOffset + j - k - 1];
    for (let k = 0; k < j; k++) out[outOffset + k] = work[k];
  }
}

/** AR coefficients back to unconstrained PACF values, R's invpartrans. */
function invpartrans(
  p: number,
  phi: ArrayLike<number>,
  offset: number,
  out: number[],
): void {
  const work = new Array<number>(p);
  for (let j = 0; j < p; j++) work[j] = out[offset + j] = phi[offset + j];
  for (let j = p - 1; j > 0; j--) {
    const a = out[offset + j];
    for (let k = 0; k < j; k++)
      work[k] = (out[offset + k] + a * out[offset + j - k - 1]) / (1 - a * a);
    for (let k = 0; k < j; k++) out[offset + k] = work[k];
  }
  for (let j = 0; j < p; j++) out[offset + j] = Math.atanh(out[offset + j]);
}

/** R's ARIMA_Invtrans: the optimiser's coordinates for given coefficients. */
export function invTrans(par: ArrayLike<number>, arma: Arma): number[] {
  const [mp, mq, msp] = arma;
  const out = Array.from(par);
  if (mp > 0) invpartrans(mp, par, 0, out);
  if (msp > 0) invpartrans(msp, par, mp + mq, out);
  return out;
}

/** R's ARIMA_undoPars: coefficients from the optimiser's coordinates. */
export function undoPars(par: ArrayLike<number>, arma: Arma): number[] {
  const [mp, mq, msp] = arma;
  const out = Array.from(par);
  const work = new Float64Array(Math.max(mp, msp, 1));
  if (mp > 0) partrans(mp, par, 0, out, 0, work);
  if (msp > 0) partrans(msp, par, mp + mq, out, mp + mq, work);
  return out;
}

/**
 * Jacobian of undoPars by forward differences with step 1e-3, exactly as R's
 * ARIMA_Gradtrans (A[i][j] = d coef_j / d raw_i), used for the delta-method variances.
 */
export function gradTrans(par: ArrayLike<number>, arma: Arma): number[][] {
  const [mp, mq, msp] = arma;
  const n = par.length;
  const eps = 1e-3;
  const A: number[][] = [];
  for (let i = 0; i < n; i++) {
    A.push(new Array<number>(n).fill(0));
    A[i][i] = 1;
  }
  const block = (m: number, v: number) => {
    const w1 = new Float64Array(m);
    const w2 = new Float64Array(m);
    const w3 = new Float64Array(m);
    const work = new Float64Array(m);
    for (let i = 0; i < m; i++) w1[i] = par[i + v];
    partrans(m, w1, 0, w2, 0, work);
    for (let i = 0; i < m; i++) {
      w1[i] += eps;
      partrans(m, w1, 0, w3, 0, work);
      for (let j = 0; j < m; j++) A[i + v][j + v] = (w3[j] - w2[j]) / eps;
      w1[i] -= eps;
    }
  };
  if (mp > 0) block(mp, 0);
  if (msp > 0) block(msp, mp + mq);
  return A;
}

/**
 * Expands (transformed or not) coefficients to the full AR and MA polynomials of the
 * multiplicative seasonal model, R's ARIMA_transPars. Writes phi (length p + s P) and
 * theta (length q + s Q); `params` is scratch of length >= narma.
 */
export function transPars(
  par: ArrayLike<number>,
  arma: Arma,
  trans: boolean,
  phi: Float64Array,
  theta: Float64Array,
  params: Float64Array,
  work: Float64Array,
): void {
  const [mp, mq, msp, msq, ns] = arma;
  const p = mp + ns * msp;
  const q = mq + ns * msq;
  const n = mp + mq + msp + msq;
  for (let i = 0; i < n; i++) params[i] = par[i];
  if (trans) {
    if (mp > 0) partrans(mp, par, 0, params, 0, work);
    if (msp > 0) partrans(msp, par, mp + mq, params, mp + mq, work);
  }
  for (let i = 0; i < mp; i++) phi[i] = params[i];
  for (let i = 0; i < mq; i++) theta[i] = params[i + mp];
  for (let i = mp; i < p; i++) phi[i] = 0;
  for (let i = mq; i < q; i++) theta[i] = 0;
  for (let j = 0; j < msp; j++) {
    phi[(j + 1) * ns - 1] += params[j + mp + mq];
    for (let i = 0; i < mp; i++)
      phi[(j + 1) * ns + i] -= params[i] * params[j + mp + mq];
  }
  for (let j = 0; j < msq; j++) {
    theta[(j + 1) * ns - 1] += params[j + mp + mq + msp];
    for (let i = 0; i < mq; i++)
      theta[(j + 1) * ns + i] += params[i + mp] * params[j + mp + mq + msp];
  }
}

/** True when all roots of 1 - ar_1 z - ... lie outside the unit circle (R's arCheck). */
export function arCheck(ar: ArrayLike<number>): boolean {
  let p = 0;
  for (let i = 0; i < ar.length; i++) if (ar[i] !== 0) p = i + 1;
  if (!p) return true;
  const c = [1];
  for (let i = 0; i < p; i++) c.push(-ar[i]);
  return polyroot(c).every(([re, im]) => Math.hypot(re, im) > 1);
}

/**
 * The invertible MA polynomial with the same autocorrelations: roots inside the unit
 * circle are replaced by their reciprocals (R's maInvert).
 */
export function maInvert(ma: ArrayLike<number>): number[] {
  const q = ma.length;
  let q0 = 0;
  for (let i = 0; i < q; i++) if (ma[i] !== 0) q0 = i + 1;
  if (!q0) return Array.from(ma);
  const c = [1];
  for (let i = 0; i < q0; i++) c.push(ma[i]);
  const roots = polyroot(c);
  const inside = roots.map(([re, im]) => Math.hypot(re, im) < 1);
  if (!inside.some(Boolean)) return Array.from(ma);
  if (q0 === 1) return [1 / ma[0], ...new Array<number>(q - q0).fill(0)];
  const rs = roots.map(([re, im], i) => {
    if (!inside[i]) return [re, im] as [number, number];
    const m2 = re * re + im * im;
    return [re / m2, -im / m2] as [number, number];
  });
  // x <- 1; for (r in roots) x <- c(x, 0) - c(0, x) / r
  let xr = [1];
  let xi = [0];
  for (const [rr, ri] of rs) {
    const m2 = rr * rr + ri * ri;
    // 1/r
    const ir = rr / m2;
    const ii = -ri / m2;
    const nr = new Array<number>(xr.length + 1).fill(0);
    const ni = new Array<number>(xr.length + 1).fill(0);
    for (let k = 0; k < xr.length; k++) {
      nr[k] += xr[k];
      ni[k] += xi[k];
      nr[k + 1] -= xr[k] * ir - xi[k] * ii;
      ni[k + 1] -= xr[k] * ii + xi[k] * ir;
    }
    xr = nr;
    xi = ni;
  }
  return [...xr.slice(1), ...new Array<number>(q - q0).fill(0)];
}
