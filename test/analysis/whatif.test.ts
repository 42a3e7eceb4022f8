import {forecastSchool, schoolSeries} from '../../src/analysis/forecasting';
import {whatIf, type WhatIfRequest} from '../../src/analysis/whatif';
import {LEVER_CALENDAR, leverDistrict} from './lever-district';

const settings = {underuseGapPct: 20, minGroupSize: 10};

function run(d: ReturnType<typeof leverDistrict>, req: WhatIfRequest) {
  return whatIf(req, {
    weekly: d.weekly,
    calendar: LEVER_CALENDAR,
    schools: d.schools,
    settings,
  });
}

describe('what-if: the recovered teacher effect against the generator', () => {
  // The truth is the generator's own counterfactual: the same future drawn twice, with
  // teacher activity as it came and scaled by the scenario's ratio.
  const cases = [
    {
      seed: 11,
      scenario: {horizon: 8, offset: 0, span: 8, ratio: 1.2},
      percent: 20,
    },
    {
      seed: 12,
      scenario: {horizon: 8, offset: 2, span: 4, ratio: 0.75},
      percent: -25,
    },
  ];
  test.each(cases)(
    'seed $seed, $percent%: the true change lies in the 95% interval for at least 90% of schools',
    ({seed, scenario, percent}) => {
      const d = leverDistrict(seed, 30, 80, scenario);
      const res = run(d, {
        schools: 'all',
        scenario: {kind: 'percent', percent},
        startWeek: d.futureWeeks[scenario.offset],
        weeks: scenario.span,
        horizon: scenario.horizon,
      });
      let inside = 0;
      for (const s of res.schools) {
        expect(s.ok).toBe(true);
        const t = d.truth.find(x => x.id === s.schoolId)!;
        const truth = t.futureScenario.reduce(
          (a, v, i) => a + v - t.futureBase[i],
          0,
        );
        if (
          truth >= (s.totalDifferenceLo95 as number) &&
          truth <= (s.totalDifferenceHi95 as number)
        )
          inside++;
        // Weeks outside the scenario are left alone.
        s.weeks.forEach((w, i) => {
          const on =
            i >= scenario.offset && i < scenario.offset + scenario.span;
          expect(w.inScenario).toBe(on);
          if (!on) expect(w.difference).toBeCloseTo(0, 6);
        });
      }
      expect(inside / res.schools.length).toBeGreaterThanOrEqual(0.9);
      // The district sums the schools.
      const sum = res.schools.reduce((a, s) => a + (s.totalDifference ?? 0), 0);
      expect(res.district.totalDifference).toBeCloseTo(sum, 6);
      expect(Math.sign(res.district.totalDifference)).toBe(Math.sign(percent));
    },
  );
});

describe('what-if: a 0% scenario', () => {
  test('reproduces the baseline forecast exactly', () => {
    const d = leverDistrict(21, 4, 80);
    const res = run(d, {
      schools: 'all',
      scenario: {kind: 'percent', percent: 0},
    });
    const series = schoolSeries(d.weekly);
    for (const s of res.schools) {
      expect(s.ok).toBe(true);
      expect(s.totalDifference).toBe(0);
      const fc = forecastSchool(
        series.find(x => x.schoolId === s.schoolId)!,
        {calendar: LEVER_CALENDAR, horizon: 8},
      ).rows.filter(r => !r.isBacktest);
      s.weeks.forEach((w, i) => {
        expect(w.scenario).toBe(w.baseline);
        expect(w.scenarioLo80).toBe(w.baselineLo80);
        expect(w.scenarioHi80).toBe(w.baselineHi80);
        expect(w.scenarioLo95).toBe(w.baselineLo95);
        expect(w.scenarioHi95).toBe(w.baselineHi95);
        expect(w.difference).toBe(0);
        expect(w.teacherScenario).toBe(w.teacherBaseline);
        // The baseline is the weekly forecast itself.
        expect(w.weekStart).toBe(fc[i].weekStart);
        expect(w.baseline).toBe(fc[i].forecast);
        expect(w.baselineLo95).toBe(fc[i].lo95);
        expect(w.baselineHi80).toBe(fc[i].hi80);
      });
    }
  });
});

