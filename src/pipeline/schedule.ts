/**
 * What an hourly tick has to run (pure: no Apps Script globals).
 *
 * As an Editor add-on, Classroom Pulse has one hourly trigger per document instead of the
 * bound script's nightly, weekly and continuation triggers (see src/platform/triggers.ts).
 * Each tick compares the district's local time with the slots already dispatched: the
 * nightly slot (every day at NIGHTLY_HOUR) and the weekly slot (Tuesday at WEEKLY_HOUR).
 * A slot is dispatched once, on the first tick at or after it, so a late or missed tick
 * still runs it and a second tick in the same hour finds nothing to do.
 */
import {addDays, weekday} from '../clean/dates';

/** District-local time of a tick: its day (YYYY-MM-DD) and hour (0-23). */
export interface LocalTime {
  day: string;
  hour: number;
}

/** The slots already dispatched, and a "run now" waiting for its first execution. */
export interface ScheduleMarks {
  /** When the schedule was installed (ISO): slots before it are not owed. */
  installed?: string;
  /** Day of the last nightly slot dispatched. */
  nightly?: string;
  /** Day (a Tuesday) of the last weekly slot dispatched. */
  weekly?: string;
  /** When a run was asked for from the sidebar and not started yet (ISO). */
  manualRequested?: string;
}

export type TickJob = 'manual' | 'weekly' | 'nightly' | 'continuation';

export interface SlotHours {
  nightlyHour: number;
  weeklyHour: number;
  /** 0 = Sunday .. 6 = Saturday. */
  weeklyDay: number;
}

/** The day of the latest daily slot at `hour` not after `t`. */
export function lastDailySlot(t: LocalTime, hour: number): string {
  return t.hour >= hour ? t.day : addDays(t.day, -1);
}

/** The day of the latest weekly slot (weekday `dow` at `hour`) not after `t`. */
export function lastWeeklySlot(
  t: LocalTime,
  dow: number,
  hour: number,
): string {
  const back = (weekday(t.day) - dow + 7) % 7;
  if (back === 0 && t.hour < hour) return addDays(t.day, -7);
  return addDays(t.day, -back);
}

/** Marks for a schedule installed at `t`: the slots already past are not run. */
export function marksAt(t: LocalTime, h: SlotHours): ScheduleMarks {
  return {
    nightly: lastDailySlot(t, h.nightlyHour),
    weekly: lastWeeklySlot(t, h.weeklyDay, h.weeklyHour),
  };
}

/**
 * The job a tick at `t` runs (null: nothing is due), and the marks to save before running
 * it (saved first, so a run that fails or is killed is not started again every hour; a
 * killed run resumes as a continuation). A run asked for from the sidebar comes first, then
 * the weekly analysis (which ingests too, so it also takes the nightly slot), then the
 * nightly ingest, then a pending run's next execution. Slots not yet marked count from
 * `since`, the local time of the install (or of this tick when that is unknown).
 */
export function dueJob(
  t: LocalTime,
  since: LocalTime,
  marks: ScheduleMarks,
  pendingRun: boolean,
  h: SlotHours,
): {job: TickJob | null; marks: ScheduleMarks} {
  const start = marksAt(since, h);
  const base: ScheduleMarks = {
    nightly: marks.nightly ?? start.nightly,
    weekly: marks.weekly ?? start.weekly,
  };
  const nightly = lastDailySlot(t, h.nightlyHour);
  const weekly = lastWeeklySlot(t, h.weeklyDay, h.weeklyHour);
  if (marks.manualRequested) return {job: 'manual', marks: base};
  if (base.weekly! < weekly) {
    return {job: 'weekly', marks: {weekly, nightly}};
  }
  if (base.nightly! < nightly) {
    return {job: 'nightly', marks: {...base, nightly}};
  }
  return {job: pendingRun ? 'continuation' : null, marks: base};
}
