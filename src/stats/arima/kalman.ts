/**
 * The Kalman filter for the ARIMA state-space form (R's ARIMA_Like and KalmanFore).
 * The filter exploits the sparse transition (companion ARMA block plus differencing
 * shift), so a step costs O(rd^2); it allocates nothing. Missing observations (NaN) are
 * skipped: the state is propagated without an update and they add nothing to the
 * likelihood. Innovations whose variance is still diffuse (gain >= 1e4, the first d
 * observations under the kappa prior) are left out of the likelihood as R does.
 */
import {ArimaStateSpace} from './statespace';

export interface LikelihoodParts {
  /** Sum of squared standardised innovations. */
  ssq: number;
  /** Sum of log innovation variances (in units of sigma^2). */
  sumlog: number;
  /** Number of innovations used. */
  nu: number;
}

/**
 * Runs the filter over y from the initial state in ss (set by ss.reset()). Leaves the
 * final filtered state in ss.a / ss.P. When resid is given, writes the standardised
 * innovations resid0 / sqrt(gain) (NaN at missing values), as R's arima residuals.
 */
export function arimaLikelihood(
  y: Float64Array,
  ss: ArimaStateSpace,
  out: LikelihoodParts,
  resid?: Float64Array,
): LikelihoodParts {
  const {r, rd, d, a, P, anew, M, mm, phi, theta, delta} = ss;
  const Pnew = ss.Pn;
  const p = ss.p;
  const q = ss.q;
  const n = y.length;
  let ssq = 0;
  let sumlog = 0;
  let nu = 0;
  for (let l = 0; l < n; l++) {
    for (let i = 0; i < r; i++) {
      let tmp = i < r - 1 ? a[i + 1] : 0;
      if (i < p) tmp += phi[i] * a[0];
      anew[i] = tmp;
    }
    if (d > 0) {
      for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1];
      let tmp = a[0];
      for (let i = 0; i < d; i++) tmp += delta[i] * a[r + i];
      anew[r] = tmp;
    }
    if (l > 0) {
      if (d === 0) {
        const p0 = P[0];
        for (let i = 0; i < r; i++) {
          const vi = i === 0 ? 1 : i - 1 < q ? theta[i - 1] : 0;
          const phii = i < p ? phi[i] : 0;
          for (let j = 0; j < r; j++) {
            let tmp = 0;
            if (j === 0) tmp = vi;
            else if (j - 1 < q) tmp = vi * theta[j - 1];
            const phij = j < p ? phi[j] : 0;
            if (i < p && j < p) tmp += phii * phij * p0;
            if (i < r - 1 && j < r - 1) tmp += P[i + 1 + r * (j + 1)];
            if (i < p && j < r - 1) tmp += phii * P[j + 1];
            if (j < p && i < r - 1) tmp += phij * P[i + 1];
            Pnew[i + r * j] = tmp;
          }
        }
      } else {
        // mm = T P
        for (let j = 0; j < rd; j++) {
          const col = rd * j;
          const p0j = P[col];
          for (let i = 0; i < r; i++) {
            let tmp = 0;
            if (i < p) tmp += phi[i] * p0j;
            if (i < r - 1) tmp += P[i + 1 + col];
            mm[i + col] = tmp;
          }
          let tmp = p0j;
          for (let k = 0; k < d; k++) tmp += delta[k] * P[r + k + col];
          mm[r + col] = tmp;
          for (let i = 1; i < d; i++) mm[r + i + col] = P[r + i - 1 + col];
        }
        // Pnew = mm T'
        for (let i = 0; i < r; i++) {
          const coli = rd * (i + 1);
          const phii = i < p ? phi[i] : 0;
          for (let j = 0; j < rd; j++) {
            let tmp = 0;
            if (i < p) tmp += phii * mm[j];
            if (i < r - 1) tmp += mm[coli + j];
            Pnew[j + rd * i] = tmp;
          }
        }
        for (let j = 0; j < rd; j++) {
          let tmp = mm[j];
          for (let k = 0; k < d; k++) tmp += delta[k] * mm[rd * (r + k) + j];
          Pnew[rd * r + j] = tmp;
        }
        for (let i = 1; i < d; i++) {
          const dst = rd * (r + i);
          const src = rd * (r + i - 1);
          for (let j = 0; j < rd; j++) Pnew[dst + j] = mm[src + j];
        }
        // Pnew += (1, theta) (1, theta)'
        for (let i = 0; i <= q; i++) {
          const vi = i === 0 ? 1 : theta[i - 1];
          for (let j = 0; j <= q; j++)
            Pnew[i + rd * j] += vi * (j === 0 ? 1 : theta[j - 1]);
        }
      }
    }
    const yl = y[l];
    if (yl === yl) {
      let resid0 = yl - anew[0];
      for (let i = 0; i < d; i++) resid0 -= delta[i] * anew[r + i];
      for (let i = 0; i < rd; i++) {
        let tmp = Pnew[i];
        for (let j = 0; j < d; j++) tmp += Pnew[i + (r + j) * rd] * delta[j];
        M[i] = tmp;
      }
      let gain = M[0];
      for (let j = 0; j < d; j++) gain += delta[j] * M[r + j];
      if (gain < 1e4) {
        nu++;
        ssq += (resid0 * resid0) / gain;
        sumlog += Math.log(gain);
      }
      if (resid) resid[l] = resid0 / Math.sqrt(gain);
      for (let i = 0; i < rd; i++) a[i] = anew[i] + (M[i] * resid0) / gain;
      for (let j = 0; j < rd; j++) {
        const mj = M[j];
        const col = j * rd;
        for (let i = 0; i < rd; i++)
          P[i + col] = Pnew[i + col] - (M[i] * mj) / gain;
      }
    } else {
      for (let i = 0; i < rd; i++) a[i] = anew[i];
      P.set(Pnew.subarray(0, P.length));
      if (resid) resid[l] = NaN;
    }
  }
  out.ssq = ssq;
  out.sumlog = sumlog;
  out.nu = nu;
  return out;
}

