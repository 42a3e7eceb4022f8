/**
 * The district as the Directory and Classroom describe it today: schools (org units
 * chosen by the school rule), every user's pseudonymous key with school and role, and the
 * Classroom courses with their roster sizes. Built once per run by the API source and
 * kept in the hidden store; emails and names never enter it (users are HMAC keys, and a
 * school's name is its org unit name).
 */
import type {Pseudonymizer} from '../../core/privacy';
import type {Role, School} from '../../core/types';
import {
  attributionRules,
  isSchoolPath,
  ouRole,
  pathSegments,
  resolveRole,
  schoolPathOf,
  type AttributionRules,
} from '../../clean/attribution';
import type {Settings} from '../../core/types';
import {QualityLog, exampleOf} from '../../clean/quality';
import type {Attribution, EnrolledGroup} from '../../metrics/facts';
import {NO_SCHOOL} from '../../metrics/facts';

export interface UserRec {
  emailKey: string;
  /** Index into schools, -1 for no school. */
  school: number;
  ou: Role | null;
  teaches: number;
  studies: number;
  usage: string | null;
  /** Suspended or archived: attributed, but not enrolled. */
  inactive: boolean;
  role: Role;
}

export interface CourseRec {
  id: string;
  state: string;
  ownerKey: string;
  teachers: number;
  students: number;
}

const ROLE_CODE: Record<Role, string> = {
  student: 's',
  teacher: 't',
  staff: 'f',
  unknown: 'u',
};
const CODE_ROLE: Record<string, Role> = {
  s: 'student',
  t: 'teacher',
  f: 'staff',
  u: 'unknown',
};

const USER_LINE = 'u'.charCodeAt(0);
const COURSE_LINE = 'c'.charCodeAt(0);
const CENSUS_LINE = 'o'.charCodeAt(0);
const ONE = '1'.charCodeAt(0);
const T_CODE = 't'.charCodeAt(0);
const S_CODE = 's'.charCodeAt(0);
/** CODE_ROLE by the code's character code (one-character codes). */
const ROLE_OF_CODE: Array<Role | undefined> = [];
for (const [code, role] of Object.entries(CODE_ROLE))
  ROLE_OF_CODE[code.charCodeAt(0)] = role;

/** Where fieldEnds puts the separators it finds (lines are read one at a time). */
const BARS = new Int32Array(8);

/**
 * Offsets of the first `count` (at most 8) field separators after a line's type (the
 * "u|"), in BARS, or null when the line has fewer fields (a truncated line is skipped).
 * No array per line: every execution reads a district's users this way.
 */
function fieldEnds(
  text: string,
  pos: number,
  end: number,
  count: number,
): Int32Array | null {
  let at = pos + 1;
  for (let i = 0; i < count; i++) {
    at = text.indexOf('|', at + 1);
    if (at < 0 || at >= end) return null;
    BARS[i] = at;
  }
  return BARS;
}

/** A census line ("o|active|inactive|path") into the census. */
function readCensusLine(
  text: string,
  pos: number,
  end: number,
  census: Record<string, [number, number]>,
): void {
  const bars = fieldEnds(text, pos, end, 2);
  if (!bars) return;
  census[text.slice(bars[1] + 1, end)] = [
    intAt(text, pos + 2, bars[0]),
    intAt(text, bars[0] + 1, bars[1]),
  ];
}

