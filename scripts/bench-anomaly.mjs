// Anomaly detection quality: precision, recall and F1 for anomalies injected into
// (a) the real series under test/fixtures/reference (R's data sets) and (b) synthetic
// school-year daily series with a calendar (weekends, holidays, breaks, a testing
// week, a busy first day back), plus the false alarms on clean series and around
// holiday weeks. Runs the built CLI (`node dist/cli.cjs anomalies`) on batches.
// Writes out/bench/anomaly.json.
import {spawnSync} from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const cli = process.env.BENCH_CLI ?? join(root, 'dist', 'cli.cjs');
const refDir = join(root, 'test', 'fixtures', 'reference');
if (!existsSync(cli)) {
  console.error('dist/cli.cjs is missing: run `npm run build` first');
  process.exit(1);
}

function rng(seed) {
  // Scramble the seed so neighbouring seeds give unrelated streams.
  let s = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  for (let i = 0; i < 8; i++) next();
  return next;
}
const normal = r =>
  Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
const uniform = (r, a, b) => a + (b - a) * r();
const median = v => {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

function runBatch(requests) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, 'anomalies'], {
    input: JSON.stringify(requests),
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) {
    console.error(r.stderr.toString());
    process.exit(1);
  }
  return {responses: JSON.parse(r.stdout.toString()), ms: Date.now() - started};
}

// ---------------------------------------------------------------------------------
// Scoring: events. A truth event is found when a detection of its direction overlaps
// it (one step of tolerance either side); a detection overlapping no truth event is
// a false alarm.
function score(truth, detections, tol = 1) {
  const found = truth.map(() => false);
  let matched = 0;
  for (const d of detections) {
    const a = d.index;
    const b = d.endIndex ?? d.index;
    let hit = false;
    truth.forEach((t, i) => {
      if (t.direction !== d.direction) return;
      if (a <= t.end + tol && b >= t.start - tol) {
        hit = true;
        found[i] = true;
      }
    });
    if (hit) matched++;
  }
  return {found, matched, detections: detections.length};
}

function brief(d) {
  const out = {
    index: d.index,
    direction: d.direction,
    kind: d.kind,
    score: +d.score.toFixed(2),
  };
  if (d.date) out.date = d.date;
  if (d.changePct !== null) out.changePct = +d.changePct.toFixed(1);
  if (d.endIndex !== undefined) out.endIndex = d.endIndex;
  return out;
}

function summarize(rows) {
  const truth = rows.reduce((s, r) => s + r.truth, 0);
  const found = rows.reduce((s, r) => s + r.found, 0);
  const det = rows.reduce((s, r) => s + r.detections, 0);
  const matched = rows.reduce((s, r) => s + r.matched, 0);
  const precision = det ? matched / det : 1;
  const recall = truth ? found / truth : 1;
  const f1 =
    precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return {truthEvents: truth, detections: det, precision, recall, f1};
}

// ---------------------------------------------------------------------------------
// (a) Real series from the reference folder.
function loadReal() {
  const out = [];
  const seen = new Set();
  const add = (name, y, period) => {
    if (!Array.isArray(y) || y.length < 24) return;
    const key = y.slice(0, 12).join(',') + ':' + y.length;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({
      name,
      y,
      period: period >= 2 && y.length > 2 * period ? period : 1,
    });
  };
  for (const sub of ['stl', 'arima', 'auto', 'ets']) {
    const dir = join(refDir, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)
      .filter(f => f.endsWith('.json'))
      .sort()) {
      const j = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      add(`${sub}/${f.replace('.json', '')}`, j.y, j.frequency ?? 1);
    }
  }
  const ur = join(refDir, 'stats', 'unit_root_tests.json');
  if (existsSync(ur)) {
    const j = JSON.parse(readFileSync(ur, 'utf8'));
    for (const [k, s] of Object.entries(j.series))
      add(`unit_root/${k}`, s.y, s.frequency);
  }
  const cor = join(refDir, 'stats', 'correlation.json');
  if (existsSync(cor)) {
    const j = JSON.parse(readFileSync(cor, 'utf8'));
    add('correlation/seatbelts_drivers', j.x, 12);
    add('correlation/seatbelts_front', j.y, 12);
    add('correlation/bjsales_lead', j.ccf.x, 1);
    add('correlation/bjsales', j.ccf.y, 1);
  }
  return out;
}

