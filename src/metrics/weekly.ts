/**
 * Weekly facts over ISO weeks (pure).
 *
 * Sums add up across days, but distinct users do not, so each day partition also keeps
 * the sorted short keys of the users active in every school x role x app group. A week's
 * activeUsers is the size of the union of its days' sets, exact no matter how the days
 * were split across executions or re-fetched. Once a week is closed (all its days final)
 * its WeeklyFact rows are stored and the day sets can be dropped.
 */
import type {
  DailyFact,
  FactFlag,
  Role,
  SchoolCalendar,
  WeeklyFact,
} from '../core/types';
import {SHORT_KEY_LENGTH} from '../core/privacy';
import {isoWeek, weekDays, weekday} from '../clean/dates';
import {groupKey, round4, sortFlags, ROLE_ORDER} from './facts';

/** Fixed-width concatenation of sorted short keys (no separator needed). */
export function packKeys(sortedKeys: string[]): string {
  for (const k of sortedKeys) {
    if (k.length !== SHORT_KEY_LENGTH) {
      throw new Error(
        `short user key "${k}" is not ${SHORT_KEY_LENGTH} characters`,
      );
    }
  }
  return sortedKeys.join('');
}

export function unpackKeys(packed: string): string[] {
  const out: string[] = [];
  for (
    let i = 0;
    i + SHORT_KEY_LENGTH <= packed.length;
    i += SHORT_KEY_LENGTH
  ) {
    out.push(packed.slice(i, i + SHORT_KEY_LENGTH));
  }
  return out;
}

/** One day's user sets: group key -> sorted short keys. */
export type DayUserSets = Map<string, string[]>;

export function serializeUserSets(sets: DayUserSets): string {
  const lines: string[] = [];
  for (const [k, keys] of [...sets].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (keys.length) lines.push(`${k.split('\t').join('|')}|${packKeys(keys)}`);
  }
  return lines.join('\n');
}

export function deserializeUserSets(text: string): DayUserSets {
  const sets: DayUserSets = new Map();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const parts = line.split('|');
    if (parts.length < 4) continue;
    const packed = parts.pop()!;
    const [school, role, app] = parts;
    sets.set(groupKey(school, role, app), unpackKeys(packed));
  }
  return sets;
}

export function isSchoolDay(
  day: string,
  calendar: SchoolCalendar | null,
): boolean {
  if (!calendar) return true;
  const wd = weekday(day);
  if (!calendar.schoolWeekdays.includes(wd)) return false;
  for (const c of calendar.closures) {
    if (day >= c.start && day <= c.end) return false;
  }
  return true;
}

/** Monday to Friday: the school weekdays when no calendar is known. */
export const MONDAY_TO_FRIDAY: ReadonlyArray<number> = [1, 2, 3, 4, 5];

/**
 * Whether the week starting `weekStart` has ended by `through`: its last school weekday
 * (by the calendar's weekdays, closures or not; Monday to Friday without a calendar) is
 * in. A week still under way would read as a drop in weekly figures.
 */
export function weekEnded(
  weekStart: string,
  through: string,
  calendar: Pick<SchoolCalendar, 'schoolWeekdays'> | null,
): boolean {
  const weekdays = calendar?.schoolWeekdays ?? MONDAY_TO_FRIDAY;
  const days = weekDays(weekStart);
  let last = days[6];
  for (let k = 6; k >= 0; k--) {
    if (weekdays.includes(weekday(days[k]))) {
      last = days[k];
      break;
    }
  }
  return last <= through;
}

export interface WeeklyOptions {
  calendar: SchoolCalendar | null;
  /** Count only school days (by the calendar) in sums and distinct users. */
  schoolDaysOnly: boolean;
}

/**
 * Weekly facts from the daily facts of any number of weeks and the user sets of their
 * days (`sets.get(day)`). A week missing some of its days is flagged partial.
 */
