// What-if benchmark: the time one scenario takes for one school and for every school of
// the default demo district (40 schools, 700 days), the recovered teacher effect against
// the truth of a district with a known effect (test/analysis/lever-district.ts), and the
// lever backtest on both.
//
//   node scripts/bench-whatif.mjs [--schools N] [--seeds N]
//
// Prints tables and writes out/bench/whatif.json. Times are wall-clock milliseconds (CPU
// alongside), medians of repeated runs; this machine is shared, so read them as such.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {argValue, fmt, loadModules, root, table, timed} from './bench-kit.mjs';

const N_SCHOOLS = argValue('--schools', 40);
const SEEDS = argValue('--seeds', 5);

const E = await loadModules('bench-whatif', [
  ['src/analysis/whatif', 'whatIf'],
  ['src/demo', 'createDemoDistrict'],
  ['test/analysis/lever-district', 'leverDistrict, LEVER_CALENDAR'],
]);

// The lower middle value (no averaging), as the whatif figures have always been reported.
const median = a => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const settings = {underuseGapPct: 20, minGroupSize: 10};
const out = {recovery: [], demo: null};

// --- Recovered effect against the truth ------------------------------------------------
const scenarios = [
  {percent: 20, s: {horizon: 8, offset: 0, span: 8, ratio: 1.2}},
  {percent: -25, s: {horizon: 8, offset: 2, span: 4, ratio: 0.75}},
];
const recRows = [];
for (const sc of scenarios) {
  for (let seed = 101; seed < 101 + SEEDS; seed++) {
    const d = E.leverDistrict(seed, 30, 80, sc.s);
    const r = E.whatIf(
      {
        schools: 'all',
        scenario: {kind: 'percent', percent: sc.percent},
        startWeek: d.futureWeeks[sc.s.offset],
        weeks: sc.s.span,
        horizon: sc.s.horizon,
      },
      {
        weekly: d.weekly,
        calendar: E.LEVER_CALENDAR,
        schools: d.schools,
        settings,
      },
    );
    let inside = 0;
    let betaIn = 0;
    const relErr = [];
    let trueSum = 0;
    for (const s of r.schools) {
      const t = d.truth.find(x => x.id === s.schoolId);
      const truth = t.futureScenario.reduce(
        (a, v, i) => a + v - t.futureBase[i],
        0,
      );
      trueSum += truth;
      if (truth >= s.totalDifferenceLo95 && truth <= s.totalDifferenceHi95)
        inside++;
      if (Math.abs(s.coefficient - t.beta) <= 1.96 * s.coefficientSe) betaIn++;
      if (t.beta > 0)
        relErr.push(Math.abs(s.totalDifference - truth) / Math.abs(truth));
    }
    const row = {
      percent: sc.percent,
      seed,
      schools: r.schools.length,
      coverage: inside / r.schools.length,
      betaCoverage: betaIn / r.schools.length,
      medianRelError: median(relErr),
      districtEstimate: r.district.totalDifference,
      districtLo: r.district.totalDifferenceLo95,
      districtHi: r.district.totalDifferenceHi95,
      districtTruth: trueSum,
      leverEvents: r.district.backtest.events,
      leverHitRate: r.district.backtest.directionHitRate,
      leverSkill: r.district.backtest.skill,
    };
    out.recovery.push(row);
    recRows.push([
      `${sc.percent > 0 ? '+' : ''}${sc.percent}% seed ${seed}`,
      `${inside}/${r.schools.length}`,
      fmt(row.betaCoverage, 2),
      fmt(100 * row.medianRelError, 1),
      `${fmt(row.districtEstimate, 0)} (${fmt(row.districtLo, 0)} to ${fmt(row.districtHi, 0)})`,
      fmt(row.districtTruth, 0),
      row.leverEvents,
      fmt(row.leverHitRate, 2),
      fmt(row.leverSkill, 2),
    ]);
  }
}
table(
  'Recovered effect against the generator (30 schools, 80 weeks, one in five with no effect)',
  [
    'scenario',
    'truth in 95%',
    'beta in 95%',
    'median |err| %',
    'district estimate (95%)',
    'district truth',
    'lever moves',
    'hit rate',
    'skill',
  ],
  recRows,
);
const worst = Math.min(...out.recovery.map(r => r.coverage));
console.log(`worst coverage: ${fmt(100 * worst, 1)}% of schools`);

// --- The default demo district ---------------------------------------------------------
const t0 = performance.now();
const dd = E.createDemoDistrict({schools: N_SCHOOLS});
const weekly = dd.truth.weekly
  .filter(w => w.schoolId && (w.role === 'student' || w.role === 'teacher'))
  .map(w => {
    const enrolled =
      dd.truth.enrolment[w.schoolId][
        w.role === 'student' ? 'students' : 'teachers'
      ];
    return {
      week: w.week,
      weekStart: w.weekStart,
      schoolId: w.schoolId,
      role: w.role,
      app: 'workspace',
      product: '',
      activeUsers: w.activeUsers,
      enrolledUsers: enrolled,
      pctAccess: enrolled ? (100 * w.activeUsers) / enrolled : null,
      events: w.events,
      engagementIndex: enrolled ? (1000 * w.events) / enrolled : null,
      logins: 0,
      submissionsTurnedIn: 0,
      assignmentsCreated: 0,
      gradesEntered: 0,
      schoolDays: w.schoolDays,
      flags: [],
    };
  });
