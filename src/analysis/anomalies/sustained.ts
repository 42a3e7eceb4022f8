/**
 * Sustained drops (disengagement) in one school's level against the district: the stretch
 * of school days whose mean falls furthest below the days on both sides of it, judged
 * against the school's own noise for stretches of that length.
 *
 * Why a stretch and not a step: a remote-learning period of four to six weeks is a drop
 * and a recovery, and its first days are often no lower than an ordinary bad day. Two
 * steps found separately (a drop, then a recovery) each rest on a window of ten days and
 * miss a drop that settles over its first week; the stretch's mean rests on all its days.
 *
 * Noise: day-to-day noise is autocorrelated (students follow their teachers' recent
 * activity), so the spread of a mean of L days is not sd/sqrt(L): it is the school's own
 * spread around its local level with the lag-one correlation of neighbouring days (AR(1)).
 */
import {
  robustCorrelation,
  robustScale,
  rollingMedian,
} from '../../stats/robust';

export interface SustainedDrop {
  /** First and last positions of the stretch. */
  from: number;
  to: number;
  /** Mean level of the stretch less the reference (log units, negative). */
  shift: number;
  /** Shift in units of its standard error (negative). */
  score: number;
}

export interface SustainedOptions {
  /** Reference days on each side of a stretch (and its shortest length x 2). */
  window: number;
  /** Longest stretch, in school days. */
  maxDays: number;
  threshold: number;
  /** Smallest drop reported (log units, positive). */
  minShift: number;
  /** True where a long gap (a summer) lies before the position: a new school year. */
  yearStart: (k: number) => boolean;
  /**
   * Whether the last value is recent enough for a stretch reaching it to be going on
   * (false when a summer-long gap follows it: the year ended).
   */
  openEnded: boolean;
}

/**
 * Drops in v (log level less the district's shared day effect), each a stretch inside one
 * school year, at least `window` school days long, that is lower than the days before it
 * and, unless it reaches the series' end (still going on), lower than the `window` days
 * after it too. A stretch that runs into the summer is the year's wind-down, not a drop.
 * Non-overlapping, strongest first.
 */
export function findSustainedDrops(
  v: ReadonlyArray<number>,
  opts: SustainedOptions,
): SustainedDrop[] {
  const n = v.length;
  const W = opts.window;
  // A drop is sustained when it lasts two school weeks or more (a shorter dip is a few
  // bad days, judged day by day); a stretch needs half that many days before it.
  const minLen = W;
  const minBefore = Math.ceil(W / 2);
  if (n < 4 * W) return [];
  // One day's outage should not carry a stretch: values are clipped to 3 noise units
  // around their neighbourhood's median.
  const diffs: number[] = [];
  for (let k = 1; k < n; k++) diffs.push(v[k] - v[k - 1]);
  const dayNoise = robustScale(diffs, 0, 1e-3) / Math.SQRT2;
  const around = rollingMedian(v, W);
  const x = v.map((val, k) => {
    const m = around[k];
    return Math.min(m + 3 * dayNoise, Math.max(m - 3 * dayNoise, val));
  });
  const sum = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) sum[k + 1] = sum[k] + x[k];
  const mean = (a: number, b: number) => (sum[b] - sum[a]) / (b - a);
  // The school's own noise around its local level (a rolling median, so a drop is not
  // counted as noise), and how much neighbouring days move together (AR(1)): a mean of
  // L days varies by sd^2 / L x (1 + phi) / (1 - phi), not sd^2 / L.
  const local = rollingMedian(x, W);
  const e: number[] = [];
  for (let k = 0; k < n; k++) e.push(x[k] - local[k]);
  const sd = Math.max(robustScale(e, 0), 1e-3);
  const phi = Math.min(
    0.9,
    Math.max(0, robustCorrelation(e.slice(0, -1), e.slice(1))),
  );
  // The standard errors of a stretch of L days against B reference days, computed once
  // (the search below asks for each pair thousands of times).
  const maxL = Math.floor(Math.max(opts.maxDays, W, 0));
  const phiPow = new Float64Array(maxL + 1);
  for (let j = 1; j <= maxL; j++) phiPow[j] = phi ** j;
  const sdOf = (L: number) => {
    let t = L;
    for (let j = 1; j < L; j++) t += 2 * (L - j) * phiPow[j];
    return Math.sqrt((sd * sd * t) / (L * L));
  };
  const sdTable = new Float64Array(maxL + 1);
  for (let L = 0; L <= maxL; L++) sdTable[L] = sdOf(L);
  const Wt = Number.isInteger(W) && W >= 0 ? W : -1;
  const seTable = new Float64Array((maxL + 1) * (Wt + 1));
  for (let L = 0; L <= maxL; L++) {
    for (let B = 0; B <= Wt; B++)
      seTable[L * (Wt + 1) + B] = Math.hypot(sdTable[L], sdTable[B]);
  }
  const se = (L: number, B: number) =>
    Wt >= 0 && L <= maxL && B <= Wt
      ? seTable[L * (Wt + 1) + B]
      : Math.hypot(sdOf(L), sdOf(B));
  // School years: positions [start, end).
  const yearEnd = new Int32Array(n);
  for (let k = n - 1, end = n; k >= 0; k--) {
    yearEnd[k] = end;
    if (opts.yearStart(k)) end = k;
  }
  const yearFirst = new Int32Array(n);
  for (let k = 0, first = 0; k < n; k++) {
    if (opts.yearStart(k)) first = k;
    yearFirst[k] = first;
  }
  const cands: SustainedDrop[] = [];
  for (let a = 0; a < n; a++) {
    const before0 = Math.max(yearFirst[a], a - W);
    if (a - before0 < minBefore) continue;
    const mb = mean(before0, a);
    const B = a - before0;
    const end = yearEnd[a];
    for (let b = a + minLen; b <= Math.min(end, a + opts.maxDays); b++) {
      const L = b - a;
      const ms = mean(a, b);
      let shift = ms - mb;
      let score = shift / se(L, B);
      if (b + W <= end) {
        // A recovery is only known after as many days as it is compared on.
        const after1 = b + W;
        const sa = ms - mean(b, after1);
        const za = sa / se(L, W);
        // Lower than both sides: the weaker side decides.
        if (za > score) {
          shift = sa;
          score = za;
        }
      } else if (b < end || end < n || !opts.openEnded) {
        // Too soon to tell a recovery, or into the summer (the year's wind-down). A
        // stretch reaching the last day is going on (up to maxDays: then a new level).
        continue;
      }
      if (score > -opts.threshold || -shift < opts.minShift) continue;
      cands.push({from: a, to: b - 1, shift, score});
    }
  }
  cands.sort((p, q) => p.score - q.score);
  const out: SustainedDrop[] = [];
  for (const c of cands) {
    if (out.some(o => c.from <= o.to && o.from <= c.to)) continue;
    // Longer stretches score higher, so the best one may take in a few ordinary days at
    // its ends: it starts and ends at its first and last value nearer its own level
    // than the level beside it.
    const level = mean(c.from, c.to + 1);
    const beforeLevel = mean(Math.max(yearFirst[c.from], c.from - W), c.from);
    const afterEnd = Math.min(yearEnd[c.from], c.to + 1 + W);
    const afterLevel = afterEnd > c.to + 1 ? mean(c.to + 1, afterEnd) : level;
    while (c.to - c.from + 1 > minLen && x[c.from] > (level + beforeLevel) / 2)
      c.from++;
    while (c.to - c.from + 1 > minLen && x[c.to] > (level + afterLevel) / 2)
      c.to--;
    out.push(c);
  }
  return out.sort((p, q) => p.from - q.from);
}
