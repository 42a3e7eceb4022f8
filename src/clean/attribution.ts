/**
 * Which school and which role a user belongs to (pure).
 *
 * School, with `orgUnitRules: 'patterns'`: the user's org unit's ancestor at depth
 * `schoolOuDepth` (depth 2 makes `/Schools/PS 001` the school of
 * `/Schools/PS 001/Students/Grade 3`), kept only when it matches `schoolOuPattern` (if
 * set). With `orgUnitRules: 'units'`: the nearest of the user's org unit and its ancestors
 * that the picked `schoolUnits` make a school. Users elsewhere are in no school.
 *
 * Role, first rule that decides wins:
 *  1. the org unit rules (`teacherOuPattern`, then `studentOuPattern`, or the picked
 *     teacher and student units): the district's own, explicit configuration;
 *  2. Classroom rosters: a teacher of any course is a teacher (teachers often enrol in
 *     training courses as students), else a student of any course is a student;
 *  3. the usage report's `classroom:role` (teacher = taught a course active in the last
 *     30 days);
 *  4. `staff` when org unit rules are configured (the account matched neither rule),
 *     otherwise `unknown`.
 */
import {InputError} from '../core/errors';
import {
  compilePattern as compileSetting,
  effectiveRolePatterns,
  parseSchoolUnit,
} from '../core/settings';
import type {Role, Settings} from '../core/types';

/** A settings pattern (a leading `(?i)` makes it case-insensitive); InputError names the field. */
export function compilePattern(pattern: string, field: string): RegExp | null {
  if (!pattern || !pattern.trim()) return null;
  try {
    return compileSetting(pattern);
  } catch (e) {
    throw new InputError(
      field,
      `not a valid regular expression (${(e as Error).message})`,
    );
  }
}

/** Segments of an org unit path: '/Schools/PS 001' -> ['Schools', 'PS 001']. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter(s => s !== '');
}

/** Picked school units, lower-cased paths (org unit paths compare case-insensitively). */
export interface SchoolUnitSets {
  schools: Set<string>;
  /** Units each of whose children is a school. */
  parents: Set<string>;
  not: Set<string>;
}

export interface AttributionRules {
  schoolDepth: number;
  school: RegExp | null;
  student: RegExp | null;
  teacher: RegExp | null;
  /** Set when schools come from picked units (then depth and school pattern are unused). */
  units: SchoolUnitSets | null;
}

export function schoolUnitSets(entries: readonly string[]): SchoolUnitSets {
  const out: SchoolUnitSets = {
    schools: new Set(),
    parents: new Set(),
    not: new Set(),
  };
  for (const e of entries) {
    const u = parseSchoolUnit(e);
    if (!u) continue;
    const p = u.path.toLowerCase();
    if (u.kind === 'school') out.schools.add(p);
    else if (u.kind === 'children') out.parents.add(p);
    else out.not.add(p);
  }
  return out;
}

/** The parent path of an org unit path ('/A/B' -> '/A', '/A' -> '/'). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function isPickedSchool(path: string, u: SchoolUnitSets): boolean {
  const p = path.toLowerCase();
  if (p === '/' || u.not.has(p)) return false;
  return u.schools.has(p) || u.parents.has(parentPath(p));
}

export function attributionRules(settings: Settings): AttributionRules {
  const depth = settings.schoolOuDepth;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new InputError(
      'schoolOuDepth',
      `must be a whole number of at least 1, got ${depth}`,
    );
  }
  const units = settings.orgUnitRules === 'units';
  const roles = effectiveRolePatterns(settings);
  return {
    schoolDepth: depth,
    school: units
      ? null
      : compilePattern(settings.schoolOuPattern, 'schoolOuPattern'),
    student: compilePattern(
      roles.student,
      units ? 'studentUnits' : 'studentOuPattern',
    ),
    teacher: compilePattern(
      roles.teacher,
      units ? 'teacherUnits' : 'teacherOuPattern',
    ),
    units: units ? schoolUnitSets(settings.schoolUnits) : null,
  };
}

/** True when an org unit path is itself a school. */
export function isSchoolPath(path: string, rules: AttributionRules): boolean {
  if (rules.units) return isPickedSchool(path, rules.units);
  const segs = pathSegments(path);
  if (segs.length !== rules.schoolDepth) return false;
  return rules.school ? rules.school.test(`/${segs.join('/')}`) : true;
}

/** The school org unit path a user's org unit belongs to, or null. */
export function schoolPathOf(
  userOuPath: string,
  rules: AttributionRules,
): string | null {
  const segs = pathSegments(userOuPath);
  if (rules.units) {
    // The nearest picked school: a school's annex picked on its own wins over the school.
    for (let d = segs.length; d >= 1; d--) {
      const p = `/${segs.slice(0, d).join('/')}`;
      if (isPickedSchool(p, rules.units)) return p;
    }
    return null;
  }
  if (segs.length < rules.schoolDepth) return null;
  const schoolPath = `/${segs.slice(0, rules.schoolDepth).join('/')}`;
  return isSchoolPath(schoolPath, rules) ? schoolPath : null;
}

export function ouRole(
  userOuPath: string,
  rules: AttributionRules,
): Role | null {
  if (rules.teacher && rules.teacher.test(userOuPath)) return 'teacher';
  if (rules.student && rules.student.test(userOuPath)) return 'student';
  return null;
}

export interface RoleEvidence {
  ou: Role | null;
  /** Courses the user teaches / studies in (Classroom rosters). */
  teaches: number;
  studies: number;
  /** classroom:role from the usage report, if any. */
  usage: string | null;
}

export type RoleSource = 'ou' | 'roster' | 'usage' | 'default';

export function resolveRole(
  ev: RoleEvidence,
  rules: AttributionRules,
): {role: Role; by: RoleSource} {
  if (ev.ou) return {role: ev.ou, by: 'ou'};
  if (ev.teaches > 0) return {role: 'teacher', by: 'roster'};
  if (ev.studies > 0) return {role: 'student', by: 'roster'};
  const u = ev.usage?.toLowerCase();
  if (u === 'teacher' || u === 'student') return {role: u, by: 'usage'};
  const configured = rules.student !== null || rules.teacher !== null;
  return {role: configured ? 'staff' : 'unknown', by: 'default'};
}
