import {createHmac} from 'node:crypto';
import {
  base64Url,
  Pseudonymizer,
  shortKey,
  suppressSmallGroups,
  USER_KEY_LENGTH,
} from '../../src/core/privacy';
import type {DailyFact} from '../../src/core/types';
import {
  DayAccumulator,
  FinalizeOptions,
  groupKey,
  NO_SCHOOL,
  sessionMinutes,
  sortNumbers,
} from '../../src/metrics/facts';
import {
  buildWeeklyFacts,
  deserializeUserSets,
  DayUserSets,
  serializeUserSets,
} from '../../src/metrics/weekly';

const secret = 'test-secret-0123456789abcdef0123456789abcdef';
const hmac = (m: string) => createHmac('sha256', secret).update(m).digest();
const pz = new Pseudonymizer(m =>
  Array.from(hmac(m)).map(b => (b > 127 ? b - 256 : b)),
);

function key(n: number): string {
  return pz.ofId(String(n));
}

const directory = new Map<
  string,
  {schoolId: string; role: 'student' | 'teacher'}
>();
for (let i = 0; i < 40; i++) {
  directory.set(key(i), {
    schoolId: i < 20 ? 'S1' : 'S2',
    role: i % 10 === 0 ? 'teacher' : 'student',
  });
}

function options(
  day: string,
  over: Partial<FinalizeOptions> = {},
): FinalizeOptions {
  return {
    day,
    apps: ['login', 'classroom'],
    attribute: k => directory.get(k) ?? null,
    groups: [
      {schoolId: 'S1', role: 'student', enrolled: 18},
      {schoolId: 'S1', role: 'teacher', enrolled: 2},
      {schoolId: 'S2', role: 'student', enrolled: 18},
      {schoolId: 'S2', role: 'teacher', enrolled: 2},
    ],
    flags: [],
    timestamps: true,
    ...over,
  };
}

type Ev = [
  user: number,
  app: string,
  kind: string,
  late: boolean,
  minute: number,
];

function events(seed: number, n: number): Ev[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const kinds = [
    'activity',
    'created',
    'turned_in',
    'returned',
    'grade',
    'comment',
    'announcement',
  ];
  const out: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const user = Math.floor(rnd() * 45); // users 40..44 are unknown to the Directory
    if (rnd() < 0.3)
      out.push([
        user,
        'login',
        rnd() < 0.8 ? 'login' : 'logout',
        false,
        Math.floor(rnd() * 1440),
      ]);
    else
      out.push([
        user,
        'classroom',
        kinds[Math.floor(rnd() * kinds.length)],
        rnd() < 0.3,
        Math.floor(rnd() * 1440),
      ]);
  }
  return out;
}

function feed(acc: DayAccumulator, evs: Ev[]): void {
  for (const [u, app, kind, late, minute] of evs)
    acc.addEvent(key(u), app, kind, late, minute);
}

describe('privacy', () => {
  test('keys are the HMAC-SHA256 of the namespaced id, base64url, truncated', () => {
    const expected = createHmac('sha256', secret)
      .update('id:1001')
      .digest('base64url');
    expect(pz.ofId('1001')).toBe(expected.slice(0, USER_KEY_LENGTH));
    expect(base64Url([255, 254, 253, 1])).toBe(
      Buffer.from([255, 254, 253, 1]).toString('base64url'),
    );
    expect(base64Url([-1, -2, -3, 1, 2])).toBe(
      Buffer.from([255, 254, 253, 1, 2]).toString('base64url'),
    );
    expect(pz.ofEmail(' Ana@X.org ')).toBe(pz.ofEmail('ana@x.org'));
    const before = pz.signatures;
    pz.ofId('1001');
    expect(pz.signatures).toBe(before);
  });
  test('small groups are suppressed in shared outputs', () => {
    const rows = [
      {n: 3, active: 2, flags: [] as string[]},
      {n: 0, active: 0, flags: []},
      {n: 12, active: 9, flags: []},
    ];
    const out = suppressSmallGroups(rows, r => r.n, 10, ['active']);
    expect(out.map(r => r.active)).toEqual([null, 0, 9]);
    expect(out[0].flags).toEqual(['suppressed']);
    expect(rows[0].active).toBe(2);
  });
});

