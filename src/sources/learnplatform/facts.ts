/**
 * Maps LearnPlatform aggregates onto the canonical DailyFact, so forecasting, anomaly
 * detection and correlation run on LearnPlatform series exactly as on Google data.
 *
 * The data set publishes rates, not head counts: pct_access (percent of a district's
 * students with a page load that day) and engagement_index (page loads per 1,000 students).
 * The counts of a fact are therefore expressed for a standard district of STUDENT_BASIS
 * students: enrolledUsers = STUDENT_BASIS, activeUsers = pct_access% of it, events = page
 * loads. With the published two-decimal rates these counts are exact integers, and
 * activeUsers / enrolledUsers x 100 and events / enrolledUsers x 1,000 give back the
 * published rates.
 *
 * District x day facts (product '') sum engagement over products (page loads add up over
 * products, the denominator being the same students); pct_access does not add up (a student
 * may use several products), so the district's access is the highest product's pct_access,
 * a lower bound on the share of students using any product, flagged `estimated`.
 * A day whose engagement_index is missing for every product has engagementIndex null and
 * the flag `partial`: missing is never zero.
 * Pure: no Apps Script or Node globals.
 */
import type {DailyFact, FactFlag, School} from '../../core/types';
import {DD, PD, meanOf} from './aggregate';
import type {LearnPlatformDataset} from './importer';
import type {Product} from './metadata';

export const STUDENT_BASIS = 100000;
/** DailyFact.app of district totals. */
export const LEARNPLATFORM_APP = 'learnplatform';
/** DailyFact.schoolId of product facts summed over every district. */
export const ALL_DISTRICTS = 'all';

function baseFact(
  date: string,
  schoolId: string,
  app: string,
  product: string,
): DailyFact {
  return {
    date,
    schoolId,
    role: 'student',
    app,
    product,
    activeUsers: 0,
    enrolledUsers: STUDENT_BASIS,
    pctAccess: null,
    events: 0,
    engagementIndex: null,
    logins: 0,
    loginsPerActive: null,
    sessionMinutes: null,
    assignmentsCreated: 0,
    submissionsTurnedIn: 0,
    lateSubmissions: 0,
    workReturned: 0,
    gradesEntered: 0,
    comments: 0,
    announcements: 0,
    flags: [],
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function fillRates(
  f: DailyFact,
  pct: number | null,
  eng: number | null,
  flags: FactFlag[],
) {
  f.pctAccess = pct === null ? null : round6(pct);
  f.activeUsers = pct === null ? 0 : Math.round((pct / 100) * STUDENT_BASIS);
  f.engagementIndex = eng === null ? null : round6(eng);
  f.events = eng === null ? 0 : Math.round((eng / 1000) * STUDENT_BASIS);
  if (pct === null || eng === null) flags.push('partial');
  f.flags = flags;
}

/** One fact per district and day: engagement summed over products, access of the top product. */
export function districtDailyFacts(ds: LearnPlatformDataset): DailyFact[] {
  const out: DailyFact[] = [];
  const ids = Object.keys(ds.aggregates.districtDay).sort();
  for (const id of ids) {
    const days = ds.aggregates.districtDay[id];
    for (const day of Object.keys(days).sort()) {
      const c = days[day];
      const f = baseFact(day, id, LEARNPLATFORM_APP, '');
      const pct = c[DD.accessN] > 0 ? c[DD.accessMax] : null;
      const eng = c[DD.engN] > 0 ? c[DD.engSum] : null;
      fillRates(f, pct, eng, pct === null ? [] : ['estimated']);
      out.push(f);
    }
  }
  return out;
}

/** The product family a fact is filed under: the essential function's main category. */
export function productFamily(p: Product | undefined): string {
  return p?.essentialFunction.main ?? 'unclassified';
}

/**
 * One fact per catalogued product and day over all districts: the mean pct_access and mean
 * engagement_index of the districts whose file has the product that day.
 */
export function productDailyFacts(ds: LearnPlatformDataset): DailyFact[] {
  const byId = new Map(ds.products.map(p => [p.lpId, p]));
  const out: DailyFact[] = [];
  for (const lp of Object.keys(ds.aggregates.productDay).sort()) {
    const days = ds.aggregates.productDay[lp];
    for (const day of Object.keys(days).sort()) {
      const c = days[day];
      const f = baseFact(day, ALL_DISTRICTS, productFamily(byId.get(lp)), lp);
      fillRates(
        f,
        meanOf(c[PD.accessSum], c[PD.accessN]),
        meanOf(c[PD.engSum], c[PD.engN]),
        [],
      );
      out.push(f);
    }
  }
  return out;
}

/** Districts as the pipeline's schools (peer attributes: state and locale). */
export function districtSchools(ds: LearnPlatformDataset): School[] {
  const seen = new Set<string>();
  const out: School[] = [];
  for (const d of ds.districts) {
    seen.add(d.districtId);
    out.push({
      id: d.districtId,
      name: `District ${d.districtId}`,
      orgUnitPath: '',
      enrolledStudents: null,
      enrolledTeachers: null,
      locale: d.locale ?? undefined,
      state: d.stateCode ?? undefined,
    });
  }
  // Engagement files of districts missing from districts_info.csv are still schools.
  for (const id of Object.keys(ds.aggregates.districtDay).sort()) {
    if (seen.has(id)) continue;
    out.push({
      id,
      name: `District ${id}`,
      orgUnitPath: '',
      enrolledStudents: null,
      enrolledTeachers: null,
    });
  }
  return out;
}
