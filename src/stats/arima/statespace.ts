/**
 * State-space form of an ARIMA model as R's makeARIMA (Harvey 1989 / Gardner et al. 1980):
 * the ARMA part has r = max(p, q + 1) states with transition [phi | shift] and
 * disturbance loading (1, theta); the differencing adds d states holding past values,
 * so the observation is y_t = a_1 + sum delta_i a_{r+i}. The ARMA states start from
 * their stationary covariance Q0 (Gardner's algorithm, R's default SSinit) and the
 * differencing states from a diffuse prior with variance kappa = 1e6.
 */

/** Buffers of the model and the filter, allocated once per model structure. */
export class ArimaStateSpace {
  readonly p: number;
  readonly q: number;
  readonly r: number;
  readonly d: number;
  readonly rd: number;
  readonly kappa: number;
  readonly phi: Float64Array;
  readonly theta: Float64Array;
  readonly delta: Float64Array;
  /** Filtered state and its covariance (column-major rd x rd), updated by the filter. */
  readonly a: Float64Array;
  readonly P: Float64Array;
  /** Predicted covariance; holds the initial covariance before the filter runs. */
  readonly Pn: Float64Array;
  // Filter scratch.
  readonly anew: Float64Array;
  readonly M: Float64Array;
  readonly mm: Float64Array;
  // Gardner scratch.
  private readonly q0: Float64Array;
  private readonly gV: Float64Array;
  private readonly gXnext: Float64Array;
  private readonly gXrow: Float64Array;
  private readonly gThetab: Float64Array;
  private gRbar: Float64Array | null = null;

  constructor(p: number, q: number, delta: ArrayLike<number>, kappa = 1e6) {
    this.p = p;
    this.q = q;
    this.r = Math.max(p, q + 1);
    this.d = delta.length;
    this.rd = this.r + this.d;
    this.kappa = kappa;
    this.phi = new Float64Array(p);
    this.theta = new Float64Array(q);
    this.delta = Float64Array.from(delta);
    const rd = this.rd;
    this.a = new Float64Array(rd);
    this.P = new Float64Array(rd * rd);
    this.Pn = new Float64Array(rd * rd);
    this.anew = new Float64Array(rd);
    this.M = new Float64Array(rd);
    this.mm = new Float64Array(this.d > 0 ? rd * rd : 0);
    const r = this.r;
    const np = (r * (r + 1)) / 2;
    this.q0 = new Float64Array(r * r);
    this.gV = new Float64Array(np);
    this.gXnext = new Float64Array(np);
    this.gXrow = new Float64Array(np);
    this.gThetab = new Float64Array(np);
    this.aPsi = new Float64Array(r + 1);
    this.aC = new Float64Array(r + 1);
    this.aGamma = new Float64Array(r + 1);
    this.aRow0 = new Float64Array(r + 1);
    this.aSys = new Float64Array((p + 1) * (p + 1));
  }

  /**
   * Resets the filter to its initial state for the current phi and theta (R's upARIMA):
   * a = 0, Pn = blockdiag(Q0, kappa I_d).
   */
  reset(): void {
    const {r, rd, d, Pn, a} = this;
    a.fill(0);
    Pn.fill(0);
    if (r > 1) {
      this.computeQ0();
      const q0 = this.q0;
      for (let j = 0; j < r; j++)
        for (let i = 0; i < r; i++) Pn[i + rd * j] = q0[i + r * j];
    } else {
      Pn[0] = this.p > 0 ? 1 / (1 - this.phi[0] * this.phi[0]) : 1;
    }
    for (let i = 0; i < d; i++) Pn[r + i + rd * (r + i)] = this.kappa;
  }

  /**
   * The stationary covariance of the ARMA states into q0. With AR terms it is computed
   * from the ARMA autocovariances (first row) and the Lyapunov recursion along the
   * diagonals, O(p^3 + r^2); Gardner's algorithm (R's getQ0) is the fallback when that
   * system is singular, and is used for pure MA models where it is a cheap back
   * substitution. Both give the same matrix to rounding.
   */
  private computeQ0(): void {
    if (this.p > 0 && this.useFastQ0 && this.computeQ0Autocov()) return;
    this.computeQ0Gardner();
  }

  /** Use the autocovariance route for Q0 (tests compare it with Gardner's). */
  useFastQ0 = true;

  // Scratch of the autocovariance route (lengths r + 1 and (p + 1)^2).
  private readonly aPsi: Float64Array;
  private readonly aC: Float64Array;
  private readonly aGamma: Float64Array;
  private readonly aRow0: Float64Array;
  private readonly aSys: Float64Array;

