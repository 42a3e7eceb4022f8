/**
 * The built sidebar in headless Chromium against the bundle running as an Editor add-on:
 * Run now starts the run in the sidebar's own server call (an add-on cannot add a one-off
 * trigger beside its hourly one) and the schedule reads as the hourly check.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {chromium, type BrowserContext, type Page} from 'playwright-core';
import {harness, type Harness} from '../ui/harness';
import {
  CHROMIUM,
  RUN_STUB,
  SIDEBAR,
  WIDTH,
  describeInChromium,
} from './chromium';

describeInChromium('sidebar of the add-on in Chromium', () => {
  let h: Harness;
  let ctx: BrowserContext;
  let page: Page;
  let profile: string;

  const callNames = () =>
    page.evaluate(() =>
      (window as unknown as {__calls: {name: string}[]}).__calls.map(
        c => c.name,
      ),
    );

  beforeAll(async () => {
    h = harness({installationSource: 'APPS_MARKETPLACE_DOMAIN_ADD_ON'});
    profile = mkdtempSync(join(tmpdir(), 'cp-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      viewport: {width: WIDTH, height: 900},
    });
    await ctx.route(/^https?:\/\//, route => route.abort());
    await ctx.exposeFunction('__gasCall', (name: string, args: unknown[]) => {
      const r = h.rt.execute(h.code, name, args);
      return r.ok
        ? {ok: true, result: r.result ?? null}
        : {ok: false, name: r.error?.name, message: r.error?.message};
    });
    await ctx.addInitScript(RUN_STUB);
    page = await ctx.newPage();
    await page.goto(`file://${SIDEBAR}`);
    await page
      .getByText('Review these settings and save them to start.')
      .waitFor({timeout: 20000});
    await page.getByRole('tab', {name: /^Runs/}).click();
  }, 60000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, {recursive: true, force: true});
  });

  it('schedules one hourly check and says so', async () => {
    await page.getByRole('button', {name: 'Schedule nightly runs'}).click();
    await page.getByText('Nightly and weekly runs scheduled.').waitFor();
    await expect(page.locator('#triggers').textContent()).resolves.toContain(
      'One hourly check runs the nightly run after 05:00',
    );
    expect(h.rt.triggers.map(t => t.handler)).toEqual(['runScheduled']);
  });

  it('run now starts the run in its own server call, adding no trigger', async () => {
    await page.evaluate(() => {
      (window as unknown as {__calls: unknown[]}).__calls = [];
    });
    await page.getByRole('button', {name: 'Run now'}).click();
    await page.waitForFunction(
      () =>
        (window as unknown as {__calls: {name: string}[]}).__calls.some(
          c => c.name === 'startQueuedRun',
        ),
      undefined,
      {timeout: 10000},
    );
    const names = await callNames();
    expect(names.slice(0, 2)).toEqual(['runNow', 'startQueuedRun']);
    // The run ran in that call: this fixture has no Workspace services, so it fails at
    // its first directory call, and the sidebar says so.
    await page.getByText(/Last run failed: the AdminDirectory/).waitFor();
    expect(h.rt.triggers.map(t => t.handler)).toEqual(['runScheduled']);
    // The request was taken: a tick would not start the run a second time.
    expect(
      JSON.parse(
        h.rt.properties.document.getProperty('classroomPulse.schedule')!,
      ).manualRequested,
    ).toBeUndefined();
  });
});
