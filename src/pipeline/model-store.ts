/**
 * The forecast models of the last full selection, kept between weekly runs: a run reuses
 * them (refitting the chosen forms) while they are young and were chosen on the calendar
 * the weeks still have.
 */
import type {SchoolModel} from '../analysis/forecasting';
import {addDays} from '../clean/dates';
import type {WeeklyFact} from '../core/types';
import type {BlobStore} from '../sources/source';

/** Blob of the forecast models chosen by the last full selection. */
export const MODELS_BLOB = 'forecast:models';
/**
 * Weeks a model selection is kept: weekly runs in between refit the chosen forms on the
 * new weeks (the search is most of a forecast's cost); every fourth run searches again.
 */
export const RESELECT_WEEKS = 4;

interface StoredModels {
  /** Last week of the facts the models were selected on. */
  week: string;
  /** School days of each week up to `week` by the calendar of the selection. */
  schoolDays?: string;
  models: Record<string, SchoolModel>;
}

export function lastWeekOf(weekly: WeeklyFact[]): string {
  return weekly.reduce((m, f) => (f.weekStart > m ? f.weekStart : m), '');
}

/**
 * The weeks' school days up to `week`, one digit a week: the calendar regressors a
 * selection was made on. A calendar that learns a closure later changes them.
 */
function schoolDaysKey(weekly: WeeklyFact[], week: string): string {
  const byWeek = new Map<string, number>();
  for (const f of weekly) {
    if (f.weekStart > week) continue;
    byWeek.set(
      f.weekStart,
      Math.max(byWeek.get(f.weekStart) ?? 0, f.schoolDays),
    );
  }
  return [...byWeek.keys()]
    .sort()
    .map(w => String(byWeek.get(w)))
    .join('');
}

/**
 * The stored selection, while it is younger than RESELECT_WEEKS. Settings saved since
 * (they clear the settled day), a history edited before the selection's week, or a
 * calendar that now counts the school days of those weeks differently re-select.
 */
export function modelsToReuse(
  blobs: Pick<BlobStore, 'get'>,
  weekly: WeeklyFact[],
  settled: string,
): {models: Map<string, SchoolModel>} | null {
  if (!settled) return null;
  const text = blobs.get(MODELS_BLOB);
  if (!text) return null;
  let stored: StoredModels;
  try {
    stored = JSON.parse(text) as StoredModels;
  } catch {
    return null;
  }
  const last = lastWeekOf(weekly);
  if (!stored.week || stored.week > last) return null;
  if (last >= addDays(stored.week, 7 * RESELECT_WEEKS)) return null;
  if (stored.schoolDays !== schoolDaysKey(weekly, stored.week)) return null;
  return {models: new Map(Object.entries(stored.models ?? {}))};
}

export function saveModels(
  blobs: Pick<BlobStore, 'put'>,
  weekly: WeeklyFact[],
  models: Map<string, SchoolModel>,
): void {
  const week = lastWeekOf(weekly);
  const stored: StoredModels = {
    week,
    schoolDays: schoolDaysKey(weekly, week),
    models: Object.fromEntries(models),
  };
  blobs.put(MODELS_BLOB, JSON.stringify(stored));
}
