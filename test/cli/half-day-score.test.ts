import type {SchoolCalendar} from '../../src/core/types';
import {halfDayScore} from '../../src/cli/summary';

const period = (start: string, kind: 'half-day' | 'holiday', end = start) => ({
  name: kind,
  start,
  end,
  kind,
});

describe("the scorecard's half days", () => {
  const truth: SchoolCalendar = {
    schoolWeekdays: [1, 2, 3, 4, 5],
    closures: [],
    events: [
      period('2024-09-27', 'half-day'),
      period('2024-11-22', 'half-day'),
      period('2024-12-13', 'half-day'),
      period('2025-03-14', 'half-day'), // after the scored period
    ],
  };

  test('counts the days both calendars call half days, over the period only', () => {
    const used: SchoolCalendar = {
      schoolWeekdays: [1, 2, 3, 4, 5],
      // The product closed 2024-11-22: a half day it does not use.
      closures: [period('2024-11-22', 'holiday')],
      events: [
        period('2024-09-27', 'half-day'),
        period('2024-11-22', 'half-day'),
        period('2024-12-13', 'half-day'),
        period('2024-10-04', 'half-day'), // a false one
      ],
    };
    expect(halfDayScore(used, truth, '2024-08-01', '2025-01-31')).toEqual({
      halfDaysInferred: 3,
      halfDaysTrue: 3,
      halfDayPrecision: 2 / 3,
      halfDayRecall: 2 / 3,
    });
  });

  test('no half day used: precision is n/a, recall 0', () => {
    const used: SchoolCalendar = {...truth, events: []};
    expect(halfDayScore(used, truth, '2024-08-01', '2025-01-31')).toEqual({
      halfDaysInferred: 0,
      halfDaysTrue: 3,
      halfDayPrecision: null,
      halfDayRecall: 0,
    });
  });
});
