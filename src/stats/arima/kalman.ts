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
  // Non-zero entries of each row of T (T is sparse: companion and shift blocks).
  const rowCols: number[][] = [];
  for (let i = 0; i < rd; i++) {
    const cols: number[] = [];
    for (let k = 0; k < rd; k++) if (T[i + rd * k] !== 0) cols.push(k);
    rowCols.push(cols);
  }
  const mean: number[] = [];
  const variance: number[] = [];
  for (let l = 0; l < h; l++) {
    let fc = 0;
    for (let i = 0; i < rd; i++) {
      let tmp = 0;
      for (const k of rowCols[i]) tmp += T[i + rd * k] * a[k];
      anew[i] = tmp;
      fc += tmp * Z[i];
    }
    a.set(anew);
    mean.push(fc);
    for (let i = 0; i < rd; i++)
      for (let j = 0; j < rd; j++) {
        let tmp = 0;
        for (const k of rowCols[i]) tmp += T[i + rd * k] * P[k + rd * j];
        mm[i + rd * j] = tmp;
      }
    let v = 0;
    for (let i = 0; i < rd; i++)
      for (let j = 0; j < rd; j++) {
        let tmp = V[i + rd * j];
        for (const k of rowCols[j]) tmp += mm[i + rd * k] * T[j + rd * k];
        P[i + rd * j] = tmp;
      }
    for (let i = 0; i < rd; i++)
      for (let j = 0; j < rd; j++) v += Z[i] * Z[j] * P[i + rd * j];
    variance.push(v);
  }
  return {mean, variance};
}

/**
 * The same filter organised for the optimiser. The covariance recursion does not depend
 * on the data, so it runs once for the series and every regressor column together; the
 * likelihood for any regression coefficients then follows from the stored innovations
 * (the innovations are linear in the data). It also exploits the symmetry of P and the
 * sparsity of the differencing polynomial. Agrees with arimaLikelihood to rounding.
 */
export class ArimaFilterCache {
  /** Innovation variances (units of sigma^2) per observation. */
  readonly gain: Float64Array;
  /** 1 where the observation enters the likelihood (present and not diffuse). */
  readonly used: Uint8Array;
  /** Innovations of vector v at time t: innov[v * n + t]. */
  readonly innov: Float64Array;
  sumlog = 0;
  nu = 0;
  /** Filtered covariance after the last observation (upper triangle, rd x rd). */
  private finalCov: Float64Array | null = null;
  private readonly aState: Float64Array;
  private readonly aNew: Float64Array;
  private readonly w: Float64Array;
  private readonly deltaIdx: Int32Array;
  private readonly deltaVal: Float64Array;
  private readonly mg: Float64Array;
  private readonly mrow: Float64Array;
  private readonly vIdx: Int32Array;
  private readonly vVal: Float64Array;
  private readonly u: Float64Array;
  private readonly phiFull: Float64Array;
  private readonly phIdx: Int32Array;

  constructor(
    private readonly n: number,
    private readonly nv: number,
    rd: number,
    delta: ArrayLike<number>,
  ) {
    this.gain = new Float64Array(n);
    this.used = new Uint8Array(n);
    this.innov = new Float64Array(nv * n);
    this.aState = new Float64Array(nv * rd);
    this.aNew = new Float64Array(nv * rd);
    this.w = new Float64Array(rd);
    this.mg = new Float64Array(rd);
    this.mrow = new Float64Array(rd);
    this.vIdx = new Int32Array(rd + 1);
    this.vVal = new Float64Array(rd + 1);
    this.u = new Float64Array(rd);
    this.phiFull = new Float64Array(rd);
    this.phIdx = new Int32Array(rd);
    const idx: number[] = [];
    for (let k = 0; k < delta.length; k++) if (delta[k] !== 0) idx.push(k);
    this.deltaIdx = Int32Array.from(idx);
    this.deltaVal = Float64Array.from(idx.map(k => delta[k]));
  }

