/**
 * Google service calls of this execution, by service, for the Run log. Module state is
 * per execution in Apps Script (every execution loads the script afresh); a run spanning
 * several executions sums them through its saved state.
 */

/** The service a call label belongs to ('AdminReports.Activities.list' -> 'Reports'). */
const SERVICE_OF: Record<string, string> = {
  AdminReports: 'Reports',
  AdminDirectory: 'Directory',
  Classroom: 'Classroom',
  BigQuery: 'BigQuery',
  UrlFetchApp: 'UrlFetch',
  Calendar: 'Calendar',
  CalendarApp: 'Calendar',
};

export function serviceOf(label: string): string {
  const head = label.split('.')[0];
  return SERVICE_OF[head] ?? head;
}

let calls: Record<string, number> = {};

/** Counts one request (each attempt of a retried call is a request). */
export function countCall(label: string): void {
  const s = serviceOf(label);
  calls[s] = (calls[s] ?? 0) + 1;
}

/** Calls counted so far in this execution, by service. */
export function executionCalls(): Record<string, number> {
  return {...calls};
}

/** Forgets the counts (tests that run several executions in one process). */
export function resetExecutionCalls(): void {
  calls = {};
}

/** Adds `b` into `a`, service by service. */
export function addCalls(
  a: Record<string, number>,
  b: Record<string, number>,
): Record<string, number> {
  const out = {...a};
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export function totalCalls(c: Record<string, number>): number {
  return Object.values(c).reduce((n, v) => n + v, 0);
}

/** 'Reports 120, Directory 4' (services in a fixed order), or '' when none. */
export function formatCalls(c: Record<string, number>): string {
  const order = Object.values(SERVICE_OF);
  return Object.entries(c)
    .filter(([, v]) => v > 0)
    .sort(
      ([a], [b]) =>
        (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) ||
        a.localeCompare(b),
    )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
