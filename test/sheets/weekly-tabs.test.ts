/**
 * `Weekly facts` and `lk_weekly` rewritten from the first changed week: the tabs end up
 * exactly as a whole write leaves them, and anything the prints cannot vouch for (no
 * prints, rows removed by hand, a week gone) is written whole.
 */
import type {WeeklyFact} from '../../src/core/types';
import {createOfflineRuntime} from '../../src/offline/runtime';
import {byWeekThenSchool} from '../../src/pipeline/ingest';
import {writeWeeklyTabs, type WeekPrints} from '../../src/sheets/weekly-tabs';
import {inRuntime} from '../ui/harness';
import {district, isoWeek} from '../ui/fixtures';

type Runtime = ReturnType<typeof createOfflineRuntime>;

/** The fixture's facts in the order readFacts gives them: by week, then school. */
function facts(seed: number): WeeklyFact[] {
  return district(seed).weekly.sort(byWeekThenSchool);
}

function write(rt: Runtime, weekly: WeeklyFact[], previous: WeekPrints | null) {
  return inRuntime(rt, () =>
    writeWeeklyTabs(weekly, {minGroupSize: 10, isoWeekOf: isoWeek, previous}),
  );
}

/** Values and number formats of both tabs. */
function tabs(rt: Runtime): string {
  return ['Weekly facts', 'lk_weekly']
    .map(name => {
      const r = rt.spreadsheet.getSheetByName(name)!.getDataRange();
      return JSON.stringify([r.getValues(), r.getNumberFormats()]);
    })
    .join('\n');
}

/** The tabs as one whole write of `weekly` leaves them. */
function whole(weekly: WeeklyFact[]): string {
  const rt = createOfflineRuntime({costs: {cpuFactor: 0}});
  write(rt, weekly, null);
  return tabs(rt);
}

describe('weekly tabs written from the first changed week', () => {
  const base = facts(1);
  const weeks = [...new Set(base.map(f => f.weekStart))];
  const lastWeek = weeks[weeks.length - 1];

  it('rewrites only the changed weeks and ends as a whole write does', () => {
    const rt = createOfflineRuntime({costs: {cpuFactor: 0}});
    const first = write(rt, base, null);
    expect(first.results.map(r => r.rows)).toEqual([base.length, base.length]);

    // The newest week's counts move and a new week arrives.
    const next = base.map(f =>
      f.weekStart === lastWeek ? {...f, activeUsers: f.activeUsers + 1} : f,
    );
    const added = base
      .filter(f => f.weekStart === lastWeek)
      .map(f => ({...f, weekStart: '2099-01-05', week: '2099-W02'}));
    const second = write(rt, [...next, ...added], first.prints);
    expect(second.results.map(r => r.mode)).toEqual(['inPlace', 'inPlace']);
    const changedRows = next.filter(f => f.weekStart === lastWeek).length;
    expect(second.results[0].rows).toBe(changedRows + added.length);
    expect(tabs(rt)).toBe(whole([...next, ...added]));

    // Nothing changed: nothing is written.
    const third = write(rt, [...next, ...added], second.prints);
    expect(third.results.map(r => r.rows)).toEqual([0, 0]);
    expect(third.results.map(r => r.setValuesCalls)).toEqual([0, 0]);
    expect(tabs(rt)).toBe(whole([...next, ...added]));
  });

  it('rewrites from an early week whose school days a learned closure changed', () => {
    const rt = createOfflineRuntime({costs: {cpuFactor: 0}});
    const first = write(rt, base, null);
    const moved = base.map(f =>
      f.weekStart === weeks[3] ? {...f, schoolDays: 4} : f,
    );
    const second = write(rt, moved, first.prints);
    expect(second.results.map(r => r.mode)).toEqual(['inPlace', 'inPlace']);
    expect(second.results[0].rows).toBe(
      moved.filter(f => f.weekStart >= weeks[3]).length,
    );
    expect(tabs(rt)).toBe(whole(moved));
  });

  it('writes whole when rows were removed by hand or a week is gone', () => {
    const rt = createOfflineRuntime({costs: {cpuFactor: 0}});
    const first = write(rt, base, null);
    inRuntime(rt, () =>
      rt.spreadsheet.getSheetByName('Weekly facts')!.deleteRows(5, 3),
    );
    const second = write(rt, base, first.prints);
    // The edited tab is written whole; its twin still holds what its prints say.
    expect(second.results.map(r => r.rows)).toEqual([base.length, 0]);
    expect(tabs(rt)).toBe(whole(base));

    const fewer = base.filter(f => f.weekStart !== weeks[0]);
    const third = write(rt, fewer, second.prints);
    expect(third.results.map(r => r.rows)).toEqual([
      fewer.length,
      fewer.length,
    ]);
    expect(tabs(rt)).toBe(whole(fewer));
  });

  it('writes whole when the facts are not in week order', () => {
    const rt = createOfflineRuntime({costs: {cpuFactor: 0}});
    const first = write(rt, base, null);
    const shuffled = [...base.slice(1), base[0]];
    const second = write(rt, shuffled, first.prints);
    expect(second.results.map(r => r.rows)).toEqual([
      shuffled.length,
      shuffled.length,
    ]);
    expect(tabs(rt)).toBe(whole(shuffled));
  });
});
