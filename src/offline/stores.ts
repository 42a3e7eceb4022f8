/**
 * PropertiesService, CacheService and LockService with the limits and the
 * cross-execution behaviour of the real services.
 */
import type {Engine, ExecutionState} from './engine';

export const PROPERTY_VALUE_LIMIT = 9 * 1024;
export const PROPERTY_STORE_LIMIT = 500 * 1024;
export const CACHE_VALUE_LIMIT = 100 * 1024;
export const CACHE_KEY_LIMIT = 250;
export const CACHE_MAX_SECONDS = 21600;
export const CACHE_DEFAULT_SECONDS = 600;
export const CACHE_MAX_ITEMS = 1000;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/* ---------------------------------------------------------------- properties */

/** One property store (script, document, or one user's). */
export class Properties {
  private readonly map = new Map<string, string>();
  constructor(private readonly engine: Engine) {}

  /** Bytes used: keys plus values, UTF-8. */
  size(): number {
    let n = 0;
    for (const [k, v] of this.map) n += bytes(k) + bytes(v);
    return n;
  }
  private checkValue(value: string): void {
    if (bytes(value) > PROPERTY_VALUE_LIMIT) {
      throw this.engine.error('Argument too large: value');
    }
  }
  private commit(next: Map<string, string>): void {
    let n = 0;
    for (const [k, v] of next) n += bytes(k) + bytes(v);
    if (n > PROPERTY_STORE_LIMIT) {
      throw this.engine.error(
        'You have exceeded the property storage quota. Please remove some properties and try again.',
      );
    }
    this.map.clear();
    for (const [k, v] of next) this.map.set(k, v);
  }
  getProperty(key: string): string | null {
    return this.engine.call(
      'Properties.getProperty',
      () => this.map.get(String(key)) ?? null,
    );
  }
  setProperty(key: string, value: unknown): Properties {
    return this.engine.call('Properties.setProperty', () => {
      const v = String(value);
      this.checkValue(v);
      const next = new Map(this.map);
      next.set(String(key), v);
      this.commit(next);
      return this;
    });
  }
  setProperties(
    props: Record<string, unknown>,
    deleteAllOthers = false,
  ): Properties {
    return this.engine.call('Properties.setProperties', () => {
      const next = deleteAllOthers
        ? new Map<string, string>()
        : new Map(this.map);
      for (const k of Object.keys(props ?? {})) {
        const v = String(props[k]);
        this.checkValue(v);
        next.set(k, v);
      }
      this.commit(next);
      return this;
    });
  }
  getProperties(): Record<string, string> {
    return this.engine.call('Properties.getProperties', () => {
      const out = new (this.engine.realm().Object)() as Record<string, string>;
      for (const [k, v] of this.map) out[k] = v;
      return out;
    });
  }
  getKeys(): string[] {
    return this.engine.call('Properties.getKeys', () => {
      const arr = new (this.engine.realm().Array)() as string[];
      for (const k of this.map.keys()) arr.push(k);
      return arr;
    });
  }
  deleteProperty(key: string): Properties {
    return this.engine.call('Properties.deleteProperty', () => {
      this.map.delete(String(key));
      return this;
    });
  }
  deleteAllProperties(): Properties {
    return this.engine.call('Properties.deleteAllProperties', () => {
      this.map.clear();
      return this;
    });
  }
}

export class PropertyStores {
  readonly script: Properties;
  readonly document: Properties;
  private readonly users = new Map<string, Properties>();
  constructor(private readonly engine: Engine) {
    this.script = new Properties(engine);
    this.document = new Properties(engine);
  }
  /** The user store of one user (default: the runtime's user). */
  user(email = this.engine.userEmail): Properties {
    let p = this.users.get(email);
    if (!p) {
      p = new Properties(this.engine);
      this.users.set(email, p);
    }
    return p;
  }
}

