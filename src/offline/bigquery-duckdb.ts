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
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  MessageChannel,
  Worker,
  receiveMessageOnPort,
  type MessagePort,
} from 'node:worker_threads';
import type {BigQueryBackend, BigQueryResultsArgs} from './advanced';
import type {WorkspaceData} from './workspace-data';

type QueryRequest = GoogleAppsScript.BigQuery.Schema.QueryRequest;
type QueryResponse = GoogleAppsScript.BigQuery.Schema.QueryResponse;
type ResultsResponse = GoogleAppsScript.BigQuery.Schema.GetQueryResultsResponse;

/* ================================================================ SQL translation */

interface Token {
  kind:
    | 'ws'
    | 'comment'
    | 'string'
    | 'ident'
    | 'quoted'
    | 'param'
    | 'number'
    | 'punct';
  text: string;
  /** Decoded value of a string literal. */
  value?: string;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

function decodeEscapes(body: string): string {
  return body.replace(/\\(.)/g, (_m, c: string) =>
    c === 'n'
      ? '\n'
      : c === 't'
        ? '\t'
        : c === 'r'
          ? '\r'
          : c === '0'
            ? '\0'
            : c,
  );
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < n && /\s/.test(sql[j])) j++;
      out.push({kind: 'ws', text: sql.slice(i, j)});
      i = j;
    } else if (c === '-' && sql[i + 1] === '-') {
      let j = sql.indexOf('\n', i);
      if (j < 0) j = n;
      out.push({kind: 'comment', text: sql.slice(i, j)});
      i = j;
    } else if (c === '#') {
      let j = sql.indexOf('\n', i);
      if (j < 0) j = n;
      out.push({kind: 'comment', text: sql.slice(i, j)});
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      const end = j < 0 ? n : j + 2;
      out.push({kind: 'comment', text: sql.slice(i, end)});
      i = end;
    } else if (
      c === "'" ||
      c === '"' ||
      ((c === 'r' || c === 'R') && (sql[i + 1] === "'" || sql[i + 1] === '"'))
    ) {
      const raw = c === 'r' || c === 'R';
      const q = raw ? sql[i + 1] : c;
      let j = raw ? i + 2 : i + 1;
      const triple = sql.slice(j - 1, j + 2) === q.repeat(3);
      if (triple) j += 2;
      let body = '';
      for (;;) {
        if (j >= n)
          throw new SqlError(`Syntax error: Unclosed string literal at ${i}`);
        if (!raw && sql[j] === '\\') {
          body += sql.slice(j, j + 2);
          j += 2;
          continue;
        }
        if (triple ? sql.slice(j, j + 3) === q.repeat(3) : sql[j] === q) break;
        body += sql[j];
        j++;
      }
      j += triple ? 3 : 1;
      out.push({
        kind: 'string',
        text: sql.slice(i, j),
        value: raw ? body : decodeEscapes(body),
      });
      i = j;
    } else if (c === '`') {
      const j = sql.indexOf('`', i + 1);
      if (j < 0)
        throw new SqlError(`Syntax error: Unclosed identifier literal at ${i}`);
      out.push({
        kind: 'quoted',
        text: sql.slice(i, j + 1),
        value: sql.slice(i + 1, j),
      });
      i = j + 1;
    } else if (c === '@' && IDENT_START.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < n && IDENT.test(sql[j])) j++;
      out.push({
        kind: 'param',
        text: sql.slice(i, j),
        value: sql.slice(i + 1, j),
      });
      i = j;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENT.test(sql[j])) j++;
      out.push({kind: 'ident', text: sql.slice(i, j)});
      i = j;
    } else if (
      /[0-9]/.test(c) ||
      (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))
    ) {
      let j = i + 1;
      while (j < n && /[0-9.eE]/.test(sql[j])) j++;
      out.push({kind: 'number', text: sql.slice(i, j)});
      i = j;
    } else {
      const two = sql.slice(i, i + 2);
      const p = ['!=', '<>', '<=', '>=', '||', '<<', '>>'].includes(two)
        ? two
        : c;
      out.push({kind: 'punct', text: p});
      i += p.length;
    }
  }
  return out;
}

export class SqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlError';
  }
}

const DUCK_TYPES: Record<string, string> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  INTEGER: 'BIGINT',
  FLOAT64: 'DOUBLE',
  FLOAT: 'DOUBLE',
  NUMERIC: 'DECIMAL(38, 9)',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMPTZ',
  DATETIME: 'TIMESTAMP',
  BYTES: 'BLOB',
};

interface ParamSpec {
  type: string;
  arrayType?: string;
  value: string | null;
  arrayValues: string[] | null;
}

