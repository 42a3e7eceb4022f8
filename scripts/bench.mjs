// `npm run bench`: runs every benchmark of the project in one go and prints their tables.
// Each bench-*.mjs script prints its own table and writes JSON under out/bench/.
import {spawnSync} from 'node:child_process';
import {readdirSync, mkdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, '..', 'out', 'bench'), {recursive: true});
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter(f => /^bench-.+\.mjs$/.test(f))
  .filter(f => only.length === 0 || only.some(o => f.includes(o)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== ${script} ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(here, script)], {stdio: 'inherit'});
  console.log(`(${script}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (r.status !== 0) failed++;
}
if (failed) {
  console.error(`${failed} benchmark script(s) failed`);
  process.exit(1);
}
