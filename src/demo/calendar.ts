/**
 * A New York City-like school calendar, computed by rule for any school year:
 * first day the Thursday after Labor Day (two staff days before it), Rosh Hashanah and
 * Yom Kippur from the Hebrew calendar, Indigenous Peoples' Day, Election Day (staff
 * only), Veterans Day, Thanksgiving, winter recess, MLK Day, midwinter recess in the
 * week of Presidents' Day, spring recess around Passover, Memorial Day, Anniversary Day
 * (staff only), Juneteenth, last day on or before 26 June, then summer.
 * Lunar New Year, Eid and Diwali closures are not modelled (they need lunar tables).
 */
import type {CalendarPeriod, SchoolCalendar} from '../core/types';
import {civil, dayNumber, isoDate, nthWeekday, weekday} from './dates';

// --- Hebrew calendar (Reingold and Dershowitz, Calendrical Calculations) ----------

const RD_OF_UNIX_EPOCH = 719163; // fixed day number of 1970-01-01
const HEBREW_EPOCH_RD = -1373427;

function hebrewElapsedDays(year: number): number {
  const monthsElapsed = Math.floor((235 * year - 234) / 19);
  const partsElapsed = 12084 + 13753 * monthsElapsed;
  const days = 29 * monthsElapsed + Math.floor(partsElapsed / 25920);
  return (3 * (days + 1)) % 7 < 3 ? days + 1 : days;
}

function hebrewYearLengthCorrection(year: number): number {
  const ny0 = hebrewElapsedDays(year - 1);
  const ny1 = hebrewElapsedDays(year);
  const ny2 = hebrewElapsedDays(year + 1);
  if (ny2 - ny1 === 356) return 2;
  if (ny1 - ny0 === 382) return 1;
  return 0;
}

/** Day number of 1 Tishri (Rosh Hashanah) of a Hebrew year. */
export function hebrewNewYear(hebrewYear: number): number {
  return (
    HEBREW_EPOCH_RD +
    hebrewElapsedDays(hebrewYear) +
    hebrewYearLengthCorrection(hebrewYear) -
    RD_OF_UNIX_EPOCH
  );
}

/** Rosh Hashanah (first day) falling in the autumn of a Gregorian year. */
export function roshHashanah(gregorianYear: number): number {
  return hebrewNewYear(gregorianYear + 3761);
}

/** 15 Nisan (first day of Passover) in the spring of a Gregorian year: 163 days before the next Rosh Hashanah. */
export function passover(gregorianYear: number): number {
  return roshHashanah(gregorianYear) - 163;
}

// --- Day classification -------------------------------------------------------------

export type DayKind =
  'school' | 'weekend' | 'holiday' | 'break' | 'summer' | 'staff'; // students off, teachers working (Election Day, conference days)

export type SchoolLevel = 'elementary' | 'middle' | 'high';

export interface DayInfo {
  dayNo: number;
  date: string;
  kind: DayKind;
  /** Name of the closure, when closed. */
  closure: string;
  /** School year (autumn year, e.g. 2024 for 2024-25); -1 in summer before the first. */
  schoolYear: number;
  /** 0-based school day within the school year (students), -1 when not a school day. */
  schoolDayIndex: number;
  /** Testing uplift by level (1 = none). */
  testing: Record<SchoolLevel, number>;
  /** True in the school days before a marking period closes, when teachers grade. */
  grading: boolean;
  /** True on a half day (early dismissal): a school day with less activity. */
  halfDay: boolean;
}

export interface Period extends CalendarPeriod {
  startDay: number;
  endDay: number;
  staffOnly?: boolean;
  levels?: SchoolLevel[];
}

function observed(dayNo: number): number {
  const wd = weekday(dayNo);
  if (wd === 6) return dayNo - 1;
  if (wd === 0) return dayNo + 1;
  return dayNo;
}

