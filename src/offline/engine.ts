/**
 * The shared machinery of the offline runtime: the simulated clock, the
 * execution stack with its time limit, per-call accounting, fault injection
 * and the "realm" (the vm context whose Array/Date/Error the fakes must build
 * values with, so that `instanceof` in the bundle behaves as in Apps Script).
 */
import {performance} from 'node:perf_hooks';

/** The intrinsics of the realm a value must be created in. */
export interface Realm {
  Array: ArrayConstructor;
  Date: DateConstructor;
  Error: ErrorConstructor;
  Object: ObjectConstructor;
  JSON: JSON;
  /** `{}` and `[]` evaluated in the realm: its own literals, for jsonCopy. */
  newObject(): Record<string, unknown>;
  newArray(): unknown[];
  /**
   * A function that copies `width` slots of a list from index `at` into one array
   * literal of the realm: an exact-size packed array, where filling `[]` by push
   * reallocates it on the way (one cell read as a row held 17 slots).
   */
  rowCopier(width: number): (src: ArrayLike<unknown>, at: number) => unknown[];
  /**
   * Functions that each build one object literal of the realm with a key list, each value
   * `s[key]` when a string, else `c(s[key], key)` (see objectCopiers).
   */
  objectCopier?: ObjectCopiers;
}

/** The object copiers of a realm (see objectCopiers). */
export interface ObjectCopiers {
  /**
   * The copier for this key list (an object's Object.keys), or null while the list is not
   * yet worth compiling; each call with a list not yet compiled counts as a sighting.
   */
  (keys: readonly string[]): ObjectCopier | null;
  /**
   * The compiled copier for the Object.keys of `v`, found without allocating the list,
   * or null when none is compiled or the keys could not be told exactly (the caller then
   * asks with Object.keys). Counts no sighting. For objects whose prototype is an
   * Object.prototype or null (JSON's plain objects).
   */
  of(v: object): ObjectCopier | null;
}

/** Builds a realm object from the members of `s`, each through `c` (see Realm.objectCopier). */
export type ObjectCopier = (
  s: object,
  c: (x: unknown, key: string) => unknown,
) => Record<string, unknown>;

/** The source of a rowCopier: `return [s[c+0], s[c+1], ...]` over (s, c). */
export function rowCopierBody(width: number): string {
  const parts = new Array<string>(width);
  for (let i = 0; i < width; i++) parts[i] = `s[c+${i}]`;
  return `return [${parts.join(',')}];`;
}

