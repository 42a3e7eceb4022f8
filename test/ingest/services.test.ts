import {
  backoffMs,
  errorInfo,
  isRetryable,
  ServiceCaller,
  ServiceError,
} from '../../src/sources/api/call';
import {page} from '../../src/sources/api/services';
import {BudgetExhausted, RetryLater} from '../../src/sources/source';

describe('pages', () => {
  test('lists that are not lists are flagged, never thrown', () => {
    expect(page({items: [1, 2], nextPageToken: 't'}, 'items')).toEqual({
      items: [1, 2],
      nextPageToken: 't',
    });
    expect(page({}, 'items')).toEqual({items: [], nextPageToken: null});
    expect(page({items: 'oops'}, 'items').malformed).toBe(
      'items is not a list',
    );
    expect(page({items: [], nextPageToken: 7}, 'items').malformed).toMatch(
      /nextPageToken/,
    );
    expect(page(null, 'items').malformed).toMatch(/not an object/);
    expect(page('<html>', 'items').items).toEqual([]);
  });
});

describe('errors and retries', () => {
  const apiError = (code: number, reason?: string, status?: string) =>
    Object.assign(
      new Error('API call to x failed with error: Se ha superado la cuota'),
      {
        details: {
          code,
          message: 'localized',
          errors: reason ? [{reason}] : [],
          ...(status ? {status} : {}),
        },
      },
    );

  test('retry decisions come from the code and reason, not the localized message', () => {
    expect(isRetryable(errorInfo(apiError(429)))).toBe(true);
    expect(isRetryable(errorInfo(apiError(500)))).toBe(true);
    expect(isRetryable(errorInfo(apiError(503)))).toBe(true);
    expect(isRetryable(errorInfo(apiError(403, 'userRateLimitExceeded')))).toBe(
      true,
    );
    expect(isRetryable(errorInfo(apiError(403, 'quotaExceeded')))).toBe(true);
    expect(isRetryable(errorInfo(apiError(403, 'forbidden')))).toBe(false);
    expect(
      isRetryable(errorInfo(apiError(400, 'invalid', 'RESOURCE_EXHAUSTED'))),
    ).toBe(true);
    expect(isRetryable(errorInfo(apiError(404)))).toBe(false);
    expect(isRetryable(errorInfo(new Error('Rate limit exceeded 429')))).toBe(
      false,
    );
  });

  test('exponential backoff with jitter, capped', () => {
    expect(backoffMs(0, () => 0)).toBe(1000);
    expect(backoffMs(3, () => 0.5)).toBe(8500);
    expect(backoffMs(10, () => 0.999)).toBe(32_999);
  });

  function caller(
    remainingMs: {v: number},
    failures: number[],
    sleeps: number[],
  ) {
    let now = 0;
    const budget = {
      remaining: () => remainingMs.v - now,
      allows: (ms: number) => remainingMs.v - now >= ms,
    };
    const c = new ServiceCaller(
      budget,
      () => now,
      ms => {
        sleeps.push(ms);
        now += ms;
      },
      () => 0.25,
      100,
    );
    const fn = () => {
      now += 50;
      const code = failures.shift();
      if (code) throw apiError(code, code === 403 ? 'forbidden' : undefined);
      return 'ok';
    };
    return {c, fn};
  }

  test('retries a storm, then succeeds', () => {
    const sleeps: number[] = [];
    const {c, fn} = caller({v: 600_000}, [429, 503, 500, 429], sleeps);
    expect(c.call('AdminReports.Activities.list', fn)).toBe('ok');
    expect(sleeps).toEqual([1250, 2250, 4250, 8250]);
    expect(c.stats.retries).toBe(4);
  });

  test('stops cleanly when the budget cannot cover the next call or backoff', () => {
    const sleeps: number[] = [];
    const {c, fn} = caller({v: 3000}, [429, 429, 429], sleeps);
    expect(() => c.call('Classroom.Courses.list', fn)).toThrow(BudgetExhausted);
    expect(sleeps).toEqual([1250]);
  });

  test('gives up after too many retries, and fails fast on a refusal', () => {
    const {c, fn} = caller(
      {v: 10_000_000},
      [503, 503, 503, 503, 503, 503, 503],
      [],
    );
    expect(() => c.call('AdminReports.Activities.list', fn)).toThrow(
      RetryLater,
    );
    const {c: c2, fn: fn2} = caller({v: 10_000_000}, [403], []);
    expect(() => c2.call('AdminDirectory.Users.list', fn2)).toThrow(
      ServiceError,
    );
    const timeout = new Error('Exceeded maximum execution time');
    expect(() =>
      c2.call('x', () => {
        throw timeout;
      }),
    ).toThrow(timeout);
  });
});
