import {nextOccurrence} from '../../src/offline/triggers';
import {ok, run, runtime} from './helpers';

const CODE = `
  function install(n) {
    for (var i = 0; i < n; i++) ScriptApp.newTrigger('tick').timeBased().everyHours(1).create();
    return ScriptApp.getProjectTriggers().length;
  }
  function daily() {
    var t = ScriptApp.newTrigger('nightly').timeBased().everyDays(1).atHour(2).nearMinute(30)
      .inTimezone('America/New_York').create();
    return [t.getHandlerFunction(), t.getEventType() === ScriptApp.EventType.CLOCK,
            t.getTriggerSource() === ScriptApp.TriggerSource.CLOCK, typeof t.getUniqueId()];
  }
  function continueLater() {
    ScriptApp.newTrigger('resume').timeBased().after(60 * 1000).create();
  }
  function nightly(e) {
    var p = PropertiesService.getScriptProperties();
    p.setProperty('runs', (p.getProperty('runs') || '') + Utilities.formatDate(new Date(), 'America/New_York', 'MM-dd HH:mm') + ';');
    p.setProperty('event', JSON.stringify(e));
  }
  function resume(e) {
    var p = PropertiesService.getScriptProperties();
    p.setProperty('resumed', String(Number(p.getProperty('resumed') || 0) + 1));
  }
  function tick() {}
  function cleanup() {
    ScriptApp.getProjectTriggers().forEach(function (t) {
      if (t.getHandlerFunction() === 'resume') ScriptApp.deleteTrigger(t);
    });
    return ScriptApp.getProjectTriggers().length;
  }`;

