/**
 * Incidents (pure): the anomaly flags that belong to one real-world event, grouped so an
 * admin reads one line per event instead of one row per school, role and day.
 *
 * Grouping, per direction (drops and surges never mix):
 * 1. A day on which many schools are flagged (at least `multiSchools`) is a shared event;
 *    consecutive such days (no school day between) are one event. Every single-day flag of
 *    those days belongs to it, whichever school or role.
 * 2. The other daily flags group per school: a sustained drop (a level shift) with every
 *    flag that overlaps it, and single days that follow each other (at most one unflagged
 *    school day between, as a drop flickers around the threshold).
 * 3. Sustained groups of different schools that start within a week of each other (or
 *    within half the shorter one) and overlap for most of their length are one event (a
 *    remote-learning period).
 * 4. A weekly flag joins the group of its school (or the shared event) whose days its week
 *    overlaps; weekly flags with no daily counterpart are grouped the same way by week.
 *
 * Size is counted in users: on each day, expected minus observed summed over the flagged
 * schools and roles (distinct-user metrics only), and the incident's size is its worst day.
 * A short incident at one school smaller than `minUsers` is left out (its flags stay).
 * An incident starts and ends on school days of the calendar.
 * A likely cause is named only where the evidence says one: an outage is broad or hits a
 * whole school, abrupt (a fall of 30% or more) and over within three school days; a
 * disengagement is a sustained drop of one school or a group of schools.
 */
import {addDays, dayNumber, MONTH_ABBR, weekday} from '../clean/dates';
import {TINY_EXPECTED} from '../core/labels';

export type IncidentKind =
  'district-wide' | 'several schools' | 'one school' | 'one role';
export type IncidentCause = 'outage' | 'disengagement' | '';

/** The fields of an anomaly flag that grouping reads. */
export interface IncidentFlag {
  id: string;
  /** The day, or the Monday of the week. */
  date: string;
  grain: string;
  schoolId: string;
  role: string;
  metric: string;
  direction: string;
  observed: number;
  expected: number;
  changePct: number | null;
  severity: string;
  /** Sustained drops: the last day (or week's Monday) of the period; else empty. */
  endDate?: string;
}

export interface Incident {
  /** Stable key: direction, scope (a school, or `multi`) and first day. */
  key: string;
  kind: IncidentKind;
  direction: 'drop' | 'surge';
  start: string;
  end: string;
  /** School days (Monday to Friday by default) from start to end. */
  schoolDays: number;
  schoolIds: string[];
  roles: string[];
  metrics: string[];
  flagIds: string[];
  /** Users below (drop) or above (surge) expected on the worst day; null without user counts. */
  users: number | null;
  /** Expected users on that day (the base of changePct). */
  expectedUsers: number | null;
  worstDay: string;
  /** Change on the worst day, percent of expected. */
  changePct: number | null;
  severity: 'high' | 'medium' | 'low';
  cause: IncidentCause;
  /** The incident reaches the last analysed school day: not over yet. */
  ongoing: boolean;
}

export interface IncidentOptions {
  /** Schools in view (unassigned accounts excluded). */
  schools: number;
  /** The last analysed day. */
  lastDay?: string;
  /** 0 = Sunday .. 6 = Saturday. Default Monday to Friday. */
  schoolWeekdays?: ReadonlyArray<number>;
  /**
   * The calendar's closed periods: an incident starts and ends on school days (a weekly
   * flag's Monday may be a holiday, its Sunday never a school day).
   */
  closures?: ReadonlyArray<{start: string; end: string}>;
  /**
   * Smallest change, in users on the worst day, of a short incident at one school
   * (default 10, the smallest group the product reports): a few users at one school for
   * a day or two are a flag to read in the Anomalies tab, not an event to review. A
   * sustained drop's weight is its length: it stays whatever its size.
   */
  minUsers?: number;
}

/** Metrics counted in users (the size of an incident is read from these). */
const USER_METRICS = new Set(['activeUsers', 'active_users']);
/** A shared event touching at least this share of the schools in view is district-wide. */
const DISTRICT_SHARE = 0.5;
/** An outage is over within this many school days. */
const OUTAGE_MAX_DAYS = 3;
/** ... and falls at least this much (percent) on its worst day. */
const OUTAGE_FALL_PCT = 30;
/** Default smallest incident at one school, in users (see IncidentOptions.minUsers). */
const MIN_INCIDENT_USERS = 10;
/** A drop lasting this many school days or more is sustained. */
const SUSTAINED_DAYS = 5;