describe('daily facts', () => {
  test('session estimate: gaps over 30 minutes split sessions, 5-minute tail', () => {
    expect(sessionMinutes([])).toBe(0);
    expect(sessionMinutes([600])).toBe(5);
    expect(sessionMinutes([600, 610, 640])).toBe(45);
    expect(sessionMinutes([600, 610, 641])).toBe(10 + 5 + 5);
  });

  test('sortNumbers sorts in place as Array.prototype.sort with (a, b) => a - b does', () => {
    let seed = 7;
    const rnd = () =>
      (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const specials = [0, -0, Infinity, -Infinity, NaN, 1.5, -3];
    for (let t = 0; t < 500; t++) {
      const n = Math.floor(rnd() * 45);
      const v = Array.from({length: n}, () =>
        rnd() < 0.1
          ? specials[Math.floor(rnd() * specials.length)]
          : Math.floor(rnd() * 30),
      );
      const expected = [...v].sort((a, b) => a - b);
      const got = sortNumbers(v);
      expect(got).toBe(v);
      // Object.is tells -0 from 0 and matches NaN.
      expect(got.length).toBe(expected.length);
      got.forEach((x, i) => expect(Object.is(x, expected[i])).toBe(true));
    }
  });

  test('hand-checked group: counts, rates, flags, users in no school', () => {
    const acc = new DayAccumulator(['login', 'classroom']);
    acc.addEvent(key(1), 'login', 'login', false, 480);
    acc.addEvent(key(1), 'classroom', 'turned_in', true, 490);
    acc.addEvent(key(1), 'classroom', 'turned_in', false, 495);
    acc.addEvent(key(2), 'login', 'login', false, 500);
    acc.addEvent(key(2), 'login', 'login', false, 900);
    acc.addEvent(key(0), 'classroom', 'grade', false, 1000);
    acc.addEvent(key(99), 'classroom', 'comment', false, 1000);
    expect(acc.addEvent(key(3), 'login', 'ignored', false, 10)).toBe(false);
    const {facts, userSets, unplacedUsers} = acc.finalize(
      options('2025-02-03'),
    );
    const get = (s: string, r: string, a: string) =>
      facts.find(f => f.schoolId === s && f.role === r && f.app === a)!;
    expect(get('S1', 'student', 'login')).toMatchObject({
      activeUsers: 2,
      enrolledUsers: 18,
      events: 3,
      logins: 3,
      loginsPerActive: 1.5,
      pctAccess: 11.1111,
      engagementIndex: 166.6667,
      sessionMinutes: null,
      flags: [],
    });
    expect(get('S1', 'student', 'classroom')).toMatchObject({
      activeUsers: 1,
      events: 2,
      submissionsTurnedIn: 2,
      lateSubmissions: 1,
      logins: 0,
      loginsPerActive: null,
    });
    // user 1: 480..495 -> 15 + 5; user 2: 500 and 900 -> 5 + 5.
    expect(get('S1', 'student', 'workspace')).toMatchObject({
      activeUsers: 2,
      events: 5,
      logins: 3,
      sessionMinutes: 30,
      flags: ['estimated'],
    });
    expect(get('S1', 'teacher', 'classroom')).toMatchObject({
      activeUsers: 1,
      gradesEntered: 1,
    });
    expect(get('S2', 'student', 'login')).toMatchObject({
      activeUsers: 0,
      events: 0,
      pctAccess: 0,
    });
    expect(get(NO_SCHOOL, 'unknown', 'classroom')).toMatchObject({
      activeUsers: 1,
      comments: 1,
      enrolledUsers: 0,
      pctAccess: null,
    });
    expect(unplacedUsers).toBe(1);
    expect(userSets.get(groupKey('S1', 'student', 'workspace'))).toEqual(
      [shortKey(key(1)), shortKey(key(2))].sort(),
    );
    expect(facts).toHaveLength(4 * 3 + 2);
  });

  test('a day split across executions gives the same facts as one pass', () => {
    const evs = events(7, 3000);
    const one = new DayAccumulator(['login', 'classroom']);
    feed(one, evs);
    let acc = new DayAccumulator(['login', 'classroom']);
    for (let i = 0; i < evs.length; i += 700) {
      feed(acc, evs.slice(i, i + 700));
      acc = DayAccumulator.deserialize(acc.serialize());
    }
    const a = one.finalize(options('2025-02-03'));
    const b = acc.finalize(options('2025-02-03'));
    expect(b.facts).toEqual(a.facts);
    expect([...b.userSets]).toEqual([...a.userSets]);
    expect(
      a.facts.reduce((s, f) => s + (f.app === 'workspace' ? f.events : 0), 0),
    ).toBe(evs.length);
  });

  test('an event minute seen again counts once, in the sessions and in the saved day', () => {
    const acc = new DayAccumulator(['login', 'classroom']);
    for (const minute of [600, 600, 610, 600, 700, 610, 700])
      acc.addEvent(key(1), 'classroom', 'activity', false, minute);
    const [, line] = acc.serialize().split('\n');
    expect(line.split('|')[3]).toBe('600,610,700');
    for (const a of [acc, DayAccumulator.deserialize(acc.serialize())]) {
      const ws = a
        .finalize(options('2025-02-03'))
        .facts.find(
          f =>
            f.schoolId === 'S1' &&
            f.role === 'student' &&
            f.app === 'workspace',
        )!;
      // 600-610 (+5) and 700 (+5): 15 + 5 minutes.
      expect(ws).toMatchObject({events: 7, sessionMinutes: 20});
    }
  });

  test('usage-derived days: no session minutes, imputed flag, group counts', () => {
    const acc = new DayAccumulator(['login', 'classroom']);
    acc.addUsage(key(1), 'login', true);
    acc.addUsage(key(1), 'classroom', false);
    acc.addGroupCounts('S1', 'teacher', 'classroom', 'assignmentsCreated', 3);
    acc.addGroupCounts('S1', 'student', 'classroom', 'submissionsTurnedIn', 4);
    acc.addGroupCounts('S1', 'student', 'classroom', 'lateSubmissions', 1);
    const back = DayAccumulator.deserialize(acc.serialize());
    const {facts} = back.finalize(
      options('2024-01-10', {flags: ['imputed'], timestamps: false}),
    );
    const ws = facts.find(
      f => f.schoolId === 'S1' && f.role === 'student' && f.app === 'workspace',
    )!;
    expect(ws).toMatchObject({
      activeUsers: 1,
      logins: 1,
      events: 1 + 4, // one login event; classroom activity adds no event of its own
      submissionsTurnedIn: 4,
      lateSubmissions: 1,
      sessionMinutes: null,
      flags: ['imputed'],
    });
    const t = facts.find(
      f => f.schoolId === 'S1' && f.role === 'teacher' && f.app === 'classroom',
    )!;
    expect(t).toMatchObject({activeUsers: 0, assignmentsCreated: 3, events: 3});
  });
});

describe('weekly facts', () => {
  function day(d: string, evs: Ev[]): {facts: DailyFact[]; sets: DayUserSets} {
    const acc = new DayAccumulator(['login', 'classroom']);
    feed(acc, evs);
    const r = acc.finalize(options(d));
    return {
      facts: r.facts,
      sets: deserializeUserSets(serializeUserSets(r.userSets)),
    };
  }

  test('distinct users are exact across days however they were split', () => {
    const days = [
      '2025-02-10',
      '2025-02-11',
      '2025-02-12',
      '2025-02-13',
      '2025-02-14',
      '2025-02-15',
      '2025-02-16',
    ];
    const all: DailyFact[] = [];
    const sets = new Map<string, DayUserSets>();
    const truth = new Map<string, Set<number>>();
    days.forEach((d, i) => {
      const evs = events(100 + i, 60);
      const r = day(d, evs);
      all.push(...r.facts);
      sets.set(d, r.sets);
      for (const [u, app] of evs) {
        const at = directory.get(key(u));
        const g = `${at?.schoolId ?? NO_SCHOOL}|${at?.role ?? 'unknown'}`;
        for (const a of [app, 'workspace']) {
          const k = `${g}|${a}`;
          if (!truth.has(k)) truth.set(k, new Set());
          truth.get(k)!.add(u);
        }
      }
    });
    const weekly = buildWeeklyFacts(all, sets, {
      calendar: null,
      schoolDaysOnly: false,
    });
    expect(new Set(weekly.map(w => w.week))).toEqual(new Set(['2025-W07']));
    for (const w of weekly) {
      const expected = truth.get(`${w.schoolId}|${w.role}|${w.app}`)?.size ?? 0;
      expect(w.activeUsers).toBe(expected);
      const dailySum = all
        .filter(
          f =>
            f.schoolId === w.schoolId && f.role === w.role && f.app === w.app,
        )
        .reduce((s, f) => s + f.activeUsers, 0);
      expect(w.activeUsers).toBeLessThanOrEqual(dailySum);
      expect(w.flags).not.toContain('partial');
    }
    const s1 = weekly.find(
      w => w.schoolId === 'S1' && w.role === 'student' && w.app === 'workspace',
    )!;
    expect(s1.activeUsers).toBeGreaterThan(5);
    expect(s1.events).toBe(
      all
        .filter(
          f =>
            f.schoolId === 'S1' &&
            f.role === 'student' &&
            f.app === 'workspace',
        )
        .reduce((s, f) => s + f.events, 0),
    );
  });

  test('school days only, partial weeks and a missing day set', () => {
    const calendar = {
      schoolWeekdays: [1, 2, 3, 4, 5],
      closures: [
        {
          name: 'Presidents Day',
          start: '2025-02-17',
          end: '2025-02-17',
          kind: 'holiday' as const,
        },
      ],
      events: [],
    };
    const mon = day('2025-02-17', [[1, 'login', 'login', false, 500]]);
    const tue = day('2025-02-18', [
      [1, 'login', 'login', false, 500],
      [2, 'login', 'login', false, 500],
    ]);
    const sets = new Map([['2025-02-17', mon.sets]]); // Tuesday's set is lost
    const weekly = buildWeeklyFacts([...mon.facts, ...tue.facts], sets, {
      calendar,
      schoolDaysOnly: true,
    });
    const w = weekly.find(
      x => x.schoolId === 'S1' && x.role === 'student' && x.app === 'login',
    )!;
    expect(w.schoolDays).toBe(4);
    expect(w.logins).toBe(2); // Monday is a holiday and does not count
    expect(w.flags).toEqual(['partial', 'imputed']);
    expect(w.activeUsers).toBe(2);
  });
});
