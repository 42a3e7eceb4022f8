/**
 * Reports API activity records -> clean, classified events (pure).
 *
 * Records are validated field by field: a record missing what attribution or dedupe
 * needs is counted as malformed and skipped, an unknown event name is counted and
 * skipped, and int64 values (which the API sends as strings) are parsed strictly.
 * Nothing here throws on bad input.
 */
import {parseRfc3339} from './dates';
import {exampleOf, QualityLog} from './quality';

/** What an event contributes to the daily facts. */
export type EventKind =
  | 'login' // login_success: a login and engagement
  | 'logout'
  | 'activity' // any other engagement event
  | 'created' // coursework published
  | 'turned_in'
  | 'returned'
  | 'grade'
  | 'comment'
  | 'announcement'
  | 'ignored'; // a known event that is not engagement (failed logins, security alerts)

export const ACTIVITY_APPS = ['login', 'classroom', 'assignments'] as const;
export type ActivityApp = (typeof ACTIVITY_APPS)[number];

const LOGIN_EVENTS: Record<string, EventKind> = {
  login_success: 'login',
  logout: 'logout',
  login_failure: 'ignored',
  login_challenge: 'ignored',
  login_verification: 'ignored',
  suspicious_login: 'ignored',
  suspicious_login_less_secure_app: 'ignored',
  suspicious_programmatic_login: 'ignored',
  risky_sensitive_action_allowed: 'ignored',
  risky_sensitive_action_blocked: 'ignored',
  account_disabled_generic: 'ignored',
  account_disabled_spamming: 'ignored',
  account_disabled_spamming_through_relay: 'ignored',
  account_disabled_hijacked: 'ignored',
  account_disabled_password_leak: 'ignored',
  gov_attack_warning: 'ignored',
  email_forwarding_out_of_domain: 'ignored',
  password_edit: 'ignored',
  recovery_email_edit: 'ignored',
  recovery_phone_edit: 'ignored',
  recovery_secret_qa_edit: 'ignored',
  titanium_enroll: 'ignored',
  titanium_unenroll: 'ignored',
  '2sv_enroll': 'ignored',
  '2sv_disable': 'ignored',
};

/** Classroom and Assignments share event names (Reports appendix). */
const COURSE_EVENTS: Record<string, EventKind> = {
  published_course_work: 'created',
  changed_submission_state: 'activity', // refined by submission_state
  set_grade: 'grade',
  set_draft_grade: 'grade',
  unset_grade: 'activity',
  unset_draft_grade: 'activity',
  commented_course_work: 'comment',
  commented_submission_private: 'comment',
  commented_submission_public: 'comment',
  commented_announcement: 'comment',
  published_announcement: 'announcement',
  updated_announcement: 'activity',
  updated_course_work: 'activity',
  created_rubric_for_course_work: 'activity',
  scored_rubric: 'activity',
  grade_export_for_course_work: 'activity',
  grade_export_for_submission: 'activity',
  originality_report_created: 'activity',
  created_add_on_attachment: 'activity',
  deleted_add_on_attachment: 'activity',
  updated_add_on_attachment: 'activity',
  updated_add_on_attachment_submission_grade: 'activity',
  user_added_to_course: 'activity',
  user_removed_from_course: 'activity',
  user_joined_course: 'activity',
  user_invited_to_course: 'activity',
  user_gained_preview_access_to_course: 'activity',
  user_invited_to_own_course: 'activity',
  new_user_owns_course: 'activity',
  transferred_ownership_of_course: 'activity',
  created_course: 'activity',
  deleted_course: 'activity',
  archived_course: 'activity',
  restored_course: 'activity',
  created_course_quick_link: 'activity',
  deleted_course_quick_link: 'activity',
  edited_course_quick_link: 'activity',
  created_grade_category: 'activity',
  deleted_grade_category: 'activity',
  edited_grade_category: 'activity',
  share_classwork_settings_updated_for_course: 'activity',
  guardian_invited_for_student: 'activity',
  guardian_removed_for_student: 'activity',
  guardian_responded_to_invite: 'activity',
  guardian_updated_email: 'activity',
  guardian_summaries_settings_updated_for_course: 'activity',
  guardian_summaries_settings_updated_for_teacher: 'activity',
  default_guardian_summaries_settings_updated_for_teacher: 'activity',
  // Assignments-only names.
  created_course_work: 'activity',
  deleted_course_work: 'activity',
  viewed_course_work: 'activity',
  created_submission: 'activity',
};

