/**
 * What a district calendar event means for school (pure): its kind from keywords in the
 * title. District calendars title their entries in a few familiar ways ("Winter Recess",
 * "Schools Closed - Lunar New Year", "Early Dismissal", "NYS Regents Exams"); an all-day
 * event that matches none of them is still read as a closure (a district calendar lists
 * days off), but marked so the admin can reject it in the Calendar tab.
 */
import type {CalendarEntry, CalendarKind} from '../../core/types';

export interface Classified {
  /** null: the event says school is open (first day, classes resume): not imported. */
  kind: CalendarKind | null;
  /** True when no keyword matched and the default kind was used. */
  guessed: boolean;
}

/** Days that say school is open, or events on an open day that close nothing. */
const OPEN =
  /\b(first|last) day (of|for) (school|classes|students)\b|\b(school|classes) (resumes?|reopens?|begins?|starts?)\b|\bschools? (re)?open\b|\bback to school\b|\bopen house\b|\bpicture day\b|\bspirit\b|\bgame\b|\bconcert\b|\bmeeting\b|\bbudget vote\b|\bgraduation\b|\bprom\b|\bfield trip\b|\bregistration\b|\breport cards?\b|\bprogress reports?\b|\bend of (marking|grading) period\b|\bmarking period\b|\bquarter ends?\b/i;
const HALF_DAY =
  /\bhalf[- ]?days?\b|\bearly (dismissal|release|closing)\b|\bminimum day\b|\bshortened day\b|\b(noon|single[- ]session) dismissal\b|\b(½|1\/2)[- ]day\b/i;
const TESTING =
  /\b(tests?|testing|exams?|examinations?|assessments?|regents|ap exams?|staar|parcc|smarter balanced|sbac|map growth|i-ready diagnostic|midterms?|mid-terms?|finals)\b/i;
/** Acronyms only in capitals: "Sat" is a Saturday, "act" a verb. */
const TEST_ACRONYMS = /\b(SAT|PSAT|ACT|NAEP)\b/;
const SUMMER = /\bsummer\b(?!\s+(school|program|academy|session))/i;
const BREAK =
  /\b(break|recess|vacation|holidays)\b|\b(winter|spring|mid-?winter|february|thanksgiving|fall|christmas) (holiday|recess)\b/i;
const NON_ATTENDANCE =
  /\bprofessional (development|learning)\b|\bpd day\b|\bstaff development\b|\b(teacher|staff) (work|planning|workday|training)\b|\bclerical\b|\bin-?service\b|\bconference day\b|\bchancellor'?s conference\b|\bsnow day\b|\bemergency clos|\bstudent[s]? (do not|don't) (attend|report)\b|\bno students\b/i;
const HOLIDAY =
  /\bholiday\b|\bno school\b|\bschools? (are )?closed\b|\bclosed\b|\bday off\b|\bobserv(ed|ance)\b|\bnew year'?s?\b|\bmartin luther king\b|\bmlk\b|\bpresidents'? day\b|\bwashington'?s birthday\b|\bmemorial day\b|\bindependence day\b|\bjuly 4(th)?\b|\bfourth of july\b|\blabor day\b|\bjuneteenth\b|\bveterans'? day\b|\bcolumbus day\b|\bindigenous peoples'? day\b|\bthanksgiving\b|\bchristmas\b|\bgood friday\b|\beaster\b|\brosh hashanah\b|\byom kippur\b|\beid\b|\blunar new year\b|\bdiwali\b|\belection day\b|\bcesar chavez\b|\bpassover\b/i;

/** The kind of an all-day event, from its title. */
export function classifyTitle(title: string): Classified {
  const t = title.replace(/\s+/g, ' ').trim();
  if (HALF_DAY.test(t)) return {kind: 'half-day', guessed: false};
  // A closure word wins over an "open" word: "Schools closed - Election Day meeting".
  const closes =
    SUMMER.test(t) ||
    BREAK.test(t) ||
    NON_ATTENDANCE.test(t) ||
    HOLIDAY.test(t);
  if (!closes && (TESTING.test(t) || TEST_ACRONYMS.test(t)))
    return {kind: 'testing', guessed: false};
  if (SUMMER.test(t)) return {kind: 'summer', guessed: false};
  if (BREAK.test(t)) return {kind: 'break', guessed: false};
  if (NON_ATTENDANCE.test(t)) return {kind: 'other', guessed: false};
  if (HOLIDAY.test(t)) return {kind: 'holiday', guessed: false};
  if (OPEN.test(t)) return {kind: null, guessed: false};
  return {kind: 'other', guessed: true};
}

/** A timed event counts only when it is a half day ("Early dismissal 12:00"). */
export function classifyTimedTitle(title: string): Classified {
  const c = classifyTitle(title);
  return c.kind === 'half-day' ? c : {kind: null, guessed: false};
}

/** An entry read from a calendar source, and whether its kind was only the default. */
export interface ImportedEvent {
  entry: CalendarEntry;
  guessed: boolean;
}

/**
 * The imported entry of one event over its days (inclusive); null when the event is not
 * about school days (an open day, a timed meeting) or lies outside [from, to].
 */
export function importedEvent(
  title: string,
  first: string,
  last: string,
  allDay: boolean,
  from: string,
  to: string,
): ImportedEvent | null {
  const name = title.replace(/\s+/g, ' ').trim().slice(0, 200) || 'Untitled';
  const c = allDay ? classifyTitle(name) : classifyTimedTitle(name);
  if (!c.kind) return null;
  const end = last < first ? first : last;
  if (end < from || first > to) return null;
  return {
    entry: {
      name,
      start: first,
      end,
      kind: c.kind,
      source: 'imported',
      confirmed: null,
    },
    guessed: c.guessed,
  };
}