/** A parsed call: the argument token lists and where the call ends. */
function callArgs(
  tokens: Token[],
  open: number,
): {args: Token[][]; end: number} {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) {
      depth++;
      if (depth === 1) continue;
    } else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) {
      depth--;
      if (depth === 0)
        return {
          args: args.filter((a, k) => k > 0 || a.some(x => x.kind !== 'ws')),
          end: i,
        };
    } else if (depth === 1 && t.kind === 'punct' && t.text === ',') {
      args.push([]);
      continue;
    }
    args[args.length - 1].push(t);
  }
  throw new SqlError(
    'Syntax error: Unexpected end of script (unbalanced parentheses)',
  );
}

function nextSignificant(tokens: Token[], i: number): number {
  let j = i;
  while (
    j < tokens.length &&
    (tokens[j].kind === 'ws' || tokens[j].kind === 'comment')
  )
    j++;
  return j;
}

function prevSignificant(tokens: Token[], i: number): number {
  let j = i;
  while (j >= 0 && (tokens[j].kind === 'ws' || tokens[j].kind === 'comment'))
    j--;
  return j;
}

function quoteDuck(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export interface Translation {
  sql: string;
  /** Named values to bind ($name), all as text; arrays as JSON text. */
  values: Record<string, string | null>;
  /** Tables the query reads, as written (last part of a path). */
  tables: string[];
}

/**
 * Translates BigQuery Standard SQL to DuckDB. `@name` parameters become typed casts of
 * `$name` bound as text; a parameter the query uses but the request lacks is an error,
 * as in BigQuery.
 */
export function translateSql(
  sql: string,
  parameters: GoogleAppsScript.BigQuery.Schema.QueryParameter[] = [],
): Translation {
  const specs = new Map<string, ParamSpec>();
  for (const p of parameters) {
    if (!p.name)
      throw new SqlError(
        'Query parameters must be named (parameterMode NAMED)',
      );
    const type = (p.parameterType?.type ?? 'STRING').toUpperCase();
    specs.set(p.name.toLowerCase(), {
      type,
      arrayType: p.parameterType?.arrayType?.type?.toUpperCase(),
      value: p.parameterValue?.value ?? null,
      arrayValues: p.parameterValue?.arrayValues
        ? p.parameterValue.arrayValues.map(v => v.value ?? '')
        : null,
    });
  }
  const values: Record<string, string | null> = {};
  const tables: string[] = [];
  const tokens = tokenize(sql);

  const emit = (ts: Token[]): string => {
    let out = '';
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      if (t.kind === 'comment') continue;
      if (t.kind === 'string') {
        out += quoteDuck(t.value!);
        continue;
      }
      if (t.kind === 'quoted') {
        const last = t.value!.split('.').pop()!;
        const p = prevSignificant(ts, i - 1);
        const prev = p >= 0 ? ts[p].text.toUpperCase() : '';
        if (prev === 'FROM' || prev === 'JOIN') tables.push(last);
        out += `"${last.replace(/"/g, '""')}"`;
        continue;
      }
      if (t.kind === 'param') {
        const name = t.value!;
        const spec = specs.get(name.toLowerCase());
        if (!spec) throw new SqlError(`Query parameter '${name}' not found`);
        const key = name.toLowerCase();
        if (spec.type === 'ARRAY') {
          const inner = DUCK_TYPES[spec.arrayType ?? 'STRING'] ?? 'VARCHAR';
          values[key] = JSON.stringify(
            (spec.arrayValues ?? []).map(v =>
              inner === 'BIGINT' || inner === 'DOUBLE' ? Number(v) : v,
            ),
          );
          out += `CAST(CAST($${key} AS JSON) AS ${inner}[])`;
        } else {
          const duck = DUCK_TYPES[spec.type];
          if (!duck)
            throw new SqlError(`Unsupported query parameter type ${spec.type}`);
          values[key] = spec.value;
          out += `CAST($${key} AS ${duck})`;
        }
        continue;
      }
      if (t.kind === 'ident') {
        const upper = t.text.toUpperCase();
        const j = nextSignificant(ts, i + 1);
        const isCall = ts[j]?.kind === 'punct' && ts[j].text === '(';
        const p = prevSignificant(ts, i - 1);
        const prev = p >= 0 ? ts[p].text.toUpperCase() : '';
        if ((prev === 'FROM' || prev === 'JOIN') && !isCall)
          tables.push(t.text);
        if (
          prev === 'AS' &&
          !isCall &&
          upper in DUCK_TYPES &&
          insideCast(ts, i)
        ) {
          out += DUCK_TYPES[upper];
          continue;
        }
        if (
          upper === 'IN' &&
          ts[j]?.kind === 'ident' &&
          ts[j].text.toUpperCase() === 'UNNEST'
        ) {
          const k = nextSignificant(ts, j + 1);
          const {args, end} = callArgs(ts, k);
          out += `IN (SELECT UNNEST(${emit(args[0])}))`;
          i = end;
          continue;
        }
        if (
          isCall &&
          upper === 'UNNEST' &&
          (prev === 'FROM' || prev === 'JOIN' || prev === ',')
        ) {
          // FROM UNNEST(arr) AS x: in BigQuery x is the element; DuckDB names a table.
          const {args, end} = callArgs(ts, j);
          const as = nextSignificant(ts, end + 1);
          const alias = nextSignificant(ts, as + 1);
          if (
            ts[as]?.text.toUpperCase() === 'AS' &&
            ts[alias]?.kind === 'ident'
          ) {
            const x = ts[alias].text;
            out += `UNNEST(${emit(args[0])}) AS ${x}__unnest(${x})`;
            i = alias;
            continue;
          }
        }
        if (isCall) {
          const rewritten = rewriteCall(upper, ts, j, emit);
          if (rewritten) {
            out += rewritten.text;
            i = rewritten.end;
            continue;
          }
        }
        out += t.text;
        continue;
      }
      if (t.kind === 'punct' && t.text === '[') {
        // arr[OFFSET(n)] / [SAFE_OFFSET(n)] (0-based) and [ORDINAL(n)] (1-based) -> DuckDB's 1-based index.
        const j = nextSignificant(ts, i + 1);
        const w = ts[j]?.kind === 'ident' ? ts[j].text.toUpperCase() : '';
        if (['OFFSET', 'SAFE_OFFSET', 'ORDINAL', 'SAFE_ORDINAL'].includes(w)) {
          const k = nextSignificant(ts, j + 1);
          const {args, end} = callArgs(ts, k);
          const close = nextSignificant(ts, end + 1);
          const index = emit(args[0]);
          out += w.endsWith('OFFSET') ? `[(${index}) + 1]` : `[${index}]`;
          i = close;
          continue;
        }
      }
      out += t.text;
    }
    return out;
  };

  const translated = emit(tokens);
  return {sql: translated, values, tables: [...new Set(tables)]};
}

