/**
 * What every advanced-service fake shares: the API limits (retention, latency, rate
 * limits), the sliding rate window, page tokens bound to their request, `fields`
 * partial responses, and the Api helper that counts, charges and pages a call and
 * shapes its errors as the real services do.
 */
import {createHash} from 'node:crypto';
import type {Engine} from '../engine';
import {PARAMETER_ENUMS} from './contract';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface ApiLimits {
  /** Activities older than this are gone (Reports API: 180 days). */
  activityRetentionDays: number;
  /** Usage reports older than this are gone (Reports API: 450 days). */
  usageRetentionDays: number;
  /** Delay before an activity shows up, by application ('*' for the rest). */
  activityLatencyMs: Record<string, number>;
  /** The newest usage date served is today (PST) minus this many days. */
  usageLagDays: number;
  /** That many of the newest served dates are partial (PARTIAL_DATA_AVAILABLE). */
  usagePartialDays: number;
  /** Share of rows a partial usage date holds. */
  usagePartialShare: number;
  /** Reports API queries per minute per user (over: 503). */
  reportsPerMinute: number;
  /** Activities filter queries per minute and per hour (over: 503). */
  reportsFilterPerMinute: number;
  reportsFilterPerHour: number;
  /** Directory API queries per minute per user (over: 403 userRateLimitExceeded). */
  directoryPerMinute: number;
  /** Classroom API queries per minute per user (over: 429 RESOURCE_EXHAUSTED). */
  classroomPerMinute: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  activityRetentionDays: 180,
  usageRetentionDays: 450,
  activityLatencyMs: {'*': 3 * HOUR, classroom: 10 * MINUTE},
  usageLagDays: 2,
  usagePartialDays: 1,
  usagePartialShare: 0.5,
  reportsPerMinute: 2400,
  reportsFilterPerMinute: 250,
  reportsFilterPerHour: 15000,
  directoryPerMinute: 2400,
  classroomPerMinute: 1200,
};

/** Sliding-window rate limit on the simulated clock. */
export class RateWindow {
  private readonly hits: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}
  take(now: number): boolean {
    while (this.hits.length && this.hits[0] <= now - this.windowMs)
      this.hits.shift();
    if (this.hits.length >= this.limit) return false;
    this.hits.push(now);
    return true;
  }
}

/** Opaque page tokens bound to the request they page through. */
export function fingerprint(parts: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify(parts))
    .digest('base64url')
    .slice(0, 16);
}
export function makeToken(
  fp: string,
  offset: number,
  ...extras: number[]
): string {
  return Buffer.from([fp, offset, ...extras].join('.')).toString('base64url');
}
export function readToken(
  token: string,
  fp: string,
): {offset: number; extras: number[]} | null {
  const s = Buffer.from(String(token), 'base64url').toString();
  const m = /^([\w-]+)((?:\.\d+)+)$/.exec(s);
  if (!m || m[1] !== fp) return null;
  const [offset, ...extras] = m[2].slice(1).split('.').map(Number);
  return {offset, extras};
}

export type Args = Record<string, unknown>;

type FieldMask = Map<string, FieldMask | null>;

/** A `fields` partial-response mask (`a,b/c,d(e,f)`) as a tree; null when malformed. */
export function parseFieldMask(text: string): FieldMask | null {
  let i = 0;
  const list = (): FieldMask | null => {
    const out: FieldMask = new Map();
    for (;;) {
      const m = /^[\w$*]+(?:\/[\w$*]+)*/.exec(text.slice(i));
      if (!m) return null;
      i += m[0].length;
      let sub: FieldMask | null = null;
      if (text[i] === '(') {
        i++;
        sub = list();
        if (!sub || text[i] !== ')') return null;
        i++;
      }
      // a/b/c is a(b(c)).
      const parts = m[0].split('/');
      let node = out;
      parts.forEach((p, k) => {
        if (k === parts.length - 1) {
          const had = node.get(p);
          node.set(p, had === undefined || had === null ? sub : had);
        } else {
          let next = node.get(p);
          if (!next) node.set(p, (next = new Map()));
          node = next;
        }
      });
      if (text[i] !== ',') return out;
      i++;
    }
  };
  const tree = list();
  return tree && i === text.length ? tree : null;
}

