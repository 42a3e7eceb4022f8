/**
 * The ingest phase (Apps Script layer): plans the day partitions of a run, drives the
 * configured source through them within the execution budget, and commits each finished
 * day to the fact store. Everything needed to continue lives in document properties (the
 * run and its checkpoint, under 9 KB) and in the hidden store tab (the paused stage), so
 * the next execution, started by the job's continuation trigger, picks up exactly there.
 *
 * Crash safety: a checkpoint names its stage blob by sequence number, and the stage is
 * written before the checkpoint that points at it; a day's commit (facts, user sets,
 * findings, partition index) is followed by the checkpoint that moves past it, so an
 * execution killed anywhere redoes at most the unit it was in, and redoing a day
 * replaces it. The caller holds the script lock (the job does).
 */
import {hmacSha256} from '../core/sha256';
import {Pseudonymizer} from '../core/privacy';
import {defaultSettings} from '../core/settings';
import type {DailyFact, School, Settings, WeeklyFact} from '../core/types';
import {
  addDays,
  dayFromNumber,
  dayNumber,
  isoWeek,
  weekDays,
} from '../clean/dates';
import {QualityLog, type DataQualityRow} from '../clean/quality';
import {ZoneClock, parseOffset} from '../clean/timezone';
import {
  buildWeeklyFacts,
  deserializeUserSets,
  serializeUserSets,
  type DayUserSets,
} from '../metrics/weekly';
import {compareFacts} from '../metrics/facts';
import {ServiceError} from '../sources/api/call';
import {ApiSource, HISTORY_BLOB, SNAPSHOT_BLOB} from '../sources/api/source';
// The other sources register themselves under their settings name.
import '../sources/bigquery/source';
import '../sources/learnplatform/source';
import {ClassroomHistory} from '../sources/api/classroom';
import {Snapshot, type SnapshotHead} from '../sources/api/snapshot';
import {
  sourceFor,
  type Budget,
  type DayOutput,
  type Resume,
  type Source,
  type SourceContext,
  type PartitionState,
  type SourceState,
  type Step,
  isFinalPartition,
  isSettled,
} from '../sources/source';
import {
  ArchiveStore,
  DailyFactStore,
  SheetBlobStore,
  archiveOldDays,
} from './store';

export type {DataQualityRow} from '../clean/quality';

export const RUN_PROPERTY = 'pulse.ingest.run';
export const LAST_RUN_PROPERTY = 'pulse.ingest.lastRun';
export const LAST_SOURCE_PROPERTY = 'pulse.ingest.lastSource';
export const WATERMARK_PREFIX = 'pulse.ingest.watermark.';
export const SECRET_PROPERTY = 'pulse.hmacSecret';
export const DAYS_BLOB = 'ingest:days';
/** Seconds kept back from the deadline for saving state. */
export const RESERVE_MS = 10_000;
/** A paused unit that stalls (keeps failing) this many executions in a row is skipped. */
export const MAX_STALLS = 3;
/** Day user sets are kept this long (re-fetching a day of a closed week stays exact). */
export const USER_SET_DAYS = 35;

export interface IngestPhaseContext {
  settings: Settings;
  /** Epoch ms at the start of the execution (default: the clock now). */
  now?: number;
  /** Epoch ms by which the phase must have returned. */
  deadline: number;
  /** The job's run id: a finished run with this id is not started again. */
  runId?: string;
}

export interface IngestPhaseResult {
  /** True when the run's days are all ingested and its weeks closed. */
  done: boolean;
  daysWritten: string[];
  /** Days still to ingest in this run. */
  remainingDays: number;
  phase: 'prepare' | 'days' | 'weeks' | 'done';
  warnings: string[];
  /** Google API calls this execution made. */
  serviceCalls: number;
  /** Fact rows this execution wrote to the fact store. */
  rowsWritten: number;
  runId: string;
}

