/**
 * The BigQuery source: the Workspace log export queried through the BigQuery advanced
 * service, so that BigQuery groups the events (by local day, school, role and app) and
 * only daily facts come back. It implements the same Source contract as the API source
 * and gives the same DailyFact rows for the same events.
 *
 * prepare: the Directory's org units (the schools) and users (who is enrolled where, under
 * which role) are read through AdminDirectory as the API source reads them, but only
 * counts are kept; the roles the org unit rules leave open come from the export's usage
 * table (classroom:role) by one query. The export has no Classroom rosters, so the roster
 * rule of the API source has no counterpart here (see docs/bigquery.md).
 * ingestDay: one parameterised query per batch of consecutive planned days (7 by default);
 * the other days of the batch wait in the hidden store for their turn.
 * weeklyFacts: distinct users per ISO week counted in BigQuery, exact at any size.
 */
import {effectiveStartDate} from '../../core/settings';
import type {School, Settings, WeeklyFact} from '../../core/types';
import {
  attributionRules,
  ouRole,
  resolveRole,
  schoolPathOf,
} from '../../clean/attribution';
import {addDays, dayRange, weekDays} from '../../clean/dates';
import {QualityLog} from '../../clean/quality';
import {NO_SCHOOL, type EnrolledGroup} from '../../metrics/facts';
import type {DailyFact, Role} from '../../core/types';
import {ServiceCaller, callerFor} from '../api/call';
import {pstDay} from '../api/usage';
import {appsScriptServices, type ApiServices} from '../api/services';
import {schoolsFromOrgUnits} from '../api/snapshot';
import {
  BudgetExhausted,
  RetryLater,
  needsFetch,
  registerSource,
  type DayOutput,
  type PlanOptions,
  type Resume,
  type Source,
  type SourceContext,
  type SourceState,
  type Step,
} from '../source';
import {
  QueryPaused,
  appsScriptBigQuery,
  dryRunBytes,
  runQuery,
  type BigQueryService,
  type QueryCursor,
  type QueryResult,
} from './client';
import {dailyFactsFromRows, weeklyFactsFromRows} from './facts';
import {
  attributionParams,
  dailyFactsQuery,
  datasetRef,
  latestUsageDateQuery,
  usageRolesQuery,
  weeklyFactsQuery,
  type DailyQueryInput,
  type SqlQuery,
} from './sql';

export interface BigQuerySourceOptions {
  /** Reports applications (record_type) counted. */
  apps: string[];
  /** Consecutive planned days one query covers. */
  batchDays: number;
  /** Days after an event's UTC day within which the export ingests it (partition filter). */
  partitionLagDays: number;
  /** Days after a usage date within which its usage rows are ingested. */
  usageLagDays: number;
  /** A day whose end is more recent than this is partial (late rows still arrive). */
  exportLagMs: number;
  /** The Directory counts are re-read when older than this. */
  directoryRefreshMs: number;
  /** Users whose usage role one query asks for. */
  roleBatch: number;
  /** Planned days from which prepare dry-runs the backfill and reports its bytes. */
  dryRunFromDays: number;
}

export const DEFAULT_BIGQUERY_OPTIONS: BigQuerySourceOptions = {
  apps: ['login', 'classroom'],
  batchDays: 7,
  partitionLagDays: 3,
  usageLagDays: 7,
  exportLagMs: 24 * 3_600_000,
  directoryRefreshMs: 20 * 3_600_000,
  roleBatch: 5000,
  dryRunFromDays: 14,
};

export const DIRECTORY_BLOB = 'bigquery:directory';
const FACTS_BLOB = 'bigquery:facts:';
const PLAN_BLOB = 'bigquery:plan';

/** What prepare keeps: schools and enrolment counts, never a user. */
export interface DirectoryCounts {
  v: 1;
  builtAt: number;
  schools: School[];
  groups: EnrolledGroup[];
  usageDate: string | null;
  /** Bytes the last dry run said the planned days would scan (null: not run). */
  backfillBytes: number | null;
}

