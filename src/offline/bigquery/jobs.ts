/**
 * The BigQuery backend: Jobs.query runs the translated SQL on DuckDB and answers with
 * the first page (optionally `jobComplete: false` first, to exercise polling),
 * getQueryResults pages by pageToken, cell values are strings as in the REST API,
 * errors are BigQuery's (400 invalidQuery, 403, 404), and a dry run reports the bytes
 * the query would process: the referenced columns of the partitions its
 * `_PARTITIONTIME` filters keep.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {BigQueryBackend, BigQueryResultsArgs} from '../advanced';
import {DuckDbBridge} from './duckdb-bridge';
import {Translation, tokenize, translateSql} from './sql';
import {
  ACTIVITY_COLUMNS,
  DAY_MS,
  ExportTables,
  PartitionBytes,
  USAGE_COLUMNS,
  addBytes,
} from './tables';

type QueryRequest = GoogleAppsScript.BigQuery.Schema.QueryRequest;
type QueryResponse = GoogleAppsScript.BigQuery.Schema.QueryResponse;
type ResultsResponse = GoogleAppsScript.BigQuery.Schema.GetQueryResultsResponse;

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
