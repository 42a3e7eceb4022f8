/**
 * The demo district in the LearnPlatform COVID-19 data set format.
 *
 * Mapping: each demo school is one LearnPlatform "district" (its own district_id).
 * LearnPlatform districts are the unit whose engagement is measured and described by
 * demographics, and a school is the demo's unit of analysis, injected anomalies and
 * under-use; so the LearnPlatform series of a school can be checked against the same
 * ground truth as its Google series. All are in New York; Staten Island schools are
 * 'Suburb', the others 'City'.
 *
 * Google Classroom's rows come from the same delivered student activity as the
 * Reports API (pct_access = students with a Classroom event / enrolled x 100;
 * engagement_index = page loads per 1,000 students, page loads modelled as 6 per active
 * student plus 3 per event). Other products follow the school's daily student
 * activity with their own reach, depth, noise and test-prep peaks.
 *
 * Published quirks reproduced: lp_id written as a float (`32213.0`), rows with a blank
 * lp_id, a blank engagement_index where pct_access is 0, suppressed (blank)
 * demographics, product names with quoted commas and quotes, optional byte-order mark
 * and CRLF line ends.
 */
import {DistrictModel} from './model';
import {PRODUCTS} from './names';
import {Rng} from './random';
import type {DailyTruth} from './truth';

export interface LearnPlatformOptions {
  /** Start every file with a UTF-8 byte-order mark (default false). */
  bom?: boolean;
  /** CRLF line ends (default false). */
  crlf?: boolean;
  /** Reproduce the published data quirks (default true). */
  quirks?: boolean;
}

export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function band(v: number, width: number, lo = 0, hiCap?: number): string {
  const k = Math.floor((v - lo) / width);
  const a = lo + k * width;
  const b = hiCap !== undefined ? Math.min(hiCap, a + width) : a + width;
  const f = (x: number) =>
    Number.isInteger(x) ? String(x) : String(Number(x.toFixed(2)));
  return `[${f(a)}, ${f(b)}[`;
}

/** Two decimals at most, always with a decimal point (`0.0`, `12.5`), as published. */
function fmt(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Number.isInteger(r) ? `${r}.0` : String(r);
}

export function learnPlatformFiles(
  m: DistrictModel,
  daily: DailyTruth[],
  opts: LearnPlatformOptions = {},
): Record<string, string> {
  const quirks = opts.quirks ?? true;
  const nl = opts.crlf ? '\r\n' : '\n';
  const bom = opts.bom ? '\ufeff' : '';
  const file = (rows: string[][]) =>
    bom + rows.map(r => r.map(csvField).join(',')).join(nl) + nl;
  const files: Record<string, string> = {};

  files['products_info.csv'] = file([
    [
      'LP ID',
      'URL',
      'Product Name',
      'Provider/Company Name',
      'Sector(s)',
      'Primary Essential Function',
    ],
    ...PRODUCTS.map(p => [
      String(p.lpId),
      p.url,
      p.name,
      p.provider,
      quirks && p.name === 'PowerSchool' ? '' : p.sectors,
      p.function,
    ]),
  ]);

  const dRows: string[][] = [
    [
      'district_id',
      'state',
      'locale',
      'pct_black/hispanic',
      'pct_free/reduced',
      'county_connections_ratio',
      'pp_total_raw',
    ],
  ];
  for (const s of m.schools) {
    const r = new Rng(m.seed, 0x1d15, s.index);
    const hide = () => quirks && r.chance(0.08);
    dRows.push([
      s.lpDistrictId,
      'New York',
      s.locale,
      hide() ? '' : band(s.pctBlackHispanic, 0.2),
      hide() ? '' : band(s.pctFreeReduced, 0.2),
      hide() ? '' : s.connectionsRatio < 1 ? '[0.18, 1[' : '[1, 2[',
      hide() ? '' : band(s.ppTotal, 2000),
    ]);
  }
  files['districts_info.csv'] = file(dRows);

  // Student Classroom activity per school and date, from the delivered events.
  const cls = new Map<string, DailyTruth>();
  for (const d of daily) {
    if (d.role === 'student' && d.schoolId)
      cls.set(`${d.schoolId}|${d.date}`, d);
  }
  for (const s of m.schools) {
    const r = new Rng(m.seed, 0x1e9, s.index);
    const uses = PRODUCTS.map(p => p.lpId === 32213 || r.chance(0.75));
    const affinity = PRODUCTS.map(() => Math.exp(0.35 * r.normal()));
    const rows: string[][] = [
      ['time', 'lp_id', 'pct_access', 'engagement_index'],
    ];
    const id = (lp: number) => (quirks ? `${lp}.0` : String(lp));
    const enrolled = s.students;
    for (let i = 0; i < m.nDays; i++) {
      const day = m.cal.days[i];
      const pS = m.pStudent[s.index][i];
      PRODUCTS.forEach((p, k) => {
        if (!uses[k]) return;
        let users: number;
        let loads: number;
        if (p.lpId === 32213) {
          const t = cls.get(`${s.orgUnitId}|${day.date}`);
          users = t ? t.classroomActiveUsers : 0;
          loads = users * 6 + (t ? t.classroomEvents * 3 : 0);
        } else {
          const testing = day.testing[s.level] > 1 ? p.testPrep : 1;
          const mean = enrolled * pS * p.reach * affinity[k] * testing;
          users = Math.min(enrolled, r.negBinomial(mean, 20));
          loads = users > 0 ? r.negBinomial(users * p.depth, 8) : 0;
        }
        if (users === 0 && !(day.kind === 'school' && r.chance(0.3))) return;
        const pct = (100 * users) / enrolled;
        const ei = (1000 * loads) / enrolled;
        const blankEi = users === 0 || (quirks && r.chance(0.004));
        rows.push([day.date, id(p.lpId), fmt(pct), blankEi ? '' : fmt(ei)]);
      });
      if (quirks && r.chance(0.002)) rows.push([day.date, '', '0.0', '']);
    }
    files[`engagement_data/${s.lpDistrictId}.csv`] = file(rows);
  }
  return files;
}
