/**
 * What-if forecasts: weekly student activity re-forecast under a teacher-activity scenario.
 *
 * Each school's own forecast model (forecasting.ts: a regression of log weekly students on
 * log teacher activity and the calendar, with ARMA errors) is fitted as the weekly forecast
 * fits it, then forecast twice through the same code path: with the teacher forecast as it
 * is (the baseline), and with the teacher forecast scaled by the scenario's ratio in the
 * scenario weeks. A 0% scenario therefore gives the baseline exactly.
 *
 * The scenario-minus-baseline effect on the modelling scale is beta x (change in the teacher
 * regressor), so its interval comes from the coefficient's standard error; the scenario's
 * prediction interval adds that variance to the forecast's own. The effect is an association
 * in observational data (see ASSOCIATION_NOTE). A lever backtest (whatif-backtest.ts) says
 * how well beta predicted the student change after past rises and falls of teacher activity.
 */
import {addDays} from '../clean/dates';
import {InputError} from '../core/errors';
import type {School, SchoolCalendar, WeeklyFact} from '../core/types';
import {autoForecast} from '../stats/auto';
import {pnorm, qnorm} from '../stats/distributions';
import {normalGridQuantiles} from '../stats/normalgrid';
import type {Forecast} from '../stats/types';
import {
  calendarSchoolDays,
  schoolModelInputs,
  schoolSeries,
  type ForecastMetric,
  type SchoolModel,
  type SchoolSeries,
  type TeacherMetric,
} from './forecasting';
import {underuse} from './underuse';
import {
  leverBacktest,
  pooledLever,
  type LeverBacktest,
} from './whatif-backtest';

export type {LeverBacktest} from './whatif-backtest';

/** Said with every result: what kind of evidence the effect is. */
export const ASSOCIATION_NOTE =
  'This effect is an association estimated from observational data (each school’s regression of student on teacher activity), not the result of a trial: schools where teacher activity rose may differ in other ways too.';

export type WhatIfScenario =
  | {kind: 'percent'; percent: number}
  | {kind: 'peerMedian'}
  | {kind: 'weeksAgo'; weeks: number};

export interface WhatIfRequest {
  /** School ids, 'underusing' (the schools flagged as under-using) or 'all'. */
  schools: string[] | 'underusing' | 'all';
  scenario: WhatIfScenario;
  /** Monday of the first scenario week; default the first forecast week. */
  startWeek?: string;
  /** Scenario weeks; default to the end of the horizon. */
  weeks?: number;
  /** Forecast weeks (default 8, at most 52). */
  horizon?: number;
  /** Lever backtest: week-on-week teacher change that counts as a move, in percent (default 20). */
  thresholdPct?: number;
}

export interface WhatIfContext {
  weekly: ReadonlyArray<WeeklyFact>;
  calendar: SchoolCalendar | null;
  /** Schools with names and peer attributes (for the peer median and under-use). */
  schools: ReadonlyArray<School>;
  settings: {underuseGapPct: number; minGroupSize: number};
  /** The forecast's models by school id (the weekly run's choice), refitted as they are. */
  reuse?: ReadonlyMap<string, SchoolModel>;
  metric?: ForecastMetric;
  /** The forecast's teacher regressor (as the weekly forecast is configured). */
  teacherMetric?: TeacherMetric;
  app?: string;
}

export interface WhatIfWeek {
  weekStart: string;
  /** School days by the calendar. */
  schoolDays: number;
  /** Whether the scenario applies this week. */
  inScenario: boolean;
  teacherBaseline: number;
  teacherScenario: number;
  /**
   * Scenario teacher activity outside the range the school has shown in weeks of the same
   * kind (school weeks, or weeks without a school day).
   */
  outsideRange: boolean;
  baseline: number;
  baselineLo80: number;
  baselineHi80: number;
  baselineLo95: number;
  baselineHi95: number;
  scenario: number;
  scenarioLo80: number;
  scenarioHi80: number;
  scenarioLo95: number;
  scenarioHi95: number;
  /** Scenario minus baseline, students per week, with its 95% interval from beta's s.e. */
  difference: number;
  differenceLo95: number;
  differenceHi95: number;
}