export function period(
  name: string,
  kind: CalendarPeriod['kind'],
  startDay: number,
  endDay: number,
  extra: Partial<Period> = {},
): Period {
  return {
    name,
    kind,
    start: isoDate(startDay),
    end: isoDate(endDay),
    startDay,
    endDay,
    ...extra,
  };
}

/** First day of school: the Thursday after Labor Day. */
export function firstDayOfSchool(year: number): number {
  return nthWeekday(year, 9, 1, 1) + 3;
}

/** Last day of school: 26 June, or the Friday before when it falls on a weekend. */
export function lastDayOfSchool(springYear: number): number {
  let d = dayNumber(springYear, 6, 26);
  while (weekday(d) === 0 || weekday(d) === 6) d--;
  return d;
}

export interface SchoolYearPlan {
  year: number;
  first: number;
  last: number;
  closures: Period[];
  events: Period[];
}

function isWeekend(d: number): boolean {
  const wd = weekday(d);
  return wd === 0 || wd === 6;
}

/**
 * The first run of n school days on or after `from` that no holiday or recess
 * interrupts (weekends may), so a testing window never straddles a recess.
 */
function schoolDaysFrom(
  from: number,
  n: number,
  closed: (d: number) => boolean,
): [number, number] {
  let d = from;
  for (let guard = 0; guard < 120; guard++) {
    while (closed(d) && d - from < 120) d++;
    const start = d;
    let count = 1;
    let e = d;
    while (count < n) {
      e++;
      if (isWeekend(e)) continue;
      if (closed(e)) break;
      count++;
    }
    if (count === n) return [start, e];
    d = e;
  }
  // No uninterrupted run (end of the year): take n open days, interruptions and all.
  let e = from;
  while (closed(e)) e++;
  const start = e;
  for (let count = 1; count < n;) {
    e++;
    if (!closed(e)) count++;
  }
  return [start, e];
}

/** n school days ending at the last open day on or before `to`. */
function schoolDaysUntil(
  to: number,
  n: number,
  closed: (d: number) => boolean,
): [number, number] {
  let d = to;
  while (closed(d)) d--;
  const end = d;
  let count = 1;
  while (count < n) {
    d--;
    if (!closed(d)) count++;
  }
  return [d, end];
}

