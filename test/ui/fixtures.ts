/**
 * A deterministic district's analysis results for the UI tests: weekly facts, forecasts
 * with backtests and intervals, anomalies, under-use, correlations and runs. One school
 * falls 35% below its forecast in the last observed week after its teachers stopped
 * grading the week before; names carry characters that must never become markup or formulas.
 */
import type {WeeklyFact} from '../../src/core/types';
import {
  anomalyId,
  type AccuracyRecord,
  type AnomalyRecord,
  type CorrelationRecord,
  type ForecastRecord,
  type IncidentRecord,
  type RunLogRecord,
  type UnderuseRecord,
} from '../../src/sheets/tables';
import type {OutputBundle} from '../../src/sheets/outputs';
import {buildIncidentRecords} from '../../src/sheets/incident-records';
import {makeRandom} from '../../src/offline/engine';

export const SCHOOLS = [
  {id: 'ou01', name: 'PS 1 Lincoln'},
  {id: 'ou02', name: 'PS 2 <b>Ada</b> & "Grace"'},
  {id: 'ou03', name: '=HYPERLINK("http://evil.example","x")'},
  {id: 'ou04', name: 'PS 10 Río Grande'},
  {id: 'ou05', name: 'IS 55 Marble Hill'},
  {id: 'ou06', name: "P.S. 9 O'Keeffe"},
];
/** The school whose latest week falls below its forecast. */
export const SHORT_SCHOOL = SCHOOLS[0];

export function mondays(first: string, n: number): string[] {
  const t0 = Date.parse(`${first}T00:00:00Z`);
  return Array.from({length: n}, (_, i) =>
    new Date(t0 + i * 7 * 86400000).toISOString().slice(0, 10),
  );
}

export function isoWeek(date: string): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  const thu = t + (3 - dow) * 86400000;
  const y = new Date(thu).getUTCFullYear();
  const w = Math.floor((thu - Date.UTC(y, 0, 1)) / (7 * 86400000)) + 1;
  return `${y}-W${String(w).padStart(2, '0')}`;
}

export const HISTORY = 30;
export const HORIZON = 8;
export const WEEKS = mondays('2024-08-05', HISTORY + HORIZON);
export const LAST_OBSERVED = WEEKS[HISTORY - 1];

export function district(
  seed = 7,
): Required<
  Pick<
    OutputBundle,
    | 'weekly'
    | 'forecasts'
    | 'accuracy'
    | 'anomalies'
    | 'underuse'
    | 'correlations'
  >
