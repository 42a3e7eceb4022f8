/** Expected facts computed straight from a fixture's generated events. */
import type {Fixture} from './fixture';

export interface Expected {
  users: Set<string>;
  events: number;
  logins: number;
  assignmentsCreated: number;
  submissionsTurnedIn: number;
  lateSubmissions: number;
  workReturned: number;
  gradesEntered: number;
  comments: number;
  announcements: number;
}

const KIND: Record<string, keyof Expected | null> = {
  login: null,
  logout: null,
  activity: null,
  created: 'assignmentsCreated',
  turned_in: 'submissionsTurnedIn',
  returned: 'workReturned',
  grade: 'gradesEntered',
  comment: 'comments',
  announcement: 'announcements',
};

export function expectedFacts(
  fx: Fixture,
  days: Set<string>,
): Map<string, Expected> {
  const byId = new Map(fx.users.map(u => [u.id, u]));
  const out = new Map<string, Expected>();
  const get = (k: string) => {
    let e = out.get(k);
    if (!e) {
      e = {
        users: new Set(),
        events: 0,
        logins: 0,
        assignmentsCreated: 0,
        submissionsTurnedIn: 0,
        lateSubmissions: 0,
        workReturned: 0,
        gradesEntered: 0,
        comments: 0,
        announcements: 0,
      };
      out.set(k, e);
    }
    return e;
  };
  for (const t of fx.truth) {
    if (!days.has(t.day)) continue;
    const u = byId.get(t.userId)!;
    const school = u.school >= 0 ? fx.schoolIds[u.school] : '_none';
    for (const app of [t.app, 'workspace']) {
      const e = get(`${t.day}|${school}|${u.role}|${app}`);
      e.users.add(u.id);
      e.events++;
      if (t.kind === 'login') e.logins++;
      const m = KIND[t.kind];
      if (m) (e[m] as number)++;
      if (t.kind === 'turned_in' && t.late) e.lateSubmissions++;
    }
  }
  return out;
}

/** Distinct users per ISO week x school x role x app. */
export function expectedWeekly(
  fx: Fixture,
  weekOf: (day: string) => string,
  days: Set<string>,
): Map<string, number> {
  const byId = new Map(fx.users.map(u => [u.id, u]));
  const sets = new Map<string, Set<string>>();
  for (const t of fx.truth) {
    if (!days.has(t.day)) continue;
    const u = byId.get(t.userId)!;
    const school = u.school >= 0 ? fx.schoolIds[u.school] : '_none';
    for (const app of [t.app, 'workspace']) {
      const k = `${weekOf(t.day)}|${school}|${u.role}|${app}`;
      if (!sets.has(k)) sets.set(k, new Set());
      sets.get(k)!.add(u.id);
    }
  }
  return new Map([...sets].map(([k, s]) => [k, s.size]));
}
