/**
 * Robust STL on the open (school) days of a series: initial robustness weights, loess
 * leverage for the noise model, and the weighted decomposition passes.
 */
import {median, rollingMedian} from '../../stats/robust';
import {loessPass} from '../../stats/stl';

function oddAtLeast3(x: number): number {
  let r = Math.max(3, Math.round(x));
  if (r % 2 === 0) r++;
  return r;
}

/**
 * The diagonal of the loess smoother matrix (each point's weight in its own fitted
 * value) for positions 0..m-1 with span `span`, degree 0 or 1 and prior weights w,
 * computed with the same windows and weights as stl.f's loess (stless with jump 1).
 */
function loessLeverage(
  m: number,
  span: number,
  degree: number,
  w: number[],
): number[] {
  const out = new Array<number>(m).fill(0);
  const len = Math.max(3, span);
  const nsh = Math.trunc((len + 1) / 2);
  const range = m - 1;
  // One window's kernel weights, reused for every position.
  const ww = new Float64Array(Math.ceil(Math.min(len, m)) + 1);
  // Tricube weights by half-width and distance, -1 beyond 0.999 h: interior positions
  // share one half-width.
  const kernels = new Map<number, Float64Array>();
  const kernelOf = (h: number): Float64Array => {
    let kern = kernels.get(h);
    if (kern === undefined) {
      kern = new Float64Array(Math.floor(h) + 1);
      for (let d = 0; d < kern.length; d++) {
        if (d <= 0.999 * h) {
          const q = d / h;
          kern[d] = d <= 0.001 * h ? 1 : Math.pow(1 - q * q * q, 3);
        } else kern[d] = -1;
      }
      kernels.set(h, kern);
    }
    return kern;
  };
  for (let k = 0; k < m; k++) {
    let l: number;
    let r: number;
    if (len >= m) {
      l = 0;
      r = m - 1;
    } else if (k + 1 <= nsh) {
      l = 0;
      r = len - 1;
    } else {
      l = Math.min(k - nsh + 1, m - len);
      r = l + len - 1;
    }
    let h = Math.max(k - l, r - k);
    if (len > m) h += Math.trunc((len - m) / 2);
    let a = 0;
    // (A span that is not a whole number puts the window between positions.)
    const kern = Number.isInteger(len) ? kernelOf(h) : null;
    for (let j = l; j <= r; j++) {
      const d = Math.abs(j - k);
      let v = 0;
      if (kern !== null) {
        const kv = kern[d];
        if (kv >= 0) v = kv * w[j];
      } else if (d <= 0.999 * h) {
        const q = d / h;
        v = d <= 0.001 * h ? 1 : Math.pow(1 - q * q * q, 3);
        v *= w[j];
      }
      ww[j - l] = v;
      a += v;
    }
    if (a <= 0) continue;
    const self = ww[k - l] / a;
    if (degree > 0 && h > 0) {
      let mean = 0;
      for (let j = l; j <= r; j++) mean += (ww[j - l] / a) * j;
      let c = 0;
      for (let j = l; j <= r; j++)
        c += (ww[j - l] / a) * (j - mean) * (j - mean);
      out[k] =
        Math.sqrt(c) > 0.001 * range
          ? self * (1 + ((k - mean) * (k - mean)) / c)
          : self;
    } else {
      out[k] = self;
    }
  }
  return out;
}

/**
 * Adds to level[k], k = 0..m-1, the piecewise-linear interpolation of s known at the
 * sorted positions ix (flat beyond the ends), divided by `count`.
 */
function addInterpolated(
  ix: ReadonlyArray<number>,
  s: ReadonlyArray<number>,
  count: number,
  level: number[],
): void {
  const n = ix.length;
  let j = 0;
  for (let k = 0; k < level.length; k++) {
    while (j + 1 < n && ix[j + 1] <= k) j++;
    let f: number;
    if (k <= ix[0]) f = s[ix[0]];
    else if (j + 1 >= n) f = s[ix[n - 1]];
    else {
      const a = s[ix[j]];
      f = a + ((s[ix[j + 1]] - a) * (k - ix[j])) / (ix[j + 1] - ix[j]);
    }
    level[k] += f / count;
  }
}

/** Bisquare weights of residuals from phase medians and a running median of the rest. */
function initialWeights(
  z: number[],
  groups: ReadonlyArray<ReadonlyArray<number>>,
  window: number,
  prior: number[],
): number[] {
  const m = z.length;
  const fitPos = (k: number) => prior[k] > 0;
  const s0 = new Array<number>(m).fill(0);
  if (groups.length > 1) {
    for (const ix of groups) {
      const vals: number[] = [];
      for (const k of ix) if (fitPos(k)) vals.push(z[k]);
      const med = vals.length > 0 ? median(vals) : 0;
      for (const k of ix) s0[k] = med;
    }
  }
  const d = z.map((v, k) => v - s0[k]);
  // The median of the fitted values within half a window (NaN where there are none); a
  // bad value is refused there, by name.
  const around = rollingMedian(d, Math.floor(window / 2), fitPos);
  const r = new Array<number>(m).fill(0);
  for (let k = 0; k < m; k++) {
    if (!Number.isNaN(around[k])) r[k] = Math.abs(d[k] - around[k]);
  }
  const fitR: number[] = [];
  for (let k = 0; k < m; k++) if (fitPos(k)) fitR.push(r[k]);
  const cmad = 6 * median(fitR);
  return r.map((x, k) => {
    if (!(cmad > 0)) return prior[k];
    const q = x / cmad;
    return q >= 1 ? 0 : prior[k] * (1 - q * q) * (1 - q * q);
  });
}

