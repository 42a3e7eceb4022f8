/**
 * The What-if tab and its Looker twin (pure): one row per school and forecast week, and the
 * district's sums, with the scenario's settings above the table in the admin tab.
 */
import type {WhatIfResult} from '../analysis/whatif';
import type {ColumnSpec, ColumnType, TableSchema} from './tables';

export interface WhatIfRecord {
  schoolId: string;
  schoolName: string;
  weekStart: string;
  scenario: string;
  inScenario: boolean;
  schoolDays: number;
  teacherBaseline: number | null;
  teacherScenario: number | null;
  outsideRange: boolean;
  baseline: number;
  baselineLo80: number | null;
  baselineHi80: number | null;
  baselineLo95: number | null;
  baselineHi95: number | null;
  scenarioValue: number;
  scenarioLo80: number | null;
  scenarioHi80: number | null;
  scenarioLo95: number | null;
  scenarioHi95: number | null;
  difference: number;
  differenceLo95: number;
  differenceHi95: number;
  coefficient: number | null;
  coefficientSe: number | null;
  significant: boolean | null;
  caveats: string;
}

/** The id of the district's rows (the sum of the schools in the scenario). */
export const WHATIF_DISTRICT = 'district';

function c(
  field: keyof WhatIfRecord & string,
  key: string,
  label: string,
  type: ColumnType,
  description: string,
  width?: number,
): ColumnSpec<WhatIfRecord> {
  return {field, key, label, type, description, ...(width ? {width} : {})};
}

const blankForDistrict =
  ' Blank on district rows: the schools’ intervals do not add up to one.';

const columns: ColumnSpec<WhatIfRecord>[] = [
  c('schoolId', 'school_id', 'School id', 'string', `School id, or '${WHATIF_DISTRICT}' for the sum of the schools in the scenario.`),
  c('schoolName', 'school_name', 'School', 'string', 'School name.', 180),
  c('weekStart', 'week_start', 'Week start', 'date', 'Monday of the forecast week.'),
  c('scenario', 'scenario', 'Scenario', 'string', 'The teacher-activity scenario.', 200),
  c('inScenario', 'in_scenario', 'In scenario', 'boolean', 'TRUE in the weeks the scenario applies.'),
  c('schoolDays', 'school_days', 'School days', 'integer', 'School days in the week by the calendar.'),
  c('teacherBaseline', 'teacher_baseline', 'Teacher activity (forecast)', 'number', 'Forecast weekly teacher activity (events), the regressor of the baseline.' + blankForDistrict),
  c('teacherScenario', 'teacher_scenario', 'Teacher activity (scenario)', 'number', 'Weekly teacher activity under the scenario.' + blankForDistrict),
  c('outsideRange', 'outside_range', 'Outside range', 'boolean', 'TRUE when scenario teacher activity lies outside what the school has shown: an extrapolation.'),
  c('baseline', 'baseline', 'Baseline', 'number', 'Forecast weekly active students (the weekly forecast).'),
  c('baselineLo80', 'baseline_lo80', 'Baseline lo 80', 'number', 'Lower bound of the baseline 80% prediction interval.' + blankForDistrict),
  c('baselineHi80', 'baseline_hi80', 'Baseline hi 80', 'number', 'Upper bound of the baseline 80% prediction interval.' + blankForDistrict),
  c('baselineLo95', 'baseline_lo95', 'Baseline lo 95', 'number', 'Lower bound of the baseline 95% prediction interval.' + blankForDistrict),
  c('baselineHi95', 'baseline_hi95', 'Baseline hi 95', 'number', 'Upper bound of the baseline 95% prediction interval.' + blankForDistrict),
  c('scenarioValue', 'scenario_forecast', 'Scenario', 'number', 'Forecast weekly active students under the scenario.'),
  c('scenarioLo80', 'scenario_lo80', 'Scenario lo 80', 'number', 'Lower bound of the scenario 80% interval (forecast noise and the coefficient’s uncertainty).' + blankForDistrict),
  c('scenarioHi80', 'scenario_hi80', 'Scenario hi 80', 'number', 'Upper bound of the scenario 80% interval.' + blankForDistrict),
  c('scenarioLo95', 'scenario_lo95', 'Scenario lo 95', 'number', 'Lower bound of the scenario 95% interval.' + blankForDistrict),
  c('scenarioHi95', 'scenario_hi95', 'Scenario hi 95', 'number', 'Upper bound of the scenario 95% interval.' + blankForDistrict),
  c('difference', 'difference', 'Difference', 'number', 'Scenario minus baseline, students per week.'),
  c('differenceLo95', 'difference_lo95', 'Difference lo 95', 'number', 'Lower bound of the 95% interval of the difference (the teacher coefficient’s s.e. and the baseline’s level).'),
  c('differenceHi95', 'difference_hi95', 'Difference hi 95', 'number', 'Upper bound of the 95% interval of the difference.'),
  c('coefficient', 'teacher_coefficient', 'Teacher coefficient', 'number', 'Elasticity of weekly students on teacher activity in the school’s model (log scale).' + blankForDistrict),
  c('coefficientSe', 'teacher_coefficient_se', 'Coefficient s.e.', 'number', 'Standard error of the teacher coefficient.' + blankForDistrict),
  c('significant', 'significant', 'Distinguishable from zero', 'boolean', 'TRUE when the coefficient is at least 1.96 standard errors from zero.'),
  c('caveats', 'caveats', 'Caveats', 'string', 'Why the result is uncertain or missing, in plain words.', 320),
];

export const WHATIF: TableSchema<WhatIfRecord> = {
  name: 'What-if',
  description:
    'Weekly active students forecast under a teacher-activity scenario, beside the baseline.',
  looker: false,
  columns,
};

export const LK_WHATIF: TableSchema<WhatIfRecord> = {
  name: 'lk_whatif',
  description:
    'The last what-if scenario: baseline and scenario forecasts per school and week.',
  looker: true,
  columns,
};

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
    r.schools.flatMap(s => s.weeks.filter(w => w.outsideRange).map(w => w.weekStart)),
  );
  for (const w of d.weeks) {
    out.push({
      schoolId: WHATIF_DISTRICT,
      schoolName: 'District',
      weekStart: w.weekStart,
      scenario: label,
      inScenario: r.schools.some(s => s.weeks.some(x => x.weekStart === w.weekStart && x.inScenario)),
      schoolDays: r.schools.find(s => s.ok)?.weeks.find(x => x.weekStart === w.weekStart)?.schoolDays ?? 0,
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
    ['Schools', `${q.selection}: ${q.schools.length} (${d.schools} re-forecast${skipped.length ? `, ${skipped.length} not: ${skipped.map(s => `${s.schoolName}: ${s.notes.join(' ')}`).join(' | ')}` : ''})`],
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