/** True when the token at i sits in a CAST( ... AS <type>) or SAFE_CAST. */
function insideCast(ts: Token[], i: number): boolean {
  let depth = 0;
  for (let k = i - 1; k >= 0; k--) {
    const t = ts[k];
    if (t.kind !== 'punct') continue;
    if (t.text === ')') depth++;
    else if (t.text === '(') {
      if (depth === 0) {
        const p = prevSignificant(ts, k - 1);
        const name = p >= 0 ? ts[p].text.toUpperCase() : '';
        return name === 'CAST' || name === 'SAFE_CAST';
      }
      depth--;
    }
  }
  return false;
}

function rewriteCall(
  name: string,
  ts: Token[],
  open: number,
  emit: (ts: Token[]) => string,
): {text: string; end: number} | null {
  const simple: Record<string, string> = {
    COUNTIF: 'count_if',
    REGEXP_CONTAINS: 'regexp_matches',
    ARRAY_LENGTH: 'len',
    UNIX_MICROS: 'epoch_us',
    UNIX_MILLIS: 'epoch_ms',
    UNIX_SECONDS: 'epoch',
    TIMESTAMP_MICROS: 'make_timestamptz',
    LOGICAL_OR: 'bool_or',
    LOGICAL_AND: 'bool_and',
    STARTS_WITH: 'starts_with',
    SAFE_CAST: 'TRY_CAST',
  };
  const handled = [
    ...Object.keys(simple),
    'DATE',
    'TIMESTAMP',
    'DIV',
    'REGEXP_EXTRACT',
    'REGEXP_REPLACE',
    'TIMESTAMP_MILLIS',
    'TIMESTAMP_SECONDS',
  ];
  if (!handled.includes(name)) return null;
  const {args, end} = callArgs(ts, open);
  const a = args.map(emit);
  let text: string;
  switch (name) {
    case 'DATE':
      text =
        a.length === 2
          ? `CAST(timezone(${a[1]}, ${a[0]}) AS DATE)`
          : a.length === 3
            ? `make_date(${a[0]}, ${a[1]}, ${a[2]})`
            : `CAST(${a[0]} AS DATE)`;
      break;
    case 'TIMESTAMP':
      text =
        a.length === 2
          ? `timezone(${a[1]}, CAST(${a[0]} AS TIMESTAMP))`
          : `CAST(${a[0]} AS TIMESTAMPTZ)`;
      break;
    case 'TIMESTAMP_MILLIS':
      text = `make_timestamptz((${a[0]}) * 1000)`;
      break;
    case 'TIMESTAMP_SECONDS':
      text = `make_timestamptz((${a[0]}) * 1000000)`;
      break;
    case 'DIV':
      text = `((${a[0]}) // (${a[1]}))`;
      break;
    case 'REGEXP_EXTRACT':
      // BigQuery: NULL when nothing matches; DuckDB would return ''.
      text = `(CASE WHEN regexp_matches(${a[0]}, ${a[1]}) THEN regexp_extract(${a[0]}, ${a[1]}, 1) END)`;
      break;
    case 'REGEXP_REPLACE':
      // BigQuery replaces every match.
      text = `regexp_replace(${a[0]}, ${a[1]}, ${a[2]}, 'g')`;
      break;
    default:
      text = `${simple[name]}(${a.join(', ')})`;
  }
  return {text, end};
}

