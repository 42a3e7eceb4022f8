/**
 * Half days (early dismissal) learned from district-wide daily activity by role. On an
 * early-dismissal day students are in school for part of the day, so their activity falls
 * well below a normal day, while teachers work the whole day and fall much less. An outage
 * hits every role alike, and the first days of a year or the last weeks before summer are
 * quiet for several days running; a half day is one day, clearly below the school days on
 * either side of it. Pure: reads the compact series, never a service.
 *
 * The rule, for an open school day d (a school weekday no closure covers):
 * - depth: students and teachers of d against the median of the nearest open school days
 *   of the same weekday (three before and three after, within eight weeks; a side short
 *   of them is made up from the other), so the
 *   weekday pattern and the season's level cancel out;
 * - students noticeably down: depth at most HALF_DAY_DEPTH, and beyond the noise of normal
 *   days (NOISE_SIGMAS robust standard deviations of the log depth), yet above the
 *   closure line (CLOSED_RATIO);
 * - both roles present and both down: teachers at least TEACHERS_PRESENT of normal yet
 *   below it by TEACHER_SIGMAS of their own noise, and their log drop at most
 *   TEACHER_SHARE of the students' (an outage takes teachers down as far);
 * - one day, not a quiet stretch: students' depth at most ISOLATION times that of each
 *   neighbouring open school day (the next day after a break counts; across summer, only
 *   the side still in the school year);
 * - not in the first RAMP_DAYS school days after summer, when the year is still ramping up
 *   and every day reads low against the weeks that follow.
 * On the last school day before a break (`eves`), the day districts most often dismiss
 * early, teachers need only be present (and fall less than students): a teacher who stays
 * the whole day signs in as on any other day, so their count need not drop at all, and
 * an outage on that day still fails the share test.
 * The noise of a role is the robust standard deviation (1.4826 MAD) of its log depth over
 * the settled open days, so a small, noisy district needs a deeper drop.
 * The district series holds totals only, so breadth across schools is not tested here.
 */

import {mad, median} from '../../stats/robust';

/** District active users by role, one entry per calendar day (no gaps). */
export interface RoleSeries {
  students: Float64Array;
  teachers: Float64Array;
}

/** Students at most this share of neighbouring same-weekday school days. */
export const HALF_DAY_DEPTH = 0.75;
/** Teachers at least this share of neighbouring same-weekday school days. */
export const TEACHERS_PRESENT = 0.65;
/** Teachers' log drop at most this share of the students' (they stay the whole day). */
export const TEACHER_SHARE = 0.65;
/** Students at most this share of each neighbouring open school day. */
export const ISOLATION = 0.7;
/** The student drop must exceed this many robust standard deviations of normal days. */
export const NOISE_SIGMAS = 3;
/** Teachers too must be below normal, by at least this many of their own. */
export const TEACHER_SIGMAS = 1;
/** Same-weekday reference days, and how far away they may be (days). */
const REF_DAYS = 6;
const REF_REACH = 56;
/** A neighbouring open day further than this is across summer, not a break. */
const NEIGHBOUR_REACH = 27; // a summer is at least 20 school weekdays: four weeks
/** The first school days of a year, still ramping up, are not read for half days. */
const RAMP_DAYS = 10;
/** 52 weeks: the same weekday a year apart. */
const YEAR_DAYS = 364;

/** Depth of x on each open day against its nearest open same-weekday days (NaN if unknown). */
function sameWeekdayDepth(
  x: Float64Array,
  open: ReadonlyArray<boolean>,
): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!open[i]) continue;
    // The nearest open same-weekday days, half on each side; a side short of them (at a
    // year's ends) is made up from the other.
    const side = (step: number) => {
      const v: number[] = [];
      for (
        let k = step;
        Math.abs(k) <= REF_REACH && v.length < REF_DAYS;
        k += step
      ) {
        const j = i + k;
        if (j >= 0 && j < n && open[j]) v.push(x[j]);
      }
      return v;
    };
    const before = side(-7);
    const after = side(7);
    const half = REF_DAYS / 2;
    const fromBefore = Math.max(half, REF_DAYS - after.length);
    const fromAfter = Math.max(half, REF_DAYS - before.length);
    const ref = [...before.slice(0, fromBefore), ...after.slice(0, fromAfter)];
    const level = ref.length >= 3 ? median(ref) : NaN;
    if (level > 0) out[i] = x[i] / level;
  }
  return out;
}

