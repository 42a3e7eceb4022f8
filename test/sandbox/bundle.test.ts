/**
 * The built bundle in a bare vm context: only Apps Script globals, no Node or
 * browser ones; every entry point callable; no internal helper in the global scope.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import * as vm from 'node:vm';
import {
  createOfflineRuntime,
  type BigQueryBackend,
  type ExecutionResult,
  type OfflineRuntime,
} from '../../src/offline/runtime';
import {NOW, makeDistrict} from '../offline/fixtures';

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
const NAMESPACE = '__ClassroomPulse';
const FORBIDDEN = [
  'require',
  'module',
  'exports',
  'process',
  'Buffer',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'fetch',
  'TextEncoder',
  'TextDecoder',
  'URL',
  'global',
  'window',
  'document',
  'navigator',
  'queueMicrotask',
  'structuredClone',
  'performance',
];

let code: string;
let entryPoints: string[];

beforeAll(() => {
  if (
    !existsSync(join(dist, 'Code.js')) ||
    !existsSync(join(dist, 'entrypoints.json'))
  ) {
    execFileSync('node', [join(root, 'scripts/build.mjs')], {
      cwd: root,
      stdio: 'pipe',
    });
  }
  code = readFileSync(join(dist, 'Code.js'), 'utf8');
  entryPoints = JSON.parse(
    readFileSync(join(dist, 'entrypoints.json'), 'utf8'),
  );
});

/** A BigQuery that answers like a project where the export dataset does not exist. */
const noDataset: BigQueryBackend = {
  query: () => {
    throw {
      code: 404,
      message: 'Not found: Dataset district:workspace_logs',
      reason: 'notFound',
    };
  },
  getQueryResults: () => {
    throw {code: 404, message: 'Not found: Job', reason: 'notFound'};
  },
};

function newRuntime(): OfflineRuntime {
  return createOfflineRuntime({
    data: makeDistrict({users: 240, courses: 6, days: 30, loginsPerDay: 12}),
    bigQuery: noDataset,
    startTime: NOW,
    htmlDir: dist,
  });
}

/** Arguments a caller would plausibly send (the sidebar, a menu, a trigger). */
function plausibleArgs(name: string, rt: OfflineRuntime): unknown[] {
  const known: Record<string, unknown[]> = {
    saveSettings: [{timeZone: 'America/New_York', minGroupSize: 10}],
    estimateBackfill: [{startDate: '2025-01-06'}],
    getRecentRuns: [5],
    getForecastChart: [undefined],
    getAnomalies: [{status: 'open'}],
    acknowledgeAnomaly: ['anomaly-does-not-exist', 'acknowledged', 'checked'],
  };
  if (name in known) return known[name];
  if (/^on[A-Z]/.test(name)) return [{authMode: 'FULL', triggerUid: undefined}];
  if (/trigger|scheduled|nightly|continue|resume|tick/i.test(name)) {
    return [
      {
        authMode: 'FULL',
        triggerUid: '1',
        timezone: 'UTC',
        year: new Date(rt.clock.now()).getUTCFullYear(),
      },
    ];
  }
  return [];
}

/** Errors that show the bundle reaching for something Apps Script does not have. */
function isEnvironmentError(r: ExecutionResult): boolean {
  if (r.ok || !r.error) return false;
  if (r.error.name === 'ReferenceError' || r.error.name === 'TypeError')
    return true;
  const globals = FORBIDDEN.join('|');
  return new RegExp(
    `\\b(${globals})\\b.*(not defined|undefined|not a function)`,
  ).test(r.error.message);
}

describe('dist/Code.js in a bare Apps Script context', () => {
  test('declares only the entry points and one namespace as globals', () => {
    const rt = newRuntime();
    const sandbox: Record<string, unknown> = {...rt.globals};
    const context = vm.createContext(sandbox);
    new vm.Script(code, {filename: 'Code.js'}).runInContext(context);
    const declared = Object.keys(sandbox)
      .filter(k => !(k in rt.globals))
      .sort();
    expect(declared).toEqual([...entryPoints, NAMESPACE].sort());
    for (const name of entryPoints) {
      expect(typeof sandbox[name]).toBe('function');
    }
  });

  test('the context has no Node or browser globals', () => {
    const rt = newRuntime();
    const sandbox: Record<string, unknown> = {...rt.globals};
    const context = vm.createContext(sandbox);
    new vm.Script(code, {filename: 'Code.js'}).runInContext(context);
    const types = vm.runInContext(
      `(${JSON.stringify(FORBIDDEN)}).map(function (n) { return typeof globalThis[n]; })`,
      context,
    ) as string[];
    expect(Object.fromEntries(FORBIDDEN.map((n, i) => [n, types[i]]))).toEqual(
      Object.fromEntries(FORBIDDEN.map(n => [n, 'undefined'])),
    );
  });

  test('the bundle lists its entry points and Apps Script can call each one', () => {
    expect(entryPoints.length).toBeGreaterThan(0);
    expect(entryPoints).toContain('onOpen');
    const rt = newRuntime();
    const script = rt.compile(code);
    const outcomes: Record<string, string> = {};
    const bad: string[] = [];
    // A user opens the spreadsheet: onOpen runs as a simple trigger.
    const [opened] = rt.openSpreadsheet(script);
    outcomes.onOpen = opened.ok
      ? 'ok'
      : `${opened.error?.name}: ${opened.error?.message}`;
    if (isEnvironmentError(opened)) bad.push(`onOpen -> ${outcomes.onOpen}`);
    for (const name of entryPoints.filter(n => n !== 'onOpen')) {
      const r = rt.execute(script, name, plausibleArgs(name, rt));
      outcomes[name] = r.ok ? 'ok' : `${r.error?.name}: ${r.error?.message}`;
      if (isEnvironmentError(r)) bad.push(`${name} -> ${outcomes[name]}`);
    }
    expect(bad).toEqual([]);
    // The menu that onOpen installs names only functions the bundle exports.
    const menuFunctions = rt.ui.menus.flatMap(m =>
      m.items.filter(i => i !== null).map(i => i!.functionName),
    );
    expect(menuFunctions.length).toBeGreaterThan(0);
    for (const fn of menuFunctions) expect(entryPoints).toContain(fn);
    expect(outcomes.onOpen).toBe('ok');
  });

  test('a bundle reaching for a Node global fails in this sandbox', () => {
    const rt = newRuntime();
    const leaky = `${code}\nfunction __leak() { return Buffer.from('x'); }`;
    const r = rt.execute(leaky, '__leak');
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe('ReferenceError');
    expect(isEnvironmentError(r)).toBe(true);
  });
});
