/** The daily and weekly detectors over facts: fit each series, then judge across schools. */
import type {DailyFact, SchoolCalendar, WeeklyFact} from '../../core/types';
import {addDays, dayNumber} from '../../clean/dates';
import {median} from '../../stats/robust';
import {
  calendarMasks,
  halfDays,
  isSchoolDay,
  testingDay,
  yearEdgeDays,
  yearEndDays,
} from './calendar-masks';
import {
  DEFAULT_MIN_CHANGE_PCT,
  DEFAULT_MIN_SCHOOLS,
  crossSectionPoints,
  crossSectionShifts,
} from './cross-section';
import type {FittedSeries, PointFlag} from './cross-section';
import {
  DAILY_METRICS,
  USER_METRICS,
  WEEKLY_METRICS,
  checkMetrics,
  metricValue,
  selectGroups,
  toRows,
} from './fact-rows';
import type {
  AnomalyRow,
  AnomalySettings,
  FactAnomalyOptions,
} from './fact-rows';
import {severityOf} from './series-types';
import {detectSeriesAnomalies} from './series';
import type {SeriesAnomalyResult} from './series-types';

type CalendarMaskField =
  'noSurge' | 'noDrop' | 'fitted' | 'breakBefore' | 'calendarMoved';

/** A run of calendar days and the calendar's masks over it. */
interface DaySpan {
  dates: string[];
  schoolDay: boolean[];
  peaks: boolean[];
  lows: boolean[];
  moved: boolean[];
  expectedPeaks: boolean[];
}

/** Point anomalies and level shifts of fitted series, as rows of the reported groups. */
function judgeSeries(
  fitted: ReadonlyArray<FittedSeries>,
  grain: 'day' | 'week',
  threshold: number,
  opts: FactAnomalyOptions,
): AnomalyRow[] {
  const minChangePct = opts.minChangePct ?? DEFAULT_MIN_CHANGE_PCT;
  const minSchools = opts.minSchools ?? DEFAULT_MIN_SCHOOLS;
  const points = crossSectionPoints(
    fitted,
    threshold,
    minChangePct,
    minSchools,
  );
  const flags = points.filter(f => f.series.reported);
  // A district-wide event's day says nothing of one school's own level.
  const districtDays = new Set(
    points.filter(f => f.district).map(f => f.series.dates[f.index]),
  );
  const rows = pointRows(
    flags,
    grain,
    threshold,
    opts.series?.outageFallPct ?? 30,
    opts.since,
  );
  const bucketOf = (s: FittedSeries) =>
    [s.role, s.app, s.product, s.metric].join('\t');
  const sizes = new Map<string, number>();
  for (const s of fitted)
    sizes.set(bucketOf(s), (sizes.get(bucketOf(s)) ?? 0) + 1);
  const compared = (s: FittedSeries) =>
    grain === 'day' && (sizes.get(bucketOf(s)) as number) >= minSchools;
  const shifts = crossSectionShifts(
    fitted.filter(compared),
    threshold,
    minChangePct,
    minSchools,
    opts.series?.levelShiftWindow ?? 10,
    districtDays,
  );
  for (const s of fitted) {
    if (compared(s)) continue;
    // Alone, a series' own sustained drops of at least minChangePct.
    for (const a of s.shifts) {
      if (a.direction !== 'drop' || a.changePct === null) continue;
      if (-a.changePct < minChangePct) continue;
      shifts.push({series: s, found: a});
    }
  }
  for (const {series: s, found} of shifts) {
    if (!s.reported) continue;
    rows.push(
      ...toRows(
        [found],
        [...s.dates],
        {
          schoolId: s.schoolId,
          grain,
          role: s.role,
          app: s.app,
          product: s.product,
          metric: s.metric,
        },
        opts.since,
      ),
    );
  }
  return sortRows(rows);
}

/** Rows of the point flags (observed and expected as reported for the grain). */
function pointRows(
  flags: ReadonlyArray<PointFlag>,
  grain: 'day' | 'week',
  threshold: number,
  outageFallPct: number,
  since: string | undefined,
): AnomalyRow[] {
  const rows: AnomalyRow[] = [];
  for (const f of flags) {
    const s = f.series;
    const date = s.dates[f.index];
    if (since && date < since) continue;
    const k = s.report ? s.report[f.index] : 1;
    const observed = (s.y[f.index] as number) * k;
    // On a day the calendar moves, what was expected includes the district's share of it.
    const expected =
      (s.expected[f.index] as number) * k * (f.expectedFactor ?? 1);
    const changePct =
      expected > 0 ? ((observed - expected) / expected) * 100 : null;
    rows.push({
      schoolId: s.schoolId,
      date,
      grain,
      role: s.role,
      app: s.app,
      product: s.product,
      metric: s.metric,
      direction: f.direction,
      observed,
      expected,
      changePct,
      score: f.score,
      severity: severityOf(
        changePct === null ? null : Math.abs(changePct),
        f.score,
        threshold,
      ),
      kind:
        f.direction === 'surge'
          ? 'spike'
          : changePct !== null && -changePct >= outageFallPct
            ? 'outage'
            : 'dip',
    });
  }
  return rows;
}