/** Robust standard deviation (1.4826 MAD) of the log of the settled finite depths. */
function logSpread(d: Float64Array, settled: ReadonlyArray<boolean>): number {
  const logs: number[] = [];
  d.forEach((v, i) => {
    if (v > 0 && settled[i]) logs.push(Math.log(v));
  });
  return logs.length ? mad(logs) : 0;
}

/** Nearest open day before (dir -1) or after (dir 1) i within NEIGHBOUR_REACH, or -1. */
function neighbour(open: ReadonlyArray<boolean>, i: number, dir: -1 | 1) {
  for (let j = i + dir; Math.abs(j - i) <= NEIGHBOUR_REACH; j += dir) {
    if (j < 0 || j >= open.length) return -1;
    if (open[j]) return j;
  }
  return -1;
}

/**
 * Indices of the days the rule above reads as half days. `open[i]`: day i is a school
 * weekday that no learned closure covers; `closedRatio`: the depth below which students
 * mean the district closed; `eves`: the last open day before each break.
 */
export function findHalfDays(
  s: RoleSeries,
  open: ReadonlyArray<boolean>,
  closedRatio: number,
  eves: ReadonlySet<number> = new Set(),
): number[] {
  // Settled: past the first RAMP_DAYS open days after a summer (or the history's start).
  const settled: boolean[] = [];
  let count = 0;
  let gap = NEIGHBOUR_REACH + 1;
  for (let i = 0; i < open.length; i++) {
    if (!open[i]) {
      gap++;
      settled.push(false);
      continue;
    }
    if (gap > NEIGHBOUR_REACH) count = 0;
    gap = 0;
    count++;
    settled.push(count > RAMP_DAYS);
  }
  const dS = sameWeekdayDepth(s.students, open);
  const dT = sameWeekdayDepth(s.teachers, open);
  const sigmaS = logSpread(dS, settled);
  const sigmaT = logSpread(dT, settled);
  const depthLimit = Math.min(HALF_DAY_DEPTH, Math.exp(-NOISE_SIGMAS * sigmaS));
  const teacherLimit = Math.exp(-TEACHER_SIGMAS * sigmaT);
  /** A settled school day whose students dip alone, below the days on either side. */
  const dip = (i: number) => {
    const ds = dS[i];
    if (!settled[i] || !(ds >= closedRatio && ds <= depthLimit)) return false;
    const sides = [neighbour(open, i, -1), neighbour(open, i, 1)].filter(
      j => j >= 0,
    );
    return (
      sides.length > 0 && sides.every(j => dS[j] > 0 && ds <= ISOLATION * dS[j])
    );
  };
  const out: number[] = [];
  for (let i = 0; i < dS.length; i++) {
    const dt = dT[i];
    if (!dip(i)) continue;
    if (!(dt >= TEACHERS_PRESENT && (dt <= teacherLimit || eves.has(i))))
      continue;
    if (Math.log(dt) < TEACHER_SHARE * Math.log(dS[i])) continue;
    out.push(i);
  }
  // Half days recur: a district dismisses early on the same occasions each year (the end
  // of a marking period, the eve of a break), on the same weekday. A dip 52 weeks from a
  // half day found above, with teachers present and down less than students, is one too,
  // even where teachers' own noise took them further down than the share test allows (an
  // outage falling on that very day of another year, teachers present, is far rarer).
  const found = new Set(out);
  for (let i = 0; i < dS.length; i++) {
    if (found.has(i) || !dip(i)) continue;
    if (!found.has(i - YEAR_DAYS) && !found.has(i + YEAR_DAYS)) continue;
    if (dT[i] >= TEACHERS_PRESENT && dT[i] > dS[i]) out.push(i);
  }
  return out.sort((a, b) => a - b);
}