interface RunState {
  v: 1;
  id: string;
  source: string;
  startedAt: number;
  lastDay: string;
  /** Planned days as runs of consecutive days: [first, count]. */
  days: Array<[string, number]>;
  next: number;
  phase: 'prepare' | 'days' | 'weeks';
  resume: {cursor: unknown; stage: string | null} | null;
  seq: number;
  stalls: number;
  restarts: number;
  written: number;
  /**
   * Epoch ms the day in progress began (its first request), kept across the executions
   * it spans: a day's fetch time is when its oldest data was read, so a day begun before
   * it settled never counts as fetched after.
   */
  dayAt?: number;
}

/** day -> [partial 0/1, fetchedAt, rows, fetched after the day settled 0/1]. */
type PartitionRow = [number, number, number, number?];

interface DaysMeta {
  /** The 4th element is absent in stores written before the settle rule. */
  partitions: Record<string, PartitionRow>;
  quality: unknown;
}

export function compressDays(days: string[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const d of days) {
    const last = out[out.length - 1];
    if (last && dayNumber(last[0]) + last[1] === dayNumber(d)) last[1]++;
    else out.push([d, 1]);
  }
  return out;
}

export function expandDays(runs: Array<[string, number]>): string[] {
  const out: string[] = [];
  for (const [first, n] of runs) {
    const f = dayNumber(first);
    for (let i = 0; i < n; i++) out.push(dayFromNumber(f + i));
  }
  return out;
}

/* --------------------------------------------------------------- platform -- */

type Props = GoogleAppsScript.Properties.Properties;

function props(): Props {
  return PropertiesService.getDocumentProperties();
}

/** The per-spreadsheet HMAC secret, created on first use. */
export function userKeySecret(p: Props = props()): string {
  let s = p.getProperty(SECRET_PROPERTY);
  if (!s) {
    s = (Utilities.getUuid() + Utilities.getUuid()).replace(/-/g, '');
    p.setProperty(SECRET_PROPERTY, s);
  }
  return s;
}

function zoneClock(tz: string): ZoneClock {
  return new ZoneClock(ms =>
    parseOffset(Utilities.formatDate(new Date(ms), tz, 'Z')),
  );
}

class DeadlineBudget implements Budget {
  constructor(
    private readonly deadline: number,
    private readonly clock: () => number,
  ) {}
  remaining(): number {
    return this.deadline - RESERVE_MS - this.clock();
  }
  allows(ms: number): boolean {
    return this.remaining() >= ms;
  }
}

/** The stores and services of one execution. */
class Env {
  readonly ss = SpreadsheetApp.getActiveSpreadsheet();
  readonly blobs = new SheetBlobStore(this.ss);
  readonly facts = new DailyFactStore(this.ss);
  readonly archive = new ArchiveStore(this.ss);
  readonly props = props();
  readonly warnings: string[] = [];
  private meta: DaysMeta | null = null;

  daysMeta(): DaysMeta {
    if (!this.meta) {
      const text = this.blobs.get(DAYS_BLOB);
      this.meta = text
        ? (JSON.parse(text) as DaysMeta)
        : {partitions: {}, quality: []};
    }
    return this.meta;
  }

  saveDaysMeta(): void {
    this.blobs.put(DAYS_BLOB, JSON.stringify(this.daysMeta()));
  }

  watermark(source: string): string | null {
    return this.props.getProperty(WATERMARK_PREFIX + source);
  }

  state(source: string): SourceState {
    const partitions: SourceState['partitions'] = new Map();
    for (const [d, row] of Object.entries(this.daysMeta().partitions))
      partitions.set(d, partitionState(row));
    return {watermark: this.watermark(source), partitions};
  }
}

function partitionState(row: PartitionRow): PartitionState {
  const [p, at, rows, settled] = row;
  return {
    partial: p === 1,
    fetchedAt: at,
    rows,
    ...(settled === undefined ? {} : {settled: settled === 1}),
  };
}

/** The same stored rows and fetch, now marked partial (pulled again by the next run). */
function asPartial(row: PartitionRow): PartitionRow {
  return row.length > 3 ? [1, row[1], row[2], row[3]] : [1, row[1], row[2]];
}

