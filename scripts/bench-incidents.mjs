// Anomaly flags, incidents and mailed digests of the demo district as the weekly runs
// decide them, on the calendar the product learns from the activity, scored as the demo
// scorecard scores them (src/cli/summary.ts) -- without the simulated Apps Script
// pipeline. The demo's truth.daily and truth.weekly equal what the product's ingest
// produces (tested); each Tuesday's run sees the days to Monday, learns the calendar
// from the district series, re-decides the flags of its last RESCORE_DAYS (older ones
// settled as they were), groups every flag into incidents (keeping the previous run's
// ids) and builds the digest of new or changed incidents, as src/pipeline/analyse.ts,
// src/sheets/outputs.ts and src/pipeline/alerts.ts do.
//
// Usage: node scripts/bench-incidents.mjs [--schools 8,20] [--seeds 1,2,3,4,5] [--days 700]
//   [--calendar-file test/fixtures/calendar-mid-august.json]
// --calendar-file: the demo district follows that calendar (as `run --calendar-file`;
// the days are capped to what the file covers) instead of the New York-like one.
// BENCH_VERBOSE=1 lists every incident, stray flag and mailed line on a closed day.
// Demo facts are cached under out/bench/cache. Writes out/bench/incidents.json.
// The full pipeline (`node dist/cli.cjs run --source demo`) remains the reference: this
// is a quick loop over seeds and sizes (seconds a run instead of minutes).
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {basename, join, resolve} from 'node:path';
import {
  calendarFileDays,
  demoFacts,
  fmt,
  loadModules,
  root,
  table,
} from './bench-kit.mjs';

const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, {recursive: true});

const E = await loadModules('bench-incidents', [
  ['src/demo', 'createDemoDistrict, parseCalendarFile'],
  [
    'src/analysis/anomalies',
    'calendarExplainsDrop, detectDailyAnomalies, detectWeeklyAnomalies',
  ],
  [
    'src/cli/summary',
    'closedOn, scoreFlags, scoreIncidents, headlineSpan, incidentHits, testingDaysOf, upliftWithin',
  ],
  ['src/clean/dates', 'addDays'],
  ['src/metrics/calendar/infer', 'inferCalendar'],
  ['src/metrics/calendar/merge', 'mergeCalendar'],
  ['src/metrics/calendar/activity', 'districtDays, withSchoolDays'],
  ['src/metrics/weekly', 'isSchoolDay, weekEnded'],
  ['src/sheets/incident-records', 'buildIncidentRecords'],
  ['src/sheets/tables/anomalies', 'mergeAnomalies'],
  ['src/pipeline/records', 'anomalyRecord'],
  ['src/pipeline/alerts', 'buildDigest, fingerprint'],
]);
const addDays = E.addDays;
const RESCORE_DAYS = 63;
const CONTEXT_DAYS = 308;
const INSTALL_AFTER_DAYS = 168;

function listArg(name, dflt) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1].split(',').map(Number) : dflt;
}

const settings = {anomalyThreshold: 3.5, minGroupSize: 10};

