import type {Role} from '../../core/types';
import {dayNumber} from '../../clean/dates';
import {countTailZ} from '../../stats/count-tail';
import {
  median,
  robustCorrelation,
  robustScale,
  tailReach,
} from '../../stats/robust';
import {groupBy} from './fact-rows';
import {levelShift} from './level-shifts';
import {findSustainedDrops} from './sustained';
import type {SeriesAnomaly} from './series-types';

// ---------------------------------------------------------------------------------------
// Point anomalies across schools. Each school's series is decomposed on its own (series.ts);
// whether a day (or week) is an anomaly is then decided with a count-noise model and the
// other schools in view:
// - r = log((y + 1/2) / (expected + 1/2)) is the relative change. Its variance is the
//   Poisson part 1 / (expected + 1/2) plus the series' extra variance (day-to-day noise
//   beyond counting, estimated robustly): 10 -> 7 teachers is noise, 120 -> 45 students
//   is not.
// - The median r over the schools of a role is the district's change. A day on which it
//   moves by at least minChangePct, far beyond its usual variation, while the district's
//   other roles move the same way (by half that, beyond their own usual variation), is
//   one district-wide event, and each school whose own change is nearer the district's
//   than no change is flagged (an outage hits schools unevenly; most single-school
//   changes that day are individually within noise).
// - Otherwise a school's day is an anomaly only when its roles agree: their combined
//   (Stouffer) score passes the threshold, their mean change is at least minChangePct
//   and each moved the same way by at least half that. A school-wide outage moves
//   students and teachers; one role's count swinging alone is usually day noise.
// - A school's score is read against its own tail: where its 2% worst (or best) days
//   reach further than a normal's 2% do (heavier-tailed noise than the count model
//   says), the score is divided by that reach, so a day like the school's ordinary bad
//   days is not an event.
// - Surges on expected peaks (testing windows) and first days after a break are
//   calendar effects, not anomalies.

export interface FittedSeries {
  schoolId: string;
  role: Role;
  app: string;
  product: string;
  metric: string;
  dates: ReadonlyArray<string>;
  /** Values as fitted (weekly counts scaled to a full week); null where not open. */
  y: ReadonlyArray<number | null>;
  expected: ReadonlyArray<number | null>;
  /** True where the calendar explains a surge. */
  noSurge: ReadonlyArray<boolean>;
  /** True where the calendar explains a drop (the last day of the school year). */
  noDrop: ReadonlyArray<boolean>;
  /**
   * True where the calendar moves every school's level by an amount it does not say (the
   * school year's first and last weeks, half days, the first day back after a break).
   */
  calendarMoved: ReadonlyArray<boolean>;
  /** Counts get the Poisson part of the noise; rates and minutes do not. */
  count: boolean;
  /** Users in the group (the most a distinct-user count can reach), when known. */
  enrolled?: number;
  /** Multiplier from fitted to reported values (weekly: partial weeks). Default 1. */
  report?: ReadonlyArray<number>;
  /** Open days that shape the fit (not testing windows, not first days back). */
  fitted: ReadonlyArray<boolean>;
  /** First open value after a break. */
  breakBefore: ReadonlyArray<boolean>;
  /** False for groups below minGroupSize: evidence for their school, never reported. */
  reported: boolean;
  /** The series' own level shifts (used where there are too few schools to compare). */
  shifts: SeriesAnomaly[];
}

export const DEFAULT_MIN_CHANGE_PCT = 35;
/** Days whose approximate score is at least this far out get the count's exact tail. */
const TAIL_CHECK = 1.5;
export const DEFAULT_MIN_SCHOOLS = 5;
/**
 * The tail quantile a school's own reach is read at: its 2% worst (and best) days, about 7
 * of a school year's 180, enough to be seen in the first months of history.
 */
const TAIL_Q = 0.02;

/** One school's day, its roles judged together. */
interface SchoolDay {
  d: string;
  here: number[];
  base: number[];
  rs: number[];
  zs: number[];
  combined: number;
}

export interface PointFlag {
  series: FittedSeries;
  index: number;
  direction: 'drop' | 'surge';
  score: number;
  district: boolean;
  /** The calendar's share of the change (district-wide) the expected value is moved by. */
  expectedFactor?: number;
}

interface SeriesNoise {
  r: Map<string, number>;
  z: Map<string, number>;
  /** The noise's standard deviation on each day (r / z). */
  sd: Map<string, number>;
  index: Map<string, number>;
}

