/**
 * The district's org unit tree as Setup shows it (pure): users per unit, a first proposal of
 * which units are schools and which hold students and teachers, the picks written compactly
 * as settings, and the preview of what a set of rules selects. The sidebar runs the same
 * code in the browser (tree, proposal) and the server runs it for the preview.
 */
import type {Settings} from '../core/types';
import {
  attributionRules,
  ouRole,
  parentPath,
  pathSegments,
  schoolPathOf,
  type AttributionRules,
} from './attribution';

/** Active and suspended-or-archived users per org unit path (the unit itself, not below). */
export type Census = Record<string, [active: number, inactive: number]>;

export interface OrgUnitNode {
  path: string;
  name: string;
  /** '' for the root. */
  parent: string;
  depth: number;
  /** Active users in this unit itself and in it and every unit below it. */
  users: number;
  total: number;
  /** Suspended or archived accounts in this unit itself. */
  inactive: number;
  children: number;
}

/** Which units were picked (full paths; role picks cover the units below them too). */
export interface UnitPicks {
  schools: string[];
  students: string[];
  teachers: string[];
}

/** The org unit settings that picks are saved as. */
export type UnitSettings = Pick<
  Settings,
  'orgUnitRules' | 'schoolUnits' | 'studentUnits' | 'teacherUnits'