/** One analysis run as of `lastDay` (src/pipeline/analyse.ts and writeOutputs). */
function analysis(demo, state, lastDay, now) {
  const from = state.settled ? addDays(state.settled, -CONTEXT_DAYS) : '';
  const all = demo.daily.filter(f => f.date <= lastDay);
  const daily = all.filter(f => f.date >= from);
  // The activity blob holds every day seen so far.
  const inferred = E.inferCalendar(E.districtDays(all), {projectDays: 180});
  const calendar = E.mergeCalendar(inferred.schoolWeekdays, inferred.entries);
  const weeks = E.withSchoolDays(
    demo.weekly.filter(f => f.weekStart <= lastDay),
    calendar,
  );
  const rows = [
    ...E.detectDailyAnomalies(daily, calendar, settings, {
      metrics: ['activeUsers'],
    }),
    ...E.detectWeeklyAnomalies(
      weeks.filter(f => E.weekEnded(f.weekStart, lastDay, calendar)),
      calendar,
      settings,
      {metrics: ['activeUsers']},
    ),
  ];
  const fresh = rows
    .filter(a => (a.endDate || a.date) >= state.settled)
    .map(a => E.anomalyRecord(a, demo.nameOf));
  const merged = E.mergeAnomalies(
    fresh,
    state.flags,
    now,
    state.settled,
    E.calendarExplainsDrop(calendar),
  );
  const schools = new Set(daily.map(f => f.schoolId)).size;
  state.incidents = E.buildIncidentRecords(
    merged,
    state.incidents,
    {
      schools,
      lastDay,
      schoolWeekdays: calendar.schoolWeekdays,
      closures: calendar.closures,
      minUsers: settings.minGroupSize,
      names: demo.nameOf,
    },
    now,
  );
  state.flags = merged;
  state.calendar = calendar;
  const next = addDays(lastDay, -RESCORE_DAYS);
  if (next > state.settled) state.settled = next;
  // The digest (src/pipeline/alerts.ts sendAnomalyDigest).
  const digest = E.buildDigest(
    state.incidents,
    state.sent,
    addDays(now.slice(0, 10), -14),
    'https://docs.google.com/spreadsheets/d/demo',
  );
  if (digest) {
    for (const line of digest.body.split('\n')) {
      if (line.startsWith('- ')) state.mailed.push({on: now, line});
    }
    const remembered = new Map(digest.sent);
    for (const [id, fp] of state.sent)
      if (!remembered.has(id)) remembered.set(id, fp);
    state.sent = new Map([...remembered].slice(0, 200));
  }
}

const calendarArg = (() => {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--calendar-file');
  return i >= 0 ? resolve(argv[i + 1]) : null;
})();
const calendarText = calendarArg ? readFileSync(calendarArg, 'utf8') : null;
const calendarFile = calendarText
  ? E.parseCalendarFile(calendarText, calendarArg)
  : undefined;
const calendarName = calendarArg ? basename(calendarArg, '.json') : undefined;

function run(schools, days, seed) {
  const demo = demoFacts(E, {
    schools,
    days,
    seed,
    calendar: calendarFile,
    calendarName,
  });
  demo.nameOf = new Map(demo.names);
  const state = {
    settled: '',
    flags: [],
    incidents: [],
    sent: new Map(),
    mailed: [],
    calendar: null,
  };
  const install = addDays(
    demo.startDate,
    Math.min(INSTALL_AFTER_DAYS, Math.floor(days / 4)),
  );
  let tuesday = install;
  while (new Date(tuesday + 'T00:00:00Z').getUTCDay() !== 2)
    tuesday = addDays(tuesday, 1);
  for (; tuesday <= demo.endDate; tuesday = addDays(tuesday, 7)) {
    analysis(demo, state, addDays(tuesday, -1), `${tuesday}T11:00:00.000Z`);
  }
  // The final run from the sidebar, the day after the last one.
  const end = addDays(demo.endDate, 1);
  analysis(demo, state, demo.endDate, `${end}T13:00:00.000Z`);
  return {demo, state};
}

/** The scorecard's figures (src/cli/summary.ts evaluateDemo). */
function score(demo, state) {
  const {onClosed} = E.closedOn(demo.calendar);
  const flags = state.flags;
  // Testing windows' days per school (the scorecard credits surges there).
  const testing = E.testingDaysOf(
    E.createDemoDistrict({
      schools: demo.schools,
      days: demo.days,
      seed: demo.seed,
      calendar: calendarFile,
    }),
  );
  const scored = E.scoreFlags(flags, demo, testing, onClosed);
  const rows = state.incidents.map(i => ({
    school_ids: i.schoolIds.join('; '),
    start_date: i.start,
    end_date: i.end,
    direction: i.direction,
  }));
  const inc = E.scoreIncidents(rows, demo.anomalies, demo.dataIssues, testing);
  const closedMail = state.mailed.filter(m => {
    const span = E.headlineSpan(m.line);
    return !span || onClosed('day', span.start) || onClosed('day', span.end);
  });
  const strays = state.incidents.filter(
    i =>
      !(
        i.direction === 'surge' &&
        i.schoolIds.some(x => E.upliftWithin(testing, x, i.start, i.end))
      ) &&
      !demo.anomalies.some(e => E.incidentHits(i, e)) &&
      !demo.dataIssues.some(d =>
        E.incidentHits(i, {
          schoolIds: [d.schoolId],
          start: d.date,
          end: d.date,
        }),
      ),
  );
  return {
    anomalies: {
      ...scored.anomalies,
      missed: scored.missed,
      unmatched: scored.unmatched,
    },
    incidents: inc,
    strays,
    mailed: state.mailed.length,
    closedMail,
  };
}

