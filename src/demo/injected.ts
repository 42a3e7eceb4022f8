/**
 * What the demo district's generator injects on top of ordinary use: the events an
 * analysis should find (remote-learning periods, district-wide and one-school outages) and
 * the delivery faults of the Reports API (a school's missing or partial day). The truth
 * lists both; only the scoring side reads them.
 */
import type {DemoCalendar} from './calendar';
import type {Rng} from './random';

export interface InjectedAnomaly {
  kind: 'outage' | 'disengagement';
  scope: 'district' | 'school';
  /** School org unit ids affected (every school for a district-wide outage). */
  schoolIds: string[];
  start: string;
  end: string;
  /** Multiplier applied to student (and teacher) activity: 0.4 = a 60% fall. */
  studentFactor: number;
  teacherFactor: number;
  description: string;
}

export interface DataIssue {
  kind: 'missing-day' | 'partial-day';
  schoolId: string;
  date: string;
  application: 'login' | 'classroom';
  /** Local time from which events were not delivered (`HH:MM`); `00:00` for a missing day. */
  cutoff: string;
}

/** What injecting reads and writes of the district model (model.ts). */
export interface InjectionTarget {
  readonly cal: DemoCalendar;
  readonly nDays: number;
  readonly schools: ReadonlyArray<{
    orgUnitId: string;
    name: string;
    index: number;
    students: number;
    underusing: boolean;
  }>;
  readonly anomalies: InjectedAnomaly[];
  readonly dataIssues: DataIssue[];
  readonly issueCutoff: Map<string, number>;
  readonly issueDays: Set<number>;
  schoolYears(): number[];
}

function schoolDayIndices(m: InjectionTarget, year: number): number[] {
  const out: number[] = [];
  m.cal.days.forEach((d, i) => {
    if (d.kind === 'school' && d.schoolYear === year) out.push(i);
  });
  return out;
}

/** A school day clear of closures, testing and grading for `margin` days around. */
function quietDay(
  m: InjectionTarget,
  r: Rng,
  candidates: number[],
  margin: number,
  taken: Set<number>,
): number | null {
  for (let tries = 0; tries < 200; tries++) {
    const i = candidates[r.int(candidates.length)];
    let ok = true;
    for (let k = -margin; k <= margin && ok; k++) {
      const d = m.cal.days[i + k];
      if (!d) {
        ok = false;
        break;
      }
      if (taken.has(i + k)) ok = false;
      if (d.kind !== 'school' && d.kind !== 'weekend') ok = false;
      if (
        d.grading ||
        d.halfDay ||
        d.testing.elementary > 1 ||
        d.testing.high > 1
      ) {
        ok = false;
      }
    }
    if (ok) return i;
  }
  return null;
}

/**
 * Each school year's injected events, onto `m.anomalies`: a remote-learning period at a few
 * schools, a district-wide outage and one school's outage, on quiet school days apart.
 */
