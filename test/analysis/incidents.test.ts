import {
  groupIncidents,
  incidentHeadline,
  multiSchoolThreshold,
  spanText,
  type IncidentFlag,
} from '../../src/analysis/incidents';

let seq = 0;
function flag(over: Partial<IncidentFlag>): IncidentFlag {
  seq++;
  return {
    id: `A${String(seq).padStart(4, '0')}`,
    date: '2024-12-11',
    grain: 'day',
    schoolId: 's01',
    role: 'student',
    metric: 'activeUsers',
    direction: 'drop',
    observed: 40,
    expected: 100,
    changePct: -60,
    severity: 'high',
    ...over,
  };
}

const school = (i: number) => `s${String(i).padStart(2, '0')}`;

describe('groupIncidents', () => {
  it('makes one district-wide incident of a two-day outage across every school and role', () => {
    const flags: IncidentFlag[] = [];
    for (let i = 1; i <= 40; i++) {
      for (const date of ['2024-12-11', '2024-12-12']) {
        flags.push(flag({schoolId: school(i), date, role: 'student'}));
        flags.push(
          flag({
            schoolId: school(i),
            date,
            role: 'teacher',
            observed: 4,
            expected: 10,
          }),
        );
      }
    }
    // The week of the outage is flagged too, for a few schools.
    flags.push(flag({schoolId: school(3), date: '2024-12-09', grain: 'week'}));
    const incidents = groupIncidents(flags, {
      schools: 40,
      lastDay: '2025-01-31',
    });
    expect(incidents).toHaveLength(1);
    const [inc] = incidents;
    expect(inc.kind).toBe('district-wide');
    // Days, not the flagged week, bound it.
    expect(inc.start).toBe('2024-12-11');
    expect(inc.end).toBe('2024-12-12');
    expect(inc.schoolIds).toHaveLength(40);
    expect(inc.roles).toEqual(['student', 'teacher']);
    expect(inc.flagIds).toHaveLength(161);
    // 40 schools x (60 students + 6 teachers) below expected on the worst day.
    expect(inc.users).toBe(40 * 66);
    expect(inc.changePct).toBeCloseTo(-60, 6);
    expect(inc.cause).toBe('outage');
    expect(inc.ongoing).toBe(false);
    expect(incidentHeadline(inc, 40)).toBe(
      'District-wide drop on 11-12 Dec 2024: 40 of 40 schools, students and teachers, about 60% below expected (2,640 users on the worst day) \u2014 likely an outage',
    );
  });

  it('keeps two days that are not consecutive school days apart', () => {
    const flags: IncidentFlag[] = [];
    for (let i = 1; i <= 10; i++) {
      flags.push(flag({schoolId: school(i), date: '2024-12-10'}));
      flags.push(flag({schoolId: school(i), date: '2024-12-12'}));
    }
    const incidents = groupIncidents(flags, {schools: 10});
    expect(incidents.map(i => i.start).sort()).toEqual([
      '2024-12-10',
      '2024-12-12',
    ]);
    expect(incidents.every(i => i.kind === 'district-wide')).toBe(true);
  });

  it('chains a Friday and the Monday after across the weekend', () => {
    const flags = [
      flag({date: '2024-12-13'}),
      flag({date: '2024-12-16'}),
      flag({date: '2024-12-13', role: 'teacher', observed: 3, expected: 9}),
    ];
    const incidents = groupIncidents(flags, {schools: 40});
    expect(incidents).toHaveLength(1);
    expect(incidents[0].kind).toBe('one school');
    expect(incidents[0].schoolDays).toBe(2);
    expect(incidents[0].cause).toBe('outage');
  });

  it('names one role of one school, and calls a sustained drop disengagement', () => {
    const flags = [
      flag({
        date: '2024-03-04',
        endDate: '2024-04-05',
        changePct: -45,
        observed: 55,
        expected: 100,
      }),
      flag({date: '2024-03-11', observed: 30, expected: 100}),
      flag({date: '2024-03-04', grain: 'week', observed: 60, expected: 100}),
    ];
    const incidents = groupIncidents(flags, {
      schools: 40,
      lastDay: '2024-06-01',
    });
    expect(incidents).toHaveLength(1);
    expect(incidents[0].kind).toBe('one role');
    expect(incidents[0].cause).toBe('disengagement');
    expect(incidents[0].start).toBe('2024-03-04');
    expect(incidents[0].end).toBe('2024-04-05');
    // The worst day is the single day inside the period (70 below, not 45).
    expect(incidents[0].users).toBe(70);
    expect(incidents[0].worstDay).toBe('2024-03-11');
  });

  it('makes one incident of the same sustained drop in several schools', () => {
    const flags = [1, 2, 3].map(i =>
      flag({
        schoolId: school(i),
        date: i === 2 ? '2024-03-05' : '2024-03-04',
        endDate: '2024-04-05',
        changePct: -45,
        observed: 55,
        expected: 100,
      }),
    );
    // An unrelated one-day dip elsewhere stays apart.
    flags.push(flag({schoolId: school(9), date: '2024-03-20'}));
    const incidents = groupIncidents(flags, {schools: 40});
    expect(incidents).toHaveLength(2);
    const several = incidents.find(i => i.kind === 'several schools')!;
    expect(several.schoolIds).toEqual([school(1), school(2), school(3)]);
    expect(several.users).toBe(135);
    expect(several.cause).toBe('disengagement');
    const single = incidents.find(i => i !== several)!;
    expect(single.kind).toBe('one role');
    expect(single.cause).toBe('');
  });

  it('makes one incident of sustained drops whose first days are found a week or two apart', () => {
    // One school's drop is found from 1 Mar, the others' from 11 Mar: the same weeks.
    const flags = [
      flag({schoolId: school(1), date: '2024-03-01', endDate: '2024-04-05'}),
      flag({schoolId: school(2), date: '2024-03-11', endDate: '2024-04-05'}),
      flag({schoolId: school(3), date: '2024-03-12', endDate: '2024-04-04'}),
    ];
    // A sustained drop over other weeks stays apart.
    flags.push(
      flag({schoolId: school(4), date: '2024-04-22', endDate: '2024-05-24'}),
    );
    const incidents = groupIncidents(flags, {schools: 40});
    expect(incidents.map(i => i.schoolIds).sort()).toEqual([
      [school(1), school(2), school(3)],
      [school(4)],
    ]);
    const several = incidents.find(i => i.kind === 'several schools')!;
    expect([several.start, several.end]).toEqual(['2024-03-01', '2024-04-05']);
  });

  it('never mixes drops and surges, and keeps keys unique and stable', () => {
    const flags = [
      flag({date: '2024-05-01'}),
      flag({date: '2024-05-01', direction: 'surge', observed: 150}),
    ];
    const a = groupIncidents(flags, {schools: 5});
    const b = groupIncidents([...flags].reverse(), {schools: 5});
    expect(a).toHaveLength(2);
    expect(new Set(a.map(i => i.key)).size).toBe(2);
    expect(a.map(i => i.key).sort()).toEqual(b.map(i => i.key).sort());
    expect(a.find(i => i.direction === 'surge')!.users).toBe(50);
  });

  it('says an incident on the last analysed day is still going on', () => {
    const flags = [flag({date: '2024-05-02'}), flag({date: '2024-05-03'})];
    const [inc] = groupIncidents(flags, {schools: 5, lastDay: '2024-05-05'});
    expect(inc.ongoing).toBe(true);
    expect(incidentHeadline(inc, 5, () => 'PS 1')).toMatch(
      /^PS 1: drop since 2 May 2024: students, about 60% below expected .*still going on/,
    );
  });

  it('needs more schools on one day in a large district to call it shared', () => {
    expect(multiSchoolThreshold(40)).toBe(3);
    expect(multiSchoolThreshold(1800)).toBe(18);
    const flags = [1, 2, 3, 4].map(i => flag({schoolId: school(i)}));
    expect(groupIncidents(flags, {schools: 40})).toHaveLength(1);
    expect(groupIncidents(flags, {schools: 1800})).toHaveLength(4);
  });
  it('starts and ends an incident on school days of the calendar', () => {
    // A weekly flag's Monday is Martin Luther King Jr. Day; its Sunday is no school day.
    const flags = [
      flag({
        grain: 'week',
        date: '2024-01-15',
        endDate: '2024-02-05',
        observed: 30,
        expected: 60,
      }),
    ];
    const closures = [{start: '2024-01-15', end: '2024-01-15'}];
    const [inc] = groupIncidents(flags, {schools: 8, closures});
    expect(inc.start).toBe('2024-01-16');
    expect(inc.end).toBe('2024-02-09');
    expect(inc.schoolDays).toBe(19);
    const [plain] = groupIncidents(flags, {schools: 8});
    expect(plain.start).toBe('2024-01-15');
    expect(plain.end).toBe('2024-02-09');
  });

  it('leaves out an incident at one school smaller than the minimum group size', () => {
    const small = [
      flag({schoolId: school(1), observed: 4, expected: 12}),
      flag({schoolId: school(1), role: 'teacher', observed: 1, expected: 3}),
    ];
    // 8 + 2 users below expected: under 12, not an incident; at 10, one.
    expect(groupIncidents(small, {schools: 8, minUsers: 12})).toEqual([]);
    expect(groupIncidents(small, {schools: 8, minUsers: 10})).toHaveLength(1);
    // Default: the product's minimum group size, 10.
    expect(groupIncidents(small.slice(0, 1), {schools: 8})).toEqual([]);
    // An event across schools is one whatever its size.
    const shared = [1, 2, 3].map(i =>
      flag({schoolId: school(i), observed: 2, expected: 4}),
    );
    expect(groupIncidents(shared, {schools: 8})).toHaveLength(1);
    // A sustained drop stays whatever its size: its weight is its length.
    const sustained = flag({
      schoolId: school(1),
      date: '2024-01-08',
      endDate: '2024-02-09',
      observed: 12,
      expected: 20,
    });
    expect(groupIncidents([sustained], {schools: 8})).toHaveLength(1);
  });
});

describe('spanText', () => {
  it('reads like a date an admin writes', () => {
    expect(spanText('2024-12-11', '2024-12-11')).toBe('11 Dec 2024');
    expect(spanText('2024-12-11', '2024-12-12')).toBe('11-12 Dec 2024');
    expect(spanText('2024-10-28', '2024-12-06')).toBe('28 Oct - 6 Dec 2024');
    expect(spanText('2024-12-30', '2025-01-03')).toBe(
      '30 Dec 2024 - 3 Jan 2025',
    );
  });
});
