/** The fact store and the blob store over the offline SpreadsheetApp. */
import type {DailyFact} from '../../src/core/types';
import {
  createOfflineRuntime,
  type OfflineRuntime,
} from '../../src/offline/runtime';
import {
  ArchiveStore,
  DAILY_TAB,
  DailyFactStore,
  SheetBlobStore,
  STORE_TAB,
  archiveOldDays,
  packSchoolDay,
  unpackSchoolDay,
} from '../../src/pipeline/store';

let rt: OfflineRuntime;
beforeEach(() => {
  rt = createOfflineRuntime({});
  for (const [k, v] of Object.entries(rt.globals)) {
    if (k !== 'console') (globalThis as Record<string, unknown>)[k] = v;
  }
});
afterEach(() => {
  for (const k of Object.keys(rt.globals))
    if (k !== 'console') delete (globalThis as Record<string, unknown>)[k];
});

function exec<T>(fn: () => T): {value: T; calls: Record<string, number>} {
  const r = rt.run(fn);
  if (!r.ok) throw new Error(r.error?.stack ?? r.error?.message);
  return {value: r.result as T, calls: r.callsByName};
}

function fact(
  date: string,
  school: string,
  app: string,
  n: number,
  extra: Partial<DailyFact> = {},
): DailyFact {
  return {
    date,
    schoolId: school,
    role: 'student',
    app,
    product: '',
    activeUsers: n,
    enrolledUsers: 100,
    pctAccess: n,
    events: n * 3,
    engagementIndex: n * 30,
    logins: n,
    loginsPerActive: n ? 1 : null,
    sessionMinutes: app === 'workspace' ? n * 12.5 : null,
    assignmentsCreated: 0,
    submissionsTurnedIn: n,
    lateSubmissions: 0,
    workReturned: 0,
    gradesEntered: 0,
    comments: 0,
    announcements: 0,
    flags: app === 'workspace' ? ['estimated'] : [],
    ...extra,
  };
}

const ss = () => SpreadsheetApp.getActiveSpreadsheet();

describe('SheetBlobStore', () => {
  test('round-trips text of any size and shape, one version kept', () => {
    const big = Array.from({length: 120_000}, (_, i) =>
      String.fromCharCode(32 + (i % 90)),
    ).join('');
    const tricky = [
      '=SUM(A1:A2)',
      '+1',
      '-2',
      '@x',
      '2025-02-03',
      '00123',
      'TRUE',
      '',
      '|pipe',
      "'quote",
    ];
    exec(() => {
      const b = new SheetBlobStore(ss());
      b.put('big', big);
      tricky.forEach((t, i) => b.put(`t${i}`, t));
      b.put('big', big + 'v2');
    });
    const {value} = exec(() => {
      const b = new SheetBlobStore(ss());
      return {
        big: b.get('big'),
        tricky: tricky.map((_, i) => b.get(`t${i}`)),
        keys: b.keys('t'),
        missing: b.get('nope'),
      };
    });
    expect(value.big).toBe(big + 'v2');
    expect(value.tricky).toEqual(tricky);
    expect(value.keys).toHaveLength(tricky.length);
    expect(value.missing).toBeNull();
    const rows = rt.spreadsheet.getSheetByName(STORE_TAB)!.getLastRow();
    expect(rows).toBe(1 + 3 + tricky.length); // one version of 'big' in 3 chunks
    expect(rt.spreadsheet.getSheetByName(STORE_TAB)!.isSheetHidden()).toBe(
      true,
    );
  });

  test('a write interrupted before the old version was deleted, or half-written, reads consistently', () => {
    exec(() => new SheetBlobStore(ss()).put('k', 'one'));
    // An execution that appended version 2 and died before deleting version 1:
    const sh = rt.spreadsheet.getSheetByName(STORE_TAB)!;
    sh.getRange(3, 1, 1, 5).setValues([['|k', 2, 0, 1, '|two']]);
    // ...and a torn version 3 (1 of 2 parts), which no real setValues can leave, is ignored.
    sh.getRange(4, 1, 1, 5).setValues([['|k', 3, 0, 2, '|thr']]);
    const {value} = exec(() => new SheetBlobStore(ss()).get('k'));
    expect(value).toBe('two');
    exec(() => new SheetBlobStore(ss()).put('k', 'four'));
    expect(exec(() => new SheetBlobStore(ss()).get('k')).value).toBe('four');
    expect(sh.getLastRow()).toBe(2);
    exec(() => new SheetBlobStore(ss()).delete('k'));
    expect(exec(() => new SheetBlobStore(ss()).get('k')).value).toBeNull();
  });
});

