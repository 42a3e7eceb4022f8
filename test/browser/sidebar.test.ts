/**
 * The built sidebar (dist/sidebar.html) in headless Chromium, with google.script.run
 * served by the real bundle running in the offline runtime: it renders, its controls call
 * the right server functions, server errors read as messages, and it fits 300 px.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {chromium, type BrowserContext, type Page} from 'playwright-core';
import {harness, inRuntime, type Harness} from '../ui/harness';
import {writeCalendarTab} from '../../src/sheets/calendar-tab';
import {SCHOOLS, SHORT_SCHOOL} from '../ui/fixtures';
import {
  CHROMIUM,
  RUN_STUB,
  SHOTS,
  SIDEBAR,
  WIDTH,
  describeInChromium,
} from './chromium';

interface Call {
  name: string;
  args: unknown[];
}

const d = describeInChromium;

d('sidebar in Chromium', () => {
  let h: Harness;
  let ctx: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];

  async function calls(): Promise<Call[]> {
    return page.evaluate(
      () => (window as unknown as {__calls: Call[]}).__calls,
    );
  }
  async function resetCalls(): Promise<void> {
    await page.evaluate(() => {
      (window as unknown as {__calls: Call[]}).__calls = [];
    });
  }
  async function shot(name: string): Promise<string> {
    mkdirSync(SHOTS, {recursive: true});
    const file = join(SHOTS, `${name}.png`);
    await page.screenshot({path: file, fullPage: true});
    return file;
  }
  async function openTab(name: string): Promise<void> {
    await page.getByRole('tab', {name: new RegExp(`^${name}`)}).click();
  }

  beforeAll(async () => {
    if (!existsSync(SIDEBAR))
      throw new Error('dist/sidebar.html is missing: run `npm run build`');
    h = harness();
    profile = mkdtempSync(join(tmpdir(), 'cp-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: {width: WIDTH, height: 900},
    });
    // Offline: the sidebar must not reach the network for anything.
    await ctx.route(/^https?:\/\//, route => {
      errors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await ctx.exposeFunction('__gasCall', (name: string, args: unknown[]) => {
      const r = h.rt.execute(h.code, name, args);
      return r.ok
        ? {ok: true, result: r.result ?? null}
        : {
            ok: false,
            name: r.error?.name ?? 'Error',
            message: r.error?.message ?? 'failed',
          };
    });
    await ctx.addInitScript(RUN_STUB);
    page = await ctx.newPage();
    page.on('pageerror', e => errors.push(`page error: ${e.message}`));
    page.on('console', m => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(`file://${SIDEBAR}`);
    try {
      // Settings never saved: the sidebar opens on Setup first.
      await page
        .getByText('Review these settings and save them to start.')
        .waitFor({timeout: 20000});
    } catch {
      throw new Error(
        `The sidebar did not render: ${errors.join('; ')} | ${await page.locator('body').innerText()}`,
      );
    }
    await shot('first-open-setup');
    await page.getByRole('tab', {name: 'Overview'}).click();
    await page.getByRole('heading', {name: 'Insights'}).waitFor();
    await page.locator('#forecast svg').waitFor();
    await page.locator('#heatmap svg').waitFor();
  }, 60000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, {recursive: true, force: true});
  });

  it('renders the overview: insights, forecast, heatmap and timeline', async () => {
    const insights = page.locator('#insights li');
    expect(await insights.count()).toBeGreaterThan(2);
    await expect(page.locator('#insights').textContent()).resolves.toContain(
      `${SHORT_SCHOOL.name} is`,
    );
    expect(
      await page.locator('#forecast svg polyline').count(),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await page.locator('#forecast svg polygon').count(),
    ).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#heatmap svg rect').count()).toBeGreaterThan(
      SCHOOLS.length * 16,
    );
    expect(await page.locator('#timeline svg rect').count()).toBeGreaterThan(0);
    // Forecast accuracy: the district series and the schools, each named.
    const acc = await page.locator('#forecast-accuracy li').allTextContents();
    expect(acc[0]).toMatch(
      /^District series \(all schools summed\): backtest accuracy \d+%\.$/,
    );
    expect(acc[1]).toMatch(
      /^Single schools: median \d+%, 10th to 90th percentile \d+% to \d+% over \d+ schools/,
    );
    const names = (await calls()).map(c => c.name);
    for (const n of [
      'getSidebarState',
      'getInsights',
      'getForecastChart',
      'getHeatmap',
      'getAnomalies',
    ]) {
      expect(names).toContain(n);
    }
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(WIDTH);
    await shot('overview');
  });

  it('shows data as text: markup and formulas in names never render', async () => {
    expect(await page.locator('main b').count()).toBe(0);
    const select = page.getByLabel('School', {exact: true});
    const options = await select.locator('option').allTextContents();
    expect(options).toContain(SCHOOLS[1].name);
    expect(options).toContain(SCHOOLS[2].name);
  });

  it('loads the chosen school forecast', async () => {
    await resetCalls();
    await page.getByLabel('School', {exact: true}).selectOption('ou02');
    await page.locator('#forecast figcaption').waitFor();
    await page.waitForFunction(
      () => (window as unknown as {__calls: Call[]}).__calls.length > 0,
    );
    expect(await calls()).toEqual([{name: 'getForecastChart', args: ['ou02']}]);
    await expect(
      page.locator('#forecast svg').getAttribute('aria-label'),
    ).resolves.toContain(SCHOOLS[1].name);
  });

  it('switches the heatmap by keyboard', async () => {
    await page.locator('#heat-teacher').focus();
    await page.keyboard.press('Space');
    await expect(
      page.locator('#heatmap svg').getAttribute('aria-label'),
    ).resolves.toMatch(/^Teacher/);
    await page.keyboard.press('ArrowRight');
    await expect(
      page.locator('#heatmap svg').getAttribute('aria-label'),
    ).resolves.toMatch(/^Student minus teacher/);
  });

  it('moves between tabs with the arrow keys', async () => {
    await page.getByRole('tab', {name: 'Overview'}).focus();
    await page.keyboard.press('ArrowRight');
    const selected = page.getByRole('tab', {selected: true});
    await expect(selected.textContent()).resolves.toMatch(/^Anomalies/);
    await expect(
      page.evaluate(() => document.activeElement?.textContent ?? ''),
    ).resolves.toMatch(/^Anomalies/);
    await page.locator('#anomaly-list li').first().waitFor();
  });

  it('leads the Anomalies view with incidents, most users first, and acknowledges one', async () => {
    await openTab('Anomalies');
    await page.locator('#incident-list li').first().waitFor();
    // Incidents come before the flags they group.
    const order = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll('#incident-list, #anomaly-list'),
      ).map(e => e.id),
    );
    expect(order).toEqual(['incident-list', 'anomaly-list']);
    const stored = h.call<
      {id: string; users: number | null; summary: string}[]
    >('getIncidents', {status: 'new'});
    expect(stored.length).toBeGreaterThan(0);
    const items = page.locator('#incident-list li');
    expect(await items.count()).toBe(Math.min(30, stored.length));
    const most = [...stored].sort((a, b) => (b.users ?? -1) - (a.users ?? -1));
    const first = items.first();
    await expect(first.textContent()).resolves.toContain(most[0].summary);
    await first.getByLabel('Note (optional)').fill('Network outage');
    await resetCalls();
    await first.getByRole('button', {name: /^Acknowledge/}).click();
    await page.getByText('Marked as acknowledged.').waitFor();
    const c = (await calls()).filter(x => x.name === 'acknowledgeIncident');
    expect(c).toHaveLength(1);
    const [id, status, note] = c[0].args as string[];
    expect([status, note]).toEqual(['acknowledged', 'Network outage']);
    const acknowledged = h.call<{id: string; note: string}[]>('getIncidents', {
      status: 'acknowledged',
    });
    expect(acknowledged.map(x => [x.id, x.note])).toEqual([
      [id, 'Network outage'],
    ]);
    expect(acknowledged[0].id).toBe(most[0].id);
    await expect(first.textContent()).resolves.toContain(
      'Status: acknowledged',
    );
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(WIDTH);
    // Names with markup show as text in the incident list.
    expect(await page.locator('#incident-list b').count()).toBe(0);
    await expect(
      page.locator('#incident-list').textContent(),
    ).resolves.toContain(SCHOOLS[1].name);
    await shot('incidents');
  });

  it('acknowledges an anomaly through the server', async () => {
    await openTab('Anomalies');
    await page.locator('#anomaly-list li').first().waitFor();
    const first = page.locator('#anomaly-list li').first();
    await expect(first.textContent()).resolves.toContain(SHORT_SCHOOL.name);
    await first.getByLabel('Note (optional)').fill('Assembly day');
    await resetCalls();
    await first.getByRole('button', {name: /^Acknowledge/}).click();
    await page.getByText('Marked as acknowledged.').waitFor();
    const c = (await calls()).filter(x => x.name === 'acknowledgeAnomaly');
    expect(c).toHaveLength(1);
    const [id, status, note] = c[0].args as string[];
    expect(id).toMatch(/^A[0-9a-f]{16}$/);
    expect([status, note]).toEqual(['acknowledged', 'Assembly day']);
    const stored = h.call<{id: string; status: string; note: string}[]>(
      'getAnomalies',
      {status: 'acknowledged'},
    );
    expect(stored.map(x => [x.id, x.note])).toEqual([[id, 'Assembly day']]);
    await page.locator('#underuse li').first().waitFor();
    expect(await page.locator('#underuse li.flagged').count()).toBeGreaterThan(
      0,
    );
    await shot('anomalies');
  });

  it('runs now with live progress, and shows the server refusing a second run', async () => {
    await openTab('Runs');
    await page.locator('#runs li').first().waitFor();
    await expect(page.locator('#runs').textContent()).resolves.toContain(
      'AdminReports: 503 Service unavailable',
    );
    await expect(
      page.locator('#runs .run-calls').allTextContents(),
    ).resolves.toEqual(
      expect.arrayContaining([
        '212 service calls: Reports 180, Directory 12, Classroom 20',
      ]),
    );
    await resetCalls();
    await page.getByRole('button', {name: 'Run now'}).click();
    await page.getByText('The run has started.').waitFor();
    await page.waitForFunction(
      () =>
        (window as unknown as {__calls: Call[]}).__calls.some(
          c => c.name === 'getProgress',
        ),
      undefined,
      {timeout: 10000},
    );
    const names = (await calls()).map(c => c.name);
    expect(names[0]).toBe('runNow');
    expect(await page.getByRole('progressbar').count()).toBe(1);
    await expect(page.locator('#progress-text').textContent()).resolves.toMatch(
      /queued/,
    );
    expect(h.rt.triggers.map(t => t.handler)).toContain('runJob');
    // The button is disabled while running; the server also refuses a second start.
    expect(await page.getByRole('button', {name: 'Run now'}).isDisabled()).toBe(
      true,
    );
    const refused = await page.evaluate(
      () =>
        new Promise<string>(resolve => {
          const w = window as unknown as {
            google: {
              script: {run: Record<string, (...a: unknown[]) => unknown>};
            };
          };
          const r = w.google.script.run as unknown as {
            withSuccessHandler(f: () => void): {
              withFailureHandler(f: (e: Error) => void): {runNow(): void};
            };
          };
          r.withSuccessHandler(() => resolve('ok'))
            .withFailureHandler(e => resolve(e.message))
            .runNow();
        }),
    );
    expect(refused).toMatch(/^A run is already in progress/);
    await shot('runs');
  });

  it('installs the schedule and estimates a backfill', async () => {
    await resetCalls();
    await page.getByRole('button', {name: 'Schedule nightly runs'}).click();
    await page.getByText('Nightly and weekly runs scheduled.').waitFor();
    await expect(page.locator('#triggers').textContent()).resolves.toContain(
      'Nightly run at 05:00',
    );
    await page.getByLabel('From', {exact: true}).fill('2024-09-01');
    await page.getByRole('button', {name: 'Estimate'}).click();
    await page.locator('#backfill dl').waitFor();
    const names = (await calls()).map(c => c.name);
    expect(names).toEqual(['installTriggers', 'estimateBackfill']);
    expect((await calls())[1].args).toEqual([{startDate: '2024-09-01'}]);
    await expect(page.locator('#backfill').textContent()).resolves.toMatch(
      /Service calls\s*[\d,]+/,
    );
  });

  it('shows a server validation error as a readable message and marks the field', async () => {
    await openTab('Setup');
    const tz = page.getByLabel('Time zone');
    await tz.fill('Mars/Olympus_Mons');
    await page.getByLabel('Minimum group size').fill('0');
    await resetCalls();
    await page.getByRole('button', {name: 'Save settings'}).click();
    const alert = page.locator('.msg-error');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain(
      '2 settings need fixing: see the highlighted fields.',
    );
    expect(text).not.toMatch(/at \w+ \(|Code\.js|InputError|timeZone/);
    await expect(
      page.locator('#set-timeZone-error').textContent(),
    ).resolves.toBe(
      'Time zone "Mars/Olympus_Mons" is not an IANA time zone such as America/New_York',
    );
    expect(await tz.getAttribute('aria-invalid')).toBe('true');
    expect(
      await page.getByLabel('Minimum group size').getAttribute('aria-invalid'),
    ).toBe('true');
    await expect(
      page.locator('#set-timeZone-error').textContent(),
    ).resolves.toContain('Time zone');
    expect((await calls()).map(c => c.name)).toEqual(['saveSettings']);
    await shot('setup-error');
    await tz.fill('America/Chicago');
    await page.getByLabel('Minimum group size').fill('12');
    await page.getByLabel('Alert recipients').fill('data@district.example.org');
    await page.getByRole('button', {name: 'Save settings'}).click();
    await page.getByText('Settings saved.').waitFor();
    const saved = h.call<{
      timeZone: string;
      minGroupSize: number;
      alertRecipients: string[];
    }>('getSidebarState');
    expect(saved).toMatchObject({
      settings: {
        timeZone: 'America/Chicago',
        minGroupSize: 12,
        alertRecipients: ['data@district.example.org'],
      },
    });
    await shot('setup');
  });

  it('reports a failing server call instead of failing silently', async () => {
    await page.evaluate(
      () =>
        new Promise<void>(resolve => {
          // A function the server does not have: Apps Script answers "Script function not found".
          const w = window as unknown as {
            google: {
              script: {
                run: {
                  withFailureHandler(f: (e: Error) => void): {
                    noSuchFunction(): void;
                  };
                };
              };
            };
          };
          w.google.script.run
            .withFailureHandler(e => {
              document.body.setAttribute('data-last-error', e.message);
              resolve();
            })
            .noSuchFunction();
        }),
    );
    expect(await page.locator('body').getAttribute('data-last-error')).toMatch(
      /noSuchFunction/,
    );
  });

  it('shows the coming weeks of the calendar and confirms an outage through the server', async () => {
    const CAL = 'schoolyear@group.calendar.google.com';
    h = harness({
      startTime: Date.UTC(2026, 0, 12, 15),
      calendars: {
        [CAL]: {
          name: 'School year',
          timeZone: 'America/New_York',
          events: [
            {title: 'Martin Luther King Jr. Day', startDate: '2026-01-19'},
            {
              title: 'State <b>ELA</b> Test',
              startDate: '2026-01-27',
              endDate: '2026-01-30',
            },
            {
              title: 'Early Dismissal',
              start: '2026-02-06T17:30:00Z',
              end: '2026-02-06T18:30:00Z',
            },
            {
              title: '=HYPERLINK("http://evil.example","Recess")',
              startDate: '2026-02-16',
              endDate: '2026-02-21',
            },
          ],
        },
      },
    });
    h.call('saveSettings', {calendarId: CAL});
    h.call('refreshCalendar');
    inRuntime(h.rt, () =>
      writeCalendarTab({
        inferred: [
          {
            name: 'Activity drop',
            start: '2026-01-14',
            end: '2026-01-14',
            kind: 'possible-outage',
            source: 'inferred',
            confirmed: null,
          },
        ],
      }),
    );
    await page.reload();
    await page.getByRole('tab', {name: 'Overview'}).waitFor();
    await openTab('Calendar');
    await page.getByRole('heading', {name: 'School calendar'}).waitFor();
    await page.getByText('Week of Mon Jan 19').waitFor();
    expect(await page.locator('#calendar-weeks .cal-week').count()).toBe(8);
    const mlk = page.getByLabel(
      'Mon Jan 19: closed — Martin Luther King Jr. Day',
    );
    expect(await mlk.getAttribute('class')).toContain('day-closed');
    expect(
      await page
        .getByLabel('Wed Jan 28: school day, testing — State <b>ELA</b> Test')
        .count(),
    ).toBe(1);
    expect(
      await page.getByLabel('Fri Feb 6: half day — Early Dismissal').count(),
    ).toBe(1);
    // Titles from the calendar are text: no markup, no formula.
    expect(await page.locator('#calendar b').count()).toBe(0);
    await page
      .getByText('Closed: =HYPERLINK("http://evil.example","Recess")', {
        exact: false,
      })
      .waitFor();
    expect(await page.locator('#calendar-sources').textContent()).toContain(
      CAL,
    );
    await shot('calendar');

    await resetCalls();
    await page
      .getByRole('button', {name: 'Confirm: Activity drop, Wed Jan 14'})
      .click();
    await page
      .getByText('Confirmed: Activity drop. The next run uses it.')
      .waitFor();
    expect((await calls()).map(c => c.name)).toEqual([
      'setCalendarConfirmation',
    ]);
    expect((await calls())[0].args).toEqual([
      'inferred|2026-01-14|2026-01-14|possible-outage|Activity drop',
      'yes',
    ]);
    await page.getByText('Nothing waits for review.').waitFor();
    const sheet = h.rt.spreadsheet.getSheetByName('Calendar')!;
    const row = sheet
      .getDataRange()
      .getDisplayValues()
      .find(r => r[3] === 'Activity drop')!;
    expect(row[5]).toBe('yes');
    expect(
      await page.getByLabel('Wed Jan 14: closed — Activity drop').count(),
    ).toBe(1);

    await resetCalls();
    await page.getByRole('button', {name: 'Import now'}).click();
    await page.getByText('Calendars imported.').waitFor();
    expect((await calls()).map(c => c.name)).toEqual(['refreshCalendar']);
    await shot('calendar-after');
  });

  it('opens on a new spreadsheet with nothing yet, without errors', async () => {
    h = harness({empty: true});
    await page.reload();
    await page
      .getByText('Review these settings and save them to start.')
      .waitFor();
    await openTab('Overview');
    await page.getByText('No forecast for this school yet.').waitFor();
    await expect(page.locator('#insights').textContent()).resolves.toContain(
      'Insights appear after the first analysis run.',
    );
    await expect(page.locator('#heatmap').textContent()).resolves.toContain(
      'No weekly data yet.',
    );
    await openTab('Runs');
    await page.getByText('No runs yet.').first().waitFor();
    expect(
      await page
        .getByRole('button', {name: 'Create a Looker Studio report'})
        .isDisabled(),
    ).toBe(true);
    expect(await page.locator('.msg-error').count()).toBe(0);
    await shot('empty-runs');
  });

  it('fits 300 px with nothing cut off and no errors or network use', async () => {
    for (const tab of [
      'Overview',
      'Anomalies',
      'What-if',
      'Calendar',
      'Runs',
      'Setup',
    ]) {
      await openTab(tab);
      const wide = await page.evaluate(w => {
        const out: string[] = [];
        for (const e of Array.from(document.querySelectorAll('main *'))) {
          const r = (e as HTMLElement).getBoundingClientRect();
          if (r.width > 0 && r.right > w + 0.5)
            out.push(
              `${e.tagName}#${e.id}.${(e as HTMLElement).className} ${r.right}`,
            );
        }
        return out;
      }, WIDTH);
      expect(wide).toEqual([]);
    }
    const png = readFileSync(join(SHOTS, 'overview.png'));
    expect(png.readUInt32BE(16)).toBe(WIDTH);
    expect(errors).toEqual([]);
  });
});
