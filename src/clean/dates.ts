/**
 * Pure calendar arithmetic on ISO dates (`YYYY-MM-DD`), with no time zone and no Intl:
 * a date is a day number (days since 1970-01-01) and back.
 */
import {InputError} from '../core/errors';

const DAY_MS = 86_400_000;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** English month abbreviations, as headlines and the calendar view write dates. */
export const MONTH_ABBR: readonly string[] = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** The number the ASCII digits of `s` from `from` to `to` (exclusive) spell, or -1. */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Days since 1970-01-01 of an ISO date; throws InputError naming `field` when malformed.
 * Read by character codes, no pattern or Date: facts, calendars and decompositions call it
 * for every row and day.
 */
export function dayNumber(day: string, field = 'date'): number {
  if (
    typeof day === 'string' &&
    day.length === 10 &&
    day.charCodeAt(4) === 45 &&
    day.charCodeAt(7) === 45
  ) {
    const y = digitsAt(day, 0, 4);
    const mo = digitsAt(day, 5, 7);
    const d = digitsAt(day, 8, 10);
    if (y >= 0 && mo >= 0 && d >= 0) {
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      const last = mo === 2 && leap ? 29 : MONTH_DAYS[mo - 1];
      if (mo < 1 || mo > 12 || d < 1 || d > last) {
        throw new InputError(field, `"${day}" is not a calendar date`);
      }
      return daysFromCivil(y, mo, d);
    }
  }
  throw new InputError(field, `"${day}" is not a YYYY-MM-DD date`);
}

export function isIsoDay(day: string): boolean {
  try {
    dayNumber(day);
    return true;
  } catch {
    return false;
  }
}

const TWO_DIGITS = Array.from({length: 32}, (_, i) =>
  i < 10 ? `0${i}` : String(i),
);

/** Day numbers whose text is kept once made: 1970-01-01 up to 2169-12-31. */
const KEPT_DAYS = 73_049;
let dayText: string[] | null = null;

/** The ISO date of a day number (days since 1970-01-01). */
export function dayFromNumber(n: number): string {
  // Weeks and ranges ask for the same few hundred days again and again: the text of each
  // is made once (and, being the same string each time, hashed once as a Map key).
  if (n >= 0 && n < KEPT_DAYS && n === Math.floor(n)) {
    const kept = (dayText ??= new Array<string>(KEPT_DAYS).fill(''));
    const t = kept[n];
    if (t !== '') return t;
    return (kept[n] = civilDay(n));
  }
  return civilDay(n);
}

function civilDay(n: number): string {
  // Civil from days (H. Hinnant's algorithm), as Date would give for the day's midnight.
  const z = Math.floor(n) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe -
      Math.floor(doe / 1460) +
      Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) /
      365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1000 || y > 9999) {
    const dt = new Date(Math.floor(n) * DAY_MS);
    const mm = dt.getUTCMonth() + 1;
    const dd = dt.getUTCDate();
    return `${String(dt.getUTCFullYear()).padStart(4, '0')}-${TWO_DIGITS[mm]}-${TWO_DIGITS[dd]}`;
  }
  return `${y}-${TWO_DIGITS[m]}-${TWO_DIGITS[d]}`;
}

export function addDays(day: string, n: number): string {
  return dayFromNumber(dayNumber(day) + n);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** Every day from `from` to `to`, both inclusive; empty when to < from. */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  const end = dayNumber(to);
  for (let n = dayNumber(from); n <= end; n++) out.push(dayFromNumber(n));
  return out;
}

/** 0 = Sunday .. 6 = Saturday, as Date.getUTCDay. */
export function weekday(day: string): number {
  return weekdayOf(dayNumber(day));
}

/** Day of week of a day number (Sunday 0; 1970-01-01 was a Thursday). */
function weekdayOf(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

/** The ISO 8601 week of a date: `{week: '2025-W07', weekStart: Monday}`. */
export function isoWeek(day: string): {week: string; weekStart: string} {
  const n = dayNumber(day);
  const isoDow = ((weekdayOf(n) + 6) % 7) + 1; // Monday 1 .. Sunday 7
  const monday = n - (isoDow - 1);
  const thursday = monday + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Math.round(Date.UTC(year, 0, 1) / DAY_MS);
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return {
    week: `${year}-W${week < 10 ? '0' : ''}${week}`,
    weekStart: dayFromNumber(monday),
  };
}

/** The seven days of the ISO week starting on `weekStart` (a Monday). */
export function weekDays(weekStart: string): string[] {
  return dayRange(weekStart, addDays(weekStart, 6));
}

/** The UTC calendar date of an epoch-millisecond instant. */
export function utcDay(ms: number): string {
  return dayFromNumber(Math.floor(ms / DAY_MS));
}

/**
 * Parses an RFC 3339 timestamp (`2025-02-03T14:05:06.123Z`, offsets allowed) to epoch ms,
 * or returns null when it is not one. Date.parse alone accepts too much.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/i;

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Days in month `m` (1-12) of year `y`, proleptic Gregorian. */
function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ` read by character codes (the APIs' usual form), or null. */
function canonicalRfc3339(v: string): number | null {
  if (
    v.length !== 24 ||
    v.charCodeAt(4) !== 45 ||
    v.charCodeAt(7) !== 45 ||
    (v.charCodeAt(10) | 32) !== 116 ||
    v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58 ||
    v.charCodeAt(19) !== 46 ||
    (v.charCodeAt(23) | 32) !== 122
  )
    return null;
  const y = digitsAt(v, 0, 4);
  const mo = digitsAt(v, 5, 7);
  const d = digitsAt(v, 8, 10);
  const h = digitsAt(v, 11, 13);
  const mi = digitsAt(v, 14, 16);
  const sec = digitsAt(v, 17, 19);
  const frac = digitsAt(v, 20, 23);
  if (
    y < 0 ||
    h < 0 ||
    mi < 0 ||
    sec < 0 ||
    frac < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    // The 29th to 31st too (a tenth of all records): the regex and Date.parse path
    // below gives the same instant for a real calendar date, at many times the cost.
    d > daysInMonth(y, mo) ||
    h > 23 ||
    mi > 59 ||
    sec > 59
  )
    return null;
  return (
    daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000 + frac
  );
}

export function parseRfc3339(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  // Activity and Classroom times come in one form: read it without the pattern.
  const fast = canonicalRfc3339(value);
  if (fast !== null) return fast;
  const m = RFC3339.exec(value);
  if (!m) return null;
  // Computed by hand (one per activity record, so no Date); values a calendar would not
  // hold (30 February, 24:00) keep Date.parse's reading.
  const mo = +m[2];
  const d = +m[3];
  const h = +m[4];
  const mi = +m[5];
  const sec = +m[6];
  if (
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= 28 &&
    h < 24 &&
    mi < 60 &&
    sec < 60
  ) {
    let ms =
      daysFromCivil(+m[1], mo, d) * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000;
    if (m[7]) ms += Math.floor(+`0${m[7].slice(0, 4)}` * 1000 + 1e-9);
    if (m[9]) {
      const off = (+m[10] * 60 + +m[11]) * 60_000;
      ms += m[9] === '+' ? -off : off;
    }
    return ms;
  }
  // Date.parse handles at most millisecond precision reliably.
  const trimmed = value.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : null;
}

export function toRfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

export {DAY_MS};
