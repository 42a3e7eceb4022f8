/**
 * BigQuery Standard SQL to DuckDB: a thin token-level translation for the functions
 * whose names or semantics differ (TIMESTAMP_MICROS, UNIX_MICROS, DATE(ts, tz),
 * TIMESTAMP(date, tz), DIV, COUNTIF, REGEXP_*, ARRAY_LENGTH, [SAFE_]OFFSET/ORDINAL,
 * IN UNNEST, CAST types, backtick table paths, "strings", and `@params`, each bound with
 * its declared type); anything else passes through.
 */

export interface Token {
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
