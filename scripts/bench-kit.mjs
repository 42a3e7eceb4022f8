// What the benchmarks share: the repository root, command-line numbers, bundling the src
// modules a benchmark measures into one loadable module, CPU and wall timing, and tables.
import * as esbuild from 'esbuild';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The number after `name` on the command line, else `dflt`. */
export function argValue(name, dflt, argv = process.argv.slice(2)) {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
}

/**
 * Bundles the named exports of repository modules (`[['src/demo', 'createDemoDistrict'],
 * ...]`) into one CommonJS module in a temporary folder and loads it: the benchmark runs
 * the TypeScript sources as they are, without a separate build.
 */
export async function loadModules(label, modules) {
  const tmp = mkdtempSync(join(tmpdir(), `${label}-`));
  const entry = join(tmp, 'entry.ts');
  writeFileSync(
    entry,
    modules
      .map(
        ([path, names]) =>
          `export {${names}} from ${JSON.stringify(join(root, path))};`,
      )
      .join('\n'),
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
  return require(outfile);
}

/** CPU milliseconds this process has used (user and system). */
export const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The value of `fn()` with its wall and CPU milliseconds. */
export function timed(fn) {
  const c = cpuNow();
  const w = performance.now();
  const value = fn();
  return {value, ms: performance.now() - w, cpu: cpuNow() - c};
}

/** A number to `d` decimals, '-' when missing or not finite. */
export const fmt = (v, d = 2) =>
  v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d);

/** Prints a table: the first column left-aligned, the others right-aligned. */
export function table(title, header, rows) {
  const all = [header, ...rows].map(r => r.map(String));
  const w = header.map((_, j) => Math.max(...all.map(r => r[j].length)));
  console.log(`\n${title}`);
  all.forEach((r, i) => {
    console.log(
      r.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  '),
    );
    if (i === 0) console.log(w.map(x => '-'.repeat(x)).join('  '));
  });
}