/** Injects 1-3 events (outage, spike or level shift) into a copy of y. */
function inject(y, r, types) {
  const n = y.length;
  const out = y.slice();
  const present = y
    .map((v, i) => (v === null ? null : i))
    .filter(i => i !== null);
  const level = median(present.map(i => Math.abs(y[i]))) || 1;
  const positive = present.every(i => y[i] > 0);
  const taken = new Array(n).fill(false);
  const truth = [];
  const count = 1 + Math.floor(r() * 3);
  for (let e = 0; e < count; e++) {
    const type = types[Math.floor(r() * types.length)];
    const len =
      type === 'outage'
        ? 1 + Math.floor(r() * 3)
        : type === 'spike'
          ? 1
          : 8 + Math.floor(r() * 8);
    for (let attempt = 0; attempt < 50; attempt++) {
      const start = 2 + Math.floor(r() * (n - len - 4));
      let free = true;
      for (let i = start - 3; i < start + len + 3; i++)
        if (taken[i] || y[i] === null) free = false;
      if (!free) continue;
      const f =
        type === 'outage'
          ? uniform(r, 0.3, 0.7)
          : type === 'spike'
            ? uniform(r, 0.4, 1.0)
            : uniform(r, 0.25, 0.5);
      for (let i = start; i < start + len; i++) {
        const sign = type === 'spike' ? 1 : -1;
        out[i] = positive ? y[i] * (1 + sign * f) : y[i] + sign * f * level;
        taken[i] = true;
      }
      for (let i = start - 3; i < start + len + 3; i++)
        if (i >= 0 && i < n) taken[i] = true;
      truth.push({
        type,
        start,
        end: start + len - 1,
        direction: type === 'spike' ? 'surge' : 'drop',
      });
      break;
    }
  }
  return {y: out, truth};
}

const real = loadReal();
const realCases = [];
const r1 = rng(20250101);
for (const s of real) {
  realCases.push({
    name: s.name,
    variant: 'clean',
    y: s.y,
    period: s.period,
    truth: [],
  });
  for (let v = 0; v < 8; v++) {
    const {y, truth} = inject(s.y, r1, [
      'outage',
      'outage',
      'spike',
      'level_shift',
    ]);
    realCases.push({
      name: s.name,
      variant: `inj${v}`,
      y,
      period: s.period,
      truth,
    });
  }
}
const realRun = runBatch(realCases.map(c => ({y: c.y, period: c.period})));
const realRows = realCases.map((c, i) => {
  const det = realRun.responses[i].anomalies;
  const sc = score(c.truth, det);
  return {
    name: c.name,
    variant: c.variant,
    truth: c.truth.length,
    found: sc.found.filter(Boolean).length,
    matched: sc.matched,
    detections: sc.detections,
    byType: c.truth.map((t, k) => ({type: t.type, found: sc.found[k]})),
    injectedEvents: c.truth,
    flags: det.map(brief),
  };
});

// ---------------------------------------------------------------------------------
// (b) Synthetic school years.
const DAY = 86400000;
const dayNum = d => Math.round(Date.parse(d + 'T00:00:00Z') / DAY);
const fromNum = n => new Date(n * DAY).toISOString().slice(0, 10);
const wday = d => (((dayNum(d) + 4) % 7) + 7) % 7;
const CLOSURES = [
  ['2024-09-02', '2024-09-02'],
  ['2024-10-14', '2024-10-14'],
  ['2024-11-27', '2024-11-29'],
  ['2024-12-23', '2025-01-03'],
  ['2025-01-20', '2025-01-20'],
  ['2025-02-17', '2025-02-21'],
  ['2025-04-14', '2025-04-18'],
];
const TESTING = ['2025-05-05', '2025-05-09'];
const START = '2024-08-26';
const END = '2025-06-13';