/** Schools flagged on one day for the day to be one shared event. */
export function multiSchoolThreshold(schools: number): number {
  // One in a hundred: a large district sees a few unrelated single-school flags every day.
  return Math.max(3, Math.ceil(schools / 100));
}

interface Group {
  direction: 'drop' | 'surge';
  multi: boolean;
  flags: IncidentFlag[];
  start: string;
  end: string;
}

function flagEnd(f: IncidentFlag): string {
  const last = f.endDate || f.date;
  return f.grain === 'week' ? addDays(last, 6) : last;
}

const SEVERITY_RANK: Record<string, number> = {high: 0, medium: 1, low: 2};

/** Groups anomaly flags into incidents, most users affected first. */
export function groupIncidents(
  flags: ReadonlyArray<IncidentFlag>,
  opts: IncidentOptions,
): Incident[] {
  const weekdays = new Set(opts.schoolWeekdays ?? [1, 2, 3, 4, 5]);
  const closures = opts.closures ?? [];
  const isSchoolDay = (d: string) =>
    weekdays.has(weekday(d)) && !closures.some(c => d >= c.start && d <= c.end);
  /** School days strictly between a and b (a < b). */
  const schoolDaysBetween = (a: string, b: string): number => {
    let n = 0;
    for (let d = addDays(a, 1); d < b; d = addDays(d, 1))
      if (isSchoolDay(d)) n++;
    return n;
  };
  const countSchoolDays = (a: string, b: string): number =>
    a > b ? 0 : (isSchoolDay(a) ? 1 : 0) + schoolDaysBetween(a, addDays(b, 1));
  const multi = multiSchoolThreshold(opts.schools);
  const groups: Group[] = [];
  for (const direction of ['drop', 'surge'] as const) {
    const mine = flags.filter(f => f.direction === direction);
    groups.push(...groupDirection(mine, direction, multi, schoolDaysBetween));
  }
  const minUsers = opts.minUsers ?? MIN_INCIDENT_USERS;
  const out = groups
    .map(g => describeGroup(g, opts, multi, countSchoolDays, isSchoolDay))
    .filter(
      i =>
        i.schoolIds.length > 1 ||
        i.schoolDays >= SUSTAINED_DAYS ||
        i.users === null ||
        i.users >= minUsers,
    );
  // Keys are unique: a second event of the same scope and first day gets a suffix.
  const seen = new Map<string, number>();
  out.sort(byStartThenKey);
  for (const inc of out) {
    const n = (seen.get(inc.key) ?? 0) + 1;
    seen.set(inc.key, n);
    if (n > 1) inc.key += `#${n}`;
  }
  return out.sort(
    (a, b) =>
      (b.users ?? -1) - (a.users ?? -1) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.start < b.start ? 1 : a.start > b.start ? -1 : 0) ||
      (a.key < b.key ? -1 : 1),
  );
}

function byStartThenKey(a: Incident, b: Incident): number {
  return (
    (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) ||
    (a.flagIds[0] < b.flagIds[0] ? -1 : 1)
  );
}

