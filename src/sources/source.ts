/**
 * The contract between the ingest phase and a data source (the Admin SDK / Classroom API
 * source, the BigQuery log-export source, ...).
 *
 * A source turns one day partition (a date in the district's time zone) into canonical
 * DailyFact rows. Ingest is resumable: a source works until the budget says stop, then
 * hands back a cursor (small, saved in PropertiesService) and optionally a stage (large,
 * saved in the hidden store tab); the next execution passes both back and the source
 * continues where it stopped. Everything a source returns for a day replaces what was
 * stored for that day before, so re-running a day never duplicates it.
 */
import type {DailyFact, School, Settings, WeeklyFact} from '../core/types';
import type {Pseudonymizer} from '../core/privacy';
import type {QualityLog} from '../clean/quality';
import type {ZoneClock} from '../clean/timezone';
import type {DayUserSets} from '../metrics/weekly';

/** Thrown by a service call when the execution's budget cannot cover it. */
export class BudgetExhausted extends Error {
  constructor(readonly label: string) {
    super(`execution budget exhausted before ${label}`);
    this.name = 'BudgetExhausted';
  }
}

/** Thrown when a service keeps failing with retryable errors; the work resumes later. */
export class RetryLater extends Error {
  constructor(
    readonly label: string,
    readonly code: number | null,
  ) {
    super(`${label} kept failing (HTTP ${code ?? '?'}); will resume later`);
    this.name = 'RetryLater';
  }
}

/** Time left in the current execution. */
export interface Budget {
  /** Milliseconds before the execution must have saved its state. */
  remaining(): number;
  /** True when work expected to take `ms` still leaves the reserve for saving state. */
  allows(ms: number): boolean;
}

/** Large, opaque state of a paused day or preparation step (kept in the hidden store). */
export interface Resume {
  /** JSON-serialisable, under 8 KB (kept in PropertiesService). */
  cursor: unknown;
  /** Free text of any size, or null. */
  stage: string | null;
}

export type Step<T> = {done: true; value: T} | {done: false; resume: Resume};

/** A day partition as a source delivers it. */
export interface DayOutput {
  day: string;
  facts: DailyFact[];
  /**
   * Sorted short user keys per school x role x app, for exact weekly distinct counts.
   * A source that computes weekly facts itself (weeklyFacts) may leave this out.
   */
  userSets?: DayUserSets;
  /** The source reported the day as incomplete; it is pulled again on later runs. */
  partial: boolean;
  /** Findings about this day (replace earlier findings for the same day and source). */
  quality: QualityLog;
  /**
   * Epoch ms the source read the day's data, when earlier than the unit's start (a batch
   * read for several days); the re-fetch policy compares it with the day's settle time.
   */
  fetchedAt?: number;
}

/** What the ingest phase records about one stored day partition. */
export interface PartitionState {
  /** Stored incomplete: lag, a skipped or stalled day, a partial usage report. */
  partial: boolean;
  /** Epoch ms the fetch that produced the stored rows began (0: never fetched). */
  fetchedAt: number;
  /** Rows stored for the day (0: nothing stored, e.g. a skipped day). */
  rows?: number;
  /**
   * The fetch began at or after the day settled, as judged when it was committed (saves
   * a time-zone lookup per stored day and run); computed from fetchedAt when absent.
   */
  settled?: boolean;
}

/** What the ingest phase knows about stored partitions, for planning. */
export interface SourceState {
  /** Latest day stored complete, or null. */
  watermark: string | null;
  /** Stored days: partial, when fetched, rows. */
  partitions: Map<string, PartitionState>;
}

/** Services a source gets from the ingest phase (all Apps Script access goes through them). */
export interface SourceContext {
  settings: Settings;
  /** Epoch ms at the start of this execution. */
  now: number;
  /** The simulated or real clock (epoch ms). */
  clock: () => number;
  budget: Budget;
  zone: ZoneClock;
  keys: Pseudonymizer;
  /** Findings not tied to a day partition (date ''). */
  quality: QualityLog;
  /** The hidden store: named text blobs of any size. */
  blobs: BlobStore;
  /** A human-readable warning for the run log. */
  warn(message: string): void;
  sleep(ms: number): void;
  random(): number;
}

export interface BlobStore {
  get(key: string): string | null;
  /**
   * get's text as the consecutive pieces it is stored in (their join is get's value),
   * for a reader of megabytes that need not build one string.
   */
  getParts?(key: string): string[] | null;
  put(key: string, text: string): void;
  delete(key: string): void;
  keys(prefix: string): string[];
}

