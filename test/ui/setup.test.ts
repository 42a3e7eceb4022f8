/**
 * Setup from the directory and the add-on entry points, through the built bundle in the
 * offline runtime: the directory scan's calls and paging, the preview's JSON, and onOpen /
 * onInstall in each AuthMode.
 */
import {createDemoDistrict} from '../../src/demo';
import {orgUnitTree, proposePicks, type Census} from '../../src/clean/orgunits';
import {createOfflineRuntime} from '../../src/offline/runtime';
import type {
  SetupDirectoryPage,
  SetupPreview,
} from '../../src/sheets/view-types';
import {attributionRules} from '../../src/clean/attribution';
import {QualityLog} from '../../src/clean/quality';
import {defaultSettings} from '../../src/core/settings';
import {Pseudonymizer} from '../../src/core/privacy';
import {SheetBlobStore} from '../../src/pipeline/store';
import {SNAPSHOT_BLOB} from '../../src/sources/api/source';
import {
  Snapshot,
  addUsers,
  emptyDraft,
  finishSnapshot,
} from '../../src/sources/api/snapshot';
import {bundle, inRuntime} from './harness';

const demo = createDemoDistrict({
  schools: 6,
  days: 30,
  start: '2024-09-02',
  seed: 11,
});
const START = Date.UTC(2024, 9, 1, 14);

function runtime(costs?: Record<string, number>) {
  const rt = createOfflineRuntime({
    data: demo.data,
    startTime: START,
    timeZone: 'America/New_York',
    costs: {cpuFactor: 0, ...(costs ? {calls: costs} : {})},
  });
  const code = rt.compile(bundle(), 'Code.js');
  const call = <T>(fn: string, ...args: unknown[]) => {
    const r = rt.execute(code, fn, args);
    if (!r.ok) throw new Error(r.error?.message);
    return {value: r.result as T, calls: r.callsByName};
  };
  return {rt, code, call};
}

/** The whole scan, piece by piece, as the sidebar does it. */
function scan(call: ReturnType<typeof runtime>['call']) {
  const census: Census = {};
  let units: {path: string; name: string}[] = [];
  let token: string | null = null;
  let pieces = 0;
  let userCalls = 0;
  let unitCalls = 0;
  do {
    const {value: p}: {value: SetupDirectoryPage} = call<SetupDirectoryPage>(
      'getSetupDirectory',
      token ? {pageToken: token} : {},
    );
    pieces++;
    if (p.units) units = p.units;
    userCalls += p.calls.users;
    unitCalls += p.calls.orgUnits;
    for (const [k, [a, i]] of Object.entries(p.census)) {
      const c = (census[k] ??= [0, 0]);
      c[0] += a;
      c[1] += i;
    }
    token = p.nextPageToken;
  } while (token && pieces < 100);
  return {census, units, pieces, userCalls, unitCalls};
}

const users = demo.data.users();
const active = users.filter(u => !u.suspended && !u.archived);

describe('getSetupDirectory', () => {
  test('one org unit call and one call per 500 users; the census counts every account once', () => {
    expect(users.length).toBeGreaterThan(1000);
    const {call} = runtime();
    const first = call<SetupDirectoryPage>('getSetupDirectory');
    expect(first.calls['AdminDirectory.Orgunits.list']).toBe(1);
    const s = scan(call);
    expect(s.unitCalls).toBe(1);
    expect(s.userCalls).toBe(Math.ceil(users.length / 500));
    expect(s.units.length).toBe(demo.data.orgUnits().length);
    const counted = Object.values(s.census).reduce((a, [x, y]) => a + x + y, 0);
    expect(counted).toBe(users.length);
    const act = Object.values(s.census).reduce((a, [x]) => a + x, 0);
    expect(act).toBe(active.length);
  });

  test('a slow directory is read over several calls that resume at the page token', () => {
    // 50 s per page: each call reads one page, then hands back the token.
    const {call} = runtime({'AdminDirectory.Users.list': 50_000});
    const s = scan(call);
    expect(s.pieces).toBe(Math.ceil(users.length / 500));
    expect(s.unitCalls).toBe(1);
    const counted = Object.values(s.census).reduce((a, [x, y]) => a + x + y, 0);
    expect(counted).toBe(users.length);
  });
});

