/**
 * What the browser tests share: Debian's Chromium (or CHROMIUM_PATH), the built sidebar,
 * the screenshot folder, the sidebar's width, and google.script.run as Apps Script
 * provides it. Without Chromium the browser tests are skipped with a one-line hint, except
 * under CI=true, where a missing browser fails the run.
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SIDEBAR = join(__dirname, '../../dist/sidebar.html');
export const SHOTS = join(__dirname, '../../test-output/screenshots');
export const WIDTH = 300;

/** google.script.run as Apps Script provides it: async, chained handlers, Error on failure. */
export const RUN_STUB = `
(() => {
  window.__calls = [];
  function runner(ok, fail) {
    return new Proxy({}, {
      get(_t, prop) {
        if (prop === 'withSuccessHandler') return f => runner(f, fail);
        if (prop === 'withFailureHandler') return f => runner(ok, f);
        if (prop === 'withUserObject') return () => runner(ok, fail);
        return (...args) => {
          const plain = JSON.parse(JSON.stringify(args));
          window.__calls.push({name: String(prop), args: plain});
          window.__gasCall(String(prop), plain).then(r => {
            if (r.ok) { if (ok) ok(r.result); }
            else if (fail) { const e = new Error(r.message); e.name = r.name; fail(e); }
          });
        };
      },
    });
  }
  window.google = {script: {run: runner(null, null), host: {close() {}}}};
})();
`;

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') {
  // CI must run the browser tests: a missing browser fails the run instead of skipping.
  throw new Error(
    `Chromium not found at ${CHROMIUM} (CI=true): apt-get install chromium`,
  );
}
if (!hasChromium) {
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM}. Install it with \`apt-get install chromium\` or set CHROMIUM_PATH.`,
  );
}

/** describe where Chromium is installed, describe.skip where it is not (outside CI). */
export const describeInChromium = hasChromium ? describe : describe.skip;
