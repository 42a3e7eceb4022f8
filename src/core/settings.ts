/**
 * Settings defaults and validation (pure). The Apps Script layer (src/platform/settings.ts)
 * stores them as JSON in the document properties.
 */
import {InputError} from './errors';
import type {CalendarPeriod, SchoolCalendar, Settings} from './types';

/** One problem with one field of a settings object. */
export interface SettingsIssue {
  field: string;
  message: string;
}

/** Document properties hold at most 9 KB per value. */
export const SETTINGS_MAX_BYTES = 9 * 1024;

/** Days of activity the Reports API keeps; an empty start date means "as far back as that". */
export const ACTIVITY_RETENTION_DAYS = 180;

/** The defaults a new install starts from. */
export function defaultSettings(timeZone = 'America/New_York'): Settings {
  return {
    timeZone,
    schoolOuDepth: 2,
    schoolOuPattern: '',
    studentOuPattern: '(?i)/students?(/|$)',
    teacherOuPattern: '(?i)/(teachers?|staff|faculty)(/|$)',
    orgUnitRules: 'patterns',
    schoolUnits: [],
    studentUnits: [],
    teacherUnits: [],
    startDate: '',
    trailingDays: 3,
    budgetSeconds: 300,
    minGroupSize: 10,
    underuseGapPct: 20,
    anomalyThreshold: 3.5,
    forecastHorizonWeeks: 8,
    alertRecipients: [],
    showIdentities: false,
    source: 'api',
    bigQueryProject: '',
    bigQueryDataset: '',
    learnPlatformFolderId: '',
    calendar: {schoolWeekdays: [1, 2, 3, 4, 5], closures: [], events: []},
    calendarId: '',
    calendarFeedUrl: '',
  };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL =
  /^[^\s@<>(),;:"[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const TZ_AREAS = [
  'Africa',
  'America',
  'Antarctica',
  'Arctic',
  'Asia',
  'Atlantic',
  'Australia',
  'Europe',
  'Indian',
  'Pacific',
  'Etc',
];

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = new Date(Date.UTC(y, mo - 1, d));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d
  );
}

/** An IANA zone name by its shape (Area/Location) or UTC; Intl is not available in every runtime. */
export function isTimeZoneName(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  if (s === 'UTC' || s === 'GMT') return true;
  const parts = s.split('/');
  return (
    parts.length >= 2 &&
    TZ_AREAS.includes(parts[0]) &&
    parts.slice(1).every(p => /^[A-Za-z0-9_+-]{1,30}$/.test(p))
  );
}

/**
 * Compiles a settings pattern. A leading `(?i)` makes it case-insensitive, since JavaScript
 * has no inline flags and admins copy patterns from other tools.
 */
export function compilePattern(pattern: string): RegExp | null {
  if (!pattern) return null;
  const ci = pattern.startsWith('(?i)');
  return new RegExp(ci ? pattern.slice(4) : pattern, ci ? 'i' : '');
}

