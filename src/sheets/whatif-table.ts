/**
 * The rows of the What-if tab and its Looker twin (pure; schemas in tables/whatif.ts): one row per
 * school and forecast week, and the district's sums, and the scenario's settings that the
 * admin tab shows above the table.
 */
import type {WhatIfResult} from '../analysis/whatif';
import {WHATIF_DISTRICT, type WhatIfRecord} from './tables';

export {LK_WHATIF, WHATIF, WHATIF_DISTRICT, type WhatIfRecord} from './tables';

/** The result as rows: each school's weeks, then the district's. */
export function whatIfRecords(r: WhatIfResult): WhatIfRecord[] {
  const label = r.request.scenarioLabel;
  const out: WhatIfRecord[] = [];
  for (const s of r.schools) {
    const caveats = s.notes.join(' ');
    if (!s.ok) continue;
    for (const w of s.weeks) {
      out.push({
        schoolId: s.schoolId,
        schoolName: s.schoolName,
        weekStart: w.weekStart,
        scenario: label,
        inScenario: w.inScenario,
        schoolDays: w.schoolDays,
        teacherBaseline: w.teacherBaseline,
        teacherScenario: w.teacherScenario,
        outsideRange: w.outsideRange,
        baseline: w.baseline,
        baselineLo80: w.baselineLo80,
        baselineHi80: w.baselineHi80,
        baselineLo95: w.baselineLo95,
        baselineHi95: w.baselineHi95,
        scenarioValue: w.scenario,
        scenarioLo80: w.scenarioLo80,
        scenarioHi80: w.scenarioHi80,
        scenarioLo95: w.scenarioLo95,
        scenarioHi95: w.scenarioHi95,
        difference: w.difference,
        differenceLo95: w.differenceLo95,
        differenceHi95: w.differenceHi95,
        coefficient: s.coefficient,
        coefficientSe: s.coefficientSe,
        significant: s.significant,
        caveats,
      });
    }
  }
  const d = r.district;
  const outside = new Set(
    r.schools.flatMap(s =>
      s.weeks.filter(w => w.outsideRange).map(w => w.weekStart),
    ),
  );
  for (const w of d.weeks) {
    out.push({
      schoolId: WHATIF_DISTRICT,
      schoolName: 'District',
      weekStart: w.weekStart,
      scenario: label,
      inScenario: r.schools.some(s =>
        s.weeks.some(x => x.weekStart === w.weekStart && x.inScenario),
      ),
      schoolDays:
        r.schools.find(s => s.ok)?.weeks.find(x => x.weekStart === w.weekStart)
          ?.schoolDays ?? 0,
      teacherBaseline: null,
      teacherScenario: null,
      outsideRange: outside.has(w.weekStart),
      baseline: w.baseline,
      baselineLo80: null,
      baselineHi80: null,
      baselineLo95: null,
      baselineHi95: null,
      scenarioValue: w.scenario,
      scenarioLo80: null,
      scenarioHi80: null,
      scenarioLo95: null,
      scenarioHi95: null,
      difference: w.difference,
      differenceLo95: w.differenceLo95,
      differenceHi95: w.differenceHi95,
      coefficient: null,
      coefficientSe: null,
      significant: null,
      caveats: `Sum of ${d.schools} schools; its interval treats the schools’ estimates as independent.`,
    });
  }
  return out;
}

function fmt(v: number | null, digits = 0): string {
  return v === null || !Number.isFinite(v) ? '' : v.toFixed(digits);
}

/** The scenario's settings and headline figures, written above the table. */
export function whatIfSettingsRows(
  r: WhatIfResult,
  generated: string,
): Array<[string, string]> {
  const q = r.request;
  const d = r.district;
  const b = d.backtest;
  const skipped = r.schools.filter(s => !s.ok);
  return [
    ['Scenario', q.scenarioLabel],
    [
      'Schools',
      `${q.selection}: ${q.schools.length} (${d.schools} re-forecast${skipped.length ? `, ${skipped.length} not: ${skipped.map(s => `${s.schoolName}: ${s.notes.join(' ')}`).join(' | ')}` : ''})`,
    ],
    ['From week', q.startWeek],
    ['Weeks', String(q.weeks)],
    ['Horizon (weeks)', String(q.horizon)],
    ['Generated', generated],
    [
      'Change over the horizon',
      `${fmt(d.totalDifference)} student-weeks (95%: ${fmt(d.totalDifferenceLo95)} to ${fmt(d.totalDifferenceHi95)})`,
    ],
    [
      'Lever backtest',
      b.events
        ? `${b.events} past weeks where teacher activity moved more than ${b.thresholdPct}%: student change went the predicted way in ${fmt(100 * (b.directionHitRate ?? 0))}%; error ${fmt(b.maePct, 1)} points against ${fmt(b.maeNoChangePct, 1)} for "no change" (skill ${fmt(b.skill, 2)}, in-sample)`
        : `no past week where teacher activity moved more than ${b.thresholdPct}% in a comparable pair of school weeks`,
    ],
    ['Caution', r.note],
  ];
}
