import {createOfflineRuntime} from '../../src/offline/runtime';
import {ok, run, runtime} from './helpers';

describe('executions', () => {
  test('the context holds Apps Script globals and no Node or browser globals', () => {
    const rt = runtime();
    const res = ok(
      run(
        rt,
        `return ['require', 'module', 'exports', 'process', 'Buffer', 'setTimeout', 'setInterval',
                 'fetch', 'TextEncoder', 'TextDecoder', 'URL', 'global', 'window', 'queueMicrotask',
                 'SpreadsheetApp', 'PropertiesService', 'Utilities', 'Logger', 'console']
          .map(function (n) { return n + ':' + typeof globalThis[n]; });`,
      ),
    );
    expect(res).toEqual([
      'require:undefined',
      'module:undefined',
      'exports:undefined',
      'process:undefined',
      'Buffer:undefined',
      'setTimeout:undefined',
      'setInterval:undefined',
      'fetch:undefined',
      'TextEncoder:undefined',
      'TextDecoder:undefined',
      'URL:undefined',
      'global:undefined',
      'window:undefined',
      'queueMicrotask:undefined',
      'SpreadsheetApp:object',
      'PropertiesService:object',
      'Utilities:object',
      'Logger:object',
      'console:object',
    ]);
    // Without data, the advanced services are not enabled.
    expect(ok(run(rt, 'return typeof AdminReports;'))).toBe('undefined');
  });

  test('each execution gets a fresh context; only services keep state', () => {
    const rt = runtime();
    const code = `var counter = 0;
      function bump() { counter++; globalThis.leak = (globalThis.leak || 0) + 1;
        var p = PropertiesService.getScriptProperties();
        p.setProperty('n', String(Number(p.getProperty('n') || 0) + 1));
        return [counter, globalThis.leak, p.getProperty('n')]; }`;
    const script = rt.compile(code);
    expect(ok(rt.execute(script, 'bump'))).toEqual([1, 1, '1']);
    expect(ok(rt.execute(script, 'bump'))).toEqual([1, 1, '2']);
  });

  test('Date follows the simulated clock', () => {
    const rt = runtime({startTime: Date.UTC(2025, 0, 15, 12)});
    const res = ok(
      run(
        rt,
        'var a = Date.now(); Utilities.sleep(90000); return [a, new Date().getTime(), typeof Date(), new Date(0).getTime(), new Date(2020, 0, 1) instanceof Date];',
      ),
    );
    expect(res).toEqual([
      Date.UTC(2025, 0, 15, 12),
      Date.UTC(2025, 0, 15, 12) + 90_000,
      'string',
      0,
      true,
    ]);
    expect(rt.clock.now()).toBe(Date.UTC(2025, 0, 15, 12) + 90_000);
  });

  test('promise callbacks run inside the execution', () => {
    const rt = runtime();
    const r = run(
      rt,
      `Promise.resolve().then(function () { PropertiesService.getScriptProperties().setProperty('p', 'settled'); });
       return 'returned';`,
    );
    expect(ok(r)).toBe('returned');
    expect(r.callsByName['Properties.setProperty']).toBe(1);
    expect(rt.properties.script.getProperty('p')).toBe('settled');
  });

  test('a missing function fails as Apps Script reports it', () => {
    const rt = runtime();
    const r = rt.execute('function a() {}', 'b');
    expect(r.ok).toBe(false);
    expect(r.error?.message).toBe('Script function not found: b');
  });

  test('arguments and results cross the context boundary as plain data', () => {
    const rt = runtime();
    const r = run(
      rt,
      'return {isArray: a instanceof Array, isDate: b instanceof Date, y: b.getUTCFullYear(), back: [b, c]};',
      [[1, 2], new Date(Date.UTC(2024, 5, 1)), {k: 'v'}],
    );
    expect(ok(r)).toEqual({
      isArray: true,
      isDate: true,
      y: 2024,
      back: [new Date(Date.UTC(2024, 5, 1)), {k: 'v'}],
    });
  });

  test('run() executes host code with the globals, counting and the simulated Date', () => {
    const rt = runtime({startTime: 1_000_000});
    const g = globalThis as unknown as {
      PropertiesService?: GoogleAppsScript.Properties.PropertiesService;
    };
    const r = rt.run(() => {
      g.PropertiesService!.getScriptProperties().setProperty(
        't',
        String(Date.now()),
      );
      return new Date().getTime();
    });
    expect(r.ok).toBe(true);
    expect(r.result).toBe(1_000_015);
    expect(rt.properties.script.getProperty('t')).toBe('1000000');
    expect(r.callsByName).toEqual({
      'Properties.setProperty': 1,
      'PropertiesService.getScriptProperties': 1,
    });
    // The globals are gone again afterwards.
    expect(g.PropertiesService).toBeUndefined();
    expect(Date.now()).toBeGreaterThan(1_600_000_000_000);
  });
});