function groupDirection(
  flags: ReadonlyArray<IncidentFlag>,
  direction: 'drop' | 'surge',
  multi: number,
  between: (a: string, b: string) => number,
): Group[] {
  const daily = flags.filter(f => f.grain !== 'week');
  const weekly = flags.filter(f => f.grain === 'week');
  const shared: Group[] = [];
  const rest: IncidentFlag[] = [];

  // 1. Days on which many schools are flagged, chained over consecutive school days.
  const points = daily.filter(f => !f.endDate || f.endDate === f.date);
  const schoolsOn = new Map<string, Set<string>>();
  for (const f of points) {
    const s = schoolsOn.get(f.date) ?? new Set<string>();
    s.add(f.schoolId);
    schoolsOn.set(f.date, s);
  }
  const sharedDays = [...schoolsOn.entries()]
    .filter(([, s]) => s.size >= multi)
    .map(([d]) => d)
    .sort();
  const sharedOf = new Map<string, Group>();
  for (const d of sharedDays) {
    const last = shared[shared.length - 1];
    if (last && between(last.end, d) === 0) {
      last.end = d;
      sharedOf.set(d, last);
    } else {
      const g: Group = {direction, multi: true, flags: [], start: d, end: d};
      shared.push(g);
      sharedOf.set(d, g);
    }
  }
  for (const f of daily) {
    const g =
      !f.endDate || f.endDate === f.date ? sharedOf.get(f.date) : undefined;
    if (g) g.flags.push(f);
    else rest.push(f);
  }

  // 2. Per school: sustained drops with what overlaps them, and runs of single days.
  const own = chainPerSchool(rest, direction, between, 1);

  // 4. Weekly flags: to the group of their school (or a shared event) they overlap.
  const leftover: IncidentFlag[] = [];
  for (const w of weekly) {
    const from = w.date;
    const to = flagEnd(w);
    let best: Group | null = null;
    let bestOverlap = 0;
    for (const g of [...shared, ...own]) {
      if (!g.multi && g.flags[0].schoolId !== w.schoolId) continue;
      const overlap = overlapDays(from, to, g.start, g.end);
      if (overlap > bestOverlap) [best, bestOverlap] = [g, overlap];
    }
    if (best) best.flags.push(w);
    else leftover.push(w);
  }
  const weeklyShared: Group[] = [];
  const byWeek = new Map<string, IncidentFlag[]>();
  for (const w of leftover.filter(x => !x.endDate || x.endDate === x.date)) {
    byWeek.set(w.date, [...(byWeek.get(w.date) ?? []), w]);
  }
  const weeklyRest: IncidentFlag[] = [];
  for (const w of leftover) {
    const same = byWeek.get(w.date);
    const point = !w.endDate || w.endDate === w.date;
    if (point && same && new Set(same.map(x => x.schoolId)).size >= multi) {
      continue;
    }
    weeklyRest.push(w);
  }
  for (const [week, list] of [...byWeek.entries()].sort()) {
    if (new Set(list.map(x => x.schoolId)).size < multi) continue;
    weeklyShared.push({
      direction,
      multi: true,
      flags: list,
      start: week,
      end: addDays(week, 6),
    });
  }
  // Weekly groups of one school: consecutive weeks.
  const weeklyOwn = chainPerSchool(weeklyRest, direction, (a, b) =>
    dayNumber(b) - dayNumber(a) <= 7 ? 0 : 2,
  );

  // 3. Sustained groups of different schools over the same weeks are one event.
  return [
    ...shared,
    ...weeklyShared,
    ...mergeSustained([...own, ...weeklyOwn]),
  ];
}

/**
 * Flags of each school chained into groups: a flag joins the current group when it starts
 * no more than `gap` school days after the group's end (or overlaps it).
 */
function chainPerSchool(
  flags: ReadonlyArray<IncidentFlag>,
  direction: 'drop' | 'surge',
  between: (a: string, b: string) => number,
  gap = 0,
): Group[] {
  const bySchool = new Map<string, IncidentFlag[]>();
  for (const f of flags) {
    bySchool.set(f.schoolId, [...(bySchool.get(f.schoolId) ?? []), f]);
  }
  const out: Group[] = [];
  for (const [, list] of [...bySchool.entries()].sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
  )) {
    list.sort(
      (a, b) =>
        (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
        (a.id < b.id ? -1 : 1),
    );
    let cur: Group | null = null;
    for (const f of list) {
      const end = flagEnd(f);
      if (cur && (f.date <= cur.end || between(cur.end, f.date) <= gap)) {
        cur.flags.push(f);
        if (end > cur.end) cur.end = end;
      } else {
        cur = {direction, multi: false, flags: [f], start: f.date, end};
        out.push(cur);
      }
    }
  }
  return out;
}

function overlapDays(a0: string, a1: string, b0: string, b1: string): number {
  const lo = a0 > b0 ? a0 : b0;
  const hi = a1 < b1 ? a1 : b1;
  return hi < lo ? 0 : dayNumber(hi) - dayNumber(lo) + 1;
}

function spanDays(g: Group): number {
  return dayNumber(g.end) - dayNumber(g.start) + 1;
}

