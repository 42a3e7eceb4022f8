/**
 * The LearnPlatform source: a folder in the LearnPlatform COVID-19 data set format (Drive
 * in Apps Script, a directory locally) as district x day DailyFacts, so that forecasting,
 * anomaly detection and correlation run on LearnPlatform series as on Google data.
 *
 * prepare: the resumable import (importer.ts), checkpointed in the hidden store; each
 * execution reads district files until its budget is spent, a finished import is not read
 * again (a different folder starts over).
 * ingestDay: the day's district totals (facts.ts) from the checkpointed aggregates.
 * The data set's days are known only once imported, so the plan runs from the start date
 * (2020-01-01, the published data set's first day, when none is set) to yesterday; days
 * without data are empty and cost no write.
 */
import type {School, Settings} from '../../core/types';
import {dayRange} from '../../clean/dates';
import {QualityLog} from '../../clean/quality';
import {
  needsFetch,
  registerSource,
  type BlobStore,
  type DayOutput,
  type PlanOptions,
  type Source,
  type SourceContext,
  type SourceState,
  type Step,
} from '../source';
import {DriveLearnPlatformFolder} from './drive';
import {districtDailyFacts, districtSchools} from './facts';
import {
  datasetOf,
  runImportStep,
  type CheckpointStore,
  type ImportState,
  type LearnPlatformDataset,
  type LearnPlatformFiles,
} from './importer';
import type {DailyFact} from '../../core/types';

export const IMPORT_BLOB = 'learnplatform:import';
/** First day of the published LearnPlatform COVID-19 data set. */
export const PUBLISHED_START = '2020-01-01';

/** The hidden store as the importer's checkpoint. */
export function blobCheckpoint(
  blobs: BlobStore,
  key = IMPORT_BLOB,
): CheckpointStore {
  return {
    load: () => blobs.get(key),
    save: json => blobs.put(key, json),
    clear: () => blobs.delete(key),
  };
}

export class LearnPlatformSource implements Source {
  readonly name = 'learnplatform';
  private dataset: LearnPlatformDataset | null = null;
  private byDay: Map<string, DailyFact[]> | null = null;

  constructor(
    private readonly files: (settings: Settings) => LearnPlatformFiles = s =>
      new DriveLearnPlatformFolder(s.learnPlatformFolderId),
  ) {}

  planDays(settings: Settings, state: SourceState, opt: PlanOptions): string[] {
    const from = settings.startDate || PUBLISHED_START;
    if (from > opt.lastDay) return [];
    // The same settle rule as the other sources: a re-exported folder can still change
    // the latest days, and a week closes only on days read after they settled.
    return dayRange(from, opt.lastDay).filter(d =>
      needsFetch(d, state.partitions.get(d), settings.trailingDays, opt),
    );
  }

  prepare(ctx: SourceContext): Step<void> {
    const progress = runImportStep(
      this.files(ctx.settings),
      blobCheckpoint(ctx.blobs),
      {
        budgetMs: Math.max(0, ctx.budget.remaining()),
        now: ctx.clock,
      },
    );
    if (!progress.done) {
      ctx.warn(
        `LearnPlatform import: ${progress.filesDone} of ${progress.filesTotal} district files read; continuing.`,
      );
      return {
        done: false,
        resume: {cursor: {filesDone: progress.filesDone}, stage: null},
      };
    }
    this.useDataset(progress.dataset!);
    const ds = progress.dataset!;
    const total = ds.warningCounts.reduce((s, w) => s + w.count, 0);
    if (total) {
      ctx.quality.add(
        '',
        'malformed_record',
        'learnplatform',
        total,
        undefined,
        `Rows or values of the LearnPlatform files that could not be used as is (${ds.warningCounts.length} kinds); see the import warnings.`,
      );
      for (const w of ds.warnings.slice(0, 5)) {
        ctx.warn(
          `LearnPlatform ${w.file}${w.line !== null ? ` line ${w.line}` : ''}: ${w.message}`,
        );
      }
    }
    return {done: true, value: undefined};
  }

  private useDataset(ds: LearnPlatformDataset): void {
    this.dataset = ds;
    this.byDay = new Map();
    for (const f of districtDailyFacts(ds)) {
      const list = this.byDay.get(f.date) ?? [];
      list.push(f);
      this.byDay.set(f.date, list);
    }
  }

  private load(ctx: SourceContext): LearnPlatformDataset | null {
    if (!this.dataset) {
      const text = ctx.blobs.get(IMPORT_BLOB);
      if (!text) return null;
      const state = JSON.parse(text) as ImportState;
      if (state.pending.length) return null;
      this.useDataset(datasetOf(state));
    }
    return this.dataset;
  }

  ingestDay(ctx: SourceContext, day: string): Step<DayOutput> {
    if (!this.load(ctx)) {
      throw new Error(
        'the LearnPlatform source ingests days only after the import (prepare)',
      );
    }
    return {
      done: true,
      value: {
        day,
        facts: this.byDay!.get(day) ?? [],
        // The data set has no user-level data: weekly distinct users stay unknown
        // (lower bounds flagged imputed); an empty set marks the day as ingested.
        userSets: new Map(),
        partial: false,
        quality: new QualityLog(),
      },
    };
  }

  schools(ctx: SourceContext): School[] {
    const ds = this.load(ctx);
    return ds ? districtSchools(ds) : [];
  }

  /** The imported data set (after prepare), for the equity analysis. */
  importedDataset(ctx: SourceContext): LearnPlatformDataset | null {
    return this.load(ctx);
  }
}

registerSource('learnplatform', () => new LearnPlatformSource());