/** The offset of a series' log scale: half a count, or 5% of a rate's typical value. */
function logOffset(s: FittedSeries): number {
  if (s.count) return 0.5;
  const positive: number[] = [];
  s.y.forEach(v => v !== null && v > 0 && positive.push(v));
  return Math.max(positive.length ? 0.05 * median(positive) : 0, 1e-9);
}

/**
 * Each open day's relative change against the series' expected value, less `shift` (the
 * district's change that day, where given), with its noise: Poisson plus the series' extra
 * variance, measured on ordinary days.
 */
function seriesNoise(
  s: FittedSeries,
  shift?: ReadonlyMap<string, number>,
): SeriesNoise {
  const offset = logOffset(s);
  const r = new Map<string, number>();
  const index = new Map<string, number>();
  const pois = new Map<string, number>();
  s.y.forEach((v, i) => {
    const raw = s.expected[i];
    if (v === null || raw === null || !Number.isFinite(raw)) return;
    // An additive fit can expect a little below zero on a near-empty series; counts can't.
    const e = Math.max(0, raw);
    const ratio = (Math.max(0, v) + offset) / (e + offset);
    if (!(ratio > 0) || !Number.isFinite(ratio)) return;
    const d = s.dates[i];
    r.set(d, Math.log(ratio) - (shift?.get(d) ?? 0));
    pois.set(d, s.count ? 1 / (e + offset) : 0);
    index.set(d, i);
  });
  const z = new Map<string, number>();
  const sd = new Map<string, number>();
  if (r.size < 8) return {r, z, sd, index};
  // The noise is measured on ordinary days: the calendar's own moves are not noise.
  const ordinary = [...r].filter(([d]) => {
    const i = index.get(d) as number;
    return !s.calendarMoved[i] && !s.noDrop[i];
  });
  const rv = (ordinary.length >= 8 ? ordinary : [...r]).map(([, x]) => x);
  // Extra-Poisson variance: what the residuals' robust variance leaves beyond counting.
  const extra = Math.max(
    0,
    robustScale(rv, median(rv)) ** 2 - median([...pois.values()]),
  );
  const sdFloor = 1e-3;
  for (const [d, x] of r) {
    let v = Math.max(Math.sqrt(extra + (pois.get(d) as number)), sdFloor);
    const i = index.get(d) as number;
    const e = Math.max(0, s.expected[i] as number);
    // The log ratio's normal tail overstates small counts: use the count's exact tail
    // (Poisson, where most of the group is expected to stay away, so it is no closer to
    // its ceiling than a Poisson count would be: a nearly full group varies less). A
    // zero is read as a Poisson zero even in a nearly full group: a small group absent
    // as a whole (a school's five teachers at one training) is one shared absence, not
    // five independent ones, and a zero's log ratio is set by the offset alone.
    const none = (s.y[i] as number) <= 0;
    const far = s.enrolled === undefined || e <= s.enrolled / 2 || none;
    if (s.count && far && Math.abs(x / v) >= TAIL_CHECK) {
      const exact = countTailZ(Math.max(0, s.y[i] as number), e, extra);
      const same = Math.sign(exact) === Math.sign(x) ? Math.abs(exact) : 0;
      if (same < Math.abs(x / v)) v = Math.abs(x) / Math.max(same, 0.05);
    }
    z.set(d, x / v);
    sd.set(d, v);
  }
  return {r, z, sd, index};
}

/**
 * How much more than independent a school's roles move together: the sum over pairs of
 * their robust correlation on days both are scored (0 for one role). Students follow their
 * teachers, so a school's roles share part of their day-to-day noise; Stouffer's sum of
 * scores is divided by sqrt(n + 2 * this), not sqrt(n), so shared noise is not read as
 * agreeing evidence.
 */
function sharedNoise(noises: ReadonlyArray<SeriesNoise>): number {
  let total = 0;
  for (let a = 0; a < noises.length; a++) {
    for (let b = a + 1; b < noises.length; b++) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const [d, x] of noises[a].z) {
        const y = noises[b].z.get(d);
        if (y !== undefined) {
          xs.push(x);
          ys.push(y);
        }
      }
      if (xs.length < 30) continue;
      // Negative correlation is not credited (it would shrink the denominator).
      total += Math.min(0.95, Math.max(0, robustCorrelation(xs, ys)));
    }
  }
  return total;
}