/** The quality log's source of each app (one string, not one built per record). */
const SOURCE_OF: Record<string, string | undefined> = Object.fromEntries(
  ACTIVITY_APPS.map(a => [a, `api:${a}`]),
);

export function eventTable(app: string): Record<string, EventKind> | null {
  if (app === 'login') return LOGIN_EVENTS;
  if (app === 'classroom' || app === 'assignments') return COURSE_EVENTS;
  return null;
}

export interface CleanEvent {
  readonly kind: EventKind;
  readonly late: boolean;
}

/**
 * One frozen CleanEvent per kind and lateness, shared by every record: an event is only
 * read, and a district's day has hundreds of thousands of them.
 */
const ON_TIME: Partial<Record<EventKind, CleanEvent>> = {};
const LATE: Partial<Record<EventKind, CleanEvent>> = {};

function eventOf(kind: EventKind, late: boolean): CleanEvent {
  const shared = late ? LATE : ON_TIME;
  return (shared[kind] ??= Object.freeze({kind, late}));
}

export interface CleanActivity {
  /** id.uniqueQualifier (or `~` and the actor when missing): with ms, the dedupe key. */
  qualifier: string;
  ms: number;
  /** The actor's profile id when given, else null (then `email` is set). */
  actorId: string | null;
  actorEmail: string | null;
  events: CleanEvent[];
}

/** The dedupe key of a clean activity: id.time (epoch ms) + the qualifier (see Deduper.acceptRecord). */
export function dedupeKey(a: CleanActivity): string {
  return `${a.ms}|${a.qualifier}`;
}

interface Param {
  name?: unknown;
  value?: unknown;
  boolValue?: unknown;
  intValue?: unknown;
}

/** Parses an int64 the API sends as a decimal string (numbers tolerated); null if malformed. */
export function parseInt64(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v !== 'string' || !/^-?\d{1,19}$/.test(v.trim())) return null;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : null;
}

/**
 * parseInt64(s) !== null for a string, without the pattern: an optional minus and 1 to
 * 19 digits, surrounding whitespace allowed (every record's uniqueQualifier is checked).
 */
function isInt64Text(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const digits = n - i;
  if (digits < 1 || digits > 19) return parseInt64(s) !== null;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return parseInt64(s) !== null;
  }
  return true;
}

/**
 * s.trim(), skipping the call when both ends are printable ASCII (no white space there):
 * the usual profile id, read once per record.
 */
