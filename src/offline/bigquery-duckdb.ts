/**
 * A BigQuery backend for the offline runtime that runs the SQL it is sent on a real SQL
 * engine: DuckDB (`@duckdb/node-api`), loaded with the export's `activity` and `usage`
 * tables. Node-only.
 *
 * - translateSql: a thin token-level translation of BigQuery Standard SQL to DuckDB for the
 *   functions whose names or semantics differ (TIMESTAMP_MICROS, UNIX_MICROS, DATE(ts, tz),
 *   TIMESTAMP(date, tz), DIV, COUNTIF, REGEXP_*, ARRAY_LENGTH, [SAFE_]OFFSET/ORDINAL,
 *   IN UNNEST, CAST types, backtick table paths, "strings", and `@params`, each bound with
 *   its declared type); anything else passes through, and DuckDB's error comes back as a
 *   400 like BigQuery's invalidQuery.
 * - The Apps Script runtime is synchronous, DuckDB's Node API is not: queries run in a
 *   worker thread and the caller blocks on an Atomics wait until the answer is posted.
 * - Jobs behave as BigQuery's: Jobs.query answers with the first page (and, optionally,
 *   `jobComplete: false` first, to exercise polling), getQueryResults pages by pageToken,
 *   cell values are strings, a dry run reports the bytes the query would process: the
 *   referenced columns of the partitions its `_PARTITIONTIME` filters keep.
 * - exportRowsFromWorkspace turns a WorkspaceData (the demo district) into export rows:
 *   one activity row per event, the actor's org unit as `org_unit_name_path`, ingestion
 *   time partitions some hours after the event, one usage row per user and date.
 */
export type {DuckDbBigQueryOptions} from './bigquery/jobs';
export {DuckDbBigQuery} from './bigquery/jobs';
export {DuckDbBridge} from './bigquery/duckdb-bridge';
export type {Translation} from './bigquery/sql';
export {SqlError, tokenize, translateSql} from './bigquery/sql';
export type {ActivityRow, ExportTables, UsageRow} from './bigquery/tables';
export type {ExportOptions} from './bigquery/workspace-export';
export {
  createWorkspaceBigQuery,
  exportRowsFromWorkspace,
} from './bigquery/workspace-export';
