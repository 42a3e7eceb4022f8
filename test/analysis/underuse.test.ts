import {sizeBand, underuse} from '../../src/analysis/underuse';
import type {School, WeeklyFact} from '../../src/core/types';
import {addDays} from '../../src/clean/dates';

function wf(
  schoolId: string,
  w: number,
  pct: number,
  enrolled: number,
  product = '',
): WeeklyFact {
  const weekStart = addDays('2025-01-06', 7 * w);
  return {
    week: weekStart,
    weekStart,
    schoolId,
    role: 'student',
    app: product ? 'lp-family' : 'workspace',
    product,
    activeUsers: Math.round((pct / 100) * enrolled),
    enrolledUsers: enrolled,
    pctAccess: pct,
    events: 0,
    engagementIndex: null,
    logins: 0,
    submissionsTurnedIn: 0,
    assignmentsCreated: 0,
    gradesEntered: 0,
    schoolDays: 5,
    flags: [],
  };
}

function school(id: string, enrolled: number, locale?: string): School {
  return {
    id,
    name: id,
    orgUnitPath: `/${id}`,
    enrolledStudents: enrolled,
    enrolledTeachers: 30,
    locale,
  };
}

const schools = [
  school('A', 500, 'urban'),
  school('B', 520, 'urban'),
  school('C', 480, 'urban'),
  school('D', 510, 'urban'),
  school('E', 450, 'rural'),
  school('TINY', 6, 'rural'),
];
const level: Record<string, number> = {
  A: 80,
  B: 78,
  C: 60,
  D: 82,
  E: 40,
  TINY: 10,
};
const facts: WeeklyFact[] = [];
for (const s of schools) {
  for (let w = 0; w < 6; w++)
    facts.push(wf(s.id, w, level[s.id], s.enrolledStudents!));
}
facts.push(
  wf('A', 0, 50, 500, 'p1'),
  wf('B', 0, 20, 520, 'p1'),
  wf('C', 0, 45, 480, 'p1'),
);

describe('under-use against peers', () => {
  const rows = underuse(facts, schools, {underuseGapPct: 20, minGroupSize: 10});
  const school = rows.filter(r => r.product === '');
  test('peer benchmark: same locale and size band, self excluded', () => {
    const c = school.find(r => r.schoolId === 'C')!;
    expect(c.benchmarkKind).toBe('peer median (size, locale)');
    expect(c.peers).toBe(3);
    expect(c.benchmark).toBe(80); // median of A 80, B 78, D 82
    expect(c.gapPct!).toBeCloseTo(-25, 12);
    expect(c.flagged).toBe(true);
    const a = school.find(r => r.schoolId === 'A')!;
    expect(a.benchmark).toBe(78); // median of B, C, D
    expect(a.flagged).toBe(false);
  });
  test('too few peers falls back to the district median', () => {
    const e = school.find(r => r.schoolId === 'E')!;
    expect(e.benchmarkKind).toBe('peer median (size)');
    expect(e.gapPct!).toBeLessThan(-20);
  });
  test('ranked by gap, most under-used first; small groups suppressed and unranked', () => {
    const ranked = school.filter(r => r.rank !== null);
    expect(ranked.map(r => r.schoolId)).toEqual(['E', 'C', 'B', 'A', 'D']);
    expect(ranked.map(r => r.rank)).toEqual([1, 2, 3, 4, 5]);
    const tiny = school.find(r => r.schoolId === 'TINY')!;
    expect(tiny).toMatchObject({
      value: null,
      rank: null,
      flagged: false,
      suppressed: true,
    });
  });
  test('products are benchmarked among the schools using them', () => {
    const p = rows.filter(r => r.product === 'p1');
    expect(p).toHaveLength(3);
    const b = p.find(r => r.schoolId === 'B')!;
    expect(b.benchmarkKind).toBe('district median');
    expect(b.benchmark).toBe(47.5);
    expect(b.flagged).toBe(true);
  });
  test('gap threshold from settings', () => {
    const loose = underuse(facts, schools, {
      underuseGapPct: 30,
      minGroupSize: 10,
    });
    expect(
      loose.find(r => r.schoolId === 'C' && r.product === '')!.flagged,
    ).toBe(false);
    expect(() =>
      underuse(facts, schools, {underuseGapPct: 150, minGroupSize: 10}),
    ).toThrow(/underuseGapPct/);
  });
  test('size bands', () => {
    expect(sizeBand(399)).toBe('small');
    expect(sizeBand(400)).toBe('medium');
    expect(sizeBand(1000)).toBe('large');
    expect(sizeBand(null)).toBeNull();
  });
});
