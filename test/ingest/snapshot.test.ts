import {QualityLog} from '../../src/clean/quality';
import {Snapshot, type UserRec} from '../../src/sources/api/snapshot';

function user(over: Partial<UserRec>): UserRec {
  return {
    emailKey: 'e',
    school: 0,
    ou: null,
    teaches: 0,
    studies: 0,
    usage: null,
    inactive: false,
    role: 'unknown',
    ...over,
  };
}

function sample(): Snapshot {
  const quality = new QualityLog();
  quality.add('', 'users_in_no_school', 'api:directory', 2, undefined, 'x');
  const users = new Map<string, UserRec>([
    [
      'kA_b-9',
      user({
        emailKey: 'eZ_1',
        school: 1,
        ou: 'teacher',
        teaches: 12,
        studies: 0,
        usage: 'teacher',
        role: 'teacher',
      }),
    ],
    [
      'kStudent',
      user({emailKey: 'eS', ou: 'student', studies: 7, role: 'student'}),
    ],
    ['kNone', user({emailKey: 'eN', school: -1, inactive: true})],
    ['kUsage', user({emailKey: 'eU', usage: 'student', role: 'staff'})],
  ]);
  return new Snapshot(
    [
      {id: 'ou1', name: 'P.S. 1 | "Annex"'},
      {id: 'ou2', name: 'High School'},
    ] as never,
    users,
    [
      {
        id: '123',
        state: 'ACTIVE',
        ownerKey: 'kA_b-9',
        teachers: 2,
        students: 31,
      },
      {id: '456', state: 'ARCHIVED', ownerKey: '', teachers: 0, students: 0},
    ],
    1_700_000_000_000,
    1_690_000_000_000,
    quality,
  );
}

test('a snapshot reads back exactly as it was written', () => {
  const s = sample();
  const back = Snapshot.deserialize(s.serialize());
  expect(back.schools).toEqual(s.schools);
  expect([...back.users]).toEqual([...s.users]);
  expect(back.courses).toEqual(s.courses);
  expect(back.builtAt).toBe(s.builtAt);
  expect(back.rosterAt).toBe(s.rosterAt);
  expect(back.quality.rows()).toEqual(s.quality.rows());
  expect(back.serialize()).toBe(s.serialize());
});

test('the head gives the schools and findings without the users', () => {
  const s = sample();
  const head = Snapshot.head(s.serialize());
  expect(head.schools).toEqual(s.schools);
  expect(head.builtAt).toBe(s.builtAt);
  expect(head.quality.rows()).toEqual(s.quality.rows());
});

test('a truncated user line is skipped, the rest still read', () => {
  const text = sample().serialize();
  const lines = text.split('\n');
  const i = lines.findIndex(l => l.startsWith('u|kStudent|'));
  lines[i] = lines[i].split('|').slice(0, 5).join('|');
  const back = Snapshot.deserialize(lines.join('\n'));
  expect(back.users.has('kStudent')).toBe(false);
  expect(back.users.get('kA_b-9')?.teaches).toBe(12);
  expect(back.users.size).toBe(3);
});

test('a snapshot read in pieces equals it read whole, wherever the pieces split', () => {
  const s = new Snapshot(
    sample().schools,
    sample().users,
    sample().courses,
    1,
    2,
    sample().quality,
    {'/A|B': [3, 1], '/C': [0, 2]},
  );
  const text = s.serialize();
  const whole = Snapshot.deserialize(text);
  for (const size of [1, 2, 7, 13, text.indexOf('\n'), text.length - 1]) {
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += size)
      parts.push(text.slice(i, i + size));
    const back = Snapshot.deserialize(parts);
    expect(back.serialize()).toBe(text);
    expect([...back.users]).toEqual([...whole.users]);
    expect(back.census).toEqual(whole.census);
    expect(back.courses).toEqual(whole.courses);
  }
  // A truncated last line is skipped in pieces as it is whole.
  const cut = text.slice(0, text.length - 3);
  expect([
    ...Snapshot.deserialize([cut.slice(0, 40), cut.slice(40)]).users,
  ]).toEqual([...Snapshot.deserialize(cut).users]);
});