  /**
   * Filters the vectors (each of length n; entries at absent times are ignored) from the
   * initial state in ss (ss.reset()). present[t] = 1 when every vector is observed at t.
   */
  run(
    ss: ArimaStateSpace,
    vectors: ReadonlyArray<Float64Array>,
    present: Uint8Array,
  ): void {
    const {r, rd, d, phi, P, M} = ss;
    const Pn = ss.Pn;
    const p = ss.p;
    const {n, nv, gain, used, innov, aState, aNew, deltaIdx, deltaVal} = this;
    const nz = deltaIdx.length;
    aState.fill(0);
    if (d === 0) {
      this.runStationary(ss, vectors, present);
      return;
    }
    let sumlog = 0;
    let nu = 0;
    for (let l = 0; l < n; l++) {
      // State prediction for every vector.
      for (let v = 0; v < nv; v++) {
        const o = v * rd;
        const a0 = aState[o];
        for (let i = 0; i < r; i++) {
          let tmp = i < r - 1 ? aState[o + i + 1] : 0;
          if (i < p) tmp += phi[i] * a0;
          aNew[o + i] = tmp;
        }
        if (d > 0) {
          for (let i = r + 1; i < rd; i++) aNew[o + i] = aState[o + i - 1];
          let tmp = a0;
          for (let k = 0; k < nz; k++)
            tmp += deltaVal[k] * aState[o + r + deltaIdx[k]];
          aNew[o + r] = tmp;
        }
      }
      // Covariance prediction (the first step uses the initial covariance as is).
      if (l > 0) this.predictCovariance(ss);
      if (present[l]) {
        // M = Pn z, reading the upper triangle only (Pn(i, c) = Pn(min, max)).
        for (let i = 0; i < rd; i++) {
          let tmp = Pn[i * rd]; // Pn(0, i)
          for (let k = 0; k < nz; k++) {
            const c = r + deltaIdx[k];
            tmp += (i <= c ? Pn[i + c * rd] : Pn[c + i * rd]) * deltaVal[k];
          }
          M[i] = tmp;
        }
        let g = M[0];
        for (let k = 0; k < nz; k++) g += deltaVal[k] * M[r + deltaIdx[k]];
        gain[l] = g;
        if (g < 1e4) {
          used[l] = 1;
          nu++;
          sumlog += Math.log(g);
        } else {
          used[l] = 0;
        }
        for (let v = 0; v < nv; v++) {
          const o = v * rd;
          let resid0 = vectors[v][l] - aNew[o];
          for (let k = 0; k < nz; k++)
            resid0 -= deltaVal[k] * aNew[o + r + deltaIdx[k]];
          innov[v * n + l] = resid0;
          const f = resid0 / g;
          for (let i = 0; i < rd; i++) aState[o + i] = aNew[o + i] + M[i] * f;
        }
        for (let j = 0; j < rd; j++) {
          const mj = M[j] / g;
          const col = j * rd;
          for (let i = 0; i <= j; i++) P[i + col] = Pn[i + col] - M[i] * mj;
        }
      } else {
        gain[l] = NaN;
        used[l] = 0;
        aState.set(aNew);
        P.set(Pn);
      }
    }
    this.sumlog = sumlog;
    this.nu = nu;
    this.finalCov = P;
  }

