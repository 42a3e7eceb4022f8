import {harness, inRuntime} from './harness';
import {LAST_OBSERVED, SCHOOLS, SHORT_SCHOOL} from './fixtures';
import type {
  AnomalyItem,
  ForecastChartData,
  IncidentItem,
  HeatmapData,
  Insight,
  Progress,
  SidebarState,
  TriggerState,
} from '../../src/sheets/view-types';
import {writeOutputs} from '../../src/sheets/outputs';

/** True when v holds only JSON values (no Date, no undefined, no functions). */
function isPlainJson(v: unknown): boolean {
  if (v === null) return true;
  if (['string', 'number', 'boolean'].includes(typeof v))
    return typeof v !== 'number' || Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (
      proto !== Object.prototype &&
      proto !== null &&
      proto.constructor?.name !== 'Object'
    )
      return false;
    return Object.values(v as object).every(isPlainJson);
  }
  return false;
}

describe('sidebar server functions in the bundle', () => {
  const h = harness();

  it('return plain JSON', () => {
    for (const fn of [
      'getSidebarState',
      'getInsights',
      'getHeatmap',
      'getAnomalies',
      'getUnderuse',
      'getRecentRuns',
      'getSnapshot',
      'getProgress',
    ]) {
      const v = h.call(fn);
      expect(isPlainJson(v)).toBe(true);
    }
    expect(isPlainJson(h.call('getForecastChart', 'ou02'))).toBe(true);
  });

  it('reports the state: schools by name, runs, new anomalies, Looker tabs', () => {
    const s = h.call<SidebarState>('getSidebarState');
    expect(s.schools.map(x => x.id).sort()).toEqual(
      SCHOOLS.map(x => x.id).sort(),
    );
    expect(s.schools.find(x => x.id === 'ou02')!.name).toBe(SCHOOLS[1].name);
    expect(s.lastRun!.runId).toBe('r-002');
    expect(s.newAnomalies).toBe(4);
    expect(s.lookerTabs).toContain('lk_weekly');
    expect(s.lookerTabs).toContain('lk_data_dictionary');
    expect(s.saved).toBe(false);
  });

  it('draws the forecast of the district and of one school, with intervals', () => {
    const d = h.call<ForecastChartData>('getForecastChart', 'district');
    expect(d.schoolName).toBe('District');
    expect(d.options[0].id).toBe('district');
    expect(d.options).toHaveLength(SCHOOLS.length + 1);
    const future = d.points.filter(
      p => p.actual === null && p.forecast !== null,
    );
    expect(future.length).toBe(8);
    for (const p of future)
      expect(
        p.lo95! <= p.lo80! &&
          p.lo80! <= p.forecast! &&
          p.forecast! <= p.hi80! &&
          p.hi80! <= p.hi95!,
      ).toBe(true);
    expect(d.accuracyPct).toBeCloseTo(95.9);
    const s = h.call<ForecastChartData>('getForecastChart', 'ou03');
    expect(s.schoolName).toBe(SCHOOLS[2].name);
    expect(h.call('getForecastChart', 'nope')).toBeNull();
  });

  it('builds the heatmap: blank (not zero) in the break week', () => {
    const m = h.call<HeatmapData>('getHeatmap');
    expect(m.schools).toHaveLength(SCHOOLS.length);
    expect(m.weeks).toHaveLength(16);
    const iBreak = m.weeks.indexOf('2024-12-23');
    expect(iBreak).toBeGreaterThanOrEqual(0);
    expect(m.student.every(r => r[iBreak] === null)).toBe(true);
    expect(m.teacher[0][m.weeks.length - 1]).toBeGreaterThan(50);
  });

  it('writes insights in plain language with the teacher driver', () => {
    const list = h.call<Insight[]>('getInsights');
    const f = list.find(
      i => i.kind === 'forecast' && i.schoolId === SHORT_SCHOOL.id,
    )!;
    expect(f.text).toMatch(
      new RegExp(
        `^${SHORT_SCHOOL.name} is \\d+% below forecast in the week of ${LAST_OBSERVED}; teacher grading fell \\d+% the week before\\.$`,
      ),
    );
    expect(
      list.some(
        i =>
          i.kind === 'correlation' &&
          /10% more teacher activity goes with 6\.8% more student activity/.test(
            i.text,
          ),
      ),
    ).toBe(true);
    expect(list[0].severity).toBe('alert');
  });

  it('keeps an admin status through acknowledge and re-runs; the Looker tab follows', () => {
    const [a] = h.call<AnomalyItem[]>('getAnomalies', {status: 'new'});
    const u = h.call<{status: string; note: string}>(
      'acknowledgeAnomaly',
      a.id,
      'explained',
      'Snow day',
    );
    expect(u).toMatchObject({status: 'explained', note: 'Snow day'});
    expect(
      h
        .call<AnomalyItem[]>('getAnomalies', {status: 'explained'})
        .map(x => x.id),
    ).toEqual([a.id]);
    // The next run flags the same anomaly again: the status stays.
    inRuntime(h.rt, () =>
      writeOutputs(
        {anomalies: h.data.anomalies},
        {now: '2025-03-04T10:00:00Z'},
      ),
    );
    const again = h.call<AnomalyItem[]>('getAnomalies', {status: 'all'});
    expect(again).toHaveLength(4);
    expect(again.find(x => x.id === a.id)).toMatchObject({
      status: 'explained',
      note: 'Snow day',
      firstFlagged: '2025-03-03T10:00:00Z',
    });
    const lk = h.rt.spreadsheet
      .getSheetByName('lk_anomalies')!
      .getDataRange()
      .getValues();
    const head = lk[0] as string[];
    const row = lk.find(r => r[head.indexOf('anomaly_id')] === a.id)!;
    expect(row[head.indexOf('status')]).toBe('explained');
    expect(head).not.toContain('note');
  });

  it('serves incidents from the bundle; their status survives a re-run that moves them', () => {
    const list = h.call<IncidentItem[]>('getIncidents', {status: 'all'});
    expect(list).toHaveLength(4);
    // Most users affected first, each in one line, each flag naming its incident.
    expect(list.map(i => i.users)).toEqual(
      [...list.map(i => i.users)].sort((a, b) => (b ?? 0) - (a ?? 0)),
    );
    expect(list[0].summary).toMatch(/^.+: drop on .+ below expected/);
    const flags = h.call<AnomalyItem[]>('getAnomalies', {status: 'all'});
    expect(flags.every(f => list.some(i => i.id === f.incidentId))).toBe(true);
    const target = list.find(i => i.schoolIds.includes(SHORT_SCHOOL.id))!;
    h.call('acknowledgeIncident', target.id, 'explained', 'Network work');
    // The next run sees the drop one day longer: the same incident, with the admin's status.
    const longer = h.data.anomalies.map(a =>
      a.schoolId === SHORT_SCHOOL.id
        ? {...a, endDate: '2025-02-27', status: 'new' as const}
        : a,
    );
    inRuntime(h.rt, () =>
      writeOutputs(
        {
          anomalies: longer,
          incidentContext: {
            schools: SCHOOLS.length,
            lastDay: '2025-03-07',
            names: new Map(SCHOOLS.map(s => [s.id, s.name])),
          },
        },
        {now: '2025-03-10T10:00:00Z'},
      ),
    );
    const again = h.call<IncidentItem[]>('getIncidents', {status: 'all'});
    expect(again).toHaveLength(4);
    expect(again.find(i => i.id === target.id)).toMatchObject({
      status: 'explained',
      note: 'Network work',
      end: '2025-02-27',
      firstFlagged: '2025-03-03T10:00:00Z',
    });
    expect(
      h.call<IncidentItem[]>('getIncidents', {status: 'new'}),
    ).toHaveLength(3);
    expect(() => h.call('acknowledgeIncident', '<x>', 'new')).toThrow(
      /id: is not an incident id/,
    );
  });

  it('rejects a bad status or id with a readable message', () => {
    expect(() => h.call('acknowledgeAnomaly', 'A0', 'resolved')).toThrow(
      'status: must be new, acknowledged or explained',
    );
    expect(() => h.call('acknowledgeAnomaly', '<script>', 'new')).toThrow(
      /id: is not an anomaly id/,
    );
    expect(() =>
      h.call('acknowledgeAnomaly', 'Adeadbeefdeadbeef', 'new'),
    ).toThrow(/no longer in the Anomalies tab/);
  });

  it('validates settings and names the bad fields', () => {
    expect(() =>
      h.call('saveSettings', {timeZone: 'Nowhere', minGroupSize: 0}),
    ).toThrow(/timeZone.*minGroupSize|minGroupSize.*timeZone/);
    const s = h.call<{timeZone: string; alertRecipients: string[]}>(
      'saveSettings',
      {
        timeZone: 'America/Chicago',
        alertRecipients: 'ops@district.example.org',
      },
    );
    expect(s.timeZone).toBe('America/Chicago');
    expect(h.call<SidebarState>('getSidebarState').saved).toBe(true);
  });
});

