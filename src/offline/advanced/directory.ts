/**
 * The AdminDirectory fake: users and org units over a WorkspaceData, with the Directory
 * API's paging, ordering, projections and rate limit.
 */
import type {Engine} from '../engine';
import type {DirectoryUser, OrgUnit, WorkspaceData} from '../workspace-data';
import {
  Api,
  DEFAULT_API_LIMITS,
  fingerprint,
  type ApiLimits,
  type Args,
} from './api';

/** A sorted Users.list result and the (user, key) sequence it was sorted from. */
class SortedUsers {
  constructor(
    private readonly users: DirectoryUser[],
    private readonly keys: string[],
    private readonly sorted: DirectoryUser[],
  ) {}
  /** The sorted list if `users` and `keys` are the same sequence as before. */
  reuse(users: DirectoryUser[], keys: string[]): DirectoryUser[] | undefined {
    if (users.length !== this.users.length) return undefined;
    for (let i = 0; i < users.length; i++) {
      if (users[i] !== this.users[i] || keys[i] !== this.keys[i])
        return undefined;
    }
    return this.sorted;
  }
}

/* ---------------------------------------------------------- AdminDirectory */

export function makeAdminDirectory(
  engine: Engine,
  data: WorkspaceData,
  limits?: Partial<ApiLimits>,
) {
  const api = new Api(engine, {...DEFAULT_API_LIMITS, ...limits});
  const rate = api.perMinute(api.limits.directoryPerMinute, name =>
    api.bad(name, 'Rate limit exceeded', 403, 'userRateLimitExceeded'),
  );
  const checkCustomer = (name: string, customer: unknown) => {
    if (customer !== 'my_customer' && customer !== data.customerId) {
      throw api.bad(name, 'Bad Request', 400, 'badRequest');
    }
  };

  const orgunitsList = (customerId: string, optionalArgs: Args = {}) => {
    const name = 'directory.orgunits.list';
    const args = optionalArgs ?? {};
    return api.serve(
      'AdminDirectory.Orgunits.list',
      name,
      rate(name),
      () => {
        checkCustomer(name, customerId);
        api.enums(name, args);
        const type = String(args.type ?? 'children');
        const root = String(args.orgUnitPath ?? '/').replace(/\/+$/, '') || '/';
        const all = data.orgUnits();
        const under = (p: string) =>
          root === '/' ? p !== '/' : p.startsWith(`${root}/`);
        let list: OrgUnit[];
        if (type === 'children') {
          list = all.filter(
            o =>
              (o.parentOrgUnitPath ?? '/') === root && o.orgUnitPath !== root,
          );
        } else {
          list = all.filter(o => under(o.orgUnitPath ?? '/'));
          if (type === 'allIncludingParent') {
            const parent = all.find(o => o.orgUnitPath === root);
            if (parent) list = [parent, ...list];
          }
        }
        if (root !== '/' && !all.some(o => o.orgUnitPath === root)) {
          throw api.bad(name, 'Org unit not found', 404, 'notFound');
        }
        const out: Record<string, unknown> = {
          kind: 'admin#directory#orgUnits',
          etag: `"${fingerprint([root, type])}"`,
        };
        if (list.length) out.organizationUnits = list;
        return out;
      },
      r => ((r.organizationUnits as unknown[]) ?? []).length,
      args.fields,
    );
  };

  /** The clauses of a Users.list query this fake understands. */
  const matchQuery = (
    name: string,
    query: string,
  ): ((u: DirectoryUser) => boolean) => {
    const clause = /\w+[:=]'[^']*'|\w+[:=]"[^"]*"|\w+[:=]\S+/g;
    const clauses = query.match(clause) ?? [];
    // Anything that is not a clause makes the query invalid.
    if (query.replace(clause, '').trim() !== '') {
      throw api.bad(name, 'Invalid Input', 400, 'invalid');
    }
    const tests = clauses.map(c => {
      const m = /^(\w+)([:=])['"]?(.*?)['"]?$/.exec(c)!;
      const [, field, op, value] = m;
      const lower = value.toLowerCase();
      switch (field) {
        case 'orgUnitPath':
          return (u: DirectoryUser) => {
            const p = u.orgUnitPath ?? '/';
            return p === value || value === '/' || p.startsWith(`${value}/`);
          };
        case 'isSuspended':
          return (u: DirectoryUser) =>
            Boolean(u.suspended) === (lower === 'true');
        case 'isArchived':
          return (u: DirectoryUser) =>
            Boolean(u.archived) === (lower === 'true');
        case 'isAdmin':
          return (u: DirectoryUser) =>
            Boolean(u.isAdmin) === (lower === 'true');
        case 'email':
          return (u: DirectoryUser) => {
            const e = (u.primaryEmail ?? '').toLowerCase();
            if (op === '=') return e === lower;
            return lower.endsWith('*')
              ? e.startsWith(lower.slice(0, -1))
              : e === lower;
          };
        default:
          throw api.bad(name, 'Invalid Input', 400, 'invalid');
      }
    });
    // Called for every user on every page request: no closure per call.
    if (tests.length === 0) return () => true;
    if (tests.length === 1) return tests[0];
    return u => {
      for (let i = 0; i < tests.length; i++) if (!tests[i](u)) return false;
      return true;
    };
  };

  // The last sorted listing per query: a page request sorts again only when the
  // matching users or their sort keys changed.
  const sortedUsers = new Map<string, SortedUsers>();
  const usersList = (optionalArgs: Args = {}) => {
    const name = 'directory.users.list';
    const args = optionalArgs ?? {};
    return api.serve(
      'AdminDirectory.Users.list',
      name,
      rate(name),
      () => {
        if (args.customer === undefined && args.domain === undefined) {
          throw api.bad(name, 'Bad Request', 400, 'badRequest');
        }
        if (args.customer !== undefined) checkCustomer(name, args.customer);
        if (args.domain !== undefined && args.domain !== data.primaryDomain) {
          throw api.bad(name, 'Domain not found.', 404, 'notFound');
        }
        api.enums(name, args);
        const size = api.pageSize(name, args.maxResults, 100, 500, true);
        const query = String(args.query ?? '');
        const test = matchQuery(name, query);
        const orderBy = String(args.orderBy ?? 'email');
        const keyOf = (u: DirectoryUser) =>
          orderBy === 'givenName'
            ? (u.name?.givenName ?? '')
            : orderBy === 'familyName'
              ? (u.name?.familyName ?? '')
              : (u.primaryEmail ?? '');
        const fp = fingerprint([
          args.customer,
          args.domain,
          query,
          orderBy,
          args.sortOrder,
        ]);
        const matched = data.users().filter(test);
        const keys = matched.map(keyOf);
        let list = sortedUsers.get(fp)?.reuse(matched, keys);
        if (!list) {
          // Keys computed once per user, not twice per comparison (the sort is stable).
          const order = keys.map((_k, i) => i);
          order.sort((a, b) =>
            keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0,
          );
          list = order.map(i => matched[i]);
          if (String(args.sortOrder ?? '').toUpperCase() === 'DESCENDING')
            list.reverse();
          sortedUsers.set(fp, new SortedUsers(matched, keys, list));
          if (sortedUsers.size > 8)
            sortedUsers.delete(sortedUsers.keys().next().value as string);
        }
        const page = api.page(name, list, size, args.pageToken, fp);
        const out: Record<string, unknown> = {
          kind: 'admin#directory#users',
          etag: `"${fp}"`,
        };
        if (page.items.length) out.users = page.items;
        if (page.next) out.nextPageToken = page.next;
        return out;
      },
      r => ((r.users as unknown[]) ?? []).length,
      args.fields,
    );
  };

  const usersGet = (userKey: string, optionalArgs: Args = {}) => {
    const name = 'directory.users.get';
    return api.serve(
      'AdminDirectory.Users.get',
      name,
      rate(name),
      () => {
        api.enums(name, optionalArgs ?? {});
        const k = String(userKey ?? '').toLowerCase();
        const u = data
          .users()
          .find(x => x.primaryEmail?.toLowerCase() === k || x.id === userKey);
        if (!u)
          throw api.bad(name, 'Resource Not Found: userKey', 404, 'notFound');
        return u;
      },
      () => 1,
      optionalArgs?.fields,
    );
  };

  return {
    Orgunits: {list: orgunitsList},
    Users: {list: usersList, get: usersGet},
  };
}
