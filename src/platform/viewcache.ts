/**
 * Sidebar views change only when a run writes new results (or an admin changes an anomaly's
 * status), but computing them reads large tabs. Each view is cached in the document cache
 * under the current data version; writing results bumps the version, so a cached view is
 * never stale, and the job's own snapshot warms the cache for the first admin to open the
 * sidebar.
 */
/** Bumped whenever results change, so views cached for the sidebar are never stale. */
export const DATA_VERSION_KEY = 'classroomPulse.dataVersion';

export function bumpDataVersion(): void {
  if (typeof PropertiesService === 'undefined') return;
  const props = PropertiesService.getDocumentProperties();
  const n = Number(props.getProperty(DATA_VERSION_KEY) ?? '0') || 0;
  props.setProperty(DATA_VERSION_KEY, String(n + 1));
}

/** CacheService keeps a value for at most 6 hours and 100 KB. */
const TTL_SECONDS = 21600;
const MAX_CHARS = 90 * 1024;

function hasServices(): boolean {
  return (
    typeof PropertiesService !== 'undefined' &&
    typeof CacheService !== 'undefined'
  );
}

function key(name: string): string | null {
  if (!hasServices()) return null;
  const v =
    PropertiesService.getDocumentProperties().getProperty(DATA_VERSION_KEY) ??
    '0';
  return `cp:${v}:${name}`.slice(0, 250);
}

/** The cached value of a view, computing and storing it when absent. */
export function cachedView<T>(name: string, compute: () => T): T {
  const k = key(name);
  const cache = k ? CacheService.getDocumentCache() : null;
  if (k && cache) {
    const hit = cache.get(k);
    if (hit !== null) {
      try {
        return JSON.parse(hit) as T;
      } catch {
        // A damaged entry is recomputed below.
      }
    }
  }
  const value = compute();
  storeView(name, value);
  return value;
}

/** Stores a view computed elsewhere (the job's snapshot) under the current version. */
export function storeView(name: string, value: unknown): void {
  const k = key(name);
  const cache = k ? CacheService.getDocumentCache() : null;
  if (!k || !cache) return;
  const json = JSON.stringify(value ?? null);
  if (json.length <= MAX_CHARS) cache.put(k, json, TTL_SECONDS);
}