export interface WhatIfSchool {
  schoolId: string;
  schoolName: string;
  /** False when the school could not be re-forecast; `notes` says why. */
  ok: boolean;
  model: string;
  /** Teacher activity in the scenario weeks as a multiple of its forecast. */
  teacherRatio: number | null;
  /** Elasticity of students on teachers (log scale), its s.e. and two-sided p-value. */
  coefficient: number | null;
  coefficientSe: number | null;
  pValue: number | null;
  /** |beta| / s.e. at least the 95% normal quantile. */
  significant: boolean;
  /** Range of weekly teacher activity over the school weeks of the history. */
  teacherMin: number | null;
  teacherMax: number | null;
  weeksOutsideRange: number;
  /** Summed over the horizon: students per week x weeks. */
  totalDifference: number | null;
  totalDifferenceLo95: number | null;
  totalDifferenceHi95: number | null;
  weeks: WhatIfWeek[];
  backtest: LeverBacktest | null;
  /** Plain sentences: not distinguishable from zero, outside the range, skipped. */
  notes: string[];
}

export interface WhatIfDistrictWeek {
  weekStart: string;
  baseline: number;
  scenario: number;
  difference: number;
  differenceLo95: number;
  differenceHi95: number;
}

export interface WhatIfResult {
  request: {
    schools: string[];
    selection: string;
    scenario: WhatIfScenario;
    scenarioLabel: string;
    startWeek: string;
    weeks: number;
    horizon: number;
    thresholdPct: number;
  };
  note: string;
  schools: WhatIfSchool[];
  /** The selected schools' sums (intervals combine the schools' as independent). */
  district: {
    schools: number;
    weeks: WhatIfDistrictWeek[];
    totalDifference: number;
    totalDifferenceLo95: number;
    totalDifferenceHi95: number;
    backtest: LeverBacktest;
  };
  warnings: string[];
}

/** A result as the sidebar and the report get it: lever event lists dropped, tabs named. */
export type WhatIfView = WhatIfResult & {tabs: string[]};

const Z95 = qnorm(0.975);
/** The 95% interval's probabilities. */
const BOUNDS = [0.025, 0.975];
const Z80 = qnorm(0.9);

function isMonday(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).getUTCDay() === 1;
}

function checkScenario(s: unknown): WhatIfScenario {
  if (typeof s !== 'object' || s === null)
    throw new InputError(
      'scenario',
      "must be an object: {kind: 'percent', percent}, {kind: 'peerMedian'} or {kind: 'weeksAgo', weeks}",
    );
  const o = s as Record<string, unknown>;
  if (o.kind === 'percent') {
    const p = o.percent;
    if (typeof p !== 'number' || !Number.isFinite(p))
      throw new InputError('scenario.percent', 'must be a number');
    if (p < -100)
      throw new InputError(
        'scenario.percent',
        `${p}% would make teacher activity negative (the lowest is -100%)`,
      );
    if (p > 1000)
      throw new InputError('scenario.percent', `${p}% is above 1000%`);
    return {kind: 'percent', percent: p};
  }
  if (o.kind === 'peerMedian') return {kind: 'peerMedian'};
  if (o.kind === 'weeksAgo') {
    const w = o.weeks;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1)
      throw new InputError(
        'scenario.weeks',
        'must be a whole number of weeks, at least 1',
      );
    return {kind: 'weeksAgo', weeks: w};
  }
  throw new InputError(
    'scenario.kind',
    `${JSON.stringify(o.kind)} is not one of percent, peerMedian, weeksAgo`,
  );
}

export function scenarioLabel(s: WhatIfScenario): string {
  if (s.kind === 'percent')
    return `teacher activity ${s.percent >= 0 ? '+' : ''}${s.percent}%`;
  if (s.kind === 'peerMedian')
    return 'teacher activity (events per teacher) at the peer median';
  return `teacher activity at the school's own level of ${s.weeks} weeks ago`;
}

/** School weeks: at least 3 school days (breaks would read as falls of activity). */
const SCHOOL_WEEK_DAYS = 3;

