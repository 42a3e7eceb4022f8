import {
  ANOMALIES,
  LOOKER_PREFIX,
  LOOKER_TABLES,
  ADMIN_TABLES,
  AnomalyRecord,
  DAILY_FACTS,
  LK_DAILY,
  anomalyId,
  dataDictionary,
  fromRows,
  headersOf,
  lookerAnomaly,
  lookerFact,
  mergeAnomalies,
  tabArgs,
  toRows,
} from '../../src/sheets/tables';
import type {DailyFact} from '../../src/core/types';

function fact(over: Partial<DailyFact> = {}): DailyFact {
  return {
    date: '2025-02-03',
    schoolId: 'ou:01',
    role: 'student',
    app: 'classroom',
    product: '',
    activeUsers: 120,
    enrolledUsers: 400,
    pctAccess: 30,
    events: 900,
    engagementIndex: 2250,
    logins: 150,
    loginsPerActive: 1.25,
    sessionMinutes: null,
    assignmentsCreated: 0,
    submissionsTurnedIn: 80,
    lateSubmissions: 5,
    workReturned: 3,
    gradesEntered: 0,
    comments: 2,
    announcements: 0,
    flags: ['partial'],
    ...over,
  };
}

function anomaly(over: Partial<AnomalyRecord> = {}): AnomalyRecord {
  const base = {
    schoolId: 's1',
    role: 'student' as const,
    metric: 'active_users',
    grain: 'day' as const,
    date: '2025-03-04',
  };
  return {
    ...base,
    id: anomalyId(base),
    schoolName: 'PS 1',
    direction: 'drop',
    observed: 10,
    expected: 100,
    changePct: -90,
    score: 8,
    severity: 'high',
    endDate: '',
    incidentId: '',
    status: 'new',
    note: '',
    firstFlagged: '',
    statusChanged: '',
    ...over,
  };
}

describe('Looker tabs', () => {
  it('share one prefix, snake_case headers, and unique tab names', () => {
    const names = LOOKER_TABLES.map(t => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const t of LOOKER_TABLES) {
      expect(t.name.startsWith(LOOKER_PREFIX)).toBe(true);
      const h = headersOf(t);
      expect(new Set(h).size).toBe(h.length);
      for (const k of h) expect(k).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    }
    for (const t of ADMIN_TABLES)
      expect(t.name.startsWith(LOOKER_PREFIX)).toBe(false);
  });

  it('the data dictionary describes every column of every Looker tab', () => {
    const dict = dataDictionary();
    const described = new Set(dict.map(d => `${d.table}.${d.column}`));
    let n = 0;
    for (const t of LOOKER_TABLES) {
      for (const h of headersOf(t)) {
        expect(described.has(`${t.name}.${h}`)).toBe(true);
        n++;
      }
    }
    expect(dict.length).toBe(n);
    for (const d of dict) expect(d.description.length).toBeGreaterThan(5);
    expect(
      dict.find(d => d.column === 'date' && d.table === 'lk_daily')!.type,
    ).toBe('DATE');
  });

  it('no Looker tab carries the admin note or any email/name column', () => {
    for (const t of LOOKER_TABLES) {
      for (const h of headersOf(t))
        expect(h).not.toMatch(/note|email|user_name|full_name/);
    }
    expect(
      Object.keys(lookerAnomaly(anomaly({note: 'Ms Smith was out'}))),
    ).not.toContain('note');
  });

  it('suppresses small groups with blanks, never zeros', () => {
    const small = lookerFact(
      fact({enrolledUsers: 7, activeUsers: 5}),
      10,
      () => '2025-W06',
    );
    expect(small.suppressed).toBe(true);
    expect(small.activeUsers).toBeNull();
    expect(small.pctAccess).toBeNull();
    const row = toRows(LK_DAILY, [small])[0];
    const h = headersOf(LK_DAILY);
    expect(row[h.indexOf('active_users')]).toBeNull();
    expect(row[h.indexOf('is_suppressed')]).toBe(true);
    const big = lookerFact(fact(), 10, () => '2025-W06');
    expect(big).toMatchObject({
      suppressed: false,
      activeUsers: 120,
      week: '2025-W06',
      partial: true,
    });
  });
});

describe('records and rows', () => {
  it('round-trip through rows, with blanks as null and lists joined', () => {
    const a = tabArgs(DAILY_FACTS, [fact({flags: ['partial', 'imputed']})]);
    expect(a.headers[0]).toBe('Date');
    expect(a.numberFormats[0]).toBe('@');
    const row = a.rows[0];
    expect(row[a.headers.indexOf('Flags')]).toBe('partial; imputed');
    expect(row[a.headers.indexOf('Session minutes (est.)')]).toBeNull();
    const back = fromRows(
      DAILY_FACTS,
      a.headers,
      a.rows.map(r => r.map(v => (v === null ? '' : v))),
    );
    expect(back[0]).toEqual(fact({flags: ['partial', 'imputed']}));
  });

  it('finds columns by header even when moved', () => {
    const h = headersOf(ANOMALIES);
    const rows = toRows(ANOMALIES, [
      anomaly({status: 'explained', note: 'PD day'}),
    ]);
    const rev = [...h].reverse();
    const back = fromRows(
      ANOMALIES,
      rev,
      rows.map(r => [...r].reverse()),
    );
    expect(back[0].status).toBe('explained');
    expect(back[0].note).toBe('PD day');
  });
});