/** Row copiers by width, compiled once per realm (see Realm.rowCopier). */
export function rowCopiers(
  compile: (body: string) => (s: ArrayLike<unknown>, c: number) => unknown[],
): Realm['rowCopier'] {
  const byWidth = new Map<number, ReturnType<Realm['rowCopier']>>();
  return width => {
    let f = byWidth.get(width);
    if (f === undefined) {
      f = compile(rowCopierBody(width));
      byWidth.set(width, f);
    }
    return f;
  };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Longest key list an object copier is compiled for. */
const COPIED_KEYS_MAX = 32;
/** Sightings of a key list before its copier is compiled (a one-off shape stays on the general path). */
const COPIER_AFTER = 3;
/** Key lists remembered per realm: beyond it (data keyed by ids, say) objects take the general path. */
const COPIER_SHAPES_MAX = 512;

/**
 * The source of an object copier over (s, c): each member read once, in order, then
 * `return {"k": v0, ...}`; strings (most members) are kept as they are without a call.
 */
export function objectCopierBody(keys: readonly string[]): string {
  const reads = keys.map((k, i) => {
    const q = JSON.stringify(k);
    return `var v${i} = s[${q}]; if (typeof v${i} !== 'string') v${i} = c(v${i}, ${q});`;
  });
  const parts = keys.map((k, i) => `${JSON.stringify(k)}: v${i}`);
  return `${reads.join('\n')}\nreturn {${parts.join(', ')}};`;
}

/**
 * Object copiers by key list, compiled once per realm (see Realm.objectCopier). An object
 * literal of a fixed shape is allocated at its size in one step, where `{}` filled key by
 * key walks a transition per key and grows a property store past the fourth. Lists are
 * found by their first key and compared key by key (Object.keys hands out the property
 * names themselves, so the comparisons are mostly pointer checks).
 */
export function objectCopiers(
  compile: (body: string) => unknown,
): ObjectCopiers {
  interface Shape {
    keys: readonly string[];
    seen: number;
    copier: ObjectCopier | null;
  }
  const byFirst = new Map<string, Shape[]>();
  let shapes = 0;
  const byKeys = (keys: readonly string[]): ObjectCopier | null => {
    const n = keys.length;
    if (n === 0 || n > COPIED_KEYS_MAX) return null;
    let list = byFirst.get(keys[0]);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const sh = list[i];
        const ks = sh.keys;
        if (ks.length !== n) continue;
        let j = 1;
        while (j < n && ks[j] === keys[j]) j++;
        if (j < n) continue;
        if (sh.copier !== null) return sh.copier;
        if (++sh.seen < COPIER_AFTER) return null;
        // A literal "__proto__" key would set the prototype: such lists stay general.
        if (keys.includes('__proto__')) return null;
        sh.copier = compile(objectCopierBody(keys)) as ObjectCopier;
        return sh.copier;
      }
    }
    if (shapes >= COPIER_SHAPES_MAX) return null;
    shapes++;
    if (list === undefined) {
      list = [];
      byFirst.set(keys[0], list);
    }
    list.push({keys: keys.slice(), seen: 1, copier: null});
    return null;
  };
  /**
   * for-in walks the object's own enumerable keys in Object.keys order (from the map's
   * enum cache, without allocating), then the enumerable keys of its prototypes that no
   * own key shadows. So a walk of own keys only is Object.keys exactly. (V8 turns
   * hasOwnProperty of the for-in key on its object into a map check.)
   */
  const byWalk = (v: object): ObjectCopier | null => {
    let list: Shape[] | undefined;
    let sh: Shape | null = null;
    let n = 0;
    for (const k in v) {
      if (!hasOwn.call(v, k)) return null;
      if (sh === null) {
        list = byFirst.get(k);
        if (list === undefined) return null;
        sh = list[0];
      } else if (n >= sh.keys.length || sh.keys[n] !== k) {
        sh = sameStart(list!, sh, n, k);
        if (sh === null) return null;
      }
      n++;
    }
    if (sh !== null && sh.keys.length !== n)
      sh = sameStart(list!, sh, n, undefined);
    return sh === null ? null : sh.copier;
  };
  /**
   * A shape of `list` whose first `n` keys are those of `sh` and whose next key is `k`
   * (with `k` undefined: which has no more keys), or null.
   */
  function sameStart(
    list: Shape[],
    sh: Shape,
    n: number,
    k: string | undefined,
  ): Shape | null {
    const want = sh.keys;
    for (let i = 0; i < list.length; i++) {
      const ks = list[i].keys;
      if (ks[n] !== k) continue;
      let j = 1;
      while (j < n && ks[j] === want[j]) j++;
      if (j === n) return list[i];
    }
    return null;
  }
  return Object.assign(byKeys, {of: byWalk});
}

export const hostRealm: Realm = {
  Array,
  Date,
  Error,
  Object,
  JSON,
  newObject: () => ({}),
  newArray: () => [],
  rowCopier: rowCopiers(
    body =>
      new Function('s', 'c', body) as (
        s: ArrayLike<unknown>,
        c: number,
      ) => unknown[],
  ),
  objectCopier: objectCopiers(body => new Function('s', 'c', body)),
};

interface CopyState {
  realm: Realm;
  /** The realm's Object.prototype (a plain realm object needs no boxed check). */
  realmProto: object;
  /** Objects being copied, outermost first (JSON's cycle check). */
  stack: object[];
  /** The realm's frozen copies (frozenCopies), looked up once per copy. */
  memo: WeakMap<object, unknown> | null;
  /** A member for an object copier (memberOf over this state), made on first use. */
  member: ((x: unknown, key: string) => unknown) | null;
  /** Set when memberOf dropped a member (undefined, a function): the copier's object needs it out. */
  dropped: boolean;
}

const isArray = Array.isArray;
const objectKeys = Object.keys;
const getProto = Object.getPrototypeOf;
const toTag = Object.prototype.toString;
// [[BooleanData]], as JSON reads it (valueOf may be overridden).
const boolValue = Boolean.prototype.valueOf;

