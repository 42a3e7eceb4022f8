/**
 * Analytic ETS forecast means and variances (Hyndman et al. 2008, ch. 6), as forecast's
 * class1 (additive errors, linear models), class2 (multiplicative errors, linear means)
 * and class3 (multiplicative errors and seasonality) compute them.
 */

type Mat = number[][];

function zeros(r: number, c: number): Mat {
  return Array.from({length: r}, () => new Array<number>(c).fill(0));
}

function eye(n: number): Mat {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m[i][i] = 1;
  return m;
}

function mul(a: Mat, b: Mat): Mat {
  const r = a.length;
  const k = b.length;
  const c = b[0].length;
  const out = zeros(r, c);
  for (let i = 0; i < r; i++) {
    const ai = a[i];
    const oi = out[i];
    for (let t = 0; t < k; t++) {
      const v = ai[t];
      if (v === 0) continue;
      const bt = b[t];
      for (let j = 0; j < c; j++) oi[j] += v * bt[j];
    }
  }
  return out;
}

function tr(a: Mat): Mat {
  const out = zeros(a[0].length, a.length);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a[0].length; j++) out[j][i] = a[i][j];
  }
  return out;
}

function add(a: Mat, b: Mat, sb = 1): Mat {
  return a.map((row, i) => row.map((v, j) => v + sb * b[i][j]));
}

function scale(a: Mat, s: number): Mat {
  return a.map(row => row.map(v => v * s));
}

function kron(a: Mat, b: Mat): Mat {
  const ra = a.length;
  const ca = a[0].length;
  const rb = b.length;
  const cb = b[0].length;
  const out = zeros(ra * rb, ca * cb);
  for (let i = 0; i < ra; i++) {
    for (let j = 0; j < ca; j++) {
      const v = a[i][j];
      if (v === 0) continue;
      for (let k = 0; k < rb; k++) {
        for (let l = 0; l < cb; l++) out[i * rb + k][j * cb + l] = v * b[k][l];
      }
    }
  }
  return out;
}

/** Column-major vec, as R's c(matrix). */
function vec(a: Mat): Mat {
  const out: Mat = [];
  for (let j = 0; j < a[0].length; j++) {
    for (let i = 0; i < a.length; i++) out.push([a[i][j]]);
  }
  return out;
}

export interface EtsMoments {
  mu: number[];
  variance: number[];
}