describe('triggers, runs, digest, Looker Studio, dashboard', () => {
  it('installs the schedule idempotently in the district time zone and removes it', () => {
    const h = harness({empty: true});
    h.call('saveSettings', {timeZone: 'America/Los_Angeles'});
    h.call('installTriggers');
    const t = h.call<TriggerState>('installTriggers');
    expect(t).toMatchObject({
      nightly: true,
      weekly: true,
      timeZone: 'America/Los_Angeles',
    });
    const handlers = h.rt.triggers.map(x => x.handler).sort();
    expect(handlers).toEqual(['runNightly', 'runWeeklyForecast']);
    expect(h.call<TriggerState>('removeTriggers')).toMatchObject({
      nightly: false,
      weekly: false,
    });
    expect(h.rt.triggers).toHaveLength(0);
  });

  it('starts a run in its own execution and refuses a second one while it runs', () => {
    const h = harness({empty: true});
    const p = h.call<Progress>('runNow');
    expect(p).toMatchObject({
      running: true,
      phase: 'queued',
      trigger: 'manual',
    });
    expect(h.rt.triggers.map(x => x.handler)).toEqual(['runJob']);
    expect(() => h.call('runNow')).toThrow(/already in progress/);
    expect(h.call<Progress>('getProgress').running).toBe(true);
  });

  it('mails each new incident once, without notes', () => {
    const h = harness({startTime: Date.UTC(2025, 2, 3, 14)});
    h.call('saveSettings', {
      alertRecipients: ['a@district.example.org', 'b@district.example.org'],
    });
    const [a] = h.call<AnomalyItem[]>('getAnomalies', {status: 'new'});
    h.call('acknowledgeAnomaly', a.id, 'new', 'Spoke with Ms. Jones');
    const first = h.call<{sent: number}>('sendDigestNow');
    // 14-day window before 2025-03-03: the two February incidents.
    expect(first.sent).toBe(2);
    expect(h.rt.mail).toHaveLength(1);
    const mail = h.rt.mail[0] as unknown as {
      to: string;
      subject: string;
      body: string;
      htmlBody: string;
    };
    expect(mail.subject).toBe('Classroom Pulse: 2 new incidents (1 high)');
    expect(mail.body).not.toMatch(/Jones/);
    expect(mail.htmlBody).toContain(
      'PS 2 &lt;b&gt;Ada&lt;/b&gt; &amp; &quot;Grace&quot;',
    );
    expect(h.call<{sent: number}>('sendDigestNow').sent).toBe(0);
    expect(h.rt.mail).toHaveLength(1);
  });

  it('links Looker Studio to the lk_ tabs by sheet id, which re-runs keep', () => {
    const h = harness();
    const links = h.call<{
      report: string;
      perTab: {name: string; url: string}[];
      missing: string[];
    }>('getLookerLinks');
    const ss = h.rt.spreadsheet;
    const weekly = ss.getSheetByName('lk_weekly')!;
    expect(
      links.report.startsWith(
        'https://lookerstudio.google.com/reporting/create?',
      ),
    ).toBe(true);
    const q = new URLSearchParams(links.report.split('?')[1]);
    expect(q.get('ds.ds0.connector')).toBe('googleSheets');
    expect(q.get('ds.ds0.spreadsheetId')).toBe(ss.getId());
    expect(q.get('ds.ds0.worksheetId')).toBe(String(weekly.getSheetId()));
    expect(links.perTab.map(t => t.name)).toContain('lk_data_dictionary');
    expect(links.missing).toEqual([
      'lk_daily',
      'lk_equity',
      'lk_data_quality',
      'lk_whatif',
    ]);
    const id = weekly.getSheetId();
    inRuntime(h.rt, () => writeOutputs({weekly: h.data.weekly}));
    expect(ss.getSheetByName('lk_weekly')!.getSheetId()).toBe(id);
  });

  it('builds the dashboard with native charts and heatmap gradients', () => {
    const h = harness();
    const r = h.call<{rows: number; charts: number}>('refreshDashboard');
    expect(r.charts).toBe(2);
    const sheet = h.rt.spreadsheet.getSheetByName('Dashboard')!;
    const charts = sheet.getCharts();
    expect(charts.map(c => String(c.getOptions().get('title')))).toEqual([
      'Forecast vs actual',
      'Anomalies per week',
    ]);
    const rules = sheet.getConditionalFormatRules();
    expect(rules).toHaveLength(3);
    expect(rules.every(x => x.getGradientCondition() !== null)).toBe(true);
    // Names that look like formulas are text, not formulas.
    const formulas = sheet
      .getDataRange()
      .getFormulas()
      .flat()
      .filter(f => f);
    expect(formulas).toEqual([]);
  });
});

describe('cached views', () => {
  it('serve repeat calls from the cache and recompute after results or statuses change', () => {
    const h = harness();
    const first = h.rt.execute(h.code, 'getInsights', []);
    const again = h.rt.execute(h.code, 'getInsights', []);
    expect(again.result).toEqual(first.result);
    expect(again.calls).toBeLessThan(first.calls / 3);
    const before = first.result as Insight[];
    const a = h.call<IncidentItem[]>('getIncidents', {status: 'new'})[0];
    h.call('acknowledgeIncident', a.id, 'acknowledged');
    const after = h.rt.execute(h.code, 'getInsights', []);
    expect(after.calls).toBeGreaterThan(again.calls);
    const anomalyTexts = (l: Insight[]) =>
      l.filter(i => i.kind === 'anomaly').length;
    expect(anomalyTexts(after.result as Insight[])).toBe(
      anomalyTexts(before) - 1,
    );
  });

  it('are warmed by the snapshot the job takes after a run', () => {
    const h = harness();
    h.call('getSnapshot');
    const r = h.rt.execute(h.code, 'getHeatmap', []);
    expect(r.ok).toBe(true);
    expect(r.callsByName['Range.getValues'] ?? 0).toBe(0);
  });
});
