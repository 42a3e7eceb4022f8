import {createDemoDistrict} from '../../src/demo';
import {pearson} from '../../src/demo/truth';
import type {DailyTruth} from '../../src/demo';
import {isoDate, parseIsoDate} from '../../src/demo/dates';

const DAY = 86400000;
const addDays = (d: string, n: number) =>
  new Date(Date.parse(d) + n * DAY).toISOString().slice(0, 10);

describe('ground truth over two school years', () => {
  const d = createDemoDistrict({schools: 12, seed: 11});
  const truth = d.truth;
  const kind = new Map(d.data.m.cal.days.map(x => [x.date, x.kind]));
  const rows = new Map<string, DailyTruth>();
  for (const r of truth.daily) rows.set(`${r.schoolId}|${r.date}|${r.role}`, r);
  const events = (school: string, date: string, role = 'student') => {
    const r = rows.get(`${school}|${date}|${role}`);
    return r ? r.loginEvents + r.classroomEvents : 0;
  };
  const anomalyDays = new Set<string>();
  for (const a of truth.anomalies) {
    for (let x = a.start; x <= a.end; x = addDays(x, 1)) {
      for (const s of a.schoolIds) anomalyDays.add(`${s}|${x}`);
    }
  }
  const issueDays = new Set(
    truth.dataIssues.map(i => `${i.schoolId}|${i.date}`),
  );

  /** Mean events on the same weekday 1-3 weeks either side, normal school days only. */
  function expected(school: string, date: string, role = 'student'): number {
    const ref: number[] = [];
    for (const k of [-21, -14, -7, 7, 14, 21]) {
      const x = addDays(date, k);
      if (kind.get(x) !== 'school') continue;
      if (anomalyDays.has(`${school}|${x}`) || issueDays.has(`${school}|${x}`))
        continue;
      ref.push(events(school, x, role));
    }
    return ref.reduce((a, b) => a + b, 0) / ref.length;
  }

  test('records the period, schools, enrolment and under-using schools', () => {
    expect(truth.startDate).toBe('2023-08-28');
    expect(truth.endDate).toBe('2025-07-27');
    expect(truth.schools).toHaveLength(12);
    for (const s of truth.schools) {
      expect(truth.enrolment[s.schoolId].students).toBe(s.enrolledStudents);
      expect(s.enrolledStudents).toBeGreaterThanOrEqual(60);
      expect(s.enrolledStudents).toBeLessThanOrEqual(450);
      expect(s.enrolledTeachers).toBeGreaterThanOrEqual(5);
      expect(s.enrolledTeachers).toBeLessThanOrEqual(30);
    }
    expect(truth.underusingSchools.length).toBeGreaterThanOrEqual(1);
    expect(
      new Set(truth.schools.map(s => s.enrolledStudents)).size,
    ).toBeGreaterThan(6);
  });

  test('under-using schools trail their peers by more than 20%, the others do not', () => {
    const pct = new Map<string, number>();
    for (const s of truth.schools) {
      let active = 0;
      let n = 0;
      for (const r of truth.daily) {
        if (r.schoolId !== s.schoolId || r.role !== 'student') continue;
        if (kind.get(r.date) !== 'school') continue;
        active += r.activeUsers;
        n++;
      }
      pct.set(s.schoolId, active / n / s.enrolledStudents);
    }
    const under = new Set(truth.underusingSchools);
    const normal = [...pct].filter(([id]) => !under.has(id)).map(([, v]) => v);
    const median = normal.sort((a, b) => a - b)[normal.length >> 1];
    for (const [id, v] of pct) {
      if (under.has(id)) expect(v / median).toBeLessThan(0.75);
      else expect(v / median).toBeGreaterThan(0.85);
    }
  });

  test('each injected outage cuts activity by at least 30% on its days', () => {
    const outages = truth.anomalies.filter(a => a.kind === 'outage');
    expect(outages.filter(a => a.scope === 'district').length).toBe(2);
    expect(outages.filter(a => a.scope === 'school').length).toBe(2);
    expect(outages.some(a => a.start !== a.end)).toBe(true);
    for (const a of outages) {
      let obs = 0;
      let exp = 0;
      for (let x = a.start; x <= a.end; x = addDays(x, 1)) {
        for (const s of a.schoolIds) {
          for (const role of ['student', 'teacher']) {
            obs += events(s, x, role);
            exp += expected(s, x, role);
          }
        }
      }
      expect(obs / exp).toBeLessThanOrEqual(0.7);
    }
  });

  test('remote-learning periods shift student activity down in the schools hit, then it recovers', () => {
    const dis = truth.anomalies.filter(a => a.kind === 'disengagement');
    expect(dis.length).toBe(2);
    for (const a of dis) {
      expect(a.schoolIds.length).toBeGreaterThanOrEqual(1);
      const mean = (s: string, from: string, to: string) => {
        const v: number[] = [];
        for (let x = from; x <= to; x = addDays(x, 1)) {
          if (kind.get(x) === 'school' && !issueDays.has(`${s}|${x}`))
            v.push(events(s, x));
        }
        return v.reduce((p, q) => p + q, 0) / v.length;
      };
      for (const s of a.schoolIds) {
        const during = mean(s, a.start, a.end);
        const before = mean(s, addDays(a.start, -28), addDays(a.start, -1));
        const after = mean(s, addDays(a.end, 1), addDays(a.end, 28));
        expect(during / before).toBeLessThan(0.75);
        expect(during / after).toBeLessThan(0.75);
      }
    }
  });

  test('missing and partial days lose events that users generated', () => {
    expect(truth.dataIssues.map(i => i.kind).sort()).toEqual([
      'missing-day',
      'missing-day',
      'partial-day',
      'partial-day',
      'partial-day',
      'partial-day',
    ]);
    for (const i of truth.dataIssues) {
      const r = truth.daily.filter(
        x => x.schoolId === i.schoolId && x.date === i.date,
      );
      const generated = r.reduce((n, x) => n + x.generatedEvents, 0);
      const delivered = r.reduce(
        (n, x) => n + x.loginEvents + x.classroomEvents,
        0,
      );
      expect(delivered).toBeLessThan(generated);
      const app = r.reduce(
        (n, x) =>
          n + (i.application === 'login' ? x.loginEvents : x.classroomEvents),
        0,
      );
      if (i.kind === 'missing-day') expect(app).toBe(0);
      else expect(app).toBeGreaterThan(0);
    }
    // Through the Reports API: nothing of that school after the cut-off.
    const p = truth.dataIssues.find(i => i.kind === 'partial-day')!;
    const school = d.schools.find(s => s.schoolId === p.schoolId)!;
    const emails = new Set(
      d.data
        .users()
        .filter(u => u.orgUnitPath!.startsWith(school.orgUnitPath + '/'))
        .map(u => u.primaryEmail),
    );
    const m = d.data.m;
    const i = parseIsoDate(p.date)! - m.startDay;
    const start = m.utc(i, 0);
    const [h, mnt] = p.cutoff.split(':').map(Number);
    const cut = m.utc(i, (h * 60 + mnt) * 60000);
    const after = d.data
      .activities(p.application, cut, m.utc(i + 1, 0))
      .filter(a => emails.has(a.actor!.email!));
    const before = d.data
      .activities(p.application, start, cut)
      .filter(a => emails.has(a.actor!.email!));
    expect(after).toHaveLength(0);
    expect(before.length).toBeGreaterThan(0);
  });

  test('the correlation recorded is the one measured on the weekly aggregates', () => {
    const c = truth.correlation;
    expect(c.weeks).toBeGreaterThan(60);
    for (const v of [
      c.districtWeeklyEvents,
      c.perSchoolMedianWeeklyEvents,
      c.pooledWithinSchoolWeeklyEvents,
    ]) {
      expect(v).toBeGreaterThan(0.3);
      expect(v).toBeLessThan(0.95);
    }
    const weeks = [
      ...new Set(
        truth.weekly.filter(w => w.schoolDays >= 3).map(w => w.weekStart),
      ),
    ].sort();
    const sum = (role: string) =>
      weeks.map(wk =>
        truth.weekly
          .filter(w => w.weekStart === wk && w.role === role && w.schoolId)
          .reduce((n, w) => n + w.events, 0),
      );
    expect(pearson(sum('teacher'), sum('student'))).toBeCloseTo(
      c.districtWeeklyEvents,
      12,
    );
    // Growth: the second year is busier than the first.
    const y1 = truth.weekly
      .filter(w => w.weekStart < '2024-07-01' && w.role === 'student')
      .reduce((n, w) => n + w.events, 0);
    const y2 = truth.weekly
      .filter(w => w.weekStart >= '2024-07-01' && w.role === 'student')
      .reduce((n, w) => n + w.events, 0);
    expect(y2 / y1).toBeGreaterThan(1.05);
  });

  test('teacher grading peaks at the close of each marking period', () => {
    const grading = d.calendar.events.filter(e =>
      e.name.startsWith('Marking period'),
    );
    const gradesIn = (from: string, to: string) =>
      truth.daily
        .filter(
          r =>
            r.role === 'teacher' &&
            r.date >= from &&
            r.date <= to &&
            kind.get(r.date) === 'school',
        )
        .reduce((n, r) => n + r.gradesSet, 0);
    const schoolDays = (from: string, to: string) => {
      let n = 0;
      for (let x = from; x <= to; x = addDays(x, 1))
        if (kind.get(x) === 'school') n++;
      return n;
    };
    let peaks = 0;
    for (const g of grading) {
      const inside = gradesIn(g.start, g.end) / schoolDays(g.start, g.end);
      const from = addDays(g.start, -35);
      const to = addDays(g.start, -8);
      const before = gradesIn(from, to) / Math.max(1, schoolDays(from, to));
      if (inside > 1.2 * before) peaks++;
    }
    expect(peaks).toBeGreaterThanOrEqual(grading.length - 1);
  });
});

