/**
 * Comparing groups, as R does: summaries, Welch's two-sample t-test (t.test with
 * var.equal = FALSE), the Kruskal-Wallis rank sum test with R's tie correction
 * (kruskal.test) and Holm's step-down adjustment (p.adjust(method = "holm")).
 * Used by the equity analysis; correlation lives in ./correlation.
 */
import {pchisq, pt} from './distributions';
import {rank} from './correlation';

export interface Summary {
  n: number;
  mean: number;
  median: number;
  sd: number | null;
}

export interface KruskalResult {
  h: number;
  df: number;
  p: number;
  n: number;
}

export function summarise(xs: number[]): Summary | null {
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const sorted = [...xs].sort((a, b) => a - b);
  const median =
    n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return {n, mean, median, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : null};
}

/** Welch's two-sample t-test (unequal variances), two-sided; null if undefined. */
export function welchTest(
  a: number[],
  b: number[],
): {t: number; df: number; p: number; meanDiff: number} | null {
  const sa = summarise(a);
  const sb = summarise(b);
  if (!sa || !sb || sa.sd === null || sb.sd === null) return null;
  const va = sa.sd ** 2 / sa.n;
  const vb = sb.sd ** 2 / sb.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const t = (sa.mean - sb.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (sa.n - 1) + (vb * vb) / (sb.n - 1));
  const p = 2 * pt(-Math.abs(t), df);
  return {t, df, p: Math.min(1, p), meanDiff: sa.mean - sb.mean};
}

/** Kruskal-Wallis rank sum test with R's tie correction; null with fewer than 2 groups. */
export function kruskalWallis(groups: number[][]): KruskalResult | null {
  const gs = groups.filter(g => g.length > 0);
  if (gs.length < 2) return null;
  const all = gs.flat();
  const n = all.length;
  const ranks = rank(all);
  const ties = tieSizes(all);
  let h = 0;
  let at = 0;
  for (const g of gs) {
    let r = 0;
    for (let i = 0; i < g.length; i++) r += ranks[at + i];
    at += g.length;
    h += (r * r) / g.length;
  }
  h = (12 / (n * (n + 1))) * h - 3 * (n + 1);
  const c = 1 - ties.reduce((s, t) => s + t ** 3 - t, 0) / (n ** 3 - n);
  if (!(c > 0)) return null; // every value tied
  h /= c;
  const df = gs.length - 1;
  return {h, df, p: pchisq(h, df, false), n};
}

/** Holm's step-down adjustment, as R's p.adjust(method = "holm"). */
export function holm(p: number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((i, j) => p[i] - p[j]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((i, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p[i]));
    out[i] = running;
  });
  return out;
}

/** Sizes of the groups of tied values (for the tie correction). */
function tieSizes(xs: number[]): number[] {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.values()].filter(c => c > 1);
}
