import {cleanActivity, dedupeKey, parseInt64} from '../../src/clean/activities';
import {Deduper, hash53} from '../../src/clean/dedupe';
import {QualityLog} from '../../src/clean/quality';

function act(over: Record<string, unknown> = {}, events?: unknown): unknown {
  return {
    kind: 'admin#reports#activity',
    id: {
      time: '2025-02-03T14:05:06.000Z',
      uniqueQualifier: '-4178539183398471183',
      applicationName: 'classroom',
      customerId: 'C01',
    },
    actor: {email: "Ana.O'Neil@district.example", profileId: '1001'},
    events: events ?? [
      {
        type: 'course_work_update',
        name: 'changed_submission_state',
        parameters: [
          {name: 'submission_state', value: 'TURNED_IN'},
          {name: 'is_late', boolValue: true},
        ],
      },
    ],
    ...over,
  };
}

describe('cleanActivity', () => {
  test('classifies a late turn-in whatever the state casing', () => {
    const q = new QualityLog();
    const a = cleanActivity(act(), 'classroom', '2025-02-03', q)!;
    expect(a.events).toEqual([{kind: 'turned_in', late: true}]);
    expect(a.actorId).toBe('1001');
    expect(a.actorEmail).toBe("ana.o'neil@district.example");
    expect(dedupeKey(a)).toBe(
      `${Date.UTC(2025, 1, 3, 14, 5, 6)}|-4178539183398471183`,
    );
    expect(q.size).toBe(0);
  });

  test('ids and addresses lose white space at either end, Unicode spaces too', () => {
    const q = new QualityLog();
    for (const [id, email, wantId] of [
      [' 1001', 'a@x.example ', '1001'],
      ['1001\t', '\u00a0A@X.example', '1001'],
      ['\u20281001\u3000', '\ufeffa@x.example\u2029', '1001'],
      ['10 01', 'a@x.example', '10 01'],
      ['   ', 'A@x.example', null],
    ] as const) {
      const a = cleanActivity(
        act({actor: {email, profileId: id}}),
        'classroom',
        '2025-02-03',
        q,
      )!;
      expect(a.actorId).toBe(wantId);
      expect(a.actorEmail).toBe('a@x.example');
    }
  });

  test('every event of a multi-event record counts; unknown names are recorded', () => {
    const q = new QualityLog();
    const a = cleanActivity(
      act({}, [
        {name: 'set_grade'},
        {name: 'commented_submission_private'},
        {name: 'teleported_to_course'},
        {
          name: 'changed_submission_state',
          parameters: [{name: 'submission_state', value: 'returned'}],
        },
      ]),
      'classroom',
      '2025-02-03',
      q,
    )!;
    expect(a.events.map(e => e.kind)).toEqual(['grade', 'comment', 'returned']);
    expect(q.count('unknown_event')).toBe(1);
    expect(q.rows()[0].detail).toContain('teleported_to_course');
  });

  test('malformed records are recorded, never thrown', () => {
    const q = new QualityLog();
    const d = '2025-02-03';
    expect(cleanActivity(null, 'login', d, q)).toBeNull();
    expect(cleanActivity(act({id: undefined}), 'login', d, q)).toBeNull();
    expect(
      cleanActivity(act({id: {uniqueQualifier: '1'}}), 'login', d, q),
    ).toBeNull();
    expect(
      cleanActivity(
        act({id: {time: 'yesterday', uniqueQualifier: '1'}}),
        'login',
        d,
        q,
      ),
    ).toBeNull();
    expect(
      cleanActivity(act({actor: {callerType: 'KEY'}}), 'login', d, q),
    ).toBeNull();
    expect(cleanActivity(act({events: []}), 'login', d, q)).toBeNull();
    expect(q.count('malformed_record')).toBe(2);
    expect(q.count('missing_field')).toBe(3);
    expect(q.count('unattributed_actor')).toBe(1);
  });

  test('a missing uniqueQualifier still dedupes on content; a non-numeric one is flagged', () => {
    const q = new QualityLog();
    const a = cleanActivity(
      act({id: {time: '2025-02-03T14:05:06Z'}}, [{name: 'login_success'}]),
      'login',
      '2025-02-03',
      q,
    )!;
    expect(a.events).toEqual([{kind: 'login', late: false}]);
    expect(dedupeKey(a)).toContain('~1001');
    expect(q.count('missing_field')).toBe(1);
    cleanActivity(
      act({id: {time: '2025-02-03T14:05:06Z', uniqueQualifier: 'abc'}}, [
        {name: 'logout'},
      ]),
      'login',
      '2025-02-03',
      q,
    );
    expect(q.count('malformed_int64')).toBe(1);
    // Flagged exactly when parseInt64 rejects the text.
    for (const uq of [
      '-',
      '1'.repeat(20),
      '-1'.repeat(10),
      '12a',
      ' 77 ',
      '-9223372036854775808',
      '0',
    ]) {
      const before = q.count('malformed_int64');
      cleanActivity(
        act({id: {time: '2025-02-03T14:05:06Z', uniqueQualifier: uq}}, [
          {name: 'logout'},
        ]),
        'login',
        '2025-02-03',
        q,
      );
      expect({uq, flagged: q.count('malformed_int64') - before}).toEqual({
        uq,
        flagged: parseInt64(uq) === null ? 1 : 0,
      });
    }
  });

  test('int64 values as strings: parsed strictly', () => {
    expect(parseInt64('-4178539183398471183')).toBeCloseTo(
      -4.178539183398471e18,
      -5,
    );
    expect(parseInt64('42')).toBe(42);
    expect(parseInt64(42)).toBe(42);
    expect(parseInt64('42.5')).toBeNull();
    expect(parseInt64('4e2')).toBeNull();
    expect(parseInt64('')).toBeNull();
    const q = new QualityLog();
    const a = cleanActivity(
      act({}, [
        {
          name: 'changed_submission_state',
          parameters: [
            {name: 'submission_state', value: 'turned_in'},
            {name: 'is_late', intValue: 'yes'},
          ],
        },
      ]),
      'classroom',
      '2025-02-03',
      q,
    )!;
    expect(a.events).toEqual([{kind: 'turned_in', late: false}]);
    expect(q.count('malformed_int64')).toBe(1);
  });

  test('failed logins are known but not engagement', () => {
    const q = new QualityLog();
    const a = cleanActivity(
      act({}, [{name: 'login_failure'}]),
      'login',
      '2025-02-03',
      q,
    )!;
    expect(a.events).toEqual([{kind: 'ignored', late: false}]);
    expect(q.size).toBe(0);
  });
});

