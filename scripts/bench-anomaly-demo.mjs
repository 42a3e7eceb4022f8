// Anomaly flags on the demo district, scored as the demo scorecard (src/cli/summary.ts,
// evaluateDemo) scores them, without running the simulated pipeline: the demo's
// truth.daily and truth.weekly equal what the product's ingest produces (tested), so
// they are turned into the daily and weekly facts the analysis receives and the
// detectors run on them as src/pipeline/analyse.ts runs them (activeUsers, workspace
// totals, students and teachers, the demo calendar, default settings).
//
// Usage: node scripts/bench-anomaly-demo.mjs [days...]   (default: 700 300)
// BENCH_LIVE=1 scores the flags as weekly runs decide them; BENCH_CONTEXT=N sets their
// daily history before the settled day (default 308, as src/pipeline/analyse.ts).
// The demo facts are cached under out/bench/cache (generating 700 days takes ~25 s).
// Writes out/bench/anomaly-demo.json; BENCH_VERBOSE=1 lists every unmatched flag.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {demoFacts, loadModules, root} from './bench-kit.mjs';

const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, {recursive: true});

const E = await loadModules('bench-anomaly-demo', [
  ['src/demo', 'createDemoDistrict'],
  ['src/analysis/anomalies', 'detectDailyAnomalies, detectWeeklyAnomalies'],
  ['src/cli/summary', 'flagHits, flagTargets'],
  ['src/clean/dates', 'addDays'],
  ['src/metrics/weekly', 'weekEnded'],
]);

const SEED = 20240905;
const SCHOOLS = 40;

const addDays = E.addDays;

/** Flags scored exactly as evaluateDemo scores the lk_anomalies tab. */
function score(flags, demo) {
  // The demo scorecard's own events, data faults and matching rule (src/cli/summary.ts).
  const {events, delivered} = E.flagTargets(demo);
  const hits = E.flagHits;
  const matched = flags.filter(
    f => events.some(e => hits(f, e)) || delivered.some(e => hits(f, e)),
  );
  const drops = flags.filter(f => f.direction === 'drop');
  const found = events.filter(e => drops.some(f => hits(f, e)));
  const missed = events.filter(e => !drops.some(f => hits(f, e)));
  const unmatched = flags.filter(f => !matched.includes(f));
  const dataIssuesFound = delivered.filter(e =>
    flags.some(f => hits(f, e)),
  ).length;
  return {
    injected: events.length,
    flagged: flags.length,
    matched: matched.length,
    precision: flags.length ? matched.length / flags.length : null,
    recall: events.length ? found.length / events.length : null,
    dataIssues: delivered.length,
    dataIssuesFound,
    byKind: ['outage:district', 'outage:school', 'disengagement:school'].map(
      k => {
        const es = events.filter(e => `${e.kind}:${e.scope}` === k);
        return {
          kind: k,
          injected: es.length,
          found: es.filter(e => found.includes(e)).length,
        };
      },
    ),
    missed,
    unmatched,
  };
}

const settings = {anomalyThreshold: 3.5, minGroupSize: 10};

/**
 * BENCH_LIVE=1: the flags as the weekly runs decide them (src/pipeline/analyse.ts): each
 * Tuesday's run sees the days to Monday, from CONTEXT_DAYS before the settled day;
 * it re-decides the flags from the settled day on and keeps the older ones as they were,
 * then settles all but the last RESCORE_DAYS. Weekly flags: complete weeks only.
 */
