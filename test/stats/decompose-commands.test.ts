import * as fs from 'fs';
import * as path from 'path';
import {
  anomaliesCommand,
  correlateCommand,
  stlCommand,
} from '../../src/cli/engine/decompose';
import {jsonCommands} from '../../src/cli/commands';
import {InputError} from '../../src/core/errors';

const refDir = path.join(__dirname, '../fixtures/reference');
const read = (p: string) =>
  JSON.parse(fs.readFileSync(path.join(refDir, p), 'utf8'));

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).field;
  }
  throw new Error('expected an InputError');
}

describe('CLI registry', () => {
  test('stl, anomalies and correlate are registered', () => {
    expect(jsonCommands.stl).toBe(stlCommand);
    expect(jsonCommands.anomalies).toBe(anomaliesCommand);
    expect(jsonCommands.correlate).toBe(correlateCommand);
  });
});

describe('stl command', () => {
  test('reproduces R on the robust reference', () => {
    const ref = read('stl/airpassengers_log_robust.json');
    const out = stlCommand({y: ref.y, period: 12, sWindow: 13, robust: true});
    expect(Object.keys(out).sort()).toEqual([
      'remainder',
      'seasonal',
      'trend',
      'weights',
    ]);
    const range = Math.max(...ref.y) - Math.min(...ref.y);
    out.trend.forEach((v, i) =>
      expect(Math.abs(v - ref.trend[i])).toBeLessThan(1e-6 * range),
    );
    out.weights.forEach((v, i) =>
      expect(Math.abs(v - ref.weights[i])).toBeLessThan(1e-6),
    );
  });
  test('periodic and explicit windows', () => {
    const ref = read('stl/usaccdeaths_sw7_tw13.json');
    const out = stlCommand({y: ref.y, period: 12, sWindow: 7, tWindow: 13});
    out.seasonal.forEach((v, i) =>
      expect(Math.abs(v - ref.seasonal[i])).toBeLessThan(1e-6),
    );
  });
  test.each([
    [{y: [1, 2], period: 12, sWindow: 7}, 'y'],
    [{period: 12, sWindow: 7}, 'y'],
    [{y: Array(40).fill(1), period: 1.5, sWindow: 7}, 'period'],
    [{y: Array(40).fill(1), period: 12}, 'sWindow'],
    [{y: Array(40).fill(1), period: 12, sWindow: 'weekly'}, 'sWindow'],
    [{y: Array(40).fill(1), period: 12, sWindow: 7, robust: 'yes'}, 'robust'],
    [{y: Array(40).fill(1), period: 12, sWindow: 7, tWindow: 'x'}, 'tWindow'],
    [[1, 2, 3], 'request'],
  ])('bad request %#', (req, field) => {
    expect(fieldOf(() => stlCommand(req))).toBe(field);
  });
});

describe('correlate command', () => {
  test('matches cor.test and ccf', () => {
    const ref = read('stats/correlation.json');
    const out = correlateCommand({x: ref.x, y: ref.y});
    expect(Math.abs(out.pearson.r - ref.pearson.r)).toBeLessThan(1e-9);
    expect(Math.abs(out.pearson.t - ref.pearson.t)).toBeLessThan(1e-8);
    expect(out.pearson.df).toBe(190);
    expect(Math.abs(out.pearson.pValue / ref.pearson.p_value - 1)).toBeLessThan(
      1e-6,
    );
    expect(Math.abs(out.pearson.ci95![0] - ref.pearson.ci95[0])).toBeLessThan(
      1e-9,
    );
    expect(Math.abs(out.spearman.rho - ref.spearman.rho)).toBeLessThan(1e-9);
    expect(
      Math.abs(out.spearman.pValue / ref.spearman.p_value - 1),
    ).toBeLessThan(1e-6);
    const c = correlateCommand({x: ref.ccf.x, y: ref.ccf.y, maxLag: 6});
    expect(c.ccf.lags).toEqual(ref.ccf.lags);
    c.ccf.values.forEach((v, i) =>
      expect(Math.abs(v - ref.ccf.acf[i])).toBeLessThan(1e-9),
    );
    const best = c.ccf.values.reduce(
      (b, v, i) => (Math.abs(v) > Math.abs(c.ccf.values[b]) ? i : b),
      0,
    );
    expect(c.bestLag).toBe(c.ccf.lags[best]);
    expect(c.regression?.lag).toBe(c.bestLag < 0 ? -c.bestLag : 0);
  });
  test.each([
    [{x: [1, 2, 3], y: [1, 2]}, 'y'],
    [{x: [1, 2, 3, 4], y: [1, 2, 3, 4], maxLag: -1}, 'maxLag'],
    [{x: [1, 1, 1, 1], y: [1, 2, 3, 4]}, 'x'],
    [{x: 'a', y: [1]}, 'x'],
  ])('bad request %#', (req, field) => {
    expect(fieldOf(() => correlateCommand(req))).toBe(field);
  });
});