/** Mean teacher activity over the school weeks of the 4 weeks ending at index `end`. */
function teacherLevel(s: SchoolSeries, end: number): number | null {
  const t = s.teachers;
  if (!t) return null;
  const v: number[] = [];
  for (let i = Math.max(0, end - 3); i <= end; i++) {
    const x = t[i];
    if (x !== null && (s.schoolDays[i] ?? 0) >= SCHOOL_WEEK_DAYS) v.push(x);
  }
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** The ratio of scenario to forecast teacher activity, or why there is none. */
function scenarioRatio(
  scenario: WhatIfScenario,
  s: SchoolSeries,
  peers: Map<string, {value: number | null; benchmark: number | null}>,
): {ratio: number} | {reason: string} {
  if (scenario.kind === 'percent') return {ratio: 1 + scenario.percent / 100};
  if (scenario.kind === 'peerMedian') {
    const p = peers.get(s.schoolId);
    if (!p || p.value === null || p.benchmark === null || p.value <= 0)
      return {
        reason:
          'no peer benchmark of teacher activity (no school week of teacher activity, or fewer teachers than the minimum group size)',
      };
    return {ratio: p.benchmark / p.value};
  }
  const n = s.weekStarts.length;
  const then = n - 1 - scenario.weeks;
  if (then < 0)
    return {
      reason: `the history holds ${n} weeks, fewer than ${scenario.weeks + 1}`,
    };
  const past = teacherLevel(s, then);
  const now = teacherLevel(s, n - 1);
  if (past === null || now === null || now <= 0)
    return {
      reason: `no school week in the 4 weeks ending ${now === null ? 'at the last week' : s.weekStarts[then]} to measure teacher activity on`,
    };
  return {ratio: past / now};
}

/** Selected school ids, checked against the weekly facts. */
function selectSchools(
  req: WhatIfRequest,
  known: string[],
  flagged: string[],
): {ids: string[]; selection: string} {
  const sel = req.schools;
  if (sel === 'all') return {ids: known, selection: 'all schools'};
  if (sel === 'underusing')
    return {ids: flagged, selection: 'schools flagged as under-using'};
  if (!Array.isArray(sel) || sel.length === 0)
    throw new InputError(
      'schools',
      "must be a non-empty list of school ids, 'underusing' or 'all'",
    );
  const set = new Set(known);
  for (const id of sel) {
    if (typeof id !== 'string' || !set.has(id))
      throw new InputError(
        'schools',
        `unknown school ${JSON.stringify(id)} (no weekly activity for it)`,
      );
  }
  return {ids: [...new Set(sel)], selection: `${sel.length} chosen`};
}

/** The what-if forecast of every selected school and their sum. */
export function whatIf(req: WhatIfRequest, ctx: WhatIfContext): WhatIfResult {
  if (typeof req !== 'object' || req === null)
    throw new InputError('request', 'must be an object');
  const scenario = checkScenario(req.scenario);
  const horizon = req.horizon ?? 8;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 52)
    throw new InputError('horizon', 'must be a whole number of weeks, 1 to 52');
  const thresholdPct = req.thresholdPct ?? 20;
  if (
    typeof thresholdPct !== 'number' ||
    !(thresholdPct > 0 && thresholdPct <= 500)
  )
    throw new InputError('thresholdPct', 'must be a percentage above 0');
  const metric = ctx.metric ?? 'activeUsers';
  const app = ctx.app ?? 'workspace';
  const series = schoolSeries(ctx.weekly, metric, app, ctx.teacherMetric);
  if (series.length === 0)
    throw new InputError('weekly', 'holds no weekly activity of any school');
  const lastWeek = series.reduce(
    (m, s) =>
      s.weekStarts[s.weekStarts.length - 1] > m
        ? s.weekStarts[s.weekStarts.length - 1]
        : m,
    '',
  );
  const first = addDays(lastWeek, 7);
  const lastForecast = addDays(lastWeek, 7 * horizon);
  const startWeek = req.startWeek ?? first;
  if (typeof startWeek !== 'string' || !isMonday(startWeek))
    throw new InputError(
      'startWeek',
      `${JSON.stringify(startWeek)} is not a Monday (YYYY-MM-DD)`,
    );
  if (startWeek < first || startWeek > lastForecast)
    throw new InputError(
      'startWeek',
      `${startWeek} is outside the forecast horizon (${first} to ${lastForecast})`,
    );
  const offset = Math.round(
    (Date.parse(startWeek) - Date.parse(first)) / 6048e5,
  );
  const weeks = req.weeks ?? horizon - offset;
  if (!Number.isInteger(weeks) || weeks < 1)
    throw new InputError(
      'weeks',
      'must be a whole number of weeks, at least 1',
    );
  if (offset + weeks > horizon)
    throw new InputError(
      'weeks',
      `${weeks} weeks from ${startWeek} end after the forecast horizon (${lastForecast})`,
    );

  const since = addDays(lastWeek, -52 * 7);
  const studentUse = underuse(ctx.weekly, ctx.schools, ctx.settings, {since});
  const flagged = studentUse
    .filter(r => r.product === '' && r.flagged)
    .map(r => r.schoolId);
  const bySeries = new Map(series.map(s => [s.schoolId, s]));
  const {ids, selection} = selectSchools(req, [...bySeries.keys()], flagged);
  const peers = new Map<
    string,
    {value: number | null; benchmark: number | null}
  >();
  if (scenario.kind === 'peerMedian') {
    // Teacher events per enrolled teacher: the forecast's regressor made comparable
    // across school sizes (weekly distinct teachers sit at the roster).
    for (const r of underuse(ctx.weekly, ctx.schools, ctx.settings, {
      since,
      role: 'teacher',
      metric: 'engagementIndex',
    }))
      if (r.product === '') peers.set(r.schoolId, r);
  }
  const names = new Map(ctx.schools.map(s => [s.id, s.name]));
  const warnings: string[] = [];
  const results = ids.map(id =>
    schoolWhatIf(bySeries.get(id) as SchoolSeries, {
      scenario,
      peers,
      offset,
      weeks,
      horizon,
      thresholdPct,
      ctx,
      app,
      name: names.get(id) ?? id,
      warnings,
    }),
  );
  return {
    request: {
      schools: ids,
      selection,
      scenario,
      scenarioLabel: scenarioLabel(scenario),
      startWeek,
      weeks,
      horizon,
      thresholdPct,
    },
    note: ASSOCIATION_NOTE,
    schools: results,
    district: districtSum(results, horizon, thresholdPct),
    warnings,
  };
}