/* ================================================================ export tables */

/** Struct fields of `activity.login` and `activity.classroom` kept by the fake. */
const LOGIN_FIELDS: Record<string, 'VARCHAR' | 'BOOLEAN' | 'BIGINT'> = {
  login_type: 'VARCHAR',
  login_challenge_method: 'VARCHAR',
  login_failure_type: 'VARCHAR',
  is_suspicious: 'BOOLEAN',
  is_second_factor: 'BOOLEAN',
  login_timestamp: 'BIGINT',
};
const CLASSROOM_FIELDS: Record<string, 'VARCHAR' | 'BOOLEAN' | 'BIGINT'> = {
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

const ACTIVITY_COLUMNS: Record<string, string> = {
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
const USAGE_COLUMNS: Record<string, string> = {
  date: 'DATE',
  record_type: 'VARCHAR',
  user_email: 'VARCHAR',
  domain_name: 'VARCHAR',
  accounts: structType(USAGE_ACCOUNTS_FIELDS),
  classroom: structType(USAGE_CLASSROOM_FIELDS),
  _PARTITIONTIME: 'TIMESTAMPTZ',
};

const DAY_MS = 86_400_000;

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
type PartitionBytes = Map<number, Map<string, number>>;

function addBytes(
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

/* ================================================================ worker bridge */

const WORKER_SOURCE = `
const {workerData} = require('node:worker_threads');
const {DuckDBInstance} = require(workerData.modulePath);
const port = workerData.port;
const flag = new Int32Array(workerData.flag);
let connection = null;
async function handle(msg) {
  if (msg.op === 'init') {
    const instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    return {ok: true};
  }
  if (msg.op === 'exec') {
    await connection.run(msg.sql);
    return {ok: true};
  }
  if (msg.op === 'query') {
    const reader = await connection.runAndReadAll(msg.sql, msg.values || undefined);
    return {
      ok: true,
      columns: reader.columnNames(),
      types: reader.columnTypes().map(t => t.toString()),
      rows: reader.getRowsJson(),
    };
  }
  throw new Error('unknown op ' + msg.op);
}
port.on('message', async msg => {
  let reply;
  try {
    reply = await handle(msg);
  } catch (e) {
    reply = {ok: false, error: String(e && e.message ? e.message : e)};
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Reply {
  ok: boolean;
  error?: string;
  columns?: string[];
  types?: string[];
  rows?: unknown[][];
}

/** DuckDB behind a worker thread, called synchronously. */
export class DuckDbBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  constructor(private readonly timeoutMs = 120_000) {
    const {port1, port2} = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        modulePath: require.resolve('@duckdb/node-api'),
        port: port2,
        flag: this.flag.buffer,
      },
      transferList: [port2],
    });
    this.worker.unref();
    this.call({op: 'init'});
  }

  call(msg: Record<string, unknown>): Reply {
    if (this.closed) throw new Error('DuckDB bridge is closed');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(msg);
    const waited = Atomics.wait(this.flag, 0, 0, this.timeoutMs);
    if (waited === 'timed-out')
      throw new Error(`DuckDB did not answer within ${this.timeoutMs} ms`);
    const got = receiveMessageOnPort(this.port);
    if (!got) throw new Error('DuckDB answered without a message');
    return got.message as Reply;
  }

  exec(sql: string): void {
    const r = this.call({op: 'exec', sql});
    if (!r.ok) throw new SqlError(r.error ?? 'DuckDB error');
  }

  query(
    sql: string,
    values?: Record<string, string | null>,
  ): Required<Pick<Reply, 'columns' | 'types' | 'rows'>> {
    const r = this.call({op: 'query', sql, values});
    if (!r.ok) throw new SqlError(r.error ?? 'DuckDB error');
    return {columns: r.columns!, types: r.types!, rows: r.rows!};
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}

/* ================================================================ the backend */

export interface DuckDbBigQueryOptions {
  /** The dataset the export writes to; other datasets are not found (404). */
  projectId: string;
  datasetId: string;
  /** The first `jobComplete: false` answers per query (to exercise polling). Default 0. */
  incompletePolls?: number;
  /** Rows per page when the request sets no maxResults (BigQuery pages by ~10 MB). */
  defaultPageRows?: number;
}

interface Job {
  projectId: string;
  jobId: string;
  location: string;
  schema: {fields: {name: string; type: string; mode: string}[]};
  rows: {f: {v: string | null}[]}[];
  bytes: number;
  polls: number;
  maxResults: number;
}

function bqType(duck: string): string {
  const t = duck.toUpperCase();
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)/.test(t))
    return 'INTEGER';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL)/.test(t)) return 'FLOAT';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (t.startsWith('TIMESTAMP WITH TIME ZONE') || t === 'TIMESTAMPTZ')
    return 'TIMESTAMP';
  if (t.startsWith('TIMESTAMP')) return 'DATETIME';
  return 'STRING';
}

/** A cell as the REST API returns it: text (TIMESTAMP as epoch seconds), null for NULL. */
function cellValue(v: unknown, type: string): string | null {
  if (v === null || v === undefined) return null;
  if (type === 'TIMESTAMP') {
    const ms = Date.parse(
      String(v)
        .replace(' ', 'T')
        .replace(/([+-]\d\d)$/, '$1:00'),
    );
    return String(ms / 1000);
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Names defined by `name AS (` (common table expressions). */
function cteNames(sql: string): Set<string> {
  const ts = tokenize(sql).filter(t => t.kind !== 'ws' && t.kind !== 'comment');
  const out = new Set<string>();
  for (let i = 0; i + 2 < ts.length; i++) {
    if (
      ts[i].kind === 'ident' &&
      ts[i + 1].text.toUpperCase() === 'AS' &&
      ts[i + 2].text === '('
    ) {
      out.add(ts[i].text.toLowerCase());
    }
  }
  return out;
}

function httpError(code: number, message: string, reason: string): Error {
  return Object.assign(new Error(message), {code, reason});
}

export class DuckDbBigQuery implements BigQueryBackend {
  private readonly db: DuckDbBridge;
  private readonly jobs = new Map<string, Job>();
  private readonly partitionBytes: Record<
    'activity' | 'usage',
    PartitionBytes
  > = {
    activity: new Map(),
    usage: new Map(),
  };
  private readonly tmp: string;
  private nextJob = 1;
  /** Queries run (dry runs included), for tests and benchmarks. */
  readonly log: {
    query: string;
    dryRun: boolean;
    bytes: number;
    rows: number;
  }[] = [];

  constructor(
    tables: ExportTables,
    readonly options: DuckDbBigQueryOptions,
  ) {
    this.db = new DuckDbBridge();
    this.tmp = mkdtempSync(join(tmpdir(), 'bq-duckdb-'));
    try {
      this.load('activity', ACTIVITY_COLUMNS, tables.activity);
      this.load('usage', USAGE_COLUMNS, tables.usage);
    } finally {
      rmSync(this.tmp, {recursive: true, force: true});
    }
  }

  private load(
    name: 'activity' | 'usage',
    columns: Record<string, string>,
    rows: object[],
  ): void {
    const ddl = Object.entries(columns)
      .map(([c, t]) => `"${c}" ${t}`)
      .join(', ');
    this.db.exec(`CREATE TABLE "${name}" (${ddl})`);
    const file = join(this.tmp, `${name}.ndjson`);
    const lines: string[] = [];
    for (const r of rows as (Record<string, unknown> & {
      ingestedMs: number;
    })[]) {
      const day = Math.floor(r.ingestedMs / DAY_MS);
      addBytes(this.partitionBytes[name], day, r);
      const out: Record<string, unknown> = {};
      for (const c of Object.keys(columns)) {
        if (c === '_PARTITIONTIME')
          out[c] = new Date(day * DAY_MS).toISOString();
        else out[c] = r[c] ?? null;
      }
      lines.push(JSON.stringify(out));
    }
    writeFileSync(file, lines.join('\n') + '\n');
    const spec = Object.entries(columns)
      .map(([c, t]) => `'${c}': '${t.replace(/'/g, "''")}'`)
      .join(', ');
    if (rows.length) {
      this.db.exec(
        `INSERT INTO "${name}" SELECT * FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${spec}})`,
      );
    }
  }

  close(): void {
    this.db.close();
  }

  /** Rows of a table (for tests). */
  count(table: 'activity' | 'usage'): number {
    return Number(this.db.query(`SELECT COUNT(*) FROM "${table}"`).rows[0][0]);
  }

  private checkDataset(request: QueryRequest): void {
    const ds = request.defaultDataset;
    if (!ds?.datasetId) return;
    if (
      ds.datasetId !== this.options.datasetId ||
      (ds.projectId ?? this.options.projectId) !== this.options.projectId
    ) {
      throw httpError(
        404,
        `Not found: Dataset ${ds.projectId}:${ds.datasetId}`,
        'notFound',
      );
    }
  }

  /** Bytes a query processes: the referenced columns of the partitions its filters keep. */
  estimateBytes(
    sql: string,
    parameters: GoogleAppsScript.BigQuery.Schema.QueryParameter[] = [],
  ): number {
    const tokens = tokenize(sql).filter(
      t => t.kind !== 'ws' && t.kind !== 'comment',
    );
    const params = new Map(
      parameters.map(p => [
        String(p.name).toLowerCase(),
        p.parameterValue?.value ?? null,
      ]),
    );
    const idents = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind !== 'ident') continue;
      const name = t.text.toLowerCase();
      if (tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'ident') {
        idents.add(`${name}.${tokens[i + 2].text.toLowerCase()}`);
      }
      idents.add(name);
    }
    let total = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!(t.kind === 'ident' || t.kind === 'quoted')) continue;
      const prev = tokens[i - 1]?.text.toUpperCase();
      if (prev !== 'FROM' && prev !== 'JOIN') continue;
      const table = (t.value ?? t.text).split('.').pop()!.toLowerCase();
      if (table !== 'activity' && table !== 'usage') continue;
      // The scan's own WHERE: up to the end of its SELECT at the same depth.
      let lo = -Infinity;
      let hi = Infinity;
      let depth = 0;
      for (let k = i + 1; k < tokens.length; k++) {
        const x = tokens[k];
        if (x.text === '(') depth++;
        if (x.text === ')') {
          if (depth === 0) break;
          depth--;
        }
        const up = x.text.toUpperCase();
        if (
          depth === 0 &&
          (up === 'UNION' ||
            up === 'GROUP' ||
            up === 'ORDER' ||
            up === 'SELECT')
        )
          break;
        if (up !== '_PARTITIONTIME') continue;
        const op = tokens[k + 1]?.text;
        const rhs = tokens[k + 2];
        let ms: number | null = null;
        if (rhs?.kind === 'param') {
          const v = params.get(rhs.value!.toLowerCase());
          ms = v ? Date.parse(v.replace(' ', 'T')) : null;
        } else if (
          rhs?.kind === 'ident' &&
          rhs.text.toUpperCase() === 'TIMESTAMP' &&
          tokens[k + 3]?.kind === 'string'
        ) {
          ms = Date.parse(tokens[k + 3].value!.replace(' ', 'T'));
        }
        if (ms === null || Number.isNaN(ms)) continue;
        const day = Math.floor(ms / DAY_MS);
        if (op === '>=') lo = Math.max(lo, day);
        else if (op === '>')
          lo = Math.max(lo, ms % DAY_MS === 0 ? day : day + 1);
        else if (op === '<')
          hi = Math.min(hi, ms % DAY_MS === 0 ? day - 1 : day);
        else if (op === '<=') hi = Math.min(hi, day);
      }
      for (const [day, cols] of this.partitionBytes[table]) {
        if (day < lo || day > hi) continue;
        for (const [col, bytes] of cols) {
          const top = col.split('.')[0];
          if (
            idents.has(col.toLowerCase()) ||
            (idents.has(top.toLowerCase()) && !col.includes('.'))
          ) {
            total += bytes;
          }
        }
      }
    }
    return total;
  }

  query(request: QueryRequest, projectId: string): QueryResponse {
    if (request.useLegacySql !== false) {
      throw httpError(
        400,
        'Querying tables with Legacy SQL is not supported here: set useLegacySql to false',
        'invalid',
      );
    }
    if (!request.query) throw httpError(400, 'Query text is empty', 'invalid');
    if (projectId !== this.options.projectId) {
      throw httpError(
        403,
        `Access Denied: Project ${projectId}: User does not have bigquery.jobs.create permission`,
        'accessDenied',
      );
    }
    this.checkDataset(request);
    let t: Translation;
    try {
      t = translateSql(request.query, request.queryParameters ?? []);
    } catch (e) {
      throw httpError(400, (e as Error).message, 'invalidQuery');
    }
    const ctes = cteNames(request.query);
    for (const table of t.tables) {
      const name = table.toLowerCase();
      if (name !== 'activity' && name !== 'usage' && !ctes.has(name)) {
        throw httpError(
          404,
          `Not found: Table ${this.options.projectId}:${this.options.datasetId}.${table}`,
          'notFound',
        );
      }
    }
    const bytes = this.estimateBytes(
      request.query,
      request.queryParameters ?? [],
    );
    const location = request.location ?? 'US';
    if (request.dryRun) {
      // Validate like BigQuery: the query must compile.
      try {
        this.db.query(`EXPLAIN ${t.sql}`, t.values);
      } catch (e) {
        throw httpError(400, (e as Error).message, 'invalidQuery');
      }
      this.log.push({query: request.query, dryRun: true, bytes, rows: 0});
      return {
        kind: 'bigquery#queryResponse',
        jobComplete: true,
        totalBytesProcessed: String(bytes),
        jobReference: {projectId, location},
      } as QueryResponse;
    }
    let result: {columns: string[]; types: string[]; rows: unknown[][]};
    try {
      result = this.db.query(t.sql, t.values);
    } catch (e) {
      throw httpError(400, (e as Error).message, 'invalidQuery');
    }
    const fields = result.columns.map((name, i) => ({
      name,
      type: bqType(result.types[i]),
      mode: 'NULLABLE',
    }));
    const job: Job = {
      projectId,
      jobId: `job_${String(this.nextJob++).padStart(6, '0')}`,
      location,
      schema: {fields},
      rows: result.rows.map(r => ({
        f: r.map((v, i) => ({v: cellValue(v, fields[i].type)})),
      })),
      bytes,
      polls: 0,
      maxResults: Number(
        request.maxResults ?? this.options.defaultPageRows ?? 10000,
      ),
    };
    this.jobs.set(job.jobId, job);
    this.log.push({
      query: request.query,
      dryRun: false,
      bytes,
      rows: job.rows.length,
    });
    return this.page(job, 0, job.maxResults, true) as QueryResponse;
  }

  private page(
    job: Job,
    start: number,
    max: number,
    first: boolean,
  ): QueryResponse | ResultsResponse {
    const base = {
      jobReference: {
        projectId: job.projectId,
        jobId: job.jobId,
        location: job.location,
      },
      totalBytesProcessed: String(job.bytes),
    };
    if (job.polls < (this.options.incompletePolls ?? 0)) {
      job.polls++;
      return {
        kind: first
          ? 'bigquery#queryResponse'
          : 'bigquery#getQueryResultsResponse',
        jobComplete: false,
        ...base,
      };
    }
    const rows = job.rows.slice(start, start + max);
    const next = start + rows.length;
    return {
      kind: first
        ? 'bigquery#queryResponse'
        : 'bigquery#getQueryResultsResponse',
      jobComplete: true,
      schema: job.schema,
      // The typings declare TableCell.v as object; the REST API sends strings.
      rows: rows as unknown as GoogleAppsScript.BigQuery.Schema.TableRow[],
      totalRows: String(job.rows.length),
      ...(next < job.rows.length ? {pageToken: `p${next}`} : {}),
      ...base,
    };
  }

  getQueryResults(
    projectId: string,
    jobId: string,
    args: BigQueryResultsArgs = {},
  ): ResultsResponse {
    const job = this.jobs.get(jobId);
    if (!job || job.projectId !== projectId) {
      throw httpError(404, `Not found: Job ${projectId}:${jobId}`, 'notFound');
    }
    let start = 0;
    if (args.pageToken) {
      const m = /^p(\d+)$/.exec(args.pageToken);
      if (!m)
        throw httpError(400, `Invalid page token ${args.pageToken}`, 'invalid');
      start = Number(m[1]);
    } else if (args.startIndex !== undefined) {
      start = Number(args.startIndex);
    }
    return this.page(
      job,
      start,
      Number(args.maxResults ?? job.maxResults),
      false,
    ) as ResultsResponse;
  }
}