/** Count metrics (Poisson noise); rates and minutes are not counts. */
const NON_COUNT_METRICS = new Set([
  'pctAccess',
  'engagementIndex',
  'sessionMinutes',
]);

/** The first open position of each series is never judged (it has no history). */
function withoutFirst(expected: Array<number | null>): Array<number | null> {
  const out = expected.slice();
  const first = out.findIndex(v => v !== null);
  if (first >= 0) out[first] = null;
  return out;
}

/** What a daily or a weekly series fit shares: its group, values and expectation. */
function fittedSeries(
  g: {
    schoolId: string;
    role: FittedSeries['role'];
    app: string;
    product: string;
  },
  metric: string,
  dates: ReadonlyArray<string>,
  y: ReadonlyArray<number | null>,
  found: SeriesAnomalyResult,
  enrolled: number,
  settings: AnomalySettings,
): Omit<FittedSeries, CalendarMaskField> {
  return {
    schoolId: g.schoolId,
    role: g.role,
    app: g.app,
    product: g.product,
    metric,
    dates,
    y,
    expected: withoutFirst(found.expected),
    count: !NON_COUNT_METRICS.has(metric),
    enrolled: USER_METRICS.has(metric) ? enrolled : undefined,
    // Groups too small to report still tell whether their school as a whole moved.
    reported: enrolled >= settings.minGroupSize,
    shifts: found.anomalies.filter(a => a.kind === 'level_shift'),
  };
}

/**
 * Anomalies in each school's daily series (school x role x app x product x metric).
 * Days that are not school days by the calendar, and days flagged closed, partial or
 * imputed, are skipped; groups smaller than settings.minGroupSize are not analysed.
 * Each series is decomposed on its own (level shifts come from there); single days are
 * judged across roles and schools (see crossSectionPoints).
 */
export function detectDailyAnomalies(
  facts: ReadonlyArray<DailyFact>,
  calendar: SchoolCalendar,
  settings: AnomalySettings,
  opts: FactAnomalyOptions = {},
): AnomalyRow[] {
  const metrics = opts.metrics ?? ['activeUsers', 'events'];
  checkMetrics(metrics, DAILY_METRICS);
  const threshold = opts.series?.threshold ?? settings.anomalyThreshold;
  const yearEnd = yearEndDays(calendar);
  const edges = yearEdgeDays(calendar);
  const halves = halfDays(calendar);
  const fitted: FittedSeries[] = [];
  // Most series cover the same days: their calendar masks are built once.
  const spans = new Map<string, DaySpan>();
  const daySpan = (first: string, last: string): DaySpan => {
    const key = `${first}\t${last}`;
    let got = spans.get(key);
    if (got === undefined) {
      const span = dayNumber(last) - dayNumber(first) + 1;
      const dates: string[] = [];
      for (let i = 0; i < span; i++) dates.push(addDays(first, i));
      const peaks = dates.map(d => testingDay(d, calendar));
      const lows = dates.map(d => yearEnd.has(d));
      got = {
        dates,
        schoolDay: dates.map(d => isSchoolDay(d, calendar)),
        peaks,
        lows,
        moved: dates.map(d => edges.has(d) || halves.has(d)),
        // Calendar highs and lows alike stay out of the fit.
        expectedPeaks: peaks.map((p, i) => p || lows[i]),
      };
      spans.set(key, got);
    }
    return got;
  };
  for (const [, group] of selectGroups(facts, opts)) {
    const enrolled = median(group.map(f => f.enrolledUsers));
    if (!(enrolled > 0)) continue;
    const byDate = new Map(group.map(f => [f.date, f]));
    let first = group[0].date;
    let last = first;
    for (const f of group) {
      if (f.date < first) first = f.date;
      if (f.date > last) last = f.date;
    }
    const {dates, schoolDay, peaks, lows, moved, expectedPeaks} = daySpan(
      first,
      last,
    );
    const closed = dates.map((d, i) => {
      if (!schoolDay[i]) return true;
      const f = byDate.get(d);
      return (
        !!f &&
        (f.flags.includes('closed') ||
          f.flags.includes('partial') ||
          f.flags.includes('imputed'))
      );
    });
    for (const metric of metrics) {
      const y = dates.map(d => {
        const f = byDate.get(d);
        return f ? metricValue(f, metric) : null;
      });
      if (y.filter((v, i) => v !== null && !closed[i]).length < 30) continue;
      const found = detectSeriesAnomalies(y, {
        ...opts.series,
        period: 7,
        dates,
        closed,
        expectedPeaks,
        threshold,
      });
      fitted.push({
        ...fittedSeries(group[0], metric, dates, y, found, enrolled, settings),
        ...calendarMasks(y, closed, peaks, dates, 7, undefined, lows, moved),
      });
    }
  }
  return judgeSeries(fitted, 'day', threshold, opts);
}

