import {DuckDbBridge, translateSql} from '../../src/offline/bigquery-duckdb';
import {array, scalar} from '../../src/sources/bigquery/sql';

describe('BigQuery -> DuckDB translation', () => {
  let db: DuckDbBridge;
  beforeAll(() => {
    db = new DuckDbBridge();
  });
  afterAll(() => db.close());

  const run = (sql: string, params = [] as ReturnType<typeof scalar>[]) => {
    const t = translateSql(sql, params);
    return db.query(t.sql, t.values).rows;
  };

  it('binds typed @params and never inlines them', () => {
    const t = translateSql(
      "SELECT @name AS n, @k + 1 AS k, 'x' IN UNNEST(@list) AS inside",
      [
        scalar('name', 'STRING', "O'Brien; DROP TABLE activity"),
        scalar('k', 'INT64', 41),
        array('list', 'STRING', ['x', 'y']),
      ],
    );
    expect(t.sql).not.toContain('Brien');
    expect(db.query(t.sql, t.values).rows).toEqual([
      ["O'Brien; DROP TABLE activity", '42', true],
    ]);
  });

  it('rejects a parameter the request does not define', () => {
    expect(() => translateSql('SELECT @missing', [])).toThrow(
      "Query parameter 'missing' not found",
    );
  });

  it('translates time functions with BigQuery semantics', () => {
    // 2025-03-09 07:30 UTC is 03:30 EDT (after the spring-forward), 2025-03-09 in New York.
    const usec = Date.UTC(2025, 2, 9, 7, 30) * 1000;
    expect(
      run(
        `SELECT DATE(TIMESTAMP_MICROS(@t), @tz) AS d,
           UNIX_MICROS(TIMESTAMP(DATE(TIMESTAMP_MICROS(@t), @tz), @tz)) AS midnight,
           DIV(@t - UNIX_MICROS(TIMESTAMP(DATE(TIMESTAMP_MICROS(@t), @tz), @tz)), 60000000) AS minute`,
        [
          scalar('t', 'INT64', usec),
          scalar('tz', 'STRING', 'America/New_York'),
        ],
      ),
    ).toEqual([['2025-03-09', String(Date.UTC(2025, 2, 9, 5) * 1000), '150']]);
  });

  it('translates arrays, regular expressions and counting', () => {
    expect(
      run(
        `SELECT ['root', 'Schools', 'PS 1'][SAFE_OFFSET(1)] AS a,
           ['root'][SAFE_OFFSET(3)] AS b,
           ['x', 'y'][ORDINAL(2)] AS c,
           ARRAY_LENGTH(['a', 'b', 'c']) AS n,
           REGEXP_EXTRACT('/Schools/PS 1/Students', '^((?:/[^/]+){2})(?:/|$)') AS school,
           REGEXP_EXTRACT('/Schools', '^((?:/[^/]+){2})(?:/|$)') AS none,
           REGEXP_CONTAINS('/x/STUDENTS/y', '(?i)/students?(/|$)') AS student,
           REGEXP_REPLACE('a.b.c', '[.]', '/') AS replaced,
           CAST(12 AS STRING) AS s`,
      ),
    ).toEqual([
      ['Schools', null, 'y', '3', '/Schools/PS 1', null, true, 'a/b/c', '12'],
    ]);
    expect(
      run('SELECT COUNTIF(x > 1) AS n FROM UNNEST([1, 2, 3]) AS x'),
    ).toEqual([['2']]);
  });

  it('reads BigQuery string literals and backtick table paths', () => {
    const t = translateSql(
      "SELECT \"it's\" AS a, r'\\d+' AS b FROM `my-project.logs.activity`",
    );
    expect(t.tables).toEqual(['activity']);
    expect(t.sql).toContain('"activity"');
    expect(t.sql).toContain("'it''s'");
    expect(t.sql).toContain("'\\d+'");
  });
});
