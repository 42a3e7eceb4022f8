/**
 * Charts as SVG node trees (pure): the forecast with its intervals, the student-teacher
 * heatmap and the anomaly timeline. The sidebar turns a tree into DOM nodes with
 * createElementNS/setAttribute/textContent, the static report serializes it with escaping,
 * so both draw the same chart and neither ever parses data as markup.
 */
import {metricLabel} from '../core/labels';
import type {
  AnomalyItem,
  ForecastChartData,
  HeatmapData,
} from '../sheets/view-types';

export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  children?: SvgNode[];
  /** Text content (escaped by whoever renders it). */
  text?: string;
}

export const COLORS = {
  actual: '#1a73e8',
  forecast: '#e37400',
  band80: '#fbbc04',
  band95: '#fde293',
  backtest: '#e37400',
  axis: '#5f6368',
  grid: '#e8eaed',
  drop: '#d93025',
  surge: '#1e8e3e',
  empty: '#f1f3f4',
  text: '#202124',
};

export function el(
  tag: string,
  attrs: Record<string, string | number>,
  children?: SvgNode[],
  text?: string,
): SvgNode {
  const n: SvgNode = {tag, attrs};
  if (children) n.children = children;
  if (text !== undefined) n.text = text;
  return n;
}

export function r1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Round tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0];
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step =
    [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // From the step at or below lo to the first step at or above hi, so no value is clipped.
  for (let v = Math.floor(lo / step) * step; ; v += step) {
    out.push(Number(v.toPrecision(12)));
    if (v >= hi - step * 1e-9 || out.length > 50) break;
  }
  return out;
}