describe('anomalies command', () => {
  const dates = Array.from({length: 84}, (_, i) =>
    new Date(Date.UTC(2025, 0, 6 + i)).toISOString().slice(0, 10),
  );
  const weekend = dates.filter(d => [0, 6].includes(new Date(d).getUTCDay()));
  const y = dates.map((d, i) => {
    const wd = new Date(d).getUTCDay();
    if (wd === 0 || wd === 6) return 3;
    return Math.round(
      200 * [0, 1, 1.05, 1.02, 0.97, 0.85][wd] * (1 + 0.03 * Math.sin(i * 1.7)),
    );
  });
  y[30] = Math.round(y[30] * 0.4); // a Wednesday outage
  test('contract: index, date, direction, observed, expected, score, severity', () => {
    const out = anomaliesCommand({y, period: 7, dates, closedDates: weekend});
    const a = out.anomalies.find(r => r.index === 30);
    expect(a).toBeDefined();
    expect(a).toMatchObject({
      date: dates[30],
      direction: 'drop',
      kind: 'outage',
      observed: y[30],
    });
    expect(a!.expected).toBeGreaterThan(y[30]);
    expect(a!.score).toBeGreaterThan(3.5);
    expect(['low', 'medium', 'high']).toContain(a!.severity);
    expect(out.anomalies.every(r => !weekend.includes(r.date!))).toBe(true);
    expect(JSON.stringify(out)).not.toMatch(/NaN|null,"score"/);
  });
  test('without dates: plain indices, closed by index', () => {
    const out = anomaliesCommand({y, period: 7, closedIndices: [30]});
    expect(out.anomalies.find(r => r.index === 30)).toBeUndefined();
    expect(out.anomalies.every(r => r.date === undefined)).toBe(true);
  });
  test.each([
    [{y, period: 7, closedDates: ['2025-01-01']}, 'closedDates'],
    [{y, period: 7, dates: dates.slice(1)}, 'dates'],
    [{y, period: 7, dates: [...dates.slice(0, 83), '2025-01-01']}, 'dates'],
    [{y, period: 7, dates, closedDates: ['2025-02-30']}, 'closedDates'],
    [{y, period: 0}, 'period'],
    [{y: [1, 'a'], period: 7}, 'y'],
    [{y, period: 7, closedIndices: [500]}, 'closedIndices'],
    [{y, period: 7, threshold: 'high'}, 'threshold'],
  ])('bad request %#', (req, field) => {
    expect(fieldOf(() => anomaliesCommand(req))).toBe(field);
  });
});

describe('anomalies command on weekly totals with school days', () => {
  // 30 weeks of ~1000 events per full week; week 10 has 2 school days (a holiday
  // week) and week 20 a 45% drop.
  const weeks = Array.from({length: 30}, (_, i) =>
    new Date(Date.UTC(2024, 8, 2 + 7 * i)).toISOString().slice(0, 10),
  );
  const schoolDays = weeks.map((_, i) => (i === 10 ? 2 : i === 15 ? 4 : 5));
  const y = weeks.map((_, i) => {
    const full = 1000 * (1 + 0.02 * Math.sin(i * 2.3));
    const v = (full * schoolDays[i]) / 5;
    return Math.round(i === 20 ? v * 0.55 : v);
  });
  test('short weeks are closed or scaled, the low week is a drop in its own units', () => {
    const out = anomaliesCommand({y, period: 1, dates: weeks, schoolDays});
    expect(out.anomalies.map(a => a.index)).toEqual([20]);
    const a = out.anomalies[0];
    expect(a.observed).toBe(y[20]);
    expect(a.expected).toBeGreaterThan(900);
    expect(a.changePct!).toBeLessThan(-40);
    // Without school days the holiday week is (rightly, for the numbers) a drop.
    const naive = anomaliesCommand({y, period: 1, dates: weeks});
    expect(naive.anomalies.some(x => x.index === 10)).toBe(true);
  });
  test('schoolDays must match y', () => {
    expect(
      fieldOf(() => anomaliesCommand({y, period: 1, schoolDays: [5, 5]})),
    ).toBe('schoolDays');
  });
});