/* ================================================================ demo district -> export */

export interface ExportOptions {
  /** The period of activity exported, in epoch ms [startMs, endMs). */
  startMs: number;
  endMs: number;
  /** Applications exported (record_type). */
  apps?: string[];
  /** Delay from event to ingestion (the row's partition). Default: 0 to 20 hours, by event. */
  ingestionDelayMs?: (
    row: {time_usec: number; email: string | null},
    index: number,
  ) => number;
  /** Days from a usage date to its ingestion. Default 2. */
  usageDelayDays?: number;
}

function param(
  ev: {parameters?: unknown},
  name: string,
):
  | {
      value?: string;
      boolValue?: boolean;
      intValue?: string;
      multiValue?: string[];
    }
  | undefined {
  const ps = Array.isArray(ev.parameters) ? ev.parameters : [];
  return ps.find((p: {name?: string}) => p?.name === name);
}

function structOf(
  ev: {parameters?: unknown},
  fields: Record<string, 'VARCHAR' | 'BOOLEAN' | 'BIGINT'>,
): Record<string, string | boolean | number | null> | null {
  const out: Record<string, string | boolean | number | null> = {};
  let any = false;
  for (const [f, type] of Object.entries(fields)) {
    const p = param(ev, f);
    let v: string | boolean | number | null = null;
    if (p) {
      if (type === 'BOOLEAN') {
        v =
          typeof p.boolValue === 'boolean'
            ? p.boolValue
            : typeof p.value === 'string'
              ? p.value.toLowerCase() === 'true'
              : null;
      } else if (type === 'BIGINT') {
        v =
          p.intValue !== undefined
            ? Number(p.intValue)
            : p.value !== undefined
              ? Number(p.value)
              : null;
      } else {
        v =
          p.value ??
          (p.multiValue ? p.multiValue.join(',') : (p.intValue ?? null));
      }
      any = true;
    }
    out[f] = v;
  }
  return any ? out : null;
}

