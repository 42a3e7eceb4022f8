import {defaultSettings} from '../../src/core/settings';
import {ApiSource} from '../../src/sources/api/source';
import {pstDay} from '../../src/sources/api/usage';
import type {ApiServices} from '../../src/sources/api/services';
import {
  isFinalPartition,
  isSettled,
  needsFetch,
  settledAt,
  type PartitionState,
} from '../../src/sources/source';

const source = new ApiSource({} as ApiServices);
const now = Date.UTC(2025, 2, 3, 14); // 2025-03-03 06:00 in UTC-8, 09:00 in New York
const settings = {
  ...defaultSettings('America/New_York'),
  startDate: '2025-02-20',
  trailingDays: 3,
};
const HOUR = 3_600_000;
/** New York's local midnight ending a day (EST, UTC-5, before 9 March). */
const dayEnd = (d: string) =>
  Date.parse(`${d}T00:00:00Z`) + 24 * HOUR + 5 * HOUR;

function state(stored: Record<string, PartitionState>) {
  return {watermark: null, partitions: new Map(Object.entries(stored))};
}

test('a first run plans every day from the start to yesterday', () => {
  const days = source.planDays(settings, state({}), {
    lastDay: '2025-03-02',
    now,
    dayEnd,
  });
  expect(days[0]).toBe('2025-02-20');
  expect(days[days.length - 1]).toBe('2025-03-02');
  expect(days).toHaveLength(11);
});

test('settle time: the end of the day in the district zone plus the trailing days', () => {
  expect(settledAt('2025-02-27', 3, dayEnd)).toBe(Date.UTC(2025, 2, 3, 5));
  expect(isSettled('2025-02-27', Date.UTC(2025, 2, 3, 5), 3, dayEnd)).toBe(
    true,
  );
  expect(isSettled('2025-02-27', Date.UTC(2025, 2, 3, 5) - 1, 3, dayEnd)).toBe(
    false,
  );
  // Without the zone, the latest possible end (UTC midnight + 12 h): never earlier.
  expect(settledAt('2025-02-27', 3)).toBe(Date.UTC(2025, 2, 3, 12));
  expect(isSettled('2025-02-27', Date.UTC(2025, 2, 3, 11), 3)).toBe(false);
});

test('later runs: new days, days that settled since their fetch, days still partial', () => {
  const before = Date.UTC(2025, 1, 27, 10); // a fetch on 27 February, 05:00 New York
  const stored: Record<string, PartitionState> = {
    // Fetched long after they settled, final: not fetched again.
    '2025-02-20': {partial: false, fetchedAt: now - 5 * 24 * HOUR, rows: 9},
    '2025-02-21': {partial: false, fetchedAt: now - 5 * 24 * HOUR, rows: 9},
    // Fetched after it settled but a usage report was partial: again.
    '2025-02-22': {partial: true, fetchedAt: now - 5 * 24 * HOUR, rows: 9},
    // Skipped (stalled) before anything was stored: again.
    '2025-02-23': {partial: true, fetchedAt: 0, rows: 0},
    // Fetched before they settled (settle: end + 3 days), now settled: again.
    '2025-02-25': {partial: false, fetchedAt: before, rows: 9},
    '2025-02-26': {partial: false, fetchedAt: before, rows: 9},
    '2025-02-27': {partial: true, fetchedAt: before, rows: 9},
    // Fetched before they settled, not settled yet: left until they settle, partial or not.
    '2025-02-28': {partial: true, fetchedAt: before, rows: 9},
    '2025-03-01': {partial: true, fetchedAt: now - 4 * HOUR, rows: 9},
  };
  const days = source.planDays(settings, state(stored), {
    lastDay: '2025-03-02',
    now,
    dayEnd,
  });
  expect(days).toEqual([
    '2025-02-22',
    '2025-02-23',
    '2025-02-24', // never stored
    '2025-02-25',
    '2025-02-26',
    '2025-02-27',
    '2025-03-02', // new
  ]);
});