describe('DailyFactStore', () => {
  const d1 = [
    fact('2025-02-03', 'A', 'login', 5),
    fact('2025-02-03', 'A', 'workspace', 6),
  ];
  const d2 = [
    fact('2025-02-04', 'A', 'login', 7),
    fact('2025-02-04', 'A', 'workspace', 8),
  ];
  const d3 = [
    fact('2025-02-05', 'A', 'login', 9),
    fact('2025-02-05', 'A', 'workspace', 10),
  ];

  test('replacing a day: in place, growing and shrinking, never duplicating', () => {
    exec(() => {
      const s = new DailyFactStore(ss());
      s.replaceDay('2025-02-03', d1);
      s.replaceDay('2025-02-04', d2);
      s.replaceDay('2025-02-05', d3);
    });
    const same = exec(() =>
      new DailyFactStore(ss()).replaceDay(
        '2025-02-04',
        d2.map(f => ({...f, events: 99})),
      ),
    );
    expect(same.calls['Range.setValues']).toBe(1);
    const grown = [...d2, fact('2025-02-04', 'B', 'login', 1)];
    const g = exec(() =>
      new DailyFactStore(ss()).replaceDay('2025-02-04', grown),
    );
    expect(g.calls['Range.setValues']).toBe(1);
    expect(exec(() => new DailyFactStore(ss()).readAll()).value).toEqual([
      ...d1,
      ...grown,
      ...d3,
    ]);
    exec(() => new DailyFactStore(ss()).replaceDay('2025-02-04', [d2[0]]));
    expect(exec(() => new DailyFactStore(ss()).readAll()).value).toEqual([
      ...d1,
      d2[0],
      ...d3,
    ]);
    // An older day arriving later goes in its place.
    const d0 = [fact('2025-02-02', 'A', 'login', 1)];
    exec(() => new DailyFactStore(ss()).replaceDay('2025-02-02', d0));
    expect(exec(() => new DailyFactStore(ss()).readAll()).value).toEqual([
      ...d0,
      ...d1,
      d2[0],
      ...d3,
    ]);
    expect(exec(() => new DailyFactStore(ss()).days()).value).toEqual([
      '2025-02-02',
      '2025-02-03',
      '2025-02-04',
      '2025-02-05',
    ]);
  });

  test('a long tab: nightly writes grow the grid in steps; old days and week reads stay exact', () => {
    const day = (i: number) =>
      new Date(Date.UTC(2025, 0, 1) + i * 86_400_000)
        .toISOString()
        .slice(0, 10);
    const rowsOf = (i: number, n = 0) =>
      Array.from({length: 90}, (_, k) =>
        fact(
          day(i),
          `S${String(k).padStart(3, '0')}`,
          'login',
          (i + k + n) % 50,
        ),
      );
    // 60 days of 90 rows: more rows than the store reads from the end at first.
    let inserts = 0;
    for (let i = 0; i < 60; i++) {
      const r = exec(() =>
        new DailyFactStore(ss()).replaceDay(day(i), rowsOf(i)),
      );
      inserts += r.calls['Sheet.insertRowsAfter'] ?? 0;
    }
    // One insert per day would be 60 (the first 1,000 rows come with the new tab).
    expect(inserts).toBeLessThanOrEqual(12);
    const sh = () => ss().getSheetByName(DAILY_TAB)!;
    expect(
      exec(() => sh().getMaxRows() - sh().getLastRow()).value,
    ).toBeLessThanOrEqual(5_000);
    // A re-fetched old day (before the tail read first) with one row more, then fewer.
    const grown = [...rowsOf(3, 7), fact(day(3), 'S999', 'login', 1)];
    exec(() => new DailyFactStore(ss()).replaceDay(day(3), grown));
    const all = exec(() => new DailyFactStore(ss()).readAll()).value;
    const want = Array.from({length: 60}, (_, i) =>
      i === 3 ? grown : rowsOf(i),
    ).flat();
    expect(all).toEqual(want);
    exec(() => new DailyFactStore(ss()).replaceDay(day(3), rowsOf(3)));
    // A week's rows read alone equal the same days from the whole tab.
    const week = exec(() =>
      new DailyFactStore(ss()).readDays(day(7), day(13)),
    ).value;
    expect(week).toEqual(
      Array.from({length: 7}, (_, i) => rowsOf(7 + i)).flat(),
    );
    expect(
      exec(() => new DailyFactStore(ss()).readDays(day(58), day(70))).value,
    ).toEqual([...rowsOf(58), ...rowsOf(59)]);
    expect(exec(() => new DailyFactStore(ss()).days()).value).toEqual(
      Array.from({length: 60}, (_, i) => day(i)),
    );
    expect(exec(() => new DailyFactStore(ss()).cellsUsed()).value).toBe(
      (60 * 90 + 1) * 21,
    );
    // New rows carry the column formats: dates stay text, never Date values.
    const dates = exec(() =>
      sh()
        .getRange(2, 1, sh().getLastRow() - 1, 1)
        .getValues(),
    ).value;
    expect(dates.every(r => typeof r[0] === 'string')).toBe(true);
  });

  test('values from outside never become formulas; dates stay ISO text', () => {
    const evil = [
      fact('2025-02-03', '=IMPORTXML("http://x","//a")', 'login', 1, {
        product: '+cmd|calc',
      }),
    ];
    exec(() => new DailyFactStore(ss()).replaceDay('2025-02-03', evil));
    const raw = rt.spreadsheet
      .getSheetByName(DAILY_TAB)!
      .getRange(2, 1, 1, 5)
      .getValues()[0];
    expect(raw[0]).toBe('2025-02-03');
    expect(String(raw[1]).startsWith('=')).toBe(false);
    expect(exec(() => new DailyFactStore(ss()).readAll()).value).toEqual(evil);
  });

  test('old days move to the packed archive, losslessly, when the tab passes its budget', () => {
    const days = ['2025-02-03', '2025-02-04', '2025-02-05', '2025-02-06'];
    const all = days.flatMap((d, i) => [
      fact(d, 'A', 'login', i),
      fact(d, 'A', 'workspace', i + 1),
      fact(d, 'B', 'login', i + 2),
    ]);
    exec(() => {
      const s = new DailyFactStore(ss());
      for (const d of days)
        s.replaceDay(
          d,
          all.filter(f => f.date === d),
        );
    });
    const {value: moved} = exec(() =>
      archiveOldDays(
        new DailyFactStore(ss()),
        new ArchiveStore(ss()),
        '2025-02-06',
        200,
      ),
    );
    expect(moved).toEqual({
      archived: ['2025-02-03', '2025-02-04'],
      rolledUp: [],
    });
    const {value} = exec(() => ({
      tab: new DailyFactStore(ss()).readAll(),
      archive: new ArchiveStore(ss()).readAll(),
    }));
    expect(value.tab).toEqual(all.filter(f => f.date >= '2025-02-05'));
    expect(value.archive).toEqual(all.filter(f => f.date < '2025-02-05'));
    expect(
      unpackSchoolDay('2025-02-03', 'A', packSchoolDay(all.slice(0, 2))),
    ).toEqual(all.slice(0, 2));
    // Past the archive's own budget the oldest days roll up (their weekly facts remain).
    const {value: rolled} = exec(() =>
      archiveOldDays(
        new DailyFactStore(ss()),
        new ArchiveStore(ss()),
        '2025-02-06',
        10_000,
        12,
      ),
    );
    expect(rolled).toEqual({archived: [], rolledUp: ['2025-02-03']});
    expect(exec(() => new ArchiveStore(ss()).readAll()).value).toEqual(
      all.filter(f => f.date === '2025-02-04'),
    );
  });

  test('stores trim the default 26-column grid to what they use', () => {
    exec(() => {
      new DailyFactStore(ss()).replaceDay('2025-02-03', [
        fact('2025-02-03', 'A', 'login', 1),
      ]);
      new SheetBlobStore(ss()).put('k', 'v');
      new ArchiveStore(ss()).append([fact('2025-02-01', 'A', 'login', 1)]);
    });
    expect(rt.spreadsheet.getSheetByName(DAILY_TAB)!.getMaxColumns()).toBe(21);
    expect(rt.spreadsheet.getSheetByName(STORE_TAB)!.getMaxColumns()).toBe(5);
    expect(
      rt.spreadsheet.getSheetByName('_pulse_archive')!.getMaxColumns(),
    ).toBe(3);
  });
});