function sourceContext(
  ctx: IngestPhaseContext & {now: number},
  env: Env,
  quality: QualityLog,
): SourceContext {
  const clock = () => Date.now();
  const secret = userKeySecret(env.props);
  return {
    settings: ctx.settings,
    now: ctx.now,
    clock,
    budget: new DeadlineBudget(ctx.deadline, clock),
    zone: zoneClock(ctx.settings.timeZone),
    // Signed in-script: the same bytes as Utilities.computeHmacSha256Signature, without
    // a service call per user.
    keys: new Pseudonymizer(hmacSha256(secret)),
    quality,
    blobs: env.blobs,
    warn: m => env.warnings.push(m),
    sleep: ms => Utilities.sleep(ms),
    random: Math.random,
  };
}

/* -------------------------------------------------------------- the phase -- */

function loadRun(env: Env): RunState | null {
  const text = env.props.getProperty(RUN_PROPERTY);
  if (!text) return null;
  try {
    const run = JSON.parse(text) as RunState;
    return run.v === 1 ? run : null;
  } catch {
    return null;
  }
}

function saveRun(env: Env, run: RunState): void {
  env.props.setProperty(RUN_PROPERTY, JSON.stringify(run));
}

function loadResume(env: Env, run: RunState): Resume | null {
  if (!run.resume) return null;
  const stage = run.resume.stage ? env.blobs.get(run.resume.stage) : null;
  if (run.resume.stage && stage === null) return null; // lost stage: start the unit over
  return {cursor: run.resume.cursor, stage};
}

/** Saves a paused unit: stage blob first, then the checkpoint naming it. */
function pause(
  env: Env,
  run: RunState,
  resume: Resume,
  stalled: string | undefined,
): void {
  run.seq++;
  let stageKey: string | null = null;
  if (resume.stage !== null) {
    stageKey = `stage:${run.id}:${run.seq}`;
    env.blobs.put(stageKey, resume.stage);
  }
  run.resume = {cursor: resume.cursor, stage: stageKey};
  run.stalls = stalled ? run.stalls + 1 : 0;
  if (stalled) env.warnings.push(stalled);
  saveRun(env, run);
  for (const k of env.blobs.keys('stage:'))
    if (k !== stageKey) env.blobs.delete(k);
}

function clearStages(env: Env): void {
  for (const k of env.blobs.keys('stage:')) env.blobs.delete(k);
}

function localToday(zone: ZoneClock, now: number): string {
  return zone.localDay(now);
}

/** The UTC ms of the local midnight ending a day, for the settle rule. */
function dayEndIn(zone: ZoneClock): (day: string) => number {
  return day => zone.window(day).endMs;
}

/**
 * Runs as much of the ingest phase as the budget allows and returns. Call it again (in a
 * later execution) until `done`.
 */
