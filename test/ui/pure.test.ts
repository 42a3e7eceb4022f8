import {buildDigest} from '../../src/pipeline/alerts';
import {accuracyLines, summariseAccuracy} from '../../src/sheets/accuracy';
import {dashboardLayout} from '../../src/sheets/dashboard';
import {
  forecastSvg,
  niceTicks,
  svgToString,
  heatmapSvg,
} from '../../src/ui/charts';
import {lookerLinks} from '../../src/ui/looker';
import {lookerDialogHtml} from '../../src/ui/menu';
import {
  buildInsights,
  forecastChart,
  heatmap,
  naturalCompare,
  teacherDriver,
} from '../../src/sheets/views';
import {district, SCHOOLS} from './fixtures';

describe('Looker Studio Linking API URLs', () => {
  const tabs = [
    {name: 'lk_weekly', sheetId: 11},
    {name: 'lk_forecast', sheetId: 12},
    {name: 'lk_data_dictionary', sheetId: 13},
  ];
  it('point the default template data source (ds0) at lk_weekly', () => {
    const l = lookerLinks('1AbC-d_e', tabs, 'Classroom Pulse - PS & Co');
    const [base, query] = l.report.split('?');
    expect(base).toBe('https://lookerstudio.google.com/reporting/create');
    const q = new URLSearchParams(query);
    expect(q.get('c.reportId')).toBeNull();
    expect(q.get('r.reportName')).toBe('Classroom Pulse - PS & Co');
    expect(q.get('ds.ds0.connector')).toBe('googleSheets');
    expect(q.get('ds.ds0.spreadsheetId')).toBe('1AbC-d_e');
    expect(q.get('ds.ds0.worksheetId')).toBe('11');
    expect(q.get('ds.ds0.hasHeader')).toBe('true');
    expect([...q.keys()].filter(k => k.startsWith('ds.lk_'))).toEqual([]);
    expect(
      l.perTab.map(t =>
        new URLSearchParams(t.url.split('?')[1]).get('ds.ds0.worksheetId'),
      ),
    ).toEqual(['11', '12', '13']);
    expect(l.missing).toEqual([
      'lk_daily',
      'lk_forecast_accuracy',
      'lk_anomalies',
      'lk_incidents',
      'lk_correlation',
      'lk_underuse',
      'lk_equity',
      'lk_data_quality',
      'lk_whatif',
    ]);
  });
  it('with a template, configure one data source per tab by alias', () => {
    const q = new URLSearchParams(
      lookerLinks('S', tabs, 'R', 'tmpl-123').report.split('?')[1],
    );
    expect(q.get('c.reportId')).toBe('tmpl-123');
    expect(q.get('ds.lk_forecast.worksheetId')).toBe('12');
    expect(q.get('ds.lk_data_dictionary.connector')).toBe('googleSheets');
  });
  it('the dialog escapes names and URLs', () => {
    const html = lookerDialogHtml(
      'https://x/?a=1&b="2"',
      [{name: '<i>t</i>', url: 'https://y/?q=<'}],
      ['lk_a'],
    );
    expect(html).toContain('href="https://x/?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('&lt;i&gt;t&lt;/i&gt;');
    expect(html).not.toContain('<i>');
  });
});

describe('incident digest', () => {
  const {incidents} = district();
  const url = 'https://docs.google.com/spreadsheets/d/X';
  it('lists new incidents once, most users first, and escapes the HTML body', () => {
    const d = buildDigest(incidents, new Map(), '2025-01-01', url)!;
    expect(d.sent.size).toBe(3);
    expect(d.subject).toBe('Classroom Pulse: 3 new incidents (1 high)');
    const lines = d.body.split('\n');
    expect(lines[0]).toBe('New since the last digest:');
    expect(lines[1]).toBe(
      '- PS 1 Lincoln: drop on 26 Feb 2025: students, about 66% below expected (118 users on the worst day)',
    );
    expect(d.htmlBody).toContain('PS 2 &lt;b&gt;Ada&lt;/b&gt;');
    expect(d.htmlBody).not.toContain('<b>Ada</b>');
    expect(buildDigest(incidents, d.sent, '2025-01-01', url)).toBeNull();
    const acked = incidents.map(i => ({...i, status: 'acknowledged' as const}));
    expect(buildDigest(acked, new Map(), '2024-01-01', url)).toBeNull();
  });
  it('says what changed since the last digest', () => {
    const d = buildDigest(incidents, new Map(), '2025-01-01', url)!;
    const grown = incidents.map(i =>
      i.schoolIds[0] === 'ou01'
        ? {...i, schools: 3, end: '2025-02-27', ongoing: false}
        : i,
    );
    const again = buildDigest(grown, d.sent, '2025-01-01', url)!;
    expect(again.subject).toBe('Classroom Pulse: 1 changed');
    expect(again.body).toContain('Changed since the last digest:');
    expect(again.body).toContain('(1 to 3 schools; lasted until 2025-02-27)');
    expect(again.body).toContain(
      '2 incidents mailed before still await review.',
    );
  });
});

describe('views and charts', () => {
  it('orders school names naturally', () => {
    expect(['PS 10', 'ps 9', 'PS 100', 'IS 2'].sort(naturalCompare)).toEqual([
      'IS 2',
      'ps 9',
      'PS 10',
      'PS 100',
    ]);
  });
  it('finds no teacher driver when teacher activity held', () => {
    const d = district();
    const by = new Map<string, Map<string, typeof d.weekly>>();
    for (const f of d.weekly.filter(x => x.role === 'teacher')) {
      const m = by.get(f.schoolId) ?? new Map();
      m.set(f.weekStart, [...(m.get(f.weekStart) ?? []), f]);
      by.set(f.schoolId, m);
    }
    const last = [...by.get('ou01')!.keys()].sort().pop()!;
    expect(teacherDriver(by, 'ou01', last)?.phrase).toBe('teacher grading');
    expect(teacherDriver(by, 'ou04', last)).toBeNull();
  });
  it('ticks cover the data and the chart escapes names', () => {
    for (const [lo, hi] of [
      [0, 2900],
      [0, 7],
      [12, 13.5],
      [0, 1e6 + 1],
    ]) {
      const t = niceTicks(lo, hi);
      expect(t[0]).toBeLessThanOrEqual(lo);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(hi);
      expect(t.length).toBeLessThanOrEqual(8);
    }
    const d = district();
    const chart = forecastChart(d.forecasts, d.accuracy, 'ou02')!;
    const svg = svgToString(forecastSvg(chart));
    expect(svg).toContain(
      'PS 2 &lt;b&gt;Ada&lt;/b&gt; &amp; &quot;Grace&quot;',
    );
    expect(svg).not.toContain('<b>');
    const hm = svgToString(
      heatmapSvg({
        metric: 'pct_access',
        app: 'classroom',
        weeks: ['2025-01-06'],
        schools: [{id: 'x', name: SCHOOLS[1].name}],
        totalSchools: 1,
        student: [[null]],
        teacher: [[50]],
      }),
    );
    expect(hm).toContain('students n/a, teachers 50%');
  });
});

describe('forecast accuracy, each figure named', () => {
  it('gives the district series and the schools median and spread in the chart data and on the Dashboard', () => {
    const d = district();
    const chart = forecastChart(d.forecasts, d.accuracy, 'ou02')!;
    const schools = d.accuracy
      .filter(a => a.schoolId !== 'district')
      .map(a => a.accuracyPct!)
      .sort((a, b) => a - b);
    const s = chart.accuracySummary;
    expect(s.district).toBe(95.9);
    expect(s.schools).toBe(schools.length);
    expect(s.lowest).toBe(schools[0]);
    expect(s.median).toBeCloseTo(
      schools.length % 2
        ? schools[(schools.length - 1) / 2]
        : (schools[schools.length / 2 - 1] + schools[schools.length / 2]) / 2,
      9,
    );
    const lines = accuracyLines(s);
    expect(lines[0]).toBe(
      'District series (all schools summed): backtest accuracy 96%.',
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^Single schools: median ${Math.round(s.median!)}%, 10th to 90th percentile \\d+% to \\d+% over ${schools.length} schools \\(lowest ${Math.round(schools[0])}%\\)\\.$`,
      ),
    );
    const layout = dashboardLayout({
      title: 'Pulse',
      updated: '2025-03-03T10:00:00Z',
      forecast: chart,
      heatmap: null,
      anomalies: [],
      insights: [],
    });
    const cells = layout.values.map(r => r[0]);
    expect(cells).toContain(lines[0]);
    expect(cells).toContain(lines[1]);
    expect(accuracyLines(summariseAccuracy([]))).toEqual([
      'District series (all schools summed): no backtest accuracy yet.',
      'Single schools: no backtest accuracy yet.',
    ]);
  });
});

describe('a blank district correlation', () => {
  it('says why in the overview instead of vanishing', () => {
    const d = district();
    const blank = d.correlations.map(c =>
      c.schoolId === 'district'
        ? {
            ...c,
            pearsonR: null,
            spearmanRho: null,
            pValue: null,
            effectPer10Pct: null,
            note: 'fewer than 8 school weeks (5)',
          }
        : c,
    );
    const said = buildInsights({...d, correlations: blank}).filter(
      i => i.kind === 'correlation',
    );
    expect(said.map(i => i.text)).toEqual([
      "The district's teacher-student relationship is blank: fewer than 8 school weeks (5).",
    ]);
  });
});

describe('heatmap of a large district', () => {
  it('shows the schools with the lowest student access, and says how many there are', () => {
    const weekly = Array.from({length: 70}, (_, s) =>
      (['student', 'teacher'] as const).map(role => ({
        week: '2025-W02',
        weekStart: '2025-01-06',
        schoolId: `s${s}`,
        role,
        app: 'classroom',
        product: '',
        activeUsers: 10,
        enrolledUsers: 100,
        pctAccess: role === 'student' ? s : 90,
        events: 1,
        engagementIndex: 1,
        logins: 1,
        submissionsTurnedIn: 0,
        assignmentsCreated: 0,
        gradesEntered: 0,
        schoolDays: 5,
        flags: [],
      })),
    ).flat();
    const m = heatmap(weekly, new Map(), 16, 60)!;
    expect(m.totalSchools).toBe(70);
    expect(m.schools).toHaveLength(60);
    expect(m.schools.map(x => x.id)).not.toContain('s65');
    expect(m.schools.map(x => x.id)).toContain('s0');
    expect(Math.max(...m.student.map(r => r[0]!))).toBe(59);
  });
});
