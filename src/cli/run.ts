/**
 * `node dist/cli.cjs run --source demo|learnplatform:DIR [--schools N] [--days N] [--seed S] --out DIR`
 *
 * Runs the real bundle (dist/Code.js) on the offline Apps Script runtime exactly as it runs
 * in Apps Script: an admin saves the settings and installs the triggers, then simulated
 * time passes and the nightly, weekly and continuation triggers fire as they come due.
 * Writes DIR/workbook.xlsx, DIR/report.html and DIR/summary.json.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {daysBetween} from '../clean/dates';
import {InputError} from '../core/errors';
import type {Settings} from '../core/types';
import {
  createDemoDistrict,
  parseCalendarFile,
  type CalendarFile,
  type DemoDistrict,
} from '../demo';
import {createOfflineRuntime, type OfflineRuntime} from '../offline/runtime';
import type {Snapshot} from '../sheets/view-types';
import {renderReportHtml} from '../ui/report';
import type {WhatIfView} from '../analysis/whatif';
import {exportWorkbook} from './export-xlsx';
import {evaluateDemo, type DemoSummary} from './summary';
import {learnPlatformRun} from './run-learnplatform';
import {drainRuns, openSession, Progress, type Session} from './session';

export interface RunArgs {
  source: string;
  schools?: number;
  days?: number;
  seed?: number;
  out: string;
  quiet: boolean;
  /** Every execution in a fresh context (slower); by default one context is reused. */
  freshContexts: boolean;
  /**
   * Evaluation only: 'truth' hands the product the generator's own calendar. By default
   * the product gets none, as on a real install, and learns it from the activity.
   */
  calendar: 'learned' | 'truth';
  /** Demo only: the district's own calendar file, followed by the generator. */
  calendarFile?: string;
  /** Print the usage and stop. */
  help?: boolean;
}

export const RUN_HELP = `usage: node dist/cli.cjs run --source demo|learnplatform:DIR --out DIR [options]

  --source demo            the seeded demo district, run as a real install: the product is
                           given no calendar and no other part of the ground truth
  --source learnplatform:DIR  a LearnPlatform-format export folder
  --out DIR                writes DIR/workbook.xlsx, DIR/report.html, DIR/summary.json
  --schools N, --days N, --seed S   the demo district's size, length and seed
  --calendar truth         evaluation only: hands the product the generator's own calendar
                           (default: learned, the product infers it from the activity)
  --calendar-file FILE     the demo district follows this JSON school calendar (format in
                           src/demo/README.md) instead of the New York-like default; the
                           product still gets no calendar, the scorer compares against it
  --fresh-contexts         every execution in a fresh context (slower)
  --quiet                  no progress lines
`;

export function parseRunArgs(argv: string[]): RunArgs {
  const out: Partial<RunArgs> & {
    quiet: boolean;
    freshContexts: boolean;
    calendar: RunArgs['calendar'];
  } = {
    quiet: false,
    freshContexts: false,
    calendar: 'learned',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new InputError(a, 'needs a value');
      return v;
    };
    const int = (): number => {
      const v = next();
      if (!/^\d+$/.test(v))
        throw new InputError(a, `must be a whole number (got "${v}")`);
      return Number(v);
    };
    if (a === '--source') out.source = next();
    else if (a === '--schools') out.schools = int();
    else if (a === '--days') out.days = int();
    else if (a === '--seed') out.seed = int();
    else if (a === '--out') out.out = next();
    else if (a === '--calendar-file') out.calendarFile = next();
    else if (a === '--quiet') out.quiet = true;
    else if (a === '--fresh-contexts') out.freshContexts = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--calendar') {
      const v = next();
      if (v !== 'truth' && v !== 'learned')
        throw new InputError(a, `must be "truth" or "learned" (got "${v}")`);
      out.calendar = v;
    } else throw new InputError(a, 'unknown option');
  }
  if (out.help) return out as RunArgs;
  if (!out.source)
    throw new InputError('--source', 'is required (demo or learnplatform:DIR)');
  if (!out.out) throw new InputError('--out', 'is required');
  if (out.calendarFile && out.source !== 'demo') {
    throw new InputError('--calendar-file', 'applies to --source demo only');
  }
  return out as RunArgs;
}

const DAY_MS = 86_400_000;

function readCalendarFile(path: string): CalendarFile {
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(
      '--calendar-file',
      `cannot read ${path}: ${(e as Error).message}`,
    );
  }
  return parseCalendarFile(json, path);
}

/** Epoch ms of `day` at `hour`:00 in UTC offset terms good enough to place a simulated start. */
function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function utcMs(day: string, hour: number): number {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y, m - 1, d, hour);
}

/**
 * Days into the district's period on which the admin installs Classroom Pulse: a quarter
 * of the way in, at most 24 weeks (on the default district, a Tuesday in February of the
 * first school year). A district installs a tool mid-year, not on the first day of its
 * data: the first nightly run backfills every earlier day from the activity log (24 weeks
 * stay well inside its 180 days) over as many executions as it needs, and the triggers
 * then take over.
 */
