/**
 * The Data quality tab and lk_data_quality: what the cleaning found (duplicates dropped,
 * partial days, imputed values, consistency checks); rows from src/clean/quality.ts.
 */
import type {DataQualityRow} from '../../clean/quality';
import {adminTable, lookerOf} from '../schema';

// prettier-ignore
export const DATA_QUALITY = adminTable<DataQualityRow>({
  name: 'Data quality',
  description: 'Duplicates dropped, partial days, imputed values and consistency checks.',
  columns: [
    ['date', 'date', 'Date', 'date', 'Day concerned; empty for a district-wide finding.'],
    ['check', 'check', 'Check', 'string', 'The data-quality check.', {width: 190}],
    ['severity', 'severity', 'Severity', 'string', 'info, warning or error.', {width: 70}],
    ['count', 'count', 'Count', 'integer', 'Records concerned.'],
    ['source', 'source', 'Source', 'string', 'api:login, api:classroom, bigquery, ...', {width: 110}],
    ['detail', 'detail', 'Detail', 'string', 'What was found, with a few examples (never an email or a name).', {width: 320}],
  ],
});

export const LK_DATA_QUALITY = lookerOf(
  DATA_QUALITY,
  'lk_data_quality',
  'Data-quality findings per day and check.',
);
