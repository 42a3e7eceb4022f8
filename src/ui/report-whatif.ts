/**
 * The report's what-if section (pure): the scenario's settings, the chart of baseline and
 * scenario, each school's change with its interval and caveats, and the lever backtest.
 * Every value is escaped.
 */
import type {WhatIfView} from '../analysis/whatif';
import {escapeXml as e, svgToString} from './charts';
import {whatIfSvg} from './whatif-chart';

function num(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '\u2013';
  return v.toFixed(digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function whatIfSection(v: WhatIfView): string {
  const q = v.request;
  const d = v.district;
  const b = d.backtest;
  const one = v.schools.length === 1 && v.schools[0].ok ? v.schools[0] : null;
  const weeks = one
    ? one.weeks
    : d.weeks.map(w => ({
        ...w,
        inScenario: v.schools.some(s =>
          s.weeks.some(x => x.weekStart === w.weekStart && x.inScenario),
        ),
        baselineLo95: null,
        baselineHi95: null,
        scenarioLo95: null,
        scenarioHi95: null,
      }));
  const title = one ? one.schoolName : `${d.schools} schools`;
  const rows = v.schools
    .map(s => {
      const cells = s.ok
        ? [
            s.schoolName,
            num(s.teacherRatio, 2),
            `${num(s.coefficient, 2)} (${num(s.coefficientSe, 2)})`,
            num(s.totalDifference),
            `${num(s.totalDifferenceLo95)} to ${num(s.totalDifferenceHi95)}`,
            s.backtest ? `${s.backtest.events}` : '\u2013',
            s.notes.join(' '),
          ]
        : [
            s.schoolName,
            '\u2013',
            '\u2013',
            '\u2013',
            '\u2013',
            '\u2013',
            s.notes.join(' '),
          ];
      return `<tr>${cells.map((c, i) => `<td${i > 0 && i < 6 ? ' class="n"' : ''}>${e(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  const lever = b.events
    ? `Lever backtest (in-sample): in ${b.events} past weeks where teacher activity rose or fell by more than ${b.thresholdPct}% (${b.rises} rises, ${b.falls} falls), students moved the predicted way ${num(100 * (b.directionHitRate ?? 0))}% of the time; the predicted change missed by ${num(b.maePct, 1)} points on average against ${num(b.maeNoChangePct, 1)} for predicting no change (skill ${num(b.skill, 2)}).`
    : `Lever backtest: no past week where teacher activity moved by more than ${b.thresholdPct}% between comparable school weeks.`;
  return (
    '<section><h2>What-if: teacher activity</h2>' +
    `<p><strong>${e(q.scenarioLabel)}</strong> for ${e(q.selection)} (${q.schools.length}), from ${e(q.startWeek)} for ${q.weeks} week${q.weeks === 1 ? '' : 's'} of a ${q.horizon}-week forecast.</p>` +
    `<figure>${svgToString(whatIfSvg(title, weeks, 560, 260))}<figcaption>${e(title)}: weekly active students, baseline (solid) and scenario (dashed)${one ? ' with 95% intervals' : ''}; scenario weeks shaded.</figcaption></figure>` +
    `<p>Change over the horizon: <strong>${num(d.totalDifference)}</strong> student-weeks (95%: ${num(d.totalDifferenceLo95)} to ${num(d.totalDifferenceHi95)}).</p>` +
    `<p>${e(lever)}</p>` +
    `<p class="muted">${e(v.note)}</p>` +
    '<table><caption>By school</caption><thead><tr><th scope="col">School</th><th scope="col" class="n">Teacher ratio</th><th scope="col" class="n">Coefficient (s.e.)</th><th scope="col" class="n">Change</th><th scope="col" class="n">95% interval</th><th scope="col" class="n">Backtest moves</th><th scope="col">Caveats</th></tr></thead>' +
    `<tbody>${rows}</tbody></table></section>`
  );
}
