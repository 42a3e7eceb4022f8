/**
 * Under-utilisation: each school's (and each product's) engagement against a peer
 * benchmark, the gap in percent, ranked, and flagged at settings.underuseGapPct.
 *
 * The value of a school is the mean of its weekly metric over the school weeks of the
 * period (weeks with at least 60% of the usual school days). The benchmark is the median
 * of its peers' values: schools of the same locale and enrolment band when at least
 * MIN_PEERS such peers exist, else the same locale, else the same band, else the whole
 * district. The school itself is never its own peer. Schools with fewer enrolled students
 * than settings.minGroupSize are suppressed: no value, no rank, no flag.
 */
import {InputError} from '../core/errors';
import type {School, Settings, WeeklyFact} from '../core/types';
import {median} from '../stats/robust';

export interface UnderuseRow {
  /** 1 = largest gap below the benchmark, within the product; null when suppressed or unranked. */
  rank: number | null;
  schoolId: string;
  /** '' for the school as a whole. */
  product: string;
  metric: string;
  value: number | null;
  benchmark: number | null;
  /** `district median`, `peer median (size, locale)`, `peer median (locale)`, `peer median (size)`. */
  benchmarkKind: string;
  peers: number;
  /** (value - benchmark) / benchmark x 100: negative below the benchmark. */
  gapPct: number | null;
  flagged: boolean;
  /** Weeks averaged. */
  weeks: number;
  suppressed: boolean;
}

export interface UnderuseOptions {
  /** Weekly metric compared. Default pctAccess (share of students active). */
  metric?:
    | 'pctAccess'
    | 'engagementIndex'
    | 'activeUsers'
    | 'events'
    | 'logins'
    | 'submissionsTurnedIn';
  role?: 'student' | 'teacher';
  /** Only weeks starting on or after this Monday. */
  since?: string;
  /** Apps whose product-'' rows are the school's totals. */
  totalApps?: string[];
  schoolDaysPerWeek?: number;
  /** Fewest peers for a peer benchmark. Default 3. */
  minPeers?: number;
}

const MIN_PEERS = 3;
const DEFAULT_TOTAL_APPS = ['workspace', 'learnplatform'];

/** Enrolment band: small (< 400), medium (400-999), large (1000+) students. */
export function sizeBand(enrolled: number | null): string | null {
  if (enrolled === null || !Number.isFinite(enrolled)) return null;
  if (enrolled < 400) return 'small';
  if (enrolled < 1000) return 'medium';
  return 'large';
}

interface Entry {
  schoolId: string;
  product: string;
  value: number | null;
  weeks: number;
  enrolled: number;
  suppressed: boolean;
}

