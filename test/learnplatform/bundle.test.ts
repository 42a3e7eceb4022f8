/**
 * The built bundle (dist/Code.js) with `source: learnplatform`: the job imports a folder in
 * the published format from Drive (the offline runtime's DriveApp), across executions, and
 * writes one daily fact per district and day with data, as the import computes them.
 */
import {execFileSync} from 'node:child_process';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {defaultSettings} from '../../src/core/settings';
import {createDemoDistrict} from '../../src/demo';
import {createOfflineRuntime} from '../../src/offline/runtime';
import {districtDailyFacts} from '../../src/sources/learnplatform/facts';
import {importAll} from '../../src/sources/learnplatform/importer';
import {
  LearnPlatformDirectory,
  learnPlatformDriveData,
} from '../../src/sources/learnplatform/node-dir';

const root = join(__dirname, '..', '..');
let code: string;
let dir: string;
beforeAll(() => {
  const path = join(root, 'dist', 'Code.js');
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '';
  }
  if (!text.includes('LearnPlatformSource')) {
    execFileSync('node', [join(root, 'scripts/build.mjs')], {
      cwd: root,
      stdio: 'pipe',
    });
    text = readFileSync(path, 'utf8');
  }
  code = text;
  const demo = createDemoDistrict({
    schools: 4,
    days: 40,
    start: '2024-09-02',
    seed: 5,
  });
  dir = mkdtempSync(join(tmpdir(), 'lp-bundle-'));
  for (const [name, t] of Object.entries(
    demo.learnPlatformCsv({crlf: true}).files,
  )) {
    mkdirSync(dirname(join(dir, name)), {recursive: true});
    writeFileSync(join(dir, name), t);
  }
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

test('the job ingests a LearnPlatform folder from Drive into the Daily facts tab', () => {
  const {drive, folderId, firstDay} = learnPlatformDriveData(dir);
  expect(firstDay).toBe('2024-09-02');
  const rt = createOfflineRuntime({
    drive,
    startTime: Date.UTC(2024, 9, 20, 14),
    timeZone: 'America/New_York',
  });
  const settings = {
    ...defaultSettings('America/New_York'),
    source: 'learnplatform' as const,
    learnPlatformFolderId: folderId,
    startDate: firstDay!,
    budgetSeconds: 60,
  };
  expect(rt.execute(code, 'saveSettings', [settings]).ok).toBe(true);
  const errors: string[] = [];
  const first = rt.execute(code, 'runJob', []);
  if (!first.ok) errors.push(first.error?.message ?? '?');
  for (
    let i = 0;
    i < 300 && rt.triggers.some(t => t.handler === 'continueRun');
    i++
  ) {
    rt.clock.advance(180_000);
    for (const f of rt.fireDueTriggers(code)) {
      if (!f.result.ok && !f.result.timedOut)
        errors.push(f.result.error?.message ?? '?');
    }
  }
  expect(errors).toEqual([]);
  const tab = rt.spreadsheet
    .getSheetByName('Daily facts')!
    .getDataRange()
    .getValues();
  const header = tab[0].map(String);
  const col = (n: string) => header.indexOf(n);
  const rows = tab.slice(1).filter(r => r[0] !== '');
  const expected = districtDailyFacts(
    importAll(new LearnPlatformDirectory(dir)),
  ).filter(f => f.date < '2024-10-20');
  expect(rows.length).toBe(expected.length);
  const byKey = new Map(
    rows.map(r => [`${r[col('Date')]}|${r[col('School')]}`, r]),
  );
  let checked = 0;
  for (const f of expected) {
    const r = byKey.get(`${f.date}|${f.schoolId}`);
    expect(r).toBeDefined();
    expect(r![col('App')]).toBe('learnplatform');
    expect(Number(r![col('Active users')])).toBe(f.activeUsers);
    expect(Number(r![col('Events')])).toBe(f.events);
    if (f.engagementIndex !== null) {
      expect(Number(r![col('Engagement index')])).toBeCloseTo(
        f.engagementIndex,
        3,
      );
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(50);
});
