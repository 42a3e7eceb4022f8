/**
 * The Calendar tab in the offline runtime, where Sheets turns the written dates into date
 * cells (midnight in the spreadsheet's time zone): learned entries read back whole, and a
 * rewrite with the same entries leaves the tab as it was.
 */
import type {CalendarEntry} from '../../src/core/types';
import {createOfflineRuntime} from '../../src/offline/runtime';
import {readCalendarTab, writeCalendarTab} from '../../src/sheets/calendar-tab';
import {inRuntime} from '../ui/harness';

const learned: CalendarEntry[] = [
  {
    name: 'Winter break',
    start: '2025-12-22',
    end: '2026-01-02',
    kind: 'break',
    source: 'inferred',
    confirmed: null,
  },
  {
    name: 'Possible outage or unlisted closure',
    start: '2026-03-04',
    end: '2026-03-04',
    kind: 'possible-outage',
    source: 'inferred',
    confirmed: null,
  },
];

describe('Calendar tab on a spreadsheet west of UTC', () => {
  it('reads back the dates it wrote, with no problem rows and no duplicates', () => {
    const rt = createOfflineRuntime({
      timeZone: 'America/New_York',
      costs: {cpuFactor: 0},
    });
    const first = inRuntime(rt, () => writeCalendarTab({inferred: learned}));
    expect(first.warnings).toEqual([]);
    expect(first.entries).toEqual(learned);
    const again = inRuntime(rt, () => writeCalendarTab({inferred: learned}));
    expect(again.rows).toHaveLength(2);
    expect(inRuntime(rt, () => readCalendarTab()).entries).toEqual(learned);
  });
});