/**
 * Exactly `realm.JSON.parse(JSON.stringify(value))`, without the text: toJSON
 * honoured (Dates become ISO strings), boxed primitives unwrapped,
 * undefined/functions/symbols dropped from objects and null in arrays,
 * NaN/Infinity null, -0 as 0, a cycle or a BigInt the TypeError JSON.stringify
 * throws, and every object and array fresh (except frozen host values: one
 * frozen copy per realm, see frozenCopies). The walk is host code, so the JIT
 * keeps it optimised across executions (code compiled in a fresh context starts
 * cold every time); only the allocations go through the realm's literals, which
 * makes the copies native to it. About three times faster than the round trip.
 */
export function jsonCopy(value: unknown, realm: Realm): unknown {
  const st: CopyState = {
    realm,
    realmProto: realm.Object.prototype,
    stack: [],
    memo: null,
    member: null,
    dropped: false,
  };
  const out = member(withToJSON(value, ''), st);
  // JSON.parse(JSON.stringify(fn)) is JSON.parse(undefined).
  if (out === undefined) throw new SyntaxError('"undefined" is not valid JSON');
  return out;
}

/** toJSON of an object or BigInt, called with its key, as JSON.stringify does. */
function withToJSON(v: unknown, key: string): unknown {
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const f = (v as {toJSON?: unknown}).toJSON;
    if (typeof f === 'function') return f.call(v, key);
  }
  return v;
}

/** withToJSON for an array element: its key is only spelt out when a toJSON needs it. */
function withToJSONAt(v: unknown, index: number): unknown {
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const f = (v as {toJSON?: unknown}).toJSON;
    if (typeof f === 'function') return f.call(v, String(index));
  }
  return v;
}

function bigintError(): TypeError {
  return new TypeError('Do not know how to serialize a BigInt');
}

/** A value after toJSON: its copy, or undefined to omit it. */
function member(v: unknown, st: CopyState): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      // Finite numbers only; `+ 0` turns -0 into 0 as the text does.
      return v - v === 0 ? v + 0 : null;
    case 'object':
      return v === null ? null : copyObject(v, st);
    case 'bigint':
      throw bigintError();
    default:
      return undefined;
  }
}

/**
 * Copies of frozen host values, per realm. The demo shares frozen parts between the
 * records it serves (actors, events, parameters); each is copied once per execution and
 * handed out as one frozen copy, as read-only as the API's responses are to the bundle.
 */
const frozenCopies = new WeakMap<Realm, WeakMap<object, unknown>>();

function copyObject(v: object, st: CopyState): unknown {
  if (!Object.isFrozen(v)) return copyFresh(v, st);
  let memo = st.memo;
  if (memo === null) {
    memo = frozenCopies.get(st.realm) ?? null;
    if (memo === null) {
      memo = new WeakMap();
      frozenCopies.set(st.realm, memo);
    }
    st.memo = memo;
  }
  let out = memo.get(v);
  if (out === undefined) {
    out = copyFresh(v, st);
    if (typeof out === 'object' && out !== null) st.realm.Object.freeze(out);
    memo.set(v, out);
  }
  return out;
}

/** Longest list jsonCopy copies with a realm literal (longer ones are filled by push). */
const COPIED_ARRAY_MAX = 64;

