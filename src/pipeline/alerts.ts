/**
 * The email digest of incidents (anomaly flags grouped by event), most users affected
 * first, and what changed since the last digest: new incidents, and incidents mailed before
 * that grew to more schools, ended or lasted longer. What each mailed incident looked like
 * is kept in the document properties. The digest names schools, dates and counts only; the
 * admin's notes are left out.
 */
import {INCIDENTS, type IncidentRecord} from '../sheets/tables';
import {readRecords} from '../sheets/outputs';
import {loadSettings} from '../platform/settings';

/** Mailed incidents: `id=schools.end.ongoing` pairs, comma-separated. */
export const DIGEST_SENT_KEY = 'classroomPulse.digestIncidents';
/** Incidents remembered (about 36 characters each: under the 9 KB property limit). */
const MAX_REMEMBERED = 200;
/** Incidents that ended before this many days ago are never mailed. */
export const DIGEST_WINDOW_DAYS = 14;
const MAX_LISTED = 25;

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** What an incident looked like when it was mailed. */
export function fingerprint(i: IncidentRecord): string {
  return `${i.schools}.${i.end}.${i.ongoing ? 1 : 0}`;
}

function parseSent(raw: string | null): Map<string, string> {
  const m = new Map<string, string>();
  for (const pair of (raw ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) m.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return m;
}

export interface Digest {
  subject: string;
  body: string;
  htmlBody: string;
  /** The incidents mailed, with their fingerprints. */
  sent: Map<string, string>;
}

/** How an incident changed since it was mailed ('' when it did not). */
function changeOf(i: IncidentRecord, before: string): string {
  const [schools, end, ongoing] = before.split('.');
  const parts: string[] = [];
  if (Number(schools) !== i.schools) {
    parts.push(`${schools} to ${i.schools} schools`);
  }
  if (ongoing === '1' && !i.ongoing) parts.push(`over on ${i.end}`);
  else if (end !== i.end) parts.push(`lasted until ${i.end}`);
  return parts.join('; ');
}

/**
 * The digest of incidents that are new (status), recent (ending on or after `since`) and
 * either never mailed or changed since they were (pure). Null when nothing changed.
 */
export function buildDigest(
  incidents: ReadonlyArray<IncidentRecord>,
  lastSent: ReadonlyMap<string, string>,
  since: string,
  spreadsheetUrl: string,
): Digest | null {
  const open = incidents
    .filter(i => i.status === 'new' && i.end >= since)
    .sort((a, b) => (b.users ?? -1) - (a.users ?? -1));
  const fresh = open.filter(i => !lastSent.has(i.id));
  const changed = open
    .filter(i => lastSent.has(i.id))
    .map(i => ({i, change: changeOf(i, lastSent.get(i.id)!)}))
    .filter(c => c.change);
  if (fresh.length === 0 && changed.length === 0) return null;
  const unchanged = open.length - fresh.length - changed.length;
  const high = fresh.filter(i => i.severity === 'high').length;
  const n = (k: number, one: string, many: string) =>
    `${k} ${k === 1 ? one : many}`;
  const subjectParts = [];
  if (fresh.length) {
    subjectParts.push(
      `${n(fresh.length, 'new incident', 'new incidents')}${high ? ` (${high} high)` : ''}`,
    );
  }
  if (changed.length) subjectParts.push(`${changed.length} changed`);
  const subject = `Classroom Pulse: ${subjectParts.join(', ')}`;
  const sections: {title: string; lines: string[]; more: number}[] = [];
  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    sections.push({
      title,
      lines: lines.slice(0, MAX_LISTED),
      more: Math.max(0, lines.length - MAX_LISTED),
    });
  };
  section(
    'New since the last digest:',
    fresh.map(i => i.summary),
  );
  section(
    'Changed since the last digest:',
    changed.map(c => `${c.i.summary} (${c.change})`),
  );
  const still = unchanged
    ? `${n(unchanged, 'incident', 'incidents')} mailed before still await review.`
    : '';
  const body = [
    ...sections.flatMap(s => [
      s.title,
      ...s.lines.map(l => `- ${l}`),
      ...(s.more ? [`...and ${s.more} more.`] : []),
      '',
    ]),
    ...(still ? [still, ''] : []),
    `Review them in the Incidents tab (each flag is in the Anomalies tab): ${spreadsheetUrl}`,
  ].join('\n');
  const htmlBody =
    sections
      .map(
        s =>
          `<p>${escapeHtml(s.title)}</p><ul>` +
          s.lines.map(l => `<li>${escapeHtml(l)}</li>`).join('') +
          '</ul>' +
          (s.more ? `<p>...and ${s.more} more.</p>` : ''),
      )
      .join('') +
    (still ? `<p>${escapeHtml(still)}</p>` : '') +
    `<p><a href="${escapeHtml(spreadsheetUrl)}">Review them in the Incidents tab</a>.</p>`;
  const sent = new Map<string, string>();
  for (const i of open) sent.set(i.id, fingerprint(i));
  return {subject, body, htmlBody, sent};
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

/**
 * Mails the digest to the alert recipients when incidents are new or changed.
 * Returns how many incidents were mailed (0 when nothing changed or no recipients).
 */
export function sendAnomalyDigest(): {sent: number; recipients: number} {
  const settings = loadSettings();
  const to = settings.alertRecipients;
  if (to.length === 0) return {sent: 0, recipients: 0};
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const props = PropertiesService.getDocumentProperties();
  const last = parseSent(props.getProperty(DIGEST_SENT_KEY));
  const digest = buildDigest(
    readRecords(INCIDENTS, ss),
    last,
    daysAgo(DIGEST_WINDOW_DAYS),
    ss.getUrl(),
  );
  if (!digest) return {sent: 0, recipients: to.length};
  if (MailApp.getRemainingDailyQuota() < to.length) {
    throw new Error(
      `The daily email quota is used up (${MailApp.getRemainingDailyQuota()} left for ${to.length} recipients); the digest will be sent on the next run.`,
    );
  }
  MailApp.sendEmail({
    to: to.join(','),
    subject: digest.subject,
    body: digest.body,
    htmlBody: digest.htmlBody,
    name: 'Classroom Pulse',
  });
  // Record only after the mail went out, so a failed send is retried next run.
  const remembered = new Map(digest.sent);
  for (const [id, fp] of last) if (!remembered.has(id)) remembered.set(id, fp);
  props.setProperty(
    DIGEST_SENT_KEY,
    [...remembered]
      .slice(0, MAX_REMEMBERED)
      .map(([id, fp]) => `${id}=${fp}`)
      .join(','),
  );
  return {sent: digest.sent.size, recipients: to.length};
}