export function runIngestPhase(input: IngestPhaseContext): IngestPhaseResult {
  const ctx = {...input, now: input.now ?? Date.now()};
  const env = new Env();
  const quality = new QualityLog();
  const sctx = sourceContext(ctx, env, quality);
  const source = sourceFor(ctx.settings);
  const callsOf = () =>
    source instanceof ApiSource ? source.caller(sctx).stats.calls : 0;
  const daysWritten: string[] = [];
  let run = loadRun(env);
  if (!run) {
    if (ctx.runId && env.props.getProperty(LAST_RUN_PROPERTY) === ctx.runId) {
      return {
        done: true,
        daysWritten,
        remainingDays: 0,
        phase: 'done',
        warnings: [],
        serviceCalls: 0,
        rowsWritten: 0,
        runId: ctx.runId,
      };
    }
    const lastDay = addDays(localToday(sctx.zone, ctx.now), -1);
    const days = source.planDays(ctx.settings, env.state(source.name), {
      lastDay,
      now: ctx.now,
      dayEnd: dayEndIn(sctx.zone),
    });
    if (source instanceof ApiSource) {
      const gone = source.unavailableDays(ctx.settings, lastDay, ctx.now);
      if (gone) {
        env.warnings.push(
          `${gone} day(s) before ${source.earliestDay(ctx.now)} are past the Reports API's ` +
            'retention and cannot be ingested from the API.',
        );
        quality.add('', 'beyond_retention', 'api:usage', gone);
      }
    }
    run = {
      v: 1,
      id: ctx.runId ?? `run-${ctx.now}`,
      source: source.name,
      startedAt: ctx.now,
      lastDay,
      days: compressDays(days),
      next: 0,
      phase: 'prepare',
      resume: null,
      seq: 0,
      stalls: 0,
      restarts: 0,
      written: 0,
    };
    clearStages(env);
    saveRun(env, run);
  }
  const days = expandDays(run.days);
  const result = (done: boolean): IngestPhaseResult => ({
    done,
    daysWritten,
    remainingDays: Math.max(0, days.length - run!.next),
    phase: done ? 'done' : run!.phase,
    warnings: env.warnings,
    serviceCalls: callsOf(),
    rowsWritten: env.facts.rowsWritten,
    runId: run!.id,
  });
  const recordGlobal = () => {
    if (quality.size) {
      const meta = env.daysMeta();
      const log = QualityLog.fromJSON(meta.quality);
      log.clearDate('');
      log.merge(quality);
      meta.quality = log.toJSON();
      env.saveDaysMeta();
    }
  };

  if (run.phase === 'prepare') {
    let step: Step<void>;
    try {
      step = source.prepare(sctx, days, loadResume(env, run));
    } catch (e) {
      throw fatal(e);
    }
    if (!step.done) {
      const stalled = (step as {stalled?: string}).stalled;
      pause(env, run, step.resume, stalled);
      if (run.stalls >= MAX_STALLS) {
        throw new Error(`Ingest cannot read the Directory: ${stalled}`);
      }
      return result(false);
    }
    recordGlobal();
    run.phase = 'days';
    run.resume = null;
    saveRun(env, run);
    clearStages(env);
  }

  if (run.phase === 'days') {
    while (run.next < days.length) {
      if (!sctx.budget.allows(1_000)) {
        saveRun(env, run);
        return result(false);
      }
      const day = days[run.next];
      const resume = loadResume(env, run);
      // A day started afresh is fetched from now; a resumed one since it began.
      if (!resume || run.dayAt === undefined) run.dayAt = ctx.now;
      let step: Step<DayOutput>;
      try {
        step = source.ingestDay(sctx, day, resume);
      } catch (e) {
        if (
          !(e instanceof ServiceError) ||
          e.info.code === 403 ||
          e.info.code === 401
        ) {
          throw fatal(e);
        }
        // A request the API refuses (an expired page token, a vanished resource):
        // start the day over once, then leave it for the next run.
        const log = new QualityLog();
        log.add(
          day,
          'service_error',
          `${source.name}`,
          1,
          `HTTP ${e.info.code}`,
          e.message.slice(0, 120),
        );
        if (run.resume && run.restarts < 1) {
          run.restarts++;
          run.resume = null;
          saveRun(env, run);
          continue;
        }
        skipDay(env, run, day, log);
        continue;
      }
      if (!step.done) {
        const stalled = (step as {stalled?: string}).stalled;
        pause(env, run, step.resume, stalled);
        if (run.stalls >= MAX_STALLS) {
          const log = new QualityLog();
          log.add(
            day,
            'service_error',
            source.name,
            1,
            undefined,
            stalled ?? '',
          );
          skipDay(env, run, day, log);
        }
        return result(false);
      }
      const fetchedAt = Math.min(step.value.fetchedAt ?? run.dayAt, run.dayAt);
      const settled = isSettled(
        day,
        fetchedAt,
        ctx.settings.trailingDays,
        dayEndIn(sctx.zone),
      );
      commitDay(env, source.name, step.value, fetchedAt, settled);
      daysWritten.push(day);
      run.next++;
      run.resume = null;
      run.stalls = 0;
      run.restarts = 0;
      run.written++;
      saveRun(env, run);
      clearStages(env);
    }
    archiveOldDays(
      env.facts,
      env.archive,
      addDays(run.lastDay, -(ctx.settings.trailingDays + 7)),
    );
    run.phase = 'weeks';
    saveRun(env, run);
  }

  if (run.phase === 'weeks') {
    const finished = closeWeeks(
      env,
      ctx.settings,
      run,
      sctx.budget,
      source,
      sctx,
    );
    if (!finished) {
      saveRun(env, run);
      return result(false);
    }
    env.props.setProperty(LAST_RUN_PROPERTY, run.id);
    env.props.setProperty(LAST_SOURCE_PROPERTY, run.source);
    env.props.deleteProperty(RUN_PROPERTY);
    return result(true);
  }
  return result(false);
}