function copyFresh(v: object, st: CopyState): unknown {
  const stack = st.stack;
  for (let i = 0; i < stack.length; i++) {
    if (stack[i] === v)
      throw new TypeError('Converting circular structure to JSON');
  }
  if (isArray(v)) {
    stack.push(v);
    const n = v.length;
    let out: unknown[];
    if (n <= COPIED_ARRAY_MAX) {
      // A short list: copied whole into an exact-size literal, then its members put right.
      // Each member is read again in order, as JSON.stringify reads it (a toJSON may
      // change a later one).
      out = st.realm.rowCopier(n)(v, 0);
      for (let i = 0; i < n; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') {
          if (out[i] !== x) out[i] = x;
        } else {
          const y = member(withToJSONAt(x, i), st);
          out[i] = y === undefined ? null : y;
        }
      }
    } else {
      out = st.realm.newArray();
      for (let i = 0; i < n; i++) {
        let x: unknown = v[i];
        // Strings (most leaves) skip the general path.
        if (typeof x !== 'string') {
          x = member(withToJSONAt(x, i), st);
          if (x === undefined) x = null;
        }
        out.push(x);
      }
    }
    stack.pop();
    return out;
  }
  const proto: unknown = getProto(v);
  const plain =
    proto === Object.prototype || proto === st.realmProto || proto === null;
  if (!plain) {
    const tag = toTag.call(v);
    if (tag === '[object Number]') return member(Number(v), st);
    if (tag === '[object String]') return String(v);
    if (tag === '[object Boolean]') return boolValue.call(v);
    if (tag === '[object BigInt]') throw bigintError();
  }
  stack.push(v);
  const copiers = st.realm.objectCopier;
  // A plain object of a compiled key list needs no Object.keys array (see ObjectCopiers.of).
  let copier = copiers !== undefined && plain ? copiers.of(v) : null;
  let out: Record<string, unknown>;
  if (copier === null) {
    const ks = objectKeys(v);
    copier = copiers === undefined ? null : copiers(ks);
    if (copier === null) {
      out = copyMembers(v as Record<string, unknown>, ks, st);
      stack.pop();
      return out;
    }
  }
  const m = (st.member ??= (x, k) => memberOf(x, k, st));
  const dropped = st.dropped;
  st.dropped = false;
  out = copier(v, m);
  // JSON leaves a member it cannot write out of the object: rebuild without it (rare).
  if (st.dropped) out = withoutUndefined(out, st.realm);
  st.dropped = dropped;
  stack.pop();
  return out;
}

/** A realm object with the members `ks` of `v`, each as JSON writes it (the general path). */
function copyMembers(
  v: Record<string, unknown>,
  ks: string[],
  st: CopyState,
): Record<string, unknown> {
  const out = st.realm.newObject();
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i];
    let x: unknown = v[k];
    if (typeof x !== 'string') {
      x = member(withToJSON(x, k), st);
      if (x === undefined) continue;
    }
    if (k === '__proto__') {
      // An own property, as JSON.parse makes it; assignment would set the prototype.
      Object.defineProperty(out, k, {
        value: x,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      out[k] = x;
    }
  }
  return out;
}

/** A member of an object copied by an object copier: as copyFresh's own loop reads it. */
function memberOf(x: unknown, k: string, st: CopyState): unknown {
  if (typeof x === 'string') return x;
  const y = member(withToJSON(x, k), st);
  if (y === undefined) st.dropped = true;
  return y;
}