/** `value` with only the fields `mask` names (a partial response). */
function applyFieldMask(value: unknown, mask: FieldMask | null): unknown {
  if (mask === null || value === null || typeof value !== 'object')
    return value;
  if (Array.isArray(value)) return value.map(v => applyFieldMask(v, mask));
  if (mask.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of mask) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = applyFieldMask(v, sub);
  }
  return out;
}

export class Api {
  constructor(
    readonly engine: Engine,
    readonly limits: ApiLimits,
  ) {}
  /**
   * One API call: counted, charged, fault-injectable, rate-limited; with `fields`, only
   * the fields it names come back (Google's partial response; a malformed mask is a 400).
   */
  serve<T>(
    name: string,
    api: string,
    rate: (() => void) | null,
    fn: () => T,
    items: (r: T) => number,
    fields?: unknown,
  ): T {
    return this.engine.call(
      name,
      () => {
        if (rate) rate();
        let mask: FieldMask | null = null;
        if (fields !== undefined && fields !== null && fields !== '') {
          mask = parseFieldMask(String(fields));
          if (!mask)
            throw this.bad(api, `Invalid field selection ${String(fields)}`);
        }
        const r = fn();
        this.engine.charge(items(r) * this.engine.costs.perApiItem);
        return this.engine.toRealm(applyFieldMask(r, mask) as T);
      },
      {api},
    );
  }
  /** A gate per method: past `limit` calls in a minute, the call fails with `refuse(name)`. */
  perMinute(
    limit: number,
    refuse: (name: string) => Error,
  ): (name: string) => () => void {
    const window = new RateWindow(limit, MINUTE);
    return name => () => {
      if (!window.take(this.engine.now())) throw refuse(name);
    };
  }
  bad(api: string, message: string, code = 400, reason?: string): Error {
    return this.engine.apiError(api, code, message, reason);
  }
  pageSize(
    api: string,
    v: unknown,
    def: number,
    max: number,
    strict: boolean,
  ): number {
    if (v === undefined || v === null || v === 0) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || (strict && n > max)) {
      throw this.bad(
        api,
        `Invalid value '${String(v)}'. Values must be within the range: [1, ${max}]`,
        400,
        'invalid',
      );
    }
    return Math.min(n, max);
  }
  /** Refuses a value outside its enum, with the message style of the method's API. */
  enums(api: string, args: Args): void {
    for (const [param, allowed] of Object.entries(PARAMETER_ENUMS[api] ?? {})) {
      const v = args[param];
      if (v === undefined || v === null) continue;
      for (const x of Array.isArray(v) ? v : [v]) {
        if (allowed.includes(String(x))) continue;
        throw this.bad(
          api,
          api.startsWith('classroom.')
            ? `Invalid value at '${param}' (${param}), "${String(x)}"`
            : `Invalid string value: '${String(x)}'. Allowed values: [${allowed.join(', ')}]`,
          400,
          'invalid',
        );
      }
    }
  }
  /** Pages `all` with a token bound to `fp`. */
  page<T>(
    api: string,
    all: T[],
    size: number,
    token: unknown,
    fp: string,
  ): {items: T[]; next?: string; offset: number} {
    let offset = 0;
    if (token !== undefined && token !== null && token !== '') {
      const t = readToken(String(token), fp);
      if (!t) throw this.bad(api, 'Invalid page token.', 400, 'invalid');
      offset = t.offset;
    }
    const items = all.slice(offset, offset + size);
    const nextOffset = offset + items.length;
    return {
      items,
      offset,
      next: nextOffset < all.length ? makeToken(fp, nextOffset) : undefined,
    };
  }
}

export function parseRfc3339(
  api: Api,
  name: string,
  field: string,
  v: unknown,
): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v);
  const ms =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)
      ? Date.parse(s)
      : NaN;
  if (Number.isNaN(ms)) {
    throw api.bad(
      name,
      `Invalid value '${s}' for ${field}; it must be an RFC 3339 timestamp.`,
      400,
      'invalid',
    );
  }
  return ms;
}
