/** Anomalies of one series: decomposition, robust scores, outages and level shifts. */
import {InputError} from '../../core/errors';
import {dayNumber} from '../../clean/dates';
import {
  median,
  quantile,
  robustScale,
  MAD_CONSTANT,
  SortedWindow,
} from '../../stats/robust';
import {decomposeOpen} from './decomposition';
import {breaksBefore, findLevelShifts, levelShift} from './level-shifts';
import {DEFAULT_THRESHOLD, checkBoolArray, severityOf} from './series-types';
import type {
  SeriesAnomaly,
  SeriesAnomalyOptions,
  SeriesAnomalyResult,
} from './series-types';

/**
 * Finds anomalies in one series. Closed and missing (null) values are skipped.
 * Throws InputError naming the field for unusable input.
 */
export function detectSeriesAnomalies(
  y: ReadonlyArray<number | null>,
  options: SeriesAnomalyOptions,
): SeriesAnomalyResult {
  if (!Array.isArray(y))
    throw new InputError('y', 'must be an array of numbers');
  const n = y.length;
  y.forEach((v, i) => {
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw new InputError(
        'y',
        `value at index ${i} is not a finite number or null`,
      );
    }
  });
  const opts = options ?? ({} as SeriesAnomalyOptions);
  const period = opts.period;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1) {
    throw new InputError(
      'period',
      'must be a positive integer (1 for no seasonal cycle)',
    );
  }
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold > 0)) {
    throw new InputError('threshold', 'must be a positive number');
  }
  const minChangePct = opts.minChangePct ?? 15;
  const outageFallPct = opts.outageFallPct ?? 30;
  const maxOutageDays = opts.maxOutageDays ?? 3;
  const minShiftPct = opts.minShiftPct ?? 20;
  const closedIn = checkBoolArray(opts.closed, n, 'closed');
  const peaks = checkBoolArray(opts.expectedPeaks, n, 'expectedPeaks');
  const dates = opts.dates;
  if (dates !== undefined && dates !== null) {
    if (!Array.isArray(dates) || dates.length !== n) {
      throw new InputError(
        'dates',
        `must be an array of ${n} YYYY-MM-DD dates`,
      );
    }
    dates.forEach(d => dayNumber(d, 'dates'));
  }
  const closed = closedIn ?? new Array<boolean>(n).fill(false);
  const open = y.map((v, i) => v !== null && !closed[i]);
  const openIdx: number[] = [];
  open.forEach((o, i) => o && openIdx.push(i));
  const m = openIdx.length;
  if (m < 8) {
    throw new InputError(
      'y',
      `has ${m} usable values (not closed, not missing); anomaly detection needs at least 8`,
    );
  }
  const openVals = openIdx.map(i => y[i] as number);
  const positive = openVals.filter(v => v > 0);
  const logEligible =
    openVals.every(v => v >= 0) && positive.length > 0 && median(openVals) > 0;
  const mode = opts.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'log' && mode !== 'additive') {
    throw new InputError('mode', 'must be "auto", "log" or "additive"');
  }
  if (mode === 'log' && !logEligible) {
    throw new InputError(
      'mode',
      'the log scale needs non-negative values with a positive median',
    );
  }
  if (
    mode === 'auto' &&
    logEligible &&
    quantile(openVals, 0.05) < 0.25 * median(openVals)
  ) {
    // Counts usually vary in proportion to their level (log scale), but a series that
    // climbs from near zero may be fitted better as it is: with values that low, keep
    // the log scale unless the additive fit's typical error is clearly smaller.
    const asLog = detectSeriesAnomalies(y, {...opts, mode: 'log'});
    const asAdd = detectSeriesAnomalies(y, {...opts, mode: 'additive'});
    const err = (r: SeriesAnomalyResult) =>
      median(
        openIdx.map(i =>
          Math.abs((y[i] as number) - (r.expected[i] as number)),
        ),
      );
    return err(asAdd) < 0.8 * err(asLog) ? asAdd : asLog;
  }
  const logMode = mode === 'log' || (mode === 'auto' && logEligible);
  // The log offset grows with the low end of the data (up to a quarter of the median),
  // so a series climbing from near zero is not dominated by its first small counts.
  const offset = logMode
    ? Math.max(
        0.05 * median(positive),
        Math.min(quantile(openVals, 0.05), 0.25 * median(openVals)),
      )
    : 0;
  const toModel = (v: number) => (logMode ? Math.log(v + offset) : v);
  const fromModel = (v: number) =>
    logMode ? Math.max(0, Math.exp(v) - offset) : v;
  const z = y.map((v, i) => (open[i] ? toModel(v as number) : 0));

  // Breaks: closed runs (or date gaps) long enough before an open day.
  const afterBreak = breaksBefore(
    openIdx,
    closed,
    dates,
    period,
    opts.breakMinClosedRun,
  );
  if (closedIn || dates) afterBreak[openIdx[0]] = true;

  // Pass 1: decomposition on the school-day sequence (closed days removed, so a break
  // leaves no hole in the trend window); each value keeps its cycle position.
  const zOpen = openIdx.map(i => z[i]);
  const phases = openIdx.map(i => i % period);
  const perCycle = (m * period) / n;
  // Days with expected peaks (testing) are scored but do not shape the fit.
  // So are first days back after a break (a known calendar effect).
  const prior = openIdx.map(i =>
    (peaks && peaks[i]) || afterBreak[i] ? 0 : 1,
  );
  const fitK: number[] = [];
  prior.forEach((w, k) => w > 0 && fitK.push(k));
  if (fitK.length < 8) {
    throw new InputError('expectedPeaks', 'leave fewer than 8 values to fit');
  }
  const dec1 = decomposeOpen(
    zOpen,
    phases,
    period,
    perCycle,
    opts.sWindow,
    opts.trendWindow,
    prior,
  );
  const floor = logMode ? 0.01 : 1e-9 * Math.max(1, Math.abs(median(openVals)));
  const rem1 = fitK.map(
    k => zOpen[k] - dec1.trend[k] - (dec1.seasonal ? dec1.seasonal[k] : 0),
  );
  const scale1 = Math.max(robustScale(rem1, median(rem1)), floor);

  // A break just before each fitted value (the first day back itself is not fitted).
  const fitBreak = fitK.map((k, j) => {
    for (let q = j === 0 ? 0 : fitK[j - 1] + 1; q <= k; q++) {
      if (afterBreak[openIdx[q]]) return true;
    }
    return false;
  });
  // Level shifts on the deseasonalized school-day values.
  const W = Math.max(3, opts.levelShiftWindow ?? (period === 7 ? 10 : 8));
  const changes = findLevelShifts(
    fitK.map(k => zOpen[k] - (dec1.seasonal ? dec1.seasonal[k] : 0)),
    W,
    scale1,
    threshold,
    logMode
      ? Math.log(1 + minShiftPct / 100)
      : (minShiftPct / 100) * Math.abs(median(zOpen)),
    j => fitBreak[j],
    maxOutageDays,
  ).map(c => ({...c, k: fitK[c.k]}));
  // The level as a step function (every accepted change, recoveries included).
  const step = new Array<number>(m).fill(0);
  for (const c of changes) for (let k = c.k; k < m; k++) step[k] += c.shift;

  // Pass 2: decompose with the steps removed, so days around a shift are judged
  // against the right level and days inside it against the shifted level.
  const dec =
    changes.length > 0
      ? decomposeOpen(
          zOpen.map((v, k) => v - step[k]),
          phases,
          period,
          perCycle,
          opts.sWindow,
          opts.trendWindow,
          prior,
        )
      : dec1;
  const seasonal = dec.seasonal !== null;
  const seasonOpen = zOpen.map((_, k) => (dec.seasonal ? dec.seasonal[k] : 0));
  const baseOpen = zOpen.map((_, k) => dec.trend[k] + seasonOpen[k]);
  const fittedOpen = baseOpen.map((v, k) => v + step[k]);
  // Leave-one-out residuals: a value that shaped its own fit has its residual shrunk,
  // an outlier with no robustness weight does not; dividing by (1 - self-weight) puts
  // both on the same footing, so the scale is not underestimated.
  const remOpen = zOpen.map(
    (v, k) => (v - fittedOpen[k]) / (1 - dec.leverage[k]),
  );
  const looFitted = zOpen.map((v, k) => v - remOpen[k]);

  // Robust scale; a cycle position that is noisier than the rest (e.g. weekends in a
  // series without a calendar) gets its own, larger scale.
  const remFit = fitK.map(k => remOpen[k]);
  const globalScale = Math.max(robustScale(remFit, median(remFit)), floor);
  const scaleOpen = new Array<number>(m).fill(globalScale);
  if (seasonal) {
    const byPhase = new Map<number, number[]>();
    phases.forEach((p, k) => {
      const list = byPhase.get(p);
      if (list) list.push(k);
      else byPhase.set(p, [k]);
    });
    for (const [, ix] of byPhase) {
      const vals = ix.filter(k => prior[k] > 0).map(k => remOpen[k]);
      if (vals.length < 10) continue;
      const med = median(vals);
      const sc = MAD_CONSTANT * median(vals.map(v => Math.abs(v - med)));
      if (sc > 1.5 * globalScale) for (const k of ix) scaleOpen[k] = sc;
    }
  }
  // A stretch that is noisier than the series as a whole (small counts early in a
  // ramp-up, an unsettled term) is judged against its own, larger local scale.
  const half = 15;
  const around = new SortedWindow(2 * half + 1);
  for (let j = 0; j < fitK.length; j++) {
    const lo = Math.max(0, j - half);
    const hi = Math.min(fitK.length, j + half + 1);
    if (hi - lo < 2 * half) continue;
    around.slide(remFit, lo, hi);
    const med = around.median();
    const local = MAD_CONSTANT * around.medianDeviation(med);
    const from = j === 0 ? 0 : fitK[j - 1] + 1;
    const to = j === fitK.length - 1 ? m - 1 : fitK[j];
    for (let k = from; k <= to; k++)
      scaleOpen[k] = Math.max(scaleOpen[k], local);
  }
  const scores: Array<number | null> = new Array<number | null>(n).fill(null);
  const expected: Array<number | null> = new Array<number | null>(n).fill(null);
  openIdx.forEach((i, k) => {
    scores[i] = remOpen[k] / scaleOpen[k];
    expected[i] = fromModel(looFitted[k]);
  });

  const changePctOf = (obs: number, exp: number): number | null =>
    exp > 0 ? ((obs - exp) / exp) * 100 : null;

  // Point anomalies.
  const points: SeriesAnomaly[] = [];
  for (let k = 0; k < m; k++) {
    const i = openIdx[k];
    const sc = scores[i] as number;
    if (Math.abs(sc) < threshold) continue;
    const obs = y[i] as number;
    const exp = expected[i] as number;
    const change = changePctOf(obs, exp);
    const direction = sc < 0 ? 'drop' : 'surge';
    if (change !== null && Math.abs(change) < minChangePct) continue;
    if (change === null && Math.abs(obs - exp) <= floor) continue;
    if (direction === 'surge' && (afterBreak[i] || (peaks && peaks[i])))
      continue;
    // The first value of a calendar-aware series (the first day or week of school)
    // has no history on its left: a ramp-up there is normal, not an anomaly.
    if (k === 0 && (closedIn || dates)) continue;
    points.push({
      index: i,
      direction,
      observed: obs,
      expected: exp,
      changePct: change,
      score: Math.abs(sc),
      severity: severityOf(
        change === null ? null : Math.abs(change),
        Math.abs(sc),
        threshold,
      ),
      kind: direction === 'surge' ? 'spike' : 'dip',
    });
  }
  // Outages: short runs of consecutive school-day drops.
  const posOf = new Map(openIdx.map((i, k) => [i, k]));
  const drops = points.filter(p => p.direction === 'drop');
  for (let a = 0; a < drops.length;) {
    let b = a;
    while (
      b + 1 < drops.length &&
      (posOf.get(drops[b + 1].index) as number) ===
        (posOf.get(drops[b].index) as number) + 1
    ) {
      b++;
    }
    if (b - a + 1 <= maxOutageDays) {
      for (let k = a; k <= b; k++) {
        const c = drops[k].changePct;
        if (c !== null && -c >= outageFallPct) drops[k].kind = 'outage';
      }
    }
    a = b + 1;
  }

  // One row per level shift (recoveries end a shift; they are not reported).
  const shifts: SeriesAnomaly[] = [];
  for (let ci = 0; ci < changes.length; ci++) {
    const c = changes[ci];
    if (c.recovery) continue;
    const endK = ci + 1 < changes.length ? changes[ci + 1].k - 1 : m - 1;
    const ks: number[] = [];
    for (let k = c.k; k <= endK; k++) ks.push(k);
    const obs = median(ks.map(k => y[openIdx[k]] as number));
    const exp = median(ks.map(k => fromModel(fittedOpen[k] - c.shift)));
    shifts.push(
      levelShift(
        openIdx[c.k],
        openIdx[endK],
        ks.length,
        c.shift < 0 ? 'drop' : 'surge',
        obs,
        exp,
        changePctOf(obs, exp),
        c.score,
        threshold,
      ),
    );
  }
  const anomalies = [...points, ...shifts].sort((a, b) => a.index - b.index);
  if (dates) {
    for (const a of anomalies) {
      a.date = dates[a.index];
      if (a.endIndex !== undefined) a.endDate = dates[a.endIndex];
    }
  }
  return {
    anomalies,
    expected,
    scores,
    mode: logMode ? 'log' : 'additive',
    scale: globalScale,
    seasonal,
  };
}
