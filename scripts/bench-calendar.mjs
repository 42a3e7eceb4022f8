// The learned calendar across seeds and sizes.
//
// Default: runs the demo (`dist/cli.cjs run --source demo`, the real-install path: no
// calendar handed in) on every seed and size, and prints the figures of each run's
// summary.json and their worst case: forecast accuracy (district and median school),
// anomaly precision and recall, the correlation against the truth, the calendar's
// closed-day and half-day precision and recall, and flags, insights and alerts on closed
// days.
//   node scripts/bench-calendar.mjs [--seeds 1,2,3,4,5] [--sizes 8x700,20x700]
//     [--calendars ny,test/fixtures/calendar-mid-august.json] [--jobs 1] [--dist DIR]
// --calendars: `ny` is the demo's own New York-like calendar (no half days: every half
// day inferred there is a false one); a path is a calendar file (`run --calendar-file`),
// whose half days score recall. A calendar file's days are capped to what the file covers.
// --quick scores calendar inference alone on the demo's delivered daily facts (seconds
// a run instead of minutes), with the same seeds, sizes and calendars.
// Writes out/bench/calendar.json (and out/bench/calendar/<size>-<seed>/ for each run).
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {calendarFileDays, loadModules, root} from './bench-kit.mjs';

const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, {recursive: true});

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const quick = argv.includes('--quick');
const seeds = opt('--seeds', '1,2,3,4,5').split(',').map(Number);
const sizes = opt('--sizes', '8x700,20x700')
  .split(',')
  .map(s => s.split('x').map(Number));
const calendars = opt(
  '--calendars',
  'ny,test/fixtures/calendar-mid-august.json',
).split(',');
const jobs = Number(opt('--jobs', '1'));
// The built bundle to run (a copy keeps a long benchmark on one build while work goes on).
const dist = opt('--dist', join(root, 'dist'));

const fmt = (v, d = 2) =>
  v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(d);
