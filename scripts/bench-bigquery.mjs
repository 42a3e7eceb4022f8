// BigQuery source benchmark: Apps Script executions and time to backfill a school year
// for a generated district of 1,800 schools, through the BigQuery source and through the
// API source. Writes out/bench/bigquery.json.
//
// Measured: the real pipeline (runIngestPhase) with the BigQuery source, in the offline
// runtime, against DuckDB loaded with the 1,800-school demo district's events in the
// export's layout, over a window of days (enrolment scaled down so the events fit this
// machine; the Apps Script side depends on schools x roles x apps, not on events).
// Extrapolated, and labelled so: the window to the whole school year, the Directory read to
// full enrolment, and the API source (measured on a smaller district, scaled up with the
// ingest cost model in src/sources/estimate.ts).
//
// Environment: BENCH_BQ_SCHOOLS (1800), BENCH_BQ_SCALE (0.05), BENCH_BQ_DAYS (14),
// BENCH_API_SCHOOLS (12).
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {join} from 'node:path';
import {loadModules, root} from './bench-kit.mjs';

const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, {recursive: true});
const m = await loadModules('bench-bigquery', [
  ['src/offline/runtime', 'createOfflineRuntime'],
  ['src/offline/bigquery-duckdb', 'DuckDbBigQuery, exportRowsFromWorkspace'],
  ['src/demo', 'createDemoDistrict'],
  ['src/pipeline/ingest', 'runIngestPhase'],
  ['src/sources/api/source', 'ApiSource'],
  ['src/sources/api/services', 'appsScriptServices'],
  ['src/sources/bigquery/source', 'BigQuerySource'],
  ['src/sources/source', 'registerSource'],
  ['src/sources/estimate', 'estimateIngest'],
  ['src/core/settings', 'defaultSettings'],
]);
const log = (...a) => console.log(...a);

const SCHOOLS = Number(process.env.BENCH_BQ_SCHOOLS ?? 1800);
const SCALE = Number(process.env.BENCH_BQ_SCALE ?? 0.05);
const WINDOW_DAYS = Number(process.env.BENCH_BQ_DAYS ?? 14);
const API_SCHOOLS = Number(process.env.BENCH_API_SCHOOLS ?? 12);
const PROJECT = 'pulse-bench-project';
const DATASET = 'workspace_logs';
// The school year to backfill, and the day the backfill runs.
const YEAR_FIRST = '2024-09-04';
const YEAR_LAST = '2025-06-26';
// The measured window: two school weeks in October.
const WINDOW_FIRST = '2024-10-07';
const DAY_MS = 86_400_000;
const dayMs = d => Date.parse(`${d}T00:00:00Z`);
const iso = ms => new Date(ms).toISOString().slice(0, 10);
const addDays = (d, n) => iso(dayMs(d) + n * DAY_MS);
const WINDOW_LAST = addDays(WINDOW_FIRST, WINDOW_DAYS - 1);
const yearDays = (dayMs(YEAR_LAST) - dayMs(YEAR_FIRST)) / DAY_MS + 1;

const machine = {
  loadAverage: os.loadavg().map(x => +x.toFixed(1)),
  cpus: os.cpus().length,
};
log(`Machine: ${machine.cpus} cores, load ${machine.loadAverage.join(' / ')}`);

function memoized(data) {
  const cache = new Map();
  const wrap = {};
  for (const name of [
    'orgUnits',
    'users',
    'courses',
    'teachers',
    'students',
    'courseWork',
    'submissions',
    'announcements',
    'userUsage',
    'activities',
  ]) {
    const f = data[name].bind(data);
    wrap[name] = (...args) => {
      const key = `${name}|${args.join('|')}`;
      if (!cache.has(key)) cache.set(key, f(...args));
      return cache.get(key);
    };
  }
  return Object.assign(Object.create(data), wrap, {
    customerId: data.customerId,
    primaryDomain: data.primaryDomain,
    timeZone: data.timeZone,
  });
}

function install(rt) {
  for (const [k, v] of Object.entries(rt.globals))
    if (k !== 'console') globalThis[k] = v;
}