function fatal(e: unknown): Error {
  if (
    e instanceof ServiceError &&
    (e.info.code === 403 || e.info.code === 401)
  ) {
    return new Error(
      `${e.label} was refused (HTTP ${e.info.code}). The account running Classroom Pulse ` +
        'needs the Reports, Users (read) and Classroom admin privileges.',
    );
  }
  return e instanceof Error ? e : new Error(String(e));
}

function skipDay(env: Env, run: RunState, day: string, log: QualityLog): void {
  const meta = env.daysMeta();
  const q = QualityLog.fromJSON(meta.quality);
  q.merge(log);
  meta.quality = q.toJSON();
  const old = meta.partitions[day];
  meta.partitions[day] = old ? asPartial(old) : [1, 0, 0, 0];
  env.saveDaysMeta();
  run.next++;
  run.resume = null;
  run.stalls = 0;
  run.restarts = 0;
  saveRun(env, run);
  clearStages(env);
}

/** Writes a finished day: facts, user sets, findings and the partition index. */
function commitDay(
  env: Env,
  source: string,
  out: DayOutput,
  now: number,
  settled: boolean,
): void {
  const meta = env.daysMeta();
  const had = meta.partitions[out.day];
  const empty = out.facts.length === 0 && out.partial;
  if (!empty) {
    env.facts.replaceDay(out.day, [...out.facts].sort(compareFacts));
    if (out.userSets?.size) {
      env.blobs.put(`users:${out.day}`, serializeUserSets(out.userSets));
    }
    // A re-fetched day of a closed week reopens it; the weeks phase closes it again.
    const week = `week:${isoWeek(out.day).weekStart}`;
    if (env.blobs.keys(week).length) env.blobs.delete(week);
  }
  const q = QualityLog.fromJSON(meta.quality);
  q.clearDate(out.day);
  q.merge(out.quality);
  meta.quality = q.toJSON();
  meta.partitions[out.day] = empty
    ? had
      ? asPartial(had)
      : [1, now, 0, settled ? 1 : 0]
    : [out.partial ? 1 : 0, now, out.facts.length, settled ? 1 : 0];
  env.saveDaysMeta();
  if (!out.partial) {
    const wm = env.watermark(source);
    if (!wm || out.day > wm)
      env.props.setProperty(WATERMARK_PREFIX + source, out.day);
  }
}

/** Stores weekly facts of weeks whose days are all final; false when out of budget. */
function closeWeeks(
  env: Env,
  settings: Settings,
  run: RunState,
  budget: Budget,
  source: Source,
  sctx: SourceContext,
): boolean {
  const meta = env.daysMeta();
  const trailing = settings.trailingDays;
  const dayEnd = dayEndIn(sctx.zone);
  // A week closes when it is over and settled, and each stored day's numbers are final:
  // fetched complete after the day settled (the same rule that plans the re-fetches).
  const final = (d: string) => {
    const p = meta.partitions[d];
    if (!p) return true; // a day before the start date or past retention
    return isFinalPartition(d, partitionState(p), trailing, dayEnd);
  };
  const closed = new Set(env.blobs.keys('week:').map(k => k.slice(5)));
  const setDays = env.blobs.keys('users:').map(k => k.slice(6));
  const stored = Object.entries(meta.partitions)
    .filter(([, [, , rows]]) => rows > 0)
    .map(([d]) => d);
  const weeks = [...new Set(stored.map(d => isoWeek(d).weekStart))].sort();
  for (const ws of weeks) {
    const days = weekDays(ws);
    if (closed.has(ws)) continue;
    if (days[6] > run.lastDay) continue;
    if (!isSettled(days[6], sctx.now, trailing, dayEnd)) continue;
    if (!days.every(final)) continue;
    if (!budget.allows(2_000)) return false;
    let weekly: WeeklyFact[];
    if (source.weeklyFacts) {
      const step = source.weeklyFacts(sctx, ws);
      if (!step.done) return false;
      weekly = step.value;
    } else {
      weekly = weeklyFromStore(env, settings, days);
    }
    env.blobs.put(`week:${ws}`, JSON.stringify(weekly));
  }
  const dropBefore = addDays(run.lastDay, -USER_SET_DAYS);
  for (const d of setDays) {
    if (d < dropBefore && closed.has(isoWeek(d).weekStart))
      env.blobs.delete(`users:${d}`);
  }
  return true;
}

