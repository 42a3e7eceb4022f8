/**
 * The built bundle's main job with `source: bigquery` (BigQuery answered by DuckDB over the
 * demo district's export rows): BigQuery.Jobs.query's request body and both methods'
 * parameters and responses keep to Google's contract for BigQuery v2.
 */
import {
  DuckDbBigQuery,
  exportRowsFromWorkspace,
} from '../../src/offline/bigquery-duckdb';
import {DATASET, PROJECT} from '../bigquery/harness';
import {summarise} from './contract';
import {START, bundle, checkedRun, demo} from './run';

test('a BigQuery-source run keeps to the contract in every request and response', () => {
  const backend = new DuckDbBigQuery(
    exportRowsFromWorkspace(demo.data, {
      startMs: Date.UTC(2025, 1, 1),
      endMs: START,
    }),
    // Each job first answers "not complete", so the run polls getQueryResults too.
    {projectId: PROJECT, datasetId: DATASET, incompletePolls: 1},
  );
  try {
    const r = checkedRun(bundle(), {
      source: 'bigquery',
      bigQuery: backend,
      extra: {bigQueryProject: PROJECT, bigQueryDataset: DATASET},
    });
    expect(r.errors).toEqual([]);
    expect(r.calls['BigQuery.Jobs.query']).toBeGreaterThan(0);
    expect(r.calls['BigQuery.Jobs.getQueryResults']).toBeGreaterThan(0);
    expect(summarise(r.violations)).toEqual([]);
  } finally {
    backend.close();
  }
});