interface PrepCursor {
  step: 'orgunits' | 'usageDate' | 'users' | 'roles' | 'dryrun' | 'done';
  token: string | null;
  batch: number;
}

interface PrepStage {
  schools: School[];
  usageDate: string | null;
  /** school index (-1: none) \t role -> enrolled */
  counts: Record<string, number>;
  /** Active users the org unit rules leave open: email -> school index. */
  open: Record<string, number>;
  configured: boolean;
  backfillBytes: number | null;
  /** A query of the current step paused by the budget: `${step}:${batch}` and where it stands. */
  query?: {at: string; cursor: QueryCursor; partial: QueryResult} | null;
}

export class BigQuerySource implements Source {
  readonly name = 'bigquery';
  readonly opt: BigQuerySourceOptions;
  private directory: DirectoryCounts | null = null;
  private plan: string[] = [];
  private readonly callers = new WeakMap<SourceContext, ServiceCaller>();

  constructor(
    private readonly bigquery: BigQueryService = appsScriptBigQuery(),
    private readonly services: ApiServices = appsScriptServices(),
    options: Partial<BigQuerySourceOptions> = {},
  ) {
    this.opt = {...DEFAULT_BIGQUERY_OPTIONS, ...options};
  }

  caller(ctx: SourceContext): ServiceCaller {
    return callerFor(this.callers, ctx);
  }

  planDays(settings: Settings, state: SourceState, opt: PlanOptions): string[] {
    const from = effectiveStartDate(settings, addDays(opt.lastDay, 1));
    return dayRange(from, opt.lastDay).filter(d =>
      needsFetch(d, state.partitions.get(d), settings.trailingDays, opt),
    );
  }

  loadDirectory(ctx: SourceContext): DirectoryCounts | null {
    if (!this.directory) {
      const text = ctx.blobs.get(DIRECTORY_BLOB);
      this.directory = text ? (JSON.parse(text) as DirectoryCounts) : null;
    }
    return this.directory;
  }

  schools(ctx: SourceContext): School[] {
    return this.loadDirectory(ctx)?.schools ?? [];
  }

  /* ------------------------------------------------------------ prepare -- */

