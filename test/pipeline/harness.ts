/**
 * Drives the built bundle (dist/Code.js) on the offline runtime the way the local
 * runner does: settings saved from the demo district's hints, triggers installed,
 * simulated time advanced so one-off and continuation triggers fire.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type * as vm from 'node:vm';
import {createDemoDistrict, type DemoDistrict} from '../../src/demo';
import {
  createOfflineRuntime,
  type FiredTrigger,
  type InstallationSource,
  type OfflineRuntime,
} from '../../src/offline/runtime';

export const ROOT = join(__dirname, '..', '..');
export const DIST = join(ROOT, 'dist');
const DAY_MS = 86_400_000;

let compiledSource: string | null = null;

export function bundleSource(): string {
  if (compiledSource) return compiledSource;
  if (!existsSync(join(DIST, 'Code.js'))) {
    execFileSync('node', [join(ROOT, 'scripts/build.mjs')], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  }
  compiledSource = readFileSync(join(DIST, 'Code.js'), 'utf8');
  return compiledSource;
}

const districts = new Map<string, DemoDistrict>();

export function district(schools = 4, days = 120, seed = 11): DemoDistrict {
  const key = `${schools}/${days}/${seed}`;
  let d = districts.get(key);
  if (!d) {
    d = createDemoDistrict({schools, days, seed});
    districts.set(key, d);
  }
  return d;
}

export function utcMs(day: string, hour: number): number {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y, m - 1, d, hour);
}

export interface Harness {
  d: DemoDistrict;
  rt: OfflineRuntime;
  script: vm.Script;
  /** Every trigger firing so far. */
  fired: FiredTrigger[];
  /** Largest number of project triggers seen after any service call. */
  maxTriggers(): number;
  /** Runs an entry point as the admin would; throws its error. */
  call(fn: string, ...args: unknown[]): unknown;
  /** Advances the clock in 5-minute steps until no run is in progress. */
  drain(maxSteps?: number): void;
  advance(ms: number): FiredTrigger[];
}

export interface HarnessOptions {
  schools?: number;
  days?: number;
  seed?: number;
  /** Start the clock this many days after the district's end date (noon UTC). */
  startOffsetDays?: number;
  install?: boolean;
  /** Run as an Editor add-on installed this way (default: a bound script). */
  installationSource?: InstallationSource;
  /** Settings over the district's hints. */
  settings?: Record<string, unknown>;
}

export function openHarness(opts: HarnessOptions = {}): Harness {
  const d = district(opts.schools, opts.days, opts.seed);
  const rt = createOfflineRuntime({
    data: d.data,
    timeZone: d.timeZone,
    startTime: utcMs(d.endDate, 12) + (opts.startOffsetDays ?? 1) * DAY_MS,
    htmlDir: DIST,
    costs: {cpuFactor: 0},
    installationSource: opts.installationSource,
  });
  const script = rt.compile(bundleSource(), 'Code.js');
  const fired: FiredTrigger[] = [];
  let max = 0;
  rt.onServiceCall = () => {
    if (rt.triggers.length > max) max = rt.triggers.length;
  };
  const h: Harness = {
    d,
    rt,
    script,
    fired,
    maxTriggers: () => max,
    call(fn, ...args) {
      const r = rt.execute(script, fn, args);
      if (!r.ok) throw new Error(`${fn} failed: ${r.error?.message}`);
      return r.result;
    },
    advance(ms) {
      const batch = rt.advanceTo(rt.clock.now() + ms, script);
      fired.push(...batch);
      return batch;
    },
    drain(maxSteps = 200) {
      for (let i = 0; i < maxSteps; i++) {
        h.advance(5 * 60 * 1000);
        const p = h.call('getProgress') as {running: boolean};
        if (!p.running && !hasContinuation(rt)) return;
      }
      throw new Error('the run did not finish');
    },
  };
  h.call('saveSettings', {
    ...d.settingsHints,
    startDate: d.startDate,
    calendar: d.calendar,
    alertRecipients: ['data-team@district.example.org'],
    ...opts.settings,
  });
  if (opts.install !== false) h.call('installTriggers');
  return h;
}

export function hasContinuation(rt: OfflineRuntime): boolean {
  return rt.triggers.some(
    t => t.handler === 'continueRun' && t.nextRun !== null,
  );
}

export function tabValues(rt: OfflineRuntime, name: string): unknown[][] {
  const sh = rt.spreadsheet.getSheetByName(name);
  if (!sh) throw new Error(`no tab ${name}`);
  return sh.getDataRange().getValues() as unknown[][];
}

export function tabNames(rt: OfflineRuntime): string[] {
  return rt.spreadsheet.getSheets().map(s => s.getName());
}