function settingsFor(demo, over) {
  return {
    ...m.defaultSettings(demo.timeZone),
    ...demo.settingsHints,
    calendar: demo.calendar,
    bigQueryProject: PROJECT,
    bigQueryDataset: DATASET,
    ...over,
  };
}

/** Executions of the ingest phase until the run is done, as triggers would chain them. */
function ingest(rt, settings, max = 5000) {
  const out = {executions: 0, simulatedMs: 0, cpuMs: 0, days: 0, warnings: []};
  for (let i = 0; i < max; i++) {
    const r = rt.run(
      () =>
        m.runIngestPhase({
          settings,
          deadline: Date.now() + settings.budgetSeconds * 1000,
        }),
      {name: 'ingest'},
    );
    out.executions++;
    out.simulatedMs += r.simulatedMs;
    out.cpuMs += r.cpuMs;
    if (!r.ok) throw new Error(r.error?.stack ?? r.error?.message);
    out.days += r.result.daysWritten.length;
    out.warnings.push(...r.result.warnings);
    if (r.result.done) return out;
    rt.clock.advance(60_000);
  }
  throw new Error('ingest did not finish');
}

// ------------------------------------------------------------------------------------
// 1. BigQuery source, measured: the 1,800-school district over the window.
log(
  `\n1. BigQuery source: ${SCHOOLS} schools (enrolment x${SCALE}), ${WINDOW_DAYS} days ${WINDOW_FIRST}..${WINDOW_LAST}, measured`,
);
let t = Date.now();
const demo = m.createDemoDistrict({
  schools: SCHOOLS,
  scale: SCALE,
  start: '2024-08-26',
  days: 320,
});
const data = memoized(demo.data);
const users = data.users().length;
log(
  `   district: ${users} accounts (generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`,
);
t = Date.now();
const rows = m.exportRowsFromWorkspace(data, {
  startMs: dayMs(addDays(WINDOW_FIRST, -1)),
  endMs: dayMs(addDays(WINDOW_LAST, 5)),
});
const exportSeconds = (Date.now() - t) / 1000;
t = Date.now();
const backend = new m.DuckDbBigQuery(rows, {
  projectId: PROJECT,
  datasetId: DATASET,
});
const loadSeconds = (Date.now() - t) / 1000;
log(
  `   export tables: ${rows.activity.length} activity rows, ${rows.usage.length} usage rows (built ${exportSeconds.toFixed(1)} s, loaded into DuckDB ${loadSeconds.toFixed(1)} s)`,
);
const runAt = dayMs(addDays(WINDOW_LAST, 4)) + 15 * 3_600_000;
const rt = m.createOfflineRuntime({
  data,
  bigQuery: backend,
  startTime: runAt,
  timeZone: demo.timeZone,
});
install(rt);
const bqSettings = settingsFor(demo, {
  source: 'bigquery',
  startDate: WINDOW_FIRST,
});
// Stop the window at WINDOW_LAST: the run plans up to yesterday, so skip the later days
// by marking the window end with the clock (the run happens 4 days after it, those days are
// ingested too and counted separately below).
t = Date.now();
const bqRun = ingest(rt, bqSettings);
const bqWall = (Date.now() - t) / 1000;
const jobs = backend.log.filter(l => !l.dryRun);
const dryRuns = backend.log.filter(l => l.dryRun);
const bqCalls = {
  query: rt.calls.get('BigQuery.Jobs.query'),
  getQueryResults: rt.calls.get('BigQuery.Jobs.getQueryResults'),
  directory: rt.calls.get('AdminDirectory.*'),
  sheets:
    rt.calls.get('Range.*') +
    rt.calls.get('Sheet.*') +
    rt.calls.get('Spreadsheet.*'),
};
const rowsReturned = jobs.reduce((s, j) => s + j.rows, 0);
const daysIngested = bqRun.days;
const measured = {
  schools: SCHOOLS,
  scale: SCALE,
  accounts: users,
  days: daysIngested,
  executions: bqRun.executions,
  simulatedMinutes: +(bqRun.simulatedMs / 60000).toFixed(2),
  bundleCpuSeconds: +(bqRun.cpuMs / 1000).toFixed(1),
  wallSecondsOnThisMachine: +bqWall.toFixed(1),
  calls: bqCalls,
  queryJobs: jobs.length,
  rowsReturned,
  rowsReturnedPerDay: Math.round(rowsReturned / Math.max(1, daysIngested)),
  bytesScanned: jobs.reduce((s, j) => s + j.bytes, 0),
  dryRunBytes: dryRuns.map(d => d.bytes),
  warnings: bqRun.warnings.filter(w => w.startsWith('BigQuery')),
};
log(
  `   ${measured.days} days in ${measured.executions} executions, ${measured.simulatedMinutes} simulated min (bundle CPU ${measured.bundleCpuSeconds} s)`,
);
log(
  `   calls: ${bqCalls.query} Jobs.query (${dryRuns.length} dry run), ${bqCalls.getQueryResults} getQueryResults, ${bqCalls.directory} Directory, ${bqCalls.sheets} Sheets`,
);
log(
  `   rows returned: ${rowsReturned} (${measured.rowsReturnedPerDay} per day), events scanned in DuckDB: ${rows.activity.length}`,
);
for (const w of measured.warnings) log(`   ${w}`);