export interface EtsForecastInput {
  /** Final state [l, b?, s1..sm] (s1 newest). */
  state: ArrayLike<number>;
  trend: string;
  season: string;
  damped: boolean;
  m: number;
  sigma2: number;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/** class1: linear homoscedastic models (A,N|A|Ad,N|A). */
export function class1(
  h: number,
  o: EtsForecastInput,
): EtsMoments & {cj: number[]} {
  const p = o.state.length;
  const m = o.m;
  const H = zeros(1, p);
  H[0][0] = 1;
  if (o.season === 'A') H[0][p - 1] = 1;
  const phi = o.damped ? o.phi : 1;
  if (o.trend === 'A') H[0][1] = phi;
  const F = zeros(p, p);
  F[0][0] = 1;
  if (o.trend === 'A') {
    F[0][1] = phi;
    F[1][1] = phi;
  }
  if (o.season === 'A') {
    F[p - m][p - 1] = 1;
    for (let i = 0; i < m - 1; i++) F[p - m + 1 + i][p - m + i] = 1;
  }
  const G = zeros(p, 1);
  G[0][0] = o.alpha;
  if (o.trend === 'A') G[1][0] = o.beta;
  // The seasonal smoothing enters the newest seasonal state.
  if (o.season === 'A') G[p - m][0] = o.gamma;
  const x: Mat = Array.from(o.state, v => [v]);
  const mu = new Array<number>(h).fill(0);
  const cj = new Array<number>(Math.max(0, h - 1)).fill(0);
  let Fj = eye(p);
  for (let i = 0; i < h - 1; i++) {
    const HF = mul(H, Fj);
    mu[i] = mul(HF, x)[0][0];
    cj[i] = mul(HF, G)[0][0];
    Fj = mul(Fj, F);
  }
  mu[h - 1] = mul(mul(H, Fj), x)[0][0];
  const variance: number[] = [o.sigma2];
  let cum = 0;
  for (let i = 0; i < h - 1; i++) {
    cum += cj[i] * cj[i];
    variance.push(o.sigma2 * (1 + cum));
  }
  return {mu, variance, cj};
}

/** class2: multiplicative errors with linear means (M,N|A|Ad,N|A). */
export function class2(h: number, o: EtsForecastInput): EtsMoments {
  const c1 = class1(h, o);
  const theta = new Array<number>(h).fill(0);
  theta[0] = c1.mu[0] * c1.mu[0];
  for (let j = 1; j < h; j++) {
    let s = 0;
    for (let k = 0; k < j; k++) s += c1.cj[k] * c1.cj[k] * theta[j - 1 - k];
    theta[j] = c1.mu[j] * c1.mu[j] + o.sigma2 * s;
  }
  const variance = theta.map(
    (t, j) => (1 + o.sigma2) * t - c1.mu[j] * c1.mu[j],
  );
  return {mu: c1.mu, variance};
}

/** class3: multiplicative errors and seasonality (M,N|A|Ad,M). */
export function class3(h: number, o: EtsForecastInput): EtsMoments {
  const p = o.state.length;
  const m = o.m;
  const hasTrend = o.trend !== 'N';
  const nt = hasTrend ? 2 : 1;
  const H1: Mat = [new Array<number>(nt).fill(1)];
  const H2: Mat = [[...new Array<number>(m - 1).fill(0), 1]];
  let F1: Mat;
  let G1: Mat;
  if (!hasTrend) {
    F1 = [[1]];
    G1 = [[o.alpha]];
  } else {
    F1 = [
      [1, 1],
      [0, o.damped ? o.phi : 1],
    ];
    G1 = [
      [o.alpha, o.alpha],
      [o.beta, o.beta],
    ];
  }
  const F2 = zeros(m, m);
  F2[0][m - 1] = 1;
  for (let i = 1; i < m; i++) F2[i][i - 1] = 1;
  const G2 = zeros(m, m);
  G2[0][m - 1] = o.gamma;
  const lb: Mat = [];
  for (let i = 0; i < p - m; i++) lb.push([o.state[i]]);
  const sRow: Mat = [Array.from({length: m}, (_, j) => o.state[p - m + j])];
  let Mh = mul(lb, sRow);
  const len = nt * m;
  let Vh = zeros(len, len);
  const H21 = kron(H2, H1);
  const F21 = kron(F2, F1);
  const G21 = kron(G2, G1);
  const K = add(kron(G2, F1), kron(F2, G1));
  const H21t = tr(H21);
  const F21t = tr(F21);
  const G21t = tr(G21);
  const Kt = tr(K);
  const F2t = tr(F2);
  const G2t = tr(G2);
  const s2 = o.sigma2;
  const mu: number[] = [];
  const variance: number[] = [];
  for (let i = 0; i < h; i++) {
    const mui = mul(mul(H1, Mh), tr(H2))[0][0];
    mu.push(mui);
    const v = mul(mul(H21, Vh), H21t)[0][0];
    variance.push((1 + s2) * v + s2 * mui * mui);
    const vecMh = vec(Mh);
    const MM = mul(vecMh, tr(vecMh));
    const term1 = mul(mul(F21, Vh), F21t);
    const inner = add(
      add(mul(mul(F21, Vh), G21t), mul(mul(G21, Vh), F21t)),
      add(
        mul(mul(K, add(Vh, MM)), Kt),
        scale(mul(mul(G21, add(scale(Vh, 3), scale(MM, 2))), G21t), s2),
      ),
    );
    Vh = add(term1, scale(inner, s2));
    Mh = add(mul(mul(F1, Mh), F2t), scale(mul(mul(G1, Mh), G2t), s2));
  }
  return {mu, variance};
}