describe("the last run's Directory read is reused", () => {
  /** The API source's snapshot as a run leaves it, written to the hidden store. */
  function keepSnapshot(rt: ReturnType<typeof runtime>['rt'], builtAt: number) {
    const settings = defaultSettings('America/New_York');
    const draft = emptyDraft();
    addUsers(
      draft,
      users,
      attributionRules(settings),
      new Pseudonymizer(m =>
        Array.from({length: 32}, (_x, i) => (m.length * 7 + i) & 255),
      ),
      new QualityLog(),
    );
    const snap = finishSnapshot(draft, settings, builtAt, 0, null, false);
    const text = snap.serialize();
    expect(Snapshot.deserialize(text).census).toEqual(snap.census);
    inRuntime(rt, () =>
      new SheetBlobStore(SpreadsheetApp.getActiveSpreadsheet()).put(
        SNAPSHOT_BLOB,
        text,
      ),
    );
    return snap.census!;
  }

  test("a recent snapshot's counts cost one org unit call and no user call; fresh reads again", () => {
    const {rt, call} = runtime();
    const kept = keepSnapshot(rt, START - 86_400_000);
    const {value: p, calls} = call<SetupDirectoryPage>('getSetupDirectory');
    expect(calls['AdminDirectory.Users.list']).toBeUndefined();
    expect(calls['AdminDirectory.Orgunits.list']).toBe(1);
    expect(p.countedAt).toBe(new Date(START - 86_400_000).toISOString());
    expect(p.census).toEqual(kept);
    expect(p.nextPageToken).toBeNull();
    const again = call<SetupDirectoryPage>('getSetupDirectory', {fresh: true});
    expect(again.value.countedAt).toBeNull();
    expect(again.calls['AdminDirectory.Users.list']).toBe(
      Math.ceil(users.length / 500),
    );
    expect(again.value.census).toEqual(kept);
  });

  test('a snapshot older than a week is read again', () => {
    const {rt, call} = runtime();
    keepSnapshot(rt, START - 8 * 86_400_000);
    const {value: p} = call<SetupDirectoryPage>('getSetupDirectory');
    expect(p.countedAt).toBeNull();
  });
});

