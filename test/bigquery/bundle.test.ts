/**
 * The built bundle (dist/Code.js) in the offline runtime: the main job on the demo district
 * with `source: bigquery` (BigQuery answered by DuckDB over the district's export rows)
 * writes the same daily facts as with `source: api`.
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {defaultSettings} from '../../src/core/settings';
import {createDemoDistrict} from '../../src/demo';
import {
  DuckDbBigQuery,
  exportRowsFromWorkspace,
} from '../../src/offline/bigquery-duckdb';
import {createOfflineRuntime} from '../../src/offline/runtime';
import {DATASET, PROJECT} from './harness';

const root = join(__dirname, '..', '..');
let code: string;
beforeAll(() => {
  const path = join(root, 'dist', 'Code.js');
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '';
  }
  if (!text.includes('BigQuerySource')) {
    execFileSync('node', [join(root, 'scripts/build.mjs')], {
      cwd: root,
      stdio: 'pipe',
    });
    text = readFileSync(path, 'utf8');
  }
  code = text;
});

const demo = createDemoDistrict({schools: 3, days: 200, start: '2024-08-19'});
const START = Date.UTC(2025, 2, 3, 14);

function runJob(
  source: 'api' | 'bigquery',
  backend: DuckDbBigQuery | undefined,
) {
  const rt = createOfflineRuntime({
    data: demo.data,
    bigQuery: backend,
    startTime: START,
    timeZone: demo.timeZone,
  });
  const settings = {
    ...defaultSettings(demo.timeZone),
    ...demo.settingsHints,
    startDate: '2025-02-03',
    calendar: demo.calendar,
    budgetSeconds: 60,
    source,
    bigQueryProject: PROJECT,
    bigQueryDataset: DATASET,
  };
  const saved = rt.execute(code, 'saveSettings', [settings]);
  expect(saved.ok).toBe(true);
  const errors: string[] = [];
  const first = rt.execute(code, 'runJob', []);
  if (!first.ok) errors.push(first.error?.message ?? '?');
  let executions = 1;
  for (
    let i = 0;
    i < 500 && rt.triggers.some(t => t.handler === 'continueRun');
    i++
  ) {
    rt.clock.advance(180_000);
    for (const f of rt.fireDueTriggers(code)) {
      executions++;
      if (!f.result.ok && !f.result.timedOut)
        errors.push(f.result.error?.message ?? '?');
    }
  }
  const daily =
    rt.spreadsheet.getSheetByName('Daily facts')?.getDataRange().getValues() ??
    null;
  return {errors, executions, daily, calls: rt.calls.byName()};
}

test('the job writes the same Daily facts tab through BigQuery as through the API', () => {
  const backend = new DuckDbBigQuery(
    exportRowsFromWorkspace(demo.data, {
      startMs: Date.UTC(2025, 1, 1),
      endMs: START,
    }),
    {projectId: PROJECT, datasetId: DATASET},
  );
  try {
    const api = runJob('api', undefined);
    const bq = runJob('bigquery', backend);
    expect(api.errors).toEqual([]);
    expect(bq.errors).toEqual([]);
    expect(api.daily).not.toBeNull();
    expect(api.daily!.length).toBeGreaterThan(100);
    expect(bq.daily).toEqual(api.daily);
    // BigQuery did the work: a few jobs instead of pages of activities.
    expect(bq.calls['BigQuery.Jobs.query']).toBeGreaterThan(0);
    expect(bq.calls['AdminReports.Activities.list'] ?? 0).toBe(0);
    expect(api.calls['AdminReports.Activities.list']).toBeGreaterThan(
      bq.calls['BigQuery.Jobs.query'],
    );
  } finally {
    backend.close();
  }
});
