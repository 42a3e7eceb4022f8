/**
 * Classroom history from the Classroom API (coursework, student submissions with their
 * history, announcements). Unlike the audit log it reaches back past the Reports API's
 * 180 days, so it supplies the coursework counts of days older than that; the same pass
 * checks teacher-student consistency (submissions for coursework that does not exist,
 * submissions dated before their coursework).
 *
 * Counted per day in the district's time zone and attributed to the acting user:
 * coursework created (scheduledTime when set, else creationTime; by creatorUserId),
 * turn-ins (stateHistory TURNED_IN; late when the submission is late), returns
 * (stateHistory RETURNED; by the teacher), grades (gradeHistory draft or assigned points
 * changes; by the grader), announcements (creationTime; by creatorUserId).
 */
import type {Pseudonymizer} from '../../core/privacy';
import type {Role} from '../../core/types';
import {parseRfc3339} from '../../clean/dates';
import {exampleOf, QualityLog} from '../../clean/quality';
import type {ZoneClock} from '../../clean/timezone';
import {groupKey, NO_SCHOOL, type Metric} from '../../metrics/facts';
import type {Snapshot} from './snapshot';

export const HISTORY_METRICS: Metric[] = [
  'assignmentsCreated',
  'submissionsTurnedIn',
  'lateSubmissions',
  'workReturned',
  'gradesEntered',
  'announcements',
];
const H = HISTORY_METRICS.length;
const IDX = Object.fromEntries(HISTORY_METRICS.map((m, i) => [m, i])) as Record<
  string,
  number
>;

export class ClassroomHistory {
  /** day -> group key (school \t role \t classroom) -> counts in HISTORY_METRICS order */
  readonly days = new Map<string, Map<string, number[]>>();
  readonly quality = new QualityLog();
  /** Courses whose history is in. */
  coursesDone = 0;

  constructor(
    /** Inclusive day range kept (other days are not needed). */
    readonly from: string,
    readonly to: string,
    readonly builtAt: number,
  ) {}

  add(day: string, schoolId: string, role: Role, metric: Metric, n = 1): void {
    if (day < this.from || day > this.to) return;
    let d = this.days.get(day);
    if (!d) this.days.set(day, (d = new Map()));
    const k = groupKey(schoolId, role, 'classroom');
    let c = d.get(k);
    if (!c) d.set(k, (c = new Array<number>(H).fill(0)));
    c[IDX[metric]] += n;
  }

  merge(other: ClassroomHistory): void {
    for (const [day, groups] of other.days) {
      for (const [k, c] of groups) {
        const [school, role] = k.split('\t');
        c.forEach((n, i) => {
          if (n) this.add(day, school, role as Role, HISTORY_METRICS[i], n);
        });
      }
    }
    this.quality.merge(other.quality);
  }

  serialize(): string {
    const days: Record<string, Record<string, number[]>> = {};
    for (const [day, groups] of this.days)
      days[day] = Object.fromEntries(groups);
    return JSON.stringify({
      from: this.from,
      to: this.to,
      builtAt: this.builtAt,
      coursesDone: this.coursesDone,
      quality: this.quality.toJSON(),
      days,
    });
  }

  static deserialize(text: string): ClassroomHistory {
    const o = JSON.parse(text) as {
      from: string;
      to: string;
      builtAt: number;
      coursesDone: number;
      quality: unknown;
      days: Record<string, Record<string, number[]>>;
    };
    const h = new ClassroomHistory(o.from, o.to, o.builtAt);
    h.coursesDone = o.coursesDone ?? 0;
    h.quality.merge(QualityLog.fromJSON(o.quality));
    for (const [day, groups] of Object.entries(o.days ?? {})) {
      h.days.set(day, new Map(Object.entries(groups)));
    }
    return h;
  }
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null
    ? (v as Record<string, unknown>)
    : {};
}
function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export interface CourseData {
  courseId: string;
  courseWork: unknown[];
  submissions: unknown[];
  announcements: unknown[];
}

