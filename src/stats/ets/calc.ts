/**
 * The ETS state recursions (Hyndman et al. 2008), as forecast's etscalc computes them:
 * one-step forecasts, errors, the likelihood kernel and the state path.
 * Component codes: 0 none, 1 additive, 2 multiplicative.
 */

export const NONE = 0;
export const ADD = 1;
export const MULT = 2;

const TOL = 1.0e-10;
const HUGEN = 1.0e10;

export interface EtsCalcResult {
  /** n log(SSE) (+ 2 sum log|f| for multiplicative errors); NaN when undefined. */
  lik: number;
  /** Mean squared 1..nmse-step errors on the data scale. */
  amse: number[];
  /** Errors: y - f (additive) or (y - f) / f (multiplicative); NaN where y is missing. */
  e: Float64Array;
  /** One-step forecasts. */
  fitted: Float64Array;
  /** States after each observation (row i+1 after y[i]); row 0 is the initial state. Only if requested. */
  states?: Float64Array[];
}

/** Point forecasts h steps ahead from a state (l, b, s[0..m-1] with s[m-1] the oldest). */
export function etsPointForecast(
  l: number,
  b: number,
  s: ArrayLike<number>,
  m: number,
  trend: number,
  season: number,
  phi: number,
  f: Float64Array,
  h: number,
): void {
  let phistar = phi;
  for (let i = 0; i < h; i++) {
    let v: number;
    if (trend === NONE) v = l;
    else if (trend === ADD) v = l + phistar * b;
    else if (b < 0) v = NaN;
    else v = l * Math.pow(b, phistar);
    let j = m - 1 - i;
    while (j < 0) j += m;
    if (season === ADD) v = v + s[j];
    else if (season === MULT) v = v * s[j];
    f[i] = v;
    if (i < h - 1) {
      if (Math.abs(phi - 1.0) < TOL) phistar = phistar + 1.0;
      else phistar = phistar + Math.pow(phi, i + 1);
    }
  }
}

/**
 * Runs the recursions over y (NaN = missing: the state is carried forward without an update).
 * x0 = [l, b?, s0..s(m-1)] with all m seasonal states.
 */
export function etsCalc(
  y: Float64Array,
  x0: ArrayLike<number>,
  m: number,
  error: number,
  trend: number,
  season: number,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  nmse: number,
  keepStates = false,
): EtsCalcResult {
  const n = y.length;
  if (m < 1) m = 1;
  if (nmse > 30) nmse = 30;
  const ms = season > NONE ? m : 0;
  let l = x0[0];
  let b = trend > NONE ? x0[1] : 0;
  // Two buffers swapped each step: s holds the current seasonal states, newest first.
  let s = new Float64Array(Math.max(1, ms));
  let olds = new Float64Array(Math.max(1, ms));
  const off = trend > NONE ? 2 : 1;
  for (let j = 0; j < ms; j++) s[j] = x0[off + j];

  const e = new Float64Array(n);
  const fitted = new Float64Array(n);
  const amse = new Array<number>(nmse).fill(0);
  const denom = new Array<number>(nmse).fill(0);
  const f = new Float64Array(Math.max(1, nmse));
  const states: Float64Array[] | undefined = keepStates ? [] : undefined;
  const nstates = 1 + (trend > NONE ? 1 : 0) + ms;
  if (states) {
    const row = new Float64Array(nstates);
    for (let j = 0; j < nstates; j++) row[j] = x0[j];
    states.push(row);
  }
  let lik = 0;
  let lik2 = 0;
  let nobs = 0;
  for (let i = 0; i < n; i++) {
    const oldl = l;
    const oldb = b;
    const tmpS = olds;
    olds = s;
    s = tmpS;
    etsPointForecast(oldl, oldb, olds, m, trend, season, phi, f, nmse);
    const fi = f[0];
    fitted[i] = fi;
    if (Number.isNaN(fi)) {
      return {lik: NaN, amse, e, fitted, states};
    }
    const yi = y[i];
    const missing = Number.isNaN(yi);
    if (missing) e[i] = NaN;
    else if (error === ADD) e[i] = yi - fi;
    else e[i] = (yi - fi) / fi;
    for (let j = 0; j < nmse; j++) {
      if (i + j < n) {
        denom[j] += 1.0;
        const yj = y[i + j];
        const tmp = Number.isNaN(yj) ? 0.0 : yj - f[j];
        amse[j] = (amse[j] * (denom[j] - 1.0) + tmp * tmp) / denom[j];
      }
    }
    // Update the state.
    let q: number;
    let phib: number;
    if (trend === NONE) {
      q = oldl;
      phib = 0;
    } else if (trend === ADD) {
      phib = phi * oldb;
      q = oldl + phib;
    } else if (Math.abs(phi - 1.0) < TOL) {
      phib = oldb;
      q = oldl * oldb;
    } else {
      phib = Math.pow(oldb, phi);
      q = oldl * phib;
    }
    const sOld = ms > 0 ? olds[m - 1] : 0;
    let p: number;
    if (missing) p = q;
    else if (season === NONE) p = yi;
    else if (season === ADD) p = yi - sOld;
    else p = Math.abs(sOld) < TOL ? HUGEN : yi / sOld;
    l = q + alpha * (p - q);
    if (trend > NONE) {
      let r: number;
      if (trend === ADD) r = l - oldl;
      else r = Math.abs(oldl) < TOL ? HUGEN : l / oldl;
      b = phib + (beta / alpha) * (r - phib);
    }
    if (ms > 0) {
      let t: number;
      if (missing) t = sOld;
      else if (season === ADD) t = yi - q;
      else t = Math.abs(q) < TOL ? HUGEN : yi / q;
      s[0] = sOld + gamma * (t - sOld);
      for (let j = 1; j < m; j++) s[j] = olds[j - 1];
    }
    if (states) {
      const row = new Float64Array(nstates);
      row[0] = l;
      if (trend > NONE) row[1] = b;
      for (let j = 0; j < ms; j++) row[off + j] = s[j];
      states.push(row);
    }
    if (!missing) {
      lik += e[i] * e[i];
      lik2 += Math.log(Math.abs(fi));
      nobs++;
    }
  }
  lik = nobs * Math.log(lik);
  if (error === MULT) lik += 2 * lik2;
  return {lik, amse, e, fitted, states};
}