/** `YYYY-MM-DD` a number of days before `today` (pure date arithmetic). */
export function daysBefore(today: string, days: number): string {
  const m = ISO_DATE.exec(today);
  if (!m) throw new InputError('today', `"${today}" is not a YYYY-MM-DD date`);
  const t =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - days * 86400000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The first day to ingest: the setting, or the oldest day the activity reports still keep. */
export function effectiveStartDate(settings: Settings, today: string): string {
  const oldest = daysBefore(today, ACTIVITY_RETENTION_DAYS - 1);
  return settings.startDate || oldest;
}

type Obj = Record<string, unknown>;

/** One entry of `schoolUnits`, parsed. */
export type SchoolUnit =
  | {kind: 'school'; path: string}
  | {kind: 'children'; path: string}
  | {kind: 'not'; path: string};

/** One entry of `studentUnits` / `teacherUnits`, parsed. */
export type RoleUnit =
  {kind: 'path'; path: string} | {kind: 'name'; name: string};

/** Most entries a unit list holds (the settings must also fit one 9 KB property). */
export const MAX_UNIT_ENTRIES = 1000;

function cleanPath(p: string): string | null {
  if (!p.startsWith('/')) return null;
  if (p === '/') return '/';
  const segs = p.slice(1).split('/');
  return segs.every(x => x.trim() !== '' && x === x.trim()) ? p : null;
}

/** `/path`, `/path/*` or `!/path`; null when the entry is none of them. */
export function parseSchoolUnit(entry: string): SchoolUnit | null {
  const e = entry.trim();
  if (e.startsWith('!')) {
    const path = cleanPath(e.slice(1));
    return path && path !== '/' ? {kind: 'not', path} : null;
  }
  if (e === '/*') return {kind: 'children', path: '/'};
  if (e.endsWith('/*')) {
    const path = cleanPath(e.slice(0, -2));
    return path ? {kind: 'children', path} : null;
  }
  const path = cleanPath(e);
  return path && path !== '/' ? {kind: 'school', path} : null;
}

/** `/path` or a unit name (no slash); null otherwise. */
export function parseRoleUnit(entry: string): RoleUnit | null {
  const e = entry.trim();
  if (!e) return null;
  if (e.startsWith('/')) {
    const path = cleanPath(e);
    return path && path !== '/' ? {kind: 'path', path} : null;
  }
  return e.includes('/') ? null : {kind: 'name', name: e};
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * A role unit list as one case-insensitive regular expression over a user's org unit path,
 * valid in JavaScript and in RE2 (BigQuery), so every source applies picked units the
 * same way it applies patterns. Empty for an empty list.
 */
export function rolePatternOfUnits(entries: readonly string[]): string {
  const alts: string[] = [];
  for (const e of entries) {
    const u = parseRoleUnit(e);
    if (!u) continue;
    alts.push(
      u.kind === 'path'
        ? `^${escapeRe(u.path)}(?:/|$)`
        : `/${escapeRe(u.name)}(?:/|$)`,
    );
  }
  return alts.length ? `(?i)(?:${alts.join('|')})` : '';
}

/** The role patterns in force: the settings' patterns, or the picked units as patterns. */
export function effectiveRolePatterns(s: Settings): {
  student: string;
  teacher: string;
} {
  return s.orgUnitRules === 'units'
    ? {
        student: rolePatternOfUnits(s.studentUnits),
        teacher: rolePatternOfUnits(s.teacherUnits),
      }
    : {student: s.studentOuPattern, teacher: s.teacherOuPattern};
}

function unitList(
  o: Obj,
  field: 'schoolUnits' | 'studentUnits' | 'teacherUnits',
  issues: SettingsIssue[],
  fallback: string[],
): string[] {
  const raw = o[field];
  if (raw === undefined) return fallback;
  if (!Array.isArray(raw) || !raw.every(x => typeof x === 'string')) {
    issues.push({field, message: 'must be a list of org units'});
    return fallback;
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const x of raw as string[]) {
    const e = x.trim();
    if (!e) continue;
    const ok =
      e.length <= 300 &&
      (field === 'schoolUnits' ? parseSchoolUnit(e) : parseRoleUnit(e));
    if (!ok) {
      issues.push({
        field,
        message:
          field === 'schoolUnits'
            ? `"${e.slice(0, 80)}" is not /path, /path/* or !/path`
            : `"${e.slice(0, 80)}" is not an org unit path or a unit name`,
      });
      return fallback;
    }
    const key = e.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(e);
    }
  }
  if (out.length > MAX_UNIT_ENTRIES) {
    issues.push({field, message: `at most ${MAX_UNIT_ENTRIES} entries`});
    return fallback;
  }
  return out;
}

type NumberArgs = [
  o: Obj,
  field: string,
  min: number,
  max: number,
  issues: SettingsIssue[],
  fallback: number,
];
const intIn = (...a: NumberArgs) => numberIn(true, ...a);
const numIn = (...a: NumberArgs) => numberIn(false, ...a);

/** A number (or numeric text) in [min, max], whole when `whole`; else an issue and the fallback. */
function numberIn(
  whole: boolean,
  ...[o, field, min, max, issues, fallback]: NumberArgs
): number {
  const raw = o[field];
  if (raw === undefined) return fallback;
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  const ok =
    typeof v === 'number' &&
    (whole ? Number.isInteger(v) : Number.isFinite(v)) &&
    v >= min &&
    v <= max;
  if (!ok) {
    const what = whole ? 'a whole number' : 'a number';
    issues.push({field, message: `must be ${what} from ${min} to ${max}`});
    return fallback;
  }
  return v;
}

function str(
  o: Obj,
  field: string,
  issues: SettingsIssue[],
  fallback: string,
  maxLen = 500,
): string {
  const v = o[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') {
    issues.push({field, message: 'must be text'});
    return fallback;
  }
  const s = v.trim();
  if (s.length > maxLen) {
    issues.push({field, message: `must be at most ${maxLen} characters`});
    return fallback;
  }
  return s;
}

function pattern(
  o: Obj,
  field: string,
  issues: SettingsIssue[],
  fallback: string,
): string {
  const s = str(o, field, issues, fallback);
  try {
    compilePattern(s);
  } catch (e) {
    issues.push({
      field,
      message: `is not a valid regular expression (${(e as Error).message})`,
    });
    return fallback;
  }
  return s;
}

function periods(
  raw: unknown,
  field: string,
  issues: SettingsIssue[],
): CalendarPeriod[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.push({field, message: 'must be a list of periods'});
    return [];
  }
  const kinds = ['holiday', 'break', 'summer', 'testing', 'half-day', 'other'];
  const out: CalendarPeriod[] = [];
  raw.forEach((p, i) => {
    const f = `${field}[${i}]`;
    if (!p || typeof p !== 'object') {
      issues.push({field: f, message: 'must be {name, start, end, kind}'});
      return;
    }
    const q = p as Obj;
    const start = q.start;
    const end = q.end ?? q.start;
    if (!isIsoDate(start) || !isIsoDate(end)) {
      issues.push({
        field: f,
        message: 'start and end must be YYYY-MM-DD dates',
      });
      return;
    }
    if (end < start) {
      issues.push({
        field: f,
        message: `ends (${end}) before it starts (${start})`,
      });
      return;
    }
    const kind = q.kind ?? 'holiday';
    if (typeof kind !== 'string' || !kinds.includes(kind)) {
      issues.push({
        field: f,
        message: `kind must be one of ${kinds.join(', ')}`,
      });
      return;
    }
    const name = typeof q.name === 'string' ? q.name.trim().slice(0, 100) : '';
    out.push({name, start, end, kind: kind as CalendarPeriod['kind']});
  });
  return out;
}