/** The integer written at text[from, to) (an empty field reads as 0, as Number('') does). */
function intAt(text: string, from: number, to: number): number {
  let i = from;
  const neg = i < to && text.charCodeAt(i) === 45;
  if (neg) i++;
  let v = 0;
  for (; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** A snapshot's first line: see Snapshot.head. */
export interface SnapshotHead {
  builtAt: number;
  rosterAt: number;
  schools: School[];
  quality: QualityLog;
  /** True when the snapshot keeps accounts per org unit. */
  census: boolean;
}

export class Snapshot {
  private aliasMap: Map<string, string> | null = null;
  private groups: EnrolledGroup[] | null = null;
  /** One Attribution per school index (+1, for no school) and role, shared by its users. */
  private attributions: Array<Partial<Record<Role, Attribution>>> | null = null;

  constructor(
    readonly schools: School[],
    readonly users: Map<string, UserRec>,
    readonly courses: CourseRec[],
    /** Epoch ms the Directory part was read. */
    readonly builtAt: number,
    /** Epoch ms the rosters were read (0 = never). */
    readonly rosterAt: number,
    /** District-wide findings from building it. */
    readonly quality: QualityLog,
    /**
     * Active and suspended-or-archived accounts per org unit path, or null in a snapshot
     * written before it was kept (Setup's tree reuses it instead of reading every user).
     */
    readonly census: Record<string, [number, number]> | null = null,
  ) {}

  private alias(): Map<string, string> {
    if (!this.aliasMap) {
      this.aliasMap = new Map();
      for (const [k, u] of this.users) this.aliasMap.set(u.emailKey, k);
    }
    return this.aliasMap;
  }

  /** The key an activity's actor is counted under. */
  actorKey(
    actorId: string | null,
    actorEmail: string | null,
    keys: Pseudonymizer,
  ): string {
    if (actorId) return keys.ofId(actorId);
    const ek = keys.ofEmail(actorEmail ?? '');
    return this.alias().get(ek) ?? ek;
  }

  /**
   * School and role of a user key (asked per active user and day). Read-only: the users
   * of a school and role share one object, so a day's users allocate nothing here.
   */
  attribute(key: string): Attribution | null {
    const u = this.users.get(key);
    if (u === undefined) return null;
    const bySchool = (this.attributions ??= []);
    const byRole = (bySchool[u.school + 1] ??= {});
    let at = byRole[u.role];
    if (at === undefined) {
      at = {
        schoolId: u.school >= 0 ? this.schools[u.school].id : NO_SCHOOL,
        role: u.role,
      };
      byRole[u.role] = at;
    }
    return at;
  }

  /**
   * Every school x role with enrolled (active) users; zero groups of a school's students
   * and teachers too. Computed once per snapshot (each day's facts need it); read-only.
   */
  enrolledGroups(): EnrolledGroup[] {
    this.groups ??= this.countGroups();
    return this.groups;
  }

  private countGroups(): EnrolledGroup[] {
    const counts = new Map<string, number>();
    for (const s of this.schools) {
      counts.set(`${s.id}\tstudent`, 0);
      counts.set(`${s.id}\tteacher`, 0);
    }
    // One key string per school and role, made on first use: the same string each time
    // hashes once, where a fresh one per user was hashed (and built) per user.
    const keyOf: Array<Record<string, string>> = [];
    for (const u of this.users.values()) {
      if (u.inactive) continue;
      const byRole = (keyOf[u.school + 1] ??= {});
      let k = byRole[u.role];
      if (k === undefined) {
        const school = u.school >= 0 ? this.schools[u.school].id : NO_SCHOOL;
        k = byRole[u.role] = `${school}\t${u.role}`;
      }
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return [...counts].map(([k, enrolled]) => {
      const [schoolId, role] = k.split('\t');
      return {schoolId, role: role as Role, enrolled};
    });
  }

  serialize(): string {
    const head = {
      v: 1,
      builtAt: this.builtAt,
      rosterAt: this.rosterAt,
      schools: this.schools,
      quality: this.quality.toJSON(),
      ...(this.census ? {census: 1} : {}),
    };
    const lines = [JSON.stringify(head)];
    // The path last: an org unit name may hold a bar.
    for (const [path, [a, i]] of Object.entries(this.census ?? {})) {
      lines.push(`o|${a}|${i}|${path}`);
    }
    for (const c of this.courses) {
      lines.push(
        `c|${c.id}|${c.state}|${c.ownerKey}|${c.teachers}|${c.students}`,
      );
    }
    for (const [k, u] of this.users) {
      lines.push(
        `u|${k}|${u.emailKey}|${u.school}|${u.ou ? ROLE_CODE[u.ou] : ''}|${u.teaches}|${u.studies}|${
          u.usage === 'teacher' ? 't' : u.usage === 'student' ? 's' : ''
        }|${u.inactive ? 1 : 0}|${ROLE_CODE[u.role]}`,
      );
    }
    return lines.join('\n');
  }

  /**
   * The first line only (schools, quality findings, build times): what the analysis
   * needs, without reading every user.
   */
  static head(text: string): SnapshotHead {
    const end = text.indexOf('\n');
    const h = JSON.parse(end < 0 ? text : text.slice(0, end)) as {
      builtAt: number;
      rosterAt: number;
      schools: School[];
      quality: unknown;
      census?: number;
    };
    return {
      builtAt: h.builtAt,
      rosterAt: h.rosterAt,
      schools: h.schools,
      quality: QualityLog.fromJSON(h.quality),
      census: h.census === 1,
    };
  }

  /**
   * A snapshot from its text, whole or as the consecutive pieces the store keeps it in
   * (read piece by piece: a district's snapshot is megabytes, and joining it first cost
   * more than reading it).
   */
  static deserialize(text: string | readonly string[]): Snapshot {
    const parts = typeof text === 'string' ? [text] : text;
    let head: SnapshotHead | null = null;
    let census: Record<string, [number, number]> | null = null;
    const users = new Map<string, UserRec>();
    const courses: CourseRec[] = [];
    // A line split between pieces is carried into the next.
    let carry = '';
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const buf = carry === '' ? parts[i] : carry + parts[i];
      const n = buf.length;
      let pos = 0;
      if (head === null) {
        const first = buf.indexOf('\n');
        if (first < 0 && !last) {
          carry = buf;
          continue;
        }
        head = Snapshot.head(buf);
        if (head.census) census = {};
        pos = first < 0 ? n : first + 1;
      }
      // Read by offsets rather than split: every execution of a large district reads it.
      const stop = last ? n : buf.lastIndexOf('\n') + 1;
      while (pos < stop) {
        let end = buf.indexOf('\n', pos);
        if (end < 0) end = n;
        Snapshot.readLine(buf, pos, end, users, courses, census);
        pos = end + 1;
      }
      carry = last ? '' : buf.slice(Math.max(pos, stop));
    }
    if (head === null) head = Snapshot.head('');
    return new Snapshot(
      head.schools,
      users,
      courses,
      head.builtAt,
      head.rosterAt,
      head.quality,
      census,
    );
  }

  /** One user, census or course line (text[pos, end)) into the maps being built. */
  private static readLine(
    text: string,
    pos: number,
    end: number,
    users: Map<string, UserRec>,
    courses: CourseRec[],
    census: Record<string, [number, number]> | null,
  ): void {
    const kind = text.charCodeAt(pos);
    if (kind === USER_LINE) {
      const bars = fieldEnds(text, pos, end, 8);
      if (bars) {
        const k = bars[0];
        const email = bars[1];
        const school = bars[2];
        const ou = bars[3];
        const teaches = bars[4];
        const studies = bars[5];
        const usage = bars[6];
        const inactive = bars[7];
        const usageCode =
          usage > studies + 1 ? text.charCodeAt(studies + 1) : 0;
        users.set(text.slice(pos + 2, k), {
          emailKey: text.slice(k + 1, email),
          school: intAt(text, email + 1, school),
          ou: ou > school + 1 ? (CODE_ROLE[text[school + 1]] ?? null) : null,
          teaches: intAt(text, ou + 1, teaches),
          studies: intAt(text, teaches + 1, studies),
          usage:
            usageCode === T_CODE
              ? 'teacher'
              : usageCode === S_CODE
                ? 'student'
                : null,
          inactive: text.charCodeAt(usage + 1) === ONE,
          role:
            end === inactive + 2
              ? (ROLE_OF_CODE[text.charCodeAt(inactive + 1)] ?? 'unknown')
              : (CODE_ROLE[text.slice(inactive + 1, end)] ?? 'unknown'),
        });
      }
    } else if (kind === CENSUS_LINE) {
      if (census) readCensusLine(text, pos, end, census);
    } else if (kind === COURSE_LINE) {
      const p = text.slice(pos, end).split('|');
      courses.push({
        id: p[1],
        state: p[2],
        ownerKey: p[3],
        teachers: Number(p[4]),
        students: Number(p[5]),
      });
    }
  }

  /** The census lines alone (Setup reads them without building every user record). */
  static censusOf(
    text: string,
  ): {builtAt: number; census: Record<string, [number, number]>} | null {
    const head = Snapshot.head(text);
    if (!head.census) return null;
    const census: Record<string, [number, number]> = {};
    let pos = text.indexOf('\n') + 1;
    while (pos > 0 && pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      if (text.charCodeAt(pos) === CENSUS_LINE)
        readCensusLine(text, pos, end, census);
      pos = end + 1;
    }
    return {builtAt: head.builtAt, census};
  }
}

/* ---------------------------------------------------------------- building -- */

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null
    ? (v as Record<string, unknown>)
    : {};
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Mutable state of a snapshot being built (saved as the stage when paused). */
export interface SnapshotDraft {
  schools: School[];
  schoolPaths: string[];
  users: Array<
    [
      key: string,
      emailKey: string,
      school: number,
      ou: string,
      inactive: number,
    ]
  >;
  usage: Record<string, string>;
  courses: Array<[id: string, state: string, ownerKey: string]>;
  /** key -> [courses taught, courses studied] */
  evidence: Record<string, [number, number]>;
  /** course index -> [teachers, students] */
  rosterCounts: Array<[number, number]>;
  quality: unknown;
  /** Accounts per org unit path: [active, suspended or archived]. */
  census?: Record<string, [number, number]>;
}

export function emptyDraft(): SnapshotDraft {
  return {
    schools: [],
    schoolPaths: [],
    users: [],
    usage: {},
    courses: [],
    evidence: {},
    rosterCounts: [],
    quality: [],
    census: {},
  };
}

/** Schools from the org units: every OU the school rule accepts, sorted by path. */
export function schoolsFromOrgUnits(
  orgUnits: unknown[],
  rules: AttributionRules,
  quality: QualityLog,
): {schools: School[]; paths: string[]} {
  const found: School[] = [];
  for (const raw of orgUnits) {
    const ou = rec(raw);
    const path = str(ou.orgUnitPath);
    if (!path) {
      quality.add('', 'missing_field', 'api:directory', 1, 'orgUnitPath');
      continue;
    }
    if (!isSchoolPath(path, rules)) continue;
    const id = str(ou.orgUnitId) ?? `path:${path}`;
    const segs = pathSegments(path);
    found.push({
      id,
      name: str(ou.name) ?? segs[segs.length - 1],
      orgUnitPath: path,
      enrolledStudents: null,
      enrolledTeachers: null,
    });
  }
  found.sort((a, b) => (a.orgUnitPath < b.orgUnitPath ? -1 : 1));
  return {schools: found, paths: found.map(s => s.orgUnitPath)};
}

/** Adds one page of Directory users to the draft. */
export function addUsers(
  draft: SnapshotDraft,
  items: unknown[],
  rules: AttributionRules,
  keys: Pseudonymizer,
  quality: QualityLog,
): void {
  const index = new Map(draft.schoolPaths.map((p, i) => [p, i]));
  // A page's users sit in few org units: each path's school and role are found once.
  const byPath = new Map<string, {school: number; ou: string}>();
  for (const raw of items) {
    const u = rec(raw);
    const id = str(u.id);
    const email = str(u.primaryEmail);
    if (!id || !email) {
      quality.add(
        '',
        'missing_field',
        'api:directory',
        1,
        id ? 'primaryEmail' : 'id',
      );
      continue;
    }
    const path = str(u.orgUnitPath) ?? '/';
    const inactive = u.suspended === true || u.archived === true;
    // A draft paused before censuses were kept has none: it stays without.
    if (draft.census) (draft.census[path] ??= [0, 0])[inactive ? 1 : 0]++;
    let unit = byPath.get(path);
    if (unit === undefined) {
      const schoolPath = schoolPathOf(path, rules);
      const ou = ouRole(path, rules);
      unit = {
        school: schoolPath === null ? -1 : (index.get(schoolPath) ?? -1),
        ou: ou ? ROLE_CODE[ou] : '',
      };
      byPath.set(path, unit);
    }
    draft.users.push([
      keys.ofId(id),
      keys.ofEmail(email),
      unit.school,
      unit.ou,
      inactive ? 1 : 0,
    ]);
  }
}

/** Adds one page of usage reports (classroom:role) to the draft. */
export function addUsageRoles(
  draft: SnapshotDraft,
  items: unknown[],
  keys: Pseudonymizer,
): void {
  for (const raw of items) {
    const r = rec(raw);
    const entity = rec(r.entity);
    const id = str(entity.profileId);
    const email = str(entity.userEmail);
    if (!id && !email) continue;
    const params = Array.isArray(r.parameters) ? r.parameters : [];
    for (const p of params) {
      const pr = rec(p);
      if (pr.name === 'classroom:role' && typeof pr.stringValue === 'string') {
        const key = id ? keys.ofId(id) : keys.ofEmail(email!);
        draft.usage[key] = pr.stringValue.toLowerCase();
      }
    }
  }
}

export function addCourses(
  draft: SnapshotDraft,
  items: unknown[],
  keys: Pseudonymizer,
): void {
  for (const raw of items) {
    const c = rec(raw);
    const id = str(c.id);
    if (!id) continue;
    const owner = str(c.ownerId);
    draft.courses.push([
      id,
      str(c.courseState) ?? 'ACTIVE',
      owner ? keys.ofId(owner) : '',
    ]);
  }
}

/** Adds one page of a course's teachers or students. */
export function addRoster(
  draft: SnapshotDraft,
  courseIndex: number,
  kind: 'teachers' | 'students',
  items: unknown[],
  keys: Pseudonymizer,
): void {
  const counts = (draft.rosterCounts[courseIndex] ??= [0, 0]);
  for (const raw of items) {
    const m = rec(raw);
    const uid = str(m.userId) ?? str(rec(m.profile).id);
    if (!uid) continue;
    const key = keys.ofId(uid);
    const ev = (draft.evidence[key] ??= [0, 0]);
    if (kind === 'teachers') {
      ev[0]++;
      counts[0]++;
    } else {
      ev[1]++;
      counts[1]++;
    }
  }
}

/**
 * Resolves roles and enrolment and returns the finished snapshot. With `previous`
 * and no fresh rosters, roster evidence and courses carry over from it.
 */
export function finishSnapshot(
  draft: SnapshotDraft,
  settings: Settings,
  builtAt: number,
  rosterAt: number,
  previous: Snapshot | null,
  rostersFresh: boolean,
): Snapshot {
  const rules = attributionRules(settings);
  const quality = QualityLog.fromJSON(draft.quality);
  const users = new Map<string, UserRec>();
  const oldEvidence = (k: string): [number, number] => {
    const u = previous?.users.get(k);
    return u ? [u.teaches, u.studies] : [0, 0];
  };
  let noSchool = 0;
  for (const [key, emailKey, school, ouCode, inactive] of draft.users) {
    const [teaches, studies] = rostersFresh
      ? (draft.evidence[key] ?? [0, 0])
      : oldEvidence(key);
    const usage = draft.usage[key] ?? null;
    const ou = ouCode ? CODE_ROLE[ouCode] : null;
    const {role} = resolveRole({ou, teaches, studies, usage}, rules);
    users.set(key, {
      emailKey,
      school,
      ou,
      teaches,
      studies,
      usage: usage === 'teacher' || usage === 'student' ? usage : null,
      inactive: inactive === 1,
      role,
    });
    if (school < 0 && inactive !== 1) noSchool++;
  }
  if (noSchool > 0) {
    quality.add(
      '',
      'users_in_no_school',
      'api:directory',
      noSchool,
      undefined,
      'Active accounts whose org unit is under no school; counted under school _none.',
    );
  }
  let courses: CourseRec[];
  if (rostersFresh) {
    courses = draft.courses.map(([id, state, ownerKey], i) => ({
      id,
      state,
      ownerKey,
      teachers: draft.rosterCounts[i]?.[0] ?? 0,
      students: draft.rosterCounts[i]?.[1] ?? 0,
    }));
  } else {
    courses = previous?.courses ?? [];
  }
  const noTeacher = courses.filter(
    c => c.state === 'ACTIVE' && c.teachers === 0,
  );
  if (noTeacher.length) {
    quality.add(
      '',
      'courses_with_no_teacher',
      'api:classroom',
      noTeacher.length,
      undefined,
      `Active courses with no teacher in the roster (e.g. course ${noTeacher
        .slice(0, 3)
        .map(c => exampleOf(c.id, 24))
        .join(', ')}).`,
    );
  }
  if (courses.length) {
    let lonely = 0;
    for (const u of users.values()) {
      if (!u.inactive && u.role === 'student' && u.studies === 0) lonely++;
    }
    if (lonely) {
      quality.add(
        '',
        'students_in_no_course',
        'api:classroom',
        lonely,
        undefined,
        'Active students who are in no Classroom course roster.',
      );
    }
  }
  const schools = draft.schools.map(s => ({
    ...s,
    enrolledStudents: 0,
    enrolledTeachers: 0,
  }));
  for (const u of users.values()) {
    if (u.inactive || u.school < 0) continue;
    const s = schools[u.school];
    if (u.role === 'student') s.enrolledStudents!++;
    else if (u.role === 'teacher') s.enrolledTeachers!++;
  }
  return new Snapshot(
    schools,
    users,
    courses,
    builtAt,
    rosterAt,
    quality,
    draft.census ?? null,
  );
}