export function buildWeeklyFacts(
  daily: DailyFact[],
  sets: Map<string, DayUserSets>,
  opt: WeeklyOptions,
): WeeklyFact[] {
  interface Acc {
    week: string;
    weekStart: string;
    schoolId: string;
    role: Role;
    app: string;
    product: string;
    users: Set<string>;
    lastDay: string;
    enrolled: number;
    events: number;
    logins: number;
    submissions: number;
    assignments: number;
    grades: number;
    flags: Set<FactFlag>;
    days: Set<string>;
    maxDayActive: number;
  }
  const accs = new Map<string, Acc>();
  const daysSeen = new Map<string, Set<string>>();
  for (const f of daily) {
    if (opt.schoolDaysOnly && !isSchoolDay(f.date, opt.calendar)) continue;
    const {week, weekStart} = isoWeek(f.date);
    const k = `${week}\t${groupKey(f.schoolId, f.role, f.app)}\t${f.product}`;
    let a = accs.get(k);
    if (!a) {
      a = {
        week,
        weekStart,
        schoolId: f.schoolId,
        role: f.role,
        app: f.app,
        product: f.product,
        users: new Set(),
        lastDay: '',
        enrolled: 0,
        events: 0,
        logins: 0,
        submissions: 0,
        assignments: 0,
        grades: 0,
        flags: new Set(),
        days: new Set(),
        maxDayActive: 0,
      };
      accs.set(k, a);
    }
    if (f.date >= a.lastDay) {
      a.lastDay = f.date;
      a.enrolled = f.enrolledUsers;
    }
    a.events += f.events;
    a.logins += f.logins;
    a.submissions += f.submissionsTurnedIn;
    a.assignments += f.assignmentsCreated;
    a.grades += f.gradesEntered;
    for (const fl of f.flags) if (fl !== 'estimated') a.flags.add(fl);
    a.days.add(f.date);
    a.maxDayActive = Math.max(a.maxDayActive, f.activeUsers);
    let seen = daysSeen.get(week);
    if (!seen) daysSeen.set(week, (seen = new Set()));
    seen.add(f.date);
    const daySets = sets.get(f.date);
    const keys = daySets?.get(groupKey(f.schoolId, f.role, f.app));
    if (keys) {
      for (const key of keys) a.users.add(key);
    } else if (f.activeUsers > 0) {
      // Without the day's set the union cannot be exact; never guess it.
      a.flags.add('imputed');
      a.users.add(`\u0000${f.date}`);
    }
  }
  const out: WeeklyFact[] = [];
  for (const a of accs.values()) {
    const days = weekDays(a.weekStart);
    const expected = opt.schoolDaysOnly
      ? days.filter(d => isSchoolDay(d, opt.calendar))
      : days;
    const schoolDays = days.filter(d => isSchoolDay(d, opt.calendar)).length;
    const flags = new Set(a.flags);
    if (expected.some(d => !daysSeen.get(a.week)?.has(d))) flags.add('partial');
    let active = 0;
    let missingSet = false;
    for (const u of a.users) {
      if (u.charCodeAt(0) === 0) missingSet = true;
      else active++;
    }
    if (missingSet) {
      // Fall back to the largest single day: a lower bound, flagged imputed above.
      active = Math.max(active, a.maxDayActive);
    }
    const enr = a.enrolled;
    out.push({
      week: a.week,
      weekStart: a.weekStart,
      schoolId: a.schoolId,
      role: a.role,
      app: a.app,
      product: a.product,
      activeUsers: active,
      enrolledUsers: enr,
      pctAccess: enr > 0 ? round4((active / enr) * 100) : null,
      events: a.events,
      engagementIndex: enr > 0 ? round4((a.events / enr) * 1000) : null,
      logins: a.logins,
      submissionsTurnedIn: a.submissions,
      assignmentsCreated: a.assignments,
      gradesEntered: a.grades,
      schoolDays,
      flags: sortFlags([...flags]),
    });
  }
  out.sort(compareWeekly);
  return out;
}

export function compareWeekly(a: WeeklyFact, b: WeeklyFact): number {
  if (a.weekStart !== b.weekStart) return a.weekStart < b.weekStart ? -1 : 1;
  if (a.schoolId !== b.schoolId) return a.schoolId < b.schoolId ? -1 : 1;
  const r = ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role);
  if (r !== 0) return r;
  if (a.app !== b.app) return a.app < b.app ? -1 : 1;
  return a.product < b.product ? -1 : a.product > b.product ? 1 : 0;
}