export function makePropertiesService(engine: Engine, stores: PropertyStores) {
  const userEmail = () => engine.current()?.userEmail ?? engine.userEmail;
  return {
    getScriptProperties: () =>
      engine.call('PropertiesService.getScriptProperties', () => stores.script),
    getDocumentProperties: () =>
      engine.call(
        'PropertiesService.getDocumentProperties',
        () => stores.document,
      ),
    getUserProperties: () =>
      engine.call('PropertiesService.getUserProperties', () =>
        stores.user(userEmail()),
      ),
  };
}

/* --------------------------------------------------------------------- cache */

export class Cache {
  private readonly items = new Map<string, {value: string; expires: number}>();
  constructor(private readonly engine: Engine) {}
  private live(key: string): string | null {
    const item = this.items.get(key);
    if (!item) return null;
    if (item.expires <= this.engine.now()) {
      this.items.delete(key);
      return null;
    }
    return item.value;
  }
  private check(key: string, value: string): void {
    if (key.length > CACHE_KEY_LIMIT)
      throw this.engine.error('Argument too large: key');
    if (bytes(value) > CACHE_VALUE_LIMIT)
      throw this.engine.error('Argument too large: value');
  }
  private store(key: string, value: string, seconds: number): void {
    // The service keeps a value at most 6 hours, whatever is asked.
    const s = Math.min(
      Math.max(Number(seconds) || CACHE_DEFAULT_SECONDS, 1),
      CACHE_MAX_SECONDS,
    );
    this.items.delete(key);
    this.items.set(key, {value, expires: this.engine.now() + s * 1000});
    // Oldest entries are evicted past the item cap.
    while (this.items.size > CACHE_MAX_ITEMS) {
      const oldest = this.items.keys().next().value as string;
      this.items.delete(oldest);
    }
  }
  get(key: string): string | null {
    return this.engine.call('Cache.get', () => this.live(String(key)));
  }
  getAll(keys: string[]): Record<string, string> {
    return this.engine.call('Cache.getAll', () => {
      const out = new (this.engine.realm().Object)() as Record<string, string>;
      for (const k of keys) {
        const v = this.live(String(k));
        if (v !== null) out[String(k)] = v;
      }
      return out;
    });
  }
  put(
    key: string,
    value: unknown,
    expirationInSeconds = CACHE_DEFAULT_SECONDS,
  ): void {
    this.engine.call('Cache.put', () => {
      const k = String(key);
      const v = String(value);
      this.check(k, v);
      this.store(k, v, expirationInSeconds);
    });
  }
  putAll(
    values: Record<string, unknown>,
    expirationInSeconds = CACHE_DEFAULT_SECONDS,
  ): void {
    this.engine.call('Cache.putAll', () => {
      const entries = Object.keys(values).map(
        k => [k, String(values[k])] as const,
      );
      for (const [k, v] of entries) this.check(k, v);
      for (const [k, v] of entries) this.store(k, v, expirationInSeconds);
    });
  }
  remove(key: string): void {
    this.engine.call('Cache.remove', () => {
      this.items.delete(String(key));
    });
  }
  removeAll(keys: string[]): void {
    this.engine.call('Cache.removeAll', () => {
      for (const k of keys) this.items.delete(String(k));
    });
  }
}

export function makeCacheService(engine: Engine) {
  const script = new Cache(engine);
  const document = new Cache(engine);
  const users = new Map<string, Cache>();
  const user = () => {
    const email = engine.current()?.userEmail ?? engine.userEmail;
    let c = users.get(email);
    if (!c) users.set(email, (c = new Cache(engine)));
    return c;
  };
  return {
    caches: {script, document, user},
    service: {
      getScriptCache: () =>
        engine.call('CacheService.getScriptCache', () => script),
      getDocumentCache: () =>
        engine.call('CacheService.getDocumentCache', () => document),
      getUserCache: () => engine.call('CacheService.getUserCache', user),
    },
  };
}

/* ---------------------------------------------------------------------- lock */

export const LOCK_TIMEOUT_MESSAGE =
  'Lock timeout: another process was holding the lock for too long.';

