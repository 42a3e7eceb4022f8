/**
 * Day partitions in the district's time zone without Intl.
 *
 * The zone is known only through a function giving its UTC offset at an instant
 * (Utilities.formatDate(date, tz, 'Z') in Apps Script; tests may use anything else).
 * Such calls are slow in Apps Script, so ZoneClock asks for the offset at UTC midnights
 * only and finds a transition inside a day by bisection: about one call per UTC day seen,
 * plus ~11 on the two days a year the offset changes.
 */
import {DAY_MS, dayFromNumber, dayNumber} from './dates';

const MINUTE_MS = 60_000;

/** Minutes east of UTC at the instant `ms` (New York in winter: -300). */
export type OffsetAt = (ms: number) => number;

/** Parses a `+0530` / `-0500` / `Z` offset as Utilities.formatDate(..., 'Z') prints it. */
export function parseOffset(text: string): number {
  const t = text.trim();
  if (t === 'Z' || t === '+0000' || t === '-0000') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(t);
  if (!m) throw new Error(`unreadable UTC offset "${text}"`);
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

interface Span {
  start: number; // inclusive ms
  end: number; // exclusive ms
  offset: number;
}

export interface DayWindow {
  day: string;
  /** UTC ms of local midnight starting the day. */
  startMs: number;
  /** UTC ms of the next local midnight (23 or 25 hours later on transition days). */
  endMs: number;
}

export class ZoneClock {
  private readonly spans: Span[] = [];
  private readonly probes = new Map<number, number>();
  /** Offset lookups made through the underlying function (a cost measure). */
  lookups = 0;

  constructor(private readonly offsetAt: OffsetAt) {}

  private probe(ms: number): number {
    let v = this.probes.get(ms);
    if (v === undefined) {
      v = this.offsetAt(ms);
      this.lookups++;
      this.probes.set(ms, v);
    }
    return v;
  }

  /** Offset in minutes at `ms`. */
  offset(ms: number): number {
    const span = this.findSpan(ms);
    if (span) return span.offset;
    const utcDayStart = Math.floor(ms / DAY_MS) * DAY_MS;
    const a = this.probe(utcDayStart);
    const b = this.probe(utcDayStart + DAY_MS);
    if (a === b) {
      this.addSpan({start: utcDayStart, end: utcDayStart + DAY_MS, offset: a});
      return a;
    }
    // One transition inside this UTC day: bisect to the minute.
    let lo = utcDayStart; // offset a at lo
    let hi = utcDayStart + DAY_MS; // offset differs at hi
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (this.probe(mid) === a) lo = mid;
      else hi = mid;
    }
    this.addSpan({start: utcDayStart, end: hi, offset: a});
    this.addSpan({start: hi, end: utcDayStart + DAY_MS, offset: b});
    return ms < hi ? a : b;
  }

  private findSpan(ms: number): Span | undefined {
    let lo = 0;
    let hi = this.spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.spans[mid];
      if (ms < s.start) hi = mid - 1;
      else if (ms >= s.end) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  private addSpan(s: Span): void {
    let i = this.spans.length;
    while (i > 0 && this.spans[i - 1].start > s.start) i--;
    this.spans.splice(i, 0, s);
  }

  /** The district-local calendar date of an instant. */
  localDay(ms: number): string {
    return dayFromNumber(
      Math.floor((ms + this.offset(ms) * MINUTE_MS) / DAY_MS),
    );
  }

  /** UTC ms of local midnight at the start of `day`. */
  localMidnight(day: string): number {
    const wall = dayNumber(day) * DAY_MS;
    let guess = wall - this.offset(wall) * MINUTE_MS;
    // Two refinements settle it even when the offset changes near midnight.
    for (let i = 0; i < 2; i++) {
      guess = wall - this.offset(guess) * MINUTE_MS;
    }
    return guess;
  }

  window(day: string): DayWindow {
    const startMs = this.localMidnight(day);
    const endMs = this.localMidnight(dayFromNumber(dayNumber(day) + 1));
    return {day, startMs, endMs};
  }
}
