/**
 * Runtime checks of API shapes: the field names and value types of Google's API
 * descriptions, so a generator that drifts from them fails loudly.
 */
import type {
  Activity,
  Course,
  CourseWork,
  DirectoryUser,
  OrgUnit,
  StudentSubmission,
  UsageReport,
} from '../../src/offline/workspace-data';

export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INT64 = /^-?\d{1,19}$/;

function keysWithin(o: object, allowed: string[], where: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw new Error(`${where}: unexpected field ${k}`);
  }
}

export function checkActivity(a: Activity, app: string): void {
  keysWithin(
    a,
    ['kind', 'id', 'etag', 'actor', 'ownerDomain', 'ipAddress', 'events'],
    'Activity',
  );
  expect(a.kind).toBe('audit#activity');
  expect(a.id!.time).toMatch(RFC3339);
  expect(a.id!.uniqueQualifier).toMatch(INT64);
  expect(a.id!.applicationName).toBe(app);
  expect(a.id!.customerId).toMatch(/^C0[0-9a-z]+$/);
  expect(typeof a.etag).toBe('string');
  expect(a.actor!.callerType).toBe('USER');
  expect(a.actor!.email).toMatch(/^[a-z'.0-9]+@[a-z0-9.-]+$/);
  expect(a.actor!.profileId).toMatch(/^\d{21}$/);
  expect(a.ipAddress).toMatch(/^(\d+\.\d+\.\d+\.\d+|[0-9a-f:]+)$/);
  expect(a.events).toHaveLength(1);
  for (const e of a.events!) {
    expect(typeof e.type).toBe('string');
    expect(typeof e.name).toBe('string');
    for (const p of e.parameters ?? []) {
      keysWithin(
        p,
        ['name', 'value', 'intValue', 'boolValue', 'multiValue'],
        `parameter of ${e.name}`,
      );
      expect(typeof p.name).toBe('string');
      const kinds = ['value', 'intValue', 'boolValue', 'multiValue'].filter(
        k => k in p,
      );
      expect(kinds).toHaveLength(1);
      if ('value' in p) expect(typeof p.value).toBe('string');
      if ('intValue' in p) expect(p.intValue).toMatch(INT64);
      if ('boolValue' in p) expect(typeof p.boolValue).toBe('boolean');
      if ('multiValue' in p) expect(Array.isArray(p.multiValue)).toBe(true);
    }
  }
}

export function checkUsage(r: UsageReport, date: string): void {
  keysWithin(
    r,
    ['kind', 'date', 'etag', 'entity', 'parameters'],
    'UsageReport',
  );
  expect(r.kind).toBe('admin#reports#usageReport');
  expect(r.date).toBe(date);
  expect(r.entity!.type).toBe('USER');
  expect(r.entity!.profileId).toMatch(/^\d{21}$/);
  expect(r.entity!.userEmail).toContain('@');
  for (const p of r.parameters ?? []) {
    expect(p.name).toMatch(/^(accounts|classroom):[a-z_0-9]+$/);
    const kinds = [
      'intValue',
      'stringValue',
      'datetimeValue',
      'boolValue',
    ].filter(k => k in p);
    expect(kinds).toHaveLength(1);
    if ('intValue' in p) expect(p.intValue).toMatch(INT64);
    if ('datetimeValue' in p) expect(p.datetimeValue).toMatch(RFC3339);
  }
}

export function checkOrgUnit(o: OrgUnit): void {
  expect(o.orgUnitId).toMatch(/^id:[0-9a-z]+$/);
  expect(o.orgUnitPath!.startsWith('/')).toBe(true);
  expect(o.orgUnitPath!.endsWith('/' + o.name)).toBe(true);
  expect(typeof o.parentOrgUnitPath).toBe('string');
  expect(o.parentOrgUnitId).toMatch(/^id:/);
}

export function checkUser(u: DirectoryUser): void {
  expect(u.id).toMatch(/^\d{21}$/);
  expect(u.primaryEmail).toContain('@');
  expect(typeof u.name!.givenName).toBe('string');
  expect(typeof u.name!.familyName).toBe('string');
  expect(u.name!.fullName).toBe(`${u.name!.givenName} ${u.name!.familyName}`);
  expect(u.orgUnitPath!.startsWith('/')).toBe(true);
  expect(typeof u.suspended).toBe('boolean');
  expect(u.creationTime).toMatch(RFC3339);
  expect(u.lastLoginTime).toMatch(RFC3339);
}

export function checkCourse(c: Course): void {
  expect(c.id).toMatch(/^\d{12}$/);
  expect(typeof c.name).toBe('string');
  expect(['ACTIVE', 'ARCHIVED']).toContain(c.courseState);
  expect(c.ownerId).toMatch(/^\d{21}$/);
  expect(c.creationTime).toMatch(RFC3339);
}

export function checkCourseWork(w: CourseWork): void {
  expect(w.id).toMatch(/^\d+$/);
  expect(w.state).toBe('PUBLISHED');
  expect([
    'ASSIGNMENT',
    'SHORT_ANSWER_QUESTION',
    'MULTIPLE_CHOICE_QUESTION',
  ]).toContain(w.workType);
  expect(w.creationTime).toMatch(RFC3339);
  expect(w.dueDate!.year).toBeGreaterThan(2000);
  expect(w.dueTime!.hours).toBeGreaterThanOrEqual(0);
}

export function checkSubmission(s: StudentSubmission): void {
  expect([
    'NEW',
    'CREATED',
    'TURNED_IN',
    'RETURNED',
    'RECLAIMED_BY_STUDENT',
  ]).toContain(s.state);
  expect(typeof s.late).toBe('boolean');
  if (s.state === 'NEW') {
    expect(s.creationTime).toBeUndefined();
    expect(s.submissionHistory).toBeUndefined();
    return;
  }
  expect(s.creationTime).toMatch(RFC3339);
  for (const h of s.submissionHistory!) {
    const keys = Object.keys(h);
    expect(keys).toHaveLength(1);
    if (h.stateHistory) {
      expect([
        'CREATED',
        'TURNED_IN',
        'RETURNED',
        'RECLAIMED_BY_STUDENT',
        'STUDENT_EDITED_AFTER_TURN_IN',
      ]).toContain(h.stateHistory.state);
      expect(h.stateHistory.stateTimestamp).toMatch(RFC3339);
    } else {
      expect([
        'DRAFT_GRADE_POINTS_EARNED_CHANGE',
        'ASSIGNED_GRADE_POINTS_EARNED_CHANGE',
        'MAX_POINTS_CHANGE',
      ]).toContain(h.gradeHistory!.gradeChangeType);
      expect(h.gradeHistory!.gradeTimestamp).toMatch(RFC3339);
    }
  }
}