/** Compact number for axis labels: 1,234 -> 1.2k. */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${r1(v / 1e6)}M`;
  if (a >= 1e4) return `${Math.round(v / 1e3)}k`;
  if (a >= 1e3) return `${r1(v / 1e3)}k`;
  return String(r1(v));
}

/** An accessible chart root: role img, labelled, with the label as its title. */
export function svgRoot(
  width: number,
  height: number,
  label: string,
  kids: SvgNode[] = [],
): SvgNode {
  kids.unshift(el('title', {}, undefined, label));
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': label,
    },
    kids,
  );
}

/** The centred line a chart shows in place of a plot when it has nothing to draw. */
export function emptyNote(
  width: number,
  height: number,
  text: string,
): SvgNode {
  return el(
    'text',
    {
      x: width / 2,
      y: height / 2,
      'text-anchor': 'middle',
      'font-size': 12,
      fill: COLORS.axis,
    },
    undefined,
    text,
  );
}

/** Ticks from zero (or the lowest value) to the highest, and the value-to-pixel map. */
export function yScale(
  vals: ReadonlyArray<number>,
  top: number,
  height: number,
): {ticks: number[]; y: (v: number) => number} {
  const ticks = niceTicks(Math.min(0, ...vals), Math.max(...vals));
  const y0 = ticks[0];
  const y1 = ticks[ticks.length - 1];
  return {ticks, y: v => top + height - ((v - y0) / (y1 - y0 || 1)) * height};
}

/** Horizontal grid lines at the y ticks, each labelled at the left of the plot. */
export function yGrid(
  ticks: ReadonlyArray<number>,
  y: (v: number) => number,
  left: number,
  width: number,
): SvgNode[] {
  return ticks.flatMap(t => [
    el('line', {
      x1: left,
      x2: left + width,
      y1: r1(y(t)),
      y2: r1(y(t)),
      stroke: COLORS.grid,
      'stroke-width': 1,
    }),
    el(
      'text',
      {
        x: left - 4,
        y: r1(y(t) + 3),
        'text-anchor': 'end',
        'font-size': 9,
        fill: COLORS.axis,
      },
      undefined,
      shortNumber(t),
    ),
  ]);
}

function polyline(pts: [number, number][]): string {
  return pts.map(([x, y]) => `${r1(x)},${r1(y)}`).join(' ');
}

/**
 * Forecast against actual: the 95% and 80% bands, the actual line, the forecast line
 * (backtest points as open circles), a legend and axes. Null values break the lines.
 */
export function forecastSvg(
  d: ForecastChartData,
  width = 284,
  height = 190,
): SvgNode {
  const m = {l: 38, r: 8, t: 8, b: 38};
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const pts = d.points;
  const vals: number[] = [];
  for (const p of pts) {
    for (const v of [p.actual, p.forecast, p.lo95, p.hi95, p.lo80, p.hi80]) {
      if (v !== null && Number.isFinite(v)) vals.push(v);
    }
  }
  const label = `${d.schoolName}: ${metricLabel(d.metric)}, actual and forecast by week`;
  const kids: SvgNode[] = [];
  const root = svgRoot(width, height, label, kids);
  if (pts.length === 0 || vals.length === 0) {
    kids.push(emptyNote(width, height, 'No forecast yet'));
    return root;
  }
  const {ticks, y} = yScale(vals, m.t, h);
  const x = (i: number) =>
    m.l + (pts.length === 1 ? w / 2 : (i / (pts.length - 1)) * w);
  kids.push(...yGrid(ticks, y, m.l, w));
  // Bands: contiguous runs of weeks with both bounds.
  const band = (lo: 'lo80' | 'lo95', hi: 'hi80' | 'hi95', fill: string) => {
    let run: number[] = [];
    const flush = () => {
      if (run.length) {
        const top = run.map(i => [x(i), y(pts[i][hi]!)] as [number, number]);
        const bottom = run
          .map(i => [x(i), y(pts[i][lo]!)] as [number, number])
          .reverse();
        const poly =
          run.length === 1
            ? ([
                [x(run[0]) - 2, y(pts[run[0]][hi]!)],
                [x(run[0]) + 2, y(pts[run[0]][hi]!)],
                [x(run[0]) + 2, y(pts[run[0]][lo]!)],
                [x(run[0]) - 2, y(pts[run[0]][lo]!)],
              ] as [number, number][])
            : [...top, ...bottom];
        kids.push(
          el('polygon', {points: polyline(poly), fill, stroke: 'none'}),
        );
      }
      run = [];
    };
    pts.forEach((p, i) => {
      if (p[lo] !== null && p[hi] !== null && !p.backtest) run.push(i);
      else flush();
    });
    flush();
  };
  band('lo95', 'hi95', COLORS.band95);
  band('lo80', 'hi80', COLORS.band80);
  const line = (
    key: 'actual' | 'forecast',
    color: string,
    dash: string | null,
    only?: (i: number) => boolean,
  ) => {
    let run: [number, number][] = [];
    const flush = () => {
      if (run.length > 1) {
        const a: Record<string, string | number> = {
          points: polyline(run),
          fill: 'none',
          stroke: color,
          'stroke-width': 2,
        };
        if (dash) a['stroke-dasharray'] = dash;
        kids.push(el('polyline', a));
      } else if (run.length === 1) {
        kids.push(
          el('circle', {
            cx: r1(run[0][0]),
            cy: r1(run[0][1]),
            r: 2,
            fill: color,
          }),
        );
      }
      run = [];
    };
    pts.forEach((p, i) => {
      const v = p[key];
      if (v !== null && (!only || only(i))) run.push([x(i), y(v)]);
      else flush();
    });
    flush();
  };
  line('actual', COLORS.actual, null);
  line('forecast', COLORS.forecast, '4 3', i => !pts[i].backtest);
  pts.forEach((p, i) => {
    if (p.backtest && p.forecast !== null) {
      kids.push(
        el('circle', {
          cx: r1(x(i)),
          cy: r1(y(p.forecast)),
          r: 2.2,
          fill: 'white',
          stroke: COLORS.backtest,
          'stroke-width': 1.2,
        }),
      );
    }
  });
  // X labels: first, middle, last week.
  const idx = [
    ...new Set([0, Math.floor((pts.length - 1) / 2), pts.length - 1]),
  ];
  for (const i of idx) {
    const anchor = i === 0 ? 'start' : i === pts.length - 1 ? 'end' : 'middle';
    kids.push(
      el(
        'text',
        {
          x: r1(x(i)),
          y: m.t + h + 12,
          'text-anchor': anchor,
          'font-size': 9,
          fill: COLORS.axis,
        },
        undefined,
        pts[i].weekStart,
      ),
    );
  }
  kids.push(
    el('line', {
      x1: m.l,
      x2: m.l + w,
      y1: m.t + h,
      y2: m.t + h,
      stroke: COLORS.axis,
      'stroke-width': 1,
    }),
  );
  // Legend.
  const ly = height - 8;
  const legend: [string, string, string][] = [
    ['Actual', COLORS.actual, ''],
    ['Forecast', COLORS.forecast, '4 3'],
    ['80%', COLORS.band80, 'band'],
    ['95%', COLORS.band95, 'band'],
  ];
  let lx = m.l;
  for (const [name, color, kind] of legend) {
    if (kind === 'band') {
      kids.push(
        el('rect', {x: lx, y: ly - 7, width: 12, height: 8, fill: color}),
      );
    } else {
      const a: Record<string, string | number> = {
        x1: lx,
        x2: lx + 12,
        y1: ly - 3,
        y2: ly - 3,
        stroke: color,
        'stroke-width': 2,
      };
      if (kind) a['stroke-dasharray'] = kind;
      kids.push(el('line', a));
    }
    kids.push(
      el(
        'text',
        {x: lx + 15, y: ly, 'font-size': 9, fill: COLORS.text},
        undefined,
        name,
      ),
    );
    lx += 15 + name.length * 5.5 + 10;
  }
  return root;
}

/** White to green by value on [0, max]; grey for no data. */
export function heatColor(v: number | null, max: number): string {
  if (v === null || !Number.isFinite(v)) return COLORS.empty;
  const t = Math.max(0, Math.min(1, max > 0 ? v / max : 0));
  const from = [255, 255, 255];
  const to = [19, 115, 51];
  const c = from.map((f, i) => Math.round(f + (to[i] - f) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Diverging scale for student minus teacher: red below zero, blue above. */
export function gapColor(v: number | null, span: number): string {
  if (v === null || !Number.isFinite(v)) return COLORS.empty;
  const t = Math.max(-1, Math.min(1, span > 0 ? v / span : 0));
  const to = t < 0 ? [217, 48, 37] : [26, 115, 232];
  const a = Math.abs(t);
  const c = [255, 255, 255].map((f, i) => Math.round(f + (to[i] - f) * a));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export type HeatmapMode = 'student' | 'teacher' | 'gap';

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '\u2026' : s;
}

/**
 * The heatmap: one row per school, one column per week; each cell's title reads out the
 * student and teacher values, so the chart is usable without colour.
 */
export function heatmapSvg(
  d: HeatmapData,
  mode: HeatmapMode = 'student',
  width = 284,
  maxRows = 40,
): SvgNode {
  const schools = d.schools.slice(0, maxRows);
  const labelW = 78;
  const cols = d.weeks.length;
  const cell = Math.max(
    4,
    Math.min(16, Math.floor((width - labelW - 4) / Math.max(1, cols))),
  );
  const rowH = 12;
  const top = 14;
  const height = top + schools.length * rowH + 22;
  const what =
    mode === 'student'
      ? 'Student'
      : mode === 'teacher'
        ? 'Teacher'
        : 'Student minus teacher';
  const label = `${what} % access by school and week, ${schools.length} schools, ${cols} weeks`;
  const kids: SvgNode[] = [];
  let max = 0;
  let span = 0;
  for (let s = 0; s < schools.length; s++) {
    for (let w = 0; w < cols; w++) {
      const st = d.student[s]?.[w] ?? null;
      const te = d.teacher[s]?.[w] ?? null;
      for (const v of [st, te]) if (v !== null && v > max) max = v;
      if (st !== null && te !== null) span = Math.max(span, Math.abs(st - te));
    }
  }
  const step = Math.max(1, Math.ceil(cols / 4));
  for (let w = 0; w < cols; w += step) {
    kids.push(
      el(
        'text',
        {x: labelW + w * cell, y: 10, 'font-size': 8, fill: COLORS.axis},
        undefined,
        d.weeks[w].slice(5),
      ),
    );
  }
  schools.forEach((sc, s) => {
    const y = top + s * rowH;
    kids.push(
      el(
        'text',
        {
          x: labelW - 4,
          y: y + 9,
          'text-anchor': 'end',
          'font-size': 9,
          fill: COLORS.text,
        },
        undefined,
        truncate(sc.name, 14),
      ),
    );
    for (let w = 0; w < cols; w++) {
      const st = d.student[s]?.[w] ?? null;
      const te = d.teacher[s]?.[w] ?? null;
      const v =
        mode === 'student'
          ? st
          : mode === 'teacher'
            ? te
            : st !== null && te !== null
              ? r1(st - te)
              : null;
      const fill = mode === 'gap' ? gapColor(v, span) : heatColor(v, max);
      const tip = `${sc.name}, week of ${d.weeks[w]}: students ${st === null ? 'n/a' : st + '%'}, teachers ${te === null ? 'n/a' : te + '%'}`;
      kids.push(
        el(
          'rect',
          {x: labelW + w * cell, y, width: cell - 1, height: rowH - 1, fill},
          [el('title', {}, undefined, tip)],
        ),
      );
    }
  });
  // Scale legend.
  const ly = top + schools.length * rowH + 14;
  const stops = mode === 'gap' ? [-span, 0, span] : [0, max / 2, max];
  stops.forEach((v, i) => {
    const x = labelW + i * 60;
    kids.push(
      el('rect', {
        x,
        y: ly - 8,
        width: 10,
        height: 8,
        fill: mode === 'gap' ? gapColor(v, span) : heatColor(v, max),
        stroke: COLORS.grid,
      }),
    );
    kids.push(
      el(
        'text',
        {x: x + 13, y: ly, 'font-size': 8, fill: COLORS.axis},
        undefined,
        `${Math.round(v)}%`,
      ),
    );
  });
  return svgRoot(width, height, label, kids);
}

/** Anomalies per week: drops below the axis, surges above. */
export function timelineSvg(
  anomalies: ReadonlyArray<AnomalyItem>,
  width = 284,
  height = 120,
  weeks = 26,
): SvgNode {
  const weekOf = (date: string): string => {
    const [y, m, d] = date.split('-').map(Number);
    const t = Date.UTC(y, m - 1, d);
    const dow = (new Date(t).getUTCDay() + 6) % 7;
    return new Date(t - dow * 86400000).toISOString().slice(0, 10);
  };
  const counts = new Map<string, {drop: number; surge: number}>();
  for (const a of anomalies) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(a.date)) continue;
    const w = weekOf(a.date);
    const c = counts.get(w) ?? {drop: 0, surge: 0};
    c[a.direction === 'drop' ? 'drop' : 'surge']++;
    counts.set(w, c);
  }
  const keys = [...counts.keys()].sort();
  const label = `Anomalies per week: ${anomalies.length} in total`;
  const kids: SvgNode[] = [];
  const root = svgRoot(width, height, label, kids);
  if (keys.length === 0) {
    kids.push(emptyNote(width, height, 'No anomalies flagged'));
    return root;
  }
  // Every week from the first to the last, so gaps show as quiet weeks.
  const all: string[] = [];
  const last = Date.parse(keys[keys.length - 1] + 'T00:00:00Z');
  for (
    let t = Date.parse(keys[0] + 'T00:00:00Z');
    t <= last;
    t += 7 * 86400000
  ) {
    all.push(new Date(t).toISOString().slice(0, 10));
  }
  const shown = all.slice(-weeks);
  const maxC = Math.max(
    1,
    ...shown.map(w =>
      Math.max(counts.get(w)?.drop ?? 0, counts.get(w)?.surge ?? 0),
    ),
  );
  const m = {l: 24, r: 6, t: 6, b: 16};
  const mid = m.t + (height - m.t - m.b) / 2;
  const half = (height - m.t - m.b) / 2;
  const bw = (width - m.l - m.r) / shown.length;
  kids.push(
    el('line', {
      x1: m.l,
      x2: width - m.r,
      y1: mid,
      y2: mid,
      stroke: COLORS.axis,
      'stroke-width': 1,
    }),
  );
  kids.push(
    el(
      'text',
      {
        x: m.l - 3,
        y: m.t + 8,
        'text-anchor': 'end',
        'font-size': 8,
        fill: COLORS.surge,
      },
      undefined,
      String(maxC),
    ),
  );
  kids.push(
    el(
      'text',
      {
        x: m.l - 3,
        y: height - m.b,
        'text-anchor': 'end',
        'font-size': 8,
        fill: COLORS.drop,
      },
      undefined,
      String(maxC),
    ),
  );
  shown.forEach((w, i) => {
    const c = counts.get(w) ?? {drop: 0, surge: 0};
    const x = m.l + i * bw + 0.5;
    if (c.surge) {
      const hh = (c.surge / maxC) * half;
      kids.push(
        el(
          'rect',
          {
            x: r1(x),
            y: r1(mid - hh),
            width: r1(Math.max(1, bw - 1)),
            height: r1(hh),
            fill: COLORS.surge,
          },
          [
            el(
              'title',
              {},
              undefined,
              `Week of ${w}: ${c.surge} surge${c.surge === 1 ? '' : 's'}`,
            ),
          ],
        ),
      );
    }
    if (c.drop) {
      const hh = (c.drop / maxC) * half;
      kids.push(
        el(
          'rect',
          {
            x: r1(x),
            y: r1(mid),
            width: r1(Math.max(1, bw - 1)),
            height: r1(hh),
            fill: COLORS.drop,
          },
          [
            el(
              'title',
              {},
              undefined,
              `Week of ${w}: ${c.drop} drop${c.drop === 1 ? '' : 's'}`,
            ),
          ],
        ),
      );
    }
  });
  kids.push(
    el(
      'text',
      {x: m.l, y: height - 3, 'font-size': 8, fill: COLORS.axis},
      undefined,
      shown[0],
    ),
  );
  kids.push(
    el(
      'text',
      {
        x: width - m.r,
        y: height - 3,
        'text-anchor': 'end',
        'font-size': 8,
        fill: COLORS.axis,
      },
      undefined,
      shown[shown.length - 1],
    ),
  );
  return root;
}

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, c => ESC[c]);
}

/** Serializes a node tree to markup, escaping every attribute value and text. */
export function svgToString(n: SvgNode): string {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(n.tag))
    throw new Error(`bad SVG tag ${n.tag}`);
  const attrs = Object.entries(n.attrs)
    .filter(([k]) => /^[a-zA-Z][a-zA-Z0-9:-]*$/.test(k))
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  const inner =
    (n.text !== undefined ? escapeXml(n.text) : '') +
    (n.children ?? []).map(svgToString).join('');
  return `<${n.tag}${attrs}>${inner}</${n.tag}>`;
}