const sizes = listArg('--schools', [8, 20]);
const seeds = listArg('--seeds', [1, 2, 3, 4, 5]);
const asked = listArg('--days', [700])[0];
const days = calendarText
  ? calendarFileDays(JSON.parse(calendarText), asked)
  : asked;
const verbose = !!process.env.BENCH_VERBOSE;
const results = [];
const lines = [];
for (const n of sizes) {
  for (const seed of seeds) {
    const t0 = performance.now();
    const {demo, state} = run(n, days, seed);
    const s = score(demo, state);
    const ms = performance.now() - t0;
    results.push({schools: n, seed, days, ...s});
    lines.push([
      `${n}x${days} s${seed}`,
      `${s.anomalies.flagged}/${s.anomalies.injected}`,
      fmt(s.anomalies.precision),
      fmt(s.anomalies.recall),
      `${s.incidents.count}/${s.incidents.injectedEvents}`,
      fmt(s.incidents.precision),
      fmt(s.incidents.recall),
      `${s.incidents.eventsAsOne}`,
      `${s.anomalies.onClosedDays}`,
      `${s.closedMail.length}/${s.mailed}`,
      `${(ms / 1000).toFixed(0)}s`,
    ]);
    console.log(lines[lines.length - 1].join('  '));
    if (verbose) {
      for (const e of s.incidents.events)
        console.log(
          `  event ${e.kind}/${e.scope} ${e.start}..${e.end} ${e.schools} schools: ${e.incidents} incidents`,
        );
      for (const e of demo.anomalies) {
        const its = state.incidents.filter(i => E.incidentHits(i, e));
        if (its.length > 1)
          for (const i of its) console.log(`  split ${e.start}: ${i.summary}`);
      }
      for (const i of s.strays)
        console.log(`  stray: ${i.summary} [${i.schoolIds.join(',')}]`);
      for (const e of s.anomalies.missed)
        console.log(`  missed: ${e.kind} ${e.school} ${e.start}..${e.end}`);
      for (const f of s.anomalies.unmatched)
        console.log(
          `  false flag: ${f.grain} ${f.date}${f.endDate ? '..' + f.endDate : ''} ${f.schoolName} ${f.role} ${f.direction} ${fmt(f.observed, 0)} vs ${fmt(f.expected, 1)} (${fmt(f.changePct, 0)}%) score ${fmt(f.score, 1)}`,
        );
      for (const m of s.closedMail)
        console.log(`  mailed on a closed day (${m.on}): ${m.line}`);
    }
  }
}
table(
  `Anomalies, incidents and digests (learned calendar, weekly runs; ${calendarName ?? 'New York-like'} calendar)`,
  [
    'run',
    'flags/inj',
    'anom P',
    'anom R',
    'inc/events',
    'inc P',
    'inc R',
    'as one',
    'flags closed',
    'mail closed',
    'time',
  ],
  lines,
);
const worst = k => Math.min(...results.map(k));
console.log(
  `\nworst: anomaly P ${fmt(worst(r => r.anomalies.precision ?? 0))} R ${fmt(worst(r => r.anomalies.recall ?? 0))}; incident P ${fmt(worst(r => r.incidents.precision ?? 0))} R ${fmt(worst(r => r.incidents.recall ?? 0))}; mailed on closed days ${Math.max(...results.map(r => r.closedMail.length))}`,
);
writeFileSync(
  join(outDir, `incidents${calendarName ? '-' + calendarName : ''}.json`),
  JSON.stringify(
    results.map(r => ({...r, strays: r.strays.map(i => i.summary)})),
    null,
    1,
  ),
);
