import {
  DISTRICT_ID,
  correlationRow,
  teacherStudentCorrelations,
} from '../../src/analysis/correlation';
import type {WeeklyFact} from '../../src/core/types';
import {addDays} from '../../src/clean/dates';
import {rng, normal} from './synthetic';

function wf(
  weekStart: string,
  schoolId: string,
  role: 'teacher' | 'student',
  active: number,
  enrolled: number,
  schoolDays = 5,
): WeeklyFact {
  return {
    week: weekStart,
    weekStart,
    schoolId,
    role,
    app: 'workspace',
    product: '',
    activeUsers: active,
    enrolledUsers: enrolled,
    pctAccess: (active / enrolled) * 100,
    events: active * 40,
    engagementIndex: ((active * 40) / enrolled) * 1000,
    logins: active * 5,
    submissionsTurnedIn: 0,
    assignmentsCreated: 0,
    gradesEntered: 0,
    schoolDays,
    flags: [],
  };
}

/** Student activity follows teacher activity one week later with elasticity 0.8. */
function district(): WeeklyFact[] {
  const r = rng(42);
  const facts: WeeklyFact[] = [];
  for (const [school, teachers, students] of [
    ['A', 60, 900],
    ['B', 40, 600],
    ['C', 5, 80],
  ] as const) {
    let prevT = teachers * 0.7;
    for (let w = 0; w < 36; w++) {
      const ws = addDays('2024-09-02', 7 * w);
      const brk = w === 16 || w === 17;
      const t = brk
        ? 0
        : Math.round(teachers * Math.min(0.98, 0.5 + 0.4 * r()));
      const s = brk
        ? 0
        : Math.round(
            students *
              0.6 *
              Math.pow(prevT / (teachers * 0.7), 0.8) *
              Math.exp(0.03 * normal(r)),
          );
      if (!brk) prevT = t;
      facts.push(wf(ws, school, 'teacher', t, teachers, brk ? 0 : 5));
      facts.push(wf(ws, school, 'student', s, students, brk ? 0 : 5));
    }
  }
  return facts;
}

describe('teacher-student correlation rows', () => {
  const rows = teacherStudentCorrelations(district(), {
    maxLag: 3,
    minGroupSize: 10,
  });
  test('one row per school plus the district', () => {
    expect(rows.map(r => r.schoolId)).toEqual(['A', 'B', 'C', DISTRICT_ID]);
  });
  test('finds the one-week lead and the elasticity', () => {
    const a = rows.find(r => r.schoolId === 'A')!;
    expect(a.n).toBe(34); // the two break weeks are left out
    expect(a.bestLag).toBe(1);
    expect(a.bestLagR!).toBeGreaterThan(0.8);
    // 10% more teacher activity -> 1.1^0.8 - 1 = 7.9% more student activity
    expect(a.effectPer10Pct!).toBeGreaterThan(6.5);
    expect(a.effectPer10Pct!).toBeLessThan(9.5);
    expect(a.effectLow!).toBeLessThan(a.effectPer10Pct!);
    expect(a.effectHigh!).toBeGreaterThan(a.effectPer10Pct!);
    expect(a.ci95Low!).toBeLessThan(a.pearsonR!);
  });
  test('small groups are suppressed, with a note', () => {
    const c = rows.find(r => r.schoolId === 'C')!;
    expect(c.pearsonR).toBeNull();
    expect(c.note).toMatch(/^suppressed: fewer than \d+ (teachers|students)$/);
  });
  test('district row sums the schools', () => {
    const d = rows.find(r => r.schoolId === DISTRICT_ID)!;
    expect(d.n).toBe(34);
    expect(d.pearsonR).not.toBeNull();
  });
  test('too few weeks and constant series give nulls with a reason, never NaN', () => {
    expect(correlationRow('X', [1, 2, 3], [1, 2, 3]).note).toBe(
      'fewer than 8 school weeks (3)',
    );
    const flat = correlationRow(
      'X',
      Array(10).fill(5),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    expect(flat.pearsonR).toBeNull();
    expect(flat.note).toMatch(/teacher activity is constant/);
    for (const r of rows) {
      for (const v of Object.values(r))
        if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    }
  });
  test('unknown metric is an input error', () => {
    expect(() =>
      teacherStudentCorrelations([], {teacherMetric: 'x' as never}),
    ).toThrow(/teacherMetric/);
  });
});