const last = weekly.reduce((m, f) => (f.weekStart > m ? f.weekStart : m), '');
// The last week is still open on the last day: left out, as a run on that day would.
const hist = weekly.filter(f => f.weekStart < last);
console.log(
  `\ndemo district: ${N_SCHOOLS} schools, ${hist.length} weekly facts (built in ${fmt((performance.now() - t0) / 1000, 1)} s)`,
);
const schools = dd.schools.map(s => ({
  id: s.schoolId,
  name: s.name,
  orgUnitPath: s.orgUnitPath,
  enrolledStudents: s.enrolledStudents,
  enrolledTeachers: s.enrolledTeachers,
  locale: s.locale,
}));
const ctx = {
  weekly: hist,
  calendar: dd.calendar,
  schools,
  settings,
  teacherMetric: 'events',
};
const one = [];
for (let i = 0; i < 5; i++)
  one.push(
    timed(() =>
      E.whatIf(
        {schools: [schools[i].id], scenario: {kind: 'percent', percent: 10}},
        ctx,
      ),
    ),
  );
const all = [];
for (let i = 0; i < 3; i++)
  all.push(
    timed(() =>
      E.whatIf({schools: 'all', scenario: {kind: 'percent', percent: 10}}, ctx),
    ),
  );
const peer = timed(() =>
  E.whatIf({schools: 'underusing', scenario: {kind: 'peerMedian'}}, ctx),
);
const r = all[0].value;
const ok = r.schools.filter(s => s.ok);
const sig = ok.filter(s => s.significant);
out.demo = {
  schools: N_SCHOOLS,
  oneSchoolMs: median(one.map(x => x.ms)),
  oneSchoolCpuMs: median(one.map(x => x.cpu)),
  allSchoolsMs: median(all.map(x => x.ms)),
  allSchoolsCpuMs: median(all.map(x => x.cpu)),
  reForecast: ok.length,
  significant: sig.length,
  medianCoefficient: median(ok.map(s => s.coefficient)),
  totalDifference: r.district.totalDifference,
  totalDifferenceLo95: r.district.totalDifferenceLo95,
  totalDifferenceHi95: r.district.totalDifferenceHi95,
  lever: {...r.district.backtest, list: undefined},
  underusing: {
    schools: peer.value.schools.length,
    ms: peer.ms,
    totalDifference: peer.value.district.totalDifference,
    lo: peer.value.district.totalDifferenceLo95,
    hi: peer.value.district.totalDifferenceHi95,
    ratios: peer.value.schools.map(s => s.teacherRatio),
  },
  trueElasticityOfLatentEffort: dd.truth.effects.teacherToStudentElasticity,
};
table(
  `Default demo district (${N_SCHOOLS} schools), teacher activity +10% from the first forecast week`,
  ['what', 'wall ms', 'cpu ms'],
  [
    [
      'one school',
      fmt(out.demo.oneSchoolMs, 0),
      fmt(out.demo.oneSchoolCpuMs, 0),
    ],
    [
      'all schools',
      fmt(out.demo.allSchoolsMs, 0),
      fmt(out.demo.allSchoolsCpuMs, 0),
    ],
    [
      `under-using (${out.demo.underusing.schools}), peer median`,
      fmt(peer.ms, 0),
      fmt(peer.cpu, 0),
    ],
  ],
);
const b = out.demo.lever;
console.log(
  `re-forecast ${ok.length} of ${r.schools.length}; coefficient distinguishable from zero at ${sig.length}; median elasticity ${fmt(out.demo.medianCoefficient, 3)}\n` +
    `district change over ${r.request.horizon} weeks: ${fmt(r.district.totalDifference, 0)} student-weeks (95% ${fmt(r.district.totalDifferenceLo95, 0)} to ${fmt(r.district.totalDifferenceHi95, 0)})\n` +
    `lever backtest: ${b.events} moves over ${b.thresholdPct}% (${b.rises} rises, ${b.falls} falls), hit rate ${fmt(b.directionHitRate, 2)}, MAE ${fmt(b.maePct, 1)} pts vs ${fmt(b.maeNoChangePct, 1)} for no change, skill ${fmt(b.skill, 2)}\n` +
    `under-using schools to the peer median: ${fmt(out.demo.underusing.totalDifference, 0)} (95% ${fmt(out.demo.underusing.lo, 0)} to ${fmt(out.demo.underusing.hi, 0)}), ratios ${out.demo.underusing.ratios.map(x => fmt(x, 2)).join(', ')}`,
);
mkdirSync(join(root, 'out', 'bench'), {recursive: true});
writeFileSync(
  join(root, 'out', 'bench', 'whatif.json'),
  JSON.stringify(out, null, 2) + '\n',
);