  private computeQ0Autocov(): boolean {
    const {p, q, r, phi, theta} = this;
    const P = this.q0;
    const psi = this.aPsi;
    const c = this.aC;
    const gamma = this.aGamma;
    const row0 = this.aRow0;
    const th = (k: number) => (k === 0 ? 1 : k <= q ? theta[k - 1] : 0);
    // psi weights 0..r and c_k = sum_{j=k}^{q} theta_j psi_{j-k} (theta_0 = 1).
    psi[0] = 1;
    for (let j = 1; j <= r; j++) {
      let v = j <= q ? theta[j - 1] : 0;
      const top = Math.min(j, p);
      for (let i = 1; i <= top; i++) v += phi[i - 1] * psi[j - i];
      psi[j] = v;
    }
    c.fill(0);
    for (let k = 0; k <= q; k++) {
      let v = 0;
      for (let j = k; j <= q; j++) v += th(j) * psi[j - k];
      c[k] = v;
    }
    // gamma(0..p): gamma(k) - sum_i phi_i gamma(|k - i|) = c_k, solved in place.
    const m = p + 1;
    const A = this.aSys;
    A.fill(0, 0, m * m);
    for (let k = 0; k < m; k++) {
      A[k * m + k] += 1;
      for (let i = 1; i <= p; i++) A[k * m + Math.abs(k - i)] -= phi[i - 1];
      gamma[k] = c[k];
    }
    if (!solveInPlace(A, gamma, m)) return false;
    for (let k = m; k <= r; k++) {
      let v = c[k];
      for (let i = 1; i <= p; i++) v += phi[i - 1] * gamma[k - i];
      gamma[k] = v;
    }
    if (!(gamma[0] > 0)) return false;
    for (let k = 0; k <= r; k++) if (!Number.isFinite(gamma[k])) return false;
    // First row: Q(0, m) = sum_{k>m} phi_k gamma(k - m) + sum_{k>=m} theta_k psi(k - m).
    for (let mm = 0; mm < r; mm++) {
      let v = 0;
      const topP = Math.min(p, r);
      for (let k = mm + 1; k <= topP; k++) v += phi[k - 1] * gamma[k - mm];
      const topQ = Math.min(q, r - 1);
      for (let k = mm; k <= topQ; k++) v += th(k) * psi[k - mm];
      row0[mm] = v;
    }
    row0[r] = 0;
    // Q(i, j) = phi_i phi_j Q00 + phi_i Q(0, j+1) + phi_j Q(0, i+1) + v_i v_j + Q(i+1, j+1),
    // from the bottom-right corner up each diagonal (index r is outside: zero).
    const q00 = row0[0];
    for (let i = r - 1; i >= 1; i--) {
      const phii = i < p ? phi[i] : 0;
      const thi = th(i);
      for (let j = r - 1; j >= i; j--) {
        const phij = j < p ? phi[j] : 0;
        let v =
          phii * phij * q00 +
          phii * row0[j + 1] +
          phij * row0[i + 1] +
          thi * th(j);
        if (j + 1 < r) v += P[i + 1 + r * (j + 1)];
        P[i + r * j] = v;
        P[j + r * i] = v;
      }
    }
    for (let j = 0; j < r; j++) {
      P[r * j] = row0[j];
      P[j] = row0[j];
    }
    return true;
  }

