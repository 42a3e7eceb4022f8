/**
 * What a backfill through the BigQuery source costs in Apps Script, before it starts
 * (pure): the requests it makes and the executions they need, for the sidebar to set
 * beside the API source's estimate (src/sources/estimate.ts). The bytes BigQuery scans are
 * not guessed here: the source's dry run reports them before the backfill runs.
 *
 * Requests: the Directory's org units (1) and users (500 per page); two small queries
 * (usage date, usage roles); one query per batch of days, whose fact rows (schools x roles
 * x apps per day) come back 10,000 per page; one query per ISO week for distinct users.
 * Seconds per request follow the offline runtime's production figures (Directory 0.3 s,
 * BigQuery job 1.5 s + results 0.8 s + 0.2 ms per row); `jobSeconds` adds BigQuery's own
 * run time per job. In-script time per fact row (building and writing the facts) is an
 * input, measured by scripts/bench-bigquery.mjs.
 */

export interface BigQueryEstimateInput {
  days: number;
  schools: number;
  /** Directory accounts. */
  users: number;
  /** Roles per school with rows (students, teachers, staff: 3). */
  rolesPerSchool?: number;
  /** Apps per group (login, classroom, workspace: 3). */
  apps?: number;
  batchDays?: number;
  /** BigQuery's own run time per job, seconds (default 10). */
  jobSeconds?: number;
  /** In-script milliseconds per daily fact row (default 1.5, see bench-bigquery). */
  msPerFactRow?: number;
  budgetSeconds?: number;
  dailyTriggerMinutes?: number;
}

export interface BigQueryEstimate {
  requests: Record<string, number>;
  totalRequests: number;
  factRows: number;
  seconds: number;
  executions: number;
  runtimeMinutes: number;
  daysToComplete: number;
}

const RESERVE_SECONDS = 10;

export function estimateBigQueryBackfill(
  i: BigQueryEstimateInput,
): BigQueryEstimate {
  const days = Math.max(0, Math.floor(i.days));
  const rowsPerDay = i.schools * (i.rolesPerSchool ?? 3) * (i.apps ?? 3);
  const batch = Math.max(1, i.batchDays ?? 7);
  const batches = Math.ceil(days / batch);
  const weeks = Math.ceil(days / 7);
  const pagesPerBatch = Math.max(
    1,
    Math.ceil((rowsPerDay * Math.min(batch, days || 1)) / 10000),
  );
  const requests: Record<string, number> = {
    directory: 1 + Math.max(1, Math.ceil(i.users / 500)),
    setupQueries: 2,
    dayQueries: batches,
    dayResultPages: batches * Math.max(0, pagesPerBatch - 1),
    weekQueries: weeks,
  };
  const totalRequests = Object.values(requests).reduce((a, b) => a + b, 0);
  const factRows = rowsPerDay * days;
  const jobs =
    requests.setupQueries + requests.dayQueries + requests.weekQueries;
  const seconds =
    requests.directory * 0.3 +
    i.users * 0.0002 +
    jobs * (1.5 + (i.jobSeconds ?? 10)) +
    requests.dayResultPages * 0.8 +
    factRows * (0.0002 + (i.msPerFactRow ?? 1.5) / 1000);
  const budget = i.budgetSeconds ?? 300;
  const executions = Math.max(
    1,
    Math.ceil(seconds / Math.max(1, budget - RESERVE_SECONDS)),
  );
  const runtimeMinutes = Math.ceil(seconds / 60);
  return {
    requests,
    totalRequests,
    factRows,
    seconds,
    executions,
    runtimeMinutes,
    daysToComplete: Math.max(
      1,
      Math.ceil(runtimeMinutes / (i.dailyTriggerMinutes ?? 360)),
    ),
  };
}
