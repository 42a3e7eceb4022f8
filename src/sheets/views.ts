/**
 * View models of the sidebar and the static report (pure): the forecast chart, the
 * student-teacher heatmap and the plain-language insights, built from the records of the
 * output tabs.
 */
import {summariseAccuracy} from './accuracy';
import {addDays, isoWeek} from '../clean/dates';
import {TINY_EXPECTED, metricLabel} from '../core/labels';
import type {WeeklyFact} from '../core/types';
import type {
  AccuracyRecord,
  AnomalyRecord,
  CorrelationRecord,
  ForecastRecord,
  IncidentRecord,
  UnderuseRecord,
} from './tables';
import type {
  ForecastChartData,
  ForecastPoint,
  HeatmapData,
  Insight,
  SchoolOption,
} from './view-types';

export const DISTRICT_ID = 'district';

/** The forecast series shown when several are present, most preferred first. */
const METRIC_PREFERENCE = [
  'active_students',
  'student_active_users',
  'active_users',
  'pct_access',
];

function byName(a: SchoolOption, b: SchoolOption): number {
  if (a.id === DISTRICT_ID) return -1;
  if (b.id === DISTRICT_ID) return 1;
  return naturalCompare(a.name, b.name) || (a.id < b.id ? -1 : 1);
}

