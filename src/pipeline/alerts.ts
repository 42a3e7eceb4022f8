/**
 * The email digest of new anomalies. Each anomaly is mailed once: the ids already sent are
 * kept in the document properties. The digest names schools, metrics and dates only; the
 * anomaly records hold no student identities and the admin's notes are left out.
 */
import {ANOMALIES, type AnomalyRecord} from '../sheets/tables';
import {readRecords} from '../sheets/outputs';
import {TINY_EXPECTED} from '../sheets/views';
import {loadSettings} from '../platform/settings';

export const DIGEST_SENT_KEY = 'classroomPulse.digestSent';
/** Ids remembered; anomalies older than DIGEST_WINDOW_DAYS are never mailed, so old ids can go. */
const MAX_REMEMBERED = 450; // 18-character ids: stays under the 9 KB property limit
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

function sentIds(): string[] {
  const raw =
    PropertiesService.getDocumentProperties().getProperty(DIGEST_SENT_KEY);
  if (!raw) return [];
  return raw.split(',').filter(x => x);
}

export interface Digest {
  subject: string;
  body: string;
  htmlBody: string;
  ids: string[];
}

function describe(a: AnomalyRecord): string {
  const change =
    a.changePct === null || !(Math.abs(a.expected) >= TINY_EXPECTED)
      ? ''
      : ` (${a.changePct > 0 ? '+' : ''}${Math.round(a.changePct)}%)`;
  const who = a.role === 'all' ? '' : `${a.role} `;
  const when = a.grain === 'week' ? `week of ${a.date}` : a.date;
  return `${when} - ${a.schoolName || a.schoolId}: ${who}${a.metric.replace(/_/g, ' ')} ${a.direction}${change}, expected ${Math.round(a.expected)}, observed ${Math.round(a.observed)} [${a.severity}]`;
}

/**
 * The digest of anomalies that are new, recent (on or after `since`) and not mailed before
 * (pure). Null when there is nothing to send.
 */
export function buildDigest(
  anomalies: ReadonlyArray<AnomalyRecord>,
  alreadySent: ReadonlySet<string>,
  since: string,
  spreadsheetUrl: string,
): Digest | null {
  const fresh = anomalies.filter(
    a => a.status === 'new' && a.date >= since && !alreadySent.has(a.id),
  );
  if (fresh.length === 0) return null;
  const rank = {high: 0, medium: 1, low: 2};
  fresh.sort(
    (a, b) => rank[a.severity] - rank[b.severity] || (a.date < b.date ? 1 : -1),
  );
  const listed = fresh.slice(0, MAX_LISTED);
  const more = fresh.length - listed.length;
  const high = fresh.filter(a => a.severity === 'high').length;
  const subject = `Classroom Pulse: ${fresh.length} new ${fresh.length === 1 ? 'anomaly' : 'anomalies'}${high ? ` (${high} high)` : ''}`;
  const lines = listed.map(describe);
  const tail = more > 0 ? [`...and ${more} more.`] : [];
  const body = [
    'New unexpected changes in engagement:',
    '',
    ...lines.map(l => `- ${l}`),
    ...tail,
    '',
    `Review and acknowledge them in the Anomalies tab: ${spreadsheetUrl}`,
  ].join('\n');
  const htmlBody =
    '<p>New unexpected changes in engagement:</p><ul>' +
    lines.map(l => `<li>${escapeHtml(l)}</li>`).join('') +
    '</ul>' +
    (more > 0 ? `<p>...and ${more} more.</p>` : '') +
    `<p><a href="${escapeHtml(spreadsheetUrl)}">Review and acknowledge them in the Anomalies tab</a>.</p>`;
  return {subject, body, htmlBody, ids: fresh.map(a => a.id)};
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

/**
 * Mails the digest of new anomalies to the alert recipients, once per anomaly.
 * Returns how many anomalies were mailed (0 when nothing new or no recipients).
 */
export function sendAnomalyDigest(): {sent: number; recipients: number} {
  const settings = loadSettings();
  const to = settings.alertRecipients;
  if (to.length === 0) return {sent: 0, recipients: 0};
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const anomalies = readRecords(ANOMALIES, ss);
  const sent = sentIds();
  const digest = buildDigest(
    anomalies,
    new Set(sent),
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
  const remembered = [
    ...digest.ids,
    ...sent.filter(id => !digest.ids.includes(id)),
  ].slice(0, MAX_REMEMBERED);
  PropertiesService.getDocumentProperties().setProperty(
    DIGEST_SENT_KEY,
    remembered.join(','),
  );
  return {sent: digest.ids.length, recipients: to.length};
}
