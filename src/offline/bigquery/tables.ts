/**
 * The Workspace BigQuery export's tables as the fake holds them: the columns of
 * `activity` and `usage`, their rows, and the bytes stored per ingestion-day partition
 * (what a dry run reports a query would process).
 */

/** Struct fields of `activity.login` and `activity.classroom` kept by the fake. */
export const LOGIN_FIELDS: Record<string, 'VARCHAR' | 'BOOLEAN' | 'BIGINT'> = {
  login_type: 'VARCHAR',
  login_challenge_method: 'VARCHAR',
  login_failure_type: 'VARCHAR',
  is_suspicious: 'BOOLEAN',
  is_second_factor: 'BOOLEAN',
  login_timestamp: 'BIGINT',
};
export const CLASSROOM_FIELDS: Record<
  string,
  'VARCHAR' | 'BOOLEAN' | 'BIGINT'
> = {
  course_id: 'VARCHAR',
  course_title: 'VARCHAR',
  course_role: 'VARCHAR',
  course_work_title: 'VARCHAR',
  course_work_type: 'VARCHAR',
  post_id: 'VARCHAR',
  submission_id: 'VARCHAR',
  submission_state: 'VARCHAR',
  is_late: 'BOOLEAN',
  has_grade: 'BOOLEAN',
  grade: 'VARCHAR',
  draft_grade: 'VARCHAR',
  impacted_users: 'VARCHAR',
};
const USAGE_CLASSROOM_FIELDS: Record<string, 'VARCHAR' | 'BIGINT'> = {
  role: 'VARCHAR',
  num_posts_created: 'BIGINT',
  num_courses_created: 'BIGINT',
  last_interaction_time: 'BIGINT',
};
const USAGE_ACCOUNTS_FIELDS: Record<string, 'VARCHAR' | 'BIGINT'> = {
  last_login_time: 'BIGINT',
};

export interface ActivityRow {
  time_usec: number;
  email: string | null;
  event_type: string | null;
  event_name: string;
  record_type: string;
  org_unit_name_path: string[] | null;
  ip_address: string | null;
  domain_name: string | null;
  login: Record<string, string | boolean | number | null> | null;
  classroom: Record<string, string | boolean | number | null> | null;
  /** Ingestion time (ms); the row's partition is its UTC day. */
  ingestedMs: number;
}

export interface UsageRow {
  date: string;
  record_type: string;
  user_email: string;
  domain_name: string | null;
  accounts: Record<string, string | number | null> | null;
  classroom: Record<string, string | number | null> | null;
  ingestedMs: number;
}

export interface ExportTables {
  activity: ActivityRow[];
  usage: UsageRow[];
}

function structType(fields: Record<string, string>): string {
  return `STRUCT(${Object.entries(fields)
    .map(([k, t]) => `"${k}" ${t}`)
    .join(', ')})`;
}

export const ACTIVITY_COLUMNS: Record<string, string> = {
  time_usec: 'BIGINT',
  email: 'VARCHAR',
  event_type: 'VARCHAR',
  event_name: 'VARCHAR',
  record_type: 'VARCHAR',
  org_unit_name_path: 'VARCHAR[]',
  ip_address: 'VARCHAR',
  domain_name: 'VARCHAR',
  login: structType(LOGIN_FIELDS),
  classroom: structType(CLASSROOM_FIELDS),
  _PARTITIONTIME: 'TIMESTAMPTZ',
};
export const USAGE_COLUMNS: Record<string, string> = {
  date: 'DATE',
  record_type: 'VARCHAR',
  user_email: 'VARCHAR',
  domain_name: 'VARCHAR',
  accounts: structType(USAGE_ACCOUNTS_FIELDS),
  classroom: structType(USAGE_CLASSROOM_FIELDS),
  _PARTITIONTIME: 'TIMESTAMPTZ',
};

export const DAY_MS = 86_400_000;

/** Bytes BigQuery counts for a value (STRING 2 + length, INT64/TIMESTAMP/DATE 8, BOOL 1). */
function valueBytes(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return 2 + Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number') return 8;
  if (typeof v === 'boolean') return 1;
  if (Array.isArray(v)) return v.reduce((s, x) => s + valueBytes(x), 0);
  return 0;
}

/** Per partition (UTC day number) and column (or struct.field), the bytes stored. */
export type PartitionBytes = Map<number, Map<string, number>>;

export function addBytes(
  stats: PartitionBytes,
  day: number,
  row: Record<string, unknown>,
) {
  let m = stats.get(day);
  if (!m) stats.set(day, (m = new Map()));
  for (const [col, v] of Object.entries(row)) {
    if (col === 'ingestedMs') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [f, x] of Object.entries(v)) {
        const k = `${col}.${f}`;
        m.set(k, (m.get(k) ?? 0) + valueBytes(x));
      }
    } else {
      m.set(col, (m.get(col) ?? 0) + valueBytes(v));
    }
  }
}
