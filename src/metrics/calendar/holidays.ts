/**
 * US federal holidays with their observed-day rules: the prior that a district-wide
 * collapse on one of these days is a closure, not an outage, and the recurring closures
 * projected into future weeks. Pure date arithmetic.
 */
import {addDays, dayFromNumber, dayNumber, weekday} from '../../clean/dates';

export interface Holiday {
  name: string;
  /** The day schools close for it (`YYYY-MM-DD`). */
  date: string;
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The n-th (1-based; -1 = last) weekday `wd` (0 = Sunday) of a month. */
function nthWeekday(y: number, m: number, wd: number, n: number): string {
  if (n > 0) {
    const first = iso(y, m, 1);
    const shift = (wd - weekday(first) + 7) % 7;
    return addDays(first, shift + 7 * (n - 1));
  }
  const nextFirst = m === 12 ? iso(y + 1, 1, 1) : iso(y, m + 1, 1);
  const last = addDays(nextFirst, -1);
  return addDays(last, -((weekday(last) - wd + 7) % 7));
}

/** A fixed-date holiday on a Saturday is observed on Friday, on a Sunday on Monday. */
function observed(day: string): string {
  const wd = weekday(day);
  return wd === 6 ? addDays(day, -1) : wd === 0 ? addDays(day, 1) : day;
}

/** The federal holidays (as schools observe them) of a calendar year. */
export function federalHolidays(year: number): Holiday[] {
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  return [
    {name: "New Year's Day", date: observed(iso(year, 1, 1))},
    {name: 'Martin Luther King Jr. Day', date: nthWeekday(year, 1, 1, 3)},
    {name: "Presidents' Day", date: nthWeekday(year, 2, 1, 3)},
    {name: 'Memorial Day', date: nthWeekday(year, 5, 1, -1)},
    {name: 'Juneteenth', date: observed(iso(year, 6, 19))},
    {name: 'Independence Day', date: observed(iso(year, 7, 4))},
    {name: 'Labor Day', date: nthWeekday(year, 9, 1, 1)},
    {name: "Indigenous Peoples' Day", date: nthWeekday(year, 10, 1, 2)},
    {name: 'Veterans Day', date: observed(iso(year, 11, 11))},
    {name: 'Thanksgiving', date: thanksgiving},
    {name: 'Day after Thanksgiving', date: addDays(thanksgiving, 1)},
    {name: 'Christmas Day', date: observed(iso(year, 12, 25))},
  ];
}

/** Federal holidays from `from` to `to` inclusive, keyed by date. */
export function holidaysBetween(from: string, to: string): Map<string, string> {
  const out = new Map<string, string>();
  const y0 = Number(from.slice(0, 4));
  const y1 = Number(to.slice(0, 4));
  for (let y = y0; y <= y1 + 1; y++) {
    for (const h of federalHolidays(y)) {
      if (h.date >= from && h.date <= to) out.set(h.date, h.name);
    }
  }
  return out;
}

/** The same weekday one year (52 weeks) later: how a recurring closure moves. */
export function sameWeekdayNextYear(day: string): string {
  return dayFromNumber(dayNumber(day) + 364);
}
