/**
 * Civil-date arithmetic on day numbers (days since 1970-01-01) and the
 * America/New_York offset, by the US daylight-saving rule in force since 2007.
 * Pure arithmetic: no Intl, so the generator runs anywhere.
 */

export const DAY_MS = 86400000;
const HOUR_MS = 3600000;

/** Day number of a civil date (proleptic Gregorian). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Parses `YYYY-MM-DD`, or returns null when it is not a real date. */
export function parseIsoDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const n = dayNumber(y, mo, d);
  const back = civil(n);
  if (back.year !== y || back.month !== mo || back.day !== d) return null;
  return n;
}

export interface Civil {
  year: number;
  month: number;
  day: number;
}

export function civil(dayNo: number): Civil {
  const dt = new Date(dayNo * DAY_MS);
  return {
    year: dt.getUTCFullYear(),
    month: dt.getUTCMonth() + 1,
    day: dt.getUTCDate(),
  };
}

function pad(n: number, w = 2): string {
  let s = String(n);
  while (s.length < w) s = '0' + s;
  return s;
}

export function isoDate(dayNo: number): string {
  const c = civil(dayNo);
  return `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(dayNo: number): number {
  return (((dayNo + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** The n-th (1-based) given weekday of a month; n = -1 for the last. */
export function nthWeekday(
  year: number,
  month: number,
  wd: number,
  n: number,
): number {
  if (n > 0) {
    const first = dayNumber(year, month, 1);
    const shift = (wd - weekday(first) + 7) % 7;
    return first + shift + (n - 1) * 7;
  }
  const last = dayNumber(year, month + 1, 1) - 1;
  return last - ((weekday(last) - wd + 7) % 7);
}

/** Monday of the ISO week holding the day. */
export function mondayOf(dayNo: number): number {
  return dayNo - ((weekday(dayNo) + 6) % 7);
}

/** ISO week label, e.g. `2025-W07`. */
export function isoWeek(dayNo: number): string {
  const thursday = mondayOf(dayNo) + 3;
  const year = civil(thursday).year;
  const week = Math.floor((thursday - dayNumber(year, 1, 1)) / 7) + 1;
  return `${year}-W${pad(week)}`;
}

/** UTC instants (ms) where daylight time starts and ends in a US year. */
function dstBoundsUtc(year: number): [number, number] {
  const start = nthWeekday(year, 3, 0, 2) * DAY_MS + 7 * HOUR_MS; // 02:00 EST
  const end = nthWeekday(year, 11, 0, 1) * DAY_MS + 6 * HOUR_MS; // 02:00 EDT
  return [start, end];
}

/** UTC offset of America/New_York at a UTC instant, in ms (negative). */
export function nyOffsetAtUtc(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  const [s, e] = dstBoundsUtc(year);
  return ms >= s && ms < e ? -4 * HOUR_MS : -5 * HOUR_MS;
}

/** The New York civil day of a UTC instant. */
export function nyDayOf(ms: number): number {
  return Math.floor((ms + nyOffsetAtUtc(ms)) / DAY_MS);
}

/**
 * UTC ms of a New York wall-clock time on a day. Valid for every time of day except
 * the skipped or repeated hour of a change-over night, which the generator never uses.
 */
export function nyLocalToUtc(dayNo: number, msOfDay: number): number {
  const guess = dayNo * DAY_MS + msOfDay + 5 * HOUR_MS;
  const off = nyOffsetAtUtc(guess);
  return dayNo * DAY_MS + msOfDay - off;
}

/** UTC ms at which a New York civil day starts. */
export function nyDayStartUtc(dayNo: number): number {
  return nyLocalToUtc(dayNo, 0);
}

/** RFC 3339 with milliseconds and `Z`, as the Reports API writes id.time. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
