/**
 * Teacher-student activity correlation, per school and district-wide, over weekly facts:
 * Pearson with its t-test and Fisher 95% interval, Spearman, the lag (in weeks) at which
 * teacher activity best leads student activity (cross-correlation, R's ccf convention),
 * and the log-log regression of student activity on teacher activity at that lead, read as
 * "10% more teacher activity goes with x% more student activity" (Newey-West interval).
 *
 * Only school weeks count (weeks with at least 60% of the usual school days): breaks
 * would otherwise make both series fall together and inflate the correlation.
 */
import {InputError} from '../core/errors';
import type {WeeklyFact} from '../core/types';
import {ccf, laggedElasticity, pearson, spearman} from '../stats/correlation';
import {median} from '../stats/robust';

export interface CorrelationRow {
  /** A school id, or DISTRICT_ID for the district's weekly totals. */
  schoolId: string;
  teacherMetric: string;
  studentMetric: string;
  /** Weeks in the series. */
  n: number;
  pearsonR: number | null;
  pValue: number | null;
  ci95Low: number | null;
  ci95High: number | null;
  spearmanRho: number | null;
  spearmanP: number | null;
  /** Weeks by which teacher activity best leads student activity (0 = same week). */
  bestLag: number | null;
  bestLagR: number | null;
  /** Percent change in student activity with 10% more teacher activity (at bestLag). */
  effectPer10Pct: number | null;
  effectLow: number | null;
  effectHigh: number | null;
  /** Why values are null (too few weeks, constant series, small group). */
  note: string;
}

export const DISTRICT_ID = '_district';

export type CorrelationMetric =
  | 'activeUsers'
  | 'events'
  | 'logins'
  | 'pctAccess'
  | 'engagementIndex'
  | 'submissionsTurnedIn'
  | 'assignmentsCreated'
  | 'gradesEntered';

const METRICS: ReadonlyArray<CorrelationMetric> = [
  'activeUsers',
  'events',
  'logins',
  'pctAccess',
  'engagementIndex',
  'submissionsTurnedIn',
  'assignmentsCreated',
  'gradesEntered',
];

/** Metrics that sum over schools for the district row (rates are recomputed, not summed). */
const SUMMABLE = new Set([
  'activeUsers',
  'events',
  'logins',
  'submissionsTurnedIn',
  'assignmentsCreated',
  'gradesEntered',
]);

export interface CorrelationOptions {
  teacherMetric?: CorrelationMetric;
  studentMetric?: CorrelationMetric;
  /** App of the rows used. Default `workspace` (activity in any app). */
  app?: string;
  /** Longest teacher lead examined, in weeks. Default 4. */
  maxLag?: number;
  /** Fewest school weeks for a result. Default 8. */
  minWeeks?: number;
  /** Usual school days per week. Default 5. */
  schoolDaysPerWeek?: number;
  /** Groups (teachers or students enrolled) smaller than this get no row values. Default 10. */
  minGroupSize?: number;
}

function emptyRow(
  schoolId: string,
  teacherMetric: string,
  studentMetric: string,
  n: number,
  note: string,
): CorrelationRow {
  return {
    schoolId,
    teacherMetric,
    studentMetric,
    n,
    pearsonR: null,
    pValue: null,
    ci95Low: null,
    ci95High: null,
    spearmanRho: null,
    spearmanP: null,
    bestLag: null,
    bestLagR: null,
    effectPer10Pct: null,
    effectLow: null,
    effectHigh: null,
    note,
  };
}

/** Correlation row for two aligned weekly series (teacher x, student y). */
export function correlationRow(
  schoolId: string,
  teacher: number[],
  student: number[],
  opts: CorrelationOptions = {},
): CorrelationRow {
  const tm = opts.teacherMetric ?? 'activeUsers';
  const sm = opts.studentMetric ?? 'activeUsers';
  const n = teacher.length;
  const minWeeks = opts.minWeeks ?? 8;
  if (n < Math.max(4, minWeeks)) {
    return emptyRow(
      schoolId,
      tm,
      sm,
      n,
      `fewer than ${Math.max(4, minWeeks)} school weeks (${n})`,
    );
  }
  let p;
  let s;
  try {
    p = pearson(teacher, student);
    s = spearman(teacher, student);
  } catch (e) {
    if (e instanceof InputError) {
      return emptyRow(
        schoolId,
        tm,
        sm,
        n,
        e.field === 'x'
          ? 'teacher activity is constant'
          : 'student activity is constant',
      );
    }
    throw e;
  }
  const row = emptyRow(schoolId, tm, sm, n, '');
  row.pearsonR = p.r;
  row.pValue = p.pValue;
  row.ci95Low = p.ci95 ? p.ci95[0] : null;
  row.ci95High = p.ci95 ? p.ci95[1] : null;
  row.spearmanRho = s.rho;
  row.spearmanP = s.pValue;
  // Teacher leading by L weeks is ccf lag -L (value at lag k estimates cor(x[t+k], y[t])).
  const maxLag = Math.min(opts.maxLag ?? 4, n - 5);
  if (maxLag >= 0) {
    const c = ccf(teacher, student, maxLag);
    let bestL = 0;
    let bestR = -Infinity;
    for (let L = 0; L <= maxLag; L++) {
      const v = c.values[c.lags.indexOf(-L)];
      if (v > bestR + 1e-12) {
        bestR = v;
        bestL = L;
      }
    }
    row.bestLag = bestL;
    row.bestLagR = bestR;
    if (
      teacher.every(v => v >= 0) &&
      student.every(v => v >= 0) &&
      n - bestL >= 5
    ) {
      try {
        const e = laggedElasticity(teacher, student, bestL);
        row.effectPer10Pct = e.pctFor10Pct;
        row.effectLow = e.pctFor10PctCi95[0];
        row.effectHigh = e.pctFor10PctCi95[1];
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        row.note = 'no regression: teacher activity constant after the lag';
      }
    }
  }
  return row;
}