function school(seed) {
  const r = rng(seed);
  const level = Math.exp(uniform(r, Math.log(60), Math.log(2500)));
  const noise = uniform(r, 0.03, 0.09);
  const profile = [
    0.04,
    1,
    uniform(r, 1, 1.1),
    uniform(r, 0.98, 1.08),
    uniform(r, 0.95, 1.02),
    uniform(r, 0.75, 0.92),
    0.03,
  ];
  const dates = [];
  for (let n = dayNum(START); n <= dayNum(END); n++) dates.push(fromNum(n));
  const closed = dates.map(
    d =>
      wday(d) === 0 ||
      wday(d) === 6 ||
      CLOSURES.some(([a, b]) => d >= a && d <= b),
  );
  const peaks = dates.map(d => d >= TESTING[0] && d <= TESTING[1]);
  const t0 = dayNum(START);
  let lastOpen = -1;
  const afterBreak = dates.map(() => false);
  const y = dates.map((d, i) => {
    if (closed[i]) return Math.round(level * 0.02 * r());
    const t = dayNum(d) - t0;
    let v =
      level *
      profile[wday(d)] *
      Math.min(1, 0.8 + (0.2 * t) / 14) *
      (1 - 0.15 * Math.max(0, (t - 240) / 50));
    let weekdays = 0;
    for (let j = lastOpen + 1; lastOpen >= 0 && j < i; j++)
      if (wday(dates[j]) >= 1 && wday(dates[j]) <= 5) weekdays++;
    if (weekdays >= 1) {
      v *= uniform(r, 1.1, 1.35);
      afterBreak[i] = true;
    }
    if (peaks[i]) v *= 1.2;
    lastOpen = i;
    // Lognormal day-to-day variation, then Poisson-like counting noise.
    const mean = v * Math.exp(noise * normal(r));
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(r)));
  });
  return {dates, closed, peaks, y, afterBreak, level, noise};
}

function injectSchool(s, r) {
  const open = s.y.map((_, i) => i).filter(i => !s.closed[i]);
  const y = s.y.slice();
  const taken = new Array(open.length).fill(false);
  const truth = [];
  const plan = ['outage', 'outage', 'disengagement', 'surge'];
  if (r() < 0.5) plan.push('outage');
  for (const type of plan) {
    const len =
      type === 'outage'
        ? 1 + Math.floor(r() * 3)
        : type === 'surge'
          ? 1
          : 10 + Math.floor(r() * 11);
    for (let attempt = 0; attempt < 100; attempt++) {
      const k0 = 12 + Math.floor(r() * (open.length - len - 14));
      let free = true;
      for (let k = k0 - 4; k < k0 + len + 4; k++) if (taken[k]) free = false;
      // Keep surges off the first day back, where they are expected and not flagged.
      if (type === 'surge' && s.afterBreak[open[k0]]) free = false;
      if (!free) continue;
      const f =
        type === 'outage'
          ? uniform(r, 0.3, 0.85)
          : type === 'surge'
            ? uniform(r, 0.5, 1.2)
            : uniform(r, 0.25, 0.5);
      for (let k = k0; k < k0 + len; k++) {
        const i = open[k];
        y[i] = Math.round(type === 'surge' ? y[i] * (1 + f) : y[i] * (1 - f));
      }
      for (let k = k0 - 4; k < k0 + len + 4; k++) taken[k] = true;
      truth.push({
        type,
        start: open[k0],
        end: open[k0 + len - 1],
        direction: type === 'surge' ? 'surge' : 'drop',
      });
      break;
    }
  }
  return {y, truth};
}

const SCHOOLS = 60;
const synthCases = [];
const r2 = rng(777);
for (let k = 0; k < SCHOOLS; k++) {
  const s = school(1000 + k);
  const base = {
    dates: s.dates,
    closedDates: s.dates.filter((_, i) => s.closed[i]),
    expectedPeakDates: s.dates.filter((_, i) => s.peaks[i]),
  };
  synthCases.push({
    s,
    variant: 'clean',
    truth: [],
    request: {...base, y: s.y, period: 7},
  });
  const {y, truth} = injectSchool(s, r2);
  synthCases.push({
    s,
    variant: 'injected',
    truth,
    request: {...base, y, period: 7},
  });
}
const synthRun = runBatch(synthCases.map(c => c.request));
if (process.env.BENCH_DUMP)
  writeFileSync(
    process.env.BENCH_DUMP,
    JSON.stringify(synthCases.map(c => c.request)),
  );
