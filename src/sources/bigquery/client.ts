/**
 * Running a query through the Apps Script BigQuery advanced service: BigQuery.Jobs.query,
 * then BigQuery.Jobs.getQueryResults while the job is running or more pages remain.
 * Every request goes through the ServiceCaller (budget check, backoff on 429/5xx); a
 * query interrupted by the budget resumes from its job id and page token, which BigQuery
 * keeps for a day.
 */
import {InputError} from '../../core/errors';
import {ServiceCaller, ServiceError} from '../api/call';
import {BudgetExhausted} from '../source';
import type {DatasetRef, SqlQuery} from './sql';

export type QueryRequest = GoogleAppsScript.BigQuery.Schema.QueryRequest;
export type QueryResponse = GoogleAppsScript.BigQuery.Schema.QueryResponse;
export type ResultsResponse =
  GoogleAppsScript.BigQuery.Schema.GetQueryResultsResponse;

export interface ResultsArgs {
  pageToken?: string;
  maxResults?: number;
  timeoutMs?: number;
  location?: string;
}

/** The two calls of the BigQuery advanced service the source makes. */
export interface BigQueryService {
  query(request: QueryRequest, projectId: string): QueryResponse;
  getQueryResults(
    projectId: string,
    jobId: string,
    args: ResultsArgs,
  ): ResultsResponse;
}

export function appsScriptBigQuery(): BigQueryService {
  const svc = () => {
    if (typeof BigQuery === 'undefined' || !BigQuery) {
      throw new Error(
        'the BigQuery advanced service is not enabled (appsscript.json enabledAdvancedServices)',
      );
    }
    return BigQuery;
  };
  return {
    query: (request, projectId) => svc().Jobs.query(request, projectId),
    getQueryResults: (projectId, jobId, args) =>
      svc().Jobs.getQueryResults(projectId, jobId, args as object),
  };
}

/** Rows per page asked for; BigQuery caps a page at 10 MB anyway. */
export const PAGE_ROWS = 10000;
/** How long one request waits for the job before answering jobComplete: false. */
export const WAIT_MS = 20000;

/** Where a paused query stands: the job, and the next page (rows so far are in the stage). */
export interface QueryCursor {
  jobId: string;
  location: string | null;
  pageToken: string | null;
  /** The job has finished (pages remain or not). */
  complete: boolean;
}

export interface QueryResult {
  columns: string[];
  rows: (string | null)[][];
  bytesProcessed: number;
}

/** Thrown with the state to resume from when the budget runs out mid-query. */
export class QueryPaused extends Error {
  constructor(
    readonly cursor: QueryCursor,
    readonly partial: QueryResult,
  ) {
    super('query paused by the execution budget');
    this.name = 'QueryPaused';
  }
}

export function requestOf(
  q: SqlQuery,
  ref: DatasetRef,
  dryRun = false,
): QueryRequest {
  return {
    query: q.query,
    useLegacySql: false,
    parameterMode: 'NAMED',
    queryParameters: q.parameters,
    defaultDataset: {projectId: ref.dataProjectId, datasetId: ref.datasetId},
    maxResults: PAGE_ROWS,
    timeoutMs: WAIT_MS,
    useQueryCache: true,
    ...(dryRun ? {dryRun: true} : {}),
  } as QueryRequest;
}

/** Turns the API's errors into messages naming the setting at fault. */
export function explain(e: unknown, ref: DatasetRef): never {
  if (e instanceof ServiceError) {
    const code = e.info.code;
    if (code === 404) {
      throw new InputError(
        'bigQueryDataset',
        `${ref.dataProjectId}.${ref.datasetId}: the dataset or its activity/usage tables were not found (${e.message})`,
      );
    }
    if (code === 403 || code === 401) {
      throw new InputError(
        'bigQueryProject',
        `${ref.projectId}: access denied; the account needs BigQuery Job User on the project and BigQuery Data Viewer on the dataset (${e.message})`,
      );
    }
  }
  throw e;
}

function cells(row: unknown): (string | null)[] {
  const f = (row as {f?: {v?: unknown}[]})?.f ?? [];
  return f.map(c => (c?.v === null || c?.v === undefined ? null : String(c.v)));
}

function absorb(out: QueryResult, resp: QueryResponse | ResultsResponse): void {
  if (resp.schema?.fields && !out.columns.length) {
    out.columns = resp.schema.fields.map(f => String(f.name));
  }
  for (const r of resp.rows ?? []) out.rows.push(cells(r));
  if (resp.totalBytesProcessed)
    out.bytesProcessed = Number(resp.totalBytesProcessed);
}

/**
 * Runs (or resumes) a query and returns every row. Throws QueryPaused when the budget
 * stops it; pass the cursor and the partial result back to continue.
 */
export function runQuery(
  caller: ServiceCaller,
  svc: BigQueryService,
  ref: DatasetRef,
  q: SqlQuery,
  resume: {cursor: QueryCursor; partial: QueryResult} | null = null,
): QueryResult {
  const out: QueryResult = resume
    ? {
        columns: [...resume.partial.columns],
        rows: [...resume.partial.rows],
        bytesProcessed: resume.partial.bytesProcessed,
      }
    : {columns: [], rows: [], bytesProcessed: 0};
  let cursor: QueryCursor | null = resume ? {...resume.cursor} : null;
  try {
    if (!cursor) {
      const resp = caller.call('BigQuery.Jobs.query', () =>
        svc.query(requestOf(q, ref), ref.projectId),
      );
      const job = resp.jobReference ?? {};
      cursor = {
        jobId: String(job.jobId ?? ''),
        location: job.location ? String(job.location) : null,
        pageToken: null,
        complete: resp.jobComplete === true,
      };
      if (cursor.complete) {
        absorb(out, resp);
        cursor.pageToken = resp.pageToken ?? null;
        if (!cursor.pageToken) return out;
      }
      if (!cursor.jobId) throw new Error('BigQuery answered without a job id');
    }
    for (;;) {
      const c: QueryCursor = cursor;
      const args: ResultsArgs = {maxResults: PAGE_ROWS, timeoutMs: WAIT_MS};
      if (c.pageToken) args.pageToken = c.pageToken;
      if (c.location) args.location = c.location;
      const resp = caller.call('BigQuery.Jobs.getQueryResults', () =>
        svc.getQueryResults(ref.projectId, c.jobId, args),
      );
      if (resp.jobComplete !== true) continue; // still running: ask again
      c.complete = true;
      absorb(out, resp);
      c.pageToken = resp.pageToken ?? null;
      if (!c.pageToken) return out;
    }
  } catch (e) {
    if (e instanceof BudgetExhausted && cursor)
      throw new QueryPaused(cursor, out);
    return explain(e, ref);
  }
}

/** Bytes the query would process (a dry run: nothing is billed). */
export function dryRunBytes(
  caller: ServiceCaller,
  svc: BigQueryService,
  ref: DatasetRef,
  q: SqlQuery,
): number {
  try {
    const resp = caller.call('BigQuery.Jobs.query', () =>
      svc.query(requestOf(q, ref, true), ref.projectId),
    );
    return Number(resp.totalBytesProcessed ?? 0);
  } catch (e) {
    return explain(e, ref);
  }
}
