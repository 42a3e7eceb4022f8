/**
 * Classroom Pulse installed as an Editor add-on, through the built bundle on the offline
 * runtime running as an add-on (its ScriptApp enforces the add-on trigger limits): one
 * hourly trigger per document dispatches the nightly ingest, the weekly analysis and the
 * continuations of a long run over a simulated week.
 */
import {openHarness, tabValues, type Harness} from './harness';
import type {FiredTrigger} from '../../src/offline/runtime';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SOURCE = 'APPS_MARKETPLACE_DOMAIN_ADD_ON' as const;

interface Tick {
  local: {day: string; weekday: string; hour: number};
  ran: string | null;
  fired: FiredTrigger;
}

function localOf(ms: number, tz: string): Tick['local'] {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(ms)
      .map(p => [p.type, p.value]),
  );
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday,
    hour: Number(parts.hour),
  };
}

/** Run log rows by column label. */
function runLog(h: Harness): Record<string, unknown>[] {
  const [header, ...rows] = tabValues(h.rt, 'Run log');
  return rows
    .filter(r => r[0] !== '')
    .map(r => Object.fromEntries(header.map((k, i) => [String(k), r[i]])));
}

describe('as an Editor add-on', () => {
  let h: Harness;
  let ticks: Tick[];
  let weekStart: number;

  beforeAll(() => {
    // A 60-second budget makes the first nightly run (a backfill) span several executions.
    h = openHarness({
      schools: 4,
      days: 150,
      seed: 11,
      installationSource: SOURCE,
      settings: {budgetSeconds: 60},
    });
    weekStart = h.rt.clock.now();
    const fired = h.advance(7 * DAY);
    ticks = fired.map(f => ({
      local: localOf(f.scheduledMs, h.d.timeZone),
      ran: (f.result.result as {ran?: string | null} | undefined)?.ran ?? null,
      fired: f,
    }));
  });

  test('installing creates exactly one hourly trigger; installing again does not add one', () => {
    expect(h.rt.triggers).toHaveLength(1);
    const [t] = h.rt.triggers;
    expect(t.handler).toBe('runScheduled');
    expect(t.schedule).toMatchObject({kind: 'hours', every: 1});
    expect(t.document).toBe(h.rt.spreadsheet.getId());
    const state = h.call('installTriggers') as Record<string, unknown>;
    expect(h.rt.triggers.map(x => x.uid)).toEqual([t.uid]);
    expect(state).toMatchObject({
      mode: 'addon',
      hourly: true,
      nightly: true,
      weekly: true,
    });
    // No execution of the week ever held a second trigger.
    expect(h.maxTriggers()).toBe(1);
  });

  test('it ticks every hour of the week, and every tick succeeds', () => {
    expect(ticks.length).toBe(7 * 24);
    expect(ticks.every(t => t.fired.handler === 'runScheduled')).toBe(true);
    const failed = ticks.filter(t => !t.fired.result.ok);
    expect(failed.map(t => t.fired.result.error?.message)).toEqual([]);
    expect(ticks[0].fired.scheduledMs - weekStart).toBeLessThanOrEqual(HOUR);
  });

  test('the nightly ingest runs once a day at the 05:00 slot; the weekly analysis on Tuesday at 06:00', () => {
    const nightly = ticks.filter(t => t.ran === 'nightly');
    expect(nightly.map(t => t.local.hour)).toEqual(Array(7).fill(5));
    expect(new Set(nightly.map(t => t.local.day)).size).toBe(7);
    const weekly = ticks.filter(t => t.ran === 'weekly');
    expect(weekly.map(t => [t.local.weekday, t.local.hour])).toEqual([
      ['Tue', 6],
    ]);
    expect(ticks.filter(t => t.ran === 'manual')).toHaveLength(0);
  });

  test('a run longer than one execution resumes on the next hourly ticks until it finishes', () => {
    const cont = ticks.filter(t => t.ran === 'continuation');
    expect(cont.length).toBeGreaterThan(0);
    // Each continuation follows a tick that left the run unfinished, one hour earlier.
    for (const c of cont) {
      const i = ticks.indexOf(c);
      const prev = ticks[i - 1];
      expect(c.fired.scheduledMs - prev.fired.scheduledMs).toBe(HOUR);
      expect((prev.fired.result.result as {finished: boolean}).finished).toBe(
        false,
      );
    }
    // The week ends with nothing pending.
    expect(h.rt.properties.document.getProperty('classroomPulse.job')).toBe(
      null,
    );
  });

  test('a tick with nothing due does nothing: no write, no Run log row', () => {
    const idle = ticks.filter(t => t.ran === null);
    expect(idle.length).toBeGreaterThan(100);
    for (const t of idle) {
      const names = Object.keys(t.fired.result.callsByName);
      expect(
        names.filter(n =>
          /setValues|setValue|appendRow|setProperty|MailApp/.test(n),
        ),
      ).toEqual([]);
    }
  });

  test('the Run log names which job each tick ran', () => {
    const runs = runLog(h);
    // One row per run: a nightly run each day and one weekly run.
    expect(runs.filter(r => r.Trigger === 'nightly')).toHaveLength(7);
    expect(runs.filter(r => r.Trigger === 'weekly')).toHaveLength(1);
    expect(runs.every(r => r.Status === 'ok')).toBe(true);
    const last = runs.map(r => String(r['Last execution']));
    expect(
      last.some(m => m.startsWith('Hourly tick ran the nightly ingest.')),
    ).toBe(true);
    expect(
      last.some(m => m.startsWith('Hourly tick ran the weekly analysis.')),
    ).toBe(true);
    // The backfill finished in a continuation execution.
    const multi = runs.filter(r => Number(r.Executions) > 1);
    expect(multi.length).toBeGreaterThan(0);
    expect(String(multi[0]['Last execution'])).toMatch(
      /^Hourly tick ran the continuation of the paused run\./,
    );
  });
});

