/**
 * The Classroom history sweep re-reads only courses that can still change: what it read
 * of archived courses is carried over, and the history is the same as a full re-read.
 */
import {SheetBlobStore} from '../../src/pipeline/store';
import {ARCHIVED_BLOB, HISTORY_BLOB} from '../../src/sources/api/source';
import {makeFixture} from './fixture';
import {
  ingestUntilDone,
  runtimeFor,
  settingsFor,
  uninstallGlobals,
} from './harness';

afterAll(() => uninstallGlobals());

const DAY = 86_400_000;

function blob(key: string): string | null {
  return new SheetBlobStore(SpreadsheetApp.getActiveSpreadsheet()).get(key);
}

/**
 * The history without its build time, example lists sorted: two sweeps at different
 * times, reading courses in a different order, compare equal.
 */
function content(text: string | null): unknown {
  const o = JSON.parse(text ?? 'null') as Record<string, unknown>;
  delete o.builtAt;
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.every(x => typeof x === 'string')
        ? [...v].sort()
        : v.map(norm)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]))
        : v;
  return norm(o);
}

test('a later sweep skips archived courses already read and keeps the same history', () => {
  const fx = makeFixture({
    schools: 2,
    students: 10,
    teachers: 3,
    from: '2025-01-06',
    to: '2025-03-02',
    seed: 11,
    timeZone: 'America/New_York',
  });
  const courses = fx.data.courses();
  const archived = courses.filter((_, i) => i % 2 === 0);
  for (const c of archived) c.courseState = 'ARCHIVED';
  const settings = settingsFor({startDate: '2025-02-24'});
  const rt = runtimeFor(fx.data);
  expect(ingestUntilDone(rt, settings).errors).toEqual([]);
  const courseWork = 'Classroom.Courses.CourseWork.list';
  const firstReads = rt.calls.get(courseWork);
  expect(firstReads).toBe(courses.length);
  const carried = JSON.parse(
    rt.run(() => blob(ARCHIVED_BLOB)).result as string,
  );
  expect([...carried.ids].sort()).toEqual(archived.map(c => c.id).sort());

  // A month on, the history is stale and swept again.
  rt.clock.advance(29 * DAY);
  rt.calls.reset();
  expect(ingestUntilDone(rt, settings).errors).toEqual([]);
  expect(rt.calls.get(courseWork)).toBe(courses.length - archived.length);
  const swept = rt.run(() => blob(HISTORY_BLOB)).result as string;

  // The same sweep with nothing carried reads every course and builds the same history.
  rt.run(() =>
    new SheetBlobStore(SpreadsheetApp.getActiveSpreadsheet()).delete(
      ARCHIVED_BLOB,
    ),
  );
  rt.clock.advance(29 * DAY);
  rt.calls.reset();
  expect(ingestUntilDone(rt, settings).errors).toEqual([]);
  expect(rt.calls.get(courseWork)).toBe(courses.length);
  const full = rt.run(() => blob(HISTORY_BLOB)).result as string;
  expect(content(swept)).toEqual(content(full));
});