describe('Deduper', () => {
  test('drops repeats and survives a save/restore', () => {
    const d = new Deduper();
    expect(d.accept('1|a')).toBe(true);
    expect(d.accept('1|b')).toBe(true);
    expect(d.accept('1|a')).toBe(false);
    const back = Deduper.deserialize(d.serialize());
    expect(back.dropped).toBe(1);
    expect(back.accept('1|b')).toBe(false);
    expect(back.accept('2|b')).toBe(true);
    expect(back.dropped).toBe(2);
    expect(Deduper.deserialize('').size).toBe(0);
  });
  test('acceptRecord(ms, qualifier) is accept of `${ms}|${qualifier}`', () => {
    const cases: [number, string][] = [
      [1738591506000, '-4178539183398471183'],
      [0, 'a'],
      [-86_400_000, '42'],
      [Number.MAX_SAFE_INTEGER, ''],
      [-Number.MAX_SAFE_INTEGER, 'x'],
      [1e21, 'big'], // beyond safe integers: String's own text
      [1.5, 'frac'],
    ];
    for (const [ms, q] of cases) {
      const byKey = new Deduper();
      const byRecord = new Deduper();
      expect(byRecord.acceptRecord(ms, q)).toBe(true);
      expect(byKey.accept(`${ms}|${q}`)).toBe(true);
      expect(byRecord.serialize()).toBe(byKey.serialize());
      expect(byRecord.accept(`${ms}|${q}`)).toBe(false);
      expect(byKey.acceptRecord(ms, q)).toBe(false);
    }
  });

  test('saves the base-36 hashes and reads them back; a damaged entry is dropped', () => {
    const d = new Deduper();
    d.accept('1738591506000|42');
    expect(d.serialize()).toBe(`0;${hash53('1738591506000|42')}`);
    const back = Deduper.deserialize(
      `3;${hash53('1738591506000|42')},not-a-hash!,${hash53('x')}`,
    );
    expect(back.size).toBe(2);
    expect(back.dropped).toBe(3);
    expect(back.accept('1738591506000|42')).toBe(false);
    expect(back.accept('x')).toBe(false);
    expect(back.accept('y')).toBe(true);
  });
  test('keeps tens of thousands of records apart, before and after a save', () => {
    const d = new Deduper();
    const firsts: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      // Every third record is a repeat of an earlier one.
      const j = i % 3 === 2 ? Math.floor(i / 2) : i;
      const first = d.acceptRecord(1738591506000 + j * 1000, String(j * 7919));
      expect(first).toBe(i % 3 !== 2 || j % 3 === 2);
      if (first) firsts.push(`${1738591506000 + j * 1000}|${j * 7919}`);
    }
    expect(d.size).toBe(firsts.length);
    expect(d.dropped).toBe(30_000 - firsts.length);
    const hashes = firsts.map(k => hash53(k)).sort();
    expect(d.serialize()).toBe(`${d.dropped};${hashes.join(',')}`);
    const back = Deduper.deserialize(d.serialize());
    expect(back.size).toBe(d.size);
    expect(firsts.every(k => !back.accept(k))).toBe(true);
    expect(back.accept('1|new')).toBe(true);
  });
  test('hash53 spreads 200,000 keys without a collision', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++)
      seen.add(hash53(`${1738591506000 + i}|${-i * 7919}`));
    expect(seen.size).toBe(200_000);
  });
});

describe('QualityLog', () => {
  test('rows carry severity, counts and at most three examples; JSON round trip', () => {
    const q = new QualityLog();
    for (const n of ['a', 'b', 'c', 'd'])
      q.add('2025-02-03', 'unknown_event', 'api:login', 1, n);
    q.add('2025-02-03', 'duplicates_dropped', 'api:login', 5);
    q.add(
      '',
      'courses_with_no_teacher',
      'api:classroom',
      2,
      'course 7',
      'Courses with no teacher in the roster.',
    );
    const back = QualityLog.fromJSON(JSON.parse(JSON.stringify(q.toJSON())));
    const rows = back.rows();
    expect(rows).toEqual(q.rows());
    const unknown = rows.find(r => r.check === 'unknown_event')!;
    expect(unknown).toMatchObject({
      count: 4,
      severity: 'warning',
      source: 'api:login',
    });
    expect(unknown.detail).toBe('e.g. a; b; c');
    expect(rows[0].check).toBe('courses_with_no_teacher');
    back.clearDate('2025-02-03');
    expect(back.rows()).toHaveLength(1);
    const m = new QualityLog();
    m.add('2025-02-03', 'duplicates_dropped', 'api:login', 2);
    m.merge(q);
    expect(m.count('duplicates_dropped')).toBe(7);
  });
});