export function crossSectionPoints(
  series: ReadonlyArray<FittedSeries>,
  threshold: number,
  minChangePct: number,
  minSchools: number,
): PointFlag[] {
  const noise = series.map(s => seriesNoise(s));
  const minLog = Math.log(1 + minChangePct / 100);
  const minLogDrop = -Math.log(1 - Math.min(minChangePct, 95) / 100);
  const out: PointFlag[] = [];
  const keyOf = (s: FittedSeries) =>
    [s.role, s.app, s.product, s.metric].join('\t');
  const siblingsOf = (s: FittedSeries) =>
    [s.app, s.product, s.metric].join('\t');
  // District-wide events per role (and app, product, metric).
  const buckets = groupBy(
    series.map((s, k) => k),
    k => keyOf(series[k]),
  );
  /** Per bucket and day: the district's change (median over its schools). */
  const levels = new Map<string, Map<string, number>>();
  const movedDays = new Set<string>();
  for (const [key, ks] of buckets) {
    if (ks.length < minSchools) continue;
    const byDate = new Map<string, number[]>();
    for (const k of ks) {
      for (const [d, x] of noise[k].r) {
        const list = byDate.get(d);
        if (list) list.push(x);
        else byDate.set(d, [x]);
        if (series[k].calendarMoved[noise[k].index.get(d) as number])
          movedDays.add(d);
      }
    }
    const level = new Map<string, number>();
    for (const [d, xs] of byDate) {
      if (xs.length >= minSchools) level.set(d, median(xs));
    }
    levels.set(key, level);
  }
  const schoolRoles = groupBy(
    series.map((s, k) => k),
    k => [series[k].schoolId, siblingsOf(series[k])].join('\t'),
  );
  /**
   * The share of the district's change on day d that series k's school took, over all its
   * roles (groups too small to report included), each weighted by its precision that day:
   * the least-squares slope of the school's changes on the district's (1 = moved as the
   * district did, 0 = not at all).
   */
  const shareOf = (k: number, d: string) => {
    let num = 0;
    let den = 0;
    const roles = schoolRoles.get(
      [series[k].schoolId, siblingsOf(series[k])].join('\t'),
    );
    for (const j of roles ?? []) {
      const x = noise[j].r.get(d);
      const sd = noise[j].sd.get(d);
      const c = levels.get(keyOf(series[j]))?.get(d);
      if (x === undefined || sd === undefined || c === undefined) continue;
      num += (x * c) / (sd * sd);
      den += (c * c) / (sd * sd);
    }
    return den > 0 ? num / den : 0;
  };
  // The district's usual day-to-day variation per bucket, on ordinary days.
  const usual = new Map<string, {center: number; scale: number}>();
  for (const [key, level] of levels) {
    const lv = [...level].filter(([d]) => !movedDays.has(d)).map(([, x]) => x);
    const ref = lv.length >= 8 ? lv : [...level.values()];
    const center = median(ref);
    usual.set(key, {center, scale: robustScale(ref, center, 1e-3)});
  }
  const districtDays = new Map<string, 'drop' | 'surge'>();
  for (const [key, ks] of buckets) {
    const level = levels.get(key);
    if (!level || level.size < 8) continue;
    const {center, scale} = usual.get(key)!;
    const s0 = series[ks[0]];
    const siblings = [...levels].filter(
      ([k]) =>
        k !== key &&
        buckets.get(k)!.length > 0 &&
        siblingsOf(series[buckets.get(k)![0]]) === siblingsOf(s0),
    );
    for (const [d, c] of level) {
      const direction = c < 0 ? 'drop' : 'surge';
      const size = direction === 'drop' ? -c : c;
      const need = direction === 'drop' ? minLogDrop : minLog;
      if (size < need) continue;
      if (Math.abs(c - center) / scale < threshold) continue;
      const others = siblings.map(([, l]) => l.get(d));
      if (movedDays.has(d)) {
        // The calendar moves every school this day (a year's first or last weeks, a half
        // day, the first day back) by an amount it does not say: a shared change is the
        // calendar's, unless every role fell as far (an outage stops teachers too).
        if (direction === 'surge') continue;
        if (others.length === 0) continue;
        if (others.some(x => x === undefined || x > -minLogDrop)) continue;
      }
      // As at one school, every role moves in a district-wide event: each of the other
      // roles the same way by at least half the minimum change, beyond its own usual
      // variation (an outage stops teachers too). Students alone swinging across the
      // district, teachers at their usual level, is a day the calendar does not list
      // (an early dismissal, an assembly, a testing day), not an alert.
      const sign = direction === 'drop' ? -1 : 1;
      const moved = siblings.every(([k], j) => {
        const x = others[j];
        const u = usual.get(k)!;
        return (
          x !== undefined &&
          sign * x >= need / 2 &&
          (sign * (x - u.center)) / u.scale >= 1
        );
      });
      if (!moved) continue;
      const xs: number[] = [];
      for (const k of ks) {
        const x = noise[k].r.get(d);
        if (x !== undefined) xs.push(x);
      }
      // Most schools must move the same way: a few extreme ones do not make the median.
      const agree = xs.filter(x => Math.sign(x) === Math.sign(c)).length;
      if (agree < (2 / 3) * xs.length) continue;
      const flagged = ks.filter(k => {
        const x = noise[k].r.get(d);
        if (x === undefined) return false;
        const i = noise[k].index.get(d) as number;
        if (direction === 'surge' && series[k].noSurge[i]) return false;
        if (direction === 'drop' && series[k].noDrop[i]) return false;
        // Nearer the district's change than no change: more likely hit than not. A
        // school's roles together tell that better than one role's count: a school of
        // 20 students and 5 teachers whose students fell a third as far as the
        // district's but whose teachers fell as far was hit.
        if (direction === 'drop' ? x <= c / 2 : x >= c / 2) return true;
        return Math.sign(x) === Math.sign(c) && shareOf(k, d) >= 1 / 2;
      });
      for (const k of flagged) {
        const i = noise[k].index.get(d) as number;
        out.push({
          series: series[k],
          index: i,
          direction,
          score: Math.abs(noise[k].z.get(d) ?? (c - center) / scale),
          district: true,
        });
      }
      districtDays.set(
        [s0.app, s0.product, s0.metric, d].join('\t'),
        direction,
      );
    }
  }
  // School events: the school's roles together.
  const schools = groupBy(
    series.map((s, k) => k),
    k =>
      [
        series[k].schoolId,
        series[k].app,
        series[k].product,
        series[k].metric,
      ].join('\t'),
  );
  for (const [, ks] of schools) {
    const shared = sharedNoise(ks.map(k => noise[k]));
    const dates = new Set<string>();
    for (const k of ks) for (const d of noise[k].z.keys()) dates.add(d);
    const s0 = series[ks[0]];
    const days: SchoolDay[] = [];
    for (const d of dates) {
      if (districtDays.has([s0.app, s0.product, s0.metric, d].join('\t')))
        continue;
      const here = ks.filter(k => noise[k].z.has(d));
      if (here.length === 0) continue;
      // Where the calendar moves every school, a school is judged against the district's
      // change that day (its share of the calendar's move), not against none.
      const base = here.map(k => {
        if (!series[k].calendarMoved[noise[k].index.get(d) as number]) return 0;
        return levels.get(keyOf(series[k]))?.get(d) ?? 0;
      });
      const rs = here.map((k, j) => (noise[k].r.get(d) as number) - base[j]);
      const zs = here.map((k, j) => rs[j] / (noise[k].sd.get(d) as number));
      const sumZ = zs.reduce((a, b) => a + b, 0);
      const combined =
        here.length === ks.length
          ? sumZ / Math.sqrt(here.length + 2 * shared)
          : sumZ / Math.sqrt(here.length);
      days.push({d, here, base, rs, zs, combined});
    }
    // The school's own ordinary bad (and good) days: where its combined score's tail
    // reaches further than the normal's, a day is judged against that reach, so a day
    // like the school's usual worst few is not an event.
    const all = days.map(x => x.combined);
    const reach = {
      drop: Math.max(1, tailReach(all, TAIL_Q) || 1),
      surge: Math.max(1, tailReach(all, 1 - TAIL_Q) || 1),
    };
    for (const {d, here, base, rs, zs, combined} of days) {
      const direction = combined < 0 ? 'drop' : 'surge';
      const score = Math.abs(combined) / reach[direction];
      if (score < threshold) continue;
      const sign = direction === 'drop' ? -1 : 1;
      const need = direction === 'drop' ? minLogDrop : minLog;
      const mean = (sign * rs.reduce((a, b) => a + b, 0)) / rs.length;
      if (mean < need) continue;
      if (rs.some(x => sign * x < need / 2)) continue;
      if (zs.some(x => sign * x < 1)) continue;
      const explained = direction === 'surge' ? 'noSurge' : 'noDrop';
      if (
        here.some(k => series[k][explained][noise[k].index.get(d) as number])
      ) {
        continue;
      }
      here.forEach((k, j) => {
        out.push({
          series: series[k],
          index: noise[k].index.get(d) as number,
          direction,
          score,
          district: false,
          expectedFactor: Math.exp(base[j]),
        });
      });
    }
  }
  return out;
}