interface SchoolArgs {
  scenario: WhatIfScenario;
  peers: Map<string, {value: number | null; benchmark: number | null}>;
  offset: number;
  weeks: number;
  horizon: number;
  thresholdPct: number;
  ctx: WhatIfContext;
  app: string;
  name: string;
  warnings: string[];
}

function emptySchool(
  s: SchoolSeries,
  name: string,
  note: string,
): WhatIfSchool {
  return {
    schoolId: s.schoolId,
    schoolName: name,
    ok: false,
    model: '',
    teacherRatio: null,
    coefficient: null,
    coefficientSe: null,
    pValue: null,
    significant: false,
    teacherMin: null,
    teacherMax: null,
    weeksOutsideRange: 0,
    totalDifference: null,
    totalDifferenceLo95: null,
    totalDifferenceHi95: null,
    weeks: [],
    backtest: null,
    notes: [note],
  };
}

/** One school's baseline and scenario forecasts from its own fitted model. */
export function schoolWhatIf(s: SchoolSeries, a: SchoolArgs): WhatIfSchool {
  const notes: string[] = [];
  const inputs = schoolModelInputs(
    s,
    {
      calendar: a.ctx.calendar,
      horizon: a.horizon,
      metric: a.ctx.metric ?? 'activeUsers',
      teacherMetric: a.ctx.teacherMetric,
      app: a.app,
      reuse: a.ctx.reuse,
    },
    a.warnings,
  );
  if (!inputs)
    return emptySchool(s, a.name, 'Not forecast: too short a history.');
  if (inputs.teacherColumn < 0 || !inputs.teacher)
    return emptySchool(
      s,
      a.name,
      'Teacher activity is not a regressor of this school’s forecast, so the scenario cannot move it.',
    );
  const r = scenarioRatio(a.scenario, s, a.peers);
  if ('reason' in r) return emptySchool(s, a.name, `No scenario: ${r.reason}.`);
  const res = autoForecast(inputs.request);
  const name = inputs.request.xregNames?.[inputs.teacherColumn] ?? '';
  const beta = res.arima?.coef[name];
  const se = res.arima?.se[name];
  if (res.method !== 'arima' || !res.forecastWith || beta === undefined)
    return emptySchool(
      s,
      a.name,
      `The regression could not be fitted (${res.label} forecast instead): no scenario.`,
    );
  const {fwd, back, levels} = inputs;
  const future = inputs.request.xregFuture as number[][];
  const tBase = future[inputs.teacherColumn];
  const tScen = tBase.map((x, i) =>
    i >= a.offset && i < a.offset + a.weeks && r.ratio !== 1
      ? fwd(back(x) * r.ratio)
      : x,
  );
  const cols = future.map((c, j) => (j === inputs.teacherColumn ? tScen : c));
  const base = res.forecast;
  const scen = res.forecastWith(cols, inputs.horizon, [...levels]);
  const seOk = se !== undefined && Number.isFinite(se) && se > 0;
  const seV = seOk ? (se as number) : 0;
  const pValue = seOk ? 2 * pnorm(-Math.abs(beta / seV)) : null;
  const significant = seOk && Math.abs(beta / seV) >= Z95;
  const range = (open: boolean) => {
    const v = (s.teachers ?? []).filter(
      (x, i): x is number => x !== null && (s.schoolDays[i] ?? 0) > 0 === open,
    );
    return v.length ? [Math.min(...v), Math.max(...v)] : null;
  };
  const ranges = {open: range(true), closed: range(false)};
  const [tMin, tMax] = ranges.open ?? [null, null];
  const [l80, l95] = levels.map(String);
  const dxs = tScen.map((x, i) => x - tBase[i]);
  // The baseline's spread on the modelling scale, week by week: the forecast's own, plus
  // what the forecast leaves out by taking future teacher activity as known.
  const tSd = inputs.teacherFutureSd;
  const sds = base.mean.map((m, i) => {
    const own = (base.upper[l95][i] - m) / Z95;
    const fromTeacher = tSd ? beta * tSd[i] : 0;
    return Math.sqrt(own * own + fromTeacher * fromTeacher);
  });
  const diffAt = (i: number, z1: number, z2: number) => {
    const level = base.mean[i] + z1 * sds[i];
    return back(level + (beta + z2 * seV) * dxs[i]) - back(level);
  };
  const weeks: WhatIfWeek[] = [];
  for (let i = 0; i < inputs.horizon; i++) {
    const dx = dxs[i];
    const inScenario = i >= a.offset && i < a.offset + a.weeks;
    const teacherScenario = back(tScen[i]);
    const days = calendarSchoolDays(inputs.futureWeeks[i], a.ctx.calendar);
    const r = days > 0 ? ranges.open : ranges.closed;
    const outsideRange =
      inScenario &&
      dx !== 0 &&
      (r === null || teacherScenario < r[0] || teacherScenario > r[1]);
    const bm = base.mean[i];
    const [lo, hi] =
      dx === 0
        ? [0, 0]
        : normalGridQuantiles((z1, z2) => diffAt(i, z1, z2), BOUNDS);
    weeks.push({
      weekStart: inputs.futureWeeks[i],
      schoolDays: days,
      inScenario,
      teacherBaseline: back(tBase[i]),
      teacherScenario,
      outsideRange,
      baseline: back(bm),
      baselineLo80: back(base.lower[l80][i]),
      baselineHi80: back(base.upper[l80][i]),
      baselineLo95: back(base.lower[l95][i]),
      baselineHi95: back(base.upper[l95][i]),
      ...scenarioBands(base, scen, i, dx * seV, back, l80, l95),
      difference: back(scen.mean[i]) - back(bm),
      differenceLo95: lo,
      differenceHi95: hi,
    });
  }
  // Over the horizon one coefficient moves every week together, and the baseline's level
  // errors are taken as fully correlated across weeks (the cautious reading of the sum).
  const moved = dxs.some(d => d !== 0);
  const [totalLo, totalHi] = moved
    ? normalGridQuantiles(
        (z1, z2) => dxs.reduce((t, _, i) => t + diffAt(i, z1, z2), 0),
        BOUNDS,
      )
    : [0, 0];
  const outside = weeks.filter(w => w.outsideRange).length;
  if (!seOk)
    notes.push(
      'The teacher coefficient has no standard error: its uncertainty is unknown.',
    );
  else if (!significant)
    notes.push(
      `The teacher coefficient (${beta.toFixed(2)}, s.e. ${seV.toFixed(2)}) is not distinguishable from zero: the scenario may change nothing.`,
    );
  if (outside > 0)
    notes.push(
      `In ${outside} of the scenario weeks teacher activity lies outside the range this school has shown in such weeks (${fmt(tMin)} to ${fmt(tMax)} in school weeks): the effect there is an extrapolation.`,
    );
  const sum = (f: (w: WhatIfWeek) => number) =>
    weeks.reduce((t, w) => t + f(w), 0);
  return {
    schoolId: s.schoolId,
    schoolName: a.name,
    ok: true,
    model: res.label,
    teacherRatio: r.ratio,
    coefficient: beta,
    coefficientSe: seOk ? seV : null,
    pValue,
    significant,
    teacherMin: tMin,
    teacherMax: tMax,
    weeksOutsideRange: outside,
    totalDifference: sum(w => w.difference),
    totalDifferenceLo95: totalLo,
    totalDifferenceHi95: totalHi,
    weeks,
    backtest: leverBacktest(s, inputs, beta, a.thresholdPct),
    notes,
  };
}

