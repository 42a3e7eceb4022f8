/**
 * Every output tab (pure): the lists of admin and Looker Studio tabs, and the data
 * dictionary that describes each Looker column.
 *
 * The tabs are declared one area a file beside this one (facts, forecasts, anomalies,
 * incidents, usage, equity, data quality, the run log and settings, what-if); what a schema
 * is and how records become rows is in ../schema.ts. Importers take everything from here.
 */
import {lookerTable, type ColumnType, type TableSchema} from '../schema';
import {ANOMALIES, LK_ANOMALIES} from './anomalies';
import {EQUITY, EQUITY_TESTS, LK_EQUITY} from './equity';
import {DAILY_FACTS, LK_DAILY, LK_WEEKLY, WEEKLY_FACTS} from './facts';
import {
  FORECAST_ACCURACY,
  FORECASTS,
  LK_FORECAST,
  LK_FORECAST_ACCURACY,
} from './forecasts';
import {INCIDENTS, LK_INCIDENTS} from './incidents';
import {DATA_QUALITY, LK_DATA_QUALITY} from './quality';
import {RUN_LOG, SETTINGS_TAB} from './run';
import {CORRELATIONS, LK_CORRELATION, LK_UNDERUSE, UNDERUSE} from './usage';
import {LK_WHATIF, WHATIF} from './whatif';

export {METRIC_NAMES, metricLabel, type ValueNames} from '../../core/labels';
export * from '../schema';
export * from './anomalies';
export * from './equity';
export * from './facts';
export * from './forecasts';
export * from './incidents';
export * from './quality';
export * from './run';
export * from './usage';
export * from './whatif';

export interface DictionaryRecord {
  table: string;
  column: string;
  type: string;
  description: string;
}

// prettier-ignore
export const LK_DATA_DICTIONARY = lookerTable<DictionaryRecord>({
  name: 'lk_data_dictionary',
  description: 'Every column of every Looker Studio tab.',
  columns: [
    ['table', 'table_name', 'string', 'Tab name.', {width: 160}],
    ['column', 'column_name', 'string', 'Column header.', {width: 170}],
    ['type', 'data_type', 'string', 'TEXT, DATE, WEEK, TIMESTAMP, INTEGER, NUMBER, PERCENT or BOOLEAN.', {width: 100}],
    ['description', 'description', 'string', 'What the column holds.', {width: 420}],
  ],
});

/** Every Looker tab, in the order they are written and linked into a report. */
export const LOOKER_TABLES: ReadonlyArray<TableSchema<never>> = [
  LK_DAILY,
  LK_WEEKLY,
  LK_FORECAST,
  LK_FORECAST_ACCURACY,
  LK_ANOMALIES,
  LK_INCIDENTS,
  LK_CORRELATION,
  LK_UNDERUSE,
  LK_EQUITY,
  LK_DATA_QUALITY,
  LK_WHATIF,
  LK_DATA_DICTIONARY,
] as unknown as ReadonlyArray<TableSchema<never>>;

/** Every admin tab. */
export const ADMIN_TABLES: ReadonlyArray<TableSchema<never>> = [
  DAILY_FACTS,
  WEEKLY_FACTS,
  FORECASTS,
  FORECAST_ACCURACY,
  INCIDENTS,
  ANOMALIES,
  CORRELATIONS,
  UNDERUSE,
  EQUITY,
  EQUITY_TESTS,
  DATA_QUALITY,
  RUN_LOG,
  SETTINGS_TAB,
  WHATIF,
] as unknown as ReadonlyArray<TableSchema<never>>;

const TYPE_NAMES: Record<ColumnType, string> = {
  string: 'TEXT',
  date: 'DATE',
  week: 'WEEK',
  timestamp: 'TIMESTAMP',
  integer: 'INTEGER',
  number: 'NUMBER',
  percent: 'PERCENT',
  boolean: 'BOOLEAN',
  list: 'TEXT',
};

/** The data dictionary: one row per column of every Looker tab (itself included). */
export function dataDictionary(): DictionaryRecord[] {
  const out: DictionaryRecord[] = [];
  for (const t of LOOKER_TABLES) {
    for (const c of t.columns) {
      let description = c.description;
      if (c.type === 'date')
        description += ' Text in ISO 8601 form YYYY-MM-DD.';
      if (c.type === 'timestamp') description += ' Text in ISO 8601 UTC form.';
      if (c.type === 'percent') description += ' On a 0-100 scale.';
      out.push({
        table: t.name,
        column: c.key,
        type: TYPE_NAMES[c.type],
        description,
      });
    }
  }
  return out;
}