/** A realm object with the members of `o` that are not undefined, in order. */
function withoutUndefined(
  o: Record<string, unknown>,
  realm: Realm,
): Record<string, unknown> {
  const out = realm.newObject();
  for (const k of objectKeys(o)) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Simulated cost, in ms of the simulated clock, of the calls the fakes serve. */
export interface SimulatedCosts {
  /** Per 'Service.method' overrides; a key 'Service.*' sets a whole service. */
  calls: Record<string, number>;
  /** Extra ms per cell read by getValues/getDisplayValues/getFormulas. */
  perCellRead: number;
  /** Extra ms per cell written by setValues/setNumberFormats/... */
  perCellWrite: number;
  /** Extra ms per item returned by an advanced-service page. */
  perApiItem: number;
  /** Simulated ms per real ms of CPU spent in the bundle. */
  cpuFactor: number;
}

/** Default costs: ballpark figures of a container-bound script in production. */
export const DEFAULT_COSTS: SimulatedCosts = {
  calls: {
    'SpreadsheetApp.*': 2,
    'Spreadsheet.*': 2,
    'Sheet.*': 2,
    'Range.*': 2,
    'ConditionalFormatRuleBuilder.*': 2,
    'EmbeddedChartBuilder.*': 2,
    'Menu.*': 2,
    'SpreadsheetApp.getActiveSpreadsheet': 30,
    'SpreadsheetApp.flush': 50,
    'Spreadsheet.insertSheet': 150,
    'Spreadsheet.deleteSheet': 150,
    'Range.getValues': 40,
    'Range.getDisplayValues': 40,
    'Range.getFormulas': 40,
    'Range.setValues': 60,
    'Range.setValue': 40,
    'Range.clear': 40,
    'Range.clearContent': 40,
    'Sheet.insertChart': 200,
    'Sheet.setConditionalFormatRules': 80,
    'Sheet.autoResizeColumns': 100,
    'Sheet.clear': 60,
    'Sheet.clearContents': 60,
    'Sheet.insertRowsAfter': 60,
    'Sheet.deleteRows': 60,
    'Properties.*': 15,
    'Cache.*': 10,
    'Lock.*': 20,
    'ScriptApp.*': 20,
    'TriggerBuilder.create': 150,
    'ScriptApp.deleteTrigger': 100,
    'Utilities.*': 0,
    'Session.*': 5,
    'HtmlService.*': 20,
    'Ui.*': 50,
    'MailApp.sendEmail': 250,
    'MailApp.getRemainingDailyQuota': 20,
    'DriveApp.*': 150,
    'Folder.*': 150,
    'File.*': 100,
    'AdminReports.*': 400,
    'AdminDirectory.*': 300,
    'Classroom.*': 250,
    'CalendarApp.*': 150,
    'Calendar.*': 20,
    'Calendar.getEvents': 400,
    'CalendarEvent.*': 2,
    'UrlFetchApp.fetch': 500,
    'HTTPResponse.*': 0,
    'BigQuery.Jobs.query': 1500,
    'BigQuery.Jobs.getQueryResults': 800,
  },
  perCellRead: 0.002,
  perCellWrite: 0.01,
  perApiItem: 0.2,
  cpuFactor: 1,
};

export function mergeCosts(costs?: Partial<SimulatedCosts>): SimulatedCosts {
  return {
    ...DEFAULT_COSTS,
    ...costs,
    calls: {...DEFAULT_COSTS.calls, ...(costs?.calls ?? {})},
  };
}

/** One injected error. */
export interface FaultRule {
  /** 'Service.method' (e.g. 'AdminReports.Activities.list') or a prefix ending in '*'. */
  method: string;
  /** HTTP status the failing call reports (429, 500, 503, 403, 400, ...). */
  code: number;
  /** Probability per matching call, drawn from the plan's seeded generator (default 1). */
  rate?: number;
  /** Only these 1-based numbers of matching calls fail (counted over the runtime's life). */
  onCalls?: number[];
  /** At most this many injections from this rule. */
  times?: number;
  /** `errors[0].reason`; defaults per code (rateLimitExceeded, backendError, ...). */
  reason?: string;
  message?: string;
}

/** Where and how executions fail. Mutable between executions via `runtime.faults`. */
export interface FaultPlan {
  /** Seed of the generator behind `rate` (default 1). */
  seed?: number;
  /**
   * Kill an execution when it attempts its (N+1)-th service call, as Apps Script
   * kills a script at an arbitrary point. A function chooses N per execution
   * (index is 1-based over the runtime's executions); undefined spares it.
   */
  killAfterCalls?:
    | number
    | ((execution: {index: number; fnName: string}) => number | undefined);
  errors?: FaultRule[];
  /**
   * Usage-report dates (`YYYY-MM-DD`) answered with a PARTIAL_DATA_AVAILABLE
   * warning and only part of the rows; `true` marks every date.
   */
  partialData?: string[] | true;
}

export type AuthMode = 'FULL' | 'LIMITED' | 'NONE';

export interface ExecutionInfo {
  index: number;
  fnName: string;
  triggerUid?: string;
  /**
   * LIMITED for a simple trigger (onOpen, onEdit); NONE for an add-on's onOpen in a file
   * where it has not been used yet.
   */
  authMode: AuthMode;
}

/**
 * Services a simple trigger may not call (they need the user's authorization),
 * with the scope Apps Script names in its refusal.
 */
const AUTHORIZED_ONLY: [string, string][] = [
  ['MailApp.sendEmail', 'https://www.googleapis.com/auth/script.send_mail'],
  ['ScriptApp.newTrigger', 'https://www.googleapis.com/auth/script.scriptapp'],
  [
    'ScriptApp.getProjectTriggers',
    'https://www.googleapis.com/auth/script.scriptapp',
  ],
  [
    'ScriptApp.getUserTriggers',
    'https://www.googleapis.com/auth/script.scriptapp',
  ],
  [
    'ScriptApp.deleteTrigger',
    'https://www.googleapis.com/auth/script.scriptapp',
  ],
  ['DriveApp.', 'https://www.googleapis.com/auth/drive.readonly'],
  [
    'AdminReports.',
    'https://www.googleapis.com/auth/admin.reports.audit.readonly',
  ],
  [
    'AdminDirectory.',
    'https://www.googleapis.com/auth/admin.directory.user.readonly',
  ],
  ['Classroom.', 'https://www.googleapis.com/auth/classroom.courses.readonly'],
  ['BigQuery.', 'https://www.googleapis.com/auth/bigquery'],
  ['CalendarApp.', 'https://www.googleapis.com/auth/calendar.readonly'],
  ['UrlFetchApp.', 'https://www.googleapis.com/auth/script.external_request'],
];

/**
 * What AuthMode.NONE still allows: building the add-on menu (Ui and its menus) and
 * services that need no authorization. Everything else, this file and its properties
 * included, is refused.
 */
const NONE_ALLOWED = [
  'SpreadsheetApp.getUi',
  'Ui.createAddonMenu',
  'Ui.createMenu',
  'Menu.',
  'Utilities.',
  'Session.getActiveUserLocale',
  'Session.getScriptTimeZone',
];

/** Apps Script's limit for a simple trigger. */
export const SIMPLE_TRIGGER_LIMIT_MS = 30_000;

export interface ExecutionState extends ExecutionInfo {
  startMs: number;
  limitMs: number;
  realm: Realm;
  calls: number;
  callsByName: Map<string, number>;
  timedOut: boolean;
  killed: boolean;
  killAfter?: number;
  userEmail: string;
  /** Real CPU ms spent in the bundle. */
  cpuMs: number;
  mark: number;
}

export const TIMEOUT_MESSAGE = 'Exceeded maximum execution time';

/** Counts of every service call, by 'Service.method'. */
export class CallCounter {
  private readonly counts = new Map<string, number>();
  total = 0;
  inc(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.total++;
  }
  /** Calls of one method, or of every method under a prefix ending in '*'. */
  get(name: string): number {
    if (name.endsWith('*')) {
      const prefix = name.slice(0, -1);
      let n = 0;
      for (const [k, v] of this.counts) if (k.startsWith(prefix)) n += v;
      return n;
    }
    return this.counts.get(name) ?? 0;
  }
  byName(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }
  reset(): void {
    this.counts.clear();
    this.total = 0;
  }
}

/** The simulated clock (epoch ms). */
export class SimClock {
  constructor(
    private ms: number,
    private readonly sync: () => void,
  ) {}
  now(): number {
    this.sync();
    return Math.floor(this.ms);
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance the clock by ${ms}`);
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  /** Without syncing CPU time (used by the engine itself). */
  raw(): number {
    return this.ms;
  }
}

const DEFAULT_REASON: Record<number, [string, string]> = {
  400: ['invalid', 'Bad Request'],
  403: ['userRateLimitExceeded', 'Rate limit exceeded'],
  404: ['notFound', 'Not Found'],
  429: ['rateLimitExceeded', 'Resource has been exhausted (e.g. check quota).'],
  500: ['backendError', 'Internal error encountered.'],
  503: ['backendError', 'The service is currently unavailable.'],
};

/** A small deterministic generator (mulberry32). */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface EngineOptions {
  startTime: number;
  executionLimitMs: number;
  costs: SimulatedCosts;
  faults: FaultPlan;
  userEmail: string;
}

export class Engine {
  readonly clock: SimClock;
  readonly calls = new CallCounter();
  costs: SimulatedCosts;
  executionLimitMs: number;
  userEmail: string;
  private faultPlan: FaultPlan = {};
  private random: () => number = makeRandom(1);
  private readonly ruleHits = new Map<
    FaultRule,
    {seen: number; fired: number}
  >();
  private readonly stack: ExecutionState[] = [];
  private executions = 0;
  /** Called after every counted service call (lets a test start a concurrent execution). */
  onServiceCall?: (name: string, execution: ExecutionInfo) => void;
  /** Called when an execution ends (releases its locks). */
  readonly endHooks: ((ex: ExecutionState) => void)[] = [];

  constructor(opts: EngineOptions) {
    this.clock = new SimClock(opts.startTime, () => this.syncCpu());
    this.costs = opts.costs;
    this.executionLimitMs = opts.executionLimitMs;
    this.userEmail = opts.userEmail;
    this.faults = opts.faults;
  }

  get faults(): FaultPlan {
    return this.faultPlan;
  }
  set faults(plan: FaultPlan) {
    this.faultPlan = plan;
    this.random = makeRandom(plan.seed ?? 1);
    this.ruleHits.clear();
  }

  current(): ExecutionState | undefined {
    return this.stack[this.stack.length - 1];
  }

  realm(): Realm {
    return this.current()?.realm ?? hostRealm;
  }

  /** The simulated time, with the CPU the running bundle has used so far. */
  now(): number {
    return this.clock.now();
  }

  /** An Apps Script service exception (`Exception: ...`) in the current realm. */
  error(message: string, name = 'Exception'): Error {
    const e = new (this.realm().Error)(message);
    Object.defineProperty(e, 'name', {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return e;
  }

  /**
   * The error an advanced service throws: a GoogleJsonResponseException whose
   * `details` carries the HTTP status, as Apps Script exposes it.
   */
  apiError(
    api: string,
    code: number,
    message?: string,
    reason?: string,
  ): Error {
    const [defReason, defMessage] = DEFAULT_REASON[code] ?? [
      'unknown',
      'Unknown Error',
    ];
    const msg = message ?? defMessage;
    const e = this.error(
      `API call to ${api} failed with error: ${msg}`,
      'GoogleJsonResponseException',
    );
    (e as unknown as {details: unknown}).details = this.toRealm({
      code,
      message: msg,
      errors: [{message: msg, domain: 'global', reason: reason ?? defReason}],
    });
    return e;
  }

  /** A JSON-shaped value copied into the current realm (and away from fixture data). */
  toRealm<T>(value: T): T {
    if (value === undefined) return value;
    return jsonCopy(value, this.realm()) as T;
  }

  /** The cost of a call by name, from the table (exact name, then 'Service.*'). */
  cost(name: string): number {
    const c = this.costs.calls;
    if (name in c) return c[name];
    const star = name.slice(0, name.indexOf('.') + 1) + '*';
    return c[star] ?? 0;
  }

  begin(info: {
    fnName: string;
    triggerUid?: string;
    realm: Realm;
    userEmail?: string;
    authMode?: AuthMode;
  }): ExecutionState {
    const outer = this.current();
    if (outer) this.syncCpu();
    const index = ++this.executions;
    const ex: ExecutionState = {
      index,
      fnName: info.fnName,
      triggerUid: info.triggerUid,
      authMode: info.authMode ?? 'FULL',
      startMs: this.clock.raw(),
      limitMs:
        info.authMode === 'LIMITED' || info.authMode === 'NONE'
          ? Math.min(SIMPLE_TRIGGER_LIMIT_MS, this.executionLimitMs)
          : this.executionLimitMs,
      realm: info.realm,
      calls: 0,
      callsByName: new Map(),
      timedOut: false,
      killed: false,
      userEmail: info.userEmail ?? this.userEmail,
      cpuMs: 0,
      mark: performance.now(),
    };
    const kill = this.faultPlan.killAfterCalls;
    ex.killAfter =
      typeof kill === 'function' ? kill({index, fnName: info.fnName}) : kill;
    this.stack.push(ex);
    return ex;
  }

  end(ex: ExecutionState): void {
    if (this.current() !== ex) throw new Error('executions ended out of order');
    this.syncCpu();
    this.stack.pop();
    for (const hook of this.endHooks) hook(ex);
    const outer = this.current();
    if (outer) outer.mark = performance.now();
  }

  /** Adds the bundle's CPU time since the last mark to the simulated clock. */
  syncCpu(): void {
    const ex = this.current();
    if (!ex) return;
    const t = performance.now();
    const d = t - ex.mark;
    ex.mark = t;
    if (d > 0) {
      ex.cpuMs += d;
      this.clock.advance(d * this.costs.cpuFactor);
    }
  }

  /** Simulated ms the current execution has run. */
  elapsed(ex: ExecutionState): number {
    return this.clock.raw() - ex.startMs;
  }

  private timeout(ex: ExecutionState): Error {
    ex.timedOut = true;
    return this.error(TIMEOUT_MESSAGE);
  }

  /**
   * Serves one service call: counts it, charges its simulated cost, enforces the
   * time limit and the fault plan, then runs `fn`. Outside an execution (a test
   * inspecting state) nothing is counted or charged.
   */
  call<T>(
    name: string,
    fn: () => T,
    opts: {extraCost?: number; api?: string} = {},
  ): T {
    const ex = this.current();
    if (!ex) return fn();
    this.syncCpu();
    try {
      if (ex.timedOut) throw this.error(TIMEOUT_MESSAGE);
      if (this.elapsed(ex) > ex.limitMs) throw this.timeout(ex);
      if (ex.killAfter !== undefined && ex.calls >= ex.killAfter) {
        ex.killed = true;
        throw this.timeout(ex);
      }
      ex.calls++;
      ex.callsByName.set(name, (ex.callsByName.get(name) ?? 0) + 1);
      this.calls.inc(name);
      const cost = this.cost(name) + (opts.extraCost ?? 0);
      if (this.elapsed(ex) + cost > ex.limitMs) {
        this.clock.set(ex.startMs + ex.limitMs);
        throw this.timeout(ex);
      }
      this.clock.advance(cost);
      if (
        ex.authMode === 'NONE' &&
        !NONE_ALLOWED.some(p =>
          p.endsWith('.') ? name.startsWith(p) : name === p,
        )
      ) {
        throw this.error(
          `You do not have permission to call ${name}. The add-on has not been authorized in this document (AuthMode.NONE).`,
        );
      }
      if (ex.authMode === 'LIMITED') {
        const rule = AUTHORIZED_ONLY.find(([p]) =>
          p.endsWith('.') ? name.startsWith(p) : name === p,
        );
        if (rule) {
          throw this.error(
            `You do not have permission to call ${name}. Required permissions: ${rule[1]}`,
          );
        }
      }
      const fault = this.pickFault(name);
      if (fault) {
        if (opts.api) {
          throw this.apiError(
            opts.api,
            fault.code,
            fault.message,
            fault.reason,
          );
        }
        throw this.error(
          fault.message ??
            "We're sorry, a server error occurred. Please wait a bit and try again.",
        );
      }
      const result = fn();
      if (this.onServiceCall) {
        this.onServiceCall(name, {
          index: ex.index,
          fnName: ex.fnName,
          triggerUid: ex.triggerUid,
          authMode: ex.authMode,
        });
      }
      return result;
    } finally {
      ex.mark = performance.now();
    }
  }

  /** Charges extra simulated time inside a call (e.g. per item of a page). */
  charge(ms: number): void {
    if (this.current() && ms > 0) this.clock.advance(ms);
  }

  /**
   * Lets simulated time pass inside the execution (Utilities.sleep, waitLock).
   * Throws the timeout when the wait crosses the limit.
   */
  wait(ms: number): void {
    const ex = this.current();
    if (!ex) {
      this.clock.advance(ms);
      return;
    }
    if (this.elapsed(ex) + ms > ex.limitMs) {
      this.clock.set(ex.startMs + ex.limitMs);
      throw this.timeout(ex);
    }
    this.clock.advance(ms);
  }

  private pickFault(name: string): FaultRule | undefined {
    for (const rule of this.faultPlan.errors ?? []) {
      const m = rule.method;
      const match = m.endsWith('*')
        ? name.startsWith(m.slice(0, -1))
        : name === m;
      if (!match) continue;
      const hits = this.ruleHits.get(rule) ?? {seen: 0, fired: 0};
      this.ruleHits.set(rule, hits);
      hits.seen++;
      if (rule.times !== undefined && hits.fired >= rule.times) continue;
      if (rule.onCalls && !rule.onCalls.includes(hits.seen)) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      hits.fired++;
      return rule;
    }
    return undefined;
  }

  /** Whether a usage-report date carries a PARTIAL_DATA_AVAILABLE warning by plan. */
  partialByPlan(date: string): boolean {
    const p = this.faultPlan.partialData;
    return p === true || (Array.isArray(p) && p.includes(date));
  }
}