describe('previewSetup', () => {
  const {call, rt} = runtime();
  const dir = scan(call);
  const tree = orgUnitTree(
    dir.units.map(u => ({orgUnitPath: u.path, name: u.name})),
    dir.census,
  );
  const picks = proposePicks(tree);

  test('the proposal finds the schools and their Students and Teachers units', () => {
    expect(picks.schools.sort()).toEqual(
      demo.schools.map(s => s.orgUnitPath).sort(),
    );
    expect(picks.students.length).toBe(demo.schools.length);
    expect(picks.students.every(p => p.endsWith('/Students'))).toBe(true);
    expect(picks.teachers.every(p => p.endsWith('/Teachers'))).toBe(true);
  });

  test('picks in, schools with users per role, no-school accounts and the cost out; no API call', () => {
    const {value: p, calls} = call<SetupPreview>('previewSetup', {
      directory: {units: dir.units, census: dir.census},
      picks,
    });
    expect(Object.keys(calls).some(k => k.startsWith('AdminDirectory'))).toBe(
      false,
    );
    expect(p.calls).toBe(0);
    // Written compactly: each borough's children, and unit names for the roles.
    expect(p.settings.orgUnitRules).toBe('units');
    expect(p.settings.studentUnits).toEqual(['Students']);
    expect(p.settings.teacherUnits).toEqual(['Teachers']);
    // A borough with two or more schools is written as its children.
    const boroughs = new Map<string, number>();
    for (const s of demo.schools) {
      const b = s.orgUnitPath.slice(0, s.orgUnitPath.lastIndexOf('/'));
      boroughs.set(b, (boroughs.get(b) ?? 0) + 1);
    }
    expect([...p.settings.schoolUnits].sort()).toEqual(
      demo.schools
        .filter(s => {
          const b = s.orgUnitPath.slice(0, s.orgUnitPath.lastIndexOf('/'));
          return boroughs.get(b) === 1;
        })
        .map(s => s.orgUnitPath)
        .concat([...boroughs].filter(([, n]) => n >= 2).map(([b]) => `${b}/*`))
        .sort(),
    );
    expect(p.schools.map(s => s.path).sort()).toEqual(picks.schools.sort());
    // Users per school and role, counted from the Directory itself.
    for (const s of p.schools) {
      const mine = active.filter(
        u =>
          u.orgUnitPath === s.path || u.orgUnitPath!.startsWith(`${s.path}/`),
      );
      const students = mine.filter(u =>
        u.orgUnitPath!.startsWith(`${s.path}/Students`),
      ).length;
      const teachers = mine.filter(
        u => u.orgUnitPath === `${s.path}/Teachers`,
      ).length;
      expect(s.students).toBe(students);
      expect(s.teachers).toBe(teachers);
      expect(s.other).toBe(mine.length - students - teachers);
      expect(s.students).toBeGreaterThan(0);
    }
    const loose = active.filter(
      u => !p.schools.some(s => u.orgUnitPath!.startsWith(`${s.path}/`)),
    ).length;
    expect(p.noSchool.users).toBe(loose);
    expect(p.noSchool.users).toBeGreaterThan(0);
    expect(p.noSchool.units.map(u => u.path)).toEqual(
      expect.arrayContaining(['/District Office']),
    );
    expect(p.totals.users).toBe(active.length);
    expect(p.totals.inSchools + p.noSchool.users).toBe(active.length);
    expect(p.estimate).not.toBeNull();
    expect(p.estimate!.schools).toBe(demo.schools.length);
    expect(p.estimate!.users).toBe(active.length);
    expect(p.estimate!.totalCalls).toBeGreaterThan(0);
  });

  test('the demo patterns (advanced option) and the proposed units select the same', () => {
    const {value: byUnits} = call<SetupPreview>('previewSetup', {
      directory: {units: dir.units, census: dir.census},
      picks,
    });
    const {value: byPatterns} = call<SetupPreview>('previewSetup', {
      directory: {units: dir.units, census: dir.census},
      rules: {
        orgUnitRules: 'patterns',
        schoolOuDepth: demo.settingsHints.schoolOuDepth,
        schoolOuPattern: demo.settingsHints.schoolOuPattern,
        studentOuPattern: demo.settingsHints.studentOuPattern,
        teacherOuPattern: demo.settingsHints.teacherOuPattern,
      },
    });
    expect(byPatterns.settings.orgUnitRules).toBe('patterns');
    expect(byPatterns.schools).toEqual(byUnits.schools);
    expect(byPatterns.totals).toEqual(byUnits.totals);
    expect(byPatterns.noSchool).toEqual(byUnits.noSchool);
  });

  test('nothing is saved by a preview; saving its settings stores the picks', () => {
    const {value: p} = call<SetupPreview>('previewSetup', {
      directory: {units: dir.units, census: dir.census},
      picks,
    });
    const before = call<{saved: boolean}>('getSidebarState').value;
    expect(before.saved).toBe(false);
    const saved = call<Record<string, unknown>>(
      'saveSettings',
      p.settings,
    ).value;
    expect(saved.schoolUnits).toEqual(p.settings.schoolUnits);
    expect(call<{saved: boolean}>('getSidebarState').value.saved).toBe(true);
  });

  test('bad input gets an error naming it', () => {
    const bad = (input: unknown) => {
      const r = rt.execute(rt.compile(bundle(), 'Code.js'), 'previewSetup', [
        input,
      ]);
      expect(r.ok).toBe(false);
      return r.error!.message;
    };
    expect(bad({})).toMatch(/directory\.units/);
    expect(bad({directory: {units: dir.units, census: {'/A': [1]}}})).toMatch(
      /directory\.census/,
    );
    expect(
      bad({
        directory: {units: dir.units, census: dir.census},
        picks: {schools: [], students: [], teachers: []},
      }),
    ).toMatch(/schoolUnits must pick at least one school/);
    expect(
      bad({
        directory: {units: dir.units, census: dir.census},
        rules: {minGroupSize: 3},
      }),
    ).toMatch(/minGroupSize/);
  });
});

