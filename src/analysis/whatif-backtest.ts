/**
 * The lever backtest: on a school's history, how well did beta x (change in teacher
 * activity) predict the week-on-week change in student activity, in the weeks where
 * teacher activity really rose or fell by more than a threshold?
 *
 * Only pairs of consecutive school weeks whose calendar regressors are equal count (the same
 * school days, no break or testing window entering), so the calendar does not move students
 * in the pair and the predicted change is the teacher term alone. The coefficient is the one
 * fitted on the whole history, so this is an in-sample check of the lever, not a forecast
 * backtest; its skill is measured against predicting no change.
 */
import type {SchoolModelInputs, SchoolSeries} from './forecasting';

export interface LeverEvent {
  weekStart: string;
  /** Week-on-week change of teacher activity, percent. */
  teacherChangePct: number;
  /** Student change the coefficient predicts, and the change seen, percent. */
  predictedPct: number;
  actualPct: number;
}

export interface LeverBacktest {
  thresholdPct: number;
  events: number;
  rises: number;
  falls: number;
  /** Share of events where the student change went the predicted way (null with no event). */
  directionHitRate: number | null;
  /** Mean absolute error of the predicted student change, percentage points. */
  maePct: number | null;
  /** The same for predicting no change: the yardstick. */
  maeNoChangePct: number | null;
  /** 1 - mae / maeNoChange: above 0 when the lever predicts better than no change. */
  skill: number | null;
  meanPredictedPct: number | null;
  meanActualPct: number | null;
  list: LeverEvent[];
}

const SCHOOL_WEEK_DAYS = 3;

/** The lever backtest of one school (see the module comment). */
export function leverBacktest(
  s: SchoolSeries,
  inputs: SchoolModelInputs,
  beta: number,
  thresholdPct: number,
): LeverBacktest {
  const {fwd} = inputs;
  const xreg = inputs.request.xreg ?? [];
  const cal = xreg.filter((_, j) => j !== inputs.teacherColumn);
  const limit = Math.log1p(thresholdPct / 100);
  const list: LeverEvent[] = [];
  const t = s.teachers ?? [];
  for (let i = 1; i < s.weekStarts.length; i++) {
    const t0 = t[i - 1];
    const t1 = t[i];
    const y0 = s.students[i - 1];
    const y1 = s.students[i];
    if (t0 === null || t1 === null || y0 === null || y1 === null) continue;
    if (
      (s.schoolDays[i - 1] ?? 0) < SCHOOL_WEEK_DAYS ||
      (s.schoolDays[i] ?? 0) < SCHOOL_WEEK_DAYS
    )
      continue;
    if (cal.some(c => c[i] !== c[i - 1])) continue;
    if (t0 <= 0 || y0 <= 0) continue;
    const dx = fwd(t1) - fwd(t0);
    // The teacher change itself in percent; the threshold is on that scale both ways.
    const change = Math.log(t1 / t0);
    if (Math.abs(change) <= limit) continue;
    list.push({
      weekStart: s.weekStarts[i],
      teacherChangePct: 100 * Math.expm1(change),
      predictedPct: 100 * Math.expm1(beta * dx),
      actualPct: 100 * Math.expm1(fwd(y1) - fwd(y0)),
    });
  }
  return summarise(list, thresholdPct);
}

/** The events of several schools scored together. */
export function pooledLever(
  parts: ReadonlyArray<LeverBacktest>,
  thresholdPct: number,
): LeverBacktest {
  return summarise(
    parts.flatMap(p => p.list),
    thresholdPct,
  );
}

function summarise(list: LeverEvent[], thresholdPct: number): LeverBacktest {
  const n = list.length;
  const mean = (f: (e: LeverEvent) => number) =>
    n ? list.reduce((a, e) => a + f(e), 0) / n : null;
  const mae = mean(e => Math.abs(e.predictedPct - e.actualPct));
  const mae0 = mean(e => Math.abs(e.actualPct));
  const hits = list.filter(
    e => Math.sign(e.predictedPct) === Math.sign(e.actualPct),
  ).length;
  return {
    thresholdPct,
    events: n,
    rises: list.filter(e => e.teacherChangePct > 0).length,
    falls: list.filter(e => e.teacherChangePct < 0).length,
    directionHitRate: n ? hits / n : null,
    maePct: mae,
    maeNoChangePct: mae0,
    skill: mae !== null && mae0 !== null && mae0 > 0 ? 1 - mae / mae0 : null,
    meanPredictedPct: mean(e => e.predictedPct),
    meanActualPct: mean(e => e.actualPct),
    list,
  };
}
