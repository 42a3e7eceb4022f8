// What the benchmarks share: the repository root, command-line numbers, bundling the src
// modules a benchmark measures into one loadable module, CPU and wall timing, tables, and
// the demo district's facts.
import * as esbuild from 'esbuild';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
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

const ROLES = ['student', 'teacher'];

/** The demo refuses a period more than this many days past a calendar file's last school day. */
const MAX_DAYS_OUTSIDE_FILE = 100;

/**
 * Days of a demo run on a calendar file (its parsed JSON): `days`, capped to what the file
 * covers (the demo starts on the Monday two weeks before the file's first school day).
 */
export function calendarFileDays(file, days) {
  const first = Date.parse(file.years[0].firstDay);
  const last = Date.parse(file.years[file.years.length - 1].lastDay);
  const start = first - 14 * 86_400_000;
  const monday = start - ((new Date(start).getUTCDay() + 6) % 7) * 86_400_000;
  const most =
    Math.floor((last - monday) / 86_400_000) + MAX_DAYS_OUTSIDE_FILE + 1;
  return Math.min(days, most);
}

/**
 * The demo district's student and teacher facts by school, as the ingest delivers them, with
 * the generator's calendar and injected events for scoring (cached under out/bench/cache).
 * `E` holds createDemoDistrict and addDays (from loadModules).
 */
export function demoFacts(E, {schools, days, seed, calendar, calendarName}) {
  const cacheDir = join(root, 'out', 'bench', 'cache');
  mkdirSync(cacheDir, {recursive: true});
  const tag = calendar ? `-${calendarName}` : '';
  const file = join(
    cacheDir,
    `demo-facts-${schools}-${days}-${seed}${tag}.json`,
  );
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const d = E.createDemoDistrict({schools, days, seed, calendar});
  const t = d.truth;
  const bySchool = new Map(d.schools.map(s => [s.schoolId, s]));
  const enrolled = (id, role) =>
    role === 'student'
      ? bySchool.get(id).enrolledStudents
      : bySchool.get(id).enrolledTeachers;
  const byKey = new Map(
    t.daily
      .filter(r => r.schoolId && ROLES.includes(r.role))
      .map(r => [`${r.date}\t${r.schoolId}\t${r.role}`, r]),
  );
  const daily = [];
  // The ingest reports every enrolled group every day, zero when nobody was active.
  for (let day = d.startDate; day <= d.endDate; day = E.addDays(day, 1)) {
    for (const s of d.schools) {
      for (const role of ROLES) {
        const r = byKey.get(`${day}\t${s.schoolId}\t${role}`);
        const active = r ? r.activeUsers : 0;
        const events = r ? r.loginEvents + r.classroomEvents : 0;
        const enr = enrolled(s.schoolId, role);
        daily.push({
          date: day,
          schoolId: s.schoolId,
          role,
          app: 'workspace',
          product: '',
          activeUsers: active,
          enrolledUsers: enr,
          pctAccess: enr > 0 ? (active / enr) * 100 : null,
          events,
          engagementIndex: enr > 0 ? (events / enr) * 1000 : null,
          logins: r ? r.logins : 0,
          loginsPerActive: r && active > 0 ? r.logins / active : null,
          sessionMinutes: null,
          assignmentsCreated: r ? r.courseWorkPublished : 0,
          submissionsTurnedIn: r ? r.turnedIn : 0,
          lateSubmissions: 0,
          workReturned: 0,
          gradesEntered: r ? r.gradesSet : 0,
          comments: 0,
          announcements: 0,
          flags: [],
        });
      }
    }
  }
  const weekly = t.weekly
    .filter(w => w.schoolId && ROLES.includes(w.role))
    .map(w => {
      const enr = enrolled(w.schoolId, w.role);
      return {
        week: w.week,
        weekStart: w.weekStart,
        schoolId: w.schoolId,
        role: w.role,
        app: 'workspace',
        product: '',
        activeUsers: w.activeUsers,
        enrolledUsers: enr,
        pctAccess: enr > 0 ? (w.activeUsers / enr) * 100 : null,
        events: w.events,
        engagementIndex: enr > 0 ? (w.events / enr) * 1000 : null,
        logins: 0,
        submissionsTurnedIn: 0,
        assignmentsCreated: 0,
        gradesEntered: 0,
        schoolDays: w.schoolDays,
        flags: [],
      };
    });
  const out = {
    schools,
    days,
    seed,
    startDate: d.startDate,
    endDate: d.endDate,
    calendar: d.calendar,
    names: d.schools.map(s => [s.schoolId, s.name]),
    anomalies: t.anomalies,
    dataIssues: t.dataIssues,
    daily,
    weekly,
  };
  writeFileSync(file, JSON.stringify(out));
  return out;
}
