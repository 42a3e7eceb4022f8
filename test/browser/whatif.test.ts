/**
 * The What-if view of the built sidebar in headless Chromium at 300 px, with
 * google.script.run served by the real bundle on the data a manual run of a small demo
 * district left in the spreadsheet: the form runs a scenario, the chart and figures render,
 * a bad entry is caught, and everything fits.
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
import {openHarness, type Harness} from '../pipeline/harness';
import {
  CHROMIUM,
  RUN_STUB,
  SHOTS,
  SIDEBAR,
  WIDTH,
  describeInChromium,
} from './chromium';

const d = describeInChromium;

d('What-if view in Chromium', () => {
  let h: Harness;
  let ctx: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(SIDEBAR))
      throw new Error('dist/sidebar.html is missing: run `npm run build`');
    h = openHarness({schools: 4, days: 260, seed: 11});
    h.call('runNow');
    h.drain();
    profile = mkdtempSync(join(tmpdir(), 'cp-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: {width: WIDTH, height: 900},
    });
    await ctx.route(/^https?:\/\//, route => {
      errors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await ctx.exposeFunction('__gasCall', (name: string, args: unknown[]) => {
      const r = h.rt.execute(h.script, name, args);
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
    await page.getByRole('tab', {name: 'What-if'}).click();
    await page
      .getByRole('heading', {name: 'What if teacher activity changed?'})
      .waitFor({timeout: 20000});
  }, 300000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, {recursive: true, force: true});
  });

  it('catches a bad entry before calling the server', async () => {
    await page.locator('#wi-percent').fill('-150');
    await page.getByRole('button', {name: 'Run scenario'}).click();
    await expect(
      page.locator('#panel-whatif p.field-error').textContent(),
    ).resolves.toMatch(/more than 100%/);
    await expect(
      page.locator('#wi-percent').getAttribute('aria-invalid'),
    ).resolves.toBe('true');
    const calls = await page.evaluate(() =>
      (window as unknown as {__calls: {name: string}[]}).__calls.map(
        c => c.name,
      ),
    );
    expect(calls).not.toContain('runWhatIf');
  });

  it('runs a scenario for all schools and shows the chart, the change and the caveats', async () => {
    await page.locator('#wi-schools').selectOption('all');
    await page.locator('#wi-percent').fill('20');
    await page.getByRole('button', {name: 'Run scenario'}).click();
    await page.locator('.whatif-result svg').waitFor({timeout: 120000});
    expect(await page.locator('.whatif-result svg polyline').count()).toBe(2);
    await expect(page.locator('.whatif-total').textContent()).resolves.toMatch(
      /student-weeks over \d+ weeks \(95%: /,
    );
    await expect(page.locator('.whatif-result').textContent()).resolves.toMatch(
      /not the result of a trial/,
    );
    await expect(page.locator('.whatif-result').textContent()).resolves.toMatch(
      /Lever backtest/,
    );
    expect(await page.locator('.whatif-schools li').count()).toBe(4);
    const sent = await page.evaluate(() =>
      (
        window as unknown as {__calls: {name: string; args: unknown[]}[]}
      ).__calls.filter(c => c.name === 'runWhatIf'),
    );
    expect(sent[0].args[0]).toEqual({
      schools: 'all',
      scenario: {kind: 'percent', percent: 20},
    });
    mkdirSync(SHOTS, {recursive: true});
    await page.screenshot({path: join(SHOTS, 'whatif.png'), fullPage: true});
  });

  it('one school: intervals on the chart; a week outside the horizon reads as a message', async () => {
    const options = await page.locator('#wi-schools').locator('option').all();
    await page.locator('#wi-schools').selectOption({index: 2});
    expect(options.length).toBeGreaterThan(2);
    await page.getByRole('button', {name: 'Run scenario'}).click();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('.whatif-result svg polygon').length === 2,
      undefined,
      {timeout: 120000},
    );
    await page.locator('#wi-start').fill('2001-01-01');
    await page.getByRole('button', {name: 'Run scenario'}).click();
    await page
      .getByRole('alert')
      .filter({hasText: 'outside the forecast horizon'})
      .waitFor({timeout: 60000});
  });

  it('fits 300 px with no errors or network use', async () => {
    const wide = await page.evaluate(w => {
      const out: string[] = [];
      for (const e of Array.from(document.querySelectorAll('main *'))) {
        const r = (e as HTMLElement).getBoundingClientRect();
        if (r.width > 0 && r.right > w + 0.5)
          out.push(`${e.tagName}.${(e as HTMLElement).className} ${r.right}`);
      }
      return out;
    }, WIDTH);
    expect(wide).toEqual([]);
    expect(readFileSync(join(SHOTS, 'whatif.png')).readUInt32BE(16)).toBe(
      WIDTH,
    );
    expect(errors).toEqual([]);
  });
});
