/**
 * The resumable import of a LearnPlatform-format folder. Each call works through district
 * files until its time budget is spent, then checkpoints; the next execution resumes where
 * it stopped. A district file is the unit of work: it is read in full and committed at once,
 * so a run killed mid-file repeats that file and never counts a row twice. A re-run over a
 * finished import re-reads nothing.
 * Where the bytes come from (Drive, a local directory, a test) is a LearnPlatformFiles.
 * Pure: no Apps Script or Node globals (the clock is injected).
 */
import {InputError} from '../../core/errors';
import {CsvReader} from './csv';
import {
  Aggregates,
  DistrictFileAccumulator,
  emptyAggregates,
} from './aggregate';
import {normaliseId} from './fields';
import {District, Product, parseDistricts, parseProducts} from './metadata';
import {ImportWarning, WarningLog, WarningSummary} from './warnings';

export interface EngagementFileRef {
  /** Path shown in warnings, e.g. `engagement_data/1000.csv`. */
  name: string;
  /** Opaque handle for readEngagement (a Drive file id, a local path). */
  ref: string;
}

export interface LearnPlatformFiles {
  /** A label for the folder (checked on resume: a checkpoint of another folder is discarded). */
  describe(): string;
  /** Whole text of `products_info.csv` / `districts_info.csv`, or null when absent. */
  readMetadata(
    kind: 'products' | 'districts',
  ): {name: string; text: string} | null;
  /** Every `engagement_data/<district_id>.csv` (any sub-folder), in a stable order. */
  listEngagementFiles(): EngagementFileRef[];
  /** Streams one engagement file's text in chunks of any size. */
  readEngagement(
    file: EngagementFileRef,
    onChunk: (text: string) => void,
  ): void;
}

export interface CheckpointStore {
  load(): string | null;
  save(json: string): void;
  clear(): void;
}

export interface ImportStats {
  filesTotal: number;
  filesDone: number;
  filesSkipped: number;
  rowsRead: number;
  rowsImported: number;
  charsRead: number;
  executions: number;
  millis: number;
}

export interface ImportState {
  version: 1;
  source: string;
  products: Product[];
  districts: District[];
  pending: EngagementFileRef[];
  /** District ids whose file is committed. */
  done: string[];
  aggregates: Aggregates;
  warnings: {items: ImportWarning[]; counts: [string, number][]};
  stats: ImportStats;
}

export interface LearnPlatformDataset {
  products: Product[];
  districts: District[];
  aggregates: Aggregates;
  warnings: ImportWarning[];
  warningCounts: WarningSummary[];
  stats: ImportStats;
}

export interface ImportOptions {
  /** Milliseconds this execution may spend before it checkpoints. */
  budgetMs: number;
  /** Clock (ms); Date.now by default. */
  now?: () => number;
  /** Verbatim warnings kept per file and kind. */
  warningsPerFile?: number;
}

export interface ImportProgress {
  done: boolean;
  filesDone: number;
  filesTotal: number;
  /** Files committed in this execution. */
  filesThisRun: number;
  dataset: LearnPlatformDataset | null;
}

const FILE_RE = /(?:^|\/)([^/]+)\.csv$/i;

/** District id of an engagement file name (`engagement_data/1000.csv` -> `1000`). */
export function districtIdOfFile(name: string): string | null {
  const m = FILE_RE.exec(name);
  return m ? normaliseId(m[1]) : null;
}

export function startImport(
  files: LearnPlatformFiles,
  warningsPerFile = 20,
): ImportState {
  const log = new WarningLog(warningsPerFile);
  const p = files.readMetadata('products');
  const d = files.readMetadata('districts');
  if (!p) {
    throw new InputError(
      'products_info.csv',
      `not found in ${files.describe()}`,
    );
  }
  if (!d) {
    throw new InputError(
      'districts_info.csv',
      `not found in ${files.describe()}`,
    );
  }
  const products = parseProducts(p.text, p.name, log);
  const districts = parseDistricts(d.text, d.name, log);
  const pending: EngagementFileRef[] = [];
  const seen = new Map<string, string>();
  let skipped = 0;
  for (const f of files.listEngagementFiles()) {
    const id = districtIdOfFile(f.name);
    if (id === null) {
      log.add(
        f.name,
        null,
        'bad-file-name',
        'file name is not a district id (e.g. 1000.csv): file skipped',
      );
      skipped++;
      continue;
    }
    if (seen.has(id)) {
      log.add(
        f.name,
        null,
        'duplicate-file',
        `district ${id} already read from ${seen.get(id)}: file skipped`,
      );
      skipped++;
      continue;
    }
    seen.set(id, f.name);
    pending.push(f);
  }
  if (pending.length === 0) {
    log.add(
      files.describe(),
      null,
      'missing-file',
      'no engagement_data/<district_id>.csv files found',
    );
  }
  return {
    version: 1,
    source: files.describe(),
    products,
    districts,
    pending,
    done: [],
    aggregates: emptyAggregates(),
    warnings: log.toJSON(),
    stats: {
      filesTotal: pending.length,
      filesDone: 0,
      filesSkipped: skipped,
      rowsRead: 0,
      rowsImported: 0,
      charsRead: 0,
      executions: 0,
      millis: 0,
    },
  };
}

