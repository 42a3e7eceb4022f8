/**
 * Time-zone arithmetic and Java SimpleDateFormat formatting for the fakes
 * (Node-side, so Intl is fine here; the bundle itself never uses Intl).
 */

export interface ZonedParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** 0 = Sunday. */
  weekday: number;
  /** Offset from UTC in minutes (local = UTC + offset). */
  offsetMin: number;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();

/** A fixed offset for 'GMT', 'UTC', 'GMT+2', 'GMT-05:00', 'UTC+5:30'; else null. */
function fixedOffset(tz: string): number | null {
  const m = /^(?:GMT|UTC|Z)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/i.exec(
    tz.trim(),
  );
  if (!m) return null;
  if (!m[1]) return 0;
  const mins = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -mins : mins;
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    fmtCache.set(tz, f);
  }
  return f;
}

/** Whether Apps Script would accept this time zone id. */
export function isValidTimeZone(tz: string): boolean {
  if (fixedOffset(tz) !== null) return true;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export function zonedParts(ms: number, tz: string): ZonedParts {
  const fixed = fixedOffset(tz);
  if (fixed !== null) {
    const d = new Date(ms + fixed * 60000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      ms: d.getUTCMilliseconds(),
      weekday: d.getUTCDay(),
      offsetMin: fixed,
    };
  }
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find(p => p.type === t)?.value);
  const year = get('year');
  const month = get('month');
  const day = get('day');
  const hour = get('hour');
  const minute = get('minute');
  const second = get('second');
  const msPart = ((ms % 1000) + 1000) % 1000;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, msPart);
  const offsetMin = Math.round((asUtc - ms) / 60000);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    ms: msPart,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    offsetMin,
  };
}

/**
 * The instant of a wall-clock time in a zone. A time skipped by a DST change
 * resolves forward (as Java's lenient calendar does); an ambiguous one takes
 * the earlier instant.
 */
export function zonedToEpoch(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
  tz = 'UTC',
): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const t1 = guess - zonedParts(guess, tz).offsetMin * 60000;
  const t2 = guess - zonedParts(t1, tz).offsetMin * 60000;
  const matches = (t: number) => {
    const p = zonedParts(t, tz);
    return p.hour === hour && p.minute === minute && p.day === day;
  };
  if (!matches(t1) && !matches(t2)) {
    // A wall time skipped by a DST change: move forward by the gap.
    return Math.max(t1, t2);
  }
  const t = matches(t2) ? t2 : t1;
  // Ambiguous hour: prefer the earlier instant.
  const earlier = t - 3600000;
  return matches(earlier) ? earlier : t;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (
    (n < 0 ? '-' : '') +
    (s.length >= width ? s : '0'.repeat(width - s.length) + s)
  );
}

function offsetString(min: number, style: 'Z' | 'X1' | 'X2' | 'X3'): string {
  if (min === 0 && style !== 'Z') return 'Z';
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  const hh = pad(Math.floor(a / 60), 2);
  const mm = pad(a % 60, 2);
  if (style === 'X1') return sign + hh;
  if (style === 'X3') return `${sign}${hh}:${mm}`;
  return sign + hh + mm;
}

function zoneName(ms: number, tz: string, long: boolean): string {
  const fixed = fixedOffset(tz);
  if (fixed !== null) {
    if (fixed === 0) return long ? 'Greenwich Mean Time' : 'GMT';
    return 'GMT' + offsetString(fixed, 'X3');
  }
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    timeZoneName: long ? 'long' : 'short',
  });
  return (
    f.formatToParts(new Date(ms)).find(p => p.type === 'timeZoneName')?.value ??
    tz
  );
}