function fmt(v: number | null): string {
  return v === null ? '?' : String(Math.round(v));
}

/**
 * The scenario's prediction intervals: the forecast's own variance (modelling scale) plus
 * the coefficient's, (dx x s.e.)^2. Weeks the scenario leaves alone keep the baseline's.
 */
function scenarioBands(
  base: Forecast,
  scen: Forecast,
  i: number,
  dxSe: number,
  back: (v: number) => number,
  l80: string,
  l95: string,
): Pick<
  WhatIfWeek,
  'scenario' | 'scenarioLo80' | 'scenarioHi80' | 'scenarioLo95' | 'scenarioHi95'
> {
  const m = scen.mean[i];
  if (dxSe === 0 && m === base.mean[i]) {
    return {
      scenario: back(m),
      scenarioLo80: back(scen.lower[l80][i]),
      scenarioHi80: back(scen.upper[l80][i]),
      scenarioLo95: back(scen.lower[l95][i]),
      scenarioHi95: back(scen.upper[l95][i]),
    };
  }
  const sd = (scen.upper[l95][i] - m) / Z95;
  const s = Math.sqrt(sd * sd + dxSe * dxSe);
  return {
    scenario: back(m),
    scenarioLo80: back(m - Z80 * s),
    scenarioHi80: back(m + Z80 * s),
    scenarioLo95: back(m - Z95 * s),
    scenarioHi95: back(m + Z95 * s),
  };
}