// Where the simulated time went: the Directory read (prepare) and the rest (days).
rt.calls.reset();
backend.log.length = 0;
const prepRt = m.createOfflineRuntime({
  data,
  bigQuery: backend,
  startTime: runAt,
  timeZone: demo.timeZone,
});
install(prepRt);
const prepSource = new m.BigQuerySource(
  {
    query: (r, p) => prepRt.globals.BigQuery.Jobs.query(r, p),
    getQueryResults: (p, j, a) =>
      prepRt.globals.BigQuery.Jobs.getQueryResults(p, j, a),
  },
  m.appsScriptServices(),
);
const blobs = new Map();
const ctxFor = () => ({
  settings: bqSettings,
  now: runAt,
  clock: () => prepRt.clock.now(),
  budget: {remaining: () => 1e12, allows: () => true},
  zone: {
    window: d => ({
      day: d,
      startMs: dayMs(d) + 4 * 3_600_000,
      endMs: dayMs(d) + 28 * 3_600_000,
    }),
    localDay: ms => iso(ms - 4 * 3_600_000),
  },
  keys: null,
  quality: {add() {}, merge() {}, size: 0},
  blobs: {
    get: k => blobs.get(k) ?? null,
    put: (k, v) => blobs.set(k, v),
    delete: k => blobs.delete(k),
    keys: p => [...blobs.keys()].filter(k => k.startsWith(p)),
  },
  warn() {},
  sleep: ms => prepRt.clock.advance(ms),
  random: () => 0.5,
});
const prep = prepRt.run(() => prepSource.prepare(ctxFor(), [], null), {
  name: 'prepare',
});
const prepareMinutes = prep.simulatedMs / 60000;
const directoryPages = prepRt.calls.get('AdminDirectory.Users.list');
const dayMinutes =
  (bqRun.simulatedMs - prep.simulatedMs) / 60000 / Math.max(1, daysIngested);
log(
  `   of which the Directory read (prepare): ${prepareMinutes.toFixed(2)} simulated min, ${directoryPages} Users.list pages; per day ingested: ${(dayMinutes * 60).toFixed(1)} simulated s`,
);

// ------------------------------------------------------------------------------------
// 2. BigQuery source, school year, extrapolated.
const fullAccounts = Math.round(users / SCALE);
const fullDirectoryMinutes = prepareMinutes * (fullAccounts / users);
const bqYearMinutes = fullDirectoryMinutes + dayMinutes * yearDays;
// Real BigQuery jobs on full-size data run longer than the runtime's fixed call cost: a
// pessimistic 30 s extra per job (a 7-day batch of a million accounts' events).
const batches = Math.ceil(yearDays / 7);
const bqYearMinutesSlowJobs =
  bqYearMinutes + (batches + Math.ceil(yearDays / 7)) * 0.5;
