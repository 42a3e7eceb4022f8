/**
 * Nelder-Mead minimiser following R's nmmin (Nash's Compact Numerical Methods, as recrafted
 * by Ripley), step for step: same initial simplex, same reflection/extension/contraction/
 * shrink rules and the same convergence test, so ETS fits land where R's land.
 */

const BIG = 1.0e35;

export interface NelderMeadResult {
  par: number[];
  value: number;
  fnCount: number;
  /** 0 converged, 1 iteration limit, 10 degenerate simplex. */
  fail: number;
}

export function nelderMead(
  fn: (x: Float64Array) => number,
  start: ReadonlyArray<number>,
  opts: {
    abstol?: number;
    intol?: number;
    alpha?: number;
    beta?: number;
    gamma?: number;
    maxit?: number;
  } = {},
): NelderMeadResult {
  const abstol = opts.abstol ?? -Infinity;
  const intol = opts.intol ?? Math.sqrt(2.220446049250313e-16);
  const alpha = opts.alpha ?? 1.0;
  const bet = opts.beta ?? 0.5;
  const gamm = opts.gamma ?? 2.0;
  const maxit = opts.maxit ?? 500;
  const n = start.length;
  const Bvec = Float64Array.from(start);
  if (maxit <= 0) {
    return {par: [...Bvec], value: fn(Bvec), fnCount: 0, fail: 0};
  }
  const n1 = n + 1;
  const C = n + 2;
  // P[i][j]: rows 0..n-1 coordinates, row n the function value; columns 0..n+1.
  const P: Float64Array[] = [];
  for (let i = 0; i < n1; i++) P.push(new Float64Array(n + 2));
  let f = fn(Bvec);
  if (!Number.isFinite(f)) {
    throw new Error('function cannot be evaluated at initial parameters');
  }
  let funcount = 1;
  const convtol = intol * (Math.abs(f) + intol);
  P[n1 - 1][0] = f;
  for (let i = 0; i < n; i++) P[i][0] = Bvec[i];
  let L = 1;
  let size = 0.0;
  let step = 0.0;
  for (let i = 0; i < n; i++) {
    if (0.1 * Math.abs(Bvec[i]) > step) step = 0.1 * Math.abs(Bvec[i]);
  }
  if (step === 0.0) step = 0.1;
  for (let j = 2; j <= n1; j++) {
    for (let i = 0; i < n; i++) P[i][j - 1] = Bvec[i];
    let trystep = step;
    while (P[j - 2][j - 1] === Bvec[j - 2]) {
      P[j - 2][j - 1] = Bvec[j - 2] + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let fail = 0;
  let VH: number;
  let VL: number;
  let VR: number;
  let H: number;
  do {
    if (calcvert) {
      for (let j = 0; j < n1; j++) {
        if (j + 1 !== L) {
          for (let i = 0; i < n; i++) Bvec[i] = P[i][j];
          f = fn(Bvec);
          if (!Number.isFinite(f)) f = BIG;
          funcount++;
          P[n1 - 1][j] = f;
        }
      }
      calcvert = false;
    }
    VL = P[n1 - 1][L - 1];
    VH = VL;
    H = L;
    for (let j = 1; j <= n1; j++) {
      if (j !== L) {
        f = P[n1 - 1][j - 1];
        if (f < VL) {
          L = j;
          VL = f;
        }
        if (f > VH) {
          H = j;
          VH = f;
        }
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;
    for (let i = 0; i < n; i++) {
      let temp = -P[i][H - 1];
      for (let j = 0; j < n1; j++) temp += P[i][j];
      P[i][C - 1] = temp / n;
    }
    for (let i = 0; i < n; i++) {
      Bvec[i] = (1.0 + alpha) * P[i][C - 1] - alpha * P[i][H - 1];
    }
    f = fn(Bvec);
    if (!Number.isFinite(f)) f = BIG;
    funcount++;
    VR = f;
    if (VR < VL) {
      P[n1 - 1][C - 1] = f;
      for (let i = 0; i < n; i++) {
        f = gamm * Bvec[i] + (1 - gamm) * P[i][C - 1];
        P[i][C - 1] = Bvec[i];
        Bvec[i] = f;
      }
      f = fn(Bvec);
      if (!Number.isFinite(f)) f = BIG;
      funcount++;
      if (f < VR) {
        for (let i = 0; i < n; i++) P[i][H - 1] = Bvec[i];
        P[n1 - 1][H - 1] = f;
      } else {
        for (let i = 0; i < n; i++) P[i][H - 1] = P[i][C - 1];
        P[n1 - 1][H - 1] = VR;
      }
    } else {
      if (VR < VH) {
        for (let i = 0; i < n; i++) P[i][H - 1] = Bvec[i];
        P[n1 - 1][H - 1] = VR;
      }
      for (let i = 0; i < n; i++) {
        Bvec[i] = (1 - bet) * P[i][H - 1] + bet * P[i][C - 1];
      }
      f = fn(Bvec);
      if (!Number.isFinite(f)) f = BIG;
      funcount++;
      if (f < P[n1 - 1][H - 1]) {
        for (let i = 0; i < n; i++) P[i][H - 1] = Bvec[i];
        P[n1 - 1][H - 1] = f;
      } else if (VR >= VH) {
        calcvert = true;
        size = 0.0;
        for (let j = 0; j < n1; j++) {
          if (j + 1 !== L) {
            for (let i = 0; i < n; i++) {
              P[i][j] = bet * (P[i][j] - P[i][L - 1]) + P[i][L - 1];
              size += Math.abs(P[i][j] - P[i][L - 1]);
            }
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          fail = 10;
          break;
        }
      }
    }
  } while (funcount <= maxit);
  const par: number[] = [];
  for (let i = 0; i < n; i++) par.push(P[i][L - 1]);
  if (funcount > maxit) fail = 1;
  return {par, value: P[n1 - 1][L - 1], fnCount: funcount, fail};
}
