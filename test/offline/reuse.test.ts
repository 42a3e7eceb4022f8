/**
 * Reused contexts (OfflineRuntimeOptions.reuseContexts): the local runner loads the
 * bundle once and calls every execution's entry point in that context. That is only
 * faithful to Apps Script, which loads the project afresh for every execution, if the
 * bundle keeps nothing between executions: these tests hold the runtime and the real
 * bundle to it.
 */
import {
  createOfflineRuntime,
  type OfflineRuntime,
} from '../../src/offline/runtime';
import {SECRET_PROPERTY} from '../../src/pipeline/ingest';
import {bundleSource, DIST, district, utcMs} from '../pipeline/harness';

const DAY_MS = 86_400_000;

describe('reused contexts: the runtime', () => {
  const code = `
    var count = 0;
    var lib = (function () { var n = 0; return {next: function () { return ++n; }}; })();
    function bump() { count++; globalThis.extra = count; return count; }
    function seeExtra() { return typeof extra; }
    function next() { return lib.next(); }
    function fail() { lib.next(); throw new Error('broken'); }
    function replaceBump() { bump = function () { return -1; }; return 0; }
  `;
  const open = (reuseContexts: boolean) =>
    createOfflineRuntime({reuseContexts, costs: {cpuFactor: 0}});

  it('undoes globals an execution adds or replaces', () => {
    const rt = open(true);
    expect(rt.execute(code, 'bump').result).toBe(1);
    expect(rt.execute(code, 'bump').result).toBe(1);
    expect(rt.execute(code, 'seeExtra').result).toBe('undefined');
    expect(rt.execute(code, 'replaceBump').ok).toBe(true);
    expect(rt.execute(code, 'bump').result).toBe(1);
  });

  it('keeps state the bundle hides in a closure (the contract the bundle must meet)', () => {
    const fresh = open(false);
    expect(fresh.execute(code, 'next').result).toBe(1);
    expect(fresh.execute(code, 'next').result).toBe(1);
    const reused = open(true);
    expect(reused.execute(code, 'next').result).toBe(1);
    expect(reused.execute(code, 'next').result).toBe(2);
  });

  it('drops the context after a failed execution', () => {
    const rt = open(true);
    expect(rt.execute(code, 'next').result).toBe(1);
    const r = rt.execute(code, 'fail');
    expect(r.ok).toBe(false);
    expect(r.error?.message).toBe('broken');
    expect(rt.execute(code, 'next').result).toBe(1);
  });

  it('still refuses a missing function and keeps the Apps Script globals only', () => {
    const rt = open(true);
    expect(rt.execute(code, 'bump').ok).toBe(true);
    const r = rt.execute(code, 'nope');
    expect(r.error?.message).toBe('Script function not found: nope');
    const probe = rt.execute(
      'function probe() { return [typeof require, typeof process, typeof setTimeout, typeof SpreadsheetApp]; }',
      'probe',
    );
    expect(probe.result).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'object',
    ]);
  });
});

interface Outcome {
  tabs: Record<string, unknown[][]>;
  properties: Record<string, string>;
  mail: unknown[];
  calls: Record<string, number>;
  executions: {handler: string; ok: boolean; calls: number}[];
}

/** The local runner's life of a small district. */
function live(reuseContexts: boolean): Outcome {
  const d = district(4, 200, 23);
  const rt: OfflineRuntime = createOfflineRuntime({
    data: d.data,
    timeZone: d.timeZone,
    // Installed five weeks in: the first run backfills them across several executions.
    startTime: utcMs(d.startDate, 12) + 35 * DAY_MS,
    htmlDir: DIST,
    // Slow Classroom calls, as in a large district: roster and history sweeps continue.
    costs: {cpuFactor: 0, calls: {'Classroom.*': 1500}},
    reuseContexts,
  });
  // One pseudonymisation secret for both lives (the bundle draws a random one).
  rt.properties.document.setProperty(SECRET_PROPERTY, 'f'.repeat(64));
  const script = rt.compile(bundleSource(), 'Code.js');
  const call = (fn: string, ...args: unknown[]) => {
    const r = rt.execute(script, fn, args);
    if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
    return r.result;
  };
  call('onOpen');
  call('saveSettings', {
    ...d.settingsHints,
    startDate: d.startDate,
    calendar: d.calendar,
    alertRecipients: ['data-team@district.example.org'],
  });
  call('installTriggers');
  const executions: Outcome['executions'] = [];
  const end = utcMs(d.endDate, 12) + DAY_MS;
  for (let t = rt.clock.now(); t < end; t += 7 * DAY_MS) {
    for (const f of rt.advanceTo(Math.min(t + 7 * DAY_MS, end), script)) {
      executions.push({
        handler: f.handler,
        ok: f.result.ok,
        calls: f.result.calls,
      });
    }
  }
  const tabs: Outcome['tabs'] = {};
  for (const sh of rt.spreadsheet.getSheets()) {
    tabs[sh.getName()] = sh.getDataRange().getValues() as unknown[][];
  }
  return {
    tabs,
    properties: rt.properties.document.getProperties(),
    mail: JSON.parse(JSON.stringify(rt.mail)) as unknown[],
    calls: rt.calls.byName(),
    executions,
  };
}

describe('reused contexts: the real bundle', () => {
  it('runs a district exactly as fresh contexts do', () => {
    const fresh = live(false);
    const reused = live(true);
    // The life covers what must not leak: nightly and weekly runs and continuations.
    const handlers = new Set(fresh.executions.map(e => e.handler));
    expect([...handlers].sort()).toEqual(
      expect.arrayContaining([
        'continueRun',
        'runNightly',
        'runWeeklyForecast',
      ]),
    );
    expect(fresh.tabs['Daily facts'].length).toBeGreaterThan(100);
    expect(fresh.tabs['Forecasts'].length).toBeGreaterThan(1);
    expect(reused.executions).toEqual(fresh.executions);
    expect(Object.keys(reused.tabs)).toEqual(Object.keys(fresh.tabs));
    for (const name of Object.keys(fresh.tabs)) {
      expect({name, values: reused.tabs[name]}).toEqual({
        name,
        values: fresh.tabs[name],
      });
    }
    expect(reused.properties).toEqual(fresh.properties);
    expect(reused.mail).toEqual(fresh.mail);
    expect(reused.calls).toEqual(fresh.calls);
  }, 300_000);
});
