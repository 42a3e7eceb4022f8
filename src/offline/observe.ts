/**
 * Watching the advanced services: every call's arguments and what it returned or threw,
 * for tests that hold requests and responses to Google's published contract.
 */

export interface ApiCall {
  /** The Apps Script name of the method, e.g. `AdminReports.Activities.list`. */
  method: string;
  /** The arguments as the bundle passed them. */
  args: unknown[];
  /** What the fake returned (absent when it threw). */
  response?: unknown;
  /** What the fake threw. */
  error?: unknown;
}

export type ApiObserver = (call: ApiCall) => void;

/**
 * A copy of an advanced service whose methods (at any depth) report each call to
 * `observe` after it completes. Non-function members are copied as they are.
 */
export function observeService<T extends object>(
  name: string,
  service: T,
  observe: ApiObserver,
): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(service)) {
    const method = `${name}.${k}`;
    if (typeof v === 'function') {
      out[k] = (...args: unknown[]) => {
        let response: unknown;
        try {
          response = (v as (...a: unknown[]) => unknown).apply(service, args);
        } catch (error) {
          observe({method, args, error});
          throw error;
        }
        observe({method, args, response});
        return response;
      };
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = observeService(method, v as object, observe);
    } else {
      out[k] = v;
    }
  }
  return out as T;
}
