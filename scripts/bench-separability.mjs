// How far apart a one-school, one-day outage and an ordinary school day can be told, by the
// best detector there could be: one that knows every expectation of the demo generator
// (each user's propensity, the calendar, growth, testing days, the teacher-effort and AR(1)
// states of that very day) and lacks only the day's own noise draw, Gamma(k)/k on the
// school's students and on its teachers (src/demo/model.ts). Its likelihood ratio of
// "outage at this school today" (the injected factors) against "ordinary day", with that
// draw integrated out, is the most powerful test of the question (Neyman-Pearson): no
// detector that sees only the data -- the product included -- can separate the two better.
//
// For each run it scores every school day of every school that no injected event touches,
// and each injected one-school outage, and gives:
// - how many ordinary school days score at least as high as each outage;
// - the best incident precision and recall any threshold could give in that run, counting
//   every other injected event (district-wide outages, disengagement) as found, as one
//   incident each, and each ordinary day above the threshold as one stray incident;
// - the same with one threshold shared by every run (a product has one).
//
// Usage: node scripts/bench-separability.mjs [--schools 8,20] [--seeds 1,2,3,4,5]
//   [--days 700] [--calendar-file test/fixtures/calendar-mid-august.json]
// Writes out/bench/separability-<calendar>-<sizes>[-s<seeds>].json.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {basename, join, resolve} from 'node:path';
import {calendarFileDays, fmt, loadModules, root, table} from './bench-kit.mjs';

const E = await loadModules('bench-separability', [
  ['src/demo', 'createDemoDistrict, parseCalendarFile'],
  ['src/demo/model', 'DAY_NOISE_SHAPE, P_CAP'],
  ['src/demo/random', 'Rng'],
]);

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const list = (name, dflt) => arg(name, dflt).split(',').map(Number);
const sizes = list('--schools', '8,20');
const seeds = list('--seeds', '1,2,3,4,5');
const calendarPath = arg('--calendar-file', null);
const calendarText = calendarPath
  ? readFileSync(resolve(calendarPath), 'utf8')
  : null;
const calendar = calendarText
  ? E.parseCalendarFile(calendarText, calendarPath)
  : undefined;
const calendarName = calendarPath ? basename(calendarPath, '.json') : null;
const asked = Number(arg('--days', '700'));
const days = calendarText
  ? calendarFileDays(JSON.parse(calendarText), asked)
  : asked;

/**
 * Quadrature of Gamma(k)/k on a log grid wide enough for its far tails (+-8 standard
 * deviations): nodes and log weights from the density, normalised. Equal-probability nodes
 * would stop at the first quantile bin, and an ordinary day whose draw fell below it would
 * look like an outage.
 */
function noiseNodes(shape, n = 161) {
  const sd = 1 / Math.sqrt(shape);
  const lo = -8 * sd - 0.5 / shape;
  const hi = 8 * sd;
  const nodes = [];
  const logW = [];
  for (let j = 0; j < n; j++) {
    const x = lo + ((hi - lo) * j) / (n - 1);
    const z = Math.exp(x);
    nodes.push(z);
    // Density of Gamma(k)/k in log z: k log z - k z (+ constants), times dz = z dx.
    logW.push(shape * x - shape * z);
  }
  const norm = logSumExp(logW);
  return {nodes, logW: logW.map(w => w - norm)};
}
const NODES = {
  student: noiseNodes(E.DAY_NOISE_SHAPE.student),
  teacher: noiseNodes(E.DAY_NOISE_SHAPE.teacher),
};

function logSumExp(v) {
  let m = -Infinity;
  for (const x of v) if (x > m) m = x;
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s);
}

/**
 * Log likelihood of one group's active flags on a day, the day's draw integrated out:
 * each user is active with min(P_CAP.user, min(cap, expected x draw x factor) x propensity),
 * as DistrictModel.pActive has it.
 */
function groupLogLik(users, active, expected, cap, factor, {nodes, logW}) {
  const out = new Array(nodes.length);
  for (let j = 0; j < nodes.length; j++) {
    const p0 = Math.min(cap, expected * nodes[j] * factor);
    let ll = logW[j];
    for (let k = 0; k < users.length; k++) {
      const p = Math.min(E.P_CAP.user, p0 * users[k].propensity);
      ll += active[k] ? Math.log(p) : Math.log1p(-p);
    }
    out[j] = ll;
  }
  return logSumExp(out);
}

