/**
 * Small helpers shared by the demo's Google API objects: deep freezing of shared
 * sub-objects, opaque tags (etags, ids), RFC 3339 times without a Date per call, and a
 * binary search over descending times.
 */
import {DAY_MS} from './dates';

export const HOUR = 3600000;

/**
 * Users and courses are served frozen: the offline runtime copies a frozen host value
 * into an execution's realm once and hands out that copy again (read-only, as an API
 * response is to the bundle), so a record listed again is not copied again. Activities,
 * Classroom work and submissions stay unfrozen: each activity is listed once (the demo
 * builds a day's activities once and serves each of them once), so a copy kept per record
 * would cost lookups and memory and save nothing. An already frozen part is taken as
 * frozen throughout (only this function freezes).
 */
export function freezeDeep<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o as object)) freezeDeep(v);
    Object.freeze(o);
  }
  return o;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const fromCodes = String.fromCharCode;

/**
 * A 32-bit unsigned integer as ten decimal digits, zero-padded, made in one string:
 * String() of a number past the small-integer range is a runtime call and a cache miss.
 */
export function pad10u32(x: number): string {
  const lo = x % 100000;
  const hi = (x - lo) / 100000;
  const a0 = lo % 10;
  const l1 = (lo - a0) / 10;
  const a1 = l1 % 10;
  const l2 = (l1 - a1) / 10;
  const a2 = l2 % 10;
  const l3 = (l2 - a2) / 10;
  const a3 = l3 % 10;
  const a4 = (l3 - a3) / 10;
  const b0 = hi % 10;
  const h1 = (hi - b0) / 10;
  const b1 = h1 % 10;
  const h2 = (h1 - b1) / 10;
  const b2 = h2 % 10;
  const h3 = (h2 - b2) / 10;
  const b3 = h3 % 10;
  const b4 = (h3 - b3) / 10;
  return fromCodes(
    48 + b4,
    48 + b3,
    48 + b2,
    48 + b1,
    48 + b0,
    48 + a4,
    48 + a3,
    48 + a2,
    48 + a1,
    48 + a0,
  );
}

/** Character codes of the base-36 digits, as Number.prototype.toString(36) writes them. */
const D36 = Array.from('0123456789abcdefghijklmnopqrstuvwxyz', c =>
  c.charCodeAt(0),
);

/**
 * `x.toString(36)` of a 32-bit unsigned integer (at most seven digits) in one string:
 * toString with a radix is a runtime call that formats through a double buffer.
 */
export function base36u32(x: number): string {
  const d = D36;
  if (x < 36) return fromCodes(d[x]);
  const c0 = x % 36;
  x = (x - c0) / 36;
  if (x < 36) return fromCodes(d[x], d[c0]);
  const c1 = x % 36;
  x = (x - c1) / 36;
  if (x < 36) return fromCodes(d[x], d[c1], d[c0]);
  const c2 = x % 36;
  x = (x - c2) / 36;
  if (x < 36) return fromCodes(d[x], d[c2], d[c1], d[c0]);
  const c3 = x % 36;
  x = (x - c3) / 36;
  if (x < 36) return fromCodes(d[x], d[c3], d[c2], d[c1], d[c0]);
  const c4 = x % 36;
  x = (x - c4) / 36;
  if (x < 36) return fromCodes(d[x], d[c4], d[c3], d[c2], d[c1], d[c0]);
  const c5 = x % 36;
  x = (x - c5) / 36;
  return fromCodes(d[x], d[c5], d[c4], d[c3], d[c2], d[c1], d[c0]);
}

export function tag(h: number, n: number): string {
  let s = '';
  let x = h >>> 0;
  for (let i = 0; i < n; i++) {
    s += B64[x & 63];
    x = (x >>> 6) | ((Math.imul(x, 2654435761) & 63) << 26);
  }
  return s;
}

const PAD3: string[] = [];
for (let i = 0; i < 1000; i++) {
  PAD3.push(i < 10 ? '00' + i : i < 100 ? '0' + i : String(i));
}
const MILLIS = PAD3.map(x => '.' + x + 'Z');
let clock: string[] | null = null;
const datePrefix = new Map<number, string>();

/** `HH:MM:SS` for every second of a day, built once. */
function clockStrings(): string[] {
  if (clock) return clock;
  const two = (n: number) => (n < 10 ? '0' + n : String(n));
  clock = new Array<string>(86400);
  for (let k = 0; k < 86400; k++) {
    clock[k] =
      two(Math.floor(k / 3600)) +
      ':' +
      two(Math.floor(k / 60) % 60) +
      ':' +
      two(k % 60);
  }
  return clock;
}

/** RFC 3339 in UTC with milliseconds (as Date.toISOString), without a Date per call. */
export function fastRfc3339(ms: number): string {
  const d = Math.floor(ms / DAY_MS);
  let prefix = datePrefix.get(d);
  if (prefix === undefined) {
    prefix = new Date(d * DAY_MS).toISOString().slice(0, 11);
    datePrefix.set(d, prefix);
  }
  const r = ms - d * DAY_MS;
  const sec = Math.floor(r / 1000);
  return prefix + clockStrings()[sec] + MILLIS[r - sec * 1000];
}

export function hashPath(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** In a descending array, the first index whose value is below `x`. */
export function firstIndexBelow(desc: Float64Array, x: number): number {
  let lo = 0;
  let hi = desc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (desc[mid] >= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** rfc3339 (Date.toISOString) through the fast path where it applies: whole ms from 1970. */
export function isoTime(ms: number): string {
  return Number.isInteger(ms) && ms >= 0
    ? fastRfc3339(ms)
    : new Date(ms).toISOString();
}