const synthRows = synthCases.map((c, i) => {
  const det = synthRun.responses[i].anomalies;
  const sc = score(c.truth, det);
  // False alarms around holidays: detections on closed days, or on the first three
  // school days after a break, that match no injected event.
  let holidayFalse = 0;
  let firstDaySurges = 0;
  for (const d of det) {
    const matchedTruth = c.truth.some(
      t =>
        t.direction === d.direction &&
        d.index <= t.end + 1 &&
        (d.endIndex ?? d.index) >= t.start - 1,
    );
    if (matchedTruth) continue;
    if (c.s.closed[d.index]) holidayFalse++;
    let k = d.index;
    let back = false;
    for (let j = 0; j < 3 && k >= 0; j++) {
      if (c.s.afterBreak[k]) back = true;
      k--;
      while (k >= 0 && c.s.closed[k]) k--;
    }
    if (back) holidayFalse++;
    if (c.s.afterBreak[d.index] && d.direction === 'surge') firstDaySurges++;
  }
  return {
    name: `school${i >> 1}`,
    variant: c.variant,
    level: Math.round(c.s.level),
    noise: c.s.noise,
    truth: c.truth.length,
    found: sc.found.filter(Boolean).length,
    matched: sc.matched,
    detections: sc.detections,
    holidayFalse,
    firstDaySurges,
    byType: c.truth.map((t, k) => ({type: t.type, found: sc.found[k]})),
    injectedEvents: c.truth.map(t => ({...t, date: c.s.dates[t.start]})),
    flags: det.map(brief),
  };
});

// ---------------------------------------------------------------------------------
// (c) The same school years as weekly totals (schoolDays per week): holiday weeks are
// short or empty, so they must neither be flagged nor distort the fit. A week is an
// injected event when the injections moved its total by 20% or more.
const mondayOf = d => fromNum(dayNum(d) - ((wday(d) + 6) % 7));
function toWeeks(s, y) {
  const weeks = new Map();
  s.dates.forEach((d, i) => {
    const w = mondayOf(d);
    const e = weeks.get(w) ?? {sum: 0, base: 0, days: 0};
    if (!s.closed[i]) {
      e.sum += y[i];
      e.base += s.y[i];
      e.days++;
    }
    weeks.set(w, e);
  });
  const starts = [...weeks.keys()].sort();
  return {starts, entries: starts.map(w => weeks.get(w))};
}
const weeklyCases = synthCases.map(c => {
  const {starts, entries} = toWeeks(c.s, c.request.y);
  const truth = [];
  const touched = new Set();
  entries.forEach((e, i) => {
    if (e.days === 0 || e.base === 0) return;
    const change = e.sum / e.base - 1;
    if (Math.abs(change) >= 0.05) touched.add(i);
    if (Math.abs(change) >= 0.2 && e.days >= 3) {
      truth.push({
        type: 'week',
        start: i,
        end: i,
        direction: change < 0 ? 'drop' : 'surge',
      });
    }
  });
  return {
    c,
    starts,
    entries,
    truth,
    touched,
    request: {
      y: entries.map(e => e.sum),
      period: 1,
      dates: starts,
      schoolDays: entries.map(e => e.days),
      fullWeekDays: 5,
      expectedPeakDates: starts.filter(w => w === mondayOf(TESTING[0])),
    },
  };
});
const weeklyRun = runBatch(weeklyCases.map(w => w.request));
const weeklyRows = weeklyCases.map((w, i) => {
  const det = weeklyRun.responses[i].anomalies;
  const sc = score(w.truth, det, 0);
  // Flags in weeks the injections touched (but by under 20%) are neither hits nor false alarms.
  const relevant = det.filter(
    d =>
      !w.touched.has(d.index) ||
      w.truth.some(t => d.index <= t.end && (d.endIndex ?? d.index) >= t.start),
  );
  const sc2 = score(w.truth, relevant, 0);
  const shortWeekFlags = relevant.filter(
    d =>
      w.entries[d.index].days < 5 &&
      !w.truth.some(
        t => d.index <= t.end && (d.endIndex ?? d.index) >= t.start,
      ),
  ).length;
  return {
    name: `school${i >> 1}`,
    variant: w.c.variant,
    truth: w.truth.length,
    found: sc.found.filter(Boolean).length,
    matched: sc2.matched,
    detections: relevant.length,
    shortWeekFlags,
    byType: w.truth.map((t, k) => ({
      type: `week ${t.direction}`,
      found: sc.found[k],
    })),
    flags: det.map(brief),
  };
});

// ---------------------------------------------------------------------------------
function byType(rows) {
  const out = {};
  for (const r of rows) {
    for (const t of r.byType) {
      out[t.type] ??= {events: 0, found: 0};
      out[t.type].events++;
      if (t.found) out[t.type].found++;
    }
  }
  for (const v of Object.values(out)) v.recall = v.found / v.events;
  return out;
}

