/**
 * Per-user usage reports (Reports API, kept 450 days) for days older than the activity
 * log's 180 days. A report dated D (a day in UTC-8) carries each user's last login and
 * last Classroom interaction as of that date; a user whose timestamp falls on the
 * district-local day is counted active on it. Logins per user are not in the report, so
 * a user who logged in counts one login. Such days are flagged `imputed`.
 */
import {parseRfc3339, utcDay} from '../../clean/dates';
import {parseInt64} from '../../clean/activities';
import type {QualityLog} from '../../clean/quality';

const PST_OFFSET_MS = 8 * 3_600_000;

/** The UTC-8 calendar date the usage reports are dated in. */
export function pstDay(ms: number): string {
  return utcDay(ms - PST_OFFSET_MS);
}

/** Both spellings found in Google's material are requested; whichever is present is used. */
export const USAGE_PARAMETERS = [
  'accounts:last_login_time',
  'accounts:timestamp_last_login',
  'classroom:timestamp_last_interaction',
  'classroom:last_interaction_time',
  'classroom:role',
].join(',');

export interface UsageRow {
  profileId: string | null;
  email: string | null;
  lastLoginMs: number | null;
  lastInteractionMs: number | null;
  role: string | null;
}

/** A timestamp parameter given as datetimeValue, or as an int64 of s / ms / us. */
export function usageTime(p: Record<string, unknown>): number | null | 'bad' {
  if (typeof p.datetimeValue === 'string') {
    return parseRfc3339(p.datetimeValue) ?? 'bad';
  }
  if (p.intValue !== undefined) {
    const n = parseInt64(p.intValue);
    if (n === null) return 'bad';
    if (n <= 0) return null;
    // Epoch microseconds are > 1e14, milliseconds > 1e11, else seconds.
    if (n > 1e14) return Math.floor(n / 1000);
    if (n > 1e11) return n;
    return n * 1000;
  }
  return null;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null
    ? (v as Record<string, unknown>)
    : {};
}

export function parseUsageRow(
  raw: unknown,
  date: string,
  quality: QualityLog,
): UsageRow | null {
  const r = rec(raw);
  const entity = rec(r.entity);
  const profileId =
    typeof entity.profileId === 'string' && entity.profileId
      ? entity.profileId
      : null;
  const email =
    typeof entity.userEmail === 'string' && entity.userEmail.includes('@')
      ? entity.userEmail.toLowerCase()
      : null;
  if (!profileId && !email) {
    quality.add(date, 'missing_field', 'api:usage', 1, 'entity.profileId');
    return null;
  }
  const row: UsageRow = {
    profileId,
    email,
    lastLoginMs: null,
    lastInteractionMs: null,
    role: null,
  };
  const params = Array.isArray(r.parameters) ? r.parameters : [];
  for (const p of params) {
    const pr = rec(p);
    const name = pr.name;
    if (
      name === 'accounts:last_login_time' ||
      name === 'accounts:timestamp_last_login'
    ) {
      const t = usageTime(pr);
      if (t === 'bad')
        quality.add(date, 'malformed_int64', 'api:usage', 1, String(name));
      else if (t !== null && (row.lastLoginMs === null || t > row.lastLoginMs))
        row.lastLoginMs = t;
    } else if (
      name === 'classroom:timestamp_last_interaction' ||
      name === 'classroom:last_interaction_time'
    ) {
      const t = usageTime(pr);
      if (t === 'bad')
        quality.add(date, 'malformed_int64', 'api:usage', 1, String(name));
      else if (
        t !== null &&
        (row.lastInteractionMs === null || t > row.lastInteractionMs)
      ) {
        row.lastInteractionMs = t;
      }
    } else if (
      name === 'classroom:role' &&
      typeof pr.stringValue === 'string'
    ) {
      row.role = pr.stringValue.toLowerCase();
    }
  }
  return row;
}
