/**
 * A manual run of the built bundle on a small demo district: runNow schedules a
 * one-off trigger; simulated time passes; the run finishes across executions.
 */
import {openHarness, tabNames, tabValues, type Harness} from './harness';

/** Each fact and analysis tab with its Looker Studio twin. */
const TWINS: Record<string, string> = {
  'Weekly facts': 'lk_weekly',
  Forecasts: 'lk_forecast',
  'Forecast accuracy': 'lk_forecast_accuracy',
  Anomalies: 'lk_anomalies',
  Correlations: 'lk_correlation',
  'Under-utilisation': 'lk_underuse',
};

let h: Harness;

beforeAll(() => {
  h = openHarness({schools: 4, days: 200, seed: 11});
  h.call('runNow');
  h.drain();
});

test('the run log records the manual run as ok', () => {
  const log = tabValues(h.rt, 'Run log');
  const header = log[0].map(String);
  const status = header.findIndex(c => /status/i.test(c));
  const trigger = header.findIndex(c => /trigger/i.test(c));
  expect(status).toBeGreaterThanOrEqual(0);
  const rows = log.slice(1).filter(r => r[0] !== '');
  expect(rows).toHaveLength(1);
  expect(rows[0][trigger]).toBe('manual');
  expect(rows[0][status]).toBe('ok');
});

test('every fact, analysis, Looker and dashboard tab exists with data', () => {
  const names = tabNames(h.rt);
  for (const [tab, twin] of Object.entries(TWINS)) {
    expect(names).toContain(tab);
    expect(names).toContain(twin);
  }
  expect(names).toContain('lk_data_dictionary');
  expect(names).toContain('Dashboard');
  for (const t of ['Weekly facts', 'lk_weekly', 'Forecasts', 'lk_forecast']) {
    expect(tabValues(h.rt, t).length).toBeGreaterThan(1);
  }
});

test('no personal data reaches a Looker tab', () => {
  const users = h.d.data.users() as unknown as Array<{
    primaryEmail: string;
    name: {givenName: string; familyName: string; fullName: string};
  }>;
  const emails = new Set(users.map(u => u.primaryEmail.toLowerCase()));
  const fullNames = new Set(users.map(u => u.name.fullName.toLowerCase()));
  expect(emails.size).toBeGreaterThan(10);
  for (const name of tabNames(h.rt).filter(n => n.startsWith('lk_'))) {
    for (const row of tabValues(h.rt, name)) {
      for (const v of row) {
        if (typeof v !== 'string' || v === '') continue;
        const low = v.toLowerCase();
        expect(
          /[^\s@]+@[^\s@]+\.[a-z]{2,}/.test(low) ? `${name}: ${v}` : '',
        ).toBe('');
        expect(
          emails.has(low) || fullNames.has(low) ? `${name}: ${v}` : '',
        ).toBe('');
      }
    }
  }
});

test('no cell anywhere became a formula', () => {
  for (const name of tabNames(h.rt)) {
    const sh = h.rt.spreadsheet.getSheetByName(name)!;
    const formulas = sh.getDataRange().getFormulas() as string[][];
    const found = formulas.flat().filter(f => f !== '');
    expect(
      found.length ? `${name}: ${found.slice(0, 3).join(' | ')}` : '',
    ).toBe('');
    const values = sh.getDataRange().getValues().flat();
    expect(values.filter(v => v === '#NAME?' || v === '#ERROR!')).toEqual([]);
  }
});

test('the run needed its triggers and left no continuation behind', () => {
  const handlers = h.fired.map(f => f.handler);
  expect(handlers).toContain('runJob');
  expect(h.fired.every(f => f.result.ok)).toBe(true);
  expect(h.rt.triggers.filter(t => t.handler === 'continueRun')).toEqual([]);
  expect(h.rt.triggers.filter(t => t.handler === 'runJob')).toEqual([]);
  expect(h.maxTriggers()).toBeLessThanOrEqual(20);
  expect(h.maxTriggers()).toBeGreaterThanOrEqual(2);
  const p = h.call('getProgress') as {running: boolean};
  expect(p.running).toBe(false);
});

test('a week still under way is forecast, not fitted as a collapse', () => {
  const day = (v: unknown) =>
    v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  const records = (tab: string) => {
    const [header, ...rows] = tabValues(h.rt, tab);
    const at = (name: string) => header.map(String).indexOf(name);
    return {rows: rows.filter(r => r[0] !== ''), at};
  };
  const daily = records('lk_daily');
  const lastDay = daily.rows
    .map(r => day(r[daily.at('date')]))
    .reduce((m, d) => (d > m ? d : m), '');
  const weekly = records('lk_weekly');
  const lastWeek = weekly.rows
    .map(r => day(r[weekly.at('week_start')]))
    .reduce((m, d) => (d > m ? d : m), '');
  // The district's facts end before the Friday of their last week.
  const friday = new Date(Date.parse(`${lastWeek}T00:00:00Z`) + 4 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  expect(lastDay < friday).toBe(true);
  const fc = records('lk_forecast');
  const ofWeek = fc.rows.filter(r => day(r[fc.at('week_start')]) === lastWeek);
  expect(ofWeek.length).toBeGreaterThan(0);
  for (const r of ofWeek) {
    expect(r[fc.at('backtest')]).toBe(false);
    expect(r[fc.at('actual')] === '' || r[fc.at('actual')] === null).toBe(true);
  }
  // It is the first week forecast for each series.
  const firstFuture = new Map<string, string>();
  for (const r of fc.rows) {
    if (r[fc.at('backtest')] !== false) continue;
    const id = String(r[fc.at('school_id')]);
    const w = day(r[fc.at('week_start')]);
    if (!firstFuture.has(id) || w < firstFuture.get(id)!)
      firstFuture.set(id, w);
  }
  expect(firstFuture.size).toBeGreaterThan(0);
  for (const w of firstFuture.values()) expect(w).toBe(lastWeek);
});
