/**
 * The Run log of a nightly run, through the built bundle on the offline runtime: service
 * calls by service and rows written, per execution and per run, equal what the runtime
 * counted and what the fact store holds.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {defaultSettings} from '../../src/core/settings';
import {createDemoDistrict} from '../../src/demo';
import {createOfflineRuntime} from '../../src/offline/runtime';

const root = join(__dirname, '..', '..');
let code: string;
beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'Code.js'))) {
    execFileSync('node', [join(root, 'scripts/build.mjs')], {
      cwd: root,
      stdio: 'pipe',
    });
  }
  code = readFileSync(join(root, 'dist', 'Code.js'), 'utf8');
});

const SERVICE: Record<string, string> = {
  AdminReports: 'Reports',
  AdminDirectory: 'Directory',
  Classroom: 'Classroom',
  BigQuery: 'BigQuery',
  UrlFetchApp: 'UrlFetch',
  CalendarApp: 'Calendar',
};

/** The runtime's own counts of one execution, by the Run log's service names. */
function byService(
  callsByName: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(callsByName)) {
    const s = SERVICE[name.split('.')[0]];
    if (s) out[s] = (out[s] ?? 0) + n;
  }
  return out;
}

function parseCalls(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(', ').filter(Boolean)) {
    const m = /^(\w+) (\d+)$/.exec(part);
    if (!m) throw new Error(`unreadable calls: ${part}`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

test("a nightly run's log row counts its service calls by service and the fact rows it wrote", () => {
  const demo = createDemoDistrict({schools: 3, days: 200, start: '2024-08-19'});
  const rt = createOfflineRuntime({
    data: demo.data,
    startTime: Date.UTC(2025, 2, 3, 14),
    timeZone: demo.timeZone,
  });
  const settings = {
    ...defaultSettings(demo.timeZone),
    ...demo.settingsHints,
    startDate: '2025-02-24',
    calendar: demo.calendar,
    budgetSeconds: 60,
  };
  expect(rt.execute(code, 'saveSettings', [settings]).ok).toBe(true);
  // A Run log tab of the earlier version (no per-service columns) with one run in it.
  const old = [
    'Run',
    'Trigger',
    'Started',
    'Finished',
    'Status',
    'Phase',
    'Executions',
    'Days',
    'Rows written',
    'Service calls',
    'Message',
  ];
  const tab = rt.spreadsheet.insertSheet('Run log');
  tab
    .getRange(1, 1, 2, old.length)
    .setValues([
      old,
      ['r-old', 'nightly', '', '', 'ok', 'done', 1, 1, 0, 0, 'earlier'],
    ]);

  const runLog = () => {
    const v = rt.spreadsheet
      .getSheetByName('Run log')!
      .getDataRange()
      .getValues();
    const h = v[0].map(String);
    return v.slice(1).map(r => Object.fromEntries(h.map((k, j) => [k, r[j]])));
  };
  const total: Record<string, number> = {};
  const executions: Array<{calls: Record<string, number>; logged: string}> = [];
  const record = (callsByName: Record<string, number>) => {
    const mine = byService(callsByName);
    for (const [k, n] of Object.entries(mine)) total[k] = (total[k] ?? 0) + n;
    const rows = runLog();
    executions.push({
      calls: mine,
      logged: String(rows[rows.length - 1]['Last execution']),
    });
  };
  const first = rt.execute(code, 'runNightly', []);
  expect(first.ok).toBe(true);
  record(first.callsByName);
  for (
    let i = 0;
    i < 200 && rt.triggers.some(t => t.handler === 'continueRun');
    i++
  ) {
    rt.clock.advance(180_000);
    for (const f of rt.fireDueTriggers(code)) {
      expect(f.result.ok).toBe(true);
      record(f.result.callsByName);
    }
  }
  const [earlier, ...rows] = runLog();
  expect(earlier['Run']).toBe('r-old');
  expect(earlier['Message']).toBe('earlier');
  expect(earlier['Calls by service']).toBe('');
  expect(rows).toHaveLength(1);
  const run = rows[0];
  expect(run['Trigger']).toBe('nightly');
  expect(run['Status']).toBe('ok');

  // Each execution's own counts equal the runtime's counter for that execution.
  for (const [i, ex] of executions.entries()) {
    const m = /^Execution (\d+): (.*); (\d+) row\(s\) written\.$/.exec(
      ex.logged,
    );
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(i + 1);
    expect(parseCalls(m![2] === 'no service calls' ? '' : m![2])).toEqual(
      ex.calls,
    );
  }
  // The run's row sums its executions.
  expect(Object.keys(total)).toEqual(
    expect.arrayContaining(['Reports', 'Directory']),
  );
  expect(total['Reports']).toBeGreaterThan(0);
  expect(parseCalls(String(run['Calls by service']))).toEqual(total);
  expect(run['Service calls']).toBe(
    Object.values(total).reduce((a, b) => a + b, 0),
  );

  // Rows written: the fact rows the run stored (a first run writes each day once).
  const facts = rt.spreadsheet.getSheetByName('Daily facts')!.getLastRow() - 1;
  expect(facts).toBeGreaterThan(100);
  expect(run['Rows written']).toBe(facts);
});
