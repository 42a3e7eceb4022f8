/**
 * Preload (`node -r scripts/fixed-cpu-charge.cjs dist/cli.cjs run ...`) that makes the
 * offline runtime's CPU charge deterministic: every performance.now() reading advances
 * 1 ms. The simulated clock normally charges the bundle's real CPU time, so where a long
 * run pauses (and its serviceCalls) moves with the machine's load; with this preload two
 * builds that decide the same things write byte-identical summary.json files, which is how
 * a speed-up is checked to change nothing. The runner's own engine is the only reader of
 * performance.now() in the CLI.
 */
'use strict';
const perfHooks = require('node:perf_hooks');
let t = 0;
perfHooks.performance.now = () => (t += 1);
