/**
 * The demo district's Directory: org units and users in the shapes of the Admin SDK
 * Directory API, and each user's last sign-in (also read by the usage reports).
 */
import type {DirectoryUser, OrgUnit} from '../offline/workspace-data';
import {freezeDeep, hashPath, tag} from './api-values';
import {DAY_MS, rfc3339} from './dates';
import {DistrictModel, UserSpec} from './model';
import {hash4} from './random';

export class DemoDirectory {
  private usersCache: DirectoryUser[] | null = null;

  constructor(readonly m: DistrictModel) {}

  orgUnits(): OrgUnit[] {
    const out: OrgUnit[] = [];
    const ids = new Map<string, string>();
    const add = (path: string, description: string, id?: string) => {
      if (ids.has(path)) return;
      const slash = path.lastIndexOf('/');
      const parent = slash <= 0 ? '/' : path.slice(0, slash);
      const orgUnitId =
        id ??
        'id:03ph' +
          (hash4(this.m.seed, 0x0b, hashPath(path)) >>> 0).toString(36);
      ids.set(path, orgUnitId);
      out.push({
        kind: 'admin#directory#orgUnit',
        etag: `"${tag(hash4(this.m.seed, 0x0e, hashPath(path)), 27)}"`,
        name: path.slice(slash + 1),
        description,
        orgUnitPath: path,
        orgUnitId,
        parentOrgUnitPath: parent,
        parentOrgUnitId:
          parent === '/' ? this.rootOrgUnitId() : ids.get(parent),
        blockInheritance: false,
      });
    };
    add('/Schools', 'All schools');
    for (const s of this.m.schools) {
      add(`/Schools/${s.borough}`, `${s.borough} schools`);
    }
    for (const s of this.m.schools) {
      add(s.orgUnitPath, `${s.name} (${s.level})`, s.orgUnitId);
      add(`${s.orgUnitPath}/Teachers`, 'Teachers');
      add(`${s.orgUnitPath}/Staff`, 'Administrators and support staff');
      add(`${s.orgUnitPath}/Students`, 'Students');
      for (const y of s.classOf)
        add(`${s.orgUnitPath}/Students/Class of ${y}`, `Graduating ${y}`);
    }
    add('/District Office', 'Central office staff');
    add('/Students Unassigned', 'New arrivals not yet placed in a school');
    return out;
  }

  private rootOrgUnitId(): string {
    return 'id:03ph' + (hash4(this.m.seed, 0x0b, 0) >>> 0).toString(36);
  }

  users(): DirectoryUser[] {
    if (this.usersCache) return this.usersCache.slice();
    const endMs = this.m.utc(this.m.nDays, 0);
    this.usersCache = this.m.users.map(u => {
      const last = this.lastLogin(u, this.m.nDays - 1, true);
      const user: DirectoryUser = {
        kind: 'admin#directory#user',
        id: u.id,
        etag: `"${tag(hash4(this.m.seed, 0x0f, u.index), 27)}"`,
        primaryEmail: u.email,
        name: {
          givenName: u.givenName,
          familyName: u.familyName,
          fullName: `${u.givenName} ${u.familyName}`,
        },
        isAdmin: u.orgUnitPath === '/',
        isDelegatedAdmin: false,
        lastLoginTime: last > 0 ? rfc3339(last) : '1970-01-01T00:00:00.000Z',
        creationTime: rfc3339(u.createdMs),
        agreedToTerms: true,
        suspended: u.suspendedFrom * DAY_MS < endMs,
        archived: false,
        changePasswordAtNextLogin: false,
        ipWhitelisted: false,
        emails: [{address: u.email, primary: true}],
        customerId: this.m.customerId,
        orgUnitPath: u.orgUnitPath,
        isMailboxSetup: true,
        isEnrolledIn2Sv: u.role === 'teacher' || u.role === 'staff',
        isEnforcedIn2Sv: false,
        includeInGlobalAddressList: true,
      };
      if (user.suspended) user.suspensionReason = 'ADMIN';
      return freezeDeep(user);
    });
    return this.usersCache.slice();
  }

  /** UTC ms of a user's last login on or before period day i (0 when never). */
  lastLogin(u: UserSpec, i: number, scan = false): number {
    if (scan) {
      // One look-up: walk back without building the user's bitmap.
      for (let d = Math.min(i, this.m.nDays - 1); d >= 0; d--) {
        if (this.m.isActive(u, d)) {
          return this.m.utc(d, this.m.sessionStart(u, d, 0));
        }
      }
      return 0;
    }
    let bits = this.activeBits.get(u.index);
    if (!bits) {
      bits = new Uint32Array((this.m.nDays + 31) >>> 5);
      for (let d = 0; d < this.m.nDays; d++) {
        if (this.m.isActive(u, d)) bits[d >>> 5] |= 1 << (d & 31);
      }
      this.activeBits.set(u.index, bits);
    }
    for (let d = Math.min(i, this.m.nDays - 1); d >= 0; d--) {
      const w = bits[d >>> 5];
      if (w === 0) {
        d &= ~31;
        continue;
      }
      if (w & (1 << (d & 31))) {
        return this.m.utc(d, this.m.sessionStart(u, d, 0));
      }
    }
    return 0;
  }

  /** Days each user was active, one bit per period day (built on first need). */
  private readonly activeBits = new Map<number, Uint32Array>();
}
