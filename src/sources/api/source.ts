/**
 * The API source: Admin SDK Directory and Reports, and the Classroom API, read through
 * Apps Script's advanced services.
 *
 * Per run, `prepare` reads the Directory (org units -> schools, users -> school and role),
 * the latest usage report's classroom:role, and, when due, the Classroom rosters and the
 * Classroom history (coursework, submissions, announcements). Per day:
 * - days inside the activity log's 180 days: login and Classroom activities of the day's
 *   window in the district's time zone, deduplicated on id.time + id.uniqueQualifier;
 * - older days, back to the usage reports' 450 days: the per-user usage report of the
 *   date plus the Classroom history of the day, flagged `imputed`.
 * Every request checks the execution budget first; a day interrupted by the budget
 * resumes from its page token with its partial counts (the stage).
 */
import {effectiveStartDate} from '../../core/settings';
import type {School, Settings} from '../../core/types';
import {cleanActivity} from '../../clean/activities';
import {attributionRules} from '../../clean/attribution';
import {addDays, dayRange, toRfc3339} from '../../clean/dates';
import {Deduper} from '../../clean/dedupe';
import {QualityLog} from '../../clean/quality';
import {DayAccumulator, type Metric} from '../../metrics/facts';
import {
  type DayOutput,
  type PlanOptions,
  type Resume,
  type Source,
  type SourceContext,
  type SourceState,
  type Step,
  BudgetExhausted,
  RetryLater,
  needsFetch,
  registerSource,
} from '../source';
import {ServiceCaller, ServiceError, callerFor} from './call';
import {ClassroomHistory, HISTORY_METRICS, addCourseHistory} from './classroom';
import {appsScriptServices, type ApiServices, type Page} from './services';
import {
  Snapshot,
  addCourses,
  addRoster,
  addUsageRoles,
  addUsers,
  emptyDraft,
  finishSnapshot,
  schoolsFromOrgUnits,
  type SnapshotDraft,
} from './snapshot';
import {USAGE_PARAMETERS, parseUsageRow, pstDay} from './usage';

const DAY_MS = 86_400_000;

export interface ApiSourceOptions {
  /** Reports applications read per day (`assignments` for the Assignments LMS add-on). */
  apps: string[];
  activityRetentionDays: number;
  usageRetentionDays: number;
  /** Rosters are re-read when older than this (enrolment changes a little within a term). */
  rosterRefreshDays: number;
  /**
   * Days a Directory snapshot (schools, users, roles) is reused before it is read again.
   * Re-reading a district's whole user list every night costs thousands of calls and
   * HMAC signatures for changes that are rare; new users' activity in between is still
   * counted (under school _none until the next refresh) and reported as data quality.
   */
  directoryRefreshDays: number;
  /**
   * The Classroom history (and its consistency checks) is re-read when older than this;
   * null: only when a backfill reaches past the activity log (it costs three requests
   * per course, the largest share of a large district's calls).
   */
  historyRefreshDays: number | null;
  /** A day whose end is more recent than this is partial (late events still arrive). */
  activityLagMs: number;
}

export const DEFAULT_API_OPTIONS: ApiSourceOptions = {
  apps: ['login', 'classroom'],
  activityRetentionDays: 180,
  usageRetentionDays: 450,
  rosterRefreshDays: 28,
  directoryRefreshDays: 7,
  historyRefreshDays: 28,
  activityLagMs: 24 * 3_600_000,
};

export const SNAPSHOT_BLOB = 'api:snapshot';
export const HISTORY_BLOB = 'api:history';
/** What the last history sweep read of archived courses (see ArchivedCourses). */
export const ARCHIVED_BLOB = 'api:history-archived';

/**
 * The history contribution of archived courses, with their ids: a sweep merges it and
 * skips those courses. Valid only for the same day range, and only while every course in
 * it is still listed (a deleted course's counts cannot be taken out again).
 */
