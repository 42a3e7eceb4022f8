/**
 * The BigQuery advanced service: Jobs.query and Jobs.getQueryResults delegated to a
 * backend (DuckDB over a Workspace export in the offline runtime), counted and charged,
 * with the backend's errors shaped as API errors.
 */
import type {Engine} from '../engine';

/* ---------------------------------------------------------------- BigQuery */

export interface BigQueryResultsArgs {
  pageToken?: string;
  maxResults?: number;
  timeoutMs?: number;
  location?: string;
  startIndex?: string;
}

/**
 * What the BigQuery advanced service delegates to. Calls are synchronous, as in
 * Apps Script. A backend signals an API error by throwing an object with a
 * numeric HTTP `code` (and `message`, optional `reason`).
 */
export interface BigQueryBackend {
  query(
    request: GoogleAppsScript.BigQuery.Schema.QueryRequest,
    projectId: string,
  ): GoogleAppsScript.BigQuery.Schema.QueryResponse;
  getQueryResults(
    projectId: string,
    jobId: string,
    optionalArgs?: BigQueryResultsArgs,
  ): GoogleAppsScript.BigQuery.Schema.GetQueryResultsResponse;
}

export function makeBigQuery(engine: Engine, backend: BigQueryBackend) {
  const wrap = <T>(method: string, api: string, fn: () => T): T =>
    engine.call(
      method,
      () => {
        let r: T;
        try {
          r = fn();
        } catch (e) {
          const err = e as {code?: unknown; message?: unknown; reason?: string};
          if (typeof err?.code === 'number') {
            throw engine.apiError(
              api,
              err.code,
              String(err.message ?? ''),
              err.reason,
            );
          }
          throw engine.error(String(err?.message ?? e));
        }
        const rows = (r as {rows?: unknown[]})?.rows?.length ?? 0;
        engine.charge(rows * engine.costs.perApiItem);
        return engine.toRealm(r);
      },
      {api},
    );
  return {
    Jobs: {
      query: (
        resource: GoogleAppsScript.BigQuery.Schema.QueryRequest,
        projectId: string,
      ) =>
        wrap('BigQuery.Jobs.query', 'bigquery.jobs.query', () =>
          backend.query(
            JSON.parse(JSON.stringify(resource)),
            String(projectId),
          ),
        ),
      getQueryResults: (
        projectId: string,
        jobId: string,
        optionalArgs?: BigQueryResultsArgs,
      ) =>
        wrap(
          'BigQuery.Jobs.getQueryResults',
          'bigquery.jobs.getQueryResults',
          () =>
            backend.getQueryResults(
              String(projectId),
              String(jobId),
              optionalArgs
                ? JSON.parse(JSON.stringify(optionalArgs))
                : undefined,
            ),
        ),
    },
  };
}