/** Folds one course's coursework, submissions and announcements into `history`. */
export function addCourseHistory(
  data: CourseData,
  history: ClassroomHistory,
  snapshot: Snapshot,
  keys: Pseudonymizer,
  zone: ZoneClock,
): void {
  const q = history.quality;
  const src = 'api:classroom';
  const who = (userId: string | null): {school: string; role: Role} => {
    if (!userId) return {school: NO_SCHOOL, role: 'unknown'};
    const at = snapshot.attribute(keys.ofId(userId));
    return at
      ? {school: at.schoolId, role: at.role}
      : {school: NO_SCHOOL, role: 'unknown'};
  };
  const count = (ms: number | null, userId: string | null, metric: Metric) => {
    if (ms === null) return;
    const day = zone.localDay(ms);
    if (day < history.from || day > history.to) return;
    const w = who(userId);
    history.add(day, w.school, w.role, metric);
  };
  const created = new Map<string, number>();
  for (const raw of data.courseWork) {
    const cw = rec(raw);
    const id = str(cw.id);
    const ms = parseRfc3339(cw.creationTime);
    if (!id || ms === null) {
      q.add(
        '',
        'missing_field',
        src,
        1,
        id ? 'courseWork.creationTime' : 'courseWork.id',
      );
      continue;
    }
    created.set(id, ms);
    if (cw.state !== undefined && cw.state !== 'PUBLISHED') continue;
    const when = parseRfc3339(cw.scheduledTime) ?? ms;
    count(when, str(cw.creatorUserId), 'assignmentsCreated');
  }
  let unknownWork = 0;
  let early = 0;
  for (const raw of data.submissions) {
    const s = rec(raw);
    const cwId = str(s.courseWorkId);
    const student = str(s.userId);
    if (!cwId) {
      q.add('', 'missing_field', src, 1, 'studentSubmission.courseWorkId');
      continue;
    }
    const cwCreated = created.get(cwId);
    if (cwCreated === undefined) unknownWork++;
    let first = parseRfc3339(s.creationTime);
    const late = s.late === true;
    const hist = Array.isArray(s.submissionHistory) ? s.submissionHistory : [];
    for (const h of hist) {
      const entry = rec(h);
      const st = rec(entry.stateHistory);
      const gr = rec(entry.gradeHistory);
      if (entry.stateHistory !== undefined) {
        const ms = parseRfc3339(st.stateTimestamp);
        if (ms !== null && (first === null || ms < first)) first = ms;
        const actor = str(st.actorUserId);
        if (st.state === 'TURNED_IN') {
          count(ms, actor ?? student, 'submissionsTurnedIn');
          if (late) count(ms, actor ?? student, 'lateSubmissions');
        } else if (st.state === 'RETURNED') {
          count(ms, actor, 'workReturned');
        }
      } else if (entry.gradeHistory !== undefined) {
        const t = gr.gradeChangeType;
        if (
          t === 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE' ||
          t === 'DRAFT_GRADE_POINTS_EARNED_CHANGE'
        ) {
          count(
            parseRfc3339(gr.gradeTimestamp),
            str(gr.actorUserId),
            'gradesEntered',
          );
        }
      }
    }
    if (cwCreated !== undefined && first !== null && first < cwCreated) early++;
  }
  if (unknownWork) {
    q.add(
      '',
      'submission_unknown_coursework',
      src,
      unknownWork,
      `course ${exampleOf(data.courseId, 24)}`,
      'Submissions whose courseWorkId matches no coursework of the course.',
    );
  }
  if (early) {
    q.add(
      '',
      'submission_before_coursework',
      src,
      early,
      `course ${exampleOf(data.courseId, 24)}`,
      'Submissions with a timestamp before their coursework was created.',
    );
  }
  for (const raw of data.announcements) {
    const a = rec(raw);
    if (a.state !== undefined && a.state !== 'PUBLISHED') continue;
    const ms = parseRfc3339(a.scheduledTime) ?? parseRfc3339(a.creationTime);
    if (ms === null) {
      q.add('', 'missing_field', src, 1, 'announcement.creationTime');
      continue;
    }
    count(ms, str(a.creatorUserId), 'announcements');
  }
}