const budgetMinutes = (bqSettings.budgetSeconds - 10) / 60;
const bqYear = {
  basis: `extrapolated from the measured ${WINDOW_DAYS}-day window: per-day cost x ${yearDays} days; Directory read scaled from ${users} to ${fullAccounts} accounts`,
  days: yearDays,
  accounts: fullAccounts,
  simulatedHours: +(bqYearMinutes / 60).toFixed(2),
  executions: Math.ceil(bqYearMinutes / budgetMinutes),
  withSlowJobs: {
    assumption:
      '30 s more per BigQuery job (daily batches and weekly counts) than the runtime charges',
    simulatedHours: +(bqYearMinutesSlowJobs / 60).toFixed(2),
    executions: Math.ceil(bqYearMinutesSlowJobs / budgetMinutes),
  },
  triggerDays: Math.max(1, Math.ceil(bqYearMinutesSlowJobs / 360)),
};
log(
  `\n2. BigQuery source, school year ${YEAR_FIRST}..${YEAR_LAST} (${yearDays} days), ${SCHOOLS} schools, ${fullAccounts} accounts: EXTRAPOLATED`,
);
log(
  `   ${bqYear.executions} executions, ${bqYear.simulatedHours} h of Apps Script time (${bqYear.withSlowJobs.executions} executions, ${bqYear.withSlowJobs.simulatedHours} h if every BigQuery job takes 30 s longer)`,
);

// ------------------------------------------------------------------------------------
// 3. API source: measured on a smaller district, extrapolated with the ingest cost model.
log(
  `\n3. API source: ${API_SCHOOLS} schools (full enrolment), ${WINDOW_DAYS} days, measured`,
);
const small = m.createDemoDistrict({
  schools: API_SCHOOLS,
  start: '2024-08-26',
  days: 320,
});
const smallData = memoized(small.data);
const smallUsers = smallData.users().length;
const smallCourses = smallData.courses().length;
const rtApi = m.createOfflineRuntime({
  data: smallData,
  startTime: runAt,
  timeZone: small.timeZone,
});
install(rtApi);
t = Date.now();
const apiRun = ingest(
  rtApi,
  settingsFor(small, {source: 'api', startDate: WINDOW_FIRST}),
);
const apiWall = (Date.now() - t) / 1000;
let loginRecords = 0;
let roomRecords = 0;
for (let d = WINDOW_FIRST; d <= WINDOW_LAST; d = addDays(d, 1)) {
  const s = dayMs(d) + 4 * 3_600_000;
  loginRecords += smallData.activities('login', s, s + DAY_MS).length;
  roomRecords += smallData.activities('classroom', s, s + DAY_MS).length;
}
const apiMeasured = {
  schools: API_SCHOOLS,
  accounts: smallUsers,
  courses: smallCourses,
  days: apiRun.days,
  executions: apiRun.executions,
  simulatedMinutes: +(apiRun.simulatedMs / 60000).toFixed(1),
  wallSecondsOnThisMachine: +apiWall.toFixed(1),
  calls: {
    reports: rtApi.calls.get('AdminReports.*'),
    directory: rtApi.calls.get('AdminDirectory.*'),
    classroom: rtApi.calls.get('Classroom.*'),
  },
  cpuMsPerRecord: +(
    apiRun.cpuMs / Math.max(1, loginRecords + roomRecords)
  ).toFixed(4),
};
log(
  `   ${apiMeasured.days} days in ${apiMeasured.executions} executions, ${apiMeasured.simulatedMinutes} simulated min; calls: Reports ${apiMeasured.calls.reports}, Directory ${apiMeasured.calls.directory}, Classroom ${apiMeasured.calls.classroom}`,
);
const window = m.estimateIngest({
  startDate: WINDOW_FIRST,
  endDate: addDays(WINDOW_LAST, 3),
  schools: API_SCHOOLS,
  users: smallUsers,
  courses: smallCourses,
  activeShare: 1,
  schoolDaysPerWeek: 7,
  loginsPerActive: loginRecords / WINDOW_DAYS / smallUsers,
  classroomPerActive: roomRecords / WINDOW_DAYS / smallUsers,
  cpuMsPerRecord: apiMeasured.cpuMsPerRecord,
});
// The same district as the BigQuery figures: the 1,800 schools at full enrolment.
const year = m.estimateIngest({
  startDate: YEAR_FIRST,
  endDate: YEAR_LAST,
  schools: SCHOOLS,
  users: fullAccounts,
  courses: Math.round((smallCourses / smallUsers) * fullAccounts),
  activeShare: 1,
  schoolDaysPerWeek: 7,
  loginsPerActive: loginRecords / WINDOW_DAYS / smallUsers,
  classroomPerActive: roomRecords / WINDOW_DAYS / smallUsers,
  cpuMsPerRecord: apiMeasured.cpuMsPerRecord,
});
// The model against the measured window; its ratio gives a second, calibrated figure.
const modelRatio =
  apiMeasured.simulatedMinutes / Math.max(1e-9, window.seconds / 60);