  prepare(
    ctx: SourceContext,
    days: string[],
    resume: Resume | null,
  ): Step<void> {
    this.plan = [...days];
    const ref = datasetRef(ctx.settings);
    const rules = attributionRules(ctx.settings);
    attributionParams(ctx.settings); // patterns must be RE2 before anything runs
    const prev = this.loadDirectory(ctx);
    let cur: PrepCursor;
    let st: PrepStage;
    if (resume) {
      cur = resume.cursor as PrepCursor;
      st = JSON.parse(resume.stage ?? '{}') as PrepStage;
    } else {
      const fresh =
        prev && ctx.now - prev.builtAt < this.opt.directoryRefreshMs;
      cur = {step: fresh ? 'dryrun' : 'orgunits', token: null, batch: 0};
      st = {
        schools: prev?.schools ?? [],
        usageDate: prev?.usageDate ?? null,
        counts: {},
        open: {},
        configured: rules.student !== null || rules.teacher !== null,
        backfillBytes: null,
      };
    }
    const pause = (stalled?: string): Step<void> =>
      ({
        done: false,
        resume: {cursor: {...cur}, stage: JSON.stringify(st)},
        ...(stalled ? {stalled} : {}),
      }) as Step<void>;
    const call = this.caller(ctx);
    try {
      if (cur.step === 'orgunits') {
        const quality = new QualityLog();
        const ous = call.call('AdminDirectory.Orgunits.list', () =>
          this.services.orgUnits(),
        );
        st.schools = schoolsFromOrgUnits(ous, rules, quality).schools;
        ctx.quality.merge(quality);
        if (!st.schools.length) {
          ctx.warn(
            `No org unit matches the school rule (depth ${ctx.settings.schoolOuDepth}); every user is counted under school ${NO_SCHOOL}.`,
          );
        }
        cur.step = 'usageDate';
      }
      // A step's query resumes where the budget stopped it.
      const query = (q: SqlQuery): QueryResult => {
        const at = `${cur.step}:${cur.batch}`;
        const saved = st.query?.at === at ? st.query : null;
        try {
          const res = runQuery(call, this.bigquery, ref, q, saved);
          st.query = null;
          return res;
        } catch (e) {
          if (e instanceof QueryPaused)
            st.query = {at, cursor: e.cursor, partial: e.partial};
          throw e;
        }
      };
      if (cur.step === 'usageDate') {
        const res = query(
          latestUsageDateQuery(
            addDays(pstDay(ctx.now), -3),
            14,
            this.opt.usageLagDays,
          ),
        );
        st.usageDate = res.rows[0]?.[0] ?? null;
        if (!st.usageDate) {
          ctx.quality.add(
            '',
            'usage_data_not_available',
            'bigquery',
            1,
            undefined,
            'No recent usage rows with classroom roles in the export; roles rely on org units.',
          );
        }
        cur.step = 'users';
        cur.token = null;
      }
      if (cur.step === 'users') {
        const index = new Map(st.schools.map((s, i) => [s.orgUnitPath, i]));
        do {
          const page = call.call('AdminDirectory.Users.list', () =>
            this.services.users(cur.token),
          );
          for (const raw of page.items) {
            const u = (raw ?? {}) as Record<string, unknown>;
            const email =
              typeof u.primaryEmail === 'string'
                ? u.primaryEmail.toLowerCase()
                : '';
            if (!email || typeof u.id !== 'string') continue;
            if (u.suspended === true || u.archived === true) continue; // not enrolled
            const path =
              typeof u.orgUnitPath === 'string' && u.orgUnitPath
                ? u.orgUnitPath
                : '/';
            const sp = schoolPathOf(path, rules);
            const school = sp === null ? -1 : (index.get(sp) ?? -1);
            const ou = ouRole(path, rules);
            if (ou) {
              const k = `${school}\t${ou}`;
              st.counts[k] = (st.counts[k] ?? 0) + 1;
            } else {
              st.open[email] = school;
            }
          }
          cur.token = page.nextPageToken;
        } while (cur.token);
        cur.step = 'roles';
        cur.batch = 0;
      }
      if (cur.step === 'roles') {
        const emails = Object.keys(st.open).sort();
        for (; cur.batch * this.opt.roleBatch < emails.length; cur.batch++) {
          const chunk = emails.slice(
            cur.batch * this.opt.roleBatch,
            (cur.batch + 1) * this.opt.roleBatch,
          );
          const usage = new Map<string, string>();
          if (st.usageDate) {
            const res = query(
              usageRolesQuery(st.usageDate, this.opt.usageLagDays, chunk),
            );
            for (const [user, role] of res.rows)
              if (user && role) usage.set(user, role);
          }
          for (const email of chunk) {
            const {role} = resolveRole(
              {
                ou: null,
                teaches: 0,
                studies: 0,
                usage: usage.get(email) ?? null,
              },
              rules,
            );
            const k = `${st.open[email]}\t${role}`;
            st.counts[k] = (st.counts[k] ?? 0) + 1;
            delete st.open[email];
          }
        }
        this.saveDirectory(ctx, st);
        cur.step = 'dryrun';
      }
      if (cur.step === 'dryrun') {
        const dir = this.loadDirectory(ctx)!;
        if (days.length >= this.opt.dryRunFromDays) {
          const q = dailyFactsQuery(
            this.queryInput(ctx, dir, days[0], days[days.length - 1]),
          );
          const bytes = dryRunBytes(call, this.bigquery, ref, q);
          dir.backfillBytes = bytes;
          ctx.blobs.put(DIRECTORY_BLOB, JSON.stringify(dir));
          ctx.warn(
            `BigQuery: ${days.length} days (${days[0]} to ${days[days.length - 1]}) will scan about ${formatBytes(bytes)} of the export.`,
          );
        }
        cur.step = 'done';
      }
      return {done: true, value: undefined};
    } catch (e) {
      if (e instanceof BudgetExhausted || e instanceof QueryPaused)
        return pause();
      if (e instanceof RetryLater) return pause(e.message);
      throw e;
    }
  }

