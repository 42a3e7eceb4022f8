// The default demo as `npm run demo` runs it (dist/cli.cjs, same node flags): wall time,
// user and system CPU, peak resident memory, with the machine's load average beside them
// (on a shared machine wall time follows the load; user CPU less so, but it grows too: the
// default demo took 397 s of user CPU at a load of 2.3 and 544 s at 10-13).
// BENCH_DEMO_ARGS adds run options, e.g. "--schools 10 --days 420" for a quicker run.
// Writes out/bench/demo.json; the run's outputs go to out/bench/demo/.
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {loadavg} from 'node:os';
import {dirname, join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, {recursive: true});
const cli = join(root, 'dist', 'cli.cjs');
if (!existsSync(cli)) {
  console.error('dist/cli.cjs is missing: run `npm run build` first');
  process.exit(1);
}
// The child reports its own resource usage as it exits (peak RSS and CPU of that process).
const usageFile = join(outDir, 'demo-usage.json');
const preload = join(outDir, 'demo-usage.cjs');
writeFileSync(
  preload,
  `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify(process.resourceUsage())));\n`,
);
const extra = (process.env.BENCH_DEMO_ARGS ?? '').split(/\s+/).filter(Boolean);
const runDir = join(outDir, 'demo');
const args = [
  '--max-semi-space-size=64',
  '--heap-growing-percent=75',
  '--require',
  preload,
  cli,
  'run',
  '--source',
  'demo',
  '--out',
  runDir,
  '--quiet',
  ...extra,
];
const loadBefore = loadavg();
// The 1-minute load average every 5 s while the run lasts: its mean says what the run
// shared the machine with (user CPU also grows with the load: cores share caches).
const loadSamples = [loadBefore[0]];
const sampler = setInterval(() => loadSamples.push(loadavg()[0]), 5000);
const t0 = performance.now();
const code = await new Promise(resolve => {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', c => resolve(c));
});
const wallS = (performance.now() - t0) / 1000;
clearInterval(sampler);
const loadAfter = loadavg();
loadSamples.push(loadAfter[0]);
if (code !== 0) {
  console.error(`demo run failed (exit ${code})`);
  process.exit(1);
}
const u = JSON.parse(readFileSync(usageFile, 'utf8'));
const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
const result = {
  args: extra.join(' ') || '(default district)',
  schools: summary.schools,
  days: summary.days,
  executions: summary.executions,
  wallS: +wallS.toFixed(1),
  userCpuS: +(u.userCPUTime / 1e6).toFixed(1),
  systemCpuS: +(u.systemCPUTime / 1e6).toFixed(1),
  peakRssMB: Math.round(u.maxRSS / 1024),
  load1Before: +loadBefore[0].toFixed(2),
  load1After: +loadAfter[0].toFixed(2),
  load1Mean: +(
    loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length
  ).toFixed(2),
  load1Max: +Math.max(...loadSamples).toFixed(2),
};
writeFileSync(
  join(outDir, 'demo.json'),
  JSON.stringify(result, null, 2) + '\n',
);
const fmt = s => {
  const m = Math.floor(s / 60);
  return `${m} min ${(s - m * 60).toFixed(0)} s`;
};
console.log(`demo district: ${result.args}`);
console.log(
  `  ${result.schools} schools, ${result.days} days, ${result.executions} executions`,
);
console.log(`  wall          ${fmt(result.wallS)} (${result.wallS} s)`);
console.log(
  `  user CPU      ${result.userCpuS} s (system ${result.systemCpuS} s)`,
);
console.log(`  peak RSS      ${result.peakRssMB} MB`);
console.log(
  `  load average  ${result.load1Mean} mean, ${result.load1Max} max while it ran; ${result.load1Before} before, ${result.load1After} after (1 min, ${
    process.env.CI ? 'CI' : 'shared machine'
  })`,
);