function metricOf(f: WeeklyFact, metric: string): number | null {
  const v = (f as unknown as Record<string, unknown>)[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Under-use rows for every school (product '') and every school x product, over the
 * weekly facts. `schools` supplies locale and enrolment for peer groups (schools not
 * listed are benchmarked against the district).
 */
export function underuse(
  weekly: ReadonlyArray<WeeklyFact>,
  schools: ReadonlyArray<School>,
  settings: Pick<Settings, 'underuseGapPct' | 'minGroupSize'>,
  opts: UnderuseOptions = {},
): UnderuseRow[] {
  const metric = opts.metric ?? 'pctAccess';
  const role = opts.role ?? 'student';
  const gapLimit = settings.underuseGapPct;
  if (!(typeof gapLimit === 'number' && gapLimit >= 0 && gapLimit <= 100)) {
    throw new InputError(
      'underuseGapPct',
      'must be a percentage between 0 and 100',
    );
  }
  const totalApps = new Set(opts.totalApps ?? DEFAULT_TOTAL_APPS);
  const normal = opts.schoolDaysPerWeek ?? 5;
  const minPeers = opts.minPeers ?? MIN_PEERS;
  const info = new Map(schools.map(s => [s.id, s]));

  // (school, product) -> weekly values
  const groups = new Map<
    string,
    {schoolId: string; product: string; values: number[]; enrolled: number[]}
  >();
  for (const f of weekly) {
    if (f.role !== role || f.schoolId === 'all') continue;
    if (f.product === '' && !totalApps.has(f.app)) continue;
    if (f.schoolDays < 0.6 * normal || f.flags.includes('partial')) continue;
    if (opts.since && f.weekStart < opts.since) continue;
    const v = metricOf(f, metric);
    if (v === null) continue;
    const key = `${f.schoolId}\t${f.product}`;
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = {
          schoolId: f.schoolId,
          product: f.product,
          values: [],
          enrolled: [],
        }),
      );
    g.values.push(v);
    g.enrolled.push(f.enrolledUsers);
  }
  const entries: Entry[] = [...groups.values()].map(g => {
    const enrolled = median(g.enrolled);
    const suppressed = enrolled > 0 && enrolled < settings.minGroupSize;
    return {
      schoolId: g.schoolId,
      product: g.product,
      value: suppressed
        ? null
        : g.values.reduce((a, b) => a + b, 0) / g.values.length,
      weeks: g.values.length,
      enrolled,
      suppressed,
    };
  });

  const out: UnderuseRow[] = [];
  const products = [...new Set(entries.map(e => e.product))].sort();
  for (const product of products) {
    const list = entries.filter(e => e.product === product);
    const rows: UnderuseRow[] = list.map(e => {
      const me = info.get(e.schoolId);
      const locale = me?.locale ?? null;
      const band = sizeBand(
        me?.enrolledStudents ?? (e.enrolled > 0 ? e.enrolled : null),
      );
      const others = list.filter(
        o => o.schoolId !== e.schoolId && o.value !== null,
      );
      const bandOf = (o: Entry) =>
        sizeBand(
          info.get(o.schoolId)?.enrolledStudents ??
            (o.enrolled > 0 ? o.enrolled : null),
        );
      const localeOf = (o: Entry) => info.get(o.schoolId)?.locale ?? null;
      const tiers: Array<[string, Entry[]]> = [];
      if (locale && band)
        tiers.push([
          'peer median (size, locale)',
          others.filter(o => localeOf(o) === locale && bandOf(o) === band),
        ]);
      if (locale)
        tiers.push([
          'peer median (locale)',
          others.filter(o => localeOf(o) === locale),
        ]);
      if (band)
        tiers.push([
          'peer median (size)',
          others.filter(o => bandOf(o) === band),
        ]);
      tiers.push(['district median', others]);
      let kind = 'district median';
      let peers: Entry[] = others;
      for (const [k, p] of tiers) {
        if (p.length >= minPeers || k === 'district median') {
          kind = k;
          peers = p;
          break;
        }
      }
      const benchmark =
        peers.length > 0 ? median(peers.map(p => p.value as number)) : null;
      const gapPct =
        e.value !== null && benchmark !== null && benchmark > 0
          ? ((e.value - benchmark) / benchmark) * 100
          : null;
      return {
        rank: null,
        schoolId: e.schoolId,
        product,
        metric,
        value: e.value,
        benchmark,
        benchmarkKind: kind,
        peers: peers.length,
        gapPct,
        flagged: gapPct !== null && gapPct <= -gapLimit,
        weeks: e.weeks,
        suppressed: e.suppressed,
      };
    });
    const ranked = rows
      .filter(r => r.gapPct !== null)
      .sort(
        (a, b) =>
          (a.gapPct as number) - (b.gapPct as number) ||
          (a.schoolId < b.schoolId ? -1 : 1),
      );
    ranked.forEach((r, i) => (r.rank = i + 1));
    const unranked = rows
      .filter(r => r.gapPct === null)
      .sort((a, b) => (a.schoolId < b.schoolId ? -1 : 1));
    out.push(...ranked, ...unranked);
  }
  return out;
}
