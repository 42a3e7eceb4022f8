import {defaultSettings} from '../../src/core/settings';
import {ApiSource, pstDay} from '../../src/sources/api/source';
import type {ApiServices} from '../../src/sources/api/services';

const source = new ApiSource({} as ApiServices);
const now = Date.UTC(2025, 2, 3, 14); // 2025-03-03 06:00 in UTC-8
const settings = {
  ...defaultSettings('America/New_York'),
  startDate: '2025-02-20',
  trailingDays: 3,
};

function state(stored: Record<string, boolean>, watermark: string | null) {
  return {
    watermark,
    partitions: new Map(
      Object.entries(stored).map(([d, partial]) => [
        d,
        {partial, fetchedAt: 0},
      ]),
    ),
  };
}

test('a first run plans every day from the start to yesterday', () => {
  const days = source.planDays(settings, state({}, null), {
    lastDay: '2025-03-02',
    now,
  });
  expect(days[0]).toBe('2025-02-20');
  expect(days[days.length - 1]).toBe('2025-03-02');
  expect(days).toHaveLength(11);
});

test('later runs: missing days, partial days, and the trailing window behind the watermark', () => {
  const stored: Record<string, boolean> = {};
  for (let d = 20; d <= 28; d++) stored[`2025-02-${d}`] = false;
  stored['2025-02-22'] = true; // partial: pulled again
  const days = source.planDays(settings, state(stored, '2025-02-28'), {
    lastDay: '2025-03-02',
    now,
  });
  expect(days).toEqual([
    '2025-02-22',
    '2025-02-26',
    '2025-02-27',
    '2025-02-28',
    '2025-03-01',
    '2025-03-02',
  ]);
});

test('retention: older days come from usage reports, days past 450 are not planned', () => {
  expect(pstDay(now)).toBe('2025-03-03');
  expect(source.activityCutoff(now)).toBe('2024-09-05');
  const old = {...settings, startDate: '2023-06-01'};
  const days = source.planDays(old, state({}, null), {
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
  const fresh = source.planDays({...settings, startDate: ''}, state({}, null), {
    lastDay: '2025-03-02',
    now,
  });
  expect(fresh).toHaveLength(179);
  expect(fresh[0]).toBe(source.activityCutoff(now));
});