function planSchoolYear(year: number): SchoolYearPlan {
  const y2 = year + 1;
  const laborDay = nthWeekday(year, 9, 1, 1);
  const first = firstDayOfSchool(year);
  const last = lastDayOfSchool(y2);
  const closures: Period[] = [];
  closures.push(
    period('Staff development days', 'other', laborDay + 1, laborDay + 2, {
      staffOnly: true,
    }),
  );
  const rh = roshHashanah(year);
  for (const d of [rh, rh + 1]) {
    if (!isWeekend(d)) closures.push(period('Rosh Hashanah', 'holiday', d, d));
  }
  const yk = rh + 9;
  if (!isWeekend(yk)) closures.push(period('Yom Kippur', 'holiday', yk, yk));
  const columbus = nthWeekday(year, 10, 1, 2);
  closures.push(
    period(
      "Italian Heritage and Indigenous Peoples' Day",
      'holiday',
      columbus,
      columbus,
    ),
  );
  const election = nthWeekday(year, 11, 1, 1) + 1;
  closures.push(
    period('Election Day (staff development)', 'holiday', election, election, {
      staffOnly: true,
    }),
  );
  const veterans = observed(dayNumber(year, 11, 11));
  closures.push(period('Veterans Day', 'holiday', veterans, veterans));
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  closures.push(
    period('Thanksgiving recess', 'holiday', thanksgiving, thanksgiving + 1),
  );
  closures.push(
    period(
      'Winter recess',
      'break',
      dayNumber(year, 12, 24),
      dayNumber(y2, 1, 1),
    ),
  );
  const mlk = nthWeekday(y2, 1, 1, 3);
  closures.push(period('Martin Luther King Jr. Day', 'holiday', mlk, mlk));
  const presidents = nthWeekday(y2, 2, 1, 3);
  closures.push(
    period('Midwinter recess', 'break', presidents, presidents + 4),
  );
  // Spring recess: from the first weekday on or after the eve of Passover to the
  // later of that week's Friday and the last weekday of Passover (22 Nisan).
  const pesach = passover(y2);
  let springStart = pesach - 1;
  while (isWeekend(springStart)) springStart++;
  const friday = springStart + (5 - weekday(springStart));
  let pesachEnd = pesach + 7;
  while (isWeekend(pesachEnd)) pesachEnd--;
  const springEnd = Math.min(Math.max(friday, pesachEnd), springStart + 8);
  closures.push(period('Spring recess', 'break', springStart, springEnd));
  const memorial = nthWeekday(y2, 5, 1, -1);
  closures.push(period('Memorial Day', 'holiday', memorial, memorial));
  const anniversary = nthWeekday(y2, 6, 4, 1);
  closures.push(
    period(
      'Anniversary Day (staff development)',
      'holiday',
      anniversary,
      anniversary,
      {staffOnly: true},
    ),
  );
  const juneteenth = observed(dayNumber(y2, 6, 19));
  if (juneteenth <= last) {
    closures.push(period('Juneteenth', 'holiday', juneteenth, juneteenth));
  }

  const closedFor = (d: number) =>
    isWeekend(d) ||
    d < first ||
    d > last ||
    closures.some(c => d >= c.startDay && d <= c.endDay);

  const events: Period[] = [];
  // January Regents and high-school midterms: the four school days after MLK Day.
  const [mtStart, mtEnd] = schoolDaysFrom(mlk + 1, 4, closedFor);
  events.push(
    period('Midterms and January Regents', 'testing', mtStart, mtEnd, {
      levels: ['high'],
    }),
  );
  // NYS ELA and Math tests (grades 3-8): computer-based windows in April and May.
  const [elaStart, elaEnd] = schoolDaysFrom(dayNumber(y2, 4, 10), 6, closedFor);
  events.push(
    period('NYS ELA test window (grades 3-8)', 'testing', elaStart, elaEnd, {
      levels: ['elementary', 'middle'],
    }),
  );
  const [mathStart, mathEnd] = schoolDaysFrom(
    Math.max(dayNumber(y2, 4, 30), elaEnd + 5),
    6,
    closedFor,
  );
  events.push(
    period('NYS Math test window (grades 3-8)', 'testing', mathStart, mathEnd, {
      levels: ['elementary', 'middle'],
    }),
  );
  const [regStart, regEnd] = schoolDaysFrom(dayNumber(y2, 6, 11), 5, closedFor);
  events.push(
    period('June Regents exams', 'testing', regStart, Math.min(regEnd, last), {
      levels: ['high'],
    }),
  );
  // Marking periods close early November, late January, early April and at the end
  // of the year; teachers grade in the last five school days of each.
  const mpEnds = [
    nthWeekday(year, 11, 5, 1),
    nthWeekday(y2, 1, 5, -1),
    nthWeekday(y2, 4, 5, 1),
    last,
  ];
  mpEnds.forEach((end, i) => {
    const [gs, ge] = schoolDaysUntil(end, 5, closedFor);
    events.push(period(`Marking period ${i + 1} grading`, 'other', gs, ge));
  });
  return {year, first, last, closures, events};
}

export interface DemoCalendar {
  calendar: SchoolCalendar;
  days: DayInfo[];
  startDay: number;
  endDay: number;
}

/** Student activity multiplier in a testing window for the levels it concerns. */
export const TESTING_UPLIFT = 1.3;

/** The New York-like calendar over [startDay, endDay], one classified entry per day. */
export function buildCalendar(startDay: number, endDay: number): DemoCalendar {
  const firstYear = civil(startDay).year - 1;
  const lastYear = civil(endDay).year;
  const plans: SchoolYearPlan[] = [];
  for (let y = firstYear; y <= lastYear; y++) plans.push(planSchoolYear(y));
  return assembleCalendar(plans, startDay, endDay);
}