>;

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Paths in tree order: parents before children, siblings by name ('/A' < '/A/B' < '/B'). */
function treeOrder(a: string, b: string): number {
  const x = pathSegments(a);
  const y = pathSegments(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = x[i].localeCompare(y[i], 'en', {numeric: true});
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/**
 * The tree from Orgunits.list (type=all) and a census of users per unit. Units that hold
 * users but are missing from the list (deleted since) still appear, so no user goes
 * uncounted; the root '/' is the first node.
 */
export function orgUnitTree(
  orgUnits: unknown[],
  census: Census,
): OrgUnitNode[] {
  const byPath = new Map<string, OrgUnitNode>();
  const add = (path: string, name: string) => {
    if (byPath.has(path)) return;
    const segs = pathSegments(path);
    byPath.set(path, {
      path,
      name,
      parent: path === '/' ? '' : parentPath(path),
      depth: segs.length,
      users: 0,
      total: 0,
      inactive: 0,
      children: 0,
    });
  };
  add('/', 'All users');
  for (const raw of orgUnits) {
    const o = (raw ?? {}) as Record<string, unknown>;
    const path = str(o.orgUnitPath);
    if (!path || !path.startsWith('/')) continue;
    const segs = pathSegments(path);
    add(path, str(o.name) ?? segs[segs.length - 1] ?? '/');
  }
  for (const path of Object.keys(census)) {
    if (!path.startsWith('/')) continue;
    const segs = pathSegments(path);
    add(path, segs[segs.length - 1] ?? '/');
  }
  // Ancestors of every unit exist too (a list may skip one the caller cannot read).
  for (const path of [...byPath.keys()]) {
    let p = path === '/' ? '' : parentPath(path);
    while (p && !byPath.has(p)) {
      const segs = pathSegments(p);
      add(p, segs[segs.length - 1]);
      p = p === '/' ? '' : parentPath(p);
    }
  }
  for (const [path, [active, inactive]] of Object.entries(census)) {
    const n = byPath.get(path);
    if (!n) continue;
    n.users += active;
    n.inactive += inactive;
  }
  const nodes = [...byPath.values()].sort((a, b) => treeOrder(a.path, b.path));
  // Children after parents: totals accumulate from the deepest up.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    n.total += n.users;
    if (n.parent) {
      const p = byPath.get(n.parent)!;
      p.total += n.total;
      p.children++;
    }
  }
  return nodes;
}

const STUDENT_NAME = /^(students?|pupils?|learners?)$/i;
const TEACHER_NAME = /^(teachers?|faculty|educators?|instructors?)$/i;
/** Staff units hold teachers only where a school has no teacher unit of its own. */
const STAFF_NAME = /^staff$/i;

/**
 * A first proposal. Role units are those named like Students or Teachers. Schools are the
 * units that hold a role unit; a district with no role units gets, as schools, the children
 * of the unit with the most children that hold users.
 */
export function proposePicks(tree: OrgUnitNode[]): UnitPicks {
  const students = tree.filter(n => STUDENT_NAME.test(n.name)).map(n => n.path);
  const hasTeacherUnit = new Set(
    tree.filter(n => TEACHER_NAME.test(n.name)).map(n => n.parent),
  );
  const teachers = tree
    .filter(
      n =>
        TEACHER_NAME.test(n.name) ||
        (STAFF_NAME.test(n.name) && !hasTeacherUnit.has(n.parent)),
    )
    .map(n => n.path);
  const schools = new Set<string>();
  for (const p of [...students, ...teachers]) {
    const parent = parentPath(p);
    if (parent !== '/') schools.add(parent);
  }
  if (!schools.size) {
    let best: OrgUnitNode | null = null;
    for (const n of tree) {
      const withUsers = tree.filter(c => c.parent === n.path && c.total > 0);
      if (withUsers.length >= 2 && (!best || n.children > best.children)) {
        best = n;
      }
    }
    if (best) {
      for (const c of tree) {
        if (c.parent === best.path && c.total > 0) schools.add(c.path);
      }
    }
  }
  return {
    schools: [...schools].sort(treeOrder),
    students: topmost(students),
    teachers: topmost(teachers),
  };
}

/** Drops paths that lie under another path of the list (a role covers its subtree). */
function topmost(paths: string[]): string[] {
  const set = new Set(paths.map(p => p.toLowerCase()));
  return paths
    .filter(p => {
      for (let q = parentPath(p); q !== '/'; q = parentPath(q)) {
        if (set.has(q.toLowerCase())) return false;
      }
      return true;
    })
    .sort(treeOrder);
}

/**
 * Picks written compactly, so a district of any size fits the 9 KB settings property: the
 * children of a unit become `/unit/*` (with `!` exceptions) when most of them are picked,
 * and role units become a unit name when every unit of that name is picked.
 */
export function compactPicks(
  tree: OrgUnitNode[],
  picks: UnitPicks,
): UnitSettings {
  const byParent = new Map<string, OrgUnitNode[]>();
  for (const n of tree) {
    if (!n.parent) continue;
    const list = byParent.get(n.parent) ?? [];
    list.push(n);
    byParent.set(n.parent, list);
  }
  const byPath = new Map(tree.map(n => [n.path, n]));
  const byName = new Map<string, OrgUnitNode[]>();
  for (const n of tree) {
    if (!n.parent) continue;
    const k = n.name.toLowerCase();
    const list = byName.get(k);
    if (list) list.push(n);
    else byName.set(k, [n]);
  }
  const picked = new Set(picks.schools);
  const covered = new Set<string>();
  const schoolUnits: string[] = [];
  for (const [parent, kids] of byParent) {
    const chosen = kids.filter(k => picked.has(k.path));
    if (chosen.length < 2 || chosen.length * 2 <= kids.length) continue;
    schoolUnits.push(parent === '/' ? '/*' : `${parent}/*`);
    for (const k of kids) {
      if (picked.has(k.path)) covered.add(k.path);
      else schoolUnits.push(`!${k.path}`);
    }
  }
  for (const p of picks.schools) if (!covered.has(p)) schoolUnits.push(p);
  const roles = (mine: string[]): string[] => {
    const top = topmost(mine);
    const pickedSet = new Set(top);
    const isCovered = (path: string): boolean => {
      for (let q = path; q !== '/'; q = parentPath(q)) {
        if (pickedSet.has(q)) return true;
      }
      return false;
    };
    const out: string[] = [];
    const done = new Set<string>();
    for (const p of top) {
      const node = byPath.get(p);
      const same = node ? (byName.get(node.name.toLowerCase()) ?? []) : [];
      if (
        node &&
        same.length >= 2 &&
        !node.name.includes('/') &&
        same.every(n => isCovered(n.path))
      ) {
        const k = node.name.toLowerCase();
        if (!done.has(k)) {
          done.add(k);
          out.push(node.name);
        }
        continue;
      }
      out.push(p);
    }
    return out;
  };
  return {
    orgUnitRules: 'units',
    schoolUnits,
    studentUnits: roles(picks.students),
    teacherUnits: roles(picks.teachers),
  };
}

/** What a set of rules makes of each unit: school, and the role its own users get. */
export function classifyTree(
  tree: OrgUnitNode[],
  rules: AttributionRules,
): Map<string, {school: string | null; role: 'student' | 'teacher' | null}> {
  const out = new Map<
    string,
    {school: string | null; role: 'student' | 'teacher' | null}
  >();
  for (const n of tree) {
    const r = n.path === '/' ? null : ouRole(n.path, rules);
    out.set(n.path, {
      school: n.path === '/' ? null : schoolPathOf(n.path, rules),
      role: r === 'student' || r === 'teacher' ? r : null,
    });
  }
  return out;
}

/** The picks a set of settings amounts to on this tree (to show saved rules as picks). */
export function picksOf(tree: OrgUnitNode[], settings: Settings): UnitPicks {
  const rules = attributionRules(settings);
  const c = classifyTree(tree, rules);
  const schools = tree
    .filter(n => c.get(n.path)!.school === n.path)
    .map(n => n.path);
  const roleUnits = (role: 'student' | 'teacher') =>
    topmost(tree.filter(n => c.get(n.path)!.role === role).map(n => n.path));
  return {
    schools,
    students: roleUnits('student'),
    teachers: roleUnits('teacher'),
  };
}

export interface PreviewSchool {
  path: string;
  name: string;
  students: number;
  teachers: number;
  /** Active users the org unit rules give no role: Classroom rosters decide them later. */
  other: number;
}

export interface SetupPreviewCore {
  schools: PreviewSchool[];
  totals: {
    users: number;
    inactive: number;
    students: number;
    teachers: number;
    other: number;
    inSchools: number;
  };
  /** Active accounts in no school, and the units holding most of them. */
  noSchool: {users: number; units: {path: string; users: number}[]};
  /** Things an admin should look at before saving. */
  warnings: string[];
}

/** What a set of rules selects on this tree (pure; the server adds the backfill cost). */
export function previewRules(
  tree: OrgUnitNode[],
  settings: Settings,
  minGroupSize: number,
): SetupPreviewCore {
  const rules = attributionRules(settings);
  const c = classifyTree(tree, rules);
  const schools = new Map<string, PreviewSchool>();
  for (const n of tree) {
    if (c.get(n.path)!.school === n.path) {
      schools.set(n.path, {
        path: n.path,
        name: n.name,
        students: 0,
        teachers: 0,
        other: 0,
      });
    }
  }
  const totals = {
    users: 0,
    inactive: 0,
    students: 0,
    teachers: 0,
    other: 0,
    inSchools: 0,
  };
  const loose = new Map<string, number>();
  for (const n of tree) {
    totals.inactive += n.inactive;
    if (!n.users) continue;
    const {school, role} = c.get(n.path)!;
    totals.users += n.users;
    if (role === 'student') totals.students += n.users;
    else if (role === 'teacher') totals.teachers += n.users;
    else totals.other += n.users;
    const s = school ? schools.get(school) : undefined;
    if (!s) {
      loose.set(n.path, n.users);
      continue;
    }
    totals.inSchools += n.users;
    if (role === 'student') s.students += n.users;
    else if (role === 'teacher') s.teachers += n.users;
    else s.other += n.users;
  }
  const list = [...schools.values()].sort((a, b) => treeOrder(a.path, b.path));
  const warnings: string[] = [];
  if (!list.length) {
    warnings.push(
      'No unit is a school: every user would be counted in no school.',
    );
  }
  const noStudents = list.filter(s => s.students === 0);
  if (list.length && noStudents.length) {
    warnings.push(
      `${noStudents.length} of ${list.length} schools ${noStudents.length === 1 ? 'has' : 'have'} no students by org unit (e.g. ${noStudents
        .slice(0, 3)
        .map(s => s.name)
        .join(', ')}); Classroom rosters decide their roles.`,
    );
  }
  const small = list.filter(
    s => s.students > 0 && s.students < minGroupSize,
  ).length;
  if (small) {
    warnings.push(
      `${small} school${small === 1 ? ' has' : 's have'} fewer than ${minGroupSize} students: their figures are withheld from the Looker tabs.`,
    );
  }
  const noSchoolUsers = [...loose.values()].reduce((a, b) => a + b, 0);
  if (totals.users && noSchoolUsers / totals.users > 0.25) {
    warnings.push(
      `${Math.round((100 * noSchoolUsers) / totals.users)}% of active accounts fall in no school.`,
    );
  }
  return {
    schools: list,
    totals,
    noSchool: {
      users: noSchoolUsers,
      units: [...loose]
        .sort((a, b) => b[1] - a[1] || treeOrder(a[0], b[0]))
        .slice(0, 10)
        .map(([path, users]) => ({path, users})),
    },
    warnings,
  };
}