export const INSTALL_AFTER_DAYS = 168;

export function installDay(d: DemoDistrict): number {
  const days = daysBetween(d.startDate, d.endDate) + 1;
  return Math.min(INSTALL_AFTER_DAYS, Math.floor(days / 4));
}

/**
 * What the admin enters on installing: the time zone and org unit rules, never the
 * calendar, which the product learns from the activity (as on a real install).
 * `--calendar truth` hands it the generator's calendar, to evaluate against that.
 */
export function demoSettings(
  d: DemoDistrict,
  calendar: RunArgs['calendar'],
): Partial<Settings> {
  return {
    ...d.settingsHints,
    startDate: d.startDate,
    ...(calendar === 'truth' ? {calendar: d.calendar} : {}),
    alertRecipients: ['data-team@district.example.org'],
  };
}

/**
 * The district leader's question, asked once from the sidebar before the export: what if
 * teachers at the schools flagged as under-using were as active as their peers' median?
 */
function demoWhatIf(s: Session): WhatIfView | null {
  try {
    return s.call('runWhatIf', {
      schools: 'underusing',
      scenario: {kind: 'peerMedian'},
    }) as WhatIfView;
  } catch (e) {
    process.stderr.write(`what-if scenario not run: ${(e as Error).message}\n`);
    return null;
  }
}

async function writeOutputs(
  s: Session,
  outDir: string,
  extra: Record<string, unknown>,
): Promise<{snapshot: Snapshot; tabs: string[]}> {
  mkdirSync(outDir, {recursive: true});
  const snapshot = s.call('getSnapshot') as Snapshot;
  const whatIf = demoWhatIf(s);
  const tabs = await exportWorkbook(
    s.rt.spreadsheet,
    join(outDir, 'workbook.xlsx'),
  );
  writeFileSync(
    join(outDir, 'report.html'),
    renderReportHtml(snapshot, {whatIf}),
  );
  void extra;
  return {snapshot, tabs};
}

function serviceCalls(rt: OfflineRuntime): Record<string, number> {
  const byService: Record<string, number> = {};
  for (const [name, n] of Object.entries(rt.calls.byName())) {
    const service = name.split('.')[0];
    byService[service] = (byService[service] ?? 0) + n;
  }
  return byService;
}

export async function runCommand(
  argv: string[],
  distDir: string,
): Promise<void> {
  const args = parseRunArgs(argv);
  if (args.help) {
    process.stdout.write(RUN_HELP);
    return;
  }
  const outDir = resolve(args.out);
  const progress = new Progress(args.quiet);
  if (!existsSync(join(distDir, 'Code.js'))) {
    throw new InputError(
      'dist/Code.js',
      'not built: run `npm run build` first',
    );
  }
  if (args.source.startsWith('learnplatform:')) {
    await learnPlatformRun(args, distDir, progress);
    return;
  }
  if (args.source !== 'demo') {
    throw new InputError(
      '--source',
      `unknown source "${args.source}" (demo or learnplatform:DIR)`,
    );
  }
  progress.line('generating the demo district', true);
  const district = createDemoDistrict({
    schools: args.schools,
    days: args.days,
    seed: args.seed,
    calendar: args.calendarFile
      ? readCalendarFile(args.calendarFile)
      : undefined,
  });
  const end = utcMs(district.endDate, 12) + DAY_MS;
  const start = utcMs(district.startDate, 12) + installDay(district) * DAY_MS;
  const rt = createOfflineRuntime({
    data: district.data,
    timeZone: district.timeZone,
    startTime: start,
    htmlDir: distDir,
    spreadsheetName: 'Classroom Pulse (demo district)',
    reuseContexts: !args.freshContexts,
  });
  const s = openSession(rt, distDir);
  // The admin opens the spreadsheet, saves the settings and installs the triggers.
  s.call('onOpen');
  s.call('saveSettings', demoSettings(district, args.calendar));
  s.call('installTriggers');
  progress.line(
    `${district.schools.length} schools, ${district.startDate} to ${district.endDate}, installed ${dayOf(start)}`,
    true,
  );
  let fired = 0;
  // The script's own time inside the executions, less their service calls: what Apps
  // Script would run, one execution at a time, whatever the fakes and the generator cost.
  let scriptMs = 0;
  const totalDays = Math.round((end - start) / DAY_MS);
  progress.startTimeline(totalDays, dayOf(start));
  // A week at a time: where the simulated clock rests between executions shifts a few
  // API calls (day steps made 2 more Classroom calls), and the figures stay comparable.
  for (let t = start; t < end; t += 7 * DAY_MS) {
    const until = Math.min(t + 7 * DAY_MS, end);
    const batch = rt.advanceTo(until, s.script);
    fired += batch.length;
    for (const b of batch) scriptMs += b.result.cpuMs;
    if (process.env.PULSE_TRACE) {
      for (const b of batch) {
        progress.line(
          `  ${new Date(b.scheduledMs).toISOString()} ${b.handler} ok=${b.result.ok} cpu=${Math.round(b.result.cpuMs)}ms sim=${Math.round(b.result.simulatedMs)}ms calls=${b.result.calls}${b.result.error ? ' ' + b.result.error.message : ''}`,
          true,
        );
      }
    }
    if (process.env.PULSE_MEM) {
      // Memory per simulated week; with node --expose-gc, the live heap after a collection.
      const g = (globalThis as {gc?: () => void}).gc;
      if (g) g();
      const mu = process.memoryUsage();
      progress.line(
        `  mem ${dayOf(until)} fired=${fired} heap=${Math.round(mu.heapUsed / 1e6)}MB ext=${Math.round(mu.external / 1e6)}MB rss=${Math.round(mu.rss / 1e6)}MB`,
        true,
      );
    }
    const failed = batch.filter(b => !b.result.ok && !b.result.timedOut);
    for (const f of failed) {
      progress.line(`  ${f.handler} failed: ${f.result.error?.message}`, true);
    }
    progress.timeline(
      dayOf(until),
      Math.round((until - start) / DAY_MS),
      totalDays,
      fired,
    );
  }
  progress.endTimeline();
  // The admin asks for a full run at the end, so every tab reflects the whole period.
  s.call('runNow');
  drainRuns(s, progress);
  progress.line('writing workbook.xlsx and report.html', true);
  const {snapshot, tabs} = await writeOutputs(s, outDir, {});
  progress.line('scoring the outputs against the ground truth', true);
  const summary: DemoSummary = evaluateDemo({
    district,
    rt,
    spreadsheet: rt.spreadsheet,
    executions: fired,
    serviceCalls: serviceCalls(rt),
    tabs,
    snapshot,
  });
  summary.calendar.mode = args.calendar;
  writeFileSync(
    join(outDir, 'summary.json'),
    JSON.stringify(summary, null, 2) + '\n',
  );
  progress.line(
    `done in ${(progress.elapsedMs() / 1000).toFixed(1)} s; the script's own time in its ${fired} executions ${(scriptMs / 1000).toFixed(1)} s`,
    true,
  );
  printSummary(summary, outDir);
}

