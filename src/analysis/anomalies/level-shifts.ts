/** Breaks in the school-day sequence and sustained level shifts (disengagement). */
import {dayNumber} from '../../clean/dates';
import {median, medianOfRange, SortedWindow} from '../../stats/robust';
import {severityOf} from './series-types';
import type {SeriesAnomaly} from './series-types';

/** For each position: is it the first open value after a break? */
export function breaksBefore(
  openIdx: number[],
  closed: ReadonlyArray<boolean>,
  dates: ReadonlyArray<string> | undefined,
  period: number,
  breakMinClosedRun: number | undefined,
): boolean[] {
  const n = closed.length;
  const breakRun = breakMinClosedRun ?? (period === 7 ? 3 : 1);
  const afterBreak = new Array<boolean>(n).fill(false);
  const dayNums = dates ? dates.map(d => dayNumber(d)) : null;
  let step = 1;
  if (dayNums && n > 1) {
    const diffs: number[] = [];
    for (let i = 1; i < n; i++) diffs.push(dayNums[i] - dayNums[i - 1]);
    step = Math.max(1, median(diffs));
  }
  for (let k = 1; k < openIdx.length; k++) {
    const i = openIdx[k];
    let run = 0;
    for (let j = i - 1; j >= 0 && closed[j]; j--) run++;
    let brk = run >= breakRun;
    if (dayNums) {
      const prev = dayNums[openIdx[k - 1]];
      if (step >= 7) {
        brk = brk || Math.round((dayNums[i] - prev) / step) - 1 >= 1;
      } else {
        // Daily: any weekday (Mon-Fri) between two school days means a holiday or break.
        let weekdays = 0;
        for (let dn = prev + 1; dn < dayNums[i]; dn++) {
          const wd = (((dn + 4) % 7) + 7) % 7;
          if (wd >= 1 && wd <= 5) weekdays++;
        }
        brk = brk || weekdays >= 1;
      }
    }
    afterBreak[i] = brk;
  }
  return afterBreak;
}

interface LevelChange {
  /** Position in the open sequence where the new level starts. */
  k: number;
  /** Change of level (model units). */
  shift: number;
  score: number;
  /** True when the change returns to the level before the previous change. */
  recovery: boolean;
}

/**
 * Abrupt, sustained changes of level in `d` (deseasonalized open values): at each
 * position, the median of the next W values against the median of the previous W
 * (medians ignore short outages), scored against the standard error of a difference
 * of medians. A change must also be abrupt: most of it happens across the half
 * windows, so a gradual ramp does not count. Local maxima at least W apart are kept.
 */
export function findLevelShifts(
  d: number[],
  W: number,
  scale: number,
  threshold: number,
  minShift: number,
  afterBreak: (k: number) => boolean,
  maxOutage: number,
): LevelChange[] {
  const m = d.length;
  if (m < 2 * W) return [];
  const h = Math.ceil(W / 2);
  const cands: Array<{k: number; shift: number; score: number}> = [];
  // Near either end the windows shrink to half their length. Each of the four windows
  // slides forward one value per position.
  const beforeWin = new SortedWindow(W);
  const afterWin = new SortedWindow(W);
  const shortBefore = new SortedWindow(h);
  const shortAfter = new SortedWindow(h);
  for (let k = h; k <= m - h; k++) {
    const aLen = Math.min(W, m - k);
    const bLen = Math.min(W, k);
    beforeWin.slide(d, k - bLen, k);
    afterWin.slide(d, k, k + aLen);
    shortBefore.slide(d, k - h, k);
    shortAfter.slide(d, k, k + Math.min(h, aLen));
    const before = beforeWin.median();
    const after = afterWin.median();
    const shift = after - before;
    const se = 1.2533 * scale * Math.sqrt(1 / bLen + 1 / aLen);
    const score = shift / se;
    if (Math.abs(score) < threshold || Math.abs(shift) < minShift) continue;
    const shortShift = shortAfter.median() - shortBefore.median();
    if (
      Math.sign(shortShift) !== Math.sign(shift) ||
      Math.abs(shortShift) < 0.6 * Math.abs(shift)
    ) {
      continue;
    }
    cands.push({k, shift, score});
  }
  cands.sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
  const accepted: Array<{k: number; shift: number; score: number}> = [];
  for (const c of cands) {
    if (accepted.some(a => Math.abs(a.k - c.k) < W)) continue;
    accepted.push(c);
  }
  // Refine each change to the split that best fits two flat levels (L1 cost).
  for (const c of accepted) {
    let bestK = c.k;
    let bestCost = Infinity;
    for (let k = Math.max(h, c.k - h); k <= Math.min(m - h, c.k + h); k++) {
      const pre = d.slice(Math.max(0, k - W), k);
      const post = d.slice(k, Math.min(m, k + W));
      const mb = median(pre);
      const ma = median(post);
      let cost = 0;
      for (const v of pre) cost += Math.abs(v - mb);
      for (const v of post) cost += Math.abs(v - ma);
      cost /= pre.length + post.length;
      if (cost < bestCost - 1e-12) {
        bestCost = cost;
        bestK = k;
      }
    }
    if (bestK !== c.k) {
      const aLen = Math.min(W, m - bestK);
      c.shift =
        medianOfRange(d, bestK, bestK + aLen) -
        medianOfRange(d, Math.max(0, bestK - W), bestK);
      c.k = bestK;
    }
  }
  // A step happens between two neighbouring values; a fast ramp spreads over several.
  const stepped = accepted.filter(c => {
    if (c.k < 2 || c.k + 2 > m) return true;
    const jump = (d[c.k] + d[c.k + 1]) / 2 - (d[c.k - 1] + d[c.k - 2]) / 2;
    // Rejected only when the two-value jump is clearly (beyond its noise) smaller.
    const ratio = jump / c.shift;
    return ratio >= 0.5 || Math.abs(c.shift - jump) <= 2.5 * scale;
  });
  stepped.sort((a, b) => a.k - b.k);
  const out: LevelChange[] = [];
  for (const c of stepped) {
    const prev = out.length > 0 ? out[out.length - 1] : null;
    const recovery =
      prev !== null &&
      !prev.recovery &&
      Math.sign(prev.shift) !== Math.sign(c.shift) &&
      Math.abs(prev.shift + c.shift) <= 0.5 * Math.abs(prev.shift);
    // A higher level within a window after a break is the normal return, not a surge.
    if (!recovery && c.shift > 0) {
      let nearBreak = false;
      for (
        let j = Math.max(0, c.k - W);
        j <= Math.min(m - 1, c.k + h - 1);
        j++
      ) {
        if (afterBreak(j)) nearBreak = true;
      }
      if (nearBreak) continue;
    }
    out.push({...c, recovery});
  }
  // A change undone within an outage's length is an outage (or a spike), not a shift.
  const keep = out.map(() => true);
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i + 1].recovery && out[i + 1].k - out[i].k <= maxOutage) {
      keep[i] = false;
      keep[i + 1] = false;
    }
  }
  return out.filter((_, i) => keep[i]);
}

/** A level-shift row: its span, median observed and expected values, and severity. */
export function levelShift(
  index: number,
  endIndex: number,
  days: number,
  direction: 'drop' | 'surge',
  observed: number,
  expected: number,
  changePct: number | null,
  score: number,
  threshold: number,
): SeriesAnomaly {
  return {
    index,
    direction,
    observed,
    expected,
    changePct,
    score: Math.abs(score),
    severity: severityOf(
      changePct === null ? null : Math.abs(changePct),
      Math.abs(score),
      threshold,
    ),
    kind: 'level_shift',
    endIndex,
    days,
  };
}