/**
 * Classifies every day of [startDay, endDay] from school-year plans (in order): summer
 * between years and outside the first and last, closures, testing, grading, half days.
 */
export function assembleCalendar(
  plans: SchoolYearPlan[],
  startDay: number,
  endDay: number,
): DemoCalendar {
  const closures: Period[] = [];
  const events: Period[] = [];
  const firstPlan = plans[0];
  const lastPlan = plans[plans.length - 1];
  if (startDay < firstPlan.first) {
    closures.push(
      period(
        `Summer ${firstPlan.year}`,
        'summer',
        Math.min(startDay, firstPlan.first - 1),
        firstPlan.first - 1,
      ),
    );
  }
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i];
    if (i > 0) {
      const prev = plans[i - 1];
      closures.push(
        period(`Summer ${p.year}`, 'summer', prev.last + 1, p.first - 1),
      );
    }
    closures.push(...p.closures);
    events.push(...p.events);
  }
  if (endDay > lastPlan.last) {
    closures.push(
      period(
        `Summer ${lastPlan.year + 1}`,
        'summer',
        lastPlan.last + 1,
        endDay,
      ),
    );
  }
  const overlaps = (p: Period) => p.endDay >= startDay && p.startDay <= endDay;
  const keptClosures = closures.filter(overlaps);
  const keptEvents = events.filter(overlaps);

  const days: DayInfo[] = [];
  const schoolDayCounter = new Map<number, number>();
  for (let d = startDay; d <= endDay; d++) {
    let kind: DayKind = 'school';
    let closure = '';
    let schoolYear = -1;
    // Summer belongs to the year just ended until teachers set up the next one.
    for (const p of plans) {
      if (d >= p.first - 10) schoolYear = p.year;
    }
    const inSummer = keptClosures.find(
      c => c.kind === 'summer' && d >= c.startDay && d <= c.endDay,
    );
    const named = keptClosures.find(
      c => c.kind !== 'summer' && d >= c.startDay && d <= c.endDay,
    );
    if (inSummer) {
      kind = 'summer';
      closure = inSummer.name;
    }
    if (named) {
      closure = named.name;
      kind = named.staffOnly
        ? 'staff'
        : named.kind === 'break'
          ? 'break'
          : 'holiday';
    }
    if (isWeekend(d) && kind !== 'summer' && kind !== 'break') {
      kind = 'weekend';
      closure = closure || 'Weekend';
    }
    const testing: Record<SchoolLevel, number> = {
      elementary: 1,
      middle: 1,
      high: 1,
    };
    let grading = false;
    let halfDay = false;
    let schoolDayIndex = -1;
    if (kind === 'school') {
      const n = schoolDayCounter.get(schoolYear) ?? 0;
      schoolDayIndex = n;
      schoolDayCounter.set(schoolYear, n + 1);
      for (const e of keptEvents) {
        if (d < e.startDay || d > e.endDay) continue;
        if (e.kind === 'testing') {
          for (const lvl of e.levels ?? []) testing[lvl] = TESTING_UPLIFT;
        } else if (e.kind === 'half-day') {
          halfDay = true;
        } else {
          grading = true;
        }
      }
    }
    days.push({
      dayNo: d,
      date: isoDate(d),
      kind,
      closure,
      schoolYear,
      schoolDayIndex,
      testing,
      grading,
      halfDay,
    });
  }
  const strip = (p: Period): CalendarPeriod => ({
    name: p.name,
    start: p.start,
    end: p.end,
    kind: p.kind,
  });
  return {
    calendar: {
      schoolWeekdays: [1, 2, 3, 4, 5],
      closures: keptClosures.map(strip),
      events: keptEvents.map(strip),
    },
    days,
    startDay,
    endDay,
  };
}
