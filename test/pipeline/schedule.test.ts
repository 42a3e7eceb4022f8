/** The hourly tick's choice of job (src/pipeline/schedule.ts), on local times. */
import {
  dueJob,
  lastDailySlot,
  lastWeeklySlot,
  type LocalTime,
  type ScheduleMarks,
} from '../../src/pipeline/schedule';

const H = {nightlyHour: 5, weeklyHour: 6, weeklyDay: 2};
const at = (day: string, hour: number): LocalTime => ({day, hour});

describe('slots', () => {
  test('the nightly slot is today from 05:00, yesterday before', () => {
    expect(lastDailySlot(at('2025-03-05', 4), 5)).toBe('2025-03-04');
    expect(lastDailySlot(at('2025-03-05', 5), 5)).toBe('2025-03-05');
    expect(lastDailySlot(at('2025-03-01', 0), 5)).toBe('2025-02-28');
  });

  test('the weekly slot is the latest Tuesday 06:00 not after the tick', () => {
    // 2025-03-04 is a Tuesday.
    expect(lastWeeklySlot(at('2025-03-04', 5), 2, 6)).toBe('2025-02-25');
    expect(lastWeeklySlot(at('2025-03-04', 6), 2, 6)).toBe('2025-03-04');
    expect(lastWeeklySlot(at('2025-03-10', 23), 2, 6)).toBe('2025-03-04');
    expect(lastWeeklySlot(at('2025-03-11', 7), 2, 6)).toBe('2025-03-11');
  });
});

describe('dueJob', () => {
  // Installed on Wednesday 2025-03-05 at 14:00.
  const since = at('2025-03-05', 14);
  const run = (
    t: LocalTime,
    marks: ScheduleMarks,
    pending = false,
  ): [string | null, ScheduleMarks] => {
    const r = dueJob(t, since, marks, pending, H);
    return [r.job, r.marks];
  };

  test('nothing is owed for the slots before the install', () => {
    expect(run(at('2025-03-05', 15), {})[0]).toBeNull();
    expect(run(at('2025-03-06', 4), {})[0]).toBeNull();
  });

  test('the first tick at or after 05:00 runs the nightly ingest, once', () => {
    const [job, marks] = run(at('2025-03-06', 5), {});
    expect(job).toBe('nightly');
    expect(marks.nightly).toBe('2025-03-06');
    expect(run(at('2025-03-06', 6), marks)[0]).toBeNull();
    // A late tick still runs it (Apps Script may skip or delay one).
    expect(run(at('2025-03-06', 9), {})[0]).toBe('nightly');
  });

  test('Tuesday: the nightly at 05:00, the weekly analysis at 06:00', () => {
    let marks: ScheduleMarks = {nightly: '2025-03-10', weekly: '2025-03-04'};
    let job: string | null;
    [job, marks] = run(at('2025-03-11', 5), marks);
    expect(job).toBe('nightly');
    [job, marks] = run(at('2025-03-11', 6), marks);
    expect(job).toBe('weekly');
    expect(marks).toEqual({nightly: '2025-03-11', weekly: '2025-03-11'});
    expect(run(at('2025-03-11', 7), marks)[0]).toBeNull();
  });

  test('a weekly run that catches up also takes the nightly slot', () => {
    const [job, marks] = run(at('2025-03-11', 8), {
      nightly: '2025-03-10',
      weekly: '2025-03-04',
    });
    expect(job).toBe('weekly');
    expect(marks.nightly).toBe('2025-03-11');
  });

  test('a paused run resumes on the next tick with nothing else due', () => {
    const marks = {nightly: '2025-03-06', weekly: '2025-03-04'};
    expect(run(at('2025-03-06', 7), marks, true)).toEqual([
      'continuation',
      marks,
    ]);
    expect(run(at('2025-03-06', 7), marks, false)[0]).toBeNull();
  });

  test('a run asked for from the sidebar comes first and is cleared', () => {
    const [job, marks] = run(
      at('2025-03-11', 6),
      {
        nightly: '2025-03-10',
        weekly: '2025-03-04',
        manualRequested: '2025-03-11T10:00:00Z',
      },
      true,
    );
    expect(job).toBe('manual');
    expect(marks.manualRequested).toBeUndefined();
    expect(run(at('2025-03-11', 7), marks)[0]).toBe('weekly');
  });
});