  /** The stationary covariance of the ARMA states, by Gardner et al.'s AS 154 (R's getQ0). */
  private computeQ0Gardner(): void {
    const {p, q, r, phi, theta} = this;
    const P = this.q0;
    const V = this.gV;
    const np = (r * (r + 1)) / 2;
    let ind = 0;
    for (let j = 0; j < r; j++) {
      const vj = j === 0 ? 1 : j - 1 < q ? theta[j - 1] : 0;
      for (let i = j; i < r; i++) {
        const vi = i === 0 ? 1 : i - 1 < q ? theta[i - 1] : 0;
        V[ind++] = vi * vj;
      }
    }
    if (p > 0) {
      const nrbar = (np * (np - 1)) / 2;
      if (!this.gRbar || this.gRbar.length < nrbar)
        this.gRbar = new Float64Array(nrbar);
      const rbar = this.gRbar;
      const thetab = this.gThetab;
      const xnext = this.gXnext;
      rbar.fill(0, 0, nrbar);
      for (let i = 0; i < np; i++) {
        P[i] = 0;
        thetab[i] = 0;
        xnext[i] = 0;
      }
      ind = 0;
      let ind1 = -1;
      const npr = np - r;
      const npr1 = npr + 1;
      let indj = npr;
      let ind2 = npr - 1;
      for (let j = 0; j < r; j++) {
        const phij = j < p ? phi[j] : 0;
        xnext[indj++] = 0;
        let indi = npr1 + j;
        for (let i = j; i < r; i++) {
          const ynext = V[ind++];
          const phii = i < p ? phi[i] : 0;
          if (j !== r - 1) {
            xnext[indj] = -phii;
            if (i !== r - 1) {
              xnext[indi] -= phij;
              xnext[++ind1] = -1;
            }
          }
          xnext[npr] = -phii * phij;
          if (++ind2 >= np) ind2 = 0;
          xnext[ind2] += 1;
          this.inclu2(np, ynext, P, rbar, thetab);
          xnext[ind2] = 0;
          if (i !== r - 1) {
            xnext[indi++] = 0;
            xnext[ind1] = 0;
          }
        }
      }
      let ithisr = nrbar - 1;
      let im = np - 1;
      for (let i = 0; i < np; i++) {
        let bi = thetab[im];
        let jm = np - 1;
        for (let j = 0; j < i; j++) bi -= rbar[ithisr--] * P[jm--];
        P[im--] = bi;
      }
      // Re-order P.
      ind = npr;
      for (let i = 0; i < r; i++) xnext[i] = P[ind++];
      ind = np - 1;
      ind1 = npr - 1;
      for (let i = 0; i < npr; i++) P[ind--] = P[ind1--];
      for (let i = 0; i < r; i++) P[i] = xnext[i];
    } else {
      // Moving-average process: back substitution.
      let indn = np;
      ind = np;
      for (let i = 0; i < r; i++)
        for (let j = 0; j <= i; j++) {
          --ind;
          P[ind] = V[ind];
          if (j !== 0) P[ind] += P[--indn];
        }
    }
    // Unpack to a full symmetric matrix.
    ind = np;
    for (let i = r - 1; i > 0; i--)
      for (let j = r - 1; j >= i; j--) P[r * i + j] = P[--ind];
    for (let i = 0; i < r - 1; i++)
      for (let j = i + 1; j < r; j++) P[i + r * j] = P[j + r * i];
  }

  /** Givens-style inclusion of one row (AS 154's INCLU2). */
  private inclu2(
    np: number,
    ynextIn: number,
    d: Float64Array,
    rbar: Float64Array,
    thetab: Float64Array,
  ): void {
    const xrow = this.gXrow;
    const xnext = this.gXnext;
    let ynext = ynextIn;
    for (let i = 0; i < np; i++) xrow[i] = xnext[i];
    let ithisr = 0;
    for (let i = 0; i < np; i++) {
      if (xrow[i] !== 0) {
        const xi = xrow[i];
        const di = d[i];
        const dpi = di + xi * xi;
        d[i] = dpi;
        const cbar = di / dpi;
        const sbar = xi / dpi;
        for (let k = i + 1; k < np; k++) {
          const xk = xrow[k];
          const rbthis = rbar[ithisr];
          xrow[k] = xk - xi * rbthis;
          rbar[ithisr++] = cbar * rbthis + sbar * xk;
        }
        const xk = ynext;
        ynext = xk - xi * thetab[i];
        thetab[i] = cbar * thetab[i] + sbar * xk;
        if (di === 0) return;
      } else {
        ithisr = ithisr + np - i - 1;
      }
    }
  }

  /** The stationary covariance Q0 of the current ARMA part (r x r, column-major copy). */
  stationaryCovariance(): Float64Array {
    if (this.r > 1) {
      this.computeQ0();
      return this.q0.slice();
    }
    return Float64Array.of(
      this.p > 0 ? 1 / (1 - this.phi[0] * this.phi[0]) : 1,
    );
  }
}

/**
 * Solves the m x m system A x = b (A row-major) in place by Gaussian elimination with
 * partial pivoting; b becomes x. False when A is singular to working precision.
 */
function solveInPlace(A: Float64Array, b: Float64Array, m: number): boolean {
  for (let k = 0; k < m; k++) {
    let piv = k;
    for (let i = k + 1; i < m; i++)
      if (Math.abs(A[i * m + k]) > Math.abs(A[piv * m + k])) piv = i;
    if (!(Math.abs(A[piv * m + k]) > 1e-12)) return false;
    if (piv !== k) {
      for (let j = 0; j < m; j++) {
        const t = A[k * m + j];
        A[k * m + j] = A[piv * m + j];
        A[piv * m + j] = t;
      }
      const t = b[k];
      b[k] = b[piv];
      b[piv] = t;
    }
    const akk = A[k * m + k];
    for (let i = k + 1; i < m; i++) {
      const f = A[i * m + k] / akk;
      if (f === 0) continue;
      for (let j = k; j < m; j++) A[i * m + j] -= f * A[k * m + j];
      b[i] -= f * b[k];
    }
  }
  for (let i = m - 1; i >= 0; i--) {
    let v = b[i];
    for (let j = i + 1; j < m; j++) v -= A[i * m + j] * b[j];
    b[i] = v / A[i * m + i];
  }
  return true;
}