class ArchivedCourses {
  readonly ids = new Set<string>();
  readonly history: ClassroomHistory;
  constructor(like: ClassroomHistory) {
    this.history = new ClassroomHistory(like.from, like.to, like.builtAt);
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string, one: ClassroomHistory): void {
    this.ids.add(id);
    this.history.merge(one);
  }
  serialize(): string {
    return JSON.stringify({
      ids: [...this.ids],
      history: this.history.serialize(),
    });
  }
  static parse(text: string, like: ClassroomHistory): ArchivedCourses | null {
    try {
      const o = JSON.parse(text) as {ids: string[]; history: string};
      const h = ClassroomHistory.deserialize(o.history);
      if (h.from !== like.from || h.to !== like.to) return null;
      const a = new ArchivedCourses(like);
      for (const id of o.ids) a.ids.add(id);
      a.history.merge(h);
      return a;
    } catch {
      return null;
    }
  }
  static load(
    blobs: SourceContext['blobs'],
    like: ClassroomHistory,
    snap: Snapshot,
  ): ArchivedCourses | null {
    const text = blobs.get(ARCHIVED_BLOB);
    const a = text ? ArchivedCourses.parse(text, like) : null;
    if (!a) return null;
    const archivedNow = new Set(
      snap.courses.filter(c => c.state === 'ARCHIVED').map(c => c.id),
    );
    for (const id of a.ids) if (!archivedNow.has(id)) return null;
    return a;
  }
}

type PrepStep =
  | 'orgunits'
  | 'users'
  | 'usage'
  | 'courses'
  | 'rosters'
  | 'snapshot'
  | 'history'
  | 'done';

interface PrepCursor {
  step: PrepStep;
  token: string | null;
  course: number;
  /** 0: teachers, 1: students */
  part: number;
  rosters: boolean;
  sweep: boolean;
  usageDate: string;
  usageTries: number;
  histFrom: string;
  histTo: string;
  builtAt: number;
}

interface DayCursor {
  mode: 'activity' | 'usage';
  app: number;
  token: string | null;
  /** A usage page said PARTIAL_DATA_AVAILABLE. */
  partial: boolean;
}

export class ApiSource implements Source {
  readonly name = 'api';
  readonly opt: ApiSourceOptions;
  private snapshot: Snapshot | null = null;
  private history: ClassroomHistory | null = null;
  private callers = new WeakMap<SourceContext, ServiceCaller>();

  constructor(
    private readonly services: ApiServices = appsScriptServices(),
    options: Partial<ApiSourceOptions> = {},
  ) {
    this.opt = {...DEFAULT_API_OPTIONS, ...options};
  }

  caller(ctx: SourceContext): ServiceCaller {
    return callerFor(this.callers, ctx);
  }

  /** The oldest day the usage reports still cover, as of `now`. */
  earliestDay(now: number): string {
    // One day of margin: the run may take hours and the window moves with the clock.
    return addDays(pstDay(now), -(this.opt.usageRetentionDays - 2));
  }

  /**
   * The first day the activity log covers in full at `now`. It is evaluated when a day is
   * ingested, so a long backfill that reaches a day after it left the log reads that day
   * from the usage reports instead of from a truncated log.
   */
  activityCutoff(now: number): string {
    return addDays(pstDay(now), -(this.opt.activityRetentionDays - 1));
  }

  planDays(settings: Settings, state: SourceState, opt: PlanOptions): string[] {
    const today = addDays(opt.lastDay, 1);
    let from = effectiveStartDate(settings, today);
    const earliest = this.earliestDay(opt.now);
    if (from < earliest) from = earliest;
    return dayRange(from, opt.lastDay).filter(d =>
      needsFetch(d, state.partitions.get(d), settings.trailingDays, opt),
    );
  }

  /** Days the settings ask for that the API no longer keeps. */
  unavailableDays(settings: Settings, lastDay: string, now: number): number {
    const from = effectiveStartDate(settings, addDays(lastDay, 1));
    const earliest = this.earliestDay(now);
    return from < earliest ? dayRange(from, addDays(earliest, -1)).length : 0;
  }

  loadSnapshot(ctx: SourceContext): Snapshot | null {
    if (!this.snapshot) {
      // In pieces when the store keeps them: the snapshot is megabytes.
      const parts = ctx.blobs.getParts
        ? ctx.blobs.getParts(SNAPSHOT_BLOB)
        : [ctx.blobs.get(SNAPSHOT_BLOB) ?? ''];
      this.snapshot =
        parts && parts.some(p => p !== '') ? Snapshot.deserialize(parts) : null;
    }
    return this.snapshot;
  }

  loadHistory(ctx: SourceContext): ClassroomHistory | null {
    if (!this.history) {
      const text = ctx.blobs.get(HISTORY_BLOB);
      this.history = text ? ClassroomHistory.deserialize(text) : null;
    }
    return this.history;
  }