function calendar(
  raw: unknown,
  issues: SettingsIssue[],
  fallback: SchoolCalendar,
): SchoolCalendar {
  if (raw === undefined) return fallback;
  if (!raw || typeof raw !== 'object') {
    issues.push({field: 'calendar', message: 'must be an object'});
    return fallback;
  }
  const c = raw as Obj;
  let weekdays = fallback.schoolWeekdays;
  if (c.schoolWeekdays !== undefined) {
    const w = c.schoolWeekdays;
    if (
      !Array.isArray(w) ||
      w.length === 0 ||
      !w.every(d => Number.isInteger(d) && d >= 0 && d <= 6) ||
      new Set(w).size !== w.length
    ) {
      issues.push({
        field: 'calendar.schoolWeekdays',
        message: 'must list distinct weekdays 0 (Sunday) to 6 (Saturday)',
      });
    } else {
      weekdays = [...(w as number[])].sort((a, b) => a - b);
    }
  }
  return {
    schoolWeekdays: weekdays,
    closures: periods(c.closures, 'calendar.closures', issues),
    events: periods(c.events, 'calendar.events', issues),
  };
}

/** A Google Calendar id: an address-like id (`...@group.calendar.google.com`, a user's email). */
function calendarIdOf(
  o: Obj,
  issues: SettingsIssue[],
  fallback: string,
): string {
  const s = str(o, 'calendarId', issues, fallback, 255);
  if (s && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) {
    issues.push({
      field: 'calendarId',
      message:
        'must be a calendar id such as abc123@group.calendar.google.com (Calendar settings → Integrate calendar)',
    });
    return fallback;
  }
  return s;
}