test('over a week of nightly runs each day is fetched twice: when new and once settled', () => {
  const stored = new Map<string, PartitionState>();
  const fetches = new Map<string, number[]>();
  const s = {...settings, startDate: '2025-03-01'};
  // Nightly at 05:00 New York (10:00 UTC) from 2 to 14 March.
  for (let night = 2; night <= 14; night++) {
    const at = Date.UTC(2025, 2, night, 10);
    const lastDay = `2025-03-${String(night - 1).padStart(2, '0')}`;
    for (const d of source.planDays(
      s,
      {watermark: null, partitions: stored},
      {lastDay, now: at, dayEnd},
    )) {
      fetches.set(d, [...(fetches.get(d) ?? []), at]);
      // Partial while its end is less than a day old, as the API source flags it.
      stored.set(d, {
        partial: at < dayEnd(d) + 24 * HOUR,
        fetchedAt: at,
        rows: 9,
      });
    }
  }
  // Days that settled by the last night: two fetches, the last one after settling.
  for (let day = 1; day <= 10; day++) {
    const d = `2025-03-${String(day).padStart(2, '0')}`;
    const at = fetches.get(d)!;
    expect({d, n: at.length}).toEqual({d, n: 2});
    expect(at[1]).toBeGreaterThanOrEqual(settledAt(d, 3, dayEnd));
    expect(at[0]).toBeLessThan(settledAt(d, 3, dayEnd));
    expect(isFinalPartition(d, stored.get(d), 3, dayEnd)).toBe(true);
  }
  // The latest days are fetched once so far and are not final yet.
  for (const d of ['2025-03-11', '2025-03-12', '2025-03-13']) {
    expect(fetches.get(d)).toHaveLength(1);
    expect(isFinalPartition(d, stored.get(d), 3, dayEnd)).toBe(false);
  }
  // A run every night would have fetched each day about four times under the old
  // trailing-window rule; here 13 nights fetch 13 new days plus 10 settled ones.
  expect([...fetches.values()].reduce((n, a) => n + a.length, 0)).toBe(13 + 10);
});

test('a day begun before it settled does not count as fetched after it', () => {
  const p = {partial: false, fetchedAt: settledAt('2025-02-27', 3, dayEnd) - 1};
  expect(isFinalPartition('2025-02-27', p, 3, dayEnd)).toBe(false);
  expect(
    needsFetch('2025-02-27', p, 3, {lastDay: '2025-03-02', now, dayEnd}),
  ).toBe(true);
  // trailingDays 0: settled at the end of the day; a lag-partial fetch is retried.
  const lag = {partial: true, fetchedAt: dayEnd('2025-03-02') + HOUR, rows: 9};
  expect(
    needsFetch('2025-03-02', lag, 0, {
      lastDay: '2025-03-02',
      now: now + 24 * HOUR,
      dayEnd,
    }),
  ).toBe(true);
});

test('retention: older days come from usage reports, days past 450 are not planned', () => {
  expect(pstDay(now)).toBe('2025-03-03');
  expect(source.activityCutoff(now)).toBe('2024-09-05');
  const old = {...settings, startDate: '2023-06-01'};
  const days = source.planDays(old, state({}), {
    lastDay: '2025-03-02',
    now,
  });
  expect(days[0]).toBe(source.earliestDay(now));
  expect(source.unavailableDays(old, '2025-03-02', now)).toBe(
    Math.round(
      (Date.parse(`${source.earliestDay(now)}T00:00:00Z`) -
        Date.parse('2023-06-01T00:00:00Z')) /
        86_400_000,
    ),
  );
  // An empty start date means the days the activity log still holds in full.
  const fresh = source.planDays({...settings, startDate: ''}, state({}), {
    lastDay: '2025-03-02',
    now,
  });
  expect(fresh).toHaveLength(179);
  expect(fresh[0]).toBe(source.activityCutoff(now));
});
