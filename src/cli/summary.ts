/**
 * The demo's scorecard: what the product found (read back from its own tabs) against the
 * demo district's ground truth.
 */
import {addDays, dayNumber, isoWeek, MONTH_ABBR} from '../clean/dates';
import type {SchoolCalendar} from '../core/types';
import type {DemoDistrict} from '../demo';
import type {OfflineRuntime} from '../offline/runtime';
import type {Snapshot} from '../sheets/view-types';
import {isSchoolDay} from '../metrics/weekly';
import {LEARNED_BLOB} from '../pipeline/calendar';
import {SheetBlobStore} from '../pipeline/store';
import {median as medianOf} from '../stats/robust';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

export interface Accuracy {
  accuracyPct: number | null;
  mape: number | null;
  mase: number | null;
}

export interface DemoSummary {
  schools: number;
  days: number;
  executions: number;
  serviceCalls: Record<string, number>;
  forecast: Accuracy & {
    horizonWeeks: number;
    schoolsForecast: number;
    /** The district series' backtest (the headline figure). */
    district: Accuracy;
    /** The median school's backtest: each figure the median over schools. */
    medianSchool: Accuracy;
    /** How schools spread: 10th and 90th percentiles, lowest and highest, over schools. */
    schoolsSpread: {
      accuracyPct: Spread;
      mape: Spread;
      mase: Spread;
      schools: number;
    };
  };
  anomalies: {
    injected: number;
    flagged: number;
    matched: number;
    precision: number | null;
    recall: number | null;
    /** Flags on days (weeks) the true calendar closes. */
    onClosedDays: number;
    /**
     * Of `matched`: surges on a testing window's days at the schools it concerns, a real
     * effect of the generator (not an injected event: no part of the recall).
     */
    testingSurges: number;
  };
  insights: {count: number; onClosedWeeks: number};
  /** Mailed incident lines; `closedLines`: those about a day the true calendar closes. */
  alerts: {mailed: number; onClosedDays: number; closedLines: string[]};
  /** The calendar the product used against the true one, over the demo's days. */
  calendar: {
    /** 'learned' (the real-install path) or 'truth' (handed in, for evaluation). */
    mode: string;
    closedInferred: number;
    closedTrue: number;
    precision: number | null;
    recall: number | null;
    possibleOutages: number;
    /** Half days (early dismissal) of the calendar used against the true ones. */
    halfDaysInferred: number;
    halfDaysTrue: number;
    halfDayPrecision: number | null;
    halfDayRecall: number | null;
  };
  /**
   * Incidents against the generator's events: one injected event hitting many schools is
   * one event. `matched`: incidents that match an event (or a delivered data fault);
   * `eventsAsOne`: events found as exactly one incident.
   */
  incidents: IncidentScore;
  correlation: {estimated: number | null; truth: number; definition: string};
  underutilized: {
    found: number;
    truth: number;
    precision: number | null;
    recall: number | null;
  };
  tabs: string[];
}

/** A backtest's figures (an alias kept for readers of the incidents scorecard). */
export type ForecastScore = Accuracy;

export interface Spread {
  p10: number | null;
  p90: number | null;
  min: number | null;
  max: number | null;
}

function quantileOf(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return (
    sorted[lo] + (h - lo) * ((sorted[Math.ceil(h)] ?? sorted[lo]) - sorted[lo])
  );
}

function spreadOf(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return {
    p10: quantileOf(s, 0.1),
    p90: quantileOf(s, 0.9),
    min: s.length ? s[0] : null,
    max: s.length ? s[s.length - 1] : null,
  };
}

export interface IncidentScore {
  count: number;
  injectedEvents: number;
  matched: number;
  precision: number | null;
  recall: number | null;
  eventsAsOne: number;
  /** Of `matched`: surge incidents on testing-window days of their schools. */
  testingSurges: number;
  /** Per injected event: its kind, scope, days and the incidents that match it. */
  events: {
    kind: string;
    scope: string;
    start: string;
    end: string;
    schools: number;
    incidents: number;
  }[];
}