/** Weighted mean, falling back to the plain mean when every weight is zero. */
function weightedMean(v: ArrayLike<number>, w: ArrayLike<number>): number {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    sw += w[i];
    s += w[i] * v[i];
  }
  if (sw > 0) return s / sw;
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  return sum / v.length;
}

/**
 * STL on an irregular sequence: `z` holds the open values in time order and `phases`
 * their cycle positions, which need not repeat regularly (holidays remove days). As
 * STL: inner passes alternate a loess of each cycle-subseries (the seasonal), a
 * low-pass removal so the seasonal has no level, and a loess of the deseasonalized
 * values (the trend); outer passes compute bisquare robustness weights.
 */
export function decomposeOpen(
  z: number[],
  phases: number[],
  period: number,
  perCycle: number,
  sWindowOpt: number | 'periodic' | undefined,
  trendWindowOpt: number | undefined,
  prior: number[],
): {
  trend: number[];
  seasonal: number[] | null;
  weights: number[];
  leverage: number[];
} {
  const m = z.length;
  const byPhase = new Map<number, number[]>();
  phases.forEach((p, k) => {
    const list = byPhase.get(p);
    if (list) list.push(k);
    else byPhase.set(p, [k]);
  });
  // The cycle positions' subseries in order of first appearance (the order the seasonal's
  // level sums them in), each with buffers for its values and weights.
  const groups = [...byPhase.values()];
  const subV = groups.map(ix => new Float64Array(ix.length));
  const subW = groups.map(ix => new Float64Array(ix.length));
  const cycles = m / Math.max(perCycle, 1);
  const seasonalOk =
    period >= 2 && cycles >= 2 && groups.every(ix => ix.length >= 2);
  const sWindow = sWindowOpt ?? (cycles >= 7 ? 13 : 'periodic');
  const cycleLen = Math.max(2, Math.round(perCycle));
  const sw = sWindow === 'periodic' ? Infinity : sWindow;
  const tWindow = oddAtLeast3(
    trendWindowOpt ??
      (seasonalOk
        ? Math.max(15, Math.ceil((1.5 * cycleLen) / (1 - 1.5 / sw)))
        : Math.min(15, Math.max(7, m / 4))),
  );
  // Robust start: weights from a running-median fit, so an outage does not drag the
  // first (unweighted) loess towards itself before the robustness weights see it.
  let rw = initialWeights(z, groups, tWindow, prior);
  let trend = new Array<number>(m).fill(0);
  const subFit: number[] = [];
  let seasonal: number[] | null = seasonalOk
    ? new Array<number>(m).fill(0)
    : null;
  const outer = 4;
  for (let o = 0; o <= outer; o++) {
    for (let inner = 0; inner < 2; inner++) {
      if (seasonal) {
        const s = new Array<number>(m).fill(0);
        for (let g = 0; g < groups.length; g++) {
          const ix = groups[g];
          const v = subV[g];
          const w = subW[g];
          let positive = 0;
          for (let j = 0; j < ix.length; j++) {
            v[j] = z[ix[j]] - trend[ix[j]];
            w[j] = rw[ix[j]];
            if (w[j] > 0) positive++;
          }
          if (sWindow === 'periodic' || ix.length < 7 || positive < 3) {
            const mean = weightedMean(v, w);
            for (const k of ix) s[k] = mean;
          } else {
            const fit = loessPass(v, sWindow, 0, w, subFit);
            for (let j = 0; j < ix.length; j++) s[ix[j]] = fit[j];
          }
        }
        // Remove the seasonal's level: at each position, the mean over cycle positions
        // of each subseries' smooth (interpolated there). Unlike a moving average this is
        // exact when holidays make the cycle irregular.
        const level = new Array<number>(m).fill(0);
        for (const ix of groups) addInterpolated(ix, s, groups.length, level);
        seasonal = s.map((v, k) => v - level[k]);
      }
      const season = seasonal;
      const deseas = z.map((v, k) => v - (season ? season[k] : 0));
      const w = rw.some(x => x > 0) ? rw : rw.map(() => 1);
      trend = loessPass(deseas, tWindow, 1, w, []);
    }
    if (o === outer) break;
    const season = seasonal;
    const r = z.map((v, k) =>
      Math.abs(v - trend[k] - (season ? season[k] : 0)),
    );
    const fitR: number[] = [];
    for (let k = 0; k < m; k++) if (prior[k] > 0) fitR.push(r[k]);
    const cmad = 6 * median(fitR);
    rw = r.map((x, k) => {
      if (cmad <= 0) return x === 0 ? prior[k] : 0;
      const q = x / cmad;
      return q >= 1 ? 0 : prior[k] * (1 - q * q) * (1 - q * q);
    });
  }
  // Each value's weight in its own fit: the trend's and the seasonal's self-weights.
  const hT = loessLeverage(m, tWindow, 1, rw);
  const hS = new Array<number>(m).fill(0);
  if (seasonal) {
    for (const ix of groups) {
      const w = ix.map(k => rw[k]);
      const positive = w.filter(x => x > 0).length;
      if (sWindow === 'periodic' || ix.length < 7 || positive < 3) {
        const sw = w.reduce((a, b) => a + b, 0);
        ix.forEach((k, j) => (hS[k] = sw > 0 ? w[j] / sw : 1 / ix.length));
      } else {
        const h = loessLeverage(ix.length, sWindow, 0, w);
        ix.forEach((k, j) => (hS[k] = h[j]));
      }
    }
  }
  const leverage = hT.map((t, k) => Math.min(0.9, t + hS[k] - t * hS[k]));
  return {trend, seasonal, weights: rw, leverage};
}