  schools(ctx: SourceContext): School[] {
    return this.loadSnapshot(ctx)?.schools ?? [];
  }

  /* ------------------------------------------------------------ prepare -- */

  prepare(
    ctx: SourceContext,
    days: string[],
    resume: Resume | null,
  ): Step<void> {
    const rules = attributionRules(ctx.settings);
    let cur: PrepCursor;
    let draft: SnapshotDraft;
    let history: ClassroomHistory | null = null;
    let archived: ArchivedCourses | null = null;
    if (resume) {
      cur = resume.cursor as PrepCursor;
      const st = JSON.parse(resume.stage ?? '{}') as {
        draft?: SnapshotDraft;
        history?: string;
        archived?: string;
      };
      draft = st.draft ?? emptyDraft();
      if (st.history) history = ClassroomHistory.deserialize(st.history);
      if (st.archived && history)
        archived = ArchivedCourses.parse(st.archived, history);
    } else {
      const prev = this.loadSnapshot(ctx);
      const cutoff = this.activityCutoff(ctx.now);
      const old = days.filter(d => d < cutoff);
      const prevHistory = this.loadHistory(ctx);
      const histFrom = old.length ? old[0] : '';
      const histTo = old.length ? old[old.length - 1] : '';
      const covered =
        prevHistory !== null &&
        (!old.length ||
          (prevHistory.from <= histFrom && prevHistory.to >= histTo));
      const refresh = this.opt.historyRefreshDays;
      const stale =
        refresh !== null &&
        (!prevHistory || ctx.now - prevHistory.builtAt > refresh * DAY_MS);
      const sweep = (old.length > 0 && !covered) || stale;
      const rosters =
        !prev ||
        ctx.now - prev.rosterAt > this.opt.rosterRefreshDays * DAY_MS ||
        (sweep && prev.courses.length === 0);
      cur = {
        step: 'orgunits',
        token: null,
        course: 0,
        part: 0,
        rosters,
        sweep,
        usageDate: addDays(pstDay(ctx.now), -3),
        usageTries: 0,
        // Without old days the sweep still runs for its consistency checks.
        histFrom: histFrom || (prevHistory?.from ?? cutoff),
        histTo: histTo || (prevHistory?.to ?? addDays(cutoff, -1)),
        builtAt: ctx.now,
      };
      draft = emptyDraft();
      const directoryFresh =
        prev !== null &&
        !rosters &&
        ctx.now - prev.builtAt < this.opt.directoryRefreshDays * DAY_MS;
      if (directoryFresh) {
        this.snapshot = prev;
        cur.step = sweep ? 'history' : 'done';
      }
    }
    const quality = QualityLog.fromJSON(draft.quality);
    const pause = (stalled?: string): Step<void> => {
      draft.quality = quality.toJSON();
      return {
        done: false,
        resume: {
          cursor: {...cur},
          stage: JSON.stringify({
            draft,
            history: history?.serialize(),
            archived: archived?.serialize(),
          }),
        },
        ...(stalled ? {stalled} : {}),
      } as Step<void>;
    };
    const call = this.caller(ctx);
    try {
      if (cur.step === 'orgunits') {
        const ous = call.call('AdminDirectory.Orgunits.list', () =>
          this.services.orgUnits(),
        );
        const {schools, paths} = schoolsFromOrgUnits(ous, rules, quality);
        draft.schools = schools;
        draft.schoolPaths = paths;
        if (!schools.length) {
          ctx.warn(
            `No org unit matches the school rule (depth ${ctx.settings.schoolOuDepth}` +
              `${ctx.settings.schoolOuPattern ? `, pattern ${ctx.settings.schoolOuPattern}` : ''}); ` +
              'every user is counted under school _none.',
          );
        }
        cur.step = 'users';
        cur.token = null;
      }
      if (cur.step === 'users') {
        do {
          const page = call.call('AdminDirectory.Users.list', () =>
            this.services.users(cur.token),
          );
          if (page.malformed) {
            quality.add(
              '',
              'malformed_page',
              'api:directory',
              1,
              page.malformed,
            );
          }
          addUsers(draft, page.items, rules, ctx.keys, quality);
          cur.token = page.nextPageToken;
        } while (cur.token);
        cur.step = 'usage';
      }
      if (cur.step === 'usage') {
        this.usageRoles(ctx, cur, draft, quality);
        cur.step = cur.rosters ? 'courses' : 'snapshot';
        cur.token = null;
      }
      if (cur.step === 'courses') {
        do {
          const page = call.call('Classroom.Courses.list', () =>
            this.services.courses(cur.token),
          );
          addCourses(draft, page.items, ctx.keys);
          cur.token = page.nextPageToken;
        } while (cur.token);
        cur.step = 'rosters';
        cur.course = 0;
        cur.part = 0;
      }
      if (cur.step === 'rosters') {
        for (; cur.course < draft.courses.length; cur.course++, cur.part = 0) {
          const id = draft.courses[cur.course][0];
          for (; cur.part < 2; cur.part++, cur.token = null) {
            const kind = cur.part === 0 ? 'teachers' : 'students';
            do {
              const page = this.coursePage(
                ctx,
                quality,
                `Classroom.Courses.${kind === 'teachers' ? 'Teachers' : 'Students'}.list`,
                () =>
                  kind === 'teachers'
                    ? this.services.teachers(id, cur.token)
                    : this.services.students(id, cur.token),
              );
              addRoster(draft, cur.course, kind, page.items, ctx.keys);
              cur.token = page.nextPageToken;
            } while (cur.token);
          }
        }
        cur.step = 'snapshot';
      }
      if (cur.step === 'snapshot') {
        // Users, usage roles and (fresh or carried-over) rosters are in: resolve roles.
        const prev = this.loadSnapshot(ctx);
        const snap = finishSnapshot(
          draft,
          ctx.settings,
          cur.builtAt,
          cur.rosters ? cur.builtAt : (prev?.rosterAt ?? 0),
          prev,
          cur.rosters,
        );
        snap.quality.merge(quality);
        ctx.blobs.put(SNAPSHOT_BLOB, snap.serialize());
        this.snapshot = snap;
        // The draft is no longer needed; keep later stages small.
        draft = emptyDraft();
        quality.clearDate('');
        cur.step = cur.sweep ? 'history' : 'done';
        cur.course = 0;
      }
      if (cur.step === 'history') {
        const snap = this.loadSnapshot(ctx)!;
        if (!history) {
          history = new ClassroomHistory(cur.histFrom, cur.histTo, cur.builtAt);
          // Archived courses are read-only in Classroom: what the last sweep read of
          // them still holds, so it is carried over instead of read again.
          archived = ArchivedCourses.load(ctx.blobs, history, snap);
          if (archived) history.merge(archived.history);
        }
        const arch = (archived ??= new ArchivedCourses(history));
        for (; cur.course < snap.courses.length; cur.course++) {
          const course = snap.courses[cur.course];
          if (course.state === 'ARCHIVED' && arch.has(course.id)) {
            history.coursesDone++;
            continue;
          }
          const data = this.readCourse(ctx, history.quality, course.id);
          const one = new ClassroomHistory(
            history.from,
            history.to,
            history.builtAt,
          );
          addCourseHistory(data, one, snap, ctx.keys, ctx.zone);
          history.merge(one);
          if (course.state === 'ARCHIVED') arch.add(course.id, one);
          history.coursesDone++;
        }
        ctx.blobs.put(HISTORY_BLOB, history.serialize());
        ctx.blobs.put(ARCHIVED_BLOB, arch.serialize());
        this.history = history;
        cur.step = 'done';
      }
      return {done: true, value: undefined};
    } catch (e) {
      if (e instanceof BudgetExhausted) return pause();
      if (e instanceof RetryLater) return pause(e.message);
      throw e;
    }
  }

