/**
 * Which school and which role a user belongs to (pure).
 *
 * School: the user's org unit's ancestor at depth `schoolOuDepth` (depth 2 makes
 * `/Schools/PS 001` the school of `/Schools/PS 001/Students/Grade 3`), kept only when
 * it matches `schoolOuPattern` (if set). Users elsewhere are in no school.
 *
 * Role, first rule that decides wins:
 *  1. the org unit rules (`teacherOuPattern`, then `studentOuPattern`): the district's
 *     own, explicit configuration;
 *  2. Classroom rosters: a teacher of any course is a teacher (teachers often enrol in
 *     training courses as students), else a student of any course is a student;
 *  3. the usage report's `classroom:role` (teacher = taught a course active in the last
 *     30 days);
 *  4. `staff` when org unit rules are configured (the account matched neither rule),
 *     otherwise `unknown`.
 */
import {InputError} from '../core/errors';
import {compilePattern as compileSetting} from '../core/settings';
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

export interface AttributionRules {
  schoolDepth: number;
  school: RegExp | null;
  student: RegExp | null;
  teacher: RegExp | null;
}

export function attributionRules(settings: Settings): AttributionRules {
  const depth = settings.schoolOuDepth;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new InputError(
      'schoolOuDepth',
      `must be a whole number of at least 1, got ${depth}`,
    );
  }
  return {
    schoolDepth: depth,
    school: compilePattern(settings.schoolOuPattern, 'schoolOuPattern'),
    student: compilePattern(settings.studentOuPattern, 'studentOuPattern'),
    teacher: compilePattern(settings.teacherOuPattern, 'teacherOuPattern'),
  };
}

/** True when an org unit path is itself a school. */
export function isSchoolPath(path: string, rules: AttributionRules): boolean {
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