> & {runs: RunLogRecord[]; incidents: IncidentRecord[]} {
  const r = makeRandom(seed);
  const weekly: WeeklyFact[] = [];
  const forecasts: ForecastRecord[] = [];
  const accuracy: AccuracyRecord[] = [];
  const districtActual = new Array(HISTORY).fill(0);
  SCHOOLS.forEach((s, si) => {
    const students = 300 + si * 80;
    const teachers = 20 + si * 3;
    const base = 0.55 + 0.05 * (si % 3);
    for (let w = 0; w < HISTORY; w++) {
      const week = WEEKS[w];
      const breakWeek = w === 20; // winter break
      const short = s.id === SHORT_SCHOOL.id && w === HISTORY - 1;
      const gradingStop = s.id === SHORT_SCHOOL.id && w === HISTORY - 2;
      const level = base * (1 + 0.1 * Math.sin(w / 4)) * (0.95 + 0.1 * r());
      const active = breakWeek
        ? 0
        : Math.round(students * level * (short ? 0.62 : 1));
      const tActive = breakWeek ? 0 : Math.round(teachers * (0.8 + 0.1 * r()));
      if (!breakWeek) districtActual[w] += active;
      const common = {
        week: isoWeek(week),
        weekStart: week,
        schoolId: s.id,
        app: 'classroom',
        product: '',
        flags: [] as WeeklyFact['flags'],
      };
      weekly.push({
        ...common,
        role: 'student',
        activeUsers: active,
        enrolledUsers: students,
        pctAccess: Math.round((active / students) * 1000) / 10,
        events: active * 9,
        engagementIndex: Math.round(((active * 9) / students) * 1000),
        logins: active * 3,
        submissionsTurnedIn: active * 2,
        assignmentsCreated: 0,
        gradesEntered: 0,
        schoolDays: breakWeek ? 0 : 5,
      });
      weekly.push({
        ...common,
        role: 'teacher',
        activeUsers: tActive,
        enrolledUsers: teachers,
        pctAccess: Math.round((tActive / teachers) * 1000) / 10,
        events: tActive * 40,
        engagementIndex: Math.round(((tActive * 40) / teachers) * 1000),
        logins: tActive * 5,
        submissionsTurnedIn: 0,
        assignmentsCreated: tActive * 3,
        gradesEntered: breakWeek ? 0 : gradingStop ? tActive * 4 : tActive * 12,
        schoolDays: breakWeek ? 0 : 5,
      });
      const expected = Math.round(
        students * base * (1 + 0.1 * Math.sin(w / 4)),
      );
      const backtest = w >= HISTORY - 8 && !breakWeek;
      forecasts.push({
        schoolId: s.id,
        schoolName: s.name,
        metric: 'active_students',
        week: isoWeek(week),
        weekStart: week,
        actual: breakWeek ? null : active,
        forecast: backtest ? expected : null,
        lo80: backtest ? expected * 0.9 : null,
        hi80: backtest ? expected * 1.1 : null,
        lo95: backtest ? expected * 0.85 : null,
        hi95: backtest ? expected * 1.15 : null,
        model: 'ARIMA(1,0,0) with Fourier(2) + teacher xreg',
        backtest,
      });
    }
    for (let w = HISTORY; w < HISTORY + HORIZON; w++) {
      const f = Math.round(students * base * (1 + 0.1 * Math.sin(w / 4)));
      const spread = 1 + (w - HISTORY) * 0.02;
      forecasts.push({
        schoolId: s.id,
        schoolName: s.name,
        metric: 'active_students',
        week: isoWeek(WEEKS[w]),
        weekStart: WEEKS[w],
        actual: null,
        forecast: f,
        lo80: f * (1 - 0.08 * spread),
        hi80: f * (1 + 0.08 * spread),
        lo95: f * (1 - 0.13 * spread),
        hi95: f * (1 + 0.13 * spread),
        model: 'ARIMA(1,0,0) with Fourier(2) + teacher xreg',
        backtest: false,
      });
    }
    accuracy.push({
      schoolId: s.id,
      schoolName: s.name,
      metric: 'active_students',
      model: 'ARIMA(1,0,0) with Fourier(2) + teacher xreg',
      horizonWeeks: 4,
      points: 24,
      mae: 12.5 + si,
      rmse: 15.1 + si,
      mape: 6.2 + si * 0.5,
      smape: 6.0 + si * 0.5,
      mase: 0.71 + si * 0.02,
      accuracyPct: 93.8 - si * 0.5,
    });
  });
  // The district forecast follows the schools' total (without the short school's dip).
  const level =
    districtActual.slice(HISTORY - 9, HISTORY - 1).reduce((a, b) => a + b, 0) /
    8;
  for (let w = 0; w < HISTORY + HORIZON; w++) {
    const obs = w < HISTORY && w !== 20;
    const f =
      w < HISTORY && w !== 20 && w !== HISTORY - 1
        ? districtActual[w] * (0.97 + 0.06 * r())
        : level * (1 + 0.05 * Math.sin(w / 4));
    const fc = w >= HISTORY - 8 && w !== 20;
    forecasts.push({
      schoolId: 'district',
      schoolName: 'District',
      metric: 'active_students',
      week: isoWeek(WEEKS[w]),
      weekStart: WEEKS[w],
      actual: obs ? districtActual[w] : null,
      forecast: fc ? f : null,
      lo80: fc ? f * 0.92 : null,
      hi80: fc ? f * 1.08 : null,
      lo95: fc ? f * 0.87 : null,
      hi95: fc ? f * 1.13 : null,
      model: 'ETS(A,Ad,N)',
      backtest: w < HISTORY && fc,
    });
  }
  accuracy.push({
    schoolId: 'district',
    schoolName: 'District',
    metric: 'active_students',
    model: 'ETS(A,Ad,N)',
    horizonWeeks: 4,
    points: 24,
    mae: 40,
    rmse: 52,
    mape: 4.1,
    smape: 4.0,
    mase: 0.62,
    accuracyPct: 95.9,
  });

  const mk = (
    s: (typeof SCHOOLS)[number],
    date: string,
    dir: 'drop' | 'surge',
    obs: number,
    exp: number,
    sev: AnomalyRecord['severity'],
  ): AnomalyRecord => {
    const key = {
      schoolId: s.id,
      role: 'student' as const,
      metric: 'active_users',
      grain: 'day' as const,
      date,
    };
    return {
      ...key,
      id: anomalyId(key),
      schoolName: s.name,
      direction: dir,
      observed: obs,
      expected: exp,
      changePct: ((obs - exp) / exp) * 100,
      score: Math.abs(obs - exp) / 10,
      severity: sev,
      endDate: '',
      incidentId: '',
      status: 'new',
      note: '',
      firstFlagged: '',
      statusChanged: '',
    };
  };
  const anomalies = [
    mk(SHORT_SCHOOL, '2025-02-26', 'drop', 62, 180, 'high'),
    mk(SCHOOLS[1], '2025-02-20', 'drop', 90, 160, 'medium'),
    mk(SCHOOLS[2], '2025-01-14', 'surge', 260, 170, 'low'),
    mk(SCHOOLS[4], '2024-11-05', 'drop', 20, 210, 'high'),
  ];
  const underuse: UnderuseRecord[] = SCHOOLS.map((s, i) => ({
    rank: i + 1,
    schoolId: s.id,
    schoolName: s.name,
    product: '',
    metric: 'pctAccess',
    value: 40 + i * 5,
    benchmark: 60,
    benchmarkKind: 'district median',
    peers: SCHOOLS.length,
    gapPct: ((40 + i * 5 - 60) / 60) * 100,
    flagged: (40 + i * 5 - 60) / 60 <= -0.2,
  }));
  const correlations: CorrelationRecord[] = [
    {
      schoolId: 'district',
      schoolName: 'District',
      teacherMetric: 'teacher_events',
      studentMetric: 'student_active_users',
      n: 29,
      pearsonR: 0.72,
      pValue: 0.00001,
      ci95Low: 0.48,
      ci95High: 0.86,
      spearmanRho: 0.69,
      bestLag: 1,
      bestLagR: 0.75,
      effectPer10Pct: 6.8,
      effectLow: 4.1,
      effectHigh: 9.5,
      note: '',
    },
  ];
  const runs: RunLogRecord[] = [
    {
      runId: 'r-001',
      trigger: 'nightly',
      started: '2025-02-27T10:00:02Z',
      finished: '2025-02-27T10:05:40Z',
      status: 'ok',
      phase: 'done',
      executions: 1,
      daysProcessed: 1,
      rowsWritten: 5230,
      serviceCalls: 212,
      message: '',
      callsByService: 'Reports 180, Directory 12, Classroom 20',
      lastExecution:
        'Execution 1: Reports 180, Directory 12, Classroom 20; 5230 row(s) written.',
    },
    {
      runId: 'r-002',
      trigger: 'nightly',
      started: '2025-02-28T10:00:01Z',
      finished: '2025-02-28T10:22:13Z',
      status: 'failed',
      phase: 'ingest',
      executions: 4,
      daysProcessed: 0,
      rowsWritten: 0,
      serviceCalls: 1430,
      message: 'AdminReports: 503 Service unavailable after 7 attempts',
      callsByService: 'Reports 1400, Directory 30',
      lastExecution: 'Execution 4: Reports 350; 0 row(s) written.',
    },
  ];
  const incidents = buildIncidentRecords(
    anomalies,
    [],
    {
      schools: SCHOOLS.length,
      lastDay: '2025-02-28',
      names: new Map(SCHOOLS.map(s => [s.id, s.name])),
    },
    '2025-03-01T10:00:00Z',
  );
  return {
    weekly,
    forecasts,
    accuracy,
    anomalies,
    incidents,
    underuse,
    correlations,
    runs,
  };
}
