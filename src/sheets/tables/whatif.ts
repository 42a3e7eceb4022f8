/**
 * The What-if tab and lk_whatif, written on demand: weekly active students forecast under
 * a teacher-activity scenario beside the baseline (rows in ../whatif-table.ts).
 */
import {adminTable, lookerOf, SCHOOL_NAME_COLUMN} from '../schema';

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

const blankForDistrict =
  ' Blank on district rows: the schools’ intervals do not add up to one.';

// prettier-ignore
export const WHATIF = adminTable<WhatIfRecord>({
  name: 'What-if',
  description: 'Weekly active students forecast under a teacher-activity scenario, beside the baseline.',
  columns: [
    ['schoolId', 'school_id', 'School id', 'string', `School id, or '${WHATIF_DISTRICT}' for the sum of the schools in the scenario.`],
    SCHOOL_NAME_COLUMN,
    ['weekStart', 'week_start', 'Week start', 'date', 'Monday of the forecast week.'],
    ['scenario', 'scenario', 'Scenario', 'string', 'The teacher-activity scenario.', {width: 200}],
    ['inScenario', 'in_scenario', 'In scenario', 'boolean', 'TRUE in the weeks the scenario applies.'],
    ['schoolDays', 'school_days', 'School days', 'integer', 'School days in the week by the calendar.'],
    ['teacherBaseline', 'teacher_baseline', 'Teacher activity (forecast)', 'number', 'Forecast weekly teacher activity (events), the regressor of the baseline.' + blankForDistrict],
    ['teacherScenario', 'teacher_scenario', 'Teacher activity (scenario)', 'number', 'Weekly teacher activity under the scenario.' + blankForDistrict],
    ['outsideRange', 'outside_range', 'Outside range', 'boolean', 'TRUE when scenario teacher activity lies outside what the school has shown: an extrapolation.'],
    ['baseline', 'baseline', 'Baseline', 'number', 'Forecast weekly active students (the weekly forecast).'],
    ['baselineLo80', 'baseline_lo80', 'Baseline lo 80', 'number', 'Lower bound of the baseline 80% prediction interval.' + blankForDistrict],
    ['baselineHi80', 'baseline_hi80', 'Baseline hi 80', 'number', 'Upper bound of the baseline 80% prediction interval.' + blankForDistrict],
    ['baselineLo95', 'baseline_lo95', 'Baseline lo 95', 'number', 'Lower bound of the baseline 95% prediction interval.' + blankForDistrict],
    ['baselineHi95', 'baseline_hi95', 'Baseline hi 95', 'number', 'Upper bound of the baseline 95% prediction interval.' + blankForDistrict],
    ['scenarioValue', 'scenario_forecast', 'Scenario forecast', 'number', 'Forecast weekly active students under the scenario.'],
    ['scenarioLo80', 'scenario_lo80', 'Scenario lo 80', 'number', 'Lower bound of the scenario 80% interval (forecast noise and the coefficient’s uncertainty).' + blankForDistrict],
    ['scenarioHi80', 'scenario_hi80', 'Scenario hi 80', 'number', 'Upper bound of the scenario 80% interval.' + blankForDistrict],
    ['scenarioLo95', 'scenario_lo95', 'Scenario lo 95', 'number', 'Lower bound of the scenario 95% interval.' + blankForDistrict],
    ['scenarioHi95', 'scenario_hi95', 'Scenario hi 95', 'number', 'Upper bound of the scenario 95% interval.' + blankForDistrict],
    ['difference', 'difference', 'Difference', 'number', 'Scenario minus baseline, students per week.'],
    ['differenceLo95', 'difference_lo95', 'Difference lo 95', 'number', 'Lower bound of the 95% interval of the difference (the teacher coefficient’s s.e. and the baseline’s level).'],
    ['differenceHi95', 'difference_hi95', 'Difference hi 95', 'number', 'Upper bound of the 95% interval of the difference.'],
    ['coefficient', 'teacher_coefficient', 'Teacher coefficient', 'number', 'Elasticity of weekly students on teacher activity in the school’s model (log scale).' + blankForDistrict],
    ['coefficientSe', 'teacher_coefficient_se', 'Coefficient s.e.', 'number', 'Standard error of the teacher coefficient.' + blankForDistrict],
    ['significant', 'significant', 'Distinguishable from zero', 'boolean', 'TRUE when the coefficient is at least 1.96 standard errors from zero.'],
    ['caveats', 'caveats', 'Caveats', 'string', 'Why the result is uncertain or missing, in plain words.', {width: 320}],
  ],
});

export const LK_WHATIF = lookerOf(
  WHATIF,
  'lk_whatif',
  'The last what-if scenario: baseline and scenario forecasts per school and week.',
);