interface Holder {
  /** Execution index, or 0 for a hold placed from outside (another process). */
  execution: number;
  /** Simulated ms when an outside hold lapses. */
  until: number;
}

/**
 * Who holds which lock. Locks of an execution are released when it ends, as
 * Apps Script releases them when a script finishes.
 */
export class LockRegistry {
  private readonly held = new Map<string, Holder>();
  constructor(private readonly engine: Engine) {
    engine.endHooks.push((ex: ExecutionState) => this.releaseAll(ex.index));
  }
  private holder(scope: string): Holder | undefined {
    const h = this.held.get(scope);
    if (h && h.execution === 0 && h.until <= this.engine.now()) {
      this.held.delete(scope);
      return undefined;
    }
    return h;
  }
  /**
   * Simulates another process holding a lock for `ms` of simulated time
   * (scope: 'script', 'document' or 'user:<email>').
   */
  hold(scope: string, ms: number): void {
    this.held.set(scope, {execution: 0, until: this.engine.now() + ms});
  }
  isHeld(scope: string): boolean {
    return this.holder(scope) !== undefined;
  }
  /** The execution index holding a lock (0 for an outside hold), or null. */
  heldBy(scope: string): number | null {
    return this.holder(scope)?.execution ?? null;
  }
  release(scope: string): void {
    this.held.delete(scope);
  }
  releaseAll(execution: number): void {
    for (const [scope, h] of this.held) {
      if (h.execution === execution) this.held.delete(scope);
    }
  }
  /** Tries to take a lock for the running execution, waiting up to timeoutMs. */
  acquire(scope: string, timeoutMs: number): boolean {
    const ex = this.engine.current();
    const me = ex?.index ?? -1;
    const h = this.holder(scope);
    if (!h) {
      this.held.set(scope, {execution: me, until: Infinity});
      return true;
    }
    if (h.execution === me) return true;
    const timeout = Math.max(0, Number(timeoutMs) || 0);
    // An outside hold lapses at a known time; a suspended execution does not
    // release while the one waiting for it runs.
    if (h.execution === 0 && h.until - this.engine.now() <= timeout) {
      this.engine.wait(Math.max(0, h.until - this.engine.now()));
      this.held.set(scope, {execution: me, until: Infinity});
      return true;
    }
    this.engine.wait(timeout);
    return false;
  }
  owns(scope: string): boolean {
    const ex = this.engine.current();
    return this.holder(scope)?.execution === (ex?.index ?? -1);
  }
}

export class Lock {
  constructor(
    private readonly engine: Engine,
    private readonly registry: LockRegistry,
    private readonly scope: string,
  ) {}
  tryLock(timeoutInMillis: number): boolean {
    return this.engine.call('Lock.tryLock', () =>
      this.registry.acquire(this.scope, timeoutInMillis),
    );
  }
  waitLock(timeoutInMillis: number): void {
    this.engine.call('Lock.waitLock', () => {
      if (!this.registry.acquire(this.scope, timeoutInMillis)) {
        throw this.engine.error(LOCK_TIMEOUT_MESSAGE);
      }
    });
  }
  releaseLock(): void {
    this.engine.call('Lock.releaseLock', () => {
      if (this.registry.owns(this.scope)) this.registry.release(this.scope);
    });
  }
  hasLock(): boolean {
    return this.engine.call('Lock.hasLock', () =>
      this.registry.owns(this.scope),
    );
  }
}

export function makeLockService(engine: Engine, registry: LockRegistry) {
  const userScope = () =>
    `user:${engine.current()?.userEmail ?? engine.userEmail}`;
  return {
    getScriptLock: () =>
      engine.call(
        'LockService.getScriptLock',
        () => new Lock(engine, registry, 'script'),
      ),
    getDocumentLock: () =>
      engine.call(
        'LockService.getDocumentLock',
        () => new Lock(engine, registry, 'document'),
      ),
    getUserLock: () =>
      engine.call(
        'LockService.getUserLock',
        () => new Lock(engine, registry, userScope()),
      ),
  };
}