describe('served activities against the truth', () => {
  const d = createDemoDistrict({schools: 5, days: 70, seed: 5});

  test('deduplicated activities reproduce the daily truth exactly; duplicates and open sessions exist', () => {
    const m = d.data.m;
    const users = d.data.users();
    const ouOf = new Map(users.map(u => [u.primaryEmail!, u.orgUnitPath!]));
    const schoolOf = (email: string) =>
      d.schools.find(s => ouOf.get(email)!.startsWith(s.orgUnitPath + '/'))
        ?.schoolId ?? '';
    const roleOf = (email: string) => {
      const ou = ouOf.get(email)!;
      if (/\/Students\//.test(ou)) return 'student';
      if (ou.endsWith('/Teachers')) return 'teacher';
      if (ou === '/Students Unassigned') return 'unknown';
      return 'staff';
    };
    const start = Date.parse('2023-08-28T04:00:00Z');
    const end = Date.parse('2023-11-06T05:00:00Z');
    const counts = new Map<string, number>();
    let duplicates = 0;
    let logins = 0;
    let logouts = 0;
    for (const app of ['login', 'classroom']) {
      const seen = new Set<string>();
      for (let t = start; t < end; t += 6 * 3600000) {
        for (const a of d.data.activities(app, t, t + 6 * 3600000)) {
          const key = a.id!.time! + '|' + a.id!.uniqueQualifier;
          if (seen.has(key)) {
            duplicates++;
            continue;
          }
          seen.add(key);
          const date = isoDate(
            m.startDay + m.dayIndexOf(Date.parse(a.id!.time!)),
          );
          const email = a.actor!.email!;
          const k = `${schoolOf(email)}|${date}|${roleOf(email)}`;
          counts.set(k, (counts.get(k) ?? 0) + 1);
          if (a.events![0].name === 'login_success') logins++;
          if (a.events![0].name === 'logout') logouts++;
        }
      }
    }
    for (const r of d.truth.daily) {
      const k = `${r.schoolId}|${r.date}|${r.role}`;
      expect([k, counts.get(k) ?? 0]).toEqual([
        k,
        r.loginEvents + r.classroomEvents,
      ]);
      counts.delete(k);
    }
    expect([...counts.values()].every(v => v === 0)).toBe(true);
    expect(duplicates).toBe(d.truth.activityCounts.duplicates);
    expect(duplicates).toBeGreaterThan(0);
    expect(logouts).toBeGreaterThan(0);
    expect(logouts / logins).toBeLessThan(0.5);
  });

  test('names carry apostrophes, accents, commas, emoji and formula-like course names', () => {
    const all = [
      ...d.data.users().map(u => u.name!.fullName!),
      ...d.data.orgUnits().map(o => o.orgUnitPath!),
    ].join('\n');
    expect(all).toMatch(/'/);
    expect(all).toMatch(/[éíóúñçëü]/);
    const big = createDemoDistrict({schools: 40, days: 30});
    const courses = big.data.courses().map(c => c.name!);
    expect(courses.some(n => n.startsWith('='))).toBe(true);
    expect(courses.some(n => n.startsWith('+'))).toBe(true);
    expect(courses.some(n => /\p{Extended_Pictographic}/u.test(n))).toBe(true);
    expect(courses.some(n => n.includes(','))).toBe(true);
    expect(big.schools.some(s => s.name.includes(','))).toBe(true);
    expect(big.data.users().some(u => u.primaryEmail!.includes("'"))).toBe(
      true,
    );
  });
});
