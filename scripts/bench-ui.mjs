// The Sheets outputs and the sidebar at district scale, in the offline runtime: the cost of
// writing every output tab (setValues calls, cells, simulated and real time) and of each
// sidebar server call on the real bundle (simulated time on the runtime's clock, service
// calls, real time). Districts of 40, 400 and 1,800 schools. Writes out/bench/ui.json.
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
const hostFile = join(outDir, 'ui-host.cjs');
await esbuild.build({
  stdin: {
    contents: `
      export {createOfflineRuntime} from './src/offline/runtime';
      export {writeOutputs, appendRunLog} from './src/sheets/outputs';
      export {anomalyId} from './src/sheets/tables';
      export {Rng} from './src/demo/random';
    `,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: hostFile,
  logLevel: 'warning',
});
const host = createRequire(import.meta.url)(hostFile);
const code = readFileSync(bundlePath, 'utf8');

/** The demo generator's seeded uniform stream (src/demo/random.ts). */
function rng(seed) {
  const r = new host.Rng(seed);
  return () => r.next();
}
const DAY = 86_400_000;
const iso = t => new Date(t).toISOString().slice(0, 10);
function isoWeek(date) {
  const t = Date.parse(`${date}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  const thu = t + (3 - dow) * DAY;
  const y = new Date(thu).getUTCFullYear();
  return `${y}-W${String(Math.floor((thu - Date.UTC(y, 0, 1)) / (7 * DAY)) + 1).padStart(2, '0')}`;
}

/** A district's results: weekly facts (students, teachers), forecasts, anomalies, ranking. */
function district(schools, weeks, horizon = 8) {
  const r = rng(schools * 31 + weeks);
  const t0 = Date.UTC(2023, 0, 2);
  const mondays = Array.from({length: weeks + horizon}, (_, i) =>
    iso(t0 + i * 7 * DAY),
  );
  const weekly = [];
  const forecasts = [];
  const accuracy = [];
  const anomalies = [];
  const underuse = [];
  for (let s = 0; s < schools; s++) {
    const id = `ou${String(s).padStart(5, '0')}`;
    const name = `School ${s + 1}`;
    const enrolled = 200 + Math.floor(r() * 1500);
    const teachers = Math.max(10, Math.round(enrolled / 18));
    const base = 0.35 + 0.4 * r();
    for (let w = 0; w < weeks + horizon; w++) {
      const week = mondays[w];
      const seasonal = 1 + 0.15 * Math.sin((2 * Math.PI * w) / 52);
      const expected = enrolled * base * seasonal;
      if (w < weeks) {
        const active = Math.round(expected * (0.9 + 0.2 * r()));
        const tActive = Math.round(teachers * (0.7 + 0.25 * r()));
        const common = {
          week: isoWeek(week),
          weekStart: week,
          schoolId: id,
          app: 'classroom',
          product: '',
          schoolDays: 5,
          flags: [],
        };
        weekly.push({
          ...common,
          role: 'student',
          activeUsers: active,
          enrolledUsers: enrolled,
          pctAccess: (100 * active) / enrolled,
          events: active * 9,
          engagementIndex: (9000 * active) / enrolled,
          logins: active * 3,
          submissionsTurnedIn: active * 2,
          assignmentsCreated: 0,
          gradesEntered: 0,
        });
        weekly.push({
          ...common,
          role: 'teacher',
          activeUsers: tActive,
          enrolledUsers: teachers,
          pctAccess: (100 * tActive) / teachers,
          events: tActive * 40,
          engagementIndex: (40000 * tActive) / teachers,
          logins: tActive * 5,
          submissionsTurnedIn: 0,
          assignmentsCreated: tActive * 3,
          gradesEntered: tActive * 10,
        });
        const bt = w >= weeks - 12;
        forecasts.push({
          schoolId: id,
          schoolName: name,
          metric: 'active_students',
          week: isoWeek(week),
          weekStart: week,
          actual: active,
          forecast: bt ? expected : null,
          lo80: bt ? expected * 0.9 : null,
          hi80: bt ? expected * 1.1 : null,
          lo95: bt ? expected * 0.85 : null,
          hi95: bt ? expected * 1.15 : null,
          model: 'ARIMA(1,0,0)+Fourier(2)+xreg',
          backtest: bt,
        });
        if (r() < 0.01) {
          const key = {
            schoolId: id,
            role: 'student',
            metric: 'active_users',
            grain: 'week',
            date: week,
          };
          anomalies.push({
            ...key,
            id: host.anomalyId(key),
            schoolName: name,
            direction: r() < 0.8 ? 'drop' : 'surge',
            observed: active * 0.5,
            expected: active,
            changePct: -50,
            score: 6,
            severity: 'high',
            status: 'new',
            note: '',
            firstFlagged: '',
            statusChanged: '',
          });
        }
      } else {
        forecasts.push({
          schoolId: id,
          schoolName: name,
          metric: 'active_students',
          week: isoWeek(week),
          weekStart: week,
          actual: null,
          forecast: expected,
          lo80: expected * 0.9,
          hi80: expected * 1.1,
          lo95: expected * 0.85,
          hi95: expected * 1.15,
          model: 'ARIMA(1,0,0)+Fourier(2)+xreg',
          backtest: false,
        });
      }
    }
    accuracy.push({
      schoolId: id,
      schoolName: name,
      metric: 'active_students',
      model: 'ARIMA(1,0,0)+Fourier(2)+xreg',
      horizonWeeks: 4,
      points: 12,
      mae: 10,
      rmse: 12,
      mape: 7,
      smape: 7,
      mase: 0.7,
      accuracyPct: 93,
    });
    const gap = ((base - 0.55) / 0.55) * 100;
    underuse.push({
      rank: 0,
      schoolId: id,
      schoolName: name,
      product: '',
      metric: 'pct_access',
      value: base * 100,
      benchmark: 55,
      benchmarkKind: 'district median',
      peers: schools,
      gapPct: gap,
      flagged: gap <= -20,
    });
  }
  underuse
    .sort((a, b) => a.gapPct - b.gapPct)
    .forEach((u, i) => (u.rank = i + 1));
  const correlations = [
    {
      schoolId: 'district',
      schoolName: 'District',
      teacherMetric: 'teacher_events',
      studentMetric: 'student_active_users',
      n: weeks,
      pearsonR: 0.71,
      pValue: 1e-6,
      ci95Low: 0.6,
      ci95High: 0.8,
      spearmanRho: 0.7,
      bestLag: 1,
      bestLagR: 0.73,
      effectPer10Pct: 6.5,
      effectLow: 5,
      effectHigh: 8,
    },
  ];
  return {weekly, forecasts, accuracy, anomalies, underuse, correlations};
}

function withGlobals(rt, fn) {
  const saved = new Map();
  for (const k of Object.keys(rt.globals)) {
    if (k === 'Date') continue;
    saved.set(k, globalThis[k]);
    globalThis[k] = rt.globals[k];
  }
  try {
    return rt.run(fn);
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete globalThis[k];
      else globalThis[k] = v;
    }
  }
}

const SIZES = [
  {schools: 40, weeks: 104},
  {schools: 400, weeks: 104},
  {schools: 1800, weeks: 52},
];
const CALLS = [
  ['getSidebarState', []],
  ['getForecastChart', ['district']],
  ['getForecastChart', ['ou00007']],
  ['getHeatmap', []],
  ['getInsights', []],
  ['getAnomalies', [{status: 'new'}]],
  ['getUnderuse', []],
  ['acknowledgeAnomaly', null],
  ['getSnapshot', []],
  ['refreshDashboard', []],
  // After the job's snapshot: what an admin opening the sidebar waits for.
  ['getInsights', [], 'getInsights (cached)'],
  ['getHeatmap', [], 'getHeatmap (cached)'],
  ['getForecastChart', ['district'], 'getForecastChart(district) (cached)'],
];

const results = [];
for (const size of SIZES) {
  const data = district(size.schools, size.weeks);
  const rt = host.createOfflineRuntime({});
  const script = rt.compile(code, 'Code.js');
  const t = performance.now();
  let written;
  const w = withGlobals(rt, () => {
    written = host.writeOutputs(data, {
      now: '2025-01-06T10:00:00Z',
      isoWeekOf: isoWeek,
    });
  });
  const writeReal = performance.now() - t;
  if (!w.ok) {
    console.log(`${size.schools} schools: writing failed: ${w.error?.message}`);
    results.push({...size, writeError: w.error?.message});
    continue;
  }
  const cells = rt.spreadsheet
    .getSheets()
    .reduce((n, s) => n + s.getMaxRows() * s.getMaxColumns(), 0);
  const row = {
    ...size,
    rows: written.reduce((n, x) => n + x.rows, 0),
    tabs: written.length,
    setValuesCalls: written.reduce((n, x) => n + x.setValuesCalls, 0),
    cells,
    write: {
      simulatedMs: Math.round(w.simulatedMs),
      realMs: Math.round(writeReal),
      calls: w.calls,
    },
    calls: {},
  };
  for (const [fn, argsIn, label] of CALLS) {
    const args = argsIn ?? [
      data.anomalies[0]?.id ?? 'A0',
      'acknowledged',
      'bench',
    ];
    const t1 = performance.now();
    const r = rt.execute(script, fn, args);
    const real = performance.now() - t1;
    const key = label ?? (fn === 'getForecastChart' ? `${fn}(${args[0]})` : fn);
    row.calls[key] = {
      ok: r.ok,
      simulatedMs: Math.round(r.simulatedMs),
      realMs: Math.round(real),
      serviceCalls: r.calls,
      error: r.ok ? undefined : r.error?.message,
    };
  }
  results.push(row);
}

const pad = (s, n) => String(s).padStart(n);
console.log(
  'Writing every output tab (admin + lk_ + dictionary), one setValues per tab:',
);
console.log(
  `${'schools'.padEnd(8)} ${pad('weeks', 5)} ${pad('rows', 9)} ${pad('cells', 11)} ${pad('setValues', 9)} ${pad('sim s', 7)} ${pad('real s', 7)}`,
);
for (const r of results) {
  if (r.writeError) {
    console.log(
      `${String(r.schools).padEnd(8)} ${pad(r.weeks, 5)}  ${r.writeError}`,
    );
    continue;
  }
  console.log(
    `${String(r.schools).padEnd(8)} ${pad(r.weeks, 5)} ${pad(r.rows, 9)} ${pad(r.cells, 11)} ${pad(r.setValuesCalls, 9)} ${pad((r.write.simulatedMs / 1000).toFixed(1), 7)} ${pad((r.write.realMs / 1000).toFixed(1), 7)}`,
  );
}
console.log(
  '\nSidebar server calls on the bundle (simulated seconds on the runtime clock / service calls):',
);
const names = Object.keys(results.find(r => r.calls)?.calls ?? {});
console.log(
  `${'call'.padEnd(38)} ${results
    .filter(r => r.calls)
    .map(r => pad(`${r.schools} sch.`, 24))
    .join(' ')}`,
);
for (const n of names) {
  const cells = results
    .filter(r => r.calls)
    .map(r => {
      const c = r.calls[n];
      return pad(
        c.ok
          ? `${(c.simulatedMs / 1000).toFixed(2)} s / ${c.serviceCalls} / ${c.realMs}ms`
          : 'FAILED',
        24,
      );
    });
  console.log(`${n.padEnd(38)} ${cells.join(' ')}`);
}
const failures = results.flatMap(r =>
  Object.entries(r.calls ?? {})
    .filter(([, c]) => !c.ok)
    .map(([k, c]) => `${r.schools}: ${k}: ${c.error}`),
);
for (const f of failures) console.log(`failed ${f}`);
writeFileSync(join(outDir, 'ui.json'), JSON.stringify(results, null, 2));
console.log('\nwrote out/bench/ui.json');
if (failures.length) process.exit(1);
