/**
 * A district's first hour in Chromium at 300 px: the sidebar's first run reads the directory
 * through the real bundle (offline runtime over a demo district), shows the org unit tree
 * with its proposal, takes an adjustment by picking a unit, previews, and saves.
 * Screenshots go to test-output/screenshots (setup-tree, setup-picking, setup-preview).
 */
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {chromium, type BrowserContext, type Page} from 'playwright-core';
import {createDemoDistrict} from '../../src/demo';
import {createOfflineRuntime} from '../../src/offline/runtime';
import {bundle} from '../ui/harness';
import {
  CHROMIUM,
  RUN_STUB,
  SHOTS,
  SIDEBAR,
  WIDTH,
  describeInChromium,
} from './chromium';

const d = describeInChromium;

d('Setup from the directory in Chromium', () => {
  const demo = createDemoDistrict({
    schools: 6,
    days: 30,
    start: '2024-09-02',
    seed: 11,
  });
  const rt = createOfflineRuntime({
    data: demo.data,
    startTime: Date.UTC(2024, 9, 1, 14),
    timeZone: 'America/New_York',
    costs: {cpuFactor: 0},
  });
  let code: ReturnType<typeof rt.compile>;
  let ctx: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];
  const users = demo.data.users().filter(u => !u.suspended && !u.archived);
  const first = [...demo.schools].sort((a, b) =>
    a.orgUnitPath.localeCompare(b.orgUnitPath, 'en', {numeric: true}),
  )[0];

  async function shot(name: string): Promise<void> {
    mkdirSync(SHOTS, {recursive: true});
    await page.screenshot({path: join(SHOTS, `${name}.png`), fullPage: true});
  }
  async function callNames(): Promise<string[]> {
    return page.evaluate(() =>
      (window as unknown as {__calls: {name: string}[]}).__calls.map(
        c => c.name,
      ),
    );
  }
  async function fits(): Promise<void> {
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(WIDTH);
  }

  beforeAll(async () => {
    if (!existsSync(SIDEBAR))
      throw new Error('dist/sidebar.html is missing: run `npm run build`');
    code = rt.compile(bundle(), 'Code.js');
    profile = mkdtempSync(join(tmpdir(), 'cp-setup-'));
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
      const r = rt.execute(code, name, args);
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
  }, 60000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, {recursive: true, force: true});
  });

  it('first run: reads the directory and shows the tree with the proposal and counts', async () => {
    await page.getByRole('tree').waitFor({timeout: 30000});
    expect(
      await page
        .getByRole('tab', {name: 'Setup'})
        .getAttribute('aria-selected'),
    ).toBe('true');
    await expect(page.locator('#ou-summary').textContent()).resolves.toMatch(
      new RegExp(
        `^${demo.schools.length} schools, ${demo.schools.length} student and ${demo.schools.length} teacher units picked`,
      ),
    );
    // The root row counts every active account.
    const root = page.locator('li[data-path="/"] > .ou-row .ou-count');
    expect((await root.textContent())!.replace(/\D/g, '')).toBe(
      String(users.length),
    );
    // Schools are proposed, closed; the way down to them is open.
    const school = page.locator(`li[data-path="${first.orgUnitPath}"]`);
    await expect(school.locator('> .ou-row select').inputValue()).resolves.toBe(
      'school',
    );
    expect(await school.getAttribute('aria-expanded')).toBe('false');
    const names = await callNames();
    expect(names.filter(n => n === 'getSetupDirectory').length).toBe(1);
    expect(names).not.toContain('saveSettings');
    await fits();
    await shot('setup-tree');
  });

  it('adjusting by picking a unit: the school Staff unit becomes teachers', async () => {
    const school = page.locator(`li[data-path="${first.orgUnitPath}"]`);
    await school.locator('> .ou-row button.ou-toggle').click();
    const staff = page.locator(`li[data-path="${first.orgUnitPath}/Staff"]`);
    await staff.waitFor();
    await expect(staff.locator('.ou-note').textContent()).resolves.toContain(
      `in ${first.orgUnitPath.split('/').pop()}`,
    );
    await staff.locator('> .ou-row select').selectOption('teachers');
    await expect(page.locator('#ou-summary').textContent()).resolves.toMatch(
      new RegExp(`${demo.schools.length + 1} teacher units`),
    );
    await fits();
    await shot('setup-picking');
  });

  it('the preview shows schools, users per role, no-school accounts and the cost before saving', async () => {
    await page.locator('#ou-preview-btn').click();
    const rows = page.locator('#ou-schools tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(demo.schools.length);
    const under = (p: string) =>
      users.filter(
        u => u.orgUnitPath === p || u.orgUnitPath!.startsWith(`${p}/`),
      ).length;
    const cells = await rows.first().locator('td').allTextContents();
    const num = (s: string) => Number(s.replace(/\D/g, ''));
    expect(num(cells[1])).toBe(under(`${first.orgUnitPath}/Students`));
    expect(num(cells[2])).toBe(
      under(`${first.orgUnitPath}/Teachers`) +
        under(`${first.orgUnitPath}/Staff`),
    );
    const text = (await page.locator('#ou-preview').textContent())!;
    expect(text).toContain('Accounts in no school');
    expect(text).toContain('/District Office');
    expect(text).toContain('Service calls');
    expect(text).toContain('Run time');
    // Nothing saved by a preview.
    expect(await callNames()).not.toContain('saveSettings');
    const stored = rt.execute(code, 'getSidebarState');
    expect((stored.result as {saved: boolean}).saved).toBe(false);
    await fits();
    await shot('setup-preview');
  });

  it('saving stores the picks; the form then says the picked units are in force', async () => {
    await page.locator('#ou-save').click();
    await page.getByText(/^Saved: \d+ schools/).waitFor();
    const s = rt.execute(code, 'getSidebarState').result as {
      saved: boolean;
      settings: {orgUnitRules: string; teacherUnits: string[]};
    };
    expect(s.saved).toBe(true);
    expect(s.settings.orgUnitRules).toBe('units');
    expect(s.settings.teacherUnits).toEqual(
      expect.arrayContaining(['Teachers', `${first.orgUnitPath}/Staff`]),
    );
    await expect(page.locator('#set-orgUnitRules').inputValue()).resolves.toBe(
      'units',
    );
    await fits();
    await shot('setup-saved');
    expect(errors).toEqual([]);
  });
});
