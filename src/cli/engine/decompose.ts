/**
 * JSON command handlers for decomposition, anomaly detection and correlation
 * (`node dist/cli.cjs stl|anomalies|correlate`). Each takes one parsed request and
 * returns the response object; bad input throws InputError naming the field.
 */
import {InputError} from '../../core/errors';
import {detectSeriesAnomalies} from '../../analysis/anomalies';
import {dayNumber} from '../../clean/dates';
import {
  bestLag,
  ccf,
  laggedElasticity,
  pearson,
  spearman,
} from '../../stats/correlation';
import {stl, StlOptions} from '../../stats/stl';

function asObject(request: unknown): Record<string, unknown> {
  if (
    typeof request !== 'object' ||
    request === null ||
    Array.isArray(request)
  ) {
    throw new InputError('request', 'must be a JSON object');
  }
  return request as Record<string, unknown>;
}

function numberArray(
  v: unknown,
  field: string,
  allowNull = false,
): Array<number | null> {
  if (!Array.isArray(v))
    throw new InputError(field, 'must be an array of numbers');
  return v.map((e, i) => {
    if (e === null && allowNull) return null;
    if (typeof e !== 'number' || !Number.isFinite(e)) {
      throw new InputError(
        field,
        `value at index ${i} is not a finite number${allowNull ? ' or null' : ''}`,
      );
    }
    return e;
  });
}

function optionalNumber(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InputError(field, 'must be a number');
  }
  return v;
}

function requiredPeriod(v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new InputError('period', `must be an integer of at least ${min}`);
  }
  return v;
}

/** `stl`: {y, period, sWindow, sDegree?, tWindow?, tDegree?, lWindow?, robust?, ...}. */
export function stlCommand(request: unknown): {
  seasonal: number[];
  trend: number[];
  remainder: number[];
  weights: number[];
} {
  const r = asObject(request);
  const y = numberArray(r.y, 'y') as number[];
  const period = requiredPeriod(r.period, 2);
  const sWindow = r.sWindow;
  if (
    sWindow !== 'periodic' &&
    (typeof sWindow !== 'number' || !Number.isFinite(sWindow))
  ) {
    throw new InputError('sWindow', 'is required: an odd number or "periodic"');
  }
  if (
    r.robust !== undefined &&
    r.robust !== null &&
    typeof r.robust !== 'boolean'
  ) {
    throw new InputError('robust', 'must be true or false');
  }
  const opts: StlOptions = {
    sWindow,
    sDegree: optionalNumber(r.sDegree, 'sDegree'),
    tWindow: optionalNumber(r.tWindow, 'tWindow'),
    tDegree: optionalNumber(r.tDegree, 'tDegree'),
    lWindow: optionalNumber(r.lWindow, 'lWindow'),
    lDegree: optionalNumber(r.lDegree, 'lDegree'),
    sJump: optionalNumber(r.sJump, 'sJump'),
    tJump: optionalNumber(r.tJump, 'tJump'),
    lJump: optionalNumber(r.lJump, 'lJump'),
    inner: optionalNumber(r.inner, 'inner'),
    outer: optionalNumber(r.outer, 'outer'),
    robust: r.robust === true,
  };
  const fit = stl(y, period, opts);
  return {
    seasonal: fit.seasonal,
    trend: fit.trend,
    remainder: fit.remainder,
    weights: fit.weights,
  };
}

export interface AnomalyResponseRow {
  index: number;
  date?: string;
  direction: 'drop' | 'surge';
  observed: number;
  expected: number;
  score: number;
  severity: 'low' | 'medium' | 'high';
  kind: string;
  changePct: number | null;
  endIndex?: number;
  endDate?: string;
  days?: number;
}

function dateList(v: unknown, field: string, n?: number): string[] {
  if (!Array.isArray(v))
    throw new InputError(field, 'must be an array of YYYY-MM-DD dates');
  if (n !== undefined && v.length !== n) {
    throw new InputError(field, `has ${v.length} dates but y has ${n} values`);
  }
  return v.map(d => {
    if (typeof d !== 'string')
      throw new InputError(field, 'must hold YYYY-MM-DD strings');
    dayNumber(d, field);
    return d;
  });
}

/**
 * `anomalies`: {y, period, dates?, closedDates?, expectedPeakDates?, threshold?,
 * schoolDays?, fullWeekDays?, distinctUsers?}. closedDates (needs dates) or
 * closedIndices mark days that are neither fitted nor flagged; schoolDays (weekly
 * series) closes and scales short weeks.
 */