const ratio = (a, b) => (b > 0 ? a / b : null);
const calName = c =>
  c === 'ny' ? 'ny' : c.replace(/^.*\//, '').replace(/\.json$/, '');
function calFile(c) {
  return c === 'ny' ? null : JSON.parse(readFileSync(join(root, c), 'utf8'));
}
/** Days of a run: the size's days, capped to what a calendar file covers. */
function runDays(c, days) {
  const f = calFile(c);
  return f ? calendarFileDays(f, days) : days;
}

async function quickScores() {
  const E = await loadModules('bench-calendar', [
    ['src/demo', 'createDemoDistrict'],
    ['src/metrics/calendar/infer', 'inferCalendar'],
    ['src/metrics/calendar/merge', 'mergeCalendar'],
    ['src/demo/calendar-file', 'parseCalendarFile'],
    ['src/metrics/weekly', 'isSchoolDay'],
  ]);
  const rows = [];
  for (const c of calendars)
    for (const [schools, size] of sizes) {
      const days = runDays(c, size);
      const calendar =
        c === 'ny'
          ? undefined
          : E.parseCalendarFile(readFileSync(join(root, c), 'utf8'), c);
      for (const seed of seeds) {
        const d = E.createDemoDistrict({schools, days, seed, calendar});
        const byDay = new Map();
        for (const r of d.truth.daily) {
          if (!r.schoolId) continue;
          const x = byDay.get(r.date) ?? {
            date: r.date,
            students: 0,
            teachers: 0,
            staff: 0,
          };
          if (r.role === 'student') x.students += r.activeUsers;
          else if (r.role === 'teacher') x.teachers += r.activeUsers;
          else x.staff += r.activeUsers;
          byDay.set(r.date, x);
        }
        const t0 = performance.now();
        const inf = E.inferCalendar([...byDay.values()]);
        const ms = performance.now() - t0;
        const used = E.mergeCalendar(inf.schoolWeekdays, inf.entries);
        let a = 0,
          b = 0,
          both = 0;
        const missed = [];
        const extra = [];
        for (const day of [...byDay.keys()].sort()) {
          const wd = new Date(day + 'T00:00:00Z').getUTCDay();
          if (
            !used.schoolWeekdays.includes(wd) &&
            !d.calendar.schoolWeekdays.includes(wd)
          )
            continue;
          const x = !E.isSchoolDay(day, used);
          const y = !E.isSchoolDay(day, d.calendar);
          if (x) a++;
          if (y) b++;
          if (x && y) both++;
          if (y && !x) missed.push(day);
          if (x && !y) extra.push(day);
        }
        const outages = inf.entries.filter(e => e.kind === 'possible-outage');
        const injected = d.truth.anomalies.filter(x => x.scope === 'district');
        const half = cal =>
          new Set(
            cal.events
              .filter(e => e.kind === 'half-day' && byDay.has(e.start))
              .map(e => e.start),
          );
        const hUsed = half(used);
        const hTrue = half(d.calendar);
        const hBoth = [...hUsed].filter(x => hTrue.has(x)).length;
        rows.push({
          calendar: calName(c),
          size: `${schools}x${days}`,
          seed,
          precision: both / a,
          recall: both / b,
          halfInferred: hUsed.size,
          halfTrue: hTrue.size,
          halfPrecision: ratio(hBoth, hUsed.size),
          halfRecall: ratio(hBoth, hTrue.size),
          halfMissed: [...hTrue].filter(x => !hUsed.has(x)),
          halfExtra: [...hUsed].filter(x => !hTrue.has(x)),
          possibleOutages: outages.map(e => e.start),
          districtOutages: injected.map(x => x.start),
          missed,
          extra,
          ms,
        });
        const r = rows[rows.length - 1];
        console.log(
          `${calName(c)} ${`${schools}x${days}`.padEnd(8)} seed ${String(seed).padEnd(3)} closed-day precision ${fmt(both / a, 3)} recall ${fmt(both / b, 3)}  half days ${r.halfInferred} inferred, ${r.halfTrue} true: precision ${fmt(r.halfPrecision, 3)} recall ${fmt(r.halfRecall, 3)}  possible outages ${outages.map(e => e.start).join(' ') || '-'} (injected ${injected.map(x => x.start).join(' ') || '-'})  ${ms.toFixed(0)} ms` +
            (missed.length ? `\n    missed ${missed.join(' ')}` : '') +
            (extra.length ? `\n    extra  ${extra.join(' ')}` : '') +
            (r.halfMissed.length
              ? `\n    half days missed ${r.halfMissed.join(' ')}`
              : '') +
            (r.halfExtra.length
              ? `\n    half days extra  ${r.halfExtra.join(' ')}`
              : ''),
        );
      }
    }
  const worst = k => {
    const v = rows.map(r => r[k]).filter(x => x !== null);
    return v.length ? Math.min(...v) : null;
  };
  const sum = k => rows.reduce((t, r) => t + r[k], 0);
  console.log(
    `worst: closed-day precision ${fmt(worst('precision'), 3)}, recall ${fmt(worst('recall'), 3)}; half-day precision ${fmt(worst('halfPrecision'), 3)}, recall ${fmt(worst('halfRecall'), 3)} (${sum('halfInferred')} inferred, ${sum('halfTrue')} true over all runs)`,
  );
  writeFileSync(
    join(outDir, 'calendar-quick.json'),
    JSON.stringify(rows, null, 2) + '\n',
  );
}

function runDemo(c, schools, days, seed) {
  const dir = join(
    outDir,
    'calendar',
    `${calName(c)}-${schools}x${days}-${seed}`,
  );
  const args = [
    '--max-semi-space-size=256',
    join(dist, 'cli.cjs'),
    'run',
    '--source',
    'demo',
    '--schools',
    String(schools),
    '--days',
    String(days),
    '--seed',
    String(seed),
    '--out',
    dir,
    '--quiet',
    ...(c === 'ny' ? [] : ['--calendar-file', join(root, c)]),
  ];
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const p = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    p.on('exit', code => {
      if (code !== 0)
        return reject(
          new Error(`seed ${seed} ${schools}x${days}: exit ${code}`),
        );
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      resolve({
        calendar: calName(c),
        size: `${schools}x${days}`,
        seed,
        seconds: (Date.now() - started) / 1000,
        s,
      });
    });
  });
}

