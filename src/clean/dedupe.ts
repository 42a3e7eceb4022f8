/**
 * Dedupe on id.time + id.uniqueQualifier (pure). The Reports API can return the same
 * record twice (overlapping windows, retried pages, late re-delivery); a record is kept
 * the first time its key is seen within a day partition and counted as dropped after.
 *
 * Keys are held as 53-bit hashes so the set of a day split across executions can be
 * saved compactly; two different records of one day collide with probability about
 * n^2 / 2^54 (1e-7 for 100,000 records).
 */
import {Hash53} from '../core/hash53';

// One hasher, reset per key: dedupe hashes every record, so no allocation per call.
const hasher = new Hash53();

/** cyrb53 (core/hash53) of a string. */
export function hash53Value(text: string, seed = 0): number {
  hasher.reset(seed).chars(text);
  return hasher.digest();
}

/** hash53Value as base-36 text (the form a saved Deduper holds). */
export function hash53(text: string, seed = 0): string {
  return hash53Value(text, seed).toString(36);
}

/** A 53-bit hash in base 36: at most 11 digits. */
const HASH_TEXT = /^[0-9a-z]{1,11}$/;

/** A free slot of HashSet53 (a hash is never negative). */
const EMPTY = -1;

/**
 * A set of 53-bit hashes (non-negative safe integers) in one open-addressing table: a
 * Set<number> boxed each hash above 2^31 as a heap number, one per record of the day.
 */
class HashSet53 {
  /** Slots, EMPTY where none is held; at most half full. */
  private table = new Float64Array(1024).fill(EMPTY);
  size = 0;

  /** Adds `h`; false when it was held already. One probe finds it or its free slot. */
  add(h: number): boolean {
    if (2 * (this.size + 1) > this.table.length) this.grow();
    const t = this.table;
    const mask = t.length - 1;
    // The low 32 bits of cyrb53 are its most mixed.
    let i = h & mask;
    for (let x = t[i]; x !== EMPTY; x = t[i]) {
      if (x === h) return false;
      i = (i + 1) & mask;
    }
    t[i] = h;
    this.size++;
    return true;
  }

  /** Puts a hash known not to be in `t` (a table being filled by grow). */
  private put(t: Float64Array, h: number): void {
    const mask = t.length - 1;
    let i = h & mask;
    while (t[i] !== EMPTY) i = (i + 1) & mask;
    t[i] = h;
  }

  private grow(): void {
    const old = this.table;
    const t = new Float64Array(old.length * 2).fill(EMPTY);
    for (let i = 0; i < old.length; i++)
      if (old[i] !== EMPTY) this.put(t, old[i]);
    this.table = t;
  }

  values(): number[] {
    const out: number[] = [];
    for (const x of this.table) if (x !== EMPTY) out.push(x);
    return out;
  }
}

export class Deduper {
  private readonly seen = new HashSet53();
  dropped = 0;

  constructor(hashes: Iterable<number> = [], dropped = 0) {
    for (const h of hashes) this.seen.add(h);
    this.dropped = dropped;
  }

  /** True the first time a key is offered; false (and counted) for a duplicate. */
  accept(key: string): boolean {
    return this.acceptHash(hash53Value(key));
  }

  /**
   * accept(`${ms}|${qualifier}`) (an activity's id.time and uniqueQualifier) without
   * building the key: formatting a record's epoch ms as text cost more than the hash.
   */
  acceptRecord(ms: number, qualifier: string): boolean {
    hasher.reset(0).decimal(ms);
    hasher.int(124); // '|'
    hasher.chars(qualifier);
    return this.acceptHash(hasher.digest());
  }

  private acceptHash(h: number): boolean {
    if (this.seen.add(h)) return true;
    this.dropped++;
    return false;
  }

  get size(): number {
    return this.seen.size;
  }

  serialize(): string {
    const text = this.seen
      .values()
      .map(h => h.toString(36))
      .sort();
    return `${this.dropped};${text.join(',')}`;
  }

  static deserialize(text: string): Deduper {
    const i = text.indexOf(';');
    if (i < 0) return new Deduper();
    const dropped = Number(text.slice(0, i)) || 0;
    const body = text.slice(i + 1);
    const hashes: number[] = [];
    if (body) {
      for (const part of body.split(',')) {
        // A hand-edited or damaged entry cannot match a record: it is dropped.
        if (!HASH_TEXT.test(part)) continue;
        const h = parseInt(part, 36);
        if (Number.isSafeInteger(h)) hashes.push(h);
      }
    }
    return new Deduper(hashes, dropped);
  }
}
