/**
 * The compact district-wide daily series calendar inference reads: distinct active users
 * per day by role, summed over schools, of the source's total app. Kept by the pipeline
 * as one small blob so inference never re-reads the whole fact history.
 */
import type {DailyFact, WeeklyFact} from '../../core/types';
import {isoWeek, weekDays} from '../../clean/dates';
import {isSchoolDay} from '../weekly';
import type {SchoolCalendar} from '../../core/types';
import type {DistrictDay} from './infer';

/** Apps whose rows count every user active in any app. */
const TOTAL_APPS = ['workspace', 'learnplatform'];

/** The app whose rows stand for the whole district's activity in these facts. */
function totalApp(daily: ReadonlyArray<DailyFact>): string | null {
  const counts = new Map<string, number>();
  for (const f of daily) {
    if (f.product) continue;
    if (TOTAL_APPS.includes(f.app)) return f.app;
    counts.set(f.app, (counts.get(f.app) ?? 0) + 1);
  }
  let best: string | null = null;
  let n = 0;
  for (const [app, c] of counts) if (c > n) [best, n] = [app, c];
  return best;
}

/** District totals by day (facts of any order). */
export function districtDays(daily: ReadonlyArray<DailyFact>): DistrictDay[] {
  const app = totalApp(daily);
  const byDay = new Map<string, DistrictDay>();
  for (const f of daily) {
    if (f.product || f.app !== app) continue;
    let d = byDay.get(f.date);
    if (!d) {
      d = {date: f.date, students: 0, teachers: 0, staff: 0};
      byDay.set(f.date, d);
    }
    if (f.role === 'student') d.students += f.activeUsers;
    else if (f.role === 'teacher') d.teachers += f.activeUsers;
    else if (f.role === 'staff') d.staff += f.activeUsers;
  }
  return [...byDay.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** The stored series (JSON: {days: {date: [students, teachers, staff]}}), read leniently. */
export function parseActivity(text: string | null): Map<string, DistrictDay> {
  const out = new Map<string, DistrictDay>();
  if (!text) return out;
  let parsed: {days?: Record<string, unknown>};
  try {
    parsed = JSON.parse(text) as {days?: Record<string, unknown>};
  } catch {
    return out;
  }
  for (const [date, v] of Object.entries(parsed.days ?? {})) {
    if (!Array.isArray(v) || v.length < 3) continue;
    const [s, t, st] = v.map(Number);
    if ([s, t, st].every(Number.isFinite)) {
      out.set(date, {date, students: s, teachers: t, staff: st});
    }
  }
  return out;
}

export function serializeActivity(days: Iterable<DistrictDay>): string {
  const out: Record<string, number[]> = {};
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : 1));
  for (const d of sorted) out[d.date] = [d.students, d.teachers, d.staff];
  return JSON.stringify({days: out});
}

/** School days of each week by `calendar` (a week's facts carry its count). */
export function withSchoolDays(
  weekly: ReadonlyArray<WeeklyFact>,
  calendar: SchoolCalendar,
): WeeklyFact[] {
  const memo = new Map<string, number>();
  return weekly.map(w => {
    let n = memo.get(w.weekStart);
    if (n === undefined) {
      n = weekDays(isoWeek(w.weekStart).weekStart).filter(d =>
        isSchoolDay(d, calendar),
      ).length;
      memo.set(w.weekStart, n);
    }
    return n === w.schoolDays ? w : {...w, schoolDays: n};
  });
}
