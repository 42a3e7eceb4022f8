/**
 * The static report (pure): the sidebar's and the dashboard's views as one self-contained
 * HTML page, charts as inline SVG, for the local runner's DIR/report.html. It takes the
 * same JSON the sidebar gets (getSnapshot) and escapes every value it prints.
 */
import {metricLabel, productTitle} from '../core/labels';
import {
  escapeXml,
  forecastSvg,
  heatmapSvg,
  svgToString,
  timelineSvg,
} from './charts';
import type {ForecastChartData, Snapshot} from '../sheets/view-types';
import {accuracyLines, summariseAccuracy} from '../sheets/accuracy';
import type {WhatIfView} from '../analysis/whatif';
import {whatIfSection} from './report-whatif';

const e = escapeXml;

function num(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '\u2013';
  const f = v.toFixed(digits);
  const [i, d] = f.split('.');
  const g = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return d ? `${g}.${d}` : g;
}

function pct(v: number | null | undefined, signed = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '\u2013';
  const r = Math.round(v);
  return `${signed && r > 0 ? '+' : ''}${r}%`;
}

function table(
  caption: string,
  headers: string[],
  rows: string[][],
  numeric: boolean[] = [],
): string {
  if (rows.length === 0) return `<p class="muted">${e(caption)}: none.</p>`;
  const th = headers
    .map(
      (h, i) => `<th scope="col"${numeric[i] ? ' class="n"' : ''}>${e(h)}</th>`,
    )
    .join('');
  const body = rows
    .map(
      r =>
        '<tr>' +
        r
          .map((c, i) => `<td${numeric[i] ? ' class="n"' : ''}>${e(c)}</td>`)
          .join('') +
        '</tr>',
    )
    .join('');
  return `<table><caption>${e(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function forecastFigure(f: ForecastChartData, width: number): string {
  const acc =
    f.accuracyPct === null
      ? ''
      : ` Backtest accuracy ${pct(f.accuracyPct)}${f.mase === null ? '' : `, MASE ${num(f.mase, 2)}`}.`;
  return (
    `<figure>${svgToString(forecastSvg(f, width, Math.round(width * 0.45)))}` +
    `<figcaption>${e(f.schoolName)}: ${e(metricLabel(f.metric))} per week. Model: ${e(f.model || 'n/a')}.${e(acc)}</figcaption></figure>`
  );
}

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#202124;margin:0;background:#fff}
header{background:#174ea6;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.9}
main{max-width:1100px;margin:0 auto;padding:8px 24px 40px}
section{margin:24px 0}
h2{font-size:18px;border-bottom:2px solid #e8eaed;padding-bottom:4px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
figure{margin:8px 0}
figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#5f6368;font-size:13px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border-bottom:1px solid #e8eaed;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f8f9fa}
.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#5f6368}
ul.insights{list-style:none;padding:0}
ul.insights li{padding:6px 10px;margin:6px 0;border-left:4px solid #1a73e8;background:#f8f9fa}
ul.insights li.alert{border-color:#d93025}
ul.insights li.warning{border-color:#e37400}
.status{display:inline-block;padding:0 8px;border-radius:10px;background:#e8eaed}
.status.failed{background:#fce8e6;color:#c5221f}
.status.ok{background:#e6f4ea;color:#137333}
@media print{header{background:none;color:#000}}
`;

/** The district series' accuracy and the schools' median and spread, each named. */
function accuracyNote(s: Snapshot): string {
  const lines = accuracyLines(summariseAccuracy(s.accuracy));
  return `<p class="muted">${e(lines.join(' '))}</p>`;
}

/** Incidents first: one line per real-world event, most users affected first. */
function incidentsSection(s: Snapshot): string {
  const list = s.incidents ?? [];
  const open = list.filter(i => i.status === 'new').length;
  return (
    '<section><h2>Incidents</h2>' +
    table(
      `Anomaly flags grouped by event (${list.length}; ${open} not yet reviewed)`,
      [
        'Incident',
        'What happened',
        'From',
        'Until',
        'Schools',
        'Users below expected (worst day)',
        'Likely cause',
        'Status',
      ],
      list
        .slice(0, 50)
        .map(i => [
          i.id,
          i.summary,
          i.start,
          i.end,
          `${num(i.schools)} of ${num(i.schoolsInView)}`,
          i.users === null
            ? '\u2013 (no user counts flagged)'
            : `${num(i.users)}${i.direction === 'surge' ? ' above' : ''}`,
          i.cause || 'not clear from the data',
          i.status,
        ]),
      [false, false, false, false, true, true, false, false],
    ) +
    '</section>'
  );
}

/** The report page for a snapshot. */
export function renderReportHtml(
  s: Snapshot,
  extra: {whatIf?: WhatIfView | null} = {},
): string {
  const parts: string[] = [];
  const last = s.state.lastRun;
  parts.push(
    `<header><h1>${e(productTitle(s.title))}</h1><p>Generated ${e(s.generated.replace('T', ' ').replace('Z', ' UTC'))}` +
      (last
        ? ` \u00b7 last run <span class="status ${e(last.status)}">${e(last.status)}</span> ${e(last.started.replace('T', ' ').replace('Z', ' UTC'))}`
        : '') +
      ` \u00b7 time zone ${e(s.state.settings.timeZone)}</p></header><main>`,
  );

  parts.push(incidentsSection(s));

  parts.push('<section><h2>Insights</h2>');
  if (s.insights.length) {
    parts.push(
      '<ul class="insights">' +
        s.insights
          .map(
            i =>
              `<li class="${e(i.severity)}"><strong>${e(i.severity)}:</strong> ${e(i.text)}</li>`,
          )
          .join('') +
        '</ul>',
    );
  } else {
    parts.push('<p class="muted">Nothing stands out.</p>');
  }
  parts.push('</section>');

  parts.push('<section><h2>Forecast against actual</h2>');
  if (s.forecast) parts.push(forecastFigure(s.forecast, 900));
  else parts.push('<p class="muted">No forecast yet.</p>');
  if (s.schoolForecasts.length) {
    parts.push(
      '<div class="grid">' +
        s.schoolForecasts.map(f => forecastFigure(f, 480)).join('') +
        '</div>',
    );
  }
  parts.push(accuracyNote(s));
  const acc = [...s.accuracy]
    .sort((a, b) => (a.accuracyPct ?? 0) - (b.accuracyPct ?? 0))
    .slice(0, 40);
  parts.push(
    table(
      `Backtest accuracy per school (weakest ${acc.length} of ${s.accuracy.length})`,
      ['School', 'Model', 'Horizon (weeks)', 'Accuracy', 'MAPE', 'MASE'],
      acc.map(a => [
        a.schoolName || a.schoolId,
        a.model,
        String(a.horizonWeeks),
        pct(a.accuracyPct),
        pct(a.mape),
        num(a.mase, 2),
      ]),
      [false, false, true, true, true, true],
    ),
  );
  parts.push('</section>');

  parts.push('<section><h2>Students and teachers</h2>');
  if (s.heatmap && s.heatmap.schools.length) {
    const w = 520;
    parts.push(
      '<div class="grid">' +
        `<figure>${svgToString(heatmapSvg(s.heatmap, 'student', w, 200))}<figcaption>Student % access by school and week.</figcaption></figure>` +
        `<figure>${svgToString(heatmapSvg(s.heatmap, 'teacher', w, 200))}<figcaption>Teacher % access by school and week.</figcaption></figure>` +
        `<figure>${svgToString(heatmapSvg(s.heatmap, 'gap', w, 200))}<figcaption>Students minus teachers, percentage points (red: students behind).</figcaption></figure>` +
        '</div>',
    );
  } else {
    parts.push('<p class="muted">No weekly data yet.</p>');
  }
  if (s.correlations.length) {
    parts.push(
      table(
        'Teacher-student correlation',
        [
          'School',
          'Pearson r',
          '95% CI',
          'Spearman',
          'Best lag',
          'Student % per +10% teacher',
          'Why blank',
        ],
        s.correlations.map(c => [
          c.schoolName || c.schoolId,
          num(c.pearsonR, 2),
          `${num(c.ci95Low, 2)} to ${num(c.ci95High, 2)}`,
          num(c.spearmanRho, 2),
          c.bestLag === null ? '\u2013' : String(c.bestLag),
          c.effectPer10Pct === null
            ? '\u2013'
            : `${num(c.effectPer10Pct, 1)}% (${num(c.effectLow, 1)} to ${num(c.effectHigh, 1)})`,
          c.note ?? '',
        ]),
        [false, true, true, true, true, true, false],
      ),
    );
  }
  parts.push('</section>');

  parts.push('<section><h2>Anomalies</h2>');
  parts.push(
    `<figure>${svgToString(timelineSvg(s.anomalies, 900, 200, 52))}<figcaption>Drops (red, below the line) and surges (green, above) per week.</figcaption></figure>`,
  );
  parts.push(
    table(
      `Flagged changes, one row per school, role and day (${s.anomalies.length}; the incidents above group them)`,
      [
        'Incident',
        'Date',
        'School',
        'Role',
        'Metric',
        'Change',
        'Expected',
        'Observed',
        'Severity',
        'Status',
      ],
      s.anomalies
        .slice(0, 100)
        .map(a => [
          a.incidentId,
          a.grain === 'week' ? `week of ${a.date}` : a.date,
          a.schoolName || a.schoolId,
          a.role,
          metricLabel(a.metric),
          pct(a.changePct, true),
          num(a.expected),
          num(a.observed),
          a.severity,
          a.status,
        ]),
      [false, false, false, false, false, true, true, true, false, false],
    ),
  );
  parts.push('</section>');

  parts.push('<section><h2>Under-utilisation</h2>');
  parts.push(
    table(
      `Schools against the peer benchmark (${s.underuse.filter(u => u.flagged).length} of ${s.underuse.length} flagged; the ${Math.min(50, s.underuse.length)} largest gaps)`,
      [
        'Rank',
        'School',
        'Product',
        'Metric',
        'Value',
        'Benchmark',
        'Gap',
        'Flagged',
      ],
      s.underuse
        .slice(0, 50)
        .map(u => [
          String(u.rank),
          u.schoolName || u.schoolId,
          u.product,
          metricLabel(u.metric),
          num(u.value, 1),
          `${num(u.benchmark, 1)} (${u.benchmarkKind})`,
          pct(u.gapPct, true),
          u.flagged ? 'yes' : '',
        ]),
      [true, false, false, false, true, true, true, false],
    ),
  );
  parts.push('</section>');

  if (extra.whatIf) parts.push(whatIfSection(extra.whatIf));

  parts.push('<section><h2>Recent runs</h2>');
  parts.push(
    table(
      'Runs',
      [
        'Started',
        'Trigger',
        'Status',
        'Executions',
        'Days',
        'Rows written',
        'Service calls',
        'Calls by service',
        'Message',
      ],
      s.runs.map(r => [
        r.started.replace('T', ' ').replace('Z', ' UTC'),
        r.trigger,
        r.status,
        num(r.executions),
        num(r.daysProcessed),
        num(r.rowsWritten),
        num(r.serviceCalls),
        r.callsByService ?? '',
        r.message,
      ]),
      [false, false, false, true, true, true, true, false, false],
    ),
  );
  parts.push('</section></main>');

  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${e(productTitle(s.title))}</title><style>${CSS}</style></head><body>` +
    parts.join('\n') +
    '</body></html>\n'
  );
}