const calibratedHours = (year.seconds * modelRatio) / 3600;
const apiYear = {
  basis: `EXTRAPOLATED with src/sources/estimate.ts, calibrated on the measured ${API_SCHOOLS}-school run (records per account and day, CPU per record)`,
  modelCheck: {
    modelMinutes: +(window.seconds / 60).toFixed(1),
    measuredMinutes: apiMeasured.simulatedMinutes,
    modelExecutions: window.executions,
    measuredExecutions: apiMeasured.executions,
  },
  accounts: year.users,
  days: year.days,
  totalCalls: year.totalCalls,
  executions: year.executions,
  runtimeHours: +(year.runtimeMinutes / 60).toFixed(1),
  triggerDays: year.daysToComplete,
  calls: year.calls,
  notes: year.notes,
  calibrated: {
    basis: `the model's figure x ${modelRatio.toFixed(2)}, the measured/modelled ratio on the ${API_SCHOOLS}-school window`,
    runtimeHours: +calibratedHours.toFixed(1),
    executions: Math.ceil((calibratedHours * 60) / budgetMinutes),
    triggerDays: Math.max(1, Math.ceil((calibratedHours * 60) / 360)),
  },
};
log(
  `   model check on the measured window: ${apiYear.modelCheck.modelMinutes} modelled vs ${apiYear.modelCheck.measuredMinutes} measured minutes, ${apiYear.modelCheck.modelExecutions} vs ${apiYear.modelCheck.measuredExecutions} executions`,
);
log(
  `\n4. API source, school year, ${SCHOOLS} schools, ${year.users} accounts: EXTRAPOLATED`,
);
log(
  `   model: ${apiYear.totalCalls.toLocaleString('en-US')} API calls, ${apiYear.executions.toLocaleString('en-US')} executions, ${apiYear.runtimeHours} h of trigger time = ${apiYear.triggerDays} days at 6 h a day`,
);
log(
  `   calibrated (${apiYear.calibrated.basis}): ${apiYear.calibrated.executions.toLocaleString('en-US')} executions, ${apiYear.calibrated.runtimeHours} h = ${apiYear.calibrated.triggerDays} days at 6 h a day`,
);

log(`\nSummary, school-year backfill of ${SCHOOLS} schools:`);
log('   source     executions   Apps Script hours   trigger days   basis');
log(
  `   bigquery   ${String(bqYear.withSlowJobs.executions).padStart(10)}   ${String(bqYear.withSlowJobs.simulatedHours).padStart(17)}   ${String(bqYear.triggerDays).padStart(12)}   window measured at ${SCHOOLS} schools, year extrapolated (pessimistic job time)`,
);
log(
  `   api        ${String(apiYear.executions).padStart(10)}   ${String(apiYear.runtimeHours).padStart(17)}   ${String(apiYear.triggerDays).padStart(12)}   extrapolated from ${API_SCHOOLS} schools (cost model)`,
);
log(
  `   api        ${String(apiYear.calibrated.executions).padStart(10)}   ${String(apiYear.calibrated.runtimeHours).padStart(17)}   ${String(apiYear.calibrated.triggerDays).padStart(12)}   extrapolated from ${API_SCHOOLS} schools (model calibrated on the measured window)`,
);

backend.close();
writeFileSync(
  join(outDir, 'bigquery.json'),
  JSON.stringify(
    {
      machine,
      window: {first: WINDOW_FIRST, last: WINDOW_LAST},
      bigquery: {
        measured,
        schoolYear: bqYear,
        prepareMinutes,
        dayMinutes,
        directoryPages,
      },
      api: {measured: apiMeasured, schoolYear: apiYear},
    },
    null,
    2,
  ),
);
log('\nwrote out/bench/bigquery.json');
