/**
 * Setup from the directory (Apps Script layer): the org unit tree and a census of users per
 * unit, read in pieces the sidebar asks for, and the preview of what a choice of school and
 * role units selects, before anything is saved. Plain JSON in and out.
 */
import {InputError} from '../core/errors';
import {SETTINGS_MAX_BYTES, validateSettings} from '../core/settings';
import {
  compactPicks,
  orgUnitTree,
  previewRules,
  type Census,
  type UnitPicks,
} from '../clean/orgunits';
import {backfillEstimateFor} from './server';
import {SETTINGS_KEY, loadSettings} from '../platform/settings';
import type {SetupDirectoryPage, SetupPreview} from '../sheets/view-types';

/** Directory time per sidebar call: short enough that the sidebar shows progress. */
const SCAN_MS = 45_000;
const USER_FIELDS = 'nextPageToken,users(orgUnitPath,suspended,archived)';
const UNIT_FIELDS = 'organizationUnits(name,orgUnitPath)';

function directory(): GoogleAppsScript.AdminDirectory {
  const d = typeof AdminDirectory === 'undefined' ? undefined : AdminDirectory;
  if (!d?.Orgunits || !d?.Users) {
    throw new Error(
      'The Admin SDK Directory service is not enabled for this script, so the org units cannot be read.',
    );
  }
  return d;
}

/** A kept count older than this is read again. */
const KEPT_MAX_AGE_MS = 7 * 86_400_000;

function listUnits(
  dir: GoogleAppsScript.AdminDirectory,
): {path: string; name: string}[] {
  const r = dir.Orgunits!.list('my_customer', {
    type: 'all',
    fields: UNIT_FIELDS,
  });
  return (r.organizationUnits ?? [])
    .filter(o => typeof o.orgUnitPath === 'string' && o.orgUnitPath)
    .map(o => ({
      path: o.orgUnitPath!,
      name: o.name ?? o.orgUnitPath!.split('/').pop() ?? '',
    }));
}

/**
 * One piece of the directory scan. The first call (no page token) also lists every org unit:
 * Orgunits.list with type=all returns the whole tree in one response. Each call then reads
 * pages of 500 users (org unit and status only) for up to 45 seconds; the sidebar adds the
 * censuses up and calls again with the token until there is none. When the last run's
 * Directory read (`kept`, the API source's snapshot) is under a week old, its counts are used
 * and no user is read; `fresh` reads them anew.
 */
export function getSetupDirectory(
  input?: {pageToken?: string | null; fresh?: boolean},
  kept?: () => {builtAt: number; census: Census} | null,
): SetupDirectoryPage {
  const started = Date.now();
  const dir = directory();
  const token0 =
    input && typeof input.pageToken === 'string' && input.pageToken
      ? input.pageToken
      : null;
  // The last run's Directory read, when recent: the tree costs one call instead of all users.
  const saved = !token0 && input?.fresh !== true && kept ? kept() : null;
  if (saved && Date.now() - saved.builtAt < KEPT_MAX_AGE_MS) {
    return {
      units: listUnits(dir),
      census: saved.census,
      nextPageToken: null,
      usersRead: Object.values(saved.census).reduce(
        (a, [x, y]) => a + x + y,
        0,
      ),
      calls: {orgUnits: 1, users: 0},
      countedAt: new Date(saved.builtAt).toISOString(),
    };
  }
  let units: {path: string; name: string}[] | null = null;
  let unitCalls = 0;
  if (!token0) {
    units = listUnits(dir);
    unitCalls = 1;
  }
  const census: Census = {};
  let token = token0;
  let read = 0;
  let userCalls = 0;
  do {
    const page = dir.Users!.list({
      customer: 'my_customer',
      maxResults: 500,
      projection: 'basic',
      fields: USER_FIELDS,
      ...(token ? {pageToken: token} : {}),
    });
    userCalls++;
    for (const u of page.users ?? []) {
      const path = u.orgUnitPath || '/';
      const c = (census[path] ??= [0, 0]);
      if (u.suspended === true || u.archived === true) c[1]++;
      else c[0]++;
      read++;
    }
    token = page.nextPageToken || null;
  } while (token && Date.now() - started < SCAN_MS);
  return {
    units,
    census,
    nextPageToken: token,
    usersRead: read,
    calls: {orgUnits: unitCalls, users: userCalls},
    countedAt: null,
  };
}

const MAX_UNITS = 50_000;