function liveFlags(demo) {
  const RESCORE_DAYS = 63;
  const CONTEXT_DAYS = Number(process.env.BENCH_CONTEXT ?? 308);
  let kept = [];
  let settled = '';
  let tuesday = demo.startDate;
  while (new Date(tuesday + 'T00:00:00Z').getUTCDay() !== 2)
    tuesday = addDays(tuesday, 1);
  for (; tuesday <= addDays(demo.endDate, 1); tuesday = addDays(tuesday, 7)) {
    const lastDay = addDays(tuesday, -1);
    const from = settled ? addDays(settled, -CONTEXT_DAYS) : '';
    const daily = demo.daily.filter(f => f.date >= from && f.date <= lastDay);
    const weeks = demo.weekly.filter(f => f.weekStart <= lastDay);
    const run = [
      ...E.detectDailyAnomalies(daily, demo.calendar, settings, {
        metrics: ['activeUsers'],
      }),
      ...E.detectWeeklyAnomalies(
        weeks.filter(f => E.weekEnded(f.weekStart, lastDay, demo.calendar)),
        demo.calendar,
        settings,
        {metrics: ['activeUsers']},
      ),
    ];
    kept = [
      ...kept.filter(f => f.date < settled),
      ...run.filter(f => f.date >= settled),
    ];
    const next = addDays(lastDay, -RESCORE_DAYS);
    if (next > settled) settled = next;
  }
  return kept;
}
const fmt = (v, d = 3) =>
  v === null || !Number.isFinite(v) ? '-' : v.toFixed(d);
const args = process.argv
  .slice(2)
  .map(Number)
  .filter(n => n > 0);
const runs = args.length ? args : [700, 300];
const results = [];
for (const days of runs) {
  const demo = demoFacts(E, {schools: SCHOOLS, days, seed: SEED});
  const weekly = demo.weekly.filter(f =>
    E.weekEnded(f.weekStart, demo.endDate, demo.calendar),
  );
  const t0 = performance.now();
  const flags = process.env.BENCH_LIVE
    ? liveFlags(demo)
    : [
        ...E.detectDailyAnomalies(demo.daily, demo.calendar, settings, {
          metrics: ['activeUsers'],
        }),
        ...E.detectWeeklyAnomalies(weekly, demo.calendar, settings, {
          metrics: ['activeUsers'],
        }),
      ];
  const ms = performance.now() - t0;
  const s = score(flags, demo);
  const schoolYears = (SCHOOLS * days) / 365;
  const falseAlarms = s.flagged - s.matched;
  results.push({
    days,
    schools: SCHOOLS,
    seed: SEED,
    detectMs: Math.round(ms),
    ...s,
    falseAlarms,
    falseAlarmsPerSchoolYear: falseAlarms / schoolYears,
    missed: s.missed,
    unmatched: s.unmatched,
    flags: flags.length <= 400 ? flags : undefined,
  });
  console.log(
    `demo ${SCHOOLS} schools x ${days} days: ${s.flagged} flags (${flags.filter(f => f.grain === 'week').length} weekly), ` +
      `precision ${fmt(s.precision)}, recall ${fmt(s.recall)} (${s.injected} injected school-events), ` +
      `false alarms ${falseAlarms} (${fmt(falseAlarms / schoolYears, 2)} per school-year), ` +
      `data faults flagged ${s.dataIssuesFound}/${s.dataIssues}, detect ${(ms / 1000).toFixed(1)} s`,
  );
  for (const k of s.byKind)
    console.log(`  ${k.kind}: ${k.found}/${k.injected}`);
  if (s.missed.length) {
    console.log(
      `  missed: ${s.missed.map(e => `${e.kind} ${e.school.slice(-6)} ${e.start}..${e.end}`).join('; ')}`,
    );
  }
  const show = process.env.BENCH_VERBOSE
    ? s.unmatched
    : s.unmatched.slice(0, 12);
  for (const f of show) {
    console.log(
      `  false: ${f.grain} ${f.date} ${f.schoolId.slice(-6)} ${f.role} ${f.direction} ${f.kind} ` +
        `${fmt(f.observed, 0)} vs ${fmt(f.expected, 1)} (${fmt(f.changePct, 0)}%) score ${fmt(f.score, 1)}` +
        (f.days ? ` ${f.days} days` : ''),
    );
  }
  if (show.length < s.unmatched.length)
    console.log(`  ... ${s.unmatched.length - show.length} more`);
}
writeFileSync(
  join(outDir, 'anomaly-demo.json'),
  JSON.stringify(results, null, 1),
);