/** Reusable buffer for etsLikelihood. */
export interface EtsWork {
  ring: Float64Array;
}

export function etsWork(m: number): EtsWork {
  return {ring: new Float64Array(Math.max(1, m))};
}

/**
 * The likelihood kernel only (what the optimiser needs), with the same arithmetic as
 * etsCalc but no allocations: n log(SSE) (+ 2 sum log|f| for multiplicative errors).
 * Seasonal states live in a ring buffer: ring[ptr] is the oldest (s[t-m]).
 */
export function etsLikelihood(
  y: Float64Array,
  x0: ArrayLike<number>,
  m: number,
  error: number,
  trend: number,
  season: number,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  work: EtsWork,
): number {
  const n = y.length;
  const ms = season > NONE ? m : 0;
  let l = x0[0];
  let b = trend > NONE ? x0[1] : 0;
  const ring = work.ring;
  const off = trend > NONE ? 2 : 1;
  // x0 holds s[0] newest .. s[m-1] oldest; the ring runs oldest first.
  for (let j = 0; j < ms; j++) ring[j] = x0[off + ms - 1 - j];
  let ptr = 0;
  const dampedPow = Math.abs(phi - 1.0) >= TOL;
  let sse = 0;
  let lik2 = 0;
  let nobs = 0;
  const ratio = beta / alpha;
  for (let i = 0; i < n; i++) {
    const oldl = l;
    const oldb = b;
    const sOld = ms > 0 ? ring[ptr] : 0;
    let f: number;
    if (trend === NONE) f = oldl;
    else if (trend === ADD) f = oldl + phi * oldb;
    else if (oldb < 0) return NaN;
    else f = oldl * Math.pow(oldb, phi);
    if (season === ADD) f = f + sOld;
    else if (season === MULT) f = f * sOld;
    if (Number.isNaN(f)) return NaN;
    const yi = y[i];
    const missing = Number.isNaN(yi);
    if (!missing) {
      const e = error === ADD ? yi - f : (yi - f) / f;
      sse += e * e;
      lik2 += Math.log(Math.abs(f));
      nobs++;
    }
    let q: number;
    let phib: number;
    if (trend === NONE) {
      q = oldl;
      phib = 0;
    } else if (trend === ADD) {
      phib = phi * oldb;
      q = oldl + phib;
    } else if (!dampedPow) {
      phib = oldb;
      q = oldl * oldb;
    } else {
      phib = Math.pow(oldb, phi);
      q = oldl * phib;
    }
    let p: number;
    if (missing) p = q;
    else if (season === NONE) p = yi;
    else if (season === ADD) p = yi - sOld;
    else p = Math.abs(sOld) < TOL ? HUGEN : yi / sOld;
    l = q + alpha * (p - q);
    if (trend > NONE) {
      let r: number;
      if (trend === ADD) r = l - oldl;
      else r = Math.abs(oldl) < TOL ? HUGEN : l / oldl;
      b = phib + ratio * (r - phib);
    }
    if (ms > 0) {
      let t: number;
      if (missing) t = sOld;
      else if (season === ADD) t = yi - q;
      else t = Math.abs(q) < TOL ? HUGEN : yi / q;
      ring[ptr] = sOld + gamma * (t - sOld);
      ptr++;
      if (ptr === m) ptr = 0;
    }
  }
  let lik = nobs * Math.log(sse);
  if (error === MULT) lik += 2 * lik2;
  return lik;
}