function readDirectory(raw: unknown): {
  units: {orgUnitPath: string; name: string}[];
  census: Census;
} {
  const d = (raw ?? {}) as {units?: unknown; census?: unknown};
  if (!Array.isArray(d.units) || d.units.length > MAX_UNITS) {
    throw new InputError(
      'directory.units',
      `must be a list of at most ${MAX_UNITS} org units`,
    );
  }
  const units = d.units.map((u, i) => {
    const o = (u ?? {}) as {path?: unknown; name?: unknown};
    if (typeof o.path !== 'string' || !o.path.startsWith('/')) {
      throw new InputError(
        `directory.units[${i}]`,
        'needs a path starting with /',
      );
    }
    return {
      orgUnitPath: o.path,
      name: typeof o.name === 'string' ? o.name : '',
    };
  });
  if (!d.census || typeof d.census !== 'object' || Array.isArray(d.census)) {
    throw new InputError(
      'directory.census',
      'must map org unit paths to counts',
    );
  }
  const census: Census = {};
  for (const [k, v] of Object.entries(d.census as Record<string, unknown>)) {
    const ok =
      Array.isArray(v) &&
      v.length === 2 &&
      v.every(x => Number.isInteger(x) && (x as number) >= 0);
    if (!k.startsWith('/') || !ok) {
      throw new InputError(
        'directory.census',
        `"${k.slice(0, 80)}" must map to [active, inactive] counts`,
      );
    }
    census[k] = [v[0] as number, v[1] as number];
  }
  return {units, census};
}

function readPicks(raw: unknown): UnitPicks {
  const p = (raw ?? {}) as Record<string, unknown>;
  const list = (k: 'schools' | 'students' | 'teachers'): string[] => {
    const v = p[k] ?? [];
    if (!Array.isArray(v) || !v.every(x => typeof x === 'string' && x)) {
      throw new InputError(`picks.${k}`, 'must be a list of org unit paths');
    }
    return v as string[];
  };
  return {
    schools: list('schools'),
    students: list('students'),
    teachers: list('teachers'),
  };
}

/**
 * What saving would select, without saving: the schools, users per school and role, the
 * accounts in no school and the first backfill's cost. `picks` (unit paths chosen in the
 * tree) are written compactly as `settings`; `rules` instead previews settings as given
 * (e.g. the advanced patterns). No Google API call: the directory comes from the scan.
 */
export function previewSetup(input: unknown): SetupPreview {
  const i = (input ?? {}) as {
    directory?: unknown;
    picks?: unknown;
    rules?: unknown;
  };
  const dir = readDirectory(i.directory);
  const tree = orgUnitTree(dir.units, dir.census);
  const current = loadSettings();
  const patch: Record<string, unknown> =
    i.picks !== undefined
      ? {...compactPicks(tree, readPicks(i.picks))}
      : i.rules && typeof i.rules === 'object' && !Array.isArray(i.rules)
        ? (i.rules as Record<string, unknown>)
        : {};
  const allowed = new Set([
    'orgUnitRules',
    'schoolUnits',
    'studentUnits',
    'teacherUnits',
    'schoolOuDepth',
    'schoolOuPattern',
    'studentOuPattern',
    'teacherOuPattern',
  ]);
  const extra = Object.keys(patch).filter(k => !allowed.has(k));
  if (extra.length) {
    throw new InputError(extra.join(', '), 'is not an org unit setting');
  }
  const {settings, issues} = validateSettings(patch, current);
  if (issues.length) {
    throw new InputError(
      issues.map(x => x.field).join(', '),
      issues.map(x => `${x.field} ${x.message}`).join('; '),
    );
  }
  const core = previewRules(tree, settings, settings.minGroupSize);
  const bytes = JSON.stringify(settings).length + SETTINGS_KEY.length;
  const warnings = [...core.warnings];
  if (bytes > SETTINGS_MAX_BYTES) {
    warnings.push(
      `These picks take ${bytes} characters of settings, more than the ${SETTINGS_MAX_BYTES} that fit: pick whole groups of units (a parent's children) instead of single units.`,
    );
  }
  let estimate: SetupPreview['estimate'] = null;
  let estimateError: string | null = null;
  try {
    estimate = backfillEstimateFor(settings, {
      schools: core.schools.length,
      users: core.totals.users,
    });
  } catch (e) {
    estimateError = (e as Error).message;
  }
  return JSON.parse(
    JSON.stringify({
      settings: {
        orgUnitRules: settings.orgUnitRules,
        schoolUnits: settings.schoolUnits,
        studentUnits: settings.studentUnits,
        teacherUnits: settings.teacherUnits,
        schoolOuDepth: settings.schoolOuDepth,
        schoolOuPattern: settings.schoolOuPattern,
        studentOuPattern: settings.studentOuPattern,
        teacherOuPattern: settings.teacherOuPattern,
      },
      settingsBytes: bytes,
      ...core,
      warnings,
      estimate,
      estimateError,
      calls: 0,
    }),
  ) as SetupPreview;
}