function trimmed(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(n - 1);
  return a > 32 && a < 127 && b > 32 && b < 127 ? s : s.trim();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function param(params: unknown, name: string): Param | undefined {
  if (!Array.isArray(params)) return undefined;
  // Indexed loops here and in cleanActivity: a for-of allocated an iterator result per
  // element (140 MB at 40 schools x 250 days).
  for (let i = 0; i < params.length; i++) {
    const p: unknown = params[i];
    if (isObject(p) && p.name === name) return p as Param;
  }
  return undefined;
}

function boolParam(
  params: unknown,
  name: string,
  quality: QualityLog,
  date: string,
  source: string,
): boolean {
  const p = param(params, name);
  if (!p) return false;
  if (typeof p.boolValue === 'boolean') return p.boolValue;
  if (typeof p.value === 'string') return p.value.toLowerCase() === 'true';
  if (p.intValue !== undefined) {
    const n = parseInt64(p.intValue);
    if (n === null) {
      quality.add(
        date,
        'malformed_int64',
        source,
        1,
        `${name}=${exampleOf(p.intValue, 20)}`,
      );
      return false;
    }
    return n !== 0;
  }
  return false;
}

/**
 * Validates and classifies one activity of `app`. Returns null (with the reason in the
 * quality log under `date`) when the record cannot be used.
 */
export function cleanActivity(
  raw: unknown,
  app: string,
  date: string,
  quality: QualityLog,
): CleanActivity | null {
  const source = SOURCE_OF[app] ?? `api:${app}`;
  if (!isObject(raw)) {
    quality.add(date, 'malformed_record', source, 1, 'not an object');
    return null;
  }
  const id = raw.id;
  if (!isObject(id)) {
    quality.add(date, 'missing_field', source, 1, 'id');
    return null;
  }
  const ms = parseRfc3339(id.time);
  if (ms === null) {
    quality.add(
      date,
      id.time === undefined ? 'missing_field' : 'malformed_record',
      source,
      1,
      id.time === undefined ? 'id.time' : `id.time=${exampleOf(id.time, 30)}`,
    );
    return null;
  }
  const actor = isObject(raw.actor) ? raw.actor : {};
  const profileId = actor.profileId;
  const trimmedId = typeof profileId === 'string' ? trimmed(profileId) : '';
  const actorId =
    trimmedId !== ''
      ? trimmedId
      : typeof profileId === 'number'
        ? String(profileId)
        : null;
  const actorEmail =
    typeof actor.email === 'string' && actor.email.includes('@')
      ? trimmed(actor.email).toLowerCase()
      : null;
  if (!actorId && !actorEmail) {
    quality.add(
      date,
      'unattributed_actor',
      source,
      1,
      'actor has no profileId or email',
    );
    return null;
  }
  let uq: string;
  if (typeof id.uniqueQualifier === 'string' && id.uniqueQualifier !== '') {
    if (!isInt64Text(id.uniqueQualifier)) {
      quality.add(
        date,
        'malformed_int64',
        source,
        1,
        `id.uniqueQualifier=${exampleOf(id.uniqueQualifier, 24)}`,
      );
    }
    uq = id.uniqueQualifier;
  } else if (typeof id.uniqueQualifier === 'number') {
    uq = String(id.uniqueQualifier);
  } else {
    // Without the qualifier the record can still be deduplicated on its content.
    quality.add(date, 'missing_field', source, 1, 'id.uniqueQualifier');
    uq = `~${actorId ?? actorEmail}`;
  }
  const table = eventTable(app);
  const rawEvents = raw.events;
  if (!Array.isArray(rawEvents) || rawEvents.length === 0) {
    quality.add(date, 'missing_field', source, 1, 'events');
    return null;
  }
  const events: CleanEvent[] = [];
  for (let i = 0; i < rawEvents.length; i++) {
    const ev: unknown = rawEvents[i];
    if (!isObject(ev) || typeof ev.name !== 'string' || ev.name === '') {
      quality.add(date, 'missing_field', source, 1, 'events[].name');
      continue;
    }
    let kind = table ? table[ev.name] : undefined;
    if (kind === undefined) {
      quality.add(date, 'unknown_event', source, 1, exampleOf(ev.name, 40));
      continue;
    }
    let late = false;
    if (ev.name === 'changed_submission_state') {
      const st = param(ev.parameters, 'submission_state');
      const state = typeof st?.value === 'string' ? st.value.toLowerCase() : '';
      if (state === 'turned_in') {
        kind = 'turned_in';
        late = boolParam(ev.parameters, 'is_late', quality, date, source);
      } else if (state === 'returned') {
        kind = 'returned';
      }
    }
    events.push(eventOf(kind, late));
  }
  if (events.length === 0) return null;
  return {
    qualifier: uq,
    ms,
    actorId,
    actorEmail,
    events,
  };
}