describe('simple triggers', () => {
  const CODE = `
    function onOpen(e) {
      SpreadsheetApp.getUi().createMenu('Pulse').addItem('Sidebar', 'showSidebar').addToUi();
      PropertiesService.getDocumentProperties().setProperty('opened', e.authMode);
      if (e.source.getId() !== SpreadsheetApp.getActiveSpreadsheet().getId()) throw new Error('wrong source');
    }
    function greedy() { ScriptApp.newTrigger('x').timeBased().everyHours(1).create(); }
    function mailer() { MailApp.sendEmail('a@x.org', 's', 'b'); }
    function installOpen() { ScriptApp.newTrigger('onOpenFull').forSpreadsheet(SpreadsheetApp.getActive()).onOpen().create(); }
    function onOpenFull(e) { SpreadsheetApp.getUi().createMenu('Admin').addItem('Run', 'runNow').addToUi(); return e.triggerUid; }
    function slow() { Utilities.sleep(29990); SpreadsheetApp.flush(); }`;

  test('opening the spreadsheet runs onOpen in LIMITED mode, then installable open triggers', () => {
    const rt = runtime();
    ok(rt.execute(CODE, 'installOpen'));
    const results = rt.openSpreadsheet(CODE);
    expect(results.map(r => [r.fnName, r.ok])).toEqual([
      ['onOpen', true],
      ['onOpenFull', true],
    ]);
    expect(results[1].result).toBe(rt.triggers[0].uid);
    expect(rt.properties.document.getProperty('opened')).toBe('LIMITED');
    expect(rt.ui.menus.map(m => m.name)).toEqual(['Pulse', 'Admin']);
  });

  test('services that need authorization refuse, and the limit is 30 seconds', () => {
    const rt = runtime();
    const simple = {simpleTrigger: true};
    expect(rt.execute(CODE, 'greedy', [], simple).error?.message).toBe(
      'You do not have permission to call ScriptApp.newTrigger. Required permissions: https://www.googleapis.com/auth/script.scriptapp',
    );
    expect(rt.execute(CODE, 'mailer', [], simple).error?.message).toBe(
      'You do not have permission to call MailApp.sendEmail. Required permissions: https://www.googleapis.com/auth/script.send_mail',
    );
    expect(rt.mail).toEqual([]);
    const r = rt.execute(CODE, 'slow', [], simple);
    expect(r.timedOut).toBe(true);
    expect(r.simulatedMs).toBe(30_000);
    expect(rt.execute(CODE, 'slow').ok).toBe(true);
  });
});