/** A tab as records keyed by header (uncounted reads from outside any execution). */
export function tabRecords(
  ss: Spreadsheet,
  name: string,
): Record<string, unknown>[] {
  const sheet = ss.getSheetByName(name);
  if (!sheet || sheet.getLastRow() < 2) return [];
  const values = sheet.getDataRange().getValues();
  const headers = values[0].map(String);
  return values
    .slice(1)
    .map(r => Object.fromEntries(headers.map((h, i) => [h, r[i]])));
}

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The median, or null for no values. */
function median(xs: number[]): number | null {
  return xs.length ? medianOf(xs) : null;
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

/**
 * The scorecard's matching rule: a flag hits an event (or a data fault) of its school when
 * its date lies within the event's dates, one day either side (a weekly flag when its week
 * overlaps them). A sustained drop (a flag with an end date) hits it when at least half of
 * its own span lies within those dates: its first day is only known to within its window,
 * and a long drop that merely touches an event is not credited.
 */
export function flagHits(
  f: {schoolId: string; grain: string; date: string; endDate?: string},
  e: {school: string; start: string; end: string},
): boolean {
  if (f.schoolId !== e.school) return false;
  const week = f.grain === 'week';
  const from = week ? addDays(e.start, -6) : addDays(e.start, -1);
  const to = addDays(e.end, 1);
  if (!f.endDate || f.endDate <= f.date) return f.date >= from && f.date <= to;
  const last = week ? addDays(f.endDate, 6) : f.endDate;
  const lo = f.date > addDays(e.start, -1) ? f.date : addDays(e.start, -1);
  const hi = last < to ? last : to;
  if (hi < lo) return false;
  const overlap = dayNumber(hi) - dayNumber(lo) + 1;
  return 2 * overlap >= dayNumber(last) - dayNumber(f.date) + 1;
}

/**
 * An incident matches an event when it touched one of the event's schools on a day within
 * the event's dates, one day either side.
 */
export function incidentHits(
  inc: {schoolIds: string[]; start: string; end: string},
  e: {schoolIds: ReadonlyArray<string>; start: string; end: string},
): boolean {
  if (inc.end < addDays(e.start, -1) || inc.start > addDays(e.end, 1))
    return false;
  return inc.schoolIds.some(s => e.schoolIds.includes(s));
}

/** Per school: the days a testing window lifts its students (the generator's truth). */
export type TestingDays = ReadonlyMap<string, ReadonlySet<string>>;

/** Whether a testing window lifts the school on a day of [from, to]. */
export function upliftWithin(
  testing: TestingDays,
  schoolId: string,
  from: string,
  to: string,
): boolean {
  const days = testing.get(schoolId);
  if (!days) return false;
  for (let d = from; d <= to; d = addDays(d, 1)) if (days.has(d)) return true;
  return false;
}

/** The testing days of each school: days whose uplift for the school's level is above 1. */
/** Whether a day (or a week, by its Monday: every day of it) is closed on a calendar. */
export function closedOn(calendar: SchoolCalendar) {
  const closedDay = (d: string) => !isSchoolDay(d, calendar);
  const closedWeek = (monday: string) =>
    [0, 1, 2, 3, 4, 5, 6].every(k => closedDay(addDays(monday, k)));
  const onClosed = (grain: string, date: string) =>
    grain === 'week' ? closedWeek(date) : closedDay(date);
  return {closedDay, closedWeek, onClosed};
}

/** A flag as scored: where, when, and which way. */
export interface ScoredFlag {
  schoolId: string;
  grain: string;
  date: string;
  endDate?: string;
  direction: string;
}

/** What the generator injected and delivered, as scoreFlags reads it. */
export interface FlagTruth {
  anomalies: ReadonlyArray<{
    schoolIds: ReadonlyArray<string>;
    start: string;
    end: string;
    kind: string;
    scope?: string;
  }>;
  dataIssues: ReadonlyArray<{schoolId: string; date: string}>;
}

/**
 * What a flag can match: each injected event once per school it hit, and each delivered
 * data fault (a missing or partial day) at its school and day.
 */
export function flagTargets(truth: FlagTruth) {
  return {
    events: truth.anomalies.flatMap(a =>
      a.schoolIds.map(s => ({
        school: s,
        start: a.start,
        end: a.end,
        kind: a.kind,
        scope: a.scope,
      })),
    ),
    delivered: truth.dataIssues.map(d => ({
      school: d.schoolId,
      start: d.date,
      end: d.date,
    })),
  };
}

/**
 * Anomaly flags against the injected events: an event counts once per school it hit
 * (recall is over those, found by drops); a flag is correct when it matches an event, a
 * delivered data fault (missing and partial days are real drops in the data Google
 * delivered) or, for a surge, a testing window's lift at its school (a real effect the
 * generator made, though no injected event).
 */
export function scoreFlags<F extends ScoredFlag>(
  flags: ReadonlyArray<F>,
  truth: FlagTruth,
  testing: TestingDays,
  onClosed: (grain: string, date: string) => boolean,
) {
  const {events, delivered} = flagTargets(truth);
  const testingSurge = (f: F) => {
    if (f.direction !== 'surge') return false;
    const last = f.endDate || f.date;
    const to = f.grain === 'week' ? addDays(last, 6) : last;
    return upliftWithin(testing, f.schoolId, f.date, to);
  };
  const eventFlag = (f: F) =>
    events.some(e => flagHits(f, e)) || delivered.some(e => flagHits(f, e));
  const surgeFlags = flags.filter(f => !eventFlag(f) && testingSurge(f));
  const matchedFlags = flags.filter(f => eventFlag(f) || testingSurge(f));
  const drops = flags.filter(f => f.direction === 'drop');
  const found = events.filter(e => drops.some(f => flagHits(f, e)));
  return {
    anomalies: {
      injected: events.length,
      flagged: flags.length,
      matched: matchedFlags.length,
      precision: ratio(matchedFlags.length, flags.length),
      recall: ratio(found.length, events.length),
      onClosedDays: flags.filter(f => onClosed(f.grain, f.date)).length,
      testingSurges: surgeFlags.length,
    },
    /** Events no drop found, and flags matching nothing. */
    missed: events.filter(e => !found.includes(e)),
    unmatched: flags.filter(f => !matchedFlags.includes(f)),
  };
}

/** Each school's days of a testing window that lifts its level. */
export function testingDaysOf(district: DemoDistrict): TestingDays {
  const out = new Map<string, Set<string>>();
  const days = district.data.m.cal.days;
  for (const s of district.truth.schools) {
    const set = new Set<string>();
    for (const d of days) if (d.testing[s.level] > 1) set.add(d.date);
    out.set(s.schoolId, set);
  }
  return out;
}

/** Scores the lk_incidents tab against the injected events and delivered data faults. */
export function scoreIncidents(
  rows: ReadonlyArray<Record<string, unknown>>,
  events: ReadonlyArray<{
    kind: string;
    scope: string;
    schoolIds: ReadonlyArray<string>;
    start: string;
    end: string;
  }>,
  faults: ReadonlyArray<{schoolId: string; date: string}>,
  testing: TestingDays = new Map(),
): IncidentScore {
  const incidents = rows.map(r => ({
    schoolIds: String(r.school_ids ?? '')
      .split(';')
      .map(x => x.trim())
      .filter(x => x),
    start: String(r.start_date),
    end: String(r.end_date),
    direction: String(r.direction ?? 'drop'),
  }));
  const hitsEvent = (inc: (typeof incidents)[number]) =>
    events.some(e => incidentHits(inc, e)) ||
    faults.some(f =>
      incidentHits(inc, {
        schoolIds: [f.schoolId],
        start: f.date,
        end: f.date,
      }),
    );
  const testingSurge = (inc: (typeof incidents)[number]) =>
    inc.direction === 'surge' &&
    inc.schoolIds.some(s => upliftWithin(testing, s, inc.start, inc.end));
  const surges = incidents.filter(i => !hitsEvent(i) && testingSurge(i));
  const matched = incidents.filter(hitsEvent).length + surges.length;
  const perEvent = events.map(e => ({
    kind: e.kind,
    scope: e.scope,
    start: e.start,
    end: e.end,
    schools: e.schoolIds.length,
    incidents: incidents.filter(inc => incidentHits(inc, e)).length,
  }));
  return {
    count: incidents.length,
    injectedEvents: events.length,
    matched,
    precision: ratio(matched, incidents.length),
    recall: ratio(perEvent.filter(e => e.incidents > 0).length, events.length),
    eventsAsOne: perEvent.filter(e => e.incidents === 1).length,
    testingSurges: surges.length,
    events: perEvent,
  };
}

export function evaluateDemo(i: {
  district: DemoDistrict;
  rt: OfflineRuntime;
  spreadsheet: Spreadsheet;
  executions: number;
  serviceCalls: Record<string, number>;
  tabs: string[];
  snapshot: Snapshot;
}): DemoSummary {
  const {district, spreadsheet: ss} = i;
  const truth = district.truth;

  // Forecast accuracy: the district series' backtest (the figure IT plans capacity from),
  // with the median over schools beside it.
  const acc = tabRecords(ss, 'lk_forecast_accuracy');
  const districtAcc = acc.find(r => r.school_id === 'district');
  const schoolAcc = acc.filter(r => r.school_id !== 'district');
  // The district series when it has a backtest, else the median over schools.
  const pick = (key: string) => {
    const d = districtAcc ? numOrNull(districtAcc[key]) : null;
    if (d !== null) return d;
    return median(
      schoolAcc
        .map(r => numOrNull(r[key]))
        .filter((v): v is number => v !== null),
    );
  };
  const schoolValues = (key: string) =>
    schoolAcc
      .map(r => numOrNull(r[key]))
      .filter((v): v is number => v !== null);
  const forecast = {
    accuracyPct: pick('accuracy_pct'),
    mape: pick('mape'),
    mase: pick('mase'),
    horizonWeeks: Number(
      districtAcc?.horizon_weeks ?? schoolAcc[0]?.horizon_weeks ?? 0,
    ),
    schoolsForecast: schoolAcc.length,
    district: {
      accuracyPct: districtAcc ? numOrNull(districtAcc.accuracy_pct) : null,
      mape: districtAcc ? numOrNull(districtAcc.mape) : null,
      mase: districtAcc ? numOrNull(districtAcc.mase) : null,
    },
    medianSchool: {
      accuracyPct: median(schoolValues('accuracy_pct')),
      mape: median(schoolValues('mape')),
      mase: median(schoolValues('mase')),
    },
    schoolsSpread: {
      accuracyPct: spreadOf(schoolValues('accuracy_pct')),
      mape: spreadOf(schoolValues('mape')),
      mase: spreadOf(schoolValues('mase')),
      schools: schoolValues('accuracy_pct').length,
    },
  };

  const {closedWeek, onClosed} = closedOn(district.calendar);
  const flags = tabRecords(ss, 'lk_anomalies').map(r => ({
    schoolId: String(r.school_id),
    grain: String(r.grain),
    date: String(r.date),
    endDate: r.end_date ? String(r.end_date) : undefined,
    direction: String(r.direction),
  }));
  const testing = testingDaysOf(district);
  const {anomalies} = scoreFlags(flags, truth, testing, onClosed);
  const insightList = i.snapshot.insights ?? [];
  const insights = {
    count: insightList.length,
    onClosedWeeks: insightList.filter(
      x => x.date && closedWeek(isoWeek(x.date).weekStart) === true,
    ).length,
  };
  const alerts = mailedAlerts(i.rt, onClosed);
  const calendar = calendarScore(
    ss,
    district.calendar,
    district.startDate,
    district.endDate,
  );

  const incidents = scoreIncidents(
    tabRecords(ss, 'lk_incidents'),
    truth.anomalies,
    truth.dataIssues,
    testing,
  );

  const corr = tabRecords(ss, 'lk_correlation');
  const districtCorr = corr.find(r => r.school_id === 'district');
  const correlation = {
    estimated: districtCorr ? numOrNull(districtCorr.pearson_r) : null,
    truth: truth.correlation.districtWeeklyEvents,
    definition: truth.correlation.definition,
  };

  const under = tabRecords(ss, 'lk_underuse').filter(
    r => r.flagged === true && !r.product,
  );
  const foundSchools = new Set(under.map(r => String(r.school_id)));
  const trueSchools = new Set(truth.underusingSchools);
  const tp = [...foundSchools].filter(s => trueSchools.has(s)).length;
  return {
    schools: district.schools.length,
    days:
      Math.round(
        (Date.parse(district.endDate) - Date.parse(district.startDate)) /
          86_400_000,
      ) + 1,
    executions: i.executions,
    serviceCalls: i.serviceCalls,
    forecast,
    anomalies,
    insights,
    alerts,
    calendar,
    incidents,
    correlation,
    underutilized: {
      found: foundSchools.size,
      truth: trueSchools.size,
      precision: ratio(tp, foundSchools.size),
      recall: ratio(tp, trueSchools.size),
    },
    tabs: i.tabs,
  };
}

/**
 * The first and last day of an incident's headline ('... on 11-12 Dec 2024: ...',
 * '... since 6 Sep 2024: ...', '... on 30 Nov - 3 Dec 2024: ...'), as the product's
 * spanText writes them; null when the line names no span.
 */
export function headlineSpan(
  line: string,
): {start: string; end: string} | null {
  const m =
    /\b(?:on|since) (\d{1,2})(?:-(\d{1,2}))? ([A-Z][a-z]{2})(?: (\d{4}))?(?: - (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}))?:/.exec(
      line,
    );
  if (!m) return null;
  const iso = (d: string, mon: string, y: string) =>
    `${y}-${String(MONTH_ABBR.indexOf(mon) + 1).padStart(2, '0')}-${d.padStart(2, '0')}`;
  const y0 = m[4] ?? m[7];
  if (!y0 || !MONTH_ABBR.includes(m[3])) return null;
  const start = iso(m[1], m[3], y0);
  const end = m[5] ? iso(m[5], m[6], m[7]) : m[2] ? iso(m[2], m[3], y0) : start;
  return {start, end};
}