/** Groups of different schools that start close together and overlap for most of their span. */
function mergeSustained(groups: Group[]): Group[] {
  const sustained = (g: Group) => spanDays(g) >= 7;
  const parent = groups.map((_, i) => i);
  const find = (i: number): number =>
    parent[i] === i ? i : (parent[i] = find(parent[i]));
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const a = groups[i];
      const b = groups[j];
      if (!sustained(a) || !sustained(b)) continue;
      if (a.flags[0].schoolId === b.flags[0].schoolId) continue;
      const shorter = Math.min(spanDays(a), spanDays(b));
      // Schools slide into one remote-learning period a few days apart, and a sustained
      // drop's first day is only known to within its window: starts within a week, or
      // within half the shorter period, are the same event.
      const lag = Math.abs(dayNumber(a.start) - dayNumber(b.start));
      if (lag > Math.max(7, shorter / 2)) continue;
      if (overlapDays(a.start, a.end, b.start, b.end) < shorter / 2) continue;
      parent[find(j)] = find(i);
    }
  }
  const merged = new Map<number, Group>();
  groups.forEach((g, i) => {
    const r = find(i);
    const m = merged.get(r);
    if (!m) {
      merged.set(r, {...g, flags: [...g.flags]});
      return;
    }
    m.multi = true;
    m.flags.push(...g.flags);
    if (g.start < m.start) m.start = g.start;
    if (g.end > m.end) m.end = g.end;
  });
  return [...merged.values()];
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Users below (or above) expected per day, summed over schools and roles; the worst day. */
function worstDay(
  g: Group,
  isSchoolDay: (d: string) => boolean,
): {day: string; users: number; expected: number} | null {
  const sign = g.direction === 'drop' ? 1 : -1;
  const users = g.flags.filter(f => USER_METRICS.has(f.metric));
  const daily = users.filter(f => f.grain !== 'week');
  const use = daily.length ? daily : users;
  if (use.length === 0) return null;
  // Per series and day, the largest gap (a day inside a sustained drop may be flagged twice).
  const cell = new Map<string, {gap: number; expected: number}>();
  for (const f of use) {
    const step = f.grain === 'week' ? 7 : 1;
    for (let d = f.date; d <= (f.endDate || f.date); d = addDays(d, step)) {
      if (step === 1 && !isSchoolDay(d)) continue;
      const k = `${d}\t${f.schoolId}\t${f.role}\t${f.metric}`;
      const gap = sign * (f.expected - f.observed);
      const c = cell.get(k);
      if (!c || gap > c.gap) cell.set(k, {gap, expected: f.expected});
    }
  }
  const byDay = new Map<string, {users: number; expected: number}>();
  for (const [k, c] of cell) {
    const d = k.slice(0, 10);
    const t = byDay.get(d) ?? {users: 0, expected: 0};
    t.users += c.gap;
    t.expected += c.expected;
    byDay.set(d, t);
  }
  let best: {day: string; users: number; expected: number} | null = null;
  for (const [day, t] of [...byDay.entries()].sort()) {
    if (!best || t.users > best.users) best = {day, ...t};
  }
  return best;
}

function describeGroup(
  g: Group,
  opts: IncidentOptions,
  multi: number,
  countSchoolDays: (a: string, b: string) => number,
  isSchoolDay: (d: string) => boolean,
): Incident {
  // The incident's span runs from its first to its last school day.
  let start = g.start;
  let end = g.end;
  while (start < end && !isSchoolDay(start)) start = addDays(start, 1);
  while (end > start && !isSchoolDay(end)) end = addDays(end, -1);
  const schoolIds = sorted(g.flags.map(f => f.schoolId));
  const roles = sorted(g.flags.map(f => f.role));
  const metrics = sorted(g.flags.map(f => f.metric));
  const kind: IncidentKind =
    schoolIds.length >= Math.max(multi, DISTRICT_SHARE * opts.schools)
      ? 'district-wide'
      : schoolIds.length >= 2
        ? 'several schools'
        : roles.length >= 2 || metrics.length >= 2
          ? 'one school'
          : 'one role';
  const worst = worstDay(g, isSchoolDay);
  let changePct: number | null = null;
  if (worst && worst.expected > 0) {
    changePct =
      ((g.direction === 'drop' ? -1 : 1) * worst.users * 100) / worst.expected;
  } else {
    const changes = g.flags
      .map(f => f.changePct)
      .filter((c): c is number => c !== null)
      .sort((a, b) => a - b);
    if (changes.length) changePct = changes[changes.length >> 1];
  }
  const schoolDays = Math.max(1, countSchoolDays(start, end));
  const sustainedFlag = g.flags.some(f => f.endDate && f.endDate !== f.date);
  const ongoing =
    !!opts.lastDay &&
    (end >= opts.lastDay ||
      countSchoolDays(addDays(end, 1), opts.lastDay) === 0);
  let cause: IncidentCause = '';
  if (g.direction === 'drop') {
    const abrupt = changePct !== null && -changePct >= OUTAGE_FALL_PCT;
    const broad = kind !== 'one role';
    if (!sustainedFlag && schoolDays <= OUTAGE_MAX_DAYS && abrupt && broad) {
      cause = 'outage';
    } else if (
      kind !== 'district-wide' &&
      (sustainedFlag || schoolDays >= SUSTAINED_DAYS)
    ) {
      cause = 'disengagement';
    }
  }
  const severity = g.flags
    .map(f => f.severity)
    .reduce<'high' | 'medium' | 'low'>(
      (best, s) =>
        (SEVERITY_RANK[s] ?? 2) < SEVERITY_RANK[best]
          ? (s as 'high' | 'medium')
          : best,
      'low',
    );
  return {
    key: `${g.direction}:${g.multi ? 'multi' : schoolIds[0]}:${g.start}`,
    kind,
    direction: g.direction,
    start,
    end,
    schoolDays,
    schoolIds,
    roles,
    metrics,
    flagIds: sorted(g.flags.map(f => f.id)),
    users: worst ? Math.round(worst.users) : null,
    expectedUsers: worst ? Math.round(worst.expected) : null,
    worstDay: worst?.day ?? g.start,
    changePct,
    severity,
    cause,
    ongoing,
  };
}

