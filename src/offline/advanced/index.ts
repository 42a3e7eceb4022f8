/**
 * The advanced services AdminReports, AdminDirectory, Classroom and BigQuery, paging
 * over a WorkspaceData (or a BigQuery backend) with the real services' page sizes,
 * retention windows, data latency, rate limits and error shapes: one file a service,
 * the shared paging and error helpers in api.ts, the published enums in contract.ts.
 */
export {DEFAULT_API_LIMITS, parseFieldMask, type ApiLimits} from './api';
export {
  makeBigQuery,
  type BigQueryBackend,
  type BigQueryResultsArgs,
} from './bigquery';
export {makeClassroom, submissionsAsOf} from './classroom';
export {
  CUSTOMER_USAGE_APPLICATIONS,
  PARAMETER_ENUMS,
  REPORT_APPLICATIONS,
  USER_USAGE_APPLICATIONS,
} from './contract';
export {makeAdminDirectory} from './directory';
export {makeAdminReports} from './reports';