describe('ScriptApp triggers', () => {
  test('a user may have 20 triggers; the 21st is refused with the Apps Script message', () => {
    const rt = runtime();
    expect(ok(rt.execute(CODE, 'install', [20]))).toBe(20);
    const r = rt.execute(CODE, 'install', [1]);
    expect(r.error?.message).toBe(
      'This script has too many triggers. Triggers must be deleted from the script before more can be added.',
    );
    expect(rt.triggers).toHaveLength(20);
    // Another user has an allowance of their own, and sees only their triggers.
    expect(
      ok(
        rt.execute(CODE, 'install', [1], {
          userEmail: 'other@district.example.org',
        }),
      ),
    ).toBe(1);
  });

  test('a daily trigger fires at its hour in its time zone, across the DST change', () => {
    // Friday 2025-03-07 12:00 EST; clocks spring forward on Sunday 2025-03-09.
    const rt = runtime({startTime: Date.UTC(2025, 2, 7, 17)});
    expect(ok(rt.execute(CODE, 'daily'))).toEqual([
      'nightly',
      true,
      true,
      'string',
    ]);
    const fired = rt.advanceTo(Date.UTC(2025, 2, 11, 12), CODE);
    expect(fired.map(f => new Date(f.scheduledMs).toISOString())).toEqual([
      '2025-03-08T07:30:00.000Z', // 02:30 EST
      '2025-03-09T07:30:00.000Z', // 02:30 does not exist on the 9th: 03:30 EDT
      '2025-03-10T06:30:00.000Z', // 02:30 EDT
      '2025-03-11T06:30:00.000Z',
    ]);
    expect(fired.every(f => f.result.ok)).toBe(true);
    expect(rt.properties.script.getProperty('runs')).toBe(
      '03-08 02:30;03-09 03:30;03-10 02:30;03-11 02:30;',
    );
    const event = JSON.parse(rt.properties.script.getProperty('event')!);
    expect(event).toMatchObject({
      authMode: 'FULL',
      triggerUid: rt.triggers[0].uid,
      timezone: 'UTC',
      year: 2025,
      month: 3,
      'day-of-month': 11,
      hour: 6,
      minute: 30,
    });
  });

  test('one-time triggers fire once and stay listed until deleted', () => {
    const rt = runtime();
    ok(rt.execute(CODE, 'continueLater'));
    expect(rt.fireDueTriggers(CODE)).toEqual([]);
    rt.clock.advance(60_000);
    const fired = rt.fireDueTriggers(CODE);
    expect(fired.map(f => f.handler)).toEqual(['resume']);
    rt.clock.advance(3_600_000);
    expect(rt.fireDueTriggers(CODE)).toEqual([]);
    expect(rt.properties.script.getProperty('resumed')).toBe('1');
    expect(rt.triggers).toHaveLength(1);
    expect(ok(rt.execute(CODE, 'cleanup'))).toBe(0);
  });

  test('trigger executions run in order of due time and see the clock of their firing', () => {
    const rt = runtime({
      startTime: Date.UTC(2025, 2, 3, 12),
      costs: {calls: {'ScriptApp.*': 0, 'TriggerBuilder.create': 0}},
    });
    ok(
      run(
        rt,
        `ScriptApp.newTrigger('b').timeBased().after(120000).create();
         ScriptApp.newTrigger('a').timeBased().after(60000).create();
         ScriptApp.newTrigger('c').timeBased().everyMinutes(5).create();`,
      ),
    );
    const code = ['a', 'b', 'c']
      .map(n => `function ${n}() { return Date.now(); }`)
      .join('\n');
    const fired = rt.advanceTo(Date.UTC(2025, 2, 3, 12, 11), code);
    expect(
      fired.map(f => [f.handler, f.result.startMs - Date.UTC(2025, 2, 3, 12)]),
    ).toEqual([
      ['a', 60_000],
      ['b', 120_000],
      ['c', 300_000],
      ['c', 600_000],
    ]);
    expect(fired[0].result.result).toBe(Date.UTC(2025, 2, 3, 12, 1));
    expect(rt.clock.now()).toBe(Date.UTC(2025, 2, 3, 12, 11));
  });

  test('trigger executions stop after 6 hours of runtime in a day', () => {
    const rt = runtime({
      costs: {calls: {'ScriptApp.*': 0, 'TriggerBuilder.create': 0}},
    });
    ok(
      run(
        rt,
        "ScriptApp.newTrigger('work').timeBased().everyMinutes(5).create();",
      ),
    );
    const code = 'function work() { Utilities.sleep(300000); }';
    const start = rt.clock.now();
    const fired = rt.advanceTo(start + 7 * 3_600_000, code);
    const okRuns = fired.filter(f => f.result.ok).length;
    // 72 runs of 5 minutes fill the 6 hours; later firings that day are refused.
    expect(okRuns).toBe(72);
    const refused = fired.filter(f => !f.result.ok);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].result.error?.message).toBe(
      'Service using too much computer time for one day',
    );
  });

  test('builders reject schedules Apps Script does not offer', () => {
    const rt = runtime();
    const msg = (b: string) =>
      run(rt, `ScriptApp.newTrigger('x').timeBased().${b}.create();`).error
        ?.message;
    expect(msg('everyMinutes(7)')).toBe(
      'The value passed to everyMinutes() must be 1, 5, 10, 15 or 30.',
    );
    expect(msg('everyHours(3)')).toBe(
      'The value passed to everyHours() must be 1, 2, 4, 6, 8 or 12.',
    );
    expect(msg('everyMinutes(5).atHour(3)')).toBe(
      'atHour() can only be used with everyDays(), everyWeeks() or onMonthDay().',
    );
    expect(rt.triggers).toHaveLength(0);
  });

  test('weekly schedules land on their weekday', () => {
    const created = Date.UTC(2025, 2, 5, 12); // a Wednesday
    const s = {
      kind: 'weeks' as const,
      every: 1,
      weekDay: 1,
      atHour: 6,
      nearMinute: 0,
      timeZone: 'America/Chicago',
    };
    const first = nextOccurrence(s, created, created)!;
    const second = nextOccurrence(s, created, first)!;
    expect(new Date(first).toISOString()).toBe('2025-03-10T11:00:00.000Z'); // Monday 06:00 CDT
    expect(new Date(second).toISOString()).toBe('2025-03-17T11:00:00.000Z');
  });
});