export function anomaliesCommand(request: unknown): {
  anomalies: AnomalyResponseRow[];
} {
  const r = asObject(request);
  const y = numberArray(r.y, 'y', true);
  const period = requiredPeriod(r.period, 1);
  const n = y.length;
  let dates: string[] | undefined;
  if (r.dates !== undefined && r.dates !== null) {
    dates = dateList(r.dates, 'dates', n);
    for (let i = 1; i < n; i++) {
      if (dates[i] <= dates[i - 1]) {
        throw new InputError(
          'dates',
          `must increase; "${dates[i]}" follows "${dates[i - 1]}"`,
        );
      }
    }
  }
  const closed = new Array<boolean>(n).fill(false);
  if (r.closedDates !== undefined && r.closedDates !== null) {
    if (!dates)
      throw new InputError('closedDates', 'needs dates to match against');
    const set = new Set(dateList(r.closedDates, 'closedDates'));
    dates.forEach((d, i) => (closed[i] = set.has(d)));
  }
  if (r.closedIndices !== undefined && r.closedIndices !== null) {
    const idx = numberArray(r.closedIndices, 'closedIndices') as number[];
    for (const i of idx) {
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new InputError(
          'closedIndices',
          `index ${i} is outside 0..${n - 1}`,
        );
      }
      closed[i] = true;
    }
  }
  let peaks: boolean[] | undefined;
  if (r.expectedPeakDates !== undefined && r.expectedPeakDates !== null) {
    if (!dates)
      throw new InputError('expectedPeakDates', 'needs dates to match against');
    const set = new Set(dateList(r.expectedPeakDates, 'expectedPeakDates'));
    peaks = dates.map(d => set.has(d));
  }
  // Weekly series: school days per week. Weeks with under 60% of a full week are
  // closed; counts of shorter weeks are scaled to a full week for the fit (unless the
  // metric counts distinct users) and reported back in the week's own units.
  const factor = new Array<number>(n).fill(1);
  if (r.schoolDays !== undefined && r.schoolDays !== null) {
    const sd = numberArray(r.schoolDays, 'schoolDays') as number[];
    if (sd.length !== n) {
      throw new InputError(
        'schoolDays',
        `has ${sd.length} values but y has ${n}`,
      );
    }
    const full =
      optionalNumber(r.fullWeekDays, 'fullWeekDays') ?? Math.max(...sd);
    if (!(full > 0))
      throw new InputError('schoolDays', 'no week has school days');
    const distinct = r.distinctUsers === true;
    sd.forEach((d, i) => {
      if (d < 0)
        throw new InputError('schoolDays', `value at index ${i} is negative`);
      if (d < 0.6 * full) closed[i] = true;
      else if (!distinct) factor[i] = full / Math.min(d, full);
    });
  }
  const yFit = y.map((v, i) => (v === null ? null : v * factor[i]));
  const result = detectSeriesAnomalies(yFit, {
    period,
    dates,
    closed,
    expectedPeaks: peaks,
    threshold: optionalNumber(r.threshold, 'threshold'),
    minChangePct: optionalNumber(r.minChangePct, 'minChangePct'),
  });
  return {
    anomalies: result.anomalies.map(a => {
      const k = a.kind === 'level_shift' ? 1 : factor[a.index];
      const row: AnomalyResponseRow = {
        index: a.index,
        direction: a.direction,
        observed: a.observed / k,
        expected: a.expected / k,
        score: a.score,
        severity: a.severity,
        kind: a.kind,
        changePct: a.changePct,
      };
      if (a.date !== undefined) row.date = a.date;
      if (a.endIndex !== undefined) {
        row.endIndex = a.endIndex;
        row.days = a.days;
        if (a.endDate !== undefined) row.endDate = a.endDate;
      }
      return row;
    }),
  };
}

/**
 * `correlate`: {x, y, maxLag?} -> Pearson (t-test, Fisher 95% interval), Spearman,
 * ccf by lag (R's convention), the best lag, and the log-log regression of y on x
 * lagged by the lead the ccf found (when both series are non-negative).
 */
export function correlateCommand(request: unknown): {
  pearson: {
    r: number;
    t: number;
    df: number;
    pValue: number;
    ci95: [number, number] | null;
  };
  spearman: {rho: number; pValue: number};
  ccf: {lags: number[]; values: number[]};
  bestLag: number;
  bestLagValue: number;
  regression: {
    lag: number;
    slope: number;
    ci95: [number, number];
    pctFor10Pct: number;
    pctFor10PctCi95: [number, number];
    r2: number;
    n: number;
  } | null;
} {
  const r = asObject(request);
  const x = numberArray(r.x, 'x') as number[];
  const y = numberArray(r.y, 'y') as number[];
  let maxLag: number | undefined;
  if (r.maxLag !== undefined && r.maxLag !== null) {
    if (
      typeof r.maxLag !== 'number' ||
      !Number.isInteger(r.maxLag) ||
      r.maxLag < 0
    ) {
      throw new InputError('maxLag', 'must be a non-negative integer');
    }
    maxLag = r.maxLag;
  }
  const p = pearson(x, y);
  const s = spearman(x, y);
  const c = ccf(x, y, maxLag);
  const best = bestLag(c);
  let regression = null;
  if (x.every(v => v >= 0) && y.every(v => v >= 0)) {
    const lead = best.lag < 0 ? -best.lag : 0;
    if (x.length - lead >= 5) {
      try {
        const e = laggedElasticity(x, y, lead);
        regression = {
          lag: lead,
          slope: e.slope,
          ci95: e.ci95,
          pctFor10Pct: e.pctFor10Pct,
          pctFor10PctCi95: e.pctFor10PctCi95,
          r2: e.r2,
          n: e.n,
        };
      } catch (err) {
        // A constant log series has no slope; the correlations above still stand.
        if (!(err instanceof InputError)) throw err;
      }
    }
  }
  return {
    pearson: {r: p.r, t: p.t, df: p.df, pValue: p.pValue, ci95: p.ci95},
    spearman: {rho: s.rho, pValue: s.pValue},
    ccf: {lags: c.lags, values: c.values},
    bestLag: best.lag,
    bestLagValue: best.value,
    regression,
  };
}