function sortRows(rows: AnomalyRow[]): AnomalyRow[] {
  return rows.sort(
    (a, b) =>
      (a.schoolId < b.schoolId ? -1 : a.schoolId > b.schoolId ? 1 : 0) ||
      (a.role < b.role ? -1 : a.role > b.role ? 1 : 0) ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) ||
      (a.date < b.date ? -1 : a.date > b.date ? 1 : 0),
  );
}

/**
 * Anomalies in each school's weekly series. Weeks with no school days are closed;
 * weeks with fewer than 60% of the usual school days are skipped; in the others, count
 * metrics are scaled to a full week (distinct-user metrics are not). A seasonal cycle
 * of 52 weeks is fitted once more than two years are available. Single weeks are judged
 * across roles and schools, as days are.
 */
export function detectWeeklyAnomalies(
  facts: ReadonlyArray<WeeklyFact>,
  calendar: SchoolCalendar,
  settings: AnomalySettings,
  opts: FactAnomalyOptions = {},
): AnomalyRow[] {
  const metrics = opts.metrics ?? ['activeUsers', 'events'];
  checkMetrics(metrics, WEEKLY_METRICS);
  const threshold = opts.series?.threshold ?? settings.anomalyThreshold;
  const normalDays = Math.max(1, calendar.schoolWeekdays.length);
  const edges = yearEdgeDays(calendar);
  const halves = halfDays(calendar);
  const fitted: FittedSeries[] = [];
  for (const [, group] of selectGroups(facts, opts)) {
    const enrolled = median(group.map(f => f.enrolledUsers));
    if (!(enrolled > 0)) continue;
    const byWeek = new Map(group.map(f => [f.weekStart, f]));
    const starts = [...byWeek.keys()].sort();
    const weeks: string[] = [];
    for (let w = starts[0]; w <= starts[starts.length - 1]; w = addDays(w, 7))
      weeks.push(w);
    const closed = weeks.map(w => {
      const f = byWeek.get(w);
      return (
        !f || f.schoolDays < 0.6 * normalDays || f.flags.includes('partial')
      );
    });
    const peaks = weeks.map(w => {
      for (let i = 0; i < 7; i++)
        if (testingDay(addDays(w, i), calendar)) return true;
      return false;
    });
    const moved = weeks.map(w => {
      for (let i = 0; i < 7; i++) {
        const d = addDays(w, i);
        if (edges.has(d) || halves.has(d)) return true;
      }
      return false;
    });
    for (const metric of metrics) {
      // Reported values are the week's own totals, not the scaled ones.
      const report = weeks.map(w => {
        const f = byWeek.get(w);
        if (!f || USER_METRICS.has(metric) || f.schoolDays <= 0) return 1;
        return Math.min(f.schoolDays, normalDays) / normalDays;
      });
      const y = weeks.map((w, i) => {
        const f = byWeek.get(w);
        if (!f) return null;
        const v = metricValue(f, metric);
        return v === null ? v : v / report[i];
      });
      if (y.filter((v, i) => v !== null && !closed[i]).length < 12) continue;
      const found = detectSeriesAnomalies(y, {
        ...opts.series,
        period: weeks.length > 2 * 52 ? 52 : 1,
        dates: weeks,
        closed,
        expectedPeaks: peaks,
        breakMinClosedRun: 1,
        threshold,
      });
      fitted.push({
        ...fittedSeries(group[0], metric, weeks, y, found, enrolled, settings),
        report,
        ...calendarMasks(y, closed, peaks, weeks, 1, 1, undefined, moved),
      });
    }
  }
  return judgeSeries(fitted, 'week', threshold, opts);
}