/**
 * Sustained drops (disengagement) of a school against the district: each series'
 * log values less the district's shared day effect (the median over schools of their
 * log values less each school's own median), so the weekday pattern, the calendar's
 * ramps and wind-downs and district-wide outages cancel and what is left is the
 * school's own level. Drops in it are stretches lower than the days on both sides
 * (findSustainedDrops, judged against the school's own noise over as many days).
 * Testing windows are left out (their uplift depends on the school's level).
 */
export function crossSectionShifts(
  series: ReadonlyArray<FittedSeries>,
  threshold: number,
  minChangePct: number,
  minSchools: number,
  window: number,
  /** Days of district-wide events, left out (they move schools unevenly). */
  skip: ReadonlySet<string> = new Set(),
): Array<{series: FittedSeries; found: SeriesAnomaly}> {
  const out: Array<{series: FittedSeries; found: SeriesAnomaly}> = [];
  const minShift = -Math.log(1 - Math.min(minChangePct, 95) / 100);
  const buckets = groupBy([...series], s =>
    [s.role, s.app, s.product, s.metric].join('\t'),
  );
  for (const [, group] of buckets) {
    if (group.length < minSchools) continue;
    const logs = group.map(s => {
      const off = logOffset(s);
      const m = new Map<string, number>();
      s.y.forEach((v, i) => {
        // Open, fitted days only (expected is null where closed), no testing days, and
        // none the calendar moves: a school's own ramp into the year or wind-down out of
        // it is not a change of its level.
        if (v === null || s.fitted[i] !== true || s.calendarMoved[i]) return;
        if (skip.has(s.dates[i])) return;
        m.set(s.dates[i], Math.log(v + off));
      });
      const own = m.size > 0 ? median([...m.values()]) : 0;
      return {m, own, off};
    });
    const byDate = new Map<string, number[]>();
    logs.forEach(({m, own}) => {
      for (const [d, x] of m) {
        const list = byDate.get(d);
        if (list) list.push(x - own);
        else byDate.set(d, [x - own]);
      }
    });
    const shared = new Map<string, number>();
    for (const [d, xs] of byDate)
      if (xs.length >= minSchools) shared.set(d, median(xs));
    group.forEach((s, g) => {
      const idx: number[] = [];
      const v: number[] = [];
      s.dates.forEach((d, i) => {
        const x = logs[g].m.get(d);
        const c = shared.get(d);
        if (x === undefined || c === undefined) return;
        idx.push(i);
        v.push(x - c);
      });
      if (v.length < 4 * window) return;
      const drops = findSustainedDrops(v, {
        window,
        maxDays: 6 * window,
        threshold,
        minShift,
        // A summer-long gap starts a new school year, which resets every level.
        yearStart: k =>
          k > 0 &&
          dayNumber(s.dates[idx[k]]) - dayNumber(s.dates[idx[k - 1]]) >= 30,
        // A drop that ran into a summer still under way is not going on.
        openEnded:
          dayNumber(s.dates[s.dates.length - 1]) -
            dayNumber(s.dates[idx[idx.length - 1]]) <
          30,
      });
      for (const c of drops) {
        const ys: number[] = [];
        const es: number[] = [];
        for (let k = c.from; k <= c.to; k++) {
          const y = s.y[idx[k]] as number;
          ys.push(y);
          es.push(
            Math.max(0, (y + logs[g].off) * Math.exp(-c.shift) - logs[g].off),
          );
        }
        const observed = median(ys);
        const expected = median(es);
        const changePct =
          expected > 0 ? ((observed - expected) / expected) * 100 : null;
        if (changePct === null || -changePct < minChangePct) continue;
        out.push({
          series: s,
          found: levelShift(
            idx[c.from],
            idx[c.to],
            c.to - c.from + 1,
            'drop',
            observed,
            expected,
            changePct,
            c.score,
            threshold,
          ),
        });
      }
    });
  }
  return out;
}