/** Case-insensitive order with digit runs compared as numbers (PS 9 before PS 10), without Intl. */
export function naturalCompare(a: string, b: string): number {
  const ta = a.toLowerCase().match(/\d+|\D+/g) ?? [];
  const tb = b.toLowerCase().match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

/** School id -> name from every record that carries a name. */
export function schoolNames(
  ...lists: ReadonlyArray<ReadonlyArray<{schoolId: string; schoolName: string}>>
): Map<string, string> {
  const m = new Map<string, string>();
  for (const list of lists) {
    for (const r of list) {
      if (r.schoolName && !m.has(r.schoolId)) m.set(r.schoolId, r.schoolName);
    }
  }
  if (!m.has(DISTRICT_ID)) m.set(DISTRICT_ID, 'District');
  return m;
}

export function pickMetric(metrics: Iterable<string>): string {
  const all = [...new Set(metrics)];
  for (const p of METRIC_PREFERENCE) if (all.includes(p)) return p;
  return all.sort()[0] ?? '';
}

/**
 * The forecast chart of one school (or the district): the last `historyWeeks` weeks of
 * actuals and backtest forecasts, then the future with its intervals.
 */
export function forecastChart(
  records: ReadonlyArray<ForecastRecord>,
  accuracy: ReadonlyArray<AccuracyRecord>,
  schoolId: string,
  historyWeeks = 52,
): ForecastChartData | null {
  const metric = pickMetric(records.map(r => r.metric));
  const ofMetric = records.filter(r => r.metric === metric);
  const names = schoolNames(ofMetric);
  const options = [...new Set(ofMetric.map(r => r.schoolId))]
    .map(id => ({id, name: names.get(id) ?? id}))
    .sort(byName);
  const mine = ofMetric.filter(r => r.schoolId === schoolId);
  if (mine.length === 0) return null;
  // One point per week; a later record of the same week (a newer origin) wins.
  const byWeek = new Map<string, ForecastRecord>();
  for (const r of mine) byWeek.set(r.weekStart, r);
  const sorted = [...byWeek.values()].sort((a, b) =>
    a.weekStart < b.weekStart ? -1 : a.weekStart > b.weekStart ? 1 : 0,
  );
  const future = sorted.filter(r => r.actual === null);
  const past = sorted.filter(r => r.actual !== null).slice(-historyWeeks);
  const points: ForecastPoint[] = [...past, ...future].map(r => ({
    week: r.week,
    weekStart: r.weekStart,
    actual: r.actual,
    forecast: r.forecast,
    lo80: r.lo80,
    hi80: r.hi80,
    lo95: r.lo95,
    hi95: r.hi95,
    backtest: r.backtest,
  }));
  const acc =
    accuracy.find(a => a.schoolId === schoolId && a.metric === metric) ??
    accuracy.find(a => a.schoolId === schoolId);
  const model =
    [...mine].reverse().find(r => r.model)?.model ?? acc?.model ?? '';
  return {
    schoolId,
    schoolName: names.get(schoolId) ?? schoolId,
    metric,
    model,
    accuracyPct: acc?.accuracyPct ?? null,
    mase: acc?.mase ?? null,
    accuracySummary: summariseAccuracy(
      accuracy.some(a => a.metric === metric)
        ? accuracy.filter(a => a.metric === metric)
        : accuracy,
    ),
    points,
    options,
  };
}

const APP_PREFERENCE = ['classroom', 'workspace', 'login'];

/**
 * Student and teacher % access by school and week (the last `weeks` weeks with data).
 * Weeks with no school days are blank, not zero, so a break does not read as disengagement.
 */
export function heatmap(
  weekly: ReadonlyArray<WeeklyFact>,
  names: ReadonlyMap<string, string>,
  weeks = 16,
  maxSchools = 60,
): HeatmapData | null {
  const apps = new Set(weekly.filter(f => !f.product).map(f => f.app));
  const app =
    APP_PREFERENCE.find(a => apps.has(a)) ?? [...apps].sort()[0] ?? '';
  const rows = weekly.filter(
    f =>
      f.app === app &&
      !f.product &&
      (f.role === 'student' || f.role === 'teacher'),
  );
  if (rows.length === 0) return null;
  const weekList = [...new Set(rows.map(f => f.weekStart))]
    .sort()
    .slice(-weeks);
  const wIndex = new Map(weekList.map((w, i) => [w, i]));
  let ids = [...new Set(rows.map(f => f.schoolId))];
  const totalSchools = ids.length;
  if (ids.length > maxSchools) {
    // A large district: the schools whose students use it least need the look.
    const sum = new Map<string, [number, number]>();
    for (const f of rows) {
      if (
        f.role !== 'student' ||
        f.pctAccess === null ||
        !wIndex.has(f.weekStart)
      )
        continue;
      if (f.schoolDays === 0 || f.flags.includes('closed')) continue;
      const a = sum.get(f.schoolId) ?? [0, 0];
      sum.set(f.schoolId, [a[0] + f.pctAccess, a[1] + 1]);
    }
    const mean = (id: string) => {
      const a = sum.get(id);
      return a && a[1] ? a[0] / a[1] : Infinity;
    };
    ids = ids
      .sort((a, b) => mean(a) - mean(b) || (a < b ? -1 : 1))
      .slice(0, maxSchools);
  }
  const schools = ids.map(id => ({id, name: names.get(id) ?? id})).sort(byName);
  const sIndex = new Map(schools.map((s, i) => [s.id, i]));
  const grid = (): (number | null)[][] =>
    schools.map(() => weekList.map(() => null as number | null));
  const student = grid();
  const teacher = grid();
  for (const f of rows) {
    const w = wIndex.get(f.weekStart);
    const s = sIndex.get(f.schoolId);
    if (w === undefined || s === undefined) continue;
    if (f.schoolDays === 0 || f.flags.includes('closed')) continue;
    const v = f.pctAccess === null ? null : Math.round(f.pctAccess * 10) / 10;
    (f.role === 'student' ? student : teacher)[s][w] = v;
  }
  return {
    metric: 'pct_access',
    app,
    weeks: weekList,
    schools,
    totalSchools,
    student,
    teacher,
  };
}

function pct(x: number): string {
  return `${Math.round(Math.abs(x))}%`;
}

function fmtNum(x: number): string {
  const r = Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 10) / 10;
  const [int, frac] = String(Math.abs(r)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (r < 0 ? '-' : '') + grouped + (frac ? '.' + frac : '');
}

const TEACHER_SIGNALS: ReadonlyArray<{
  field: keyof WeeklyFact;
  phrase: string;
}> = [
  {field: 'gradesEntered', phrase: 'teacher grading'},
  {field: 'assignmentsCreated', phrase: 'assignments posted by teachers'},
  {field: 'events', phrase: 'teacher activity'},
  {field: 'activeUsers', phrase: 'active teachers'},
];

/** Teacher totals per school and week start, summed over apps. */
function teacherWeeks(
  weekly: ReadonlyArray<WeeklyFact>,
): Map<string, Map<string, WeeklyFact[]>> {
  const m = new Map<string, Map<string, WeeklyFact[]>>();
  for (const f of weekly) {
    if (f.role !== 'teacher' || f.product) continue;
    let s = m.get(f.schoolId);
    if (!s) m.set(f.schoolId, (s = new Map()));
    const list = s.get(f.weekStart) ?? [];
    list.push(f);
    s.set(f.weekStart, list);
  }
  return m;
}

/**
 * The sharpest fall of a teacher signal in the week before `weekStart` against the mean of
 * the four weeks before that, if it fell by at least `minFallPct`.
 */
export function teacherDriver(
  bySchool: Map<string, Map<string, WeeklyFact[]>>,
  schoolId: string,
  weekStart: string,
  minFallPct = 20,
): {phrase: string; changePct: number} | null {
  const weeks = bySchool.get(schoolId);
  if (!weeks) return null;
  const before = [...weeks.keys()].filter(w => w < weekStart).sort();
  if (before.length < 2) return null;
  const prev = before[before.length - 1];
  const base = before.slice(-5, -1);
  let best: {phrase: string; changePct: number} | null = null;
  for (const sig of TEACHER_SIGNALS) {
    const sum = (w: string): number =>
      (weeks.get(w) ?? []).reduce((a, f) => a + Number(f[sig.field] ?? 0), 0);
    const baseMean = base.reduce((a, w) => a + sum(w), 0) / base.length;
    if (!(baseMean > 0)) continue;
    const change = ((sum(prev) - baseMean) / baseMean) * 100;
    if (change <= -minFallPct && (!best || change < best.changePct)) {
      best = {phrase: sig.phrase, changePct: change};
    }
  }
  return best;
}

export interface InsightInput {
  forecasts: ReadonlyArray<ForecastRecord>;
  weekly: ReadonlyArray<WeeklyFact>;
  anomalies: ReadonlyArray<AnomalyRecord>;
  /** Incidents: the anomaly flags grouped by event. */
  incidents?: ReadonlyArray<IncidentRecord>;
  underuse: ReadonlyArray<UnderuseRecord>;
  correlations: ReadonlyArray<CorrelationRecord>;
  /** Shortfall against the forecast (percent) worth a sentence. */
  forecastGapPct?: number;
  max?: number;
}

const SEVERITY_RANK = {alert: 0, warning: 1, info: 2};

/** Schools off forecast the same way in one week from which they are one finding. */
export const FORECAST_GROUP_MIN = 3;

export {TINY_EXPECTED};

/** Weeks with no school day by the calendar the analysis used (as their facts carry it). */
function closedWeeks(weekly: ReadonlyArray<WeeklyFact>): Set<string> {
  const open = new Set<string>();
  const closed = new Set<string>();
  for (const f of weekly) {
    if (f.schoolDays > 0) open.add(f.weekStart);
    else closed.add(f.weekStart);
  }
  for (const w of open) closed.delete(w);
  return closed;
}

/**
 * Where a week sits against the calendar's closed weeks: the edge of a break is where a
 * forecast most often misjudges the ramp, which is the likeliest reading of a shared miss.
 */
function edgeOfBreak(weekStart: string, closed: ReadonlySet<string>): string {
  if (closed.has(addDays(weekStart, 7)))
    return ', the last school week before a break';
  if (closed.has(addDays(weekStart, -7)))
    return ', the first school week after a break';
  return '';
}

/**
 * Plain-language findings, most pressing first, for example
 * "PS 12 is 23% below forecast in the week of 2025-03-03; teacher grading fell 30% the week before."
 */
export function buildInsights(input: InsightInput): Insight[] {
  const gapMin = input.forecastGapPct ?? 15;
  const names = schoolNames(
    input.forecasts,
    input.anomalies,
    input.underuse,
    input.correlations,
  );
  const name = (id: string): string => names.get(id) ?? id;
  const scored: {insight: Insight; weight: number}[] = [];
  const teachers = teacherWeeks(input.weekly);
  // Nothing is said about a closed week: its low activity is the calendar, not news.
  const closed = closedWeeks(input.weekly);

  // Actual against forecast in the latest week that has both.
  const metric = pickMetric(input.forecasts.map(r => r.metric));
  const latest = new Map<string, ForecastRecord>();
  for (const r of input.forecasts) {
    if (r.metric !== metric || r.actual === null || r.forecast === null)
      continue;
    if (!(r.forecast >= TINY_EXPECTED) || closed.has(r.weekStart)) continue;
    const cur = latest.get(r.schoolId);
    if (!cur || r.weekStart >= cur.weekStart) latest.set(r.schoolId, r);
  }
  const off: {r: ForecastRecord; gap: number}[] = [];
  for (const r of latest.values()) {
    const gap = ((r.actual! - r.forecast!) / r.forecast!) * 100;
    const outside80 =
      r.lo80 !== null &&
      r.hi80 !== null &&
      (r.actual! < r.lo80 || r.actual! > r.hi80);
    if (Math.abs(gap) < gapMin && !outside80) continue;
    off.push({r, gap});
  }
  // Schools off their forecast the same way in the same week share a cause (a calendar
  // change, a district event): one finding, not one per school.
  const together = new Map<string, {r: ForecastRecord; gap: number}[]>();
  for (const o of off) {
    if (o.r.schoolId === DISTRICT_ID) continue;
    const key = `${o.r.weekStart}|${o.gap < 0 ? 'below' : 'above'}`;
    const list = together.get(key);
    if (list) list.push(o);
    else together.set(key, [o]);
  }
  const forecastSchools = [...latest.keys()].filter(
    id => id !== DISTRICT_ID,
  ).length;
  // A shortfall twice the reporting gap needs a look; anything else is worth knowing.
  const severityOf = (gap: number): Insight['severity'] =>
    gap < 0 && Math.abs(gap) >= 2 * gapMin ? 'alert' : 'warning';
  const districtOff = off.find(o => o.r.schoolId === DISTRICT_ID);
  let districtSaid = false;
  for (const o of off) {
    const {r, gap} = o;
    const below = gap < 0;
    const side = below ? 'below' : 'above';
    if (r.schoolId === DISTRICT_ID) continue;
    const group = together.get(`${r.weekStart}|${side}`)!;
    if (group.length >= FORECAST_GROUP_MIN) {
      if (group[0] !== o) continue;
      const byGap = group
        .slice()
        .sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap));
      const furthest = byGap
        .slice(0, 3)
        .map(g => `${name(g.r.schoolId)} ${pct(g.gap)}`)
        .join(', ');
      let text = `${group.length} of ${forecastSchools} schools are ${side} forecast in the week of ${r.weekStart}${edgeOfBreak(r.weekStart, closed)} (furthest: ${furthest})`;
      if (
        districtOff &&
        districtOff.r.weekStart === r.weekStart &&
        districtOff.gap < 0 === below
      ) {
        text += `; the district as a whole is ${pct(districtOff.gap)} ${side}`;
        districtSaid = true;
      }
      const worst = Math.abs(byGap[0].gap);
      scored.push({
        insight: {
          kind: 'forecast',
          severity: severityOf(byGap[0].gap),
          schoolId: DISTRICT_ID,
          schoolIds: byGap.map(g => g.r.schoolId),
          text: text + '.',
          date: r.weekStart,
        },
        weight: worst,
      });
      continue;
    }
    let text = `${name(r.schoolId)} is ${pct(gap)} ${side} forecast in the week of ${r.weekStart}`;
    const driver = below
      ? teacherDriver(teachers, r.schoolId, r.weekStart)
      : null;
    if (driver) {
      text += `; ${driver.phrase} fell ${pct(driver.changePct)} the week before`;
    }
    scored.push({
      insight: {
        kind: 'forecast',
        severity: severityOf(gap),
        schoolId: r.schoolId,
        text: text + '.',
        date: r.weekStart,
      },
      weight: Math.abs(gap),
    });
  }
  if (districtOff && !districtSaid) {
    const {r, gap} = districtOff;
    const below = gap < 0;
    scored.push({
      insight: {
        kind: 'forecast',
        severity: severityOf(gap),
        schoolId: DISTRICT_ID,
        text: `The district is ${pct(gap)} ${below ? 'below' : 'above'} forecast in the week of ${r.weekStart}.`,
        date: r.weekStart,
      },
      weight: Math.abs(gap),
    });
  }

  // New incidents (anomaly flags grouped by event), most users affected first.
  const sevRank = {high: 0, medium: 1, low: 2};
  const fresh = (input.incidents ?? [])
    .filter(i => i.status === 'new' && !closed.has(isoWeek(i.start).weekStart))
    .sort(
      (a, b) =>
        (b.users ?? -1) - (a.users ?? -1) ||
        sevRank[a.severity] - sevRank[b.severity] ||
        (a.start < b.start ? 1 : a.start > b.start ? -1 : 0),
    )
    .slice(0, 5);
  fresh.forEach((inc, k) => {
    scored.push({
      insight: {
        kind: 'anomaly',
        severity: inc.severity === 'high' ? 'alert' : 'warning',
        schoolId: inc.schoolIds.length === 1 ? inc.schoolIds[0] : DISTRICT_ID,
        text: inc.summary + '.',
        date: inc.start,
      },
      // Incidents lead their severity, in their own order.
      weight: 1e6 - k,
    });
  });

  // Under-using schools.
  for (const u of input.underuse
    .filter(x => x.flagged && x.gapPct !== null)
    .slice(0, 5)) {
    const what = u.product
      ? `${u.product} ${metricLabel(u.metric)}`
      : metricLabel(u.metric);
    scored.push({
      insight: {
        kind: 'underuse',
        severity: 'warning',
        schoolId: u.schoolId,
        text: `${name(u.schoolId)} is ${pct(u.gapPct!)} below the ${u.benchmarkKind} on ${what} (${fmtNum(u.value ?? 0)} against ${fmtNum(u.benchmark ?? 0)}).`,
      },
      weight: Math.abs(u.gapPct!),
    });
  }

  // The district-wide teacher-student relationship.
  const d = input.correlations.find(c => c.schoolId === DISTRICT_ID);
  if (d && d.pearsonR !== null) {
    let text = `Across the district, teacher and student activity move together (r = ${d.pearsonR.toFixed(2)})`;
    if (d.effectPer10Pct !== null) {
      text += `: 10% more teacher activity goes with ${Math.abs(d.effectPer10Pct).toFixed(1)}% ${d.effectPer10Pct >= 0 ? 'more' : 'less'} student activity`;
    }
    if (d.bestLag !== null && d.bestLag > 0) {
      text += `, with teachers leading by ${d.bestLag} ${d.bestLag === 1 ? 'week' : 'weeks'}`;
    }
    scored.push({
      insight: {
        kind: 'correlation',
        severity: 'info',
        schoolId: DISTRICT_ID,
        text: text + '.',
      },
      weight: Math.abs(d.pearsonR),
    });
  } else if (d && d.note) {
    // A blank relationship says why, rather than vanishing from the overview.
    scored.push({
      insight: {
        kind: 'correlation',
        severity: 'info',
        schoolId: DISTRICT_ID,
        text: `The district's teacher-student relationship is blank: ${d.note}.`,
      },
      weight: 0,
    });
  }

  scored.sort(
    (a, b) =>
      SEVERITY_RANK[a.insight.severity] - SEVERITY_RANK[b.insight.severity] ||
      b.weight - a.weight,
  );
  return scored.slice(0, input.max ?? 12).map(s => s.insight);
}
