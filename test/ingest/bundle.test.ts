/**
 * The built bundle (dist/Code.js) in the offline runtime on the demo district: the main
 * job's ingest, continued by its own triggers, killed at random points and hit by 429/503
 * storms, writes exactly the tabs of an undisturbed run.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {defaultSettings} from '../../src/core/settings';
import {createDemoDistrict} from '../../src/demo';
import {makeRandom, type FaultPlan} from '../../src/offline/engine';
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

const TABS = ['Daily facts', 'Weekly facts', 'Data quality', 'lk_daily'];

function runDistrict(faults: (() => FaultPlan) | null) {
  const demo = createDemoDistrict({schools: 3, days: 200, start: '2024-08-19'});
  const rt = createOfflineRuntime({
    data: demo.data,
    startTime: Date.UTC(2025, 2, 3, 14),
    timeZone: demo.timeZone,
  });
  const settings = {
    ...defaultSettings(demo.timeZone),
    ...demo.settingsHints,
    startDate: '2025-02-03',
    calendar: demo.calendar,
    budgetSeconds: 60,
  };
  const saved = rt.execute(code, 'saveSettings', [settings]);
  expect(saved.ok).toBe(true);
  if (faults) rt.faults = faults();
  let executions = 1;
  let killed = 0;
  const errors: string[] = [];
  const first = rt.execute(code, 'runJob', []);
  if (first.killed) killed++;
  for (
    let i = 0;
    i < 500 && rt.triggers.some(t => t.handler === 'continueRun');
    i++
  ) {
    rt.clock.advance(180_000);
    for (const f of rt.fireDueTriggers(code)) {
      executions++;
      if (f.result.killed) killed++;
      else if (!f.result.ok && !f.result.timedOut)
        errors.push(f.result.error?.message ?? '?');
    }
  }
  const tabs = Object.fromEntries(
    TABS.map(n => [
      n,
      rt.spreadsheet.getSheetByName(n)?.getDataRange().getValues() ?? null,
    ]),
  );
  return {
    executions,
    killed,
    errors,
    tabs,
    continuing: rt.triggers.filter(t => t.handler === 'continueRun').length,
  };
}

test('killed at random points and hit by rate-limit storms, the job writes the same tabs', () => {
  const calm = runDistrict(null);
  expect(calm.errors).toEqual([]);
  expect(calm.continuing).toBe(0);
  expect((calm.tabs['Daily facts'] as unknown[][]).length).toBeGreaterThan(500);
  const rnd = makeRandom(11);
  const rough = runDistrict(() => ({
    seed: 3,
    killAfterCalls: () =>
      rnd() < 0.5 ? 1 + Math.floor(rnd() * 600) : undefined,
    errors: [
      {method: 'AdminReports.*', code: 503, rate: 0.2},
      {method: 'Classroom.*', code: 429, rate: 0.2},
    ],
  }));
  expect(rough.errors).toEqual([]);
  expect(rough.killed).toBeGreaterThan(2);
  expect(rough.executions).toBeGreaterThan(calm.executions);
  expect(rough.continuing).toBe(0);
  for (const n of TABS)
    expect({n, v: rough.tabs[n]}).toEqual({n, v: calm.tabs[n]});
}, 900_000);