function metricOf(f: WeeklyFact, metric: string): number | null {
  const v = (f as unknown as Record<string, unknown>)[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Per-school rows and a district row (DISTRICT_ID: weekly totals over the schools; rates
 * such as pctAccess recomputed from the totals) for teacher vs student activity.
 */
export function teacherStudentCorrelations(
  weekly: ReadonlyArray<WeeklyFact>,
  opts: CorrelationOptions = {},
): CorrelationRow[] {
  const tm = opts.teacherMetric ?? 'activeUsers';
  const sm = opts.studentMetric ?? 'activeUsers';
  for (const [field, m] of [
    ['teacherMetric', tm],
    ['studentMetric', sm],
  ] as const) {
    if (!METRICS.includes(m))
      throw new InputError(field, `unknown metric "${m}"`);
  }
  const app = opts.app ?? 'workspace';
  const normal = opts.schoolDaysPerWeek ?? 5;
  const minGroup = opts.minGroupSize ?? 10;
  const rows = weekly.filter(
    f =>
      f.app === app &&
      f.product === '' &&
      (f.role === 'teacher' || f.role === 'student') &&
      f.schoolDays >= 0.6 * normal &&
      !f.flags.includes('partial'),
  );
  // school -> week -> {teacher, student}
  const bySchool = new Map<
    string,
    Map<string, {t?: WeeklyFact; s?: WeeklyFact}>
  >();
  for (const f of rows) {
    let weeks = bySchool.get(f.schoolId);
    if (!weeks) bySchool.set(f.schoolId, (weeks = new Map()));
    let pair = weeks.get(f.weekStart);
    if (!pair) weeks.set(f.weekStart, (pair = {}));
    if (f.role === 'teacher') pair.t = f;
    else pair.s = f;
  }
  const out: CorrelationRow[] = [];
  const district = new Map<
    string,
    {t: number; s: number; te: number; se: number; schools: number}
  >();
  for (const schoolId of [...bySchool.keys()].sort()) {
    const weeks = bySchool.get(schoolId) as Map<
      string,
      {t?: WeeklyFact; s?: WeeklyFact}
    >;
    const starts = [...weeks.keys()].sort();
    const pairs = starts
      .map(w => weeks.get(w) as {t?: WeeklyFact; s?: WeeklyFact})
      .filter(p => p.t && p.s) as Array<{t: WeeklyFact; s: WeeklyFact}>;
    const teachers = median(
      pairs.length ? pairs.map(p => p.t.enrolledUsers) : [0],
    );
    const students = median(
      pairs.length ? pairs.map(p => p.s.enrolledUsers) : [0],
    );
    const x: number[] = [];
    const y: number[] = [];
    for (const p of pairs) {
      const tv = metricOf(p.t, tm);
      const sv = metricOf(p.s, sm);
      if (tv === null || sv === null) continue;
      x.push(tv);
      y.push(sv);
      const d = district.get(p.t.weekStart) ?? {
        t: 0,
        s: 0,
        te: 0,
        se: 0,
        schools: 0,
      };
      d.t += SUMMABLE.has(tm)
        ? tv
        : (p.t.enrolledUsers * tv) / (tm === 'pctAccess' ? 100 : 1000);
      d.s += SUMMABLE.has(sm)
        ? sv
        : (p.s.enrolledUsers * sv) / (sm === 'pctAccess' ? 100 : 1000);
      d.te += p.t.enrolledUsers;
      d.se += p.s.enrolledUsers;
      d.schools++;
      district.set(p.t.weekStart, d);
    }
    if (teachers < minGroup || students < minGroup) {
      const small = [
        teachers < minGroup ? `${minGroup} teachers` : '',
        students < minGroup ? `${minGroup} students` : '',
      ].filter(t => t);
      out.push(
        emptyRow(
          schoolId,
          tm,
          sm,
          x.length,
          `suppressed: fewer than ${small.join(' and ')}`,
        ),
      );
      continue;
    }
    out.push(correlationRow(schoolId, x, y, opts));
  }
  // District: weeks where every school contributes, so totals are comparable.
  const schoolsTotal = Math.max(
    0,
    ...[...district.values()].map(d => d.schools),
  );
  const dWeeks = [...district.keys()]
    .sort()
    .filter(
      w => (district.get(w) as {schools: number}).schools === schoolsTotal,
    );
  const rate = (metric: string, total: number, enrolled: number) =>
    SUMMABLE.has(metric)
      ? total
      : enrolled > 0
        ? (total / enrolled) * (metric === 'pctAccess' ? 100 : 1000)
        : 0;
  const dx = dWeeks.map(w => {
    const d = district.get(w) as {t: number; te: number};
    return rate(tm, d.t, d.te);
  });
  const dy = dWeeks.map(w => {
    const d = district.get(w) as {s: number; se: number};
    return rate(sm, d.s, d.se);
  });
  if (bySchool.size > 0) out.push(correlationRow(DISTRICT_ID, dx, dy, opts));
  return out;
}
