// The offline Apps Script runtime: real cost of an execution (fresh vm context +
// bundle evaluation), of large sheet reads and writes, and of paging the Reports
// API fake, next to the simulated time each takes on the runtime's clock.
// Writes out/bench/offline.json.
import * as esbuild from 'esbuild';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, {recursive: true});
const bundlePath = join(root, 'dist', 'Code.js');
if (!existsSync(bundlePath)) {
  console.error('dist/Code.js is missing: run `npm run build` first');
  process.exit(1);
}
const runtimeFile = join(outDir, 'offline-runtime.cjs');
await esbuild.build({
  entryPoints: [join(root, 'src/offline/runtime.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: runtimeFile,
  logLevel: 'warning',
});
const {createOfflineRuntime} = createRequire(import.meta.url)(runtimeFile);

const START = Date.UTC(2025, 2, 10, 15);
const DAY = 86_400_000;
const median = v => {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const time = fn => {
  const t = performance.now();
  const r = fn();
  return [performance.now() - t, r];
};

function district(activitiesPerDay, days) {
  const users = Array.from({length: 5000}, (_, i) => ({
    id: `u${i}`,
    primaryEmail: `user${i}@district.example.org`,
    orgUnitPath: i % 2 ? '/Schools/A' : '/Schools/B',
  }));
  const acts = [];
  for (let d = days; d >= 1; d--) {
    for (let k = 0; k < activitiesPerDay; k++) {
      const t = START - d * DAY + Math.floor((k * DAY) / activitiesPerDay);
      const u = users[(d * 7919 + k) % users.length];
      acts.push({
        kind: 'audit#activity',
        id: {
          time: new Date(t).toISOString(),
          uniqueQualifier: `${d}-${k}`,
          applicationName: 'login',
        },
        actor: {email: u.primaryEmail, profileId: u.id},
        events: [
          {
            type: 'login',
            name: 'login_success',
            parameters: [{name: 'login_type', value: 'google_password'}],
          },
        ],
      });
    }
  }
  acts.reverse();
  return {
    customerId: 'C0',
    primaryDomain: 'district.example.org',
    timeZone: 'America/New_York',
    orgUnits: () => [],
    users: () => users,
    activities: (app, s, e) =>
      app === 'login'
        ? acts.filter(a => {
            const t = Date.parse(a.id.time);
            return t >= s && t < e;
          })
        : [],
    userUsage: () => [],
    courses: () => [],
    teachers: () => [],
    students: () => [],
    courseWork: () => [],
    submissions: () => [],
    announcements: () => [],
  };
}

const results = {};
const code = readFileSync(bundlePath, 'utf8');

// 1. One execution of a light entry point: fresh context + whole bundle + call.
{
  const rt = createOfflineRuntime({
    startTime: START,
    htmlDir: join(root, 'dist'),
    costs: {cpuFactor: 0},
  });
  const script = rt.compile(code);
  rt.execute(script, 'onOpen');
  const real = [];
  let sim = 0;
  for (let i = 0; i < 30; i++) {
    const [ms, r] = time(() => rt.execute(script, 'onOpen'));
    real.push(ms);
    sim = r.simulatedMs;
  }
  results.execution = {
    bundleKB: Math.round(code.length / 1024),
    realMsMedian: median(real),
    simulatedMs: sim,
  };
}

// 2. Writing and reading 200,000 cells (10,000 rows x 20 columns).
{
  const rt = createOfflineRuntime({startTime: START, costs: {cpuFactor: 0}});
  const rows = 10_000;
  const cols = 20;
  const data = Array.from({length: rows}, (_, r) =>
    Array.from({length: cols}, (_, c) =>
      c === 0
        ? `school-${r % 40}`
        : c === 1
          ? new Date(START - (r % 365) * DAY)
          : (r * c) % 997,
    ),
  );
  const body = `function w(d) { var sh = SpreadsheetApp.getActiveSpreadsheet().insertSheet('Facts');
      sh.insertRowsAfter(1000, ${rows}); sh.getRange(1, 1, d.length, d[0].length).setValues(d); }
    function r() { return SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Facts').getDataRange().getValues().length; }`;
  const [wMs, w] = time(() => rt.execute(body, 'w', [data]));
  const [rMs, r] = time(() => rt.execute(body, 'r'));
  if (!w.ok || !r.ok || r.result !== rows)
    throw new Error(
      `sheet bench failed: ${w.error?.message ?? r.error?.message}`,
    );
  results.sheet = {
    cells: rows * cols,
    writeRealMs: wMs,
    writeSimulatedMs: w.simulatedMs,
    readRealMs: rMs,
    readSimulatedMs: r.simulatedMs,
  };
}

// 3. Paging 30 days x 5,000 login activities through Activities.list.
{
  const perDay = 5000;
  const days = 30;
  const rt = createOfflineRuntime({
    data: district(perDay, days),
    startTime: START,
    costs: {cpuFactor: 0},
    executionLimitMs: 1e9,
  });
  const body = `function pull(start) { var n = 0, pages = 0, token;
      do { var p = AdminReports.Activities.list('all', 'login', {startTime: start, maxResults: 1000, pageToken: token});
           n += (p.items || []).length; pages++; token = p.nextPageToken; } while (token);
      return [n, pages]; }`;
  const [ms, r] = time(() =>
    rt.execute(body, 'pull', [new Date(START - days * DAY).toISOString()]),
  );
  if (!r.ok) throw new Error(`reports bench failed: ${r.error?.message}`);
  const [items, pages] = r.result;
  results.reports = {
    items,
    pages,
    realMs: ms,
    itemsPerRealSecond: Math.round(items / (ms / 1000)),
    simulatedMs: r.simulatedMs,
    executionsAt6Min: Math.ceil(r.simulatedMs / 360_000),
  };
}

const f = n =>
  typeof n === 'number'
    ? Number.isInteger(n)
      ? String(n)
      : n.toFixed(1)
    : String(n);
console.log('offline runtime                         real           simulated');
console.log(
  `execution (onOpen, ${results.execution.bundleKB} KB bundle)   ${f(results.execution.realMsMedian)} ms/exec    ${f(results.execution.simulatedMs)} ms`,
);
console.log(
  `setValues ${results.sheet.cells} cells              ${f(results.sheet.writeRealMs)} ms        ${f(results.sheet.writeSimulatedMs)} ms`,
);
console.log(
  `getValues ${results.sheet.cells} cells              ${f(results.sheet.readRealMs)} ms        ${f(results.sheet.readSimulatedMs)} ms`,
);
console.log(
  `Activities.list ${results.reports.items} items / ${results.reports.pages} pages  ${f(results.reports.realMs)} ms  ${f(results.reports.simulatedMs)} ms (${results.reports.executionsAt6Min} executions of 6 min)`,
);
writeFileSync(join(outDir, 'offline.json'), JSON.stringify(results, null, 2));