  private saveDirectory(ctx: SourceContext, st: PrepStage): void {
    const counts = new Map<string, number>();
    for (const s of st.schools) {
      counts.set(`${s.id}\tstudent`, 0);
      counts.set(`${s.id}\tteacher`, 0);
    }
    const schools = st.schools.map(s => ({
      ...s,
      enrolledStudents: 0,
      enrolledTeachers: 0,
    }));
    for (const [k, n] of Object.entries(st.counts)) {
      const [si, role] = k.split('\t');
      const i = Number(si);
      const id = i >= 0 ? schools[i].id : NO_SCHOOL;
      const key = `${id}\t${role}`;
      counts.set(key, (counts.get(key) ?? 0) + n);
      if (i >= 0 && role === 'student') schools[i].enrolledStudents! += n;
      if (i >= 0 && role === 'teacher') schools[i].enrolledTeachers! += n;
    }
    const groups: EnrolledGroup[] = [...counts].map(([k, enrolled]) => {
      const [schoolId, role] = k.split('\t');
      return {schoolId, role: role as Role, enrolled};
    });
    const dir: DirectoryCounts = {
      v: 1,
      builtAt: ctx.now,
      schools,
      groups,
      usageDate: st.usageDate,
      backfillBytes: st.backfillBytes,
    };
    ctx.blobs.put(DIRECTORY_BLOB, JSON.stringify(dir));
    this.directory = dir;
  }

  queryInput(
    ctx: SourceContext,
    dir: DirectoryCounts,
    firstDay: string,
    lastDay: string,
  ): DailyQueryInput {
    return {
      attribution: attributionParams(ctx.settings),
      schoolPaths: dir.schools.map(s => s.orgUnitPath),
      timeZone: ctx.settings.timeZone,
      startMs: ctx.zone.window(firstDay).startMs,
      endMs: ctx.zone.window(lastDay).endMs,
      apps: this.opt.apps,
      partitionLagDays: this.opt.partitionLagDays,
      usageDate: dir.usageDate,
      usageLagDays: this.opt.usageLagDays,
    };
  }

  /** The planned days batched with `day`: it and the consecutive planned days after it. */
  private batchOf(ctx: SourceContext, day: string): string[] {
    if (!this.plan.length) {
      const text = ctx.blobs.get(PLAN_BLOB);
      this.plan = text ? (JSON.parse(text) as string[]) : [];
    }
    const out = [day];
    const i = this.plan.indexOf(day);
    if (i < 0) return out;
    for (
      let k = i + 1;
      k < this.plan.length && out.length < this.opt.batchDays;
      k++
    ) {
      if (this.plan[k] !== addDays(out[out.length - 1], 1)) break;
      out.push(this.plan[k]);
    }
    return out;
  }

  /* ---------------------------------------------------------- ingestDay -- */