function weeklyFromStore(
  env: Env,
  settings: Settings,
  days: string[],
): WeeklyFact[] {
  // Only the week's rows: the tab is sorted by day, so they are one block near its end.
  const facts = env.facts.readDays(days[0], days[6]);
  const have = new Set(facts.map(f => f.date));
  const meta = env.daysMeta();
  const moved = days.filter(
    d => !have.has(d) && (meta.partitions[d]?.[2] ?? 0) > 0,
  );
  if (moved.length) {
    // Days moved to the archive before their week closed (a long backfill).
    const set = new Set(moved);
    facts.push(...archived(env).filter(f => set.has(f.date)));
    facts.sort(compareFacts);
  }
  const sets = new Map<string, DayUserSets>();
  for (const d of days) {
    const text = env.blobs.get(`users:${d}`);
    if (text !== null) sets.set(d, deserializeUserSets(text));
  }
  return buildWeeklyFacts(facts, sets, {
    calendar: settings.calendar,
    schoolDaysOnly: false,
  });
}

const dailyCache = new WeakMap<Env, DailyFact[]>();
const archiveCache = new WeakMap<Env, DailyFact[]>();

/** The archive's facts, read once per execution. */
function archived(env: Env): DailyFact[] {
  let all = archiveCache.get(env);
  if (!all) {
    all = env.archive.readAll();
    archiveCache.set(env, all);
  }
  return all;
}

function readDaily(env: Env): DailyFact[] {
  let all = dailyCache.get(env);
  if (!all) {
    const tidy = env.facts.readAll();
    const tidyDays = new Set(tidy.map(f => f.date));
    const old = archived(env).filter(f => !tidyDays.has(f.date));
    all = [...old, ...tidy].sort(compareFacts);
    dailyCache.set(env, all);
  }
  return all;
}

/** The stored daily facts of `since` and later: the tab's rows, the archive only if needed. */
function readDailySince(env: Env, since: string): DailyFact[] {
  const tidy = env.facts.readDays(since, '9999-12-31');
  if (!env.facts.startsAtOrAfter(since)) return tidy;
  const tidyDays = new Set(tidy.map(f => f.date));
  const old = archived(env).filter(
    f => f.date >= since && !tidyDays.has(f.date),
  );
  return old.length ? [...old, ...tidy].sort(compareFacts) : tidy;
}

/* ------------------------------------------------------------- read side -- */

/**
 * The order readFacts gives weekly facts: by week, then school (a stable sort, so each
 * school's rows keep their stored order).
 */
export function byWeekThenSchool(a: WeeklyFact, b: WeeklyFact): number {
  if (a.weekStart !== b.weekStart) return a.weekStart < b.weekStart ? -1 : 1;
  return a.schoolId < b.schoolId ? -1 : a.schoolId > b.schoolId ? 1 : 0;
}

/**
 * Every stored daily fact (archive and tab) and the weekly facts: closed weeks as stored,
 * open weeks computed now from their days' user sets.
 */