  /** Every page of one course's coursework, submissions and announcements. */
  private readCourse(
    ctx: SourceContext,
    quality: QualityLog,
    courseId: string,
  ): {
    courseId: string;
    courseWork: unknown[];
    submissions: unknown[];
    announcements: unknown[];
  } {
    const all = (
      label: string,
      fetch: (token: string | null) => Page<unknown>,
    ) => {
      const items: unknown[] = [];
      let token: string | null = null;
      do {
        const page = this.coursePage(ctx, quality, label, () => fetch(token));
        items.push(...page.items);
        token = page.nextPageToken;
      } while (token);
      return items;
    };
    return {
      courseId,
      courseWork: all('Classroom.Courses.CourseWork.list', t =>
        this.services.courseWork(courseId, t),
      ),
      submissions: all(
        'Classroom.Courses.CourseWork.StudentSubmissions.list',
        t => this.services.submissions(courseId, t),
      ),
      announcements: all('Classroom.Courses.Announcements.list', t =>
        this.services.announcements(courseId, t),
      ),
    };
  }

  /** A page of a per-course list; a course deleted since it was listed reads as empty. */
  private coursePage(
    ctx: SourceContext,
    quality: QualityLog,
    label: string,
    fetch: () => Page<unknown>,
  ): Page<unknown> {
    try {
      return this.caller(ctx).call(label, fetch);
    } catch (e) {
      if (e instanceof ServiceError && e.info.code === 404) {
        quality.add(
          '',
          'service_error',
          'api:classroom',
          1,
          `${label} 404`,
          'Course no longer found.',
        );
        return {items: [], nextPageToken: null};
      }
      throw e;
    }
  }