describe('anomaly merge', () => {
  it('gives stable ids that differ by every part', () => {
    const k = {
      schoolId: 's',
      role: 'student',
      metric: 'm',
      grain: 'day',
      date: '2025-01-01',
    };
    expect(anomalyId(k)).toBe(anomalyId({...k}));
    expect(anomalyId(k)).toMatch(/^A[0-9a-f]{16}$/);
    for (const f of Object.keys(k) as (keyof typeof k)[]) {
      expect(anomalyId({...k, [f]: k[f] + 'x'})).not.toBe(anomalyId(k));
    }
  });

  it('keeps the admin status and note across re-runs, drops stale new ones, no duplicates', () => {
    const a = anomaly();
    const b = anomaly({
      date: '2025-03-05',
      id: anomalyId({
        schoolId: 's1',
        role: 'student',
        metric: 'active_users',
        grain: 'day',
        date: '2025-03-05',
      }),
    });
    const c = anomaly({date: '2025-03-06', id: 'Aold', status: 'new'});
    const first = mergeAnomalies([a, b, c], [], '2025-03-07T06:00:00Z');
    expect(first.map(x => x.status)).toEqual(['new', 'new', 'new']);
    const edited = first.map(x =>
      x.id === a.id
        ? {
            ...x,
            status: 'explained' as const,
            note: 'Snow day',
            statusChanged: '2025-03-07T09:00:00Z',
          }
        : x,
    );
    const second = mergeAnomalies(
      [a, b, {...a}],
      edited,
      '2025-03-08T06:00:00Z',
    );
    expect(second).toHaveLength(2);
    const ma = second.find(x => x.id === a.id)!;
    expect(ma).toMatchObject({
      status: 'explained',
      note: 'Snow day',
      firstFlagged: '2025-03-07T06:00:00Z',
    });
    // The explained one survives even when no longer flagged; the stale new one (c) is gone.
    const third = mergeAnomalies([], second, '2025-03-09T06:00:00Z');
    expect(third.map(x => x.id)).toEqual([a.id]);
  });

  it('keeps settled flags (before the settled day) as they are, re-deciding only later ones', () => {
    const old = anomaly({date: '2025-01-10', id: 'Aold1', status: 'new'});
    const recent = anomaly({date: '2025-03-05', id: 'Arecent', status: 'new'});
    const fresh = anomaly({date: '2025-03-06', id: 'Afresh'});
    const merged = mergeAnomalies(
      [fresh],
      [old, recent],
      '2025-03-08T06:00:00Z',
      '2025-03-01',
    );
    // The old flag stays untouched; the recent one, not flagged again, is dropped.
    expect(merged.map(x => x.id)).toEqual(['Afresh', 'Aold1']);
    expect(merged[1]).toEqual(old);
    // Without a settled day the old new-status flag would be dropped as stale.
    expect(
      mergeAnomalies([fresh], [old], '2025-03-08T06:00:00Z').map(x => x.id),
    ).toEqual(['Afresh']);
  });

  it('withdraws a settled drop on a day the calendar has since learned explains it', () => {
    // The calendar learned a year on that 10 Jan was a half day: its unreviewed drop
    // goes; a reviewed one stays, and so does a drop on any other settled day.
    const halfDay = anomaly({date: '2025-01-10', id: 'Ahalf', status: 'new'});
    const reviewed = anomaly({
      date: '2025-01-10',
      id: 'Areviewed',
      schoolId: 's2',
      status: 'explained',
    });
    const other = anomaly({date: '2025-01-13', id: 'Aother', status: 'new'});
    const merged = mergeAnomalies(
      [],
      [halfDay, reviewed, other],
      '2025-03-08T06:00:00Z',
      '2025-03-01',
      day => day === '2025-01-10',
    );
    expect(merged.map(x => x.id).sort()).toEqual(['Aother', 'Areviewed']);
    // A surge on that day is not the calendar's.
    const surge = {...halfDay, direction: 'surge' as const};
    expect(
      mergeAnomalies(
        [],
        [surge],
        '2025-03-08T06:00:00Z',
        '2025-03-01',
        day => day === '2025-01-10',
      ),
    ).toEqual([surge]);
  });

  it('re-decides a sustained drop still going on after the settled day', () => {
    // Begun before the settled day, its last day after it: not settled yet.
    const ongoing = anomaly({
      date: '2025-01-20',
      endDate: '2025-03-03',
      id: 'Aongoing',
      status: 'new',
    });
    const ended = anomaly({
      date: '2025-01-06',
      endDate: '2025-02-14',
      id: 'Aended',
      status: 'new',
    });
    const merged = mergeAnomalies(
      [],
      [ongoing, ended],
      '2025-03-08T06:00:00Z',
      '2025-03-01',
    );
    expect(merged.map(x => x.id)).toEqual(['Aended']);
  });
});