function hash32(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** The demo district (any WorkspaceData) in the export's table layout. */
export function exportRowsFromWorkspace(
  data: WorkspaceData,
  opt: ExportOptions,
): ExportTables {
  const apps = opt.apps ?? ['login', 'classroom'];
  const users = data.users();
  const byEmail = new Map<string, (typeof users)[number]>();
  const byId = new Map<string, (typeof users)[number]>();
  for (const u of users) {
    if (u.primaryEmail) byEmail.set(u.primaryEmail.toLowerCase(), u);
    if (u.id) byId.set(String(u.id), u);
  }
  const root = data.primaryDomain;
  const pathOf = (ou: string | null | undefined): string[] => [
    root,
    ...String(ou ?? '/')
      .split('/')
      .filter(s => s !== ''),
  ];
  const delay =
    opt.ingestionDelayMs ??
    ((r: {time_usec: number; email: string | null}) =>
      (hash32(`${r.time_usec}|${r.email}`) % 1200) * 60_000);
  const activity: ActivityRow[] = [];
  // The Reports API may page an activity twice; the export holds each event once.
  const seen = new Set<string>();
  for (const app of apps) {
    // Day by day keeps the working set small for a large district.
    for (let s = opt.startMs; s < opt.endMs; s += DAY_MS) {
      const e = Math.min(opt.endMs, s + DAY_MS);
      for (const a of data.activities(app, s, e)) {
        const ms = Date.parse(String(a.id?.time));
        if (!Number.isFinite(ms)) continue;
        const key = `${app}|${a.id?.time}|${a.id?.uniqueQualifier}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const actor = a.actor ?? {};
        const user =
          (actor.profileId ? byId.get(String(actor.profileId)) : undefined) ??
          (actor.email
            ? byEmail.get(String(actor.email).toLowerCase())
            : undefined);
        const email = actor.email ?? user?.primaryEmail ?? null;
        for (const ev of a.events ?? []) {
          if (!ev.name) continue;
          const row: ActivityRow = {
            time_usec: ms * 1000,
            email,
            event_type: ev.type ?? null,
            event_name: ev.name,
            record_type: app,
            org_unit_name_path: user ? pathOf(user.orgUnitPath) : null,
            ip_address: a.ipAddress ?? null,
            domain_name: root,
            login: app === 'login' ? structOf(ev, LOGIN_FIELDS) : null,
            classroom:
              app === 'classroom' ? structOf(ev, CLASSROOM_FIELDS) : null,
            ingestedMs: 0,
          };
          row.ingestedMs = ms + delay(row, activity.length);
          activity.push(row);
        }
      }
    }
  }
  const usage: UsageRow[] = [];
  const usageDelay = (opt.usageDelayDays ?? 2) * DAY_MS;
  for (
    let s = Math.floor(opt.startMs / DAY_MS) * DAY_MS;
    s < opt.endMs;
    s += DAY_MS
  ) {
    const date = new Date(s).toISOString().slice(0, 10);
    for (const r of data.userUsage(date)) {
      const email = r.entity?.userEmail;
      if (!email) continue;
      const ps = r.parameters ?? [];
      const get = (n: string) => ps.find(p => p.name === n);
      const role = get('classroom:role')?.stringValue ?? null;
      const posts = get('classroom:num_posts_created')?.intValue;
      const courses = get('classroom:num_courses_created')?.intValue;
      const lastLogin =
        get('accounts:last_login_time')?.datetimeValue ??
        get('accounts:timestamp_last_login')?.datetimeValue;
      const lastInteraction =
        get('classroom:last_interaction_time')?.datetimeValue ??
        get('classroom:timestamp_last_interaction')?.datetimeValue;
      usage.push({
        date,
        record_type: 'user',
        user_email: email,
        domain_name: root,
        accounts: {
          last_login_time: lastLogin ? Date.parse(lastLogin) * 1000 : null,
        },
        classroom: {
          role,
          num_posts_created:
            posts !== undefined && posts !== null ? Number(posts) : null,
          num_courses_created:
            courses !== undefined && courses !== null ? Number(courses) : null,
          last_interaction_time: lastInteraction
            ? Date.parse(lastInteraction) * 1000
            : null,
        },
        ingestedMs: s + usageDelay,
      });
    }
  }
  return {activity, usage};
}

/** A DuckDB BigQuery backend loaded with a WorkspaceData's export rows. */
export function createWorkspaceBigQuery(
  data: WorkspaceData,
  exportOptions: ExportOptions,
  options: DuckDbBigQueryOptions,
): DuckDbBigQuery {
  return new DuckDbBigQuery(
    exportRowsFromWorkspace(data, exportOptions),
    options,
  );
}