function scoreRun(schools, seed) {
  const d = E.createDemoDistrict({schools, days, seed, calendar});
  const m = d.data.m;
  const anomalies = d.truth.anomalies;
  const outages = anomalies.filter(
    a => a.scope === 'school' && a.kind === 'outage',
  );
  const others = anomalies.length - outages.length;
  const touched = new Set();
  for (const a of anomalies)
    for (const id of a.schoolIds)
      for (let i = 0; i < m.nDays; i++) {
        const date = m.cal.days[i].date;
        if (date >= a.start && date <= a.end) touched.add(`${id}\t${i}`);
      }
  const factors = outages.length
    ? [outages[0].studentFactor, outages[0].teacherFactor]
    : [0.3, 0.45];
  const ordinary = [];
  const positives = [];
  for (let sc = 0; sc < m.schools.length; sc++) {
    const id = m.schools[sc].orgUnitId;
    const [from, to] = m.schoolUsers(sc);
    const all = m.users.slice(from, to);
    // Students draw on the school's student probability, everyone else on the teachers'.
    const byRole = {
      student: all.filter(u => u.role === 'student'),
      teacher: all.filter(u => u.role !== 'student'),
    };
    for (let i = 0; i < m.nDays; i++) {
      if (m.cal.days[i].kind !== 'school') continue;
      const date = m.cal.days[i].date;
      const outage = outages.find(
        a => a.schoolIds[0] === id && date >= a.start && date <= a.end,
      );
      if (!outage && touched.has(`${id}\t${i}`)) continue;
      const dayNo = m.startDay + i;
      let llr = 0;
      for (const [role, f, cap, expected, nodes] of [
        [
          'student',
          factors[0],
          E.P_CAP.student,
          m.expectedStudent[sc][i],
          NODES.student,
        ],
        [
          'teacher',
          factors[1],
          E.P_CAP.teacher,
          m.expectedTeacher[sc][i],
          NODES.teacher,
        ],
      ]) {
        const users = byRole[role].filter(
          u => dayNo >= u.activeFrom && dayNo < u.suspendedFrom,
        );
        const active = users.map(u => m.isActive(u, i));
        llr +=
          groupLogLik(users, active, expected, cap, f, nodes) -
          groupLogLik(users, active, expected, cap, 1, nodes);
      }
      const row = {school: m.schools[sc].name, date, llr};
      (outage ? positives : ordinary).push(row);
    }
  }
  ordinary.sort((a, b) => b.llr - a.llr);
  for (const p of positives)
    p.above = ordinary.filter(o => o.llr >= p.llr).length;
  return {schools, seed, others, events: anomalies.length, positives, ordinary};
}

/** Incident precision and recall at threshold t, other events found as one each. */
function atThreshold(run, t) {
  const tp = run.positives.filter(p => p.llr >= t).length;
  let fp = 0;
  while (fp < run.ordinary.length && run.ordinary[fp].llr >= t) fp++;
  const found = run.others + tp;
  return {tp, fp, precision: found / (found + fp), recall: found / run.events};
}

const worst = r => Math.min(r.precision, r.recall);
function bestOf(run) {
  let best = atThreshold(run, Infinity);
  for (const p of run.positives) {
    const r = atThreshold(run, p.llr);
    if (worst(r) > worst(best)) best = r;
  }
  return best;
}

const runs = [];
const full = [];
const lines = [];
for (const n of sizes)
  for (const seed of seeds) {
    const run = scoreRun(n, seed);
    const best = bestOf(run);
    full.push(run);
    runs.push({
      ...run,
      ordinary: run.ordinary.slice(0, 20),
      ordinaryDays: run.ordinary.length,
      best,
    });
    lines.push([
      `${n}x${days} s${seed}`,
      `${run.ordinary.length}`,
      run.positives.map(p => fmt(p.llr, 1)).join(', '),
      run.positives.map(p => `${p.above}`).join(', '),
      fmt(run.ordinary[0]?.llr ?? NaN, 1),
      `${best.tp}/${run.positives.length}, ${best.fp}`,
      fmt(best.precision),
      fmt(best.recall),
    ]);
    console.log(lines[lines.length - 1].join('  '));
  }

// One threshold for every run.
const candidates = [
  Infinity,
  ...full.flatMap(r => r.positives.map(p => p.llr)),
];
let shared = null;
for (const t of candidates) {
  const per = full.map(r => atThreshold(r, t));
  const w = Math.min(...per.map(worst));
  if (!shared || w > shared.worst) shared = {t, worst: w, per};
}
table(
  `The best possible detector of a one-school, one-day outage (${calendarName ?? 'New York-like'} calendar)`,
  [
    'run',
    'ordinary school days',
    'log LR of each outage',
    'ordinary days at or above it',
    'top ordinary day',
    'best: outages found, strays',
    'incident P',
    'incident R',
  ],
  lines,
);
console.log(
  `\nOne threshold for all runs (log LR ${fmt(shared.t, 1)}): worst incident min(P, R) ${fmt(shared.worst)}; ` +
    `runs under 0.9: ${shared.per.filter(r => worst(r) < 0.9).length} of ${runs.length}`,
);
const outDir = join(root, 'out', 'bench');
const seedTag = arg('--seeds', null) ? `-s${seeds.join('-')}` : '';
mkdirSync(outDir, {recursive: true});
writeFileSync(
  join(
    outDir,
    `separability-${calendarName ?? 'ny'}-${sizes.join('-')}${seedTag}.json`,
  ),
  JSON.stringify({days, calendar: calendarName ?? 'ny', runs, shared}, null, 1),
);