describe('add-on entry points in each AuthMode', () => {
  type MenuItem = {caption: string; functionName: string} | null;
  const items = (rt: ReturnType<typeof runtime>['rt']): MenuItem[] =>
    (rt.ui.menus as {items: MenuItem[]}[])[0]?.items ?? [];

  test('NONE: the menu appears, built without any authorized call', () => {
    const {rt, code} = runtime();
    const [r] = rt.openSpreadsheet(code, {authMode: 'NONE'});
    expect(r.ok).toBe(true);
    expect(Object.keys(r.callsByName).sort()).toEqual([
      'Menu.addToUi',
      'SpreadsheetApp.getUi',
      'Ui.createAddonMenu',
    ]);
    expect(items(rt)[0]).toEqual({
      caption: 'Set up from the directory',
      functionName: 'showSetup',
    });
  });

  test('LIMITED and FULL: the menu reads whether this file is set up', () => {
    const {rt, code, call} = runtime();
    const [r] = rt.openSpreadsheet(code, {authMode: 'LIMITED'});
    expect(r.ok).toBe(true);
    expect(r.callsByName['PropertiesService.getDocumentProperties']).toBe(1);
    expect(items(rt)[0]!.functionName).toBe('showSetup');
    call('saveSettings', {timeZone: 'America/New_York'});
    const full = rt.execute(code, 'onOpen', [{authMode: 'FULL'}]);
    expect(full.ok).toBe(true);
    expect(items(rt)[0]!.functionName).toBe('showSidebar');
    expect(items(rt).map(i => i?.functionName)).toContain('showSetup');
    // Run from the editor (no event): as FULL.
    expect(rt.execute(code, 'onOpen').ok).toBe(true);
  });

  test('onInstall runs in FULL and builds the menu for the first session', () => {
    const {rt, code} = runtime();
    const r = rt.installAddOn(code);
    expect(r.ok).toBe(true);
    expect(items(rt).length).toBeGreaterThan(0);
  });

  test('a call that NONE forbids fails as Apps Script fails it; LIMITED refuses authorized services', () => {
    const {rt} = runtime();
    const script = rt.compile(
      `function onOpen(e) {
         SpreadsheetApp.getUi().createAddonMenu().addItem('x', 'x').addToUi();
         PropertiesService.getDocumentProperties();
       }
       function readSheet() { return SpreadsheetApp.getActiveSpreadsheet().getName(); }
       function mail() { MailApp.sendEmail('a@b.org', 's', 'b'); }`,
      'probe.js',
    );
    const [none] = rt.openSpreadsheet(script, {authMode: 'NONE'});
    expect(none.ok).toBe(false);
    expect(none.error!.message).toMatch(
      /^You do not have permission to call PropertiesService\.getDocumentProperties/,
    );
    const sheet = rt.execute(script, 'readSheet', [], {authMode: 'NONE'});
    expect(sheet.error!.message).toMatch(
      /permission to call SpreadsheetApp\.getActiveSpreadsheet/,
    );
    expect(rt.execute(script, 'readSheet', [], {authMode: 'LIMITED'}).ok).toBe(
      true,
    );
    const mail = rt.execute(script, 'mail', [], {authMode: 'LIMITED'});
    expect(mail.error!.message).toMatch(
      /permission to call MailApp\.sendEmail\. Required permissions/,
    );
    expect(rt.execute(script, 'mail', [], {authMode: 'FULL'}).ok).toBe(true);
  });

  test('the bound script: showSetup opens the sidebar on Setup', () => {
    const {rt, call} = runtime();
    call('showSetup');
    const sb = rt.ui.sidebars[rt.ui.sidebars.length - 1];
    expect(sb.title).toBe('Classroom Pulse');
    expect(sb.html).toContain('data-view="setup"');
  });
});