describe('ScriptApp as an Editor add-on', () => {
  const TOO_MANY =
    'This add-on has created too many time-based triggers in this document for this Google user account.';
  const TOO_OFTEN =
    'The recurrence interval for an Add-on trigger must be at least one hour.';
  const create = (rt: ReturnType<typeof runtime>, builder: string) =>
    run(rt, `ScriptApp.newTrigger('tick').timeBased().${builder}.create();`)
      .error?.message;

  test('getInstallationSource says how the project runs', () => {
    const source = (rt: ReturnType<typeof runtime>) =>
      ok(
        run(
          rt,
          'return [String(ScriptApp.getInstallationSource()), ScriptApp.getInstallationSource() === ScriptApp.InstallationSource.NONE];',
        ),
      );
    expect(source(runtime())).toEqual(['NONE', true]);
    expect(
      source(runtime({installationSource: 'APPS_MARKETPLACE_DOMAIN_ADD_ON'})),
    ).toEqual(['APPS_MARKETPLACE_DOMAIN_ADD_ON', false]);
  });

  test('one time-driven trigger per user per document; a second fails with Apps Script’s message', () => {
    const rt = runtime({installationSource: 'APPS_MARKETPLACE_DOMAIN_ADD_ON'});
    expect(create(rt, 'everyHours(1)')).toBeUndefined();
    expect(create(rt, 'everyDays(1).atHour(5)')).toBe(TOO_MANY);
    expect(create(rt, 'after(60 * 60 * 1000)')).toBe(TOO_MANY);
    expect(rt.triggers).toHaveLength(1);
    expect(rt.triggers[0].document).toBe(rt.spreadsheet.getId());
    // Another user of the same document has their own allowance.
    const other = rt.execute(
      "function f() { ScriptApp.newTrigger('tick').timeBased().everyHours(1).create(); }",
      'f',
      [],
      {userEmail: 'other@district.example.org'},
    );
    expect(other.ok).toBe(true);
    // Once deleted, the document's trigger can be created again.
    ok(
      run(
        rt,
        'ScriptApp.getProjectTriggers().forEach(function (t) { ScriptApp.deleteTrigger(t); });',
      ),
    );
    expect(create(rt, 'everyDays(1).atHour(5)')).toBeUndefined();
  });

  test('a fired one-off trigger stays listed and still takes the document’s place', () => {
    const rt = runtime({installationSource: 'WEB_STORE_ADD_ON'});
    expect(create(rt, 'after(2 * 60 * 1000)')).toBeUndefined();
    rt.advanceTo(rt.clock.now() + 10 * 60 * 1000, 'function tick() {}');
    expect(rt.triggers[0].fired).toBe(1);
    expect(create(rt, 'everyHours(1)')).toBe(TOO_MANY);
  });

  test('no recurrence under an hour: every everyMinutes interval is refused', () => {
    const rt = runtime({installationSource: 'APPS_MARKETPLACE_DOMAIN_ADD_ON'});
    for (const n of [1, 5, 10, 15, 30]) {
      expect(create(rt, `everyMinutes(${n})`)).toBe(TOO_OFTEN);
    }
    expect(rt.triggers).toHaveLength(0);
  });

  test('a bound script keeps the 20-per-user limit and short intervals', () => {
    const rt = runtime();
    expect(create(rt, 'everyMinutes(5)')).toBeUndefined();
    expect(create(rt, 'everyHours(1)')).toBeUndefined();
    expect(create(rt, 'after(120000)')).toBeUndefined();
    expect(rt.triggers).toHaveLength(3);
    expect(rt.triggers.every(t => t.document === undefined)).toBe(true);
  });
});