  private usageRoles(
    ctx: SourceContext,
    cur: PrepCursor,
    draft: SnapshotDraft,
    quality: QualityLog,
  ): void {
    const call = this.caller(ctx);
    while (cur.usageTries < 5) {
      try {
        do {
          const page = call.call('AdminReports.UserUsageReport.get', () =>
            this.services.userUsage(cur.usageDate, 'classroom:role', cur.token),
          );
          if (page.warnings.some(w => w.code === 'DATA_NOT_AVAILABLE')) break;
          addUsageRoles(draft, page.items, ctx.keys);
          cur.token = page.nextPageToken;
        } while (cur.token);
        return;
      } catch (e) {
        // 400: the date is not yet (or no longer) available; try a day earlier.
        if (e instanceof ServiceError && e.info.code === 400) {
          cur.usageTries++;
          cur.usageDate = addDays(cur.usageDate, -1);
          cur.token = null;
          continue;
        }
        throw e;
      }
    }
    quality.add(
      '',
      'usage_data_not_available',
      'api:usage',
      1,
      undefined,
      'No recent usage report answered; roles rely on org units and rosters.',
    );
  }

  /* ---------------------------------------------------------- ingestDay -- */

  ingestDay(
    ctx: SourceContext,
    day: string,
    resume: Resume | null,
  ): Step<DayOutput> {
    const snap = this.loadSnapshot(ctx);
    if (!snap)
      throw new Error('the API source ingests days only after prepare');
    const usageMode = day < this.activityCutoff(ctx.now);
    const apps = usageMode ? ['login', 'classroom'] : this.opt.apps;
    let cur: DayCursor;
    let acc: DayAccumulator;
    let dedupe: Deduper;
    let quality: QualityLog;
    let partial = false;
    if (resume) {
      cur = resume.cursor as DayCursor;
      const st = JSON.parse(resume.stage ?? '{}') as {
        acc: string;
        dedupe: string;
        quality: unknown;
        partial: boolean;
      };
      acc = DayAccumulator.deserialize(st.acc);
      dedupe = Deduper.deserialize(st.dedupe ?? '');
      quality = QualityLog.fromJSON(st.quality);
      partial = st.partial === true;
    } else {
      cur = {
        mode: usageMode ? 'usage' : 'activity',
        app: 0,
        token: null,
        partial: false,
      };
      acc = new DayAccumulator(apps);
      dedupe = new Deduper();
      quality = new QualityLog();
    }
    const pause = (stalled?: string): Step<DayOutput> =>
      ({
        done: false,
        resume: {
          cursor: {...cur},
          stage: JSON.stringify({
            acc: acc.serialize(),
            dedupe: dedupe.serialize(),
            quality: quality.toJSON(),
            partial,
          }),
        },
        ...(stalled ? {stalled} : {}),
      }) as Step<DayOutput>;
    const window = ctx.zone.window(day);
    const call = this.caller(ctx);
    try {
      if (cur.mode === 'activity') {
        const startIso = toRfc3339(window.startMs);
        const endIso = toRfc3339(window.endMs);
        for (; cur.app < apps.length; cur.app++) {
          const app = apps[cur.app];
          do {
            const page = call.call('AdminReports.Activities.list', () =>
              this.services.activities(app, startIso, endIso, cur.token),
            );
            if (page.malformed) {
              quality.add(
                day,
                'malformed_page',
                `api:${app}`,
                1,
                page.malformed,
              );
            }
            for (const item of page.items) {
              const a = cleanActivity(item, app, day, quality);
              if (!a) continue;
              if (a.ms < window.startMs || a.ms >= window.endMs) {
                quality.add(day, 'outside_window', `api:${app}`);
                continue;
              }
              if (!dedupe.acceptRecord(a.ms, a.qualifier)) continue;
              const key = snap.actorKey(a.actorId, a.actorEmail, ctx.keys);
              const minute = Math.floor((a.ms - window.startMs) / 60_000);
              for (const ev of a.events)
                acc.addEvent(key, app, ev.kind, ev.late, minute);
            }
            cur.token = page.nextPageToken;
          } while (cur.token);
          quality.add(day, 'duplicates_dropped', `api:${app}`, dedupe.dropped);
          dedupe = new Deduper();
        }
        partial = ctx.now < window.endMs + this.opt.activityLagMs;
      } else {
        const usageOk = this.usageDay(ctx, day, cur, acc, quality);
        if (usageOk === 'unavailable') {
          quality.add(
            day,
            'usage_data_not_available',
            'api:usage',
            1,
            undefined,
            'The usage report of this date is not available; the day is left out.',
          );
          return {done: true, value: {day, facts: [], partial: true, quality}};
        }
        if (usageOk === 'partial') partial = true;
        const hist = this.loadHistory(ctx)?.days.get(day);
        if (hist) {
          for (const [k, counts] of hist) {
            const [school, role] = k.split('\t');
            counts.forEach((n, i) => {
              if (n) {
                acc.addGroupCounts(
                  school,
                  role as never,
                  'classroom',
                  HISTORY_METRICS[i] as Metric,
                  n,
                );
              }
            });
          }
        }
      }
    } catch (e) {
      if (e instanceof BudgetExhausted) return pause();
      if (e instanceof RetryLater) return pause(e.message);
      throw e;
    }
    const flags: ('partial' | 'imputed')[] = [];
    if (partial) flags.push('partial');
    if (usageMode) flags.push('imputed');
    const out = acc.finalize({
      day,
      apps,
      attribute: k => snap.attribute(k),
      groups: snap.enrolledGroups(),
      flags,
      timestamps: !usageMode,
    });
    if (partial)
      quality.add(
        day,
        'partial_day',
        usageMode ? 'api:usage' : 'api:activities',
      );
    if (usageMode) {
      quality.add(
        day,
        'imputed_values',
        'api:usage',
        out.facts.length,
        undefined,
        'Rows derived from usage reports and Classroom history (past the activity log).',
      );
    }
    if (out.unplacedUsers) {
      quality.add(
        day,
        'users_in_no_school',
        usageMode ? 'api:usage' : 'api:activities',
        out.unplacedUsers,
        undefined,
        'Active users the Directory places in no school.',
      );
    }
    return {
      done: true,
      value: {day, facts: out.facts, userSets: out.userSets, partial, quality},
    };
  }