export function readFacts(
  settings?: Settings,
  opts: {
    /** Only the daily facts of this day and later (weekly facts are all read). */
    dailySince?: string;
  } = {},
): {
  daily: DailyFact[];
  weekly: WeeklyFact[];
} {
  const env = new Env();
  const since = opts.dailySince;
  const daily = since ? readDailySince(env, since) : readDaily(env);
  const weekly: WeeklyFact[] = [];
  const closed = new Set<string>();
  for (const k of env.blobs.keys('week:')) {
    const text = env.blobs.get(k);
    if (!text) continue;
    closed.add(k.slice(5));
    for (const f of JSON.parse(text) as WeeklyFact[]) weekly.push(f);
  }
  // Open weeks: computed now from their days' facts and user sets (an open week that
  // began before the window is read whole).
  const open = new Map<string, DailyFact[]>();
  let openFacts = daily;
  if (since) {
    const early = Object.keys(env.daysMeta().partitions)
      .filter(d => d < since && !closed.has(isoWeek(d).weekStart))
      .sort();
    if (early.length) openFacts = readDailySince(env, early[0]);
  }
  // Facts come a day at a time: one week lookup per date, not per fact.
  let lastDate = '';
  let ws = '';
  for (const f of openFacts) {
    if (f.date !== lastDate) {
      lastDate = f.date;
      ws = isoWeek(f.date).weekStart;
    }
    if (closed.has(ws)) continue;
    const list = open.get(ws);
    if (list) list.push(f);
    else open.set(ws, [f]);
  }
  for (const [ws, facts] of open) {
    const sets = new Map<string, DayUserSets>();
    for (const d of weekDays(ws)) {
      const text = env.blobs.get(`users:${d}`);
      if (text !== null) sets.set(d, deserializeUserSets(text));
    }
    weekly.push(
      ...buildWeeklyFacts(facts, sets, {
        calendar: settings?.calendar ?? null,
        schoolDaysOnly: false,
      }),
    );
  }
  weekly.sort(byWeekThenSchool);
  return {daily, weekly};
}

/**
 * Accounts per org unit as the API source's last Directory read counted them (Setup shows them
 * without reading every user again), or null when no snapshot keeps them.
 */
export function readDirectoryCensus(): {
  builtAt: number;
  census: Record<string, [number, number]>;
} | null {
  const snap = new Env().blobs.get(SNAPSHOT_BLOB);
  return snap ? Snapshot.censusOf(snap) : null;
}

/**
 * The stored snapshot's first line (see Snapshot.head), or null when none is stored: only
 * its first pieces are joined, not the megabytes of users after it.
 */
function snapshotHead(env: Env): SnapshotHead | null {
  const parts = env.blobs.getParts(SNAPSHOT_BLOB);
  if (!parts) return null;
  let text = '';
  for (const p of parts) {
    text += p;
    if (p.includes('\n')) break;
  }
  return text ? Snapshot.head(text) : null;
}

/** Data-quality findings: district-wide (Directory, Classroom) and per day. */
export function readQuality(): DataQualityRow[] {
  const env = new Env();
  const log = new QualityLog();
  const head = snapshotHead(env);
  if (head) log.merge(head.quality);
  const hist = env.blobs.get(HISTORY_BLOB);
  if (hist) log.merge(ClassroomHistory.deserialize(hist).quality);
  log.merge(QualityLog.fromJSON(env.daysMeta().quality));
  return log.rows();
}

/**
 * The schools as the source of the settings (or of the last finished run) last read them
 * from the Directory (names are org unit names).
 */
export function readSchools(settings?: Settings): School[] {
  const env = new Env();
  const name =
    settings?.source ?? env.props.getProperty(LAST_SOURCE_PROPERTY) ?? 'api';
  if (name === 'api') {
    return snapshotHead(env)?.schools ?? [];
  }
  const base = settings ?? {
    ...defaultSettings(),
    source: name as Settings['source'],
  };
  const now = Date.now();
  const source = sourceFor(base);
  return source.schools(
    sourceContext({settings: base, now, deadline: now}, env, new QualityLog()),
  );
}

/** Stored partitions: day -> {partial, fetchedAt, rows}. */
export function readPartitions(): Array<{
  day: string;
  partial: boolean;
  fetchedAt: number;
  rows: number;
}> {
  const env = new Env();
  return Object.entries(env.daysMeta().partitions)
    .map(([day, [p, at, rows]]) => ({
      day,
      partial: p === 1,
      fetchedAt: at,
      rows,
    }))
    .sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** Forgets the run in progress (the next call plans a new run); stored facts stay. */
export function resetIngestRun(): void {
  const env = new Env();
  env.props.deleteProperty(RUN_PROPERTY);
  clearStages(env);
}