// ---------------------------------------------------------------------------------------
// Words.

/** `11 Dec 2024`, `11-12 Dec 2024`, `28 Oct - 6 Dec 2024`, `30 Dec 2024 - 3 Jan 2025`. */
export function spanText(start: string, end: string): string {
  const [y0, m0, d0] = start.split('-').map(Number);
  const [y1, m1, d1] = end.split('-').map(Number);
  if (start === end) return `${d0} ${MONTH_ABBR[m0 - 1]} ${y0}`;
  if (y0 === y1 && m0 === m1) return `${d0}-${d1} ${MONTH_ABBR[m0 - 1]} ${y0}`;
  if (y0 === y1)
    return `${d0} ${MONTH_ABBR[m0 - 1]} - ${d1} ${MONTH_ABBR[m1 - 1]} ${y0}`;
  return `${d0} ${MONTH_ABBR[m0 - 1]} ${y0} - ${d1} ${MONTH_ABBR[m1 - 1]} ${y1}`;
}

function plural(role: string): string {
  return role === 'all' ? 'all users' : `${role}s`;
}

const KIND_TITLE: Record<IncidentKind, string> = {
  'district-wide': 'District-wide',
  'several schools': 'Several schools',
  'one school': 'One school',
  'one role': 'One group',
};

export const CAUSE_TEXT: Record<IncidentCause, string> = {
  outage: 'likely an outage',
  disengagement: 'likely disengagement',
  '': '',
};

function groupNumber(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * One line an admin reads, e.g. "District-wide drop on 11-12 Dec 2024: 40 of 40 schools,
 * students and teachers, about 60% below expected (3,210 users on the worst day) - likely
 * an outage".
 */
export function incidentHeadline(
  inc: Pick<
    Incident,
    | 'kind'
    | 'direction'
    | 'start'
    | 'end'
    | 'schoolIds'
    | 'roles'
    | 'users'
    | 'expectedUsers'
    | 'changePct'
    | 'cause'
    | 'ongoing'
  >,
  schools: number,
  schoolName: (id: string) => string = id => id,
): string {
  const what = inc.direction === 'drop' ? 'drop' : 'surge';
  const where =
    inc.kind === 'district-wide' || inc.kind === 'several schools'
      ? `${KIND_TITLE[inc.kind]} ${what}`
      : `${schoolName(inc.schoolIds[0])}: ${what}`;
  const span = spanText(inc.start, inc.end);
  const since = inc.ongoing && inc.start !== inc.end;
  const when = since ? `since ${spanText(inc.start, inc.start)}` : `on ${span}`;
  const parts: string[] = [];
  if (inc.schoolIds.length > 1) {
    parts.push(`${inc.schoolIds.length} of ${schools} schools`);
  }
  const roles = inc.roles.map(plural);
  parts.push(
    roles.length === 2 ? `${roles[0]} and ${roles[1]}` : roles.join(', '),
  );
  const tiny =
    inc.expectedUsers !== null && !(inc.expectedUsers >= TINY_EXPECTED);
  if (inc.changePct !== null && tiny) {
    // A percent of a handful of users is no headline: say the users.
    const below = inc.direction === 'drop' ? 'below' : 'above';
    const few = (n: number) => String(Math.round(n * 10) / 10);
    parts.push(
      `${few(Math.abs(inc.users ?? 0))} ${below} the ${few(inc.expectedUsers ?? 0)} users expected`,
    );
  } else if (inc.changePct !== null) {
    const below = inc.direction === 'drop' ? 'below' : 'above';
    let size = `about ${Math.round(Math.abs(inc.changePct))}% ${below} expected`;
    if (inc.users !== null && inc.users > 0) {
      size += ` (${groupNumber(inc.users)} ${inc.users === 1 ? 'user' : 'users'} on the worst day)`;
    }
    parts.push(size);
  }
  if (inc.ongoing) parts.push('still going on');
  const cause = CAUSE_TEXT[inc.cause];
  return `${where} ${when}: ${parts.join(', ')}${cause ? ` \u2014 ${cause}` : ''}`;
}
