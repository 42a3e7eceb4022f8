/**
 * The static report (pure): the sidebar's and the dashboard's views of one snapshot as a
 * self-contained HTML page with inline SVG charts, for the local runner's report.html.
 * Every value is escaped; the page loads nothing from the network.
 */
import {
  escapeXml,
  forecastSvg,
  heatmapSvg,
  svgToString,
  timelineSvg,
} from './charts';
import type {Snapshot} from './types';

const esc = escapeXml;

function num(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v)
    ? '–'
    : v.toFixed(digits);
}

function table(
  caption: string,
  headers: string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>,
): string {
  const head = headers.map(h => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows
    .map(
      r =>
        `<tr>${r
          .map(c => `<td>${esc(c === null ? '–' : String(c))}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#202124;background:#f8f9fa}
header{background:#1a73e8;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px;padding:16px 24px}
section{background:#fff;border:1px solid #dadce0;border-radius:8px;padding:12px 16px;overflow-x:auto}
section.wide{grid-column:1/-1}
h2{font-size:16px;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:13px}
caption{text-align:left;color:#5f6368;padding-bottom:4px}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;white-space:nowrap}
.alert{color:#c5221f}.warning{color:#b06000}.info{color:#5f6368}
svg{max-width:100%;height:auto}
`;

export function renderReportHtml(s: Snapshot): string {
  const sections: string[] = [];
  sections.push(
    `<section class="wide"><h2>Insights</h2><ul>${
      s.insights.length
        ? s.insights
            .map(i => `<li class="${esc(i.severity)}">${esc(i.text)}</li>`)
            .join('')
        : '<li>No findings yet.</li>'
    }</ul></section>`,
  );
  if (s.forecast) {
    sections.push(
      `<section><h2>Weekly forecast: ${esc(s.forecast.schoolName)}</h2><p>${esc(s.forecast.model)}; backtest accuracy ${num(s.forecast.accuracyPct)}%, MASE ${num(s.forecast.mase, 2)}</p>${svgToString(
        forecastSvg(s.forecast, 560, 260),
      )}</section>`,
    );
  }
  for (const f of s.schoolForecasts.slice(0, 3)) {
    sections.push(
      `<section><h2>Weekly forecast: ${esc(f.schoolName)}</h2><p>${esc(f.model)}; backtest accuracy ${num(f.accuracyPct)}%</p>${svgToString(
        forecastSvg(f, 560, 260),
      )}</section>`,
    );
  }
  if (s.heatmap) {
    sections.push(
      `<section class="wide"><h2>Students and teachers by school and week</h2>${svgToString(
        heatmapSvg(s.heatmap, 'student', 900),
      )}${svgToString(heatmapSvg(s.heatmap, 'teacher', 900))}</section>`,
    );
  }
  sections.push(
    `<section class="wide"><h2>Anomaly timeline</h2>${svgToString(
      timelineSvg(s.anomalies, 900, 160, 52),
    )}</section>`,
  );
  sections.push(
    `<section class="wide"><h2>Anomalies</h2>${table(
      `${s.anomalies.length} flagged (newest first)`,
      [
        'Date',
        'Grain',
        'School',
        'Role',
        'Direction',
        'Observed',
        'Expected',
        'Change %',
        'Severity',
        'Status',
      ],
      s.anomalies
        .slice(0, 60)
        .map(a => [
          a.date,
          a.grain,
          a.schoolName,
          a.role,
          a.direction,
          num(a.observed, 0),
          num(a.expected, 0),
          num(a.changePct),
          a.severity,
          a.status,
        ]),
    )}</section>`,
  );
  sections.push(
    `<section><h2>Under-utilisation</h2>${table(
      'Schools below their peer benchmark',
      ['Rank', 'School', 'Value', 'Benchmark', 'Gap %', 'Flagged'],
      s.underuse
        .filter(u => !u.product)
        .slice(0, 25)
        .map(u => [
          u.rank,
          u.schoolName,
          num(u.value),
          num(u.benchmark),
          num(u.gapPct),
          u.flagged ? 'yes' : 'no',
        ]),
    )}</section>`,
  );
  sections.push(
    `<section><h2>Teacher–student correlation</h2>${table(
      'Weekly teacher vs student activity',
      ['School', 'n', 'r', '95% CI', 'Best lag', '+10% teachers →'],
      s.correlations
        .slice(0, 25)
        .map(c => [
          c.schoolName,
          c.n,
          num(c.pearsonR, 2),
          `${num(c.ci95Low, 2)} to ${num(c.ci95High, 2)}`,
          c.bestLag,
          c.effectPer10Pct === null
            ? null
            : `${num(c.effectPer10Pct)}% students`,
        ]),
    )}</section>`,
  );
  sections.push(
    `<section><h2>Forecast accuracy (backtest)</h2>${table(
      'Rolling-origin backtest per series',
      ['School', 'Model', 'MAPE %', 'MASE', 'Accuracy %'],
      s.accuracy
        .slice(0, 25)
        .map(a => [
          a.schoolName,
          a.model,
          num(a.mape),
          num(a.mase, 2),
          num(a.accuracyPct),
        ]),
    )}</section>`,
  );
  sections.push(
    `<section><h2>Recent runs</h2>${table(
      'Run log',
      ['Run', 'Trigger', 'Status', 'Executions', 'Days', 'Message'],
      s.runs
        .slice(0, 10)
        .map(r => [
          r.runId,
          r.trigger,
          r.status,
          r.executions,
          r.daysProcessed,
          r.message,
        ]),
    )}</section>`,
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(s.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body><header><h1>${esc(s.title)}</h1><div>Generated ${esc(s.generated)}</div></header>
<main>
${sections.join('\n')}
</main></body></html>
`;
}