/**
 * Forecasts h steps from the filtered state (R's KalmanForecast): the means of the
 * observation and their variances in units of sigma^2.
 */
export function arimaForecastState(
  ss: ArimaStateSpace,
  h: number,
): {mean: number[]; variance: number[]} {
  const {r, rd, d, phi, theta, delta} = ss;
  const p = ss.p;
  const q = ss.q;
  // Dense T, V and Z as makeARIMA builds them.
  const T = new Float64Array(rd * rd);
  for (let i = 0; i < p; i++) T[i] = phi[i];
  for (let i = 1; i < r; i++) T[i - 1 + rd * i] = 1;
  const Z = new Float64Array(rd);
  Z[0] = 1;
  for (let i = 0; i < d; i++) Z[r + i] = delta[i];
  if (d > 0) {
    for (let j = 0; j < rd; j++) T[r + rd * j] = Z[j];
    for (let i = 1; i < d; i++) T[r + i + rd * (r + i - 1)] = 1;
  }
  const R = new Float64Array(rd);
  R[0] = 1;
  for (let i = 0; i < q && i < r - 1; i++) R[i + 1] = theta[i];
  const V = new Float64Array(rd * rd);
  for (let i = 0; i < rd; i++)
    for (let j = 0; j < rd; j++) V[i + rd * j] = R[i] * R[j];
  const a = Float64Array.from(ss.a);
  const P = Float64Array.from(ss.P);
  const anew = new Float64Array(rd);
  const mm = new Float64Array(rd * rd);
  const mean: number[] = [];
  const variance: number[] = [];
  for (let l = 0; l < h; l++) {
    let fc = 0;
    for (let i = 0; i < rd; i++) {
      let tmp = 0;
      for (let k = 0; k < rd; k++) tmp += T[i + rd * k] * a[k];
      anew[i] = tmp;
      fc += tmp * Z[i];
    }
    a.set(anew);
    mean.push(fc);
    for (let i = 0; i < rd; i++)
      for (let j = 0; j < rd; j++) {
        let tmp = 0;
        for (let k = 0; k < rd; k++) tmp += T[i + rd * k] * P[k + rd * j];
        mm[i + rd * j] = tmp;
      }
    let v = 0;
    for (let i = 0; i < rd; i++)
      for (let j = 0; j < rd; j++) {
        let tmp = V[i + rd * j];
        for (let k = 0; k < rd; k++) tmp += mm[i + rd * k] * T[j + rd * k];
        P[i + rd * j] = tmp;
      }
    for (let i = 0; i < rd; i++)
      for (let j = 0; j < rd; j++) v += Z[i] * Z[j] * P[i + rd * j];
    variance.push(v);
  }
  return {mean, variance};
}
