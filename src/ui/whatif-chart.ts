/**
 * The what-if chart as an SVG node tree (pure): baseline and scenario forecasts by week,
 * each with its 95% prediction interval, and the scenario weeks shaded. The sidebar and the
 * static report draw the same tree (see charts.ts).
 */
import {
  COLORS,
  el,
  emptyNote,
  r1,
  svgRoot,
  yGrid,
  yScale,
  type SvgNode,
} from './charts';

export interface WhatIfChartWeek {
  weekStart: string;
  inScenario: boolean;
  baseline: number;
  baselineLo95: number | null;
  baselineHi95: number | null;
  scenario: number;
  scenarioLo95: number | null;
  scenarioHi95: number | null;
}

export const WHATIF_COLORS = {
  baseline: COLORS.actual,
  baselineBand: '#d2e3fc',
  scenario: COLORS.forecast,
  scenarioBand: '#fde293',
  shade: '#f1f3f4',
};

export function whatIfSvg(
  title: string,
  weeks: ReadonlyArray<WhatIfChartWeek>,
  width = 284,
  height = 200,
): SvgNode {
  const m = {l: 38, r: 8, t: 8, b: 44};
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const label = `${title}: weekly active students, baseline and scenario forecasts with 95% intervals`;
  const kids: SvgNode[] = [];
  const root = svgRoot(width, height, label, kids);
  const vals = weeks.flatMap(p =>
    [
      p.baseline,
      p.scenario,
      p.baselineLo95,
      p.baselineHi95,
      p.scenarioLo95,
      p.scenarioHi95,
    ].filter((v): v is number => v !== null && Number.isFinite(v)),
  );
  if (weeks.length === 0 || vals.length === 0) {
    kids.push(emptyNote(width, height, 'No what-if forecast'));
    return root;
  }
  const {ticks, y} = yScale(vals, m.t, h);
  const step = weeks.length > 1 ? w / (weeks.length - 1) : 0;
  const x = (i: number) => m.l + (weeks.length === 1 ? w / 2 : i * step);
  // Scenario weeks shaded behind everything.
  weeks.forEach((p, i) => {
    if (!p.inScenario) return;
    const half = step ? step / 2 : w / 2;
    kids.push(
      el('rect', {
        x: r1(Math.max(m.l, x(i) - half)),
        y: m.t,
        width: r1(Math.min(m.l + w, x(i) + half) - Math.max(m.l, x(i) - half)),
        height: h,
        fill: WHATIF_COLORS.shade,
      }),
    );
  });
  kids.push(...yGrid(ticks, y, m.l, w));
  const band = (
    lo: 'baselineLo95' | 'scenarioLo95',
    hi: 'baselineHi95' | 'scenarioHi95',
    fill: string,
  ) => {
    const idx = weeks
      .map((_, i) => i)
      .filter(i => weeks[i][lo] !== null && weeks[i][hi] !== null);
    if (idx.length < 2) return;
    const top = idx.map(i => `${r1(x(i))},${r1(y(weeks[i][hi] as number))}`);
    const bottom = idx
      .reverse()
      .map(i => `${r1(x(i))},${r1(y(weeks[i][lo] as number))}`);
    kids.push(
      el('polygon', {
        points: [...top, ...bottom].join(' '),
        fill,
        'fill-opacity': 0.6,
        stroke: 'none',
      }),
    );
  };
  band('baselineLo95', 'baselineHi95', WHATIF_COLORS.baselineBand);
  band('scenarioLo95', 'scenarioHi95', WHATIF_COLORS.scenarioBand);
  const line = (k: 'baseline' | 'scenario', stroke: string, dash?: string) =>
    kids.push(
      el('polyline', {
        points: weeks.map((p, i) => `${r1(x(i))},${r1(y(p[k]))}`).join(' '),
        fill: 'none',
        stroke,
        'stroke-width': 2,
        ...(dash ? {'stroke-dasharray': dash} : {}),
      }),
    );
  line('baseline', WHATIF_COLORS.baseline);
  line('scenario', WHATIF_COLORS.scenario, '5 3');
  // First and last week on the axis.
  const axisY = m.t + h + 12;
  kids.push(
    el(
      'text',
      {x: m.l, y: axisY, 'font-size': 9, fill: COLORS.axis},
      undefined,
      weeks[0].weekStart.slice(5),
    ),
  );
  if (weeks.length > 1)
    kids.push(
      el(
        'text',
        {
          x: m.l + w,
          y: axisY,
          'text-anchor': 'end',
          'font-size': 9,
          fill: COLORS.axis,
        },
        undefined,
        weeks[weeks.length - 1].weekStart.slice(5),
      ),
    );
  const ly = height - 8;
  kids.push(
    el('line', {
      x1: m.l,
      x2: m.l + 14,
      y1: ly - 3,
      y2: ly - 3,
      stroke: WHATIF_COLORS.baseline,
      'stroke-width': 2,
    }),
  );
  kids.push(
    el(
      'text',
      {x: m.l + 18, y: ly, 'font-size': 9, fill: COLORS.text},
      undefined,
      'Baseline',
    ),
  );
  kids.push(
    el('line', {
      x1: m.l + 70,
      x2: m.l + 84,
      y1: ly - 3,
      y2: ly - 3,
      stroke: WHATIF_COLORS.scenario,
      'stroke-width': 2,
      'stroke-dasharray': '5 3',
    }),
  );
  kids.push(
    el(
      'text',
      {x: m.l + 88, y: ly, 'font-size': 9, fill: COLORS.text},
      undefined,
      'Scenario',
    ),
  );
  kids.push(
    el('rect', {
      x: m.l + 140,
      y: ly - 8,
      width: 10,
      height: 8,
      fill: WHATIF_COLORS.shade,
      stroke: COLORS.grid,
    }),
  );
  kids.push(
    el(
      'text',
      {x: m.l + 154, y: ly, 'font-size': 9, fill: COLORS.text},
      undefined,
      'Scenario weeks',
    ),
  );
  return root;
}