const realInjected = realRows.filter(r => r.variant !== 'clean');
const realClean = realRows.filter(r => r.variant === 'clean');
const synthInjected = synthRows.filter(r => r.variant === 'injected');
const synthClean = synthRows.filter(r => r.variant === 'clean');
const result = {
  generated: new Date().toISOString(),
  method:
    'CLI anomalies (default threshold 3.5); events matched with one step of tolerance',
  real: {
    series: real.length,
    injected: {...summarize(realInjected), byType: byType(realInjected)},
    cleanSeriesFalseAlarms: realClean.reduce((s, r) => s + r.detections, 0),
    cleanSeriesWithAnyFlag: realClean
      .filter(r => r.detections > 0)
      .map(r => `${r.name} (${r.detections})`),
    ms: realRun.ms,
  },
  synthetic: {
    schools: SCHOOLS,
    injected: {...summarize(synthInjected), byType: byType(synthInjected)},
    cleanFalseAlarmsPerSchoolYear:
      synthClean.reduce((s, r) => s + r.detections, 0) / SCHOOLS,
    holidayFalseAlarms: synthRows.reduce((s, r) => s + r.holidayFalse, 0),
    firstDayBackSurges: synthRows.reduce((s, r) => s + r.firstDaySurges, 0),
    ms: synthRun.ms,
  },
  weekly: {
    schools: SCHOOLS,
    injected: {
      ...summarize(weeklyRows.filter(r => r.variant === 'injected')),
      byType: byType(weeklyRows.filter(r => r.variant === 'injected')),
    },
    cleanFalseAlarmsPerSchoolYear:
      weeklyRows
        .filter(r => r.variant === 'clean')
        .reduce((s, r) => s + r.detections, 0) / SCHOOLS,
    holidayWeekFalseAlarms: weeklyRows.reduce(
      (s, r) => s + r.shortWeekFlags,
      0,
    ),
    holidayWeeks: weeklyCases.reduce(
      (s, w) => s + w.entries.filter(e => e.days < 5).length,
      0,
    ),
    ms: weeklyRun.ms,
  },
  realRows,
  synthRows,
  weeklyRows,
};
mkdirSync(join(root, 'out', 'bench'), {recursive: true});
writeFileSync(
  join(root, 'out', 'bench', 'anomaly.json'),
  JSON.stringify(result, null, 2),
);

const pct = x => (100 * x).toFixed(1).padStart(6);
console.log(
  'set                         events  flags  precision  recall     F1',
);
for (const [name, s] of [
  ['real series, injected', result.real.injected],
  ['synthetic schools, injected', result.synthetic.injected],
  ['synthetic weekly, injected', result.weekly.injected],
]) {
  console.log(
    `${name.padEnd(28)}${String(s.truthEvents).padStart(6)} ${String(s.detections).padStart(6)}  ${pct(s.precision)}%  ${pct(s.recall)}% ${pct(s.f1)}%`,
  );
}
console.log('\nrecall by injected type');
for (const [set, bt] of [
  ['real', result.real.injected.byType],
  ['synthetic', result.synthetic.injected.byType],
  ['weekly', result.weekly.injected.byType],
]) {
  for (const [t, v] of Object.entries(bt))
    console.log(
      `  ${set.padEnd(10)} ${t.padEnd(14)} ${v.found}/${v.events} ${pct(v.recall)}%`,
    );
}
console.log(
  `\nreal series without injections: ${result.real.cleanSeriesFalseAlarms} flags over ${real.length} series` +
    (result.real.cleanSeriesWithAnyFlag.length
      ? ` (${result.real.cleanSeriesWithAnyFlag.join(', ')})`
      : ''),
);
console.log(
  `synthetic clean school years: ${result.synthetic.cleanFalseAlarmsPerSchoolYear.toFixed(2)} false alarms per school-year`,
);
console.log(
  `false alarms on holiday weeks and the 3 school days after them: ${result.synthetic.holidayFalseAlarms} (first-day-back surges: ${result.synthetic.firstDayBackSurges})`,
);
console.log(
  `time: ${realCases.length} real series ${realRun.ms} ms, ${synthCases.length} school years ${synthRun.ms} ms`,
);
console.log(
  `weekly: ${result.weekly.cleanFalseAlarmsPerSchoolYear.toFixed(2)} false alarms per clean school-year; ` +
    `${result.weekly.holidayWeekFalseAlarms} flags on ${result.weekly.holidayWeeks} short or holiday weeks`,
);
console.log('wrote out/bench/anomaly.json');