/**
 * Imports district files until the budget is spent. The state is mutated and returned in
 * the progress; call again with the same state (or a checkpoint of it) to continue.
 */
export function continueImport(
  state: ImportState,
  files: LearnPlatformFiles,
  options: ImportOptions,
): ImportProgress {
  const now = options.now ?? (() => Date.now());
  const started = now();
  const log = WarningLog.fromJSON(
    state.warnings,
    options.warningsPerFile ?? 20,
  );
  const byId = new Map(state.districts.map(d => [d.districtId, d]));
  const catalogue = new Set(state.products.map(p => p.lpId));
  let slowest = 0;
  let thisRun = 0;
  while (state.pending.length > 0) {
    const elapsed = now() - started;
    // Leave room for a file as slow as the slowest so far.
    if (thisRun > 0 && elapsed + slowest * 1.5 > options.budgetMs) break;
    const file = state.pending[0];
    const t0 = now();
    const id = districtIdOfFile(file.name)!;
    const acc = new DistrictFileAccumulator(id, file.name, log);
    const reader = new CsvReader(
      (fields, line) => acc.record(fields, line),
      (line, message) => log.add(file.name, line, 'csv-syntax', message),
    );
    let chars = 0;
    files.readEngagement(file, chunk => {
      chars += chunk.length;
      reader.push(chunk);
    });
    reader.finish();
    const district = byId.get(id);
    if (!district) {
      log.add(
        file.name,
        null,
        'unknown-district',
        `district ${id} is not in districts_info.csv: imported without demographics`,
      );
    }
    acc.commit(state.aggregates, district, catalogue);
    state.pending.shift();
    state.done.push(id);
    state.stats.filesDone++;
    state.stats.rowsRead += acc.rowsRead;
    state.stats.rowsImported += acc.rowsImported;
    state.stats.charsRead += chars;
    thisRun++;
    slowest = Math.max(slowest, now() - t0);
  }
  state.stats.executions++;
  state.stats.millis += now() - started;
  state.warnings = log.toJSON();
  const done = state.pending.length === 0;
  return {
    done,
    filesDone: state.stats.filesDone,
    filesTotal: state.stats.filesTotal,
    filesThisRun: thisRun,
    dataset: done ? datasetOf(state) : null,
  };
}

export function datasetOf(state: ImportState): LearnPlatformDataset {
  const log = WarningLog.fromJSON(state.warnings);
  return {
    products: state.products,
    districts: state.districts,
    aggregates: state.aggregates,
    warnings: log.items,
    warningCounts: log.summary(),
    stats: state.stats,
  };
}

/**
 * One execution of a checkpointed import: loads the checkpoint (or starts), works within
 * the budget, saves. Returns the dataset once every file is in.
 */
export function runImportStep(
  files: LearnPlatformFiles,
  store: CheckpointStore,
  options: ImportOptions,
): ImportProgress {
  let state: ImportState | null = null;
  const saved = store.load();
  if (saved) {
    try {
      const parsed = JSON.parse(saved) as ImportState;
      if (parsed.version === 1 && parsed.source === files.describe()) {
        state = parsed;
      }
    } catch {
      state = null; // an unreadable checkpoint restarts the import
    }
  }
  if (!state) state = startImport(files, options.warningsPerFile);
  const progress = continueImport(state, files, options);
  store.save(JSON.stringify(state));
  return progress;
}

/** Imports everything in one go (Node, tests). */
export function importAll(
  files: LearnPlatformFiles,
  options: Partial<ImportOptions> = {},
): LearnPlatformDataset {
  const state = startImport(files, options.warningsPerFile);
  const p = continueImport(state, files, {
    budgetMs: Number.POSITIVE_INFINITY,
    ...options,
  });
  return p.dataset!;
}
