/**
 * Every Google API call of the API source goes through ServiceCaller: it checks the
 * execution budget before the call, retries 429 / 500 / 503 / quota errors with
 * exponential backoff and jitter, and decides by the error code carried in
 * GoogleJsonResponseException.details (the message text is localized), never by the
 * message.
 */
import {
  BudgetExhausted,
  RetryLater,
  type Budget,
  type SourceContext,
} from '../source';
import {countCall} from '../tally';

export interface ApiErrorInfo {
  /** HTTP status from details.code (or a numeric `code` on the error). */
  code: number | null;
  /** details.errors[0].reason, e.g. rateLimitExceeded. */
  reason: string | null;
  /** details.status (gRPC-style, e.g. RESOURCE_EXHAUSTED) when present. */
  status: string | null;
}

function rec(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null
    ? (v as Record<string, unknown>)
    : null;
}

export function errorInfo(e: unknown): ApiErrorInfo {
  const err = rec(e);
  const details = rec(err?.details);
  let code: number | null = null;
  const c = details?.code ?? err?.code;
  if (typeof c === 'number' && Number.isFinite(c)) code = c;
  else if (typeof c === 'string' && /^\d{3}$/.test(c)) code = Number(c);
  let reason: string | null = null;
  const errors = details?.errors;
  if (Array.isArray(errors) && errors.length) {
    const r = rec(errors[0])?.reason;
    if (typeof r === 'string') reason = r;
  }
  const s = details?.status;
  const status = typeof s === 'string' ? s : null;
  return {code, reason, status};
}

const RETRY_CODES = new Set([429, 500, 502, 503, 504]);
const RATE_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'dailyLimitExceeded',
  'backendError',
]);
const RETRY_STATUS = new Set(['RESOURCE_EXHAUSTED', 'UNAVAILABLE', 'INTERNAL']);

/** Retry 429/5xx, quota statuses, and a 403 only when its reason says rate limit. */
export function isRetryable(info: ApiErrorInfo): boolean {
  if (info.code !== null && RETRY_CODES.has(info.code)) return true;
  if (info.status !== null && RETRY_STATUS.has(info.status)) return true;
  if (
    info.code === 403 &&
    info.reason !== null &&
    RATE_REASONS.has(info.reason)
  ) {
    return true;
  }
  return false;
}

/** Backoff before retry `attempt` (0-based): 1 s, 2 s, 4 s ... capped at 32 s, plus up to 1 s jitter. */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.min(32_000, 1000 * 2 ** attempt) + Math.floor(random() * 1000);
}

export const MAX_ATTEMPTS = 7;

/** A non-retryable API failure, with the label of the call and its code. */
export class ServiceError extends Error {
  constructor(
    readonly label: string,
    readonly info: ApiErrorInfo,
    readonly original: unknown,
  ) {
    super(
      `${label} failed (HTTP ${info.code ?? '?'}${info.reason ? `, ${info.reason}` : ''}): ${
        original instanceof Error ? original.message : String(original)
      }`,
    );
    this.name = 'ServiceError';
  }
}

export interface CallStats {
  calls: number;
  retries: number;
  byLabel: Record<string, number>;
  /** Milliseconds spent in calls (not in backoff). */
  callMs: number;
  backoffMs: number;
}

export class ServiceCaller {
  readonly stats: CallStats = {
    calls: 0,
    retries: 0,
    byLabel: {},
    callMs: 0,
    backoffMs: 0,
  };
  /** Running mean duration per service prefix ('AdminReports', ...). */
  private readonly mean = new Map<string, {n: number; ms: number}>();

  constructor(
    private readonly budget: Budget,
    private readonly clock: () => number,
    private readonly sleep: (ms: number) => void,
    private readonly random: () => number,
    private readonly initialGuessMs = 1500,
  ) {}

  private expected(label: string): number {
    const m = this.mean.get(label.split('.')[0]);
    // Plan for a slow call: twice the mean, at least the initial guess early on.
    if (!m || m.n < 3) return this.initialGuessMs;
    return Math.max(200, 2 * (m.ms / m.n));
  }

  private record(label: string, ms: number): void {
    const k = label.split('.')[0];
    const m = this.mean.get(k) ?? {n: 0, ms: 0};
    m.n++;
    m.ms += ms;
    this.mean.set(k, m);
  }

  /**
   * Runs `fn` (one API request). Throws BudgetExhausted before a call or a backoff the
   * budget cannot cover, RetryLater after MAX_ATTEMPTS retryable failures, ServiceError
   * for any other failure.
   */
  call<T>(label: string, fn: () => T): T {
    for (let attempt = 0; ; attempt++) {
      if (!this.budget.allows(this.expected(label))) {
        throw new BudgetExhausted(label);
      }
      const t0 = this.clock();
      try {
        this.stats.calls++;
        countCall(label);
        this.stats.byLabel[label] = (this.stats.byLabel[label] ?? 0) + 1;
        const out = fn();
        const dt = this.clock() - t0;
        this.stats.callMs += dt;
        this.record(label, dt);
        return out;
      } catch (e) {
        if (e instanceof BudgetExhausted || e instanceof RetryLater) throw e;
        const info = errorInfo(e);
        // Not an API error (the execution timing out, a bug): let it through untouched.
        if (info.code === null && info.status === null) throw e;
        if (!isRetryable(info)) throw new ServiceError(label, info, e);
        if (attempt + 1 >= MAX_ATTEMPTS) throw new RetryLater(label, info.code);
        const wait = backoffMs(attempt, this.random);
        if (!this.budget.allows(wait + this.expected(label))) {
          throw new BudgetExhausted(label);
        }
        this.stats.retries++;
        this.stats.backoffMs += wait;
        this.sleep(wait);
      }
    }
  }
}

/** One caller per execution context, so a source's call statistics are per execution. */
export function callerFor(
  callers: WeakMap<SourceContext, ServiceCaller>,
  ctx: SourceContext,
): ServiceCaller {
  let c = callers.get(ctx);
  if (!c) {
    c = new ServiceCaller(ctx.budget, ctx.clock, ctx.sleep, ctx.random);
    callers.set(ctx, c);
  }
  return c;
}