export function injectAnomalies(m: InjectionTarget, r: Rng): void {
  const taken = new Set<number>();
  const years = m.schoolYears();
  const all = m.schools.map(s => s.orgUnitId);
  const normal = m.schools.filter(s => !s.underusing);
  years.forEach((year, yi) => {
    const days = schoolDayIndices(m, year);
    if (days.length < 40) return;
    const core = days.slice(15, days.length - 15);
    // Remote-learning period: students disengage in a few schools for 4-6 weeks.
    // It starts on a Monday and holds no recess (remote learning replaces school days).
    const weeks = 4 + r.int(3);
    let startI = -1;
    let endI = -1;
    for (let tries = 0; tries < 60 && startI < 0; tries++) {
      let i0 = days[Math.floor(days.length * (0.25 + 0.4 * r.next()))];
      while ((m.cal.days[i0].dayNo + 4) % 7 !== 1) i0++;
      const i1 = Math.min(m.nDays - 1, i0 + weeks * 7 - 3);
      let clean = true;
      for (let k = i0; k <= i1 && clean; k++) {
        const kind = m.cal.days[k].kind;
        if (kind === 'break' || kind === 'summer') clean = false;
      }
      if (clean) {
        startI = i0;
        endI = i1;
      }
    }
    const nAffected = Math.max(1, Math.round(m.schools.length * 0.08));
    const pool = r.shuffle(normal.slice()).slice(0, nAffected);
    if (startI >= 0 && pool.length > 0) {
      for (let k = startI - 7; k <= endI + 7; k++) taken.add(k);
      m.anomalies.push({
        kind: 'disengagement',
        scope: 'school',
        schoolIds: pool.map(p => p.orgUnitId),
        start: m.cal.days[startI].date,
        end: m.cal.days[endI].date,
        studentFactor: 0.55,
        teacherFactor: 0.9,
        description: `Remote learning for ${weeks} weeks: student activity fell about 45% in ${pool.length} school(s)`,
      });
    }
    // District-wide outage: one day in odd years, two in even ones.
    const len = yi % 2 === 0 ? 1 : 2;
    const oi = quietDay(m, r, core, 7, taken);
    if (oi !== null && m.schools.length > 0) {
      let end = oi;
      for (let k = 1; k < len; k++) {
        let j = end + 1;
        while (m.cal.days[j] && m.cal.days[j].kind !== 'school') j++;
        if (m.cal.days[j]) end = j;
      }
      const factor = len === 1 ? 0.38 : 0.5;
      for (let k = oi - 7; k <= end + 7; k++) taken.add(k);
      m.anomalies.push({
        kind: 'outage',
        scope: 'district',
        schoolIds: all,
        start: m.cal.days[oi].date,
        end: m.cal.days[end].date,
        studentFactor: factor,
        teacherFactor: factor,
        description: `Service outage: sign-ins and Classroom activity fell ${Math.round((1 - factor) * 100)}% district-wide`,
      });
    }
    // One school's network down for a day.
    const si = quietDay(m, r, core, 5, taken);
    if (si !== null && normal.length > 0) {
      const sc = normal[r.int(normal.length)];
      for (let k = si - 5; k <= si + 5; k++) taken.add(k);
      m.anomalies.push({
        kind: 'outage',
        scope: 'school',
        schoolIds: [sc.orgUnitId],
        start: m.cal.days[si].date,
        end: m.cal.days[si].date,
        studentFactor: 0.3,
        teacherFactor: 0.45,
        description: `Network outage at ${sc.name}`,
      });
    }
  });
}

/**
 * Each school year's delivery faults, onto `m.dataIssues` (and the cut-offs the activity
 * feed applies): a missing login day and partial login and Classroom days, away from events.
 */
export function injectDataIssues(m: InjectionTarget, r: Rng): void {
  const taken = new Set<number>();
  for (const a of m.anomalies) {
    for (let i = 0; i < m.nDays; i++) {
      const d = m.cal.days[i].date;
      if (d >= a.start && d <= a.end) {
        for (let k = -3; k <= 3; k++) taken.add(i + k);
      }
    }
  }
  for (const year of m.schoolYears()) {
    const days = schoolDayIndices(m, year);
    if (days.length < 40 || m.schools.length === 0) continue;
    const core = days.slice(10, days.length - 10);
    const specs: Array<[DataIssue['kind'], DataIssue['application']]> = [
      ['missing-day', 'login'],
      ['partial-day', 'classroom'],
      ['partial-day', 'login'],
    ];
    for (const [kind, app] of specs) {
      const i = quietDay(m, r, core, 2, taken);
      if (i === null) continue;
      taken.add(i);
      // Partial days hit schools busy enough to lose something after the cut-off.
      const big = m.schools.filter(x => x.students >= 150);
      const pool = kind === 'partial-day' && big.length > 0 ? big : m.schools;
      const sc = pool[r.int(pool.length)];
      const cutoffH = kind === 'missing-day' ? 0 : 10 + r.int(3);
      const cutoffM = kind === 'missing-day' ? 0 : 5 * r.int(12);
      m.dataIssues.push({
        kind,
        schoolId: sc.orgUnitId,
        date: m.cal.days[i].date,
        application: app,
        cutoff: `${String(cutoffH).padStart(2, '0')}:${String(cutoffM).padStart(2, '0')}`,
      });
      m.issueDays.add(i);
      m.issueCutoff.set(
        `${sc.index}:${i}:${app}`,
        (cutoffH * 60 + cutoffM) * 60000,
      );
    }
  }
}