export interface PlanOptions {
  /** Yesterday in the district's time zone at planning time. */
  lastDay: string;
  now: number;
  /**
   * UTC ms of the local midnight that ends `day` in the district's time zone. Without it,
   * the latest instant any zone's day can end (UTC midnight + 12 h) is assumed, which
   * only ever settles a day later, never earlier.
   */
  dayEnd?: (day: string) => number;
}

const HOUR_MS = 3_600_000;

/**
 * When a day has settled: the end of the day in the district zone plus `trailingDays` x
 * 24 h, after which Google's late-delivered events are no longer expected (the reason the
 * trailing window exists). Bounds first (a local day ends between UTC midnight - 14 h and
 * + 12 h), so the zone is consulted only near the boundary.
 */
export function settledAt(
  day: string,
  trailingDays: number,
  dayEnd?: (day: string) => number,
): number {
  const utcEnd = Date.parse(`${day}T00:00:00Z`) + 24 * HOUR_MS;
  const lag = trailingDays * 24 * HOUR_MS;
  return (dayEnd ? dayEnd(day) : utcEnd + 12 * HOUR_MS) + lag;
}

/** True when `at` is at or after the settle time of `day` (cheap bounds before the zone). */
export function isSettled(
  day: string,
  at: number,
  trailingDays: number,
  dayEnd?: (day: string) => number,
): boolean {
  const utcEnd = Date.parse(`${day}T00:00:00Z`) + 24 * HOUR_MS;
  const lag = trailingDays * 24 * HOUR_MS;
  if (at >= utcEnd + 12 * HOUR_MS + lag) return true;
  if (at < utcEnd - 14 * HOUR_MS + lag) return false;
  return at >= settledAt(day, trailingDays, dayEnd);
}

/**
 * The re-fetch policy shared by the sources (see docs/ingest.md, Day partitions):
 * - a day never stored (or stored without rows: skipped, no data yet) is fetched;
 * - a stored day whose last fetch began before it settled is fetched once it has settled;
 * - a day fetched after it settled is fetched again only while it is still partial
 *   (a skipped or stalled day, a partial usage report).
 * So a day is fetched at most twice in the ordinary course (when new, when settled),
 * and its final numbers always come from a fetch made after its settle time.
 */
export function needsFetch(
  day: string,
  p: PartitionState | undefined,
  trailingDays: number,
  opt: PlanOptions,
): boolean {
  if (!p || (p.partial && !p.rows)) return true;
  if (!fetchedSettled(day, p, trailingDays, opt.dayEnd))
    return isSettled(day, opt.now, trailingDays, opt.dayEnd);
  return p.partial;
}

/** True when a stored day holds its final numbers (fetched complete after it settled). */
export function isFinalPartition(
  day: string,
  p: PartitionState | undefined,
  trailingDays: number,
  dayEnd?: (day: string) => number,
): boolean {
  return (
    p !== undefined &&
    !p.partial &&
    fetchedSettled(day, p, trailingDays, dayEnd)
  );
}

function fetchedSettled(
  day: string,
  p: PartitionState,
  trailingDays: number,
  dayEnd?: (day: string) => number,
): boolean {
  return p.settled ?? isSettled(day, p.fetchedAt, trailingDays, dayEnd);
}

export interface Source {
  /** 'api', 'bigquery', ... (also the name of its watermark). */
  readonly name: string;
  /** Days this run (re)ingests, in the order to ingest them. */
  planDays(settings: Settings, state: SourceState, opt: PlanOptions): string[];
  /** Work that must precede the days (Directory snapshot, rosters, ...); resumable. */
  prepare(
    ctx: SourceContext,
    days: string[],
    resume: Resume | null,
  ): Step<void>;
  /** One day partition; resumable. */
  ingestDay(
    ctx: SourceContext,
    day: string,
    resume: Resume | null,
  ): Step<DayOutput>;
  /** Schools known to the source (for enrolment and names). */
  schools(ctx: SourceContext): School[];
  /**
   * Weekly facts for one ISO week (Monday `weekStart`) when the source counts distinct
   * users itself (BigQuery does); otherwise the ingest phase builds them from user sets.
   */
  weeklyFacts?(ctx: SourceContext, weekStart: string): Step<WeeklyFact[]>;
}

export type SourceFactory = (settings: Settings) => Source;

const registry = new Map<string, SourceFactory>();

/** Registers a source under the name Settings.source selects it by. */
export function registerSource(name: string, factory: SourceFactory): void {
  registry.set(name, factory);
}

export function sourceFor(settings: Settings): Source {
  const f = registry.get(settings.source);
  if (!f) {
    throw new Error(
      `no ingest source "${settings.source}" (known: ${[...registry.keys()].join(', ') || 'none'})`,
    );
  }
  return f(settings);
}

export function registeredSources(): string[] {
  return [...registry.keys()];
}
