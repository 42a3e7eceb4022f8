/**
 * Pseudonymous user keys and small-group suppression (pure).
 *
 * A user key is an HMAC-SHA256 of the user's stable id under a secret held only in the
 * spreadsheet's properties, so keys cannot be reversed or recomputed from an id list
 * without that secret. The HMAC itself is computed by the platform
 * (Utilities.computeHmacSha256Signature in Apps Script); this module turns its bytes
 * into keys and caches them so each id is signed once per execution.
 */

/** Characters of a user key: 16 base64url characters = 96 bits of the HMAC. */
export const USER_KEY_LENGTH = 16;
/**
 * Characters kept in the per-day user sets behind weekly distinct counts: 8 base64url
 * characters = 48 bits. Two of the 5,000 users of a large school collide with
 * probability about 5,000^2 / 2^49 = 4e-8 per school and week.
 */
export const SHORT_KEY_LENGTH = 8;

const B64URL =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character codes of B64URL, by 6-bit value. */
const B64URL_CODES = Array.from(B64URL, c => c.charCodeAt(0));

/** The 3 bytes at `i` as one 24-bit word (four 6-bit base64url digits). */
function b64Word(b: ArrayLike<number>, i: number): number {
  return ((b[i] & 255) << 16) | ((b[i + 1] & 255) << 8) | (b[i + 2] & 255);
}

/**
 * base64url without padding of the first `length` bytes (of a digest: the characters go
 * out as one call's arguments), signed (Apps Script Byte[]) or unsigned ints. Built from
 * character codes in one step: user keys are Map keys read by the hundred thousand, and a
 * string built by concatenation is a rope that each first lookup must flatten.
 */
export function base64Url(
  bytes: ArrayLike<number>,
  length = bytes.length,
): string {
  const c = B64URL_CODES;
  const codes: number[] = [];
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const n = b64Word(bytes, i);
    codes.push(
      c[(n >> 18) & 63],
      c[(n >> 12) & 63],
      c[(n >> 6) & 63],
      c[n & 63],
    );
  }
  const rest = length - i;
  if (rest === 1) {
    const n = (bytes[i] & 255) << 16;
    codes.push(c[(n >> 18) & 63], c[(n >> 12) & 63]);
  } else if (rest === 2) {
    const n = ((bytes[i] & 255) << 16) | ((bytes[i + 1] & 255) << 8);
    codes.push(c[(n >> 18) & 63], c[(n >> 12) & 63], c[(n >> 6) & 63]);
  }
  return String.fromCharCode(...codes);
}

/** Bytes of the HMAC a user key encodes: 12 bytes are exactly its 16 characters. */
const USER_KEY_BYTES = (USER_KEY_LENGTH / 4) * 3;

/** Signs a message with the per-spreadsheet secret; returns the 32 HMAC-SHA256 bytes. */
export type HmacSha256 = (message: string) => ArrayLike<number>;

/**
 * Maps stable user ids to pseudonymous keys, signing each distinct id once.
 * Ids are namespaced (`id:` for Directory/Classroom ids, `email:` for addresses) so an
 * id and an address never share a key by accident.
 */
export class Pseudonymizer {
  private readonly cache = new Map<string, string>();
  private readonly byId = new Map<string, string>();
  /** HMAC computations made (a cost measure). */
  signatures = 0;

  constructor(private readonly hmac: HmacSha256) {}

  key(namespacedId: string): string {
    let k = this.cache.get(namespacedId);
    if (k === undefined) {
      k = this.sign(namespacedId);
      this.cache.set(namespacedId, k);
    }
    return k;
  }

  /**
   * Key of a Directory / Classroom / Reports profile id. Looked up by the raw id first:
   * it is called once per activity record, so it skips building the namespaced string.
   */
  ofId(id: string): string {
    let k = this.byId.get(id);
    if (k === undefined) {
      // Not kept under its namespaced id too: only ofId signs `id:` names.
      k = this.sign(`id:${id}`);
      this.byId.set(id, k);
    }
    return k;
  }

  private sign(namespacedId: string): string {
    this.signatures++;
    return base64Url(this.hmac(namespacedId), USER_KEY_BYTES);
  }

  /** Key of an email address (case-insensitive). */
  ofEmail(email: string): string {
    return this.key(`email:${email.trim().toLowerCase()}`);
  }
}

export function shortKey(userKey: string): string {
  return userKey.slice(0, SHORT_KEY_LENGTH);
}

/** A fresh secret from random bytes (Apps Script: Utilities.getUuid() twice, hashed). */
export function secretFromEntropy(parts: string[]): string {
  const joined = parts.join('');
  if (joined.replace(/[^0-9a-f]/gi, '').length < 32) {
    throw new Error('an HMAC secret needs at least 128 bits of entropy');
  }
  return joined;
}

/**
 * Small-group suppression for shared outputs: a group with fewer than `minSize`
 * members (but more than zero) has the listed count fields withheld (null) and the
 * `suppressed` flag added. Zero-member groups reveal nobody and stay as they are.
 */
export function suppressSmallGroups<
  T extends {flags: string[]},
  K extends keyof T,
>(
  rows: T[],
  groupSize: (row: T) => number,
  minSize: number,
  fields: K[],
): Array<Omit<T, K> & {[P in K]: T[P] | null}> {
  return rows.map(row => {
    const size = groupSize(row);
    if (size <= 0 || size >= minSize) return {...row};
    const copy: Record<string, unknown> = {...row};
    for (const f of fields) copy[f as string] = null;
    copy.flags = row.flags.includes('suppressed')
      ? [...row.flags]
      : [...row.flags, 'suppressed'];
    return copy as Omit<T, K> & {[P in K]: T[P] | null};
  });
}

/** True when a group of this size must be suppressed. */
export function isSmallGroup(size: number, minSize: number): boolean {
  return size > 0 && size < minSize;
}