/**
 * Lines of the mailed digests, each about one incident: how many incidents were mailed,
 * and how many begin or end on a day the true calendar closes (read from the headline's
 * span). A line whose span cannot be read counts as on a closed day, so a digest the
 * scorer cannot read never passes for a clean one.
 */
function mailedAlerts(
  rt: OfflineRuntime,
  onClosed: (grain: string, date: string) => boolean,
): DemoSummary['alerts'] {
  let mailed = 0;
  let closed = 0;
  const closedLines: string[] = [];
  for (const m of rt.mail) {
    for (const line of m.body.split('\n')) {
      if (!line.startsWith('- ')) continue;
      const span = headlineSpan(line);
      mailed++;
      if (!span || onClosed('day', span.start) || onClosed('day', span.end)) {
        closed++;
        closedLines.push(line.slice(2));
      }
    }
  }
  return {mailed, onClosedDays: closed, closedLines};
}

/**
 * Closed days of the calendar the product used (stored by its last analysis) against the
 * true calendar's, over the demo's days; weekend days both calendars close by their
 * weekday pattern are not counted (they would flatter both figures).
 */
function calendarScore(
  ss: Spreadsheet,
  truth: SchoolCalendar,
  from: string,
  to: string,
): DemoSummary['calendar'] {
  const text = new SheetBlobStore(ss).get(LEARNED_BLOB);
  const none = {
    mode: 'none',
    closedInferred: 0,
    closedTrue: 0,
    precision: null,
    recall: null,
    possibleOutages: 0,
    halfDaysInferred: 0,
    halfDaysTrue: 0,
    halfDayPrecision: null,
    halfDayRecall: null,
  };
  if (!text) return none;
  const stored = JSON.parse(text) as {
    calendar: SchoolCalendar;
    inferred: {through: string; entries: Array<{kind: string; start: string}>};
  };
  const used = stored.calendar;
  const last =
    stored.inferred.through && stored.inferred.through < to
      ? stored.inferred.through
      : to;
  let inferred = 0;
  let real = 0;
  let both = 0;
  for (let d = from; d <= last; d = addDays(d, 1)) {
    const a = !isSchoolDay(d, used);
    const b = !isSchoolDay(d, truth);
    const wd = new Date(d + 'T00:00:00Z').getUTCDay();
    const weekendBoth =
      !used.schoolWeekdays.includes(wd) && !truth.schoolWeekdays.includes(wd);
    if (weekendBoth) continue;
    if (a) inferred++;
    if (b) real++;
    if (a && b) both++;
  }
  return {
    mode: 'learned',
    closedInferred: inferred,
    closedTrue: real,
    precision: ratio(both, inferred),
    recall: ratio(both, real),
    possibleOutages: stored.inferred.entries.filter(
      e => e.kind === 'possible-outage',
    ).length,
    ...halfDayScore(used, truth, from, last),
  };
}

/** Half days of the calendar used against the true ones, over [from, to]. */
export function halfDayScore(
  used: SchoolCalendar,
  truth: SchoolCalendar,
  from: string,
  to: string,
): Pick<
  DemoSummary['calendar'],
  'halfDaysInferred' | 'halfDaysTrue' | 'halfDayPrecision' | 'halfDayRecall'
> {
  const a = halfDays(used, from, to);
  const b = halfDays(truth, from, to);
  const both = [...a].filter(d => b.has(d)).length;
  return {
    halfDaysInferred: a.size,
    halfDaysTrue: b.size,
    halfDayPrecision: ratio(both, a.size),
    halfDayRecall: ratio(both, b.size),
  };
}

/** Days in [from, to] that a calendar's half-day events cover and it keeps open. */
function halfDays(cal: SchoolCalendar, from: string, to: string): Set<string> {
  const out = new Set<string>();
  for (const e of cal.events) {
    if (e.kind !== 'half-day') continue;
    for (let d = e.start; d <= e.end; d = addDays(d, 1)) {
      if (d >= from && d <= to && isSchoolDay(d, cal)) out.add(d);
    }
  }
  return out;
}