  /**
   * The filter without differencing states (d = 0). The update P = Pn - M M' / g and the
   * next prediction T P T' + V are fused into one pass over the upper triangle, writing
   * into a second buffer: for the companion form T P T' is a shift of P plus terms in
   * its first row.
   */
  private runStationary(
    ss: ArimaStateSpace,
    vectors: ReadonlyArray<Float64Array>,
    present: Uint8Array,
  ): void {
    const {r, rd, phi, theta} = ss;
    const p = ss.p;
    const q = ss.q;
    const {n, nv, gain, used, innov, aState, aNew, mg, mrow, vIdx, vVal} = this;
    // Non-zero entries of (1, theta), the disturbance loading.
    let nvz = 0;
    for (let i = 0; i <= q; i++) {
      const v = i === 0 ? 1 : theta[i - 1];
      if (v !== 0) {
        vIdx[nvz] = i;
        vVal[nvz++] = v;
      }
    }
    const {u, phiFull, phIdx} = this;
    let nph = 0;
    phiFull.fill(0);
    for (let i = 0; i < p; i++) {
      phiFull[i] = phi[i];
      if (phi[i] !== 0) phIdx[nph++] = i;
    }
    let cur = ss.Pn;
    let nxt = ss.P;
    const last = r - 1;
    let sumlog = 0;
    let nu = 0;
    for (let l = 0; l < n; l++) {
      for (let v = 0; v < nv; v++) {
        const o = v * rd;
        const a0 = aState[o];
        for (let i = 0; i < last; i++) aNew[o + i] = aState[o + i + 1];
        aNew[o + last] = 0;
        for (let i = 0; i < p; i++) aNew[o + i] += phi[i] * a0;
      }
      // First row of the predicted covariance, M = Pn e1.
      for (let i = 0; i < r; i++) mrow[i] = cur[i * rd];
      if (present[l]) {
        const g = mrow[0];
        gain[l] = g;
        if (g < 1e4) {
          used[l] = 1;
          nu++;
          sumlog += Math.log(g);
        } else {
          used[l] = 0;
        }
        for (let v = 0; v < nv; v++) {
          const o = v * rd;
          const resid0 = vectors[v][l] - aNew[o];
          innov[v * n + l] = resid0;
          const f = resid0 / g;
          for (let i = 0; i < r; i++) aState[o + i] = aNew[o + i] + mrow[i] * f;
        }
        for (let i = 0; i < r; i++) mg[i] = mrow[i] / g;
      } else {
        gain[l] = NaN;
        used[l] = 0;
        for (let i = 0; i < nv * rd; i++) aState[i] = aNew[i];
        for (let i = 0; i < r; i++) mg[i] = 0;
      }
      if (l === n - 1) {
        // Filtered covariance after the last observation.
        for (let j = 0; j < r; j++) {
          const col = j * rd;
          const mj = mg[j];
          for (let i = 0; i <= j; i++)
            nxt[i + col] = cur[i + col] - mrow[i] * mj;
        }
        this.finalCov = nxt;
        break;
      }
      // nxt = T (cur - M M'/g) T' + V, upper triangle.
      for (let j = 0; j < last; j++) {
        const src = (j + 1) * rd + 1;
        const dst = j * rd;
        const mj = mg[j + 1];
        for (let i = 0; i <= j; i++)
          nxt[i + dst] = cur[i + src] - mrow[i + 1] * mj;
      }
      {
        const dst = last * rd;
        for (let i = 0; i < r; i++) nxt[i + dst] = 0;
      }
      if (nph > 0) {
        // + phi c' + u phi' with u_i = P(0, i+1), c_j = phi_j P(0,0) + u_j (P filtered).
        const p00 = mrow[0] - mrow[0] * mg[0];
        for (let i = 0; i < last; i++) u[i] = mrow[i + 1] - mrow[0] * mg[i + 1];
        u[last] = 0;
        for (let j = 0; j < r; j++) {
          const phij = phiFull[j];
          const cj = phij * p00 + u[j];
          const dst = j * rd;
          for (let b = 0; b < nph; b++) {
            const i = phIdx[b];
            if (i > j) break;
            nxt[i + dst] += phi[i] * cj;
          }
          if (phij !== 0)
            for (let i = 0; i <= j; i++) nxt[i + dst] += phij * u[i];
        }
      }
      for (let b = 0; b < nvz; b++) {
        const jb = vIdx[b];
        const vb = vVal[b];
        const dst = jb * rd;
        for (let a = 0; a <= b; a++) nxt[vIdx[a] + dst] += vVal[a] * vb;
      }
      const tmp = cur;
      cur = nxt;
      nxt = tmp;
    }
    this.sumlog = sumlog;
    this.nu = nu;
  }