describe('the execution time limit', () => {
  test('the first service call after 6 simulated minutes throws and the run is marked timed out', () => {
    const rt = runtime();
    const r = run(
      rt,
      `var p = PropertiesService.getScriptProperties();
       for (var i = 0; i < 100; i++) { Utilities.sleep(50000); p.setProperty('i', String(i)); }`,
    );
    expect(r.ok).toBe(false);
    expect(r.timedOut).toBe(true);
    expect(r.error?.message).toBe('Exceeded maximum execution time');
    // 7 sleeps of 50 s fit in 360 s; the 8th would cross the limit.
    expect(rt.properties.script.getProperty('i')).toBe('6');
    expect(r.simulatedMs).toBe(360_000);
  });

  test('catching the timeout does not save the execution', () => {
    const rt = runtime({executionLimitMs: 1000});
    const r = run(
      rt,
      `try { for (;;) SpreadsheetApp.getActiveSpreadsheet(); } catch (e) {}
       try { SpreadsheetApp.flush(); } catch (e) { return 'still dead: ' + e.message; }`,
    );
    expect(r.ok).toBe(false);
    expect(r.timedOut).toBe(true);
    expect(rt.calls.get('SpreadsheetApp.getActiveSpreadsheet')).toBe(34);
  });

  test('CPU time in the bundle counts against the limit', () => {
    // A million simulated ms per real ms: the loop's few real ms pass the limit on any
    // machine, however fast its JIT.
    const rt = createOfflineRuntime({
      executionLimitMs: 5000,
      costs: {cpuFactor: 1_000_000},
    });
    const r = run(
      rt,
      `var x = 0; for (var i = 0; i < 3e6; i++) x += i % 7;
       PropertiesService.getScriptProperties().setProperty('x', String(x));`,
    );
    expect(r.timedOut).toBe(true);
    expect(r.cpuMs).toBeGreaterThan(0);
    expect(rt.properties.script.getProperty('x')).toBeNull();
  });

  test('a bundle spinning without service calls is stopped', () => {
    const rt = createOfflineRuntime({
      executionLimitMs: 500,
      costs: {cpuFactor: 1},
    });
    const r = run(rt, 'for (;;) {}');
    expect(r.timedOut).toBe(true);
    expect(r.ok).toBe(false);
  });
});

describe('fault injection', () => {
  test('killAfterCalls kills an execution at a chosen call', () => {
    const rt = runtime({
      faults: {killAfterCalls: ({index}) => (index === 2 ? 3 : undefined)},
    });
    const code = `function step() { var p = PropertiesService.getScriptProperties();
      for (var i = 0; i < 3; i++) p.setProperty('k' + i, 'v'); return 'done'; }`;
    expect(ok(rt.execute(code, 'step'))).toBe('done');
    rt.properties.script.deleteAllProperties();
    const killed = rt.execute(code, 'step');
    expect(killed.killed).toBe(true);
    expect(killed.timedOut).toBe(true);
    expect(killed.error?.message).toBe('Exceeded maximum execution time');
    // getScriptProperties + two writes happened; the third write did not.
    expect(rt.properties.script.getKeys()).toEqual(['k0', 'k1']);
    expect(ok(rt.execute(code, 'step'))).toBe('done');
  });

  test('built-in services fail with an Exception on injected errors', () => {
    const rt = runtime({
      faults: {errors: [{method: 'Range.setValues', code: 500, onCalls: [1]}]},
    });
    const code =
      "function w() { SpreadsheetApp.getActiveSpreadsheet().getSheets()[0].getRange('A1').setValues([[1]]); }";
    const r = rt.execute(code, 'w');
    expect(r.error?.name).toBe('Exception');
    expect(r.error?.message).toBe(
      "We're sorry, a server error occurred. Please wait a bit and try again.",
    );
    expect(rt.execute(code, 'w').ok).toBe(true);
  });

  test('rates draw from a seeded generator, so a plan replays identically', () => {
    const outcomes = () => {
      const rt = runtime({
        faults: {
          seed: 42,
          errors: [{method: 'Properties.*', code: 503, rate: 0.3}],
        },
      });
      const out: boolean[] = [];
      for (let i = 0; i < 40; i++) {
        out.push(
          run(rt, "PropertiesService.getScriptProperties().getProperty('x');")
            .ok,
        );
      }
      return out;
    };
    const a = outcomes();
    expect(a).toEqual(outcomes());
    const failures = a.filter(x => !x).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
  });
});
