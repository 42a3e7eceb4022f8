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
}

/** What the ingest phase knows about stored partitions, for planning. */
export interface SourceState {
  /** Latest day stored complete, or null. */
  watermark: string | null;
  /** Stored days and whether they were partial. */
  partitions: Map<string, {partial: boolean; fetchedAt: number}>;
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
  put(key: string, text: string): void;
  delete(key: string): void;
  keys(prefix: string): string[];
}

export interface PlanOptions {
  /** Yesterday in the district's time zone at planning time. */
  lastDay: string;
  now: number;
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
