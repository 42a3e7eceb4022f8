/**
 * The what-if scenario on the spreadsheet's own data (Apps Script layer): reads the weekly
 * facts, schools, settings and the forecast's stored models, runs the pure what-if
 * (analysis/whatif.ts) with the weekly forecast's own configuration, writes the `What-if`
 * and `lk_whatif` tabs, and returns the result as plain JSON for the sidebar.
 */
import type {SchoolModel} from '../analysis/forecasting';
import {whatIf, type WhatIfRequest, type WhatIfView} from '../analysis/whatif';
import {addDays} from '../clean/dates';
import {InputError} from '../core/errors';
import {writeWhatIf} from '../sheets/whatif-write';
import {loadSettings} from '../platform/settings';
import {MODELS_BLOB} from './model-store';
import {readFacts, readSchools} from './ingest';
import {FORECAST_METRIC, FORECAST_TEACHER_METRIC, mainApp} from './records';
import {SheetBlobStore} from './store';

/** The models the last analysis run forecast with, by school id (empty when none). */
function storedModels(): Map<string, SchoolModel> {
  const text = new SheetBlobStore(SpreadsheetApp.getActiveSpreadsheet()).get(
    MODELS_BLOB,
  );
  if (!text) return new Map();
  try {
    const stored = JSON.parse(text) as {models?: Record<string, SchoolModel>};
    return new Map(Object.entries(stored.models ?? {}));
  } catch {
    return new Map();
  }
}

export function runWhatIf(input: unknown): WhatIfView {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InputError('request', 'must be an object');
  const settings = loadSettings();
  // Weekly facts of closed weeks are stored whole; only the open week needs its days.
  const today = new Date().toISOString().slice(0, 10);
  const {weekly} = readFacts(settings, {dailySince: addDays(today, -14)});
  if (weekly.length === 0)
    throw new InputError(
      'weekly',
      'no weekly facts yet: run the analysis first',
    );
  const req = input as WhatIfRequest;
  const result = whatIf(
    {horizon: settings.forecastHorizonWeeks, ...req},
    {
      weekly,
      calendar: settings.calendar,
      schools: readSchools(settings),
      settings,
      reuse: storedModels(),
      metric: FORECAST_METRIC,
      teacherMetric: FORECAST_TEACHER_METRIC,
      app: mainApp(weekly),
    },
  );
  const written = writeWhatIf(
    result,
    new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  );
  const view: WhatIfView = {
    ...result,
    schools: result.schools.map(s => ({
      ...s,
      backtest: s.backtest ? {...s.backtest, list: []} : null,
    })),
    district: {
      ...result.district,
      backtest: {...result.district.backtest, list: []},
    },
    tabs: written.map(w => w.sheetName),
  };
  return JSON.parse(JSON.stringify(view)) as WhatIfView;
}