  ingestDay(
    ctx: SourceContext,
    day: string,
    resume: Resume | null,
  ): Step<DayOutput> {
    const dir = this.loadDirectory(ctx);
    if (!dir)
      throw new Error('the BigQuery source ingests days only after prepare');
    const cached = ctx.blobs.get(FACTS_BLOB + day);
    if (cached !== null && !resume) {
      ctx.blobs.delete(FACTS_BLOB + day);
      const c = JSON.parse(cached) as {
        at: number;
        facts: DailyFact[];
        partial: boolean;
        quality: unknown;
      };
      // Only a batch fetched moments ago stands in for a fresh query.
      if (ctx.now - c.at < 6 * 3_600_000) {
        return {
          done: true,
          value: {
            ...this.output(
              day,
              c.facts,
              c.partial,
              QualityLog.fromJSON(c.quality),
            ),
            fetchedAt: c.at,
          },
        };
      }
    }
    const ref = datasetRef(ctx.settings);
    // A resume without a stage was stopped before its query started: start it afresh.
    if (resume && (resume.stage === null || resume.cursor === null))
      resume = null;
    const st = resume
      ? (JSON.parse(resume.stage!) as {days: string[]; partial: QueryResult})
      : {days: this.batchOf(ctx, day), partial: null as unknown as QueryResult};
    const days = st.days;
    const q = dailyFactsQuery(
      this.queryInput(ctx, dir, days[0], days[days.length - 1]),
    );
    let res: QueryResult;
    try {
      res = runQuery(
        this.caller(ctx),
        this.bigquery,
        ref,
        q,
        resume
          ? {cursor: resume.cursor as QueryCursor, partial: st.partial}
          : null,
      );
    } catch (e) {
      if (e instanceof QueryPaused) {
        return {
          done: false,
          resume: {
            cursor: e.cursor,
            stage: JSON.stringify({days, partial: e.partial}),
          },
        };
      }
      if (e instanceof BudgetExhausted) {
        return resume
          ? {done: false, resume}
          : {done: false, resume: {cursor: null, stage: null}};
      }
      if (e instanceof RetryLater) {
        return {
          done: false,
          resume: resume ?? {cursor: null, stage: null},
          stalled: e.message,
        } as Step<DayOutput>;
      }
      throw e;
    }
    const schoolIds = new Map(dir.schools.map(s => [s.orgUnitPath, s.id]));
    const partialOf = (d: string) =>
      ctx.now < ctx.zone.window(d).endMs + this.opt.exportLagMs;
    let mine: DayOutput | null = null;
    for (const d of days) {
      const byDay = dailyFactsFromRows(res.columns, res.rows, [d], {
        apps: this.opt.apps,
        schoolIds,
        groups: dir.groups,
        flags: partialOf(d) ? ['partial'] : [],
      });
      const facts = byDay.get(d)!;
      const quality = new QualityLog();
      const unplaced = facts
        .filter(f => f.schoolId === NO_SCHOOL && f.app === 'workspace')
        .reduce((s, f) => s + f.activeUsers, 0);
      if (unplaced) {
        quality.add(
          d,
          'users_in_no_school',
          'bigquery',
          unplaced,
          undefined,
          'Active users whose org unit is under no school.',
        );
      }
      if (partialOf(d)) quality.add(d, 'partial_day', 'bigquery');
      if (d === day) {
        mine = this.output(d, facts, partialOf(d), quality);
      } else {
        ctx.blobs.put(
          FACTS_BLOB + d,
          JSON.stringify({
            at: ctx.now,
            facts,
            partial: partialOf(d),
            quality: quality.toJSON(),
          }),
        );
      }
    }
    return {done: true, value: mine!};
  }

  private output(
    day: string,
    facts: DailyFact[],
    partial: boolean,
    quality: QualityLog,
  ): DayOutput {
    return {
      day,
      facts,
      // Distinct users per week come from weeklyFacts; an empty set marks the day as
      // ingested for the week bookkeeping.
      userSets: new Map(),
      partial,
      quality,
    };
  }

  /* --------------------------------------------------------- weeklyFacts -- */

  weeklyFacts(ctx: SourceContext, weekStart: string): Step<WeeklyFact[]> {
    const dir = this.loadDirectory(ctx);
    if (!dir)
      throw new Error('the BigQuery source counts weeks only after prepare');
    const days = weekDays(weekStart);
    const ref = datasetRef(ctx.settings);
    const q = weeklyFactsQuery(
      this.queryInput(ctx, dir, days[0], days[6]),
      days,
    );
    try {
      const res = runQuery(this.caller(ctx), this.bigquery, ref, q);
      const last = ctx.zone.window(days[6]).endMs;
      return {
        done: true,
        value: weeklyFactsFromRows(res.columns, res.rows, {
          apps: this.opt.apps,
          schoolIds: new Map(dir.schools.map(s => [s.orgUnitPath, s.id])),
          groups: dir.groups,
          weekStart,
          calendar: ctx.settings.calendar ?? null,
          partial: ctx.now < last + this.opt.exportLagMs,
        }),
      };
    } catch (e) {
      if (
        e instanceof QueryPaused ||
        e instanceof BudgetExhausted ||
        e instanceof RetryLater
      ) {
        return {done: false, resume: {cursor: null, stage: null}};
      }
      throw e;
    }
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

registerSource('bigquery', () => new BigQuerySource());