function figures(r) {
  const s = r.s;
  return {
    calendar: r.calendar,
    size: r.size,
    seed: r.seed,
    district: s.forecast.district.accuracyPct,
    medianSchool: s.forecast.medianSchool.accuracyPct,
    precision: s.anomalies.precision,
    recall: s.anomalies.recall,
    corrGap:
      s.correlation.estimated === null
        ? null
        : Math.abs(s.correlation.estimated - s.correlation.truth),
    calPrecision: s.calendar.precision,
    calRecall: s.calendar.recall,
    halfInferred: s.calendar.halfDaysInferred,
    halfTrue: s.calendar.halfDaysTrue,
    halfPrecision: s.calendar.halfDayPrecision,
    halfRecall: s.calendar.halfDayRecall,
    flagsClosed: s.anomalies.onClosedDays,
    insightsClosed: s.insights.onClosedWeeks,
    alertsClosed: s.alerts.onClosedDays,
    seconds: r.seconds,
  };
}

const HEAD =
  '| calendar | size | seed | district acc. | median school acc. | anomaly precision | anomaly recall | corr. gap | closed-day precision | closed-day recall | half days inferred / true | half-day precision | half-day recall | flags / insights / alerts on closed days |';
const COLUMNS = 14;

function line(f) {
  return `| ${f.calendar} | ${f.size} | ${f.seed} | ${fmt(f.district, 1)}% | ${fmt(f.medianSchool, 1)}% | ${fmt(f.precision)} | ${fmt(f.recall)} | ${fmt(f.corrGap)} | ${fmt(f.calPrecision, 3)} | ${fmt(f.calRecall, 3)} | ${f.halfInferred} / ${f.halfTrue} | ${fmt(f.halfPrecision)} | ${fmt(f.halfRecall)} | ${f.flagsClosed} / ${f.insightsClosed} / ${f.alertsClosed} |`;
}

async function demoScores() {
  if (!existsSync(join(dist, 'cli.cjs')))
    throw new Error('run `npm run build` first');
  const queue = [];
  // Seed by seed, every calendar and size, so a run cut short still covers them all.
  for (const seed of seeds)
    for (const c of calendars)
      for (const [schools, days] of sizes)
        queue.push([c, schools, runDays(c, days), seed]);
  const results = [];
  console.log(HEAD);
  console.log('|' + ' --- |'.repeat(COLUMNS));
  const worker = async () => {
    while (queue.length) {
      const [c, schools, days, seed] = queue.shift();
      const f = figures(await runDemo(c, schools, days, seed));
      results.push(f);
      console.log(line(f));
      writeFileSync(
        join(outDir, 'calendar.json'),
        JSON.stringify(results, null, 2) + '\n',
      );
    }
  };
  await Promise.all(Array.from({length: jobs}, worker));
  const min = k => {
    const v = results.map(r => r[k]).filter(x => x !== null);
    return v.length ? Math.min(...v) : null;
  };
  const max = k => {
    const v = results.map(r => r[k]).filter(x => x !== null);
    return v.length ? Math.max(...v) : null;
  };
  const sum = k => results.reduce((t, r) => t + r[k], 0);
  console.log(
    line({
      calendar: '**worst**',
      size: '',
      seed: '',
      district: min('district'),
      medianSchool: min('medianSchool'),
      precision: min('precision'),
      recall: min('recall'),
      corrGap: max('corrGap'),
      calPrecision: min('calPrecision'),
      calRecall: min('calRecall'),
      halfInferred: `${sum('halfInferred')} (all runs)`,
      halfTrue: sum('halfTrue'),
      halfPrecision: min('halfPrecision'),
      halfRecall: min('halfRecall'),
      flagsClosed: max('flagsClosed'),
      insightsClosed: max('insightsClosed'),
      alertsClosed: max('alertsClosed'),
    }),
  );
}

await (quick ? quickScores() : demoScores());
