/**
 * Robust STL on the open (school) days of a series: initial robustness weights, loess
 * leverage for the noise model, and the weighted decomposition passes.
 */
import {median, medianOfSorted} from '../../stats/robust';
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
    for (let j = l; j <= r; j++) {
      const d = Math.abs(j - k);
      let v = 0;
      if (d <= 0.999 * h) {
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

/** Piecewise-linear interpolation of values known at sorted positions, flat beyond the ends. */
function interpolateAt(ix: number[], v: number[], m: number): number[] {
  const out = new Array<number>(m);
  let j = 0;
  for (let k = 0; k < m; k++) {
    while (j + 1 < ix.length && ix[j + 1] <= k) j++;
    if (k <= ix[0]) out[k] = v[0];
    else if (j + 1 >= ix.length) out[k] = v[ix.length - 1];
    else
      out[k] = v[j] + ((v[j + 1] - v[j]) * (k - ix[j])) / (ix[j + 1] - ix[j]);
  }
  return out;
}

/** Bisquare weights of residuals from phase medians and a running median of the rest. */
function initialWeights(
  z: number[],
  byPhase: Map<number, number[]>,
  window: number,
  prior: number[],
): number[] {
  const m = z.length;
  const fitPos = (k: number) => prior[k] > 0;
  const s0 = new Array<number>(m).fill(0);
  if (byPhase.size > 1) {
    for (const [, ix] of byPhase) {
      const vals = ix.filter(fitPos).map(k => z[k]);
      const med = vals.length > 0 ? median(vals) : 0;
      for (const k of ix) s0[k] = med;
    }
  }
  const d = z.map((v, k) => v - s0[k]);
  const half = Math.floor(window / 2);
  const r = new Array<number>(m).fill(0);
  // One buffer for every window's median (this loop runs per day of every series).
  const buf = new Float64Array(2 * half + 1);
  for (let k = 0; k < m; k++) {
    let n = 0;
    let finite = true;
    for (let j = Math.max(0, k - half); j <= Math.min(m - 1, k + half); j++) {
      if (fitPos(j)) {
        buf[n++] = d[j];
        if (!Number.isFinite(d[j])) finite = false;
      }
    }
    if (n === 0) continue;
    // A bad value goes through median, whose error names it.
    const med = finite
      ? medianOfSorted(buf.subarray(0, n).sort())
      : median(Array.from(buf.subarray(0, n)));
    r[k] = Math.abs(d[k] - med);
  }
  const cmad = 6 * median(r.filter((_, k) => fitPos(k)));
  return r.map((x, k) => {
    if (!(cmad > 0)) return prior[k];
    const q = x / cmad;
    return q >= 1 ? 0 : prior[k] * (1 - q * q) * (1 - q * q);
  });
}

/** Weighted mean, falling back to the plain mean when every weight is zero. */
function weightedMean(v: number[], w: number[]): number {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    sw += w[i];
    s += w[i] * v[i];
  }
  return sw > 0 ? s / sw : v.reduce((a, b) => a + b, 0) / v.length;
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
  const cycles = m / Math.max(perCycle, 1);
  const seasonalOk =
    period >= 2 &&
    cycles >= 2 &&
    [...byPhase.values()].every(ix => ix.length >= 2);
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
  let rw = initialWeights(z, byPhase, tWindow, prior);
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
        for (const [, ix] of byPhase) {
          const v = ix.map(k => z[k] - trend[k]);
          const w = ix.map(k => rw[k]);
          if (sWindow === 'periodic' || ix.length < 7) {
            const mean = weightedMean(v, w);
            ix.forEach(k => (s[k] = mean));
          } else if (w.filter(x => x > 0).length >= 3) {
            const fit = loessPass(v, sWindow, 0, w, subFit);
            ix.forEach((k, j) => (s[k] = fit[j]));
          } else {
            const mean = weightedMean(v, w);
            ix.forEach(k => (s[k] = mean));
          }
        }
        // Remove the seasonal's level: at each position, the mean over cycle positions
        // of each subseries' smooth (interpolated there). Unlike a moving average this is
        // exact when holidays make the cycle irregular.
        const level = new Array<number>(m).fill(0);
        for (const [, ix] of byPhase) {
          const f = interpolateAt(
            ix,
            ix.map(k => s[k]),
            m,
          );
          for (let k = 0; k < m; k++) level[k] += f[k] / byPhase.size;
        }
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
    const cmad = 6 * median(r.filter((_, k) => prior[k] > 0));
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
    for (const [, ix] of byPhase) {
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
