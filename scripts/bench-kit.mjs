// What the benchmarks share: the repository root, command-line numbers, bundling the src
// modules a benchmark measures into one loadable module, CPU and wall timing, and tables.
import * as esbuild from 'esbuild';
import {mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The number after `name` on the command line, else `dflt`. */
export function argValue(name, dflt, argv = process.argv.slice(2)) {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
}

// Packages loaded from node_modules rather than bundled (native parts, or large).
const EXTERNAL = ['@duckdb/node-api', 'exceljs', 'playwright-core'];

/**
 * Bundles the named exports of repository modules (`[['src/demo', 'createDemoDistrict'],
 * ...]`) into out/bench/<label>.cjs and loads it: the benchmark runs the TypeScript sources
 * as they are, without a separate build. The bundle stays inside the repository so the
 * packages left external resolve from its node_modules.
 */
export async function loadModules(label, modules) {
  const outDir = join(root, 'out', 'bench');
  mkdirSync(outDir, {recursive: true});
  const outfile = join(outDir, `${label}.cjs`);
  await esbuild.build({
    stdin: {
      contents: modules
        .map(([path, names]) => `export {${names}} from './${path}';`)
        .join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile,
    external: EXTERNAL,
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