/**
 * Where a feed points, without its path and query: a private feed's address carries its
 * secret, so tabs, warnings and the sidebar show only this.
 */
export function feedLabel(url: string): string {
  const m = /^(https?:\/\/[^/?#]+)(.*)$/i.exec(url);
  if (!m) return 'the iCal feed';
  return m[2] && m[2] !== '/' ? `${m[1]}/…` : m[1];
}

/** An iCalendar feed address: https (webcal:// is read as https://). */
function feedUrlOf(o: Obj, issues: SettingsIssue[], fallback: string): string {
  let s = str(o, 'calendarFeedUrl', issues, fallback, 2000);
  if (!s) return s;
  if (/^webcals?:\/\//i.test(s)) s = s.replace(/^webcals?:\/\//i, 'https://');
  if (!/^https:\/\/[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$/i.test(s)) {
    issues.push({
      field: 'calendarFeedUrl',
      message: 'must be an https:// (or webcal://) address of an .ics feed',
    });
    return fallback;
  }
  return s;
}

function recipients(raw: unknown, issues: SettingsIssue[]): string[] {
  if (raw === undefined) return [];
  const list =
    typeof raw === 'string'
      ? raw.split(/[\s,;]+/)
      : Array.isArray(raw)
        ? raw.map(x => (typeof x === 'string' ? x : ''))
        : null;
  if (!list) {
    issues.push({
      field: 'alertRecipients',
      message: 'must be a list of email addresses',
    });
    return [];
  }
  const out: string[] = [];
  for (const e of list.map(x => x.trim()).filter(x => x)) {
    if (!EMAIL.test(e)) {
      issues.push({
        field: 'alertRecipients',
        message: `"${e}" is not an email address`,
      });
    } else if (!out.includes(e.toLowerCase())) {
      out.push(e.toLowerCase());
    }
  }
  if (out.length > 50) {
    issues.push({field: 'alertRecipients', message: 'at most 50 recipients'});
    return out.slice(0, 50);
  }
  return out;
}

/**
 * Validates a (possibly partial) settings object over `base` (the defaults, or the current
 * settings). Returns the merged settings and every problem found; a field with a problem
 * keeps its base value.
 */
export function validateSettings(
  input: unknown,
  base: Settings = defaultSettings(),
): {settings: Settings; issues: SettingsIssue[]} {
  const issues: SettingsIssue[] = [];
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return {
      settings: base,
      issues: [{field: 'settings', message: 'must be an object'}],
    };
  }
  const o = input as Obj;
  const known = new Set(Object.keys(base));
  for (const k of Object.keys(o)) {
    if (!known.has(k)) issues.push({field: k, message: 'is not a setting'});
  }

  let timeZone = base.timeZone;
  if (o.timeZone !== undefined) {
    if (isTimeZoneName(o.timeZone)) timeZone = o.timeZone;
    else
      issues.push({
        field: 'timeZone',
        message: `"${String(o.timeZone)}" is not an IANA time zone such as America/New_York`,
      });
  }
  let startDate = base.startDate;
  if (o.startDate !== undefined) {
    const s =
      typeof o.startDate === 'string' ? o.startDate.trim() : o.startDate;
    if (s === '' || isIsoDate(s)) startDate = s as string;
    else
      issues.push({
        field: 'startDate',
        message: 'must be a YYYY-MM-DD date or empty',
      });
  }
  let source = base.source;
  if (o.source !== undefined) {
    if (
      o.source === 'api' ||
      o.source === 'bigquery' ||
      o.source === 'learnplatform'
    ) {
      source = o.source;
    } else {
      issues.push({
        field: 'source',
        message: 'must be api, bigquery or learnplatform',
      });
    }
  }
  let orgUnitRules = base.orgUnitRules;
  if (o.orgUnitRules !== undefined) {
    if (o.orgUnitRules === 'patterns' || o.orgUnitRules === 'units') {
      orgUnitRules = o.orgUnitRules;
    } else {
      issues.push({
        field: 'orgUnitRules',
        message: 'must be patterns or units',
      });
    }
  }
  let showIdentities = base.showIdentities;
  if (o.showIdentities !== undefined) {
    if (typeof o.showIdentities === 'boolean')
      showIdentities = o.showIdentities;
    else
      issues.push({field: 'showIdentities', message: 'must be true or false'});
  }

  const settings: Settings = {
    timeZone,
    schoolOuDepth: intIn(o, 'schoolOuDepth', 1, 10, issues, base.schoolOuDepth),
    schoolOuPattern: pattern(
      o,
      'schoolOuPattern',
      issues,
      base.schoolOuPattern,
    ),
    studentOuPattern: pattern(
      o,
      'studentOuPattern',
      issues,
      base.studentOuPattern,
    ),
    teacherOuPattern: pattern(
      o,
      'teacherOuPattern',
      issues,
      base.teacherOuPattern,
    ),
    orgUnitRules,
    schoolUnits: unitList(o, 'schoolUnits', issues, base.schoolUnits),
    studentUnits: unitList(o, 'studentUnits', issues, base.studentUnits),
    teacherUnits: unitList(o, 'teacherUnits', issues, base.teacherUnits),
    startDate,
    trailingDays: intIn(o, 'trailingDays', 0, 30, issues, base.trailingDays),
    budgetSeconds: intIn(
      o,
      'budgetSeconds',
      60,
      330,
      issues,
      base.budgetSeconds,
    ),
    minGroupSize: intIn(o, 'minGroupSize', 1, 100, issues, base.minGroupSize),
    underuseGapPct: numIn(
      o,
      'underuseGapPct',
      1,
      90,
      issues,
      base.underuseGapPct,
    ),
    anomalyThreshold: numIn(
      o,
      'anomalyThreshold',
      1,
      20,
      issues,
      base.anomalyThreshold,
    ),
    forecastHorizonWeeks: intIn(
      o,
      'forecastHorizonWeeks',
      1,
      52,
      issues,
      base.forecastHorizonWeeks,
    ),
    alertRecipients:
      o.alertRecipients === undefined
        ? base.alertRecipients
        : recipients(o.alertRecipients, issues),
    showIdentities,
    source,
    bigQueryProject: str(
      o,
      'bigQueryProject',
      issues,
      base.bigQueryProject,
      100,
    ),
    bigQueryDataset: str(
      o,
      'bigQueryDataset',
      issues,
      base.bigQueryDataset,
      100,
    ),
    learnPlatformFolderId: str(
      o,
      'learnPlatformFolderId',
      issues,
      base.learnPlatformFolderId,
      200,
    ),
    calendar: calendar(o.calendar, issues, base.calendar),
    calendarId: calendarIdOf(o, issues, base.calendarId),
    calendarFeedUrl: feedUrlOf(o, issues, base.calendarFeedUrl),
  };
  if (
    settings.orgUnitRules === 'units' &&
    !settings.schoolUnits.some(e => !e.startsWith('!'))
  ) {
    issues.push({
      field: 'schoolUnits',
      message: 'must pick at least one school org unit',
    });
  }
  if (settings.source === 'bigquery') {
    if (!settings.bigQueryProject)
      issues.push({
        field: 'bigQueryProject',
        message: 'is needed for the BigQuery source',
      });
    if (!settings.bigQueryDataset)
      issues.push({
        field: 'bigQueryDataset',
        message: 'is needed for the BigQuery source',
      });
  }
  if (settings.source === 'learnplatform' && !settings.learnPlatformFolderId) {
    issues.push({
      field: 'learnPlatformFolderId',
      message: 'is needed for the LearnPlatform source',
    });
  }
  return {settings, issues};
}

/** Validates and throws an InputError naming every bad field. */
export function parseSettings(input: unknown, base?: Settings): Settings {
  const {settings, issues} = validateSettings(input, base);
  if (issues.length) {
    throw new InputError(
      issues.map(i => i.field).join(', '),
      issues.map(i => `${i.field} ${i.message}`).join('; '),
    );
  }
  return settings;
}
