// SARIMAX fit benchmark: the engine (src/stats/arima, bundled here with esbuild) against
// the npm package `arima` (ctsa compiled to WebAssembly) on the R reference series.
// Prints the median wall and CPU milliseconds per fit + forecast, and how far each
// engine's forecast mean is from R's. Writes out/bench/arima.json.
import * as esbuild from 'esbuild';
import {mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const refDir = join(root, 'test', 'fixtures', 'reference', 'arima');
const require = createRequire(import.meta.url);

const bundle = await esbuild.build({
  entryPoints: [join(root, 'src/stats/arima/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  write: false,
  logLevel: 'warning',
});
const engine = await import(
  'data:text/javascript;base64,' +
    Buffer.from(bundle.outputFiles[0].text).toString('base64')
);
const ARIMA = require('arima');

const reps = Number(process.env.BENCH_REPS ?? 25);
const warmup = 5;

function measure(fn, nReps = reps) {
  const wall = [];
  const cpu = [];
  let out;
  for (let i = 0; i < warmup + nReps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    out = fn();
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    if (i >= warmup) {
      wall.push(t1 - t0);
      cpu.push((c1.user + c1.system) / 1000);
    }
  }
  const med = a => {
    const s = [...a].sort((x, y) => x - y);
    return s[Math.floor(s.length / 2)];
  };
  return {wall: med(wall), cpu: med(cpu), out};
}

function maxRel(a, b) {
  let m = 0;
  for (let i = 0; i < b.length; i++)
    m = Math.max(m, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return m;
}

// A school-like weekly series: 156 weeks, Fourier terms of the annual cycle (K = 2,
// period 52.18), a teacher-activity driver and a break dummy, AR(1) noise.
function schoolSeries() {
  let seed = 2024;
  const u = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const g = () =>
    Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  const n = 156;
  const h = 12;
  const cols = [];
  for (let k = 1; k <= 2; k++) {
    cols.push(t => Math.sin((2 * Math.PI * k * t) / 52.18));
    cols.push(t => Math.cos((2 * Math.PI * k * t) / 52.18));
  }
  const teach = Array.from({length: n + h}, () => 50 + 10 * g());
  const brk = Array.from({length: n + h}, (_, t) =>
    t % 52 > 49 || t % 52 < 1 ? 1 : 0,
  );
  const all = [
    ...cols.map(f => Array.from({length: n + h}, (_, t) => f(t + 1))),
    teach,
    brk,
  ];
  let e = 0;
  const y = Array.from({length: n}, (_, t) => {
    e = 0.6 * e + 5 * g();
    return (
      200 +
      0.2 * t +
      30 * all[0][t] +
      10 * all[1][t] +
      1.5 * teach[t] -
      80 * brk[t] +
      e
    );
  });
  return {
    name: 'school_weekly_156',
    y,
    frequency: 1,
    order: [1, 1, 1],
    seasonal: [0, 0, 0, 1],
    include_mean: false,
    xreg: all.map(c => c.slice(0, n)),
    xreg_names: ['S1-52', 'C1-52', 'S2-52', 'C2-52', 'teachers', 'break'],
    xreg_future: all.map(c => c.slice(n)),
    forecast: null,
  };
}

const cases = readdirSync(refDir)
  .filter(f => f.endsWith('.json'))
  .sort()
  .map(f => JSON.parse(readFileSync(join(refDir, f), 'utf8')));
cases.push(schoolSeries());

// Two passes: the first only warms up both engines (JIT compilation runs on helper
// threads and would otherwise be charged to the first cases' CPU time).
let rows = [];
for (const pass of [0, 1]) {
  rows = [];
  for (const fx of cases) rows.push(benchCase(fx, pass === 0 ? 2 : reps));
}

function benchCase(fx, nReps) {
  const [p, d, q] = fx.order;
  const [P, D, Q] = fx.seasonal;
  const s = fx.frequency;
  const names =
    fx.xreg_names === null || fx.xreg_names === undefined
      ? undefined
      : [].concat(fx.xreg_names);
  const spec = {
    order: fx.order,
    seasonal: [P, D, Q],
    period: s,
    includeMean: fx.include_mean,
    xreg: fx.xreg ?? undefined,
    xregNames: names,
  };
  const h = fx.forecast ? fx.forecast.h : fx.xreg_future[0].length;
  const ours = measure(() => {
    const fit = engine.fitArima(fx.y, spec);
    return engine.forecastArima(fit, h, {
      xregFuture: fx.xreg_future ?? undefined,
    }).mean;
  }, nReps);

  // The WASM package: no missing values and no mean term; it fits what it can.
  let wasm = null;
  const hasNull = fx.y.some(v => v === null);
  if (!hasNull) {
    try {
      const opts = {p, d, q, P, D, Q, s: P + D + Q > 0 ? s : 0, verbose: false};
      const exog = fx.xreg ? fx.y.map((_, t) => fx.xreg.map(c => c[t])) : null;
      const exogNew = fx.xreg_future
        ? Array.from({length: h}, (_, t) => fx.xreg_future.map(c => c[t]))
        : null;
      wasm = measure(() => {
        const m = new ARIMA({...opts, transpose: !!exog});
        if (exog) m.train(fx.y, exog);
        else m.train(fx.y);
        const [pred] = exog ? m.predict(h, exogNew) : m.predict(h);
        if (m.destroy) m.destroy();
        return pred;
      }, nReps);
    } catch (e) {
      wasm = {error: String(e.message ?? e)};
    }
  }
  const row = {
    series: fx.name,
    model: `(${p},${d},${q})(${P},${D},${Q})${P + D + Q > 0 ? s : ''}${fx.xreg ? ` + ${fx.xreg.length} xreg` : ''}${hasNull ? ' [NA]' : ''}`,
    engineMs: +ours.wall.toFixed(2),
    engineCpuMs: +ours.cpu.toFixed(2),
    engineVsR: fx.forecast ? maxRel(ours.out, fx.forecast.mean) : null,
    arimaMs: wasm && !wasm.error ? +wasm.wall.toFixed(2) : null,
    arimaCpuMs: wasm && !wasm.error ? +wasm.cpu.toFixed(2) : null,
    arimaVsR:
      fx.forecast && wasm && !wasm.error && wasm.out.every(Number.isFinite)
        ? maxRel(wasm.out, fx.forecast.mean)
        : null,
    engineVsArima:
      wasm && !wasm.error && wasm.out.every(Number.isFinite)
        ? maxRel(wasm.out, ours.out)
        : null,
  };
  return row;
}

const pad = (v, n) => String(v).padEnd(n);
const fmtRel = v => (v === null ? 'n/a' : `${(100 * v).toFixed(4)}%`);
console.log(
  `SARIMAX fit + forecast, median of ${reps} runs (wall ms / CPU ms); forecast mean vs R: max relative difference`,
);
console.log(
  pad('series', 22) +
    pad('model', 26) +
    pad('engine ms', 18) +
    pad('arima(wasm) ms', 18) +
    pad('engine vs R', 14) +
    pad('arima vs R', 14) +
    'arima vs engine',
);
for (const r of rows)
  console.log(
    pad(r.series, 22) +
      pad(r.model, 26) +
      pad(`${r.engineMs} / ${r.engineCpuMs}`, 18) +
      pad(r.arimaMs === null ? 'n/a' : `${r.arimaMs} / ${r.arimaCpuMs}`, 18) +
      pad(fmtRel(r.engineVsR), 14) +
      pad(fmtRel(r.arimaVsR), 14) +
      fmtRel(r.engineVsArima),
  );
mkdirSync(join(root, 'out', 'bench'), {recursive: true});
writeFileSync(
  join(root, 'out', 'bench', 'arima.json'),
  JSON.stringify({reps, rows}, null, 2),
);