/** Day of year, 1-based. */
function dayOfYear(p: ZonedParts): number {
  return (
    (Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000 +
    1
  );
}

/** Week of year as java.util.GregorianCalendar counts it in the US locale. */
function weekOfYear(p: ZonedParts): {week: number; weekYear: number} {
  const jan1Dow = new Date(Date.UTC(p.year, 0, 1)).getUTCDay();
  const doy = dayOfYear(p);
  const week = Math.floor((doy - 1 + jan1Dow) / 7) + 1;
  // The last days of December that share a week with January 1 belong to week 1.
  const nextJan1Dow = new Date(Date.UTC(p.year + 1, 0, 1)).getUTCDay();
  const dec31 = Date.UTC(p.year, 11, 31);
  const today = Date.UTC(p.year, p.month - 1, p.day);
  if (nextJan1Dow !== 0 && today > dec31 - nextJan1Dow * 86400000) {
    return {week: 1, weekYear: p.year + 1};
  }
  return {week, weekYear: p.year};
}

/**
 * Formats an instant with a java.text.SimpleDateFormat pattern in a time zone,
 * as Utilities.formatDate does (US English names).
 */
export function formatSimpleDate(
  ms: number,
  tz: string,
  pattern: string,
): string {
  const p = zonedParts(ms, tz);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      // A quoted run; '' inside it is a literal quote.
      let j = i + 1;
      let lit = '';
      for (;;) {
        if (j >= pattern.length)
          throw new Error(`Unterminated quote in ${pattern}`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            lit += "'";
            j += 2;
            continue;
          }
          break;
        }
        lit += pattern[j++];
      }
      out += lit;
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch;
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === ch) n++;
    i += n;
    switch (ch) {
      case 'G':
        out += 'AD';
        break;
      case 'y':
        out += n === 2 ? pad(p.year % 100, 2) : pad(p.year, n);
        break;
      case 'Y': {
        const wy = weekOfYear(p).weekYear;
        out += n === 2 ? pad(wy % 100, 2) : pad(wy, n);
        break;
      }
      case 'M':
      case 'L':
        out +=
          n >= 4
            ? MONTHS[p.month - 1]
            : n === 3
              ? MONTHS[p.month - 1].slice(0, 3)
              : pad(p.month, n);
        break;
      case 'w':
        out += pad(weekOfYear(p).week, n);
        break;
      case 'W': {
        const firstDow = new Date(Date.UTC(p.year, p.month - 1, 1)).getUTCDay();
        out += pad(Math.floor((p.day - 1 + firstDow) / 7) + 1, n);
        break;
      }
      case 'D':
        out += pad(dayOfYear(p), n);
        break;
      case 'd':
        out += pad(p.day, n);
        break;
      case 'F':
        out += pad(Math.floor((p.day - 1) / 7) + 1, n);
        break;
      case 'E':
        out += n >= 4 ? DAYS[p.weekday] : DAYS[p.weekday].slice(0, 3);
        break;
      case 'u':
        out += pad(p.weekday === 0 ? 7 : p.weekday, n);
        break;
      case 'a':
        out += p.hour < 12 ? 'AM' : 'PM';
        break;
      case 'H':
        out += pad(p.hour, n);
        break;
      case 'k':
        out += pad(p.hour === 0 ? 24 : p.hour, n);
        break;
      case 'K':
        out += pad(p.hour % 12, n);
        break;
      case 'h':
        out += pad(p.hour % 12 === 0 ? 12 : p.hour % 12, n);
        break;
      case 'm':
        out += pad(p.minute, n);
        break;
      case 's':
        out += pad(p.second, n);
        break;
      case 'S':
        out += pad(p.ms, n);
        break;
      case 'z':
        out += zoneName(ms, tz, n >= 4);
        break;
      case 'Z':
        out += offsetString(p.offsetMin, 'Z');
        break;
      case 'X':
        out += offsetString(
          p.offsetMin,
          n === 1 ? 'X1' : n === 2 ? 'X2' : 'X3',
        );
        break;
      default:
        throw new Error(`Illegal pattern character '${ch}'`);
    }
  }
  return out;
}