  /** Reads the usage report of `day` into the accumulator. */
  private usageDay(
    ctx: SourceContext,
    day: string,
    cur: DayCursor,
    acc: DayAccumulator,
    quality: QualityLog,
  ): 'ok' | 'partial' | 'unavailable' {
    const snap = this.snapshot!;
    const call = this.caller(ctx);
    try {
      do {
        const page = call.call('AdminReports.UserUsageReport.get', () =>
          this.services.userUsage(day, USAGE_PARAMETERS, cur.token),
        );
        if (page.malformed) {
          quality.add(day, 'malformed_page', 'api:usage', 1, page.malformed);
        }
        for (const w of page.warnings) {
          if (w.code === 'PARTIAL_DATA_AVAILABLE') cur.partial = true;
          if (w.code === 'DATA_NOT_AVAILABLE') return 'unavailable';
        }
        for (const item of page.items) {
          const row = parseUsageRow(item, day, quality);
          if (!row) continue;
          const key = snap.actorKey(row.profileId, row.email, ctx.keys);
          if (
            row.lastLoginMs !== null &&
            ctx.zone.localDay(row.lastLoginMs) === day
          ) {
            acc.addUsage(key, 'login', true);
          }
          if (
            row.lastInteractionMs !== null &&
            ctx.zone.localDay(row.lastInteractionMs) === day
          ) {
            acc.addUsage(key, 'classroom', false);
          }
        }
        cur.token = page.nextPageToken;
      } while (cur.token);
    } catch (e) {
      if (e instanceof ServiceError && e.info.code === 400)
        return 'unavailable';
      throw e;
    }
    return cur.partial ? 'partial' : 'ok';
  }
}

registerSource('api', () => new ApiSource());