function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? 'n/a' : `${v.toFixed(digits)}%`;
}

function num(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? 'n/a' : v.toFixed(digits);
}

export function printSummary(s: DemoSummary, outDir: string): void {
  const lines = [
    '',
    'Classroom Pulse: demo district',
    `  schools                 ${s.schools}`,
    `  days                    ${s.days}`,
    `  executions              ${s.executions}`,
    `  service calls           ${Object.entries(s.serviceCalls)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  weekly forecast         district accuracy ${pct(s.forecast.district.accuracyPct)} (MAPE ${pct(s.forecast.district.mape)}, MASE ${num(s.forecast.district.mase)}, ${s.forecast.horizonWeeks}-week horizon); median school ${pct(s.forecast.medianSchool.accuracyPct)} (MASE ${num(s.forecast.medianSchool.mase)})`,
    `  anomalies               ${s.anomalies.flagged} flagged, ${s.anomalies.injected} injected: precision ${num(s.anomalies.precision)}, recall ${num(s.anomalies.recall)}; ${s.anomalies.onClosedDays} on closed days; ${s.anomalies.testingSurges} matched as surges on testing days`,
    `  calendar (${s.calendar.mode})`.padEnd(26) +
      `${s.calendar.closedInferred} closed days used, ${s.calendar.closedTrue} true: precision ${num(s.calendar.precision)}, recall ${num(s.calendar.recall)}; ${s.calendar.possibleOutages} possible outages to confirm`,
    `  half days               ${s.calendar.halfDaysInferred} used, ${s.calendar.halfDaysTrue} true: precision ${num(s.calendar.halfDayPrecision)}, recall ${num(s.calendar.halfDayRecall)}`,
    `  insights, alerts        ${s.insights.onClosedWeeks} of ${s.insights.count} insights and ${s.alerts.onClosedDays} of ${s.alerts.mailed} alerts on closed days or weeks`,
    `  forecast accuracy       district series ${pct(s.forecast.district.accuracyPct)}; median school ${pct(s.forecast.medianSchool.accuracyPct)} (10th-90th percentile over ${s.forecast.schoolsSpread.schools} schools ${pct(s.forecast.schoolsSpread.accuracyPct.p10)} to ${pct(s.forecast.schoolsSpread.accuracyPct.p90)})`,
    `  incidents               ${s.incidents.count} found, ${s.incidents.injectedEvents} injected events (${s.incidents.eventsAsOne} found as one incident): precision ${num(s.incidents.precision)}, recall ${num(s.incidents.recall)}`,
    `  teacher-student corr.   ${num(s.correlation.estimated)} estimated, ${num(s.correlation.truth)} true`,
    `  under-using schools     ${s.underutilized.found} found, ${s.underutilized.truth} true: precision ${num(s.underutilized.precision)}, recall ${num(s.underutilized.recall)}`,
    `  outputs                 ${join(outDir, 'workbook.xlsx')}, report.html, summary.json`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
