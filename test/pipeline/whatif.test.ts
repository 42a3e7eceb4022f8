/**
 * The what-if scenario through the built bundle, on the data a manual run left in the
 * spreadsheet: the server function, the What-if tab with its settings on top, lk_whatif
 * and its dictionary entries, clear errors, and a re-run that replaces rather than adds.
 */
import type {WhatIfView} from '../../src/analysis/whatif';
import {openHarness, tabNames, tabValues, type Harness} from './harness';

let h: Harness;

beforeAll(() => {
  h = openHarness({schools: 4, days: 260, seed: 11});
  h.call('runNow');
  h.drain();
});

test('runWhatIf re-forecasts each school and writes What-if and lk_whatif', () => {
  const r = h.call('runWhatIf', {
    schools: 'all',
    scenario: {kind: 'percent', percent: 15},
  }) as WhatIfView;
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  expect(r.schools).toHaveLength(4);
  expect(r.note).toMatch(/not the result of a trial/);
  expect(r.tabs).toEqual(['What-if', 'lk_whatif']);
  const ok = r.schools.filter(s => s.ok);
  expect(ok.length).toBeGreaterThan(0);
  for (const s of ok) {
    expect(s.weeks).toHaveLength(r.request.horizon);
    expect(s.coefficient).not.toBeNull();
  }
  const names = tabNames(h.rt);
  expect(names).toContain('What-if');
  expect(names).toContain('lk_whatif');
  const admin = tabValues(h.rt, 'What-if');
  // The scenario's settings on top, then the table.
  expect(admin[0].slice(0, 2)).toEqual(['Scenario', 'teacher activity +15%']);
  expect(admin.some(row => row[0] === 'Lever backtest')).toBe(true);
  expect(admin.some(row => row[0] === 'Caution')).toBe(true);
  const head = admin.findIndex(row => row[0] === 'School id');
  expect(head).toBeGreaterThan(3);
  const lk = tabValues(h.rt, 'lk_whatif');
  expect(lk[0].slice(0, 3)).toEqual(['school_id', 'school_name', 'week_start']);
  const rows = lk.length - 1;
  expect(rows).toBe(ok.length * r.request.horizon + r.district.weeks.length);
  expect(admin.length - head - 1).toBe(rows);
  // A second scenario replaces the tabs; nothing is appended.
  h.call('runWhatIf', {
    schools: 'all',
    scenario: {kind: 'percent', percent: 0},
  });
  const again = tabValues(h.rt, 'lk_whatif');
  expect(again.length - 1).toBe(rows);
  const diff = again[0].indexOf('difference');
  for (const row of again.slice(1)) expect(row[diff]).toBe(0);
});

test('lk_whatif is in the data dictionary', () => {
  const dict = tabValues(h.rt, 'lk_data_dictionary');
  const cols = dict.filter(r => r[0] === 'lk_whatif').map(r => r[1]);
  expect(cols).toContain('difference_lo95');
  expect(cols).toContain('teacher_coefficient');
});

test('bad input gets a clear error and leaves the tabs as they were', () => {
  const before = tabValues(h.rt, 'lk_whatif');
  expect(() =>
    h.call('runWhatIf', {
      schools: ['no-such-school'],
      scenario: {kind: 'percent', percent: 5},
    }),
  ).toThrow(/schools: unknown school "no-such-school"/);
  expect(() =>
    h.call('runWhatIf', {
      schools: 'all',
      scenario: {kind: 'percent', percent: 5},
      startWeek: '2001-01-01',
    }),
  ).toThrow(/startWeek: 2001-01-01 is outside the forecast horizon/);
  expect(() =>
    h.call('runWhatIf', {
      schools: 'all',
      scenario: {kind: 'percent', percent: -120},
    }),
  ).toThrow(/would make teacher activity negative/);
  expect(tabValues(h.rt, 'lk_whatif')).toEqual(before);
});