  /**
   * Pn = T P T' + V from the block structure of T. Both matrices are symmetric and only
   * their upper triangles (i <= j, element i + j rd) are read and written.
   */
  private predictCovariance(ss: ArimaStateSpace): void {
    const {r, rd, d, phi, theta, P} = ss;
    const Pn = ss.Pn;
    const p = ss.p;
    const q = ss.q;
    const {w, deltaIdx, deltaVal} = this;
    const nz = deltaIdx.length;
    // ARMA block, i <= j < r: Cov(phi_i a0 + a_{i+1}, phi_j a0 + a_{j+1}).
    // The shift part P(i+1, j+1) for i <= j < r - 1.
    for (let j = 0; j < r - 1; j++) {
      const dst = j * rd;
      const src = (j + 1) * rd + 1;
      for (let i = 0; i <= j; i++) Pn[i + dst] = P[i + src];
    }
    {
      const dst = (r - 1) * rd;
      for (let i = 0; i < r; i++) Pn[i + dst] = 0;
    }
    if (p > 0) {
      const p00 = P[0];
      for (let j = 0; j < r; j++) {
        const phij = j < p ? phi[j] : 0;
        const dst = j * rd;
        // phi_i P(0, j+1) for j < r - 1; phi_j P(0, i+1) for i < r - 1.
        const p0j1 = j < r - 1 ? P[(j + 1) * rd] : 0;
        const iMax = Math.min(j, p - 1);
        for (let i = 0; i <= iMax; i++)
          Pn[i + dst] += phi[i] * (phij * p00 + p0j1);
        if (phij !== 0) {
          const iTop = Math.min(j, r - 2);
          for (let i = 0; i <= iTop; i++) Pn[i + dst] += phij * P[(i + 1) * rd];
        }
      }
    }
    // V = (1, theta)(1, theta)'.
    for (let j = 0; j <= q; j++) {
      const vj = j === 0 ? 1 : theta[j - 1];
      const dst = j * rd;
      Pn[dst] += vj;
      for (let i = 1; i <= j; i++) Pn[i + dst] += theta[i - 1] * vj;
    }
    if (d > 0) {
      // w_m = Cov(state m, z'state) = P(m, 0) + sum_k delta_k P(m, r + k).
      for (let m = 0; m < rd; m++) {
        let tmp = P[m * rd];
        for (let k = 0; k < nz; k++) {
          const c = r + deltaIdx[k];
          tmp += deltaVal[k] * (m <= c ? P[m + c * rd] : P[c + m * rd]);
        }
        w[m] = tmp;
      }
      // Column r: the new first differencing state is z'state.
      const colr = r * rd;
      for (let i = 0; i < r - 1; i++) Pn[i + colr] = w[i + 1];
      Pn[r - 1 + colr] = 0;
      for (let i = 0; i < p; i++) Pn[i + colr] += phi[i] * w[0];
      {
        let tmp = w[0];
        for (let k = 0; k < nz; k++) tmp += deltaVal[k] * w[r + deltaIdx[k]];
        Pn[r + colr] = tmp;
      }
      // Columns r + k (k >= 1): the shifted differencing states.
      for (let k = 1; k < d; k++) {
        const col = (r + k) * rd;
        const src = (r + k - 1) * rd; // column of old state r + k - 1
        for (let i = 0; i < r - 1; i++) Pn[i + col] = P[i + 1 + src];
        Pn[r - 1 + col] = 0;
        const p0 = P[src];
        for (let i = 0; i < p; i++) Pn[i + col] += phi[i] * p0;
        Pn[r + col] = w[r + k - 1];
        for (let l2 = 1; l2 <= k; l2++) Pn[r + l2 + col] = P[r + l2 - 1 + src];
      }
    }
  }
  /** Filtered state of vectors[0] and its covariance (full) after the last observation. */
  finalState(): {a: Float64Array; P: Float64Array} {
    const rd = this.aState.length / this.nv;
    const a = this.aState.slice(0, rd);
    const P = new Float64Array(rd * rd);
    const src = this.finalCov;
    if (src)
      for (let j = 0; j < rd; j++)
        for (let i = 0; i <= j; i++)
          P[i + j * rd] = P[j + i * rd] = src[i + j * rd];
    return {a, P};
  }

  /** Sum of squared standardised innovations of vectors[0] - sum_j beta_j vectors[1 + j]. */
  ssq(beta: ArrayLike<number>, betaOffset: number): number {
    const {n, nv, gain, used, innov} = this;
    let ssq = 0;
    for (let t = 0; t < n; t++) {
      if (!used[t]) continue;
      let e = innov[t];
      for (let v = 1; v < nv; v++)
        e -= beta[betaOffset + v - 1] * innov[v * n + t];
      ssq += (e * e) / gain[t];
    }
    return ssq;
  }
}

/**
 * One pass of the filter over y (NaN = missing) from ss.reset()'s initial state, with what
 * R's arimaSS returns: the likelihood parts, the standardised innovations (NaN where y is
 * missing) and the filtered state after the last observation.
 */
export function filterSeries(
  y: Float64Array,
  ss: ArimaStateSpace,
): LikelihoodParts & {resid: Float64Array; a: Float64Array; P: Float64Array} {
  const n = y.length;
  const present = new Uint8Array(n);
  const clean = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const v = y[t];
    present[t] = v === v ? 1 : 0;
    clean[t] = v === v ? v : 0;
  }
  const f = new ArimaFilterCache(n, 1, ss.rd, ss.delta);
  f.run(ss, [clean], present);
  const resid = new Float64Array(n);
  let ssq = 0;
  for (let t = 0; t < n; t++) {
    if (!present[t]) {
      resid[t] = NaN;
      continue;
    }
    const e = f.innov[t];
    resid[t] = e / Math.sqrt(f.gain[t]);
    if (f.used[t]) ssq += (e * e) / f.gain[t];
  }
  const {a, P} = f.finalState();
  return {ssq, sumlog: f.sumlog, nu: f.nu, resid, a, P};
}