describe('as an Editor add-on: locks, run now and the limits', () => {
  test('a tick that finds the lock taken steps aside; the next tick runs the slot', () => {
    const h = openHarness({schools: 3, days: 60, installationSource: SOURCE});
    // Find the first tick at 05:xx; hold the lock from just before it.
    let ran: string | null = null;
    for (let i = 0; i < 30 && ran === null; i++) {
      const next = h.rt.triggers[0].nextRun!;
      if (localOf(next, h.d.timeZone).hour !== 5) {
        h.advance(next - h.rt.clock.now());
        continue;
      }
      h.advance(next - h.rt.clock.now() - 1000);
      h.rt.locks.hold('script', 30 * 60 * 1000);
      const [blocked] = h.advance(1000);
      expect(blocked.result.result).toMatchObject({ran: null});
      const [after] = h.advance(HOUR);
      expect(localOf(after.scheduledMs, h.d.timeZone).hour).toBe(6);
      ran = (after.result.result as {ran: string}).ran;
    }
    expect(ran).toBe('nightly');
  });

  test('run now adds no trigger: the sidebar starts the run, later ticks finish it', () => {
    const h = openHarness({
      schools: 3,
      days: 60,
      installationSource: SOURCE,
      settings: {budgetSeconds: 60},
    });
    const q = h.call('runNow') as {startHere: boolean; running: boolean};
    expect(q).toMatchObject({startHere: true, running: true});
    expect(h.rt.triggers).toHaveLength(1);
    const first = h.call('startQueuedRun') as {finished: boolean};
    expect(first.finished).toBe(false);
    // Paused until the next hourly tick: still reported as running, not as stalled, after
    // longer than a bound run's continuation would take.
    h.rt.clock.advance(40 * 60 * 1000);
    expect(h.call('getProgress')).toMatchObject({running: true, error: ''});
    // Asked twice (a second click, or the tick): the run is not started again.
    expect(h.call('startQueuedRun')).toMatchObject({
      message: 'The run has already started.',
    });
    let done = first.finished;
    for (let i = 0; i < 24 && !done; i++) {
      const [t] = h.advance(HOUR);
      const r = t.result.result as {ran: string; finished: boolean};
      expect(r.ran).toMatch(/^(continuation|nightly|weekly)$/);
      done = r.ran === 'continuation' && r.finished;
    }
    expect(done).toBe(true);
    const runs = runLog(h);
    expect(runs[0]).toMatchObject({Trigger: 'manual', Status: 'ok'});
    expect(h.rt.triggers).toHaveLength(1);
  });

  test('a run now whose start call never arrives is started by the next tick', () => {
    const h = openHarness({schools: 3, days: 60, installationSource: SOURCE});
    h.call('runNow');
    const [t] = h.advance(HOUR);
    expect(t.result.result).toMatchObject({ran: 'manual'});
  });

  test('the bound schedule refused as Apps Script refuses it for an add-on', () => {
    const h = openHarness({
      schools: 3,
      days: 60,
      installationSource: SOURCE,
      install: false,
    });
    // The publisher forces the bound schedule: the document's second trigger is refused.
    h.rt.properties.script.setProperty('classroomPulse.deployment', 'bound');
    expect(() => h.call('installTriggers')).toThrow(
      'This add-on has created too many time-based triggers in this document for this Google user account.',
    );
    expect(h.rt.triggers).toHaveLength(1);
    // Detected as an add-on again, install replaces it with the hourly trigger.
    h.rt.properties.script.deleteProperty('classroomPulse.deployment');
    h.call('installTriggers');
    expect(h.rt.triggers.map(t => t.handler)).toEqual(['runScheduled']);
  });

  test('the Marketplace install builds the menu and schedules nothing until the admin asks', () => {
    const h = openHarness({
      schools: 3,
      days: 60,
      installationSource: SOURCE,
      install: false,
    });
    expect(h.rt.installAddOn(h.script).ok).toBe(true);
    expect(h.rt.triggers).toHaveLength(0);
    expect(h.call('getSidebarState')).toMatchObject({
      triggers: {mode: 'addon', hourly: false},
    });
    h.call('installTriggers');
    expect(h.rt.triggers.map(t => t.handler)).toEqual(['runScheduled']);
  });

  test('a run now that pauses with no schedule says how it will resume', () => {
    const h = openHarness({
      schools: 3,
      days: 60,
      installationSource: SOURCE,
      install: false,
      settings: {budgetSeconds: 60},
    });
    h.call('runNow');
    expect(h.call('startQueuedRun')).toMatchObject({finished: false});
    expect(h.call('getProgress')).toMatchObject({
      running: true,
      message: expect.stringMatching(/resumes once runs are scheduled/),
    });
    expect(h.rt.triggers).toHaveLength(0);
    // Scheduling it lets the next tick carry on.
    h.call('installTriggers');
    const [t] = h.advance(HOUR);
    expect(t.result.result).toMatchObject({ran: 'continuation'});
  });

  test('removing the schedule deletes the hourly trigger', () => {
    const h = openHarness({schools: 3, days: 60, installationSource: SOURCE});
    expect(h.call('removeTriggers')).toMatchObject({hourly: false});
    expect(h.rt.triggers).toHaveLength(0);
  });
});
