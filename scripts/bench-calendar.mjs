// The learned calendar across seeds and sizes.
//
// Default: runs the demo (`dist/cli.cjs run --source demo`, the real-install path: no
// calendar handed in) on every seed and size, and prints the figures of each run's
// summary.json and their worst case: forecast accuracy (district and median school),
// anomaly precision and recall, the correlation against the truth, the calendar's
// closed-day precision and recall, and flags, insights and alerts on closed days.
//   node scripts/bench-calendar.mjs [--seeds 1,2,3,4,5] [--sizes 8x700,20x700] [--jobs 1] [--dist DIR]
// --quick scores calendar inference alone on the demo's delivered daily facts (seconds
// a run instead of minutes), with the same seeds and sizes.
// Writes out/bench/calendar.json (and out/bench/calendar/<size>-<seed>/ for each run).
import * as esbuild from 'esbuild';
import {spawn} from 'node:child_process';
import {createRequire} from 'node:module';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
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
const jobs = Number(opt('--jobs', '1'));
// The built bundle to run (a copy keeps a long benchmark on one build while work goes on).
const dist = opt('--dist', join(root, 'dist'));

const fmt = (v, d = 2) =>
  v === null || v === undefined ? 'n/a' : v.toFixed(d);

async function quickScores() {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-calendar-'));
  const entry = join(tmp, 'entry.ts');
  writeFileSync(
    entry,
    [
      `export {createDemoDistrict} from ${JSON.stringify(join(root, 'src/demo'))};`,
      `export {inferCalendar} from ${JSON.stringify(join(root, 'src/metrics/calendar/infer'))};`,
      `export {mergeCalendar} from ${JSON.stringify(join(root, 'src/metrics/calendar/merge'))};`,
      `export {isSchoolDay} from ${JSON.stringify(join(root, 'src/metrics/weekly'))};`,
    ].join('\n'),
  );
  const outfile = join(tmp, 'engine.cjs');
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  const E = require(outfile);
  const rows = [];
  for (const [schools, days] of sizes) {
    for (const seed of seeds) {
      const d = E.createDemoDistrict({schools, days, seed});
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
      rows.push({
        size: `${schools}x${days}`,
        seed,
        precision: both / a,
        recall: both / b,
        possibleOutages: outages.map(e => e.start),
        districtOutages: injected.map(x => x.start),
        missed,
        extra,
        ms,
      });
      console.log(
        `${`${schools}x${days}`.padEnd(8)} seed ${String(seed).padEnd(3)} closed-day precision ${fmt(both / a, 3)} recall ${fmt(both / b, 3)}  possible outages ${outages.map(e => e.start).join(' ') || '-'} (injected ${injected.map(x => x.start).join(' ') || '-'})  ${ms.toFixed(0)} ms` +
          (missed.length ? `\n    missed ${missed.join(' ')}` : '') +
          (extra.length ? `\n    extra  ${extra.join(' ')}` : ''),
      );
    }
  }
  const worst = k => Math.min(...rows.map(r => r[k]));
  console.log(
    `worst: precision ${fmt(worst('precision'), 3)}, recall ${fmt(worst('recall'), 3)}`,
  );
  writeFileSync(
    join(outDir, 'calendar-quick.json'),
    JSON.stringify(rows, null, 2) + '\n',
  );
}

function runDemo(schools, days, seed) {
  const dir = join(outDir, 'calendar', `${schools}x${days}-${seed}`);
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
    flagsClosed: s.anomalies.onClosedDays,
    insightsClosed: s.insights.onClosedWeeks,
    alertsClosed: s.alerts.onClosedDays,
    seconds: r.seconds,
  };
}

const HEAD =
  '| size | seed | district acc. | median school acc. | anomaly precision | anomaly recall | corr. gap | calendar precision | calendar recall | flags / insights / alerts on closed days |';

function line(f) {
  return `| ${f.size} | ${f.seed} | ${fmt(f.district, 1)}% | ${fmt(f.medianSchool, 1)}% | ${fmt(f.precision)} | ${fmt(f.recall)} | ${fmt(f.corrGap)} | ${fmt(f.calPrecision, 3)} | ${fmt(f.calRecall, 3)} | ${f.flagsClosed} / ${f.insightsClosed} / ${f.alertsClosed} |`;
}

async function demoScores() {
  if (!existsSync(join(dist, 'cli.cjs')))
    throw new Error('run `npm run build` first');
  const queue = [];
  // Seed by seed, every size, so a run cut short still covers both sizes.
  for (const seed of seeds)
    for (const [schools, days] of sizes) queue.push([schools, days, seed]);
  const results = [];
  console.log(HEAD);
  console.log('|' + ' --- |'.repeat(10));
  const worker = async () => {
    while (queue.length) {
      const [schools, days, seed] = queue.shift();
      const f = figures(await runDemo(schools, days, seed));
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
  console.log(
    line({
      size: '**worst**',
      seed: '',
      district: min('district'),
      medianSchool: min('medianSchool'),
      precision: min('precision'),
      recall: min('recall'),
      corrGap: max('corrGap'),
      calPrecision: min('calPrecision'),
      calRecall: min('calRecall'),
      flagsClosed: max('flagsClosed'),
      insightsClosed: max('insightsClosed'),
      alertsClosed: max('alertsClosed'),
    }),
  );
}

await (quick ? quickScores() : demoScores());