describe('what-if: honest about what it knows', () => {
  const d = leverDistrict(31, 10, 80);
  test('says so where the teacher coefficient is not distinguishable from zero', () => {
    const res = run(d, {
      schools: 'all',
      scenario: {kind: 'percent', percent: 20},
    });
    expect(res.note).toMatch(/association .* not the result of a trial/);
    for (const s of res.schools) {
      if (s.significant) {
        expect(s.notes.join(' ')).not.toMatch(/not distinguishable/);
        continue;
      }
      expect(s.notes.join(' ')).toMatch(/not distinguishable from zero/);
      // The interval shows it: it holds no change.
      expect(s.totalDifferenceLo95 as number).toBeLessThanOrEqual(0);
      expect(s.totalDifferenceHi95 as number).toBeGreaterThanOrEqual(0);
    }
    // Schools with a true effect (four in five) are distinguishable from zero.
    const withEffect = res.schools.filter((_, i) => i % 5 !== 4);
    expect(withEffect.every(s => s.significant)).toBe(true);
  });

  test('flags scenario weeks outside the range of teacher activity the school has shown', () => {
    const res = run(d, {
      schools: 'all',
      scenario: {kind: 'percent', percent: 300},
    });
    for (const s of res.schools) {
      expect(s.weeksOutsideRange).toBeGreaterThan(0);
      expect(s.notes.join(' ')).toMatch(
        /outside the range this school has shown/,
      );
      for (const w of s.weeks)
        if (w.outsideRange && w.schoolDays > 0)
          expect(
            w.teacherScenario > (s.teacherMax as number) ||
              w.teacherScenario < (s.teacherMin as number),
          ).toBe(true);
    }
    const small = run(d, {
      schools: 'all',
      scenario: {kind: 'percent', percent: 5},
    });
    // A small change leaves a school's usual weeks in range; a week whose baseline is
    // already outside it (a 1-day week: less teacher activity than any open week of the
    // history) stays flagged.
    expect(
      small.schools.some(s =>
        s.weeks.every(
          w =>
            !w.outsideRange ||
            w.teacherBaseline < (s.teacherMin as number) ||
            w.teacherBaseline > (s.teacherMax as number),
        ),
      ),
    ).toBe(true);
  });

  test('the lever backtest scores past rises and falls of teacher activity', () => {
    const res = run(d, {
      schools: 'all',
      scenario: {kind: 'percent', percent: 10},
      thresholdPct: 20,
    });
    const b = res.district.backtest;
    expect(b.events).toBeGreaterThan(50);
    expect(b.rises).toBeGreaterThan(0);
    expect(b.falls).toBeGreaterThan(0);
    for (const e of b.list)
      expect(Math.abs(e.teacherChangePct)).toBeGreaterThan(
        e.teacherChangePct > 0 ? 20 : 100 * (1 - 1 / 1.2) - 1e-9,
      );
    // With a real effect the lever predicts better than "no change".
    expect(b.skill as number).toBeGreaterThan(0.3);
    expect(b.directionHitRate as number).toBeGreaterThan(0.75);
    expect(b.events).toBe(
      res.schools.reduce((a, s) => a + (s.backtest?.events ?? 0), 0),
    );
  });

  test('peer median and own level of N weeks ago set the ratio', () => {
    const peer = run(d, {schools: 'all', scenario: {kind: 'peerMedian'}});
    const ratios = peer.schools.map(s => s.teacherRatio as number);
    expect(ratios.some(r => r > 1)).toBe(true);
    expect(ratios.some(r => r < 1)).toBe(true);
    const ago = run(d, {
      schools: [d.schools[0].id],
      scenario: {kind: 'weeksAgo', weeks: 6},
    });
    const s = ago.schools[0];
    expect(s.ok).toBe(true);
    expect(s.teacherRatio).toBeGreaterThan(0);
    expect(ago.request.scenarioLabel).toMatch(/6 weeks ago/);
  });
});

describe('what-if: bad input gets a clear error', () => {
  const d = leverDistrict(41, 2, 80);
  const last = d.futureWeeks[7];
  test.each([
    [
      {schools: ['nowhere'], scenario: {kind: 'percent', percent: 10}},
      /schools: unknown school "nowhere"/,
    ],
    [
      {
        schools: 'all',
        scenario: {kind: 'percent', percent: 10},
        startWeek: '2020-01-06',
      },
      /startWeek: 2020-01-06 is outside the forecast horizon/,
    ],
    [
      {
        schools: 'all',
        scenario: {kind: 'percent', percent: 10},
        startWeek: '2025-03-05',
      },
      /startWeek: "2025-03-05" is not a Monday/,
    ],
    [
      {
        schools: 'all',
        scenario: {kind: 'percent', percent: 10},
        startWeek: last,
        weeks: 2,
      },
      /weeks: 2 weeks from .* end after the forecast horizon/,
    ],
    [
      {schools: 'all', scenario: {kind: 'percent', percent: -150}},
      /scenario.percent: -150% would make teacher activity negative/,
    ],
    [
      {schools: 'all', scenario: {kind: 'double'}},
      /scenario.kind: "double" is not one of/,
    ],
    [
      {schools: [], scenario: {kind: 'percent', percent: 1}},
      /schools: must be a non-empty list/,
    ],
  ])('%j', (req, message) => {
    expect(() => run(d, req as WhatIfRequest)).toThrow(message);
  });
});