/** Sums of the schools that could be re-forecast. */
function districtSum(
  schools: WhatIfSchool[],
  horizon: number,
  thresholdPct: number,
): WhatIfResult['district'] {
  const ok = schools.filter(s => s.ok);
  const weeks: WhatIfDistrictWeek[] = [];
  for (let i = 0; i < horizon && ok.length; i++) {
    const ws = ok.map(s => s.weeks[i]);
    const d = ws.reduce((t, w) => t + w.difference, 0);
    // Half-widths in quadrature: the schools' coefficients are estimated separately.
    const lo = Math.sqrt(
      ws.reduce((t, w) => t + (w.difference - w.differenceLo95) ** 2, 0),
    );
    const hi = Math.sqrt(
      ws.reduce((t, w) => t + (w.differenceHi95 - w.difference) ** 2, 0),
    );
    weeks.push({
      weekStart: ws[0].weekStart,
      baseline: ws.reduce((t, w) => t + w.baseline, 0),
      scenario: ws.reduce((t, w) => t + w.scenario, 0),
      difference: d,
      differenceLo95: d - lo,
      differenceHi95: d + hi,
    });
  }
  const total = ok.reduce((t, s) => t + (s.totalDifference ?? 0), 0);
  const lo = Math.sqrt(
    ok.reduce(
      (t, s) =>
        t + ((s.totalDifference ?? 0) - (s.totalDifferenceLo95 ?? 0)) ** 2,
      0,
    ),
  );
  const hi = Math.sqrt(
    ok.reduce(
      (t, s) =>
        t + ((s.totalDifferenceHi95 ?? 0) - (s.totalDifference ?? 0)) ** 2,
      0,
    ),
  );
  return {
    schools: ok.length,
    weeks,
    totalDifference: total,
    totalDifferenceLo95: total - lo,
    totalDifferenceHi95: total + hi,
    backtest: pooledLever(
      ok.map(s => s.backtest).filter((b): b is LeverBacktest => b !== null),
      thresholdPct,
    ),
  };
}
