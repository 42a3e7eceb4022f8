/**
 * The offline Apps Script runtime: the real bundle (dist/Code.js) runs here
 * against in-memory Google services, one execution at a time, each in a fresh
 * vm context holding only Apps Script globals, on a simulated clock with the
 * 6-minute execution limit. See src/offline/README.md.
 */
import {join} from 'node:path';
import * as vm from 'node:vm';
import {
  makeAdminDirectory,
  makeAdminReports,
  makeBigQuery,
  makeClassroom,
  type ApiLimits,
  type BigQueryBackend,
} from './advanced';
import {
  AuthMode,
  CallCounter,
  Engine,
  ExecutionInfo,
  FaultPlan,
  Realm,
  SimulatedCosts,
  TIMEOUT_MESSAGE,
  hostRealm,
  objectCopiers,
  rowCopiers,
  mergeCosts,
} from './engine';
import {observeService, type ApiObserver} from './observe';
import {
  DriveData,
  LogEntry,
  MAIL_DAILY_QUOTA,
  SentMail,
  makeDriveApp,
  makeHtmlService,
  makeLogging,
  makeMailApp,
  makeSession,
  makeUtilities,
} from './services';
import {makeCharts} from './sheets/charts';
import {SpreadsheetStore, UiRecord} from './sheets/model';
import {makeSpreadsheetApp} from './sheets/spreadsheet';
import {
  LockRegistry,
  PropertyStores,
  makeCacheService,
  makeLockService,
  makePropertiesService,
} from './stores';
import {
  TriggerRecord,
  TriggerRegistry,
  type InstallationSource,
  clockEvent,
  makeScriptApp,
} from './triggers';
import type {WorkspaceData} from './workspace-data';
import {
  type CalendarData,
  type WebData,
  makeCalendarApp,
  makeUrlFetchApp,
} from './calendar';

export type {ApiLimits, BigQueryBackend, BigQueryResultsArgs} from './advanced';
export type {
  AuthMode,
  ExecutionInfo,
  FaultPlan,
  FaultRule,
  SimulatedCosts,
} from './engine';
export type {ApiCall, ApiObserver} from './observe';
export type {DriveData, LogEntry, SentMail} from './services';
export type {
  CalendarData,
  FakeCalendar,
  FakeCalendarEvent,
  FakeHttpResponse,
  WebData,
} from './calendar';
export type {UiRecord} from './sheets/model';
export type {InstallationSource, TriggerRecord} from './triggers';

export interface OfflineRuntimeOptions {
  /** Backs AdminReports, AdminDirectory and Classroom (absent: those services are undefined). */
  data?: WorkspaceData;
  /** Backs the BigQuery advanced service (absent: BigQuery is undefined). */
  bigQuery?: BigQueryBackend;
  /** Drive folders DriveApp can open. */
  drive?: DriveData;
  /** Google Calendars CalendarApp can open, by id. */
  calendars?: CalendarData;
  /** URLs UrlFetchApp can fetch (any other URL on a listed host is a 404; other hosts a DNS error). */
  web?: WebData;
  /** Epoch ms the simulated clock starts at (default 2025-03-03T14:00:00Z). */
  startTime?: number;
  /** Script and spreadsheet time zone (default America/New_York). */
  timeZone?: string;
  /** Per-execution limit in simulated ms (default 360000, Apps Script's 6 minutes). */
  executionLimitMs?: number;
  /** The user running the script (default admin@district.example.org). */
  userEmail?: string;
  faults?: FaultPlan;
  costs?: Partial<SimulatedCosts>;
  /** Where HtmlService finds `<name>.html` (default ./dist). */
  htmlDir?: string;
  /** MailApp recipients per day (default 1500, a Workspace account). */
  mailQuota?: number;
  /** Retention, latency, page sizes and rate limits of the Google APIs. */
  apiLimits?: Partial<ApiLimits>;
  scriptId?: string;
  /**
   * Run as an Editor add-on installed this way (default NONE: a container-bound script).
   * ScriptApp.getInstallationSource() answers it, and ScriptApp enforces the add-on
   * trigger limits: one time-driven trigger per user per document, none recurring more
   * often than hourly.
   */
  installationSource?: InstallationSource;
  spreadsheetId?: string;
  spreadsheetName?: string;
  /**
   * Evaluate each bundle once and run every execution's entry point in that one context
   * (default false: a fresh context per execution, as Apps Script loads the project each
   * time). Long simulations run several times faster: compiled code stays optimised
   * instead of starting cold in every execution. It is faithful only for a bundle that
   * keeps no state of its own between executions; the runtime undoes any global the
   * bundle adds or replaces after each execution and drops the context after a failed one
   * (test/offline/reuse.test.ts holds the bundle to it).
   */
  reuseContexts?: boolean;
  /**
   * Told of every call to an advanced service (AdminReports, AdminDirectory, Classroom,
   * BigQuery): its arguments and its response or error (test/contract holds them to
   * Google's published contract).
   */
  observeApi?: ApiObserver;
}

export interface ExecuteOptions {
  /** Runs as this trigger's execution (no UI for a time-driven one; the event object is not added). */
  triggerUid?: string;
  /**
   * Runs as a simple trigger (onOpen, onEdit): AuthMode LIMITED, 30 s limit, and
   * services that need authorization (MailApp, trigger management, DriveApp, the
   * advanced services) refuse with `You do not have permission to call ...`.
   */
  simpleTrigger?: boolean;
  /**
   * The execution's AuthMode, over the one simpleTrigger implies: NONE is an add-on's
   * onOpen in a file where it has not been used (only the add-on menu may be built).
   */
  authMode?: AuthMode;
  /** Runs as another user (user properties, user lock, Session). */
  userEmail?: string;
}

export interface ExecutionError {
  name: string;
  message: string;
  stack?: string;
  /** `details` of a GoogleJsonResponseException ({code, message, errors}). */
  details?: unknown;
  /** The thrown value itself. */
  value: unknown;
}

export interface ExecutionResult {
  index: number;
  fnName: string;
  ok: boolean;
  /** The function's return value, copied out of the vm context. */
  result?: unknown;
  error?: ExecutionError;
  startMs: number;
  endMs: number;
  /** Simulated ms the execution took (service costs + CPU x cpuFactor + sleeps). */
  simulatedMs: number;
  /** Real CPU ms spent in the bundle. */
  cpuMs: number;
  /** The execution hit the time limit (or was killed by the fault plan). */
  timedOut: boolean;
  /** Killed by the fault plan's killAfterCalls. */
  killed: boolean;
  calls: number;
  callsByName: Record<string, number>;
}

export interface FiredTrigger {
  uid: string;
  handler: string;
  scheduledMs: number;
  result: ExecutionResult;
}

export interface OfflineRuntime {
  /** The Apps Script globals, and only those. */
  readonly globals: Readonly<Record<string, unknown>>;
  readonly clock: {
    now(): number;
    advance(ms: number): void;
    set(ms: number): void;
  };
  /**
   * The bound spreadsheet, typed as Apps Script's (the fake implements the subset
   * listed in README.md). Calls from outside an execution are not counted.
   */
  readonly spreadsheet: GoogleAppsScript.Spreadsheet.Spreadsheet;
  readonly ui: UiRecord;
  readonly mail: SentMail[];
  readonly logs: LogEntry[];
  readonly triggers: readonly TriggerRecord[];
  readonly calls: CallCounter;
  readonly properties: PropertyStores;
  readonly caches: ReturnType<typeof makeCacheService>['caches'];
  readonly locks: LockRegistry;
  faults: FaultPlan;
  /** Called after every counted service call (e.g. to start a concurrent execution). */
  onServiceCall?: (name: string, execution: ExecutionInfo) => void;
  /** Compiles a bundle once; pass the result to execute() to reuse it. */
  compile(code: string, filename?: string): vm.Script;
  execute(
    code: string | vm.Script,
    fnName: string,
    args?: unknown[],
    opts?: ExecuteOptions,
  ): ExecutionResult;
  /**
   * Runs a host function as one execution (counted, charged, time-limited, with
   * the simulated Date and the Apps Script globals installed on globalThis for
   * its duration) — for code imported directly rather than bundled.
   */
  run<T>(fn: () => T, opts?: ExecuteOptions & {name?: string}): ExecutionResult;
  /**
   * A user opens the spreadsheet: the bundle's `onOpen` runs as a simple trigger
   * (if it has one), then every installable on-open trigger, each with its event.
   */
  openSpreadsheet(
    code: string | vm.Script,
    opts?: {authMode?: 'NONE' | 'LIMITED'},
  ): ExecutionResult[];
  /**
   * An admin installs the add-on from the Marketplace with this file open: `onInstall(e)`
   * runs in AuthMode.FULL (Sheets does not run onOpen then).
   */
  installAddOn(code: string | vm.Script): ExecutionResult;
  /** Runs every time-driven trigger already due, in order of due time. */
  fireDueTriggers(code: string | vm.Script): FiredTrigger[];
  /** Moves the clock to `ms`, running each time-driven trigger as its time comes. */
  advanceTo(
    ms: number,
    code: string | vm.Script,
    maxFirings?: number,
  ): FiredTrigger[];
}

export const DEFAULT_START = Date.UTC(2025, 2, 3, 14, 0, 0);
const TRIGGER_DAILY_RUNTIME_MS = 6 * 3_600_000;

const DATE_PATCH = `(function (now) {
  var RealDate = globalThis.Date;
  var SimDate = function Date() {
    if (!new.target) return new RealDate(now()).toString();
    var n = arguments.length;
    // A plain new Date(...) builds directly (it is hot); subclasses and odd
    // arities go through Reflect.construct. No named parameters: Date.length stays 0.
    if (new.target === SimDate && SimDate.prototype === RealDate.prototype) {
      var a = arguments;
      switch (n) {
        case 0: return new RealDate(now());
        case 1: return new RealDate(a[0]);
        case 2: return new RealDate(a[0], a[1]);
        case 3: return new RealDate(a[0], a[1], a[2]);
        case 4: return new RealDate(a[0], a[1], a[2], a[3]);
        case 5: return new RealDate(a[0], a[1], a[2], a[3], a[4]);
        case 6: return new RealDate(a[0], a[1], a[2], a[3], a[4], a[5]);
        case 7: return new RealDate(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      }
    }
    var args = n === 0 ? [now()] : Array.prototype.slice.call(arguments);
    return Reflect.construct(RealDate, args, new.target);
  };
  SimDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', {value: SimDate, writable: true, configurable: true});
  SimDate.now = function now_() { return now(); };
  SimDate.parse = RealDate.parse;
  SimDate.UTC = RealDate.UTC;
  Object.defineProperty(globalThis, 'Date', {value: SimDate, writable: true, configurable: true, enumerable: false});
  return {
    Array: Array, Date: SimDate, Error: Error, Object: Object, JSON: JSON,
    newObject: function () { return {}; },
    newArray: function () { return []; },
    compileRow: function (body) { return new Function('s', 'c', body); }
  };
})`;

/** A deep copy of JSON-like data and Dates into a realm; other objects pass through. */
function copyInto(v: unknown, realm: Realm): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Object.prototype.toString.call(v) === '[object Date]') {
    return new realm.Date((v as Date).getTime());
  }
  if (Array.isArray(v)) {
    const out = new realm.Array(v.length);
    v.forEach((x, i) => (out[i] = copyInto(x, realm)));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === null || Object.getPrototypeOf(proto) === null) {
    const out = new realm.Object() as Record<string, unknown>;
    for (const k of Object.keys(v))
      out[k] = copyInto((v as Record<string, unknown>)[k], realm);
    return out;
  }
  return v;
}

function describeError(e: unknown): ExecutionError {
  if (e !== null && typeof e === 'object') {
    const o = e as {
      name?: unknown;
      message?: unknown;
      stack?: unknown;
      details?: unknown;
    };
    return {
      name: String(o.name ?? 'Error'),
      message: String(o.message ?? e),
      stack: typeof o.stack === 'string' ? o.stack : undefined,
      details:
        o.details === undefined ? undefined : copyInto(o.details, hostRealm),
      value: e,
    };
  }
  return {name: 'Error', message: String(e), value: e};
}

export function createOfflineRuntime(
  opts: OfflineRuntimeOptions = {},
): OfflineRuntime {
  const timeZone = opts.timeZone ?? 'America/New_York';
  const engine = new Engine({
    startTime: opts.startTime ?? DEFAULT_START,
    executionLimitMs: opts.executionLimitMs ?? 360_000,
    costs: mergeCosts(opts.costs),
    faults: opts.faults ?? {},
    userEmail: opts.userEmail ?? 'admin@district.example.org',
  });
  // The add-on's document is the bound spreadsheet (created below).
  let documentId = '';
  const triggers = new TriggerRegistry(engine, () => timeZone, {
    installationSource: opts.installationSource ?? 'NONE',
    documentId: () => documentId,
  });
  const ui: UiRecord = {
    menus: [],
    sidebars: [],
    dialogs: [],
    alerts: [],
    toasts: [],
    responses: [],
  };
  const book = new SpreadsheetStore(
    {
      engine,
      ui,
      // Time-driven executions have no user interface to show.
      uiAllowed: () => {
        const uid = engine.current()?.triggerUid;
        if (uid === undefined) return true;
        return (
          triggers.list.find(t => t.uid === uid)?.source === 'SPREADSHEETS'
        );
      },
    },
    {id: opts.spreadsheetId, name: opts.spreadsheetName, timeZone},
  );
  const SpreadsheetApp = makeSpreadsheetApp(book);
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  documentId = spreadsheet.getId();
  const properties = new PropertyStores(engine);
  const cache = makeCacheService(engine);
  const locks = new LockRegistry(engine);
  const mail: SentMail[] = [];
  const logs: LogEntry[] = [];
  const {Logger, console} = makeLogging(engine, logs);

  const globals: Record<string, unknown> = {
    SpreadsheetApp,
    Charts: makeCharts(),
    PropertiesService: makePropertiesService(engine, properties),
    CacheService: cache.service,
    LockService: makeLockService(engine, locks),
    ScriptApp: makeScriptApp(
      engine,
      triggers,
      opts.scriptId ??
        '1OfflineScriptId000000000000000000000000000000000000000',
    ),
    Utilities: makeUtilities(engine),
    Session: makeSession(engine, () => timeZone),
    HtmlService: makeHtmlService(
      engine,
      opts.htmlDir ?? join(process.cwd(), 'dist'),
    ),
    MailApp: makeMailApp(engine, mail, opts.mailQuota ?? MAIL_DAILY_QUOTA),
    DriveApp: makeDriveApp(engine, opts.drive ?? {folders: {}}),
    CalendarApp: makeCalendarApp(engine, opts.calendars ?? {}, () => timeZone),
    UrlFetchApp: makeUrlFetchApp(engine, opts.web ?? {}),
    Logger,
    console,
  };
  if (opts.data) {
    globals.AdminReports = makeAdminReports(engine, opts.data, opts.apiLimits);
    globals.AdminDirectory = makeAdminDirectory(
      engine,
      opts.data,
      opts.apiLimits,
    );
    globals.Classroom = makeClassroom(engine, opts.data, opts.apiLimits);
  }
  if (opts.bigQuery) globals.BigQuery = makeBigQuery(engine, opts.bigQuery);
  if (opts.observeApi) {
    for (const k of [
      'AdminReports',
      'AdminDirectory',
      'Classroom',
      'BigQuery',
    ]) {
      if (globals[k])
        globals[k] = observeService(k, globals[k] as object, opts.observeApi);
    }
  }
  for (const v of Object.values(globals)) Object.freeze(v);
  Object.freeze(globals);

  const scripts = new Map<string, vm.Script>();
  const compile = (code: string, filename = 'Code.js') => {
    let s = scripts.get(code);
    if (!s) {
      s = new vm.Script(code, {filename});
      scripts.set(code, s);
    }
    return s;
  };
  const patchScript = new vm.Script(DATE_PATCH, {filename: 'offline-date.js'});
  const triggerRuns: {startMs: number; ms: number}[] = [];

  const finish = (
    ex: ReturnType<Engine['begin']>,
    outcome: {ok: true; value: unknown} | {ok: false; error: unknown},
  ): ExecutionResult => {
    engine.end(ex);
    const endMs = engine.clock.raw();
    let error = outcome.ok ? undefined : describeError(outcome.error);
    if (ex.timedOut && (!error || error.message !== TIMEOUT_MESSAGE)) {
      error = {
        name: 'Exception',
        message: TIMEOUT_MESSAGE,
        value: error?.value,
      };
    }
    const ok = outcome.ok && !ex.timedOut;
    return {
      index: ex.index,
      fnName: ex.fnName,
      ok,
      result: ok
        ? copyInto((outcome as {value: unknown}).value, hostRealm)
        : undefined,
      error,
      startMs: ex.startMs,
      endMs,
      simulatedMs: endMs - ex.startMs,
      cpuMs: ex.cpuMs,
      timedOut: ex.timedOut,
      killed: ex.killed,
      calls: ex.calls,
      callsByName: Object.fromEntries([...ex.callsByName].sort()),
    };
  };

  /** Real-time backstop for a bundle spinning without calling any service. */
  const realTimeout = () => {
    const f = engine.costs.cpuFactor;
    const limit = engine.executionLimitMs;
    return Math.max(
      1000,
      Math.min(600_000, Math.ceil(f > 0 ? limit / f : limit)),
    );
  };

  const newContext = (fnName: string) => {
    const sandbox: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(globals)) sandbox[k] = v;
    const context = vm.createContext(sandbox, {
      name: `execution ${fnName}`,
      codeGeneration: {strings: true, wasm: false},
      // Promise callbacks settle inside the execution, as in Apps Script.
      microtaskMode: 'afterEvaluate',
    });
    const install = patchScript.runInContext(context) as (
      now: () => number,
    ) => Omit<Realm, 'rowCopier' | 'objectCopier'> & {
      compileRow: Parameters<typeof rowCopiers>[0];
    };
    const {compileRow, ...intrinsics} = install(() => engine.now());
    const realm: Realm = {
      ...intrinsics,
      rowCopier: rowCopiers(compileRow),
      objectCopier: objectCopiers(compileRow),
    };
    return {sandbox, context, realm};
  };
  /** With reuseContexts: per bundle, its loaded context and the globals it had after loading. */
  const warm = new Map<vm.Script, WarmContext>();
  let depth = 0;

  const execute = (
    code: string | vm.Script,
    fnName: string,
    args: unknown[] = [],
    eo: ExecuteOptions = {},
  ): ExecutionResult => {
    const script = typeof code === 'string' ? compile(code) : code;
    // A nested execution (started from a service call) gets a context of its own.
    const reuse = opts.reuseContexts === true && depth === 0;
    let loaded = reuse ? warm.get(script) : undefined;
    const {sandbox, context, realm} = loaded ?? newContext(fnName);
    const ex = engine.begin({
      fnName,
      triggerUid: eo.triggerUid,
      realm,
      userEmail: eo.userEmail,
      authMode: eo.authMode ?? (eo.simpleTrigger ? 'LIMITED' : 'FULL'),
    });
    depth++;
    let failed = true;
    try {
      if (!loaded) {
        // Apps Script loads the whole project at the start of every execution.
        script.runInContext(context, {timeout: realTimeout()});
        if (reuse) {
          const restore = snapshotScript.runInContext(context) as () => void;
          loaded = {sandbox, context, realm, restore};
          warm.set(script, loaded);
        }
      }
      const fn = sandbox[fnName];
      if (typeof fn !== 'function') {
        throw engine.error(`Script function not found: ${fnName}`);
      }
      sandbox.__offlineCall = {fn, args: copyInto(args, realm)};
      const value = callScript.runInContext(context, {timeout: realTimeout()});
      const result = finish(ex, {ok: true, value});
      failed = !result.ok;
      return result;
    } catch (e) {
      if ((e as {code?: string})?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
        ex.timedOut = true;
      return finish(ex, {ok: false, error: e});
    } finally {
      depth--;
      if (loaded) {
        // A failed execution may have left the bundle half-way through anything.
        if (failed) warm.delete(script);
        else loaded.restore();
      }
    }
  };

  const run = <T>(
    fn: () => T,
    ro: ExecuteOptions & {name?: string} = {},
  ): ExecutionResult => {
    const ex = engine.begin({
      fnName: ro.name ?? (fn.name || 'anonymous'),
      triggerUid: ro.triggerUid,
      realm: hostRealm,
      userEmail: ro.userEmail,
      authMode: ro.authMode ?? (ro.simpleTrigger ? 'LIMITED' : 'FULL'),
    });
    const RealDate = globalThis.Date;
    const SimDate = function (this: unknown, ...a: unknown[]) {
      if (!new.target) return new RealDate(engine.now()).toString();
      return Reflect.construct(
        RealDate,
        a.length ? a : [engine.now()],
        new.target,
      );
    } as unknown as DateConstructor;
    Object.assign(SimDate, {
      now: () => engine.now(),
      parse: RealDate.parse,
      UTC: RealDate.UTC,
    });
    (SimDate as {prototype: Date}).prototype = RealDate.prototype;
    globalThis.Date = SimDate;
    // The Apps Script globals, for the duration of the call (the host console stays).
    const g = globalThis as Record<string, unknown>;
    const saved: [string, boolean, unknown][] = [];
    for (const k of Object.keys(globals)) {
      if (k === 'console') continue;
      saved.push([k, k in g, g[k]]);
      g[k] = globals[k];
    }
    try {
      const value = fn();
      return finish(ex, {ok: true, value});
    } catch (e) {
      return finish(ex, {ok: false, error: e});
    } finally {
      globalThis.Date = RealDate;
      for (const [k, had, v] of saved) {
        if (had) g[k] = v;
        else delete g[k];
      }
    }
  };

  const fire = (t: TriggerRecord, code: string | vm.Script): FiredTrigger => {
    const scheduledMs = t.nextRun ?? engine.now();
    const startMs = engine.now();
    triggers.fired(t, startMs);
    const dayAgo = startMs - 86_400_000;
    const used = triggerRuns
      .filter(r => r.startMs > dayAgo)
      .reduce((n, r) => n + r.ms, 0);
    let result: ExecutionResult;
    if (used >= TRIGGER_DAILY_RUNTIME_MS) {
      const ex = engine.begin({
        fnName: t.handler,
        triggerUid: t.uid,
        realm: hostRealm,
        userEmail: t.owner,
      });
      result = finish(ex, {
        ok: false,
        error: engine.error('Service using too much computer time for one day'),
      });
    } else {
      result = execute(code, t.handler, [clockEvent(t, startMs)], {
        triggerUid: t.uid,
        userEmail: t.owner,
      });
      triggerRuns.push({startMs, ms: result.simulatedMs});
    }
    return {uid: t.uid, handler: t.handler, scheduledMs, result};
  };

  const runtime: OfflineRuntime = {
    globals,
    clock: {
      now: () => engine.now(),
      advance: (ms: number) => engine.clock.advance(ms),
      set: (ms: number) => engine.clock.set(ms),
    },
    spreadsheet:
      spreadsheet as unknown as GoogleAppsScript.Spreadsheet.Spreadsheet,
    ui,
    mail,
    logs,
    triggers: triggers.list,
    calls: engine.calls,
    properties,
    caches: cache.caches,
    locks,
    get faults() {
      return engine.faults;
    },
    set faults(plan: FaultPlan) {
      engine.faults = plan;
    },
    get onServiceCall() {
      return engine.onServiceCall;
    },
    set onServiceCall(cb) {
      engine.onServiceCall = cb;
    },
    compile,
    execute,
    run,
    openSpreadsheet(code, oo = {}) {
      const script = typeof code === 'string' ? compile(code) : code;
      const user = engine.userEmail;
      const out: ExecutionResult[] = [];
      const authMode = oo.authMode ?? 'LIMITED';
      // Under NONE the event carries no source: the file is not readable then.
      const event =
        authMode === 'NONE'
          ? {authMode, user}
          : {authMode, source: spreadsheet, user};
      const simple = execute(script, 'onOpen', [event], {
        simpleTrigger: true,
        authMode,
      });
      // A project without onOpen has no simple trigger to run.
      if (simple.error?.message !== 'Script function not found: onOpen') {
        out.push(simple);
      }
      for (const t of triggers.list.filter(x => x.eventType === 'ON_OPEN')) {
        out.push(
          execute(
            script,
            t.handler,
            [{authMode: 'FULL', source: spreadsheet, triggerUid: t.uid, user}],
            {
              triggerUid: t.uid,
              userEmail: t.owner,
            },
          ),
        );
      }
      return out;
    },
    installAddOn(code) {
      const script = typeof code === 'string' ? compile(code) : code;
      return execute(script, 'onInstall', [
        {authMode: 'FULL', source: spreadsheet, user: engine.userEmail},
      ]);
    },
    fireDueTriggers(code) {
      const now = engine.now();
      const due = triggers.list
        .filter(
          t => t.source === 'CLOCK' && t.nextRun !== null && t.nextRun <= now,
        )
        .sort((a, b) => a.nextRun! - b.nextRun!);
      const out: FiredTrigger[] = [];
      for (const t of due) {
        if (triggers.list.includes(t) && t.nextRun !== null)
          out.push(fire(t, code));
      }
      return out;
    },
    advanceTo(ms, code, maxFirings = 10_000) {
      const out: FiredTrigger[] = [];
      for (;;) {
        const t = triggers.nextDue(ms);
        if (!t) break;
        if (out.length >= maxFirings) {
          throw new Error(
            `advanceTo: more than ${maxFirings} trigger firings before ${new Date(ms).toISOString()}`,
          );
        }
        if (t.nextRun! > engine.now()) engine.clock.set(t.nextRun!);
        out.push(fire(t, code));
      }
      if (engine.now() < ms) engine.clock.set(ms);
      return out;
    },
  };
  return runtime;
}

interface WarmContext {
  sandbox: Record<string, unknown>;
  context: vm.Context;
  realm: Realm;
  /** Puts the context's globals back as they were right after the bundle loaded. */
  restore: () => void;
}

/**
 * Run in a loaded context: records its globals and returns a function that deletes the
 * globals added since and puts back those replaced (inside the context: the vm's global
 * keeps its own copy of a property the script sets, so the host's sandbox cannot undo it).
 */
const snapshotScript = new vm.Script(
  `(function () {
    var g = globalThis, saved = new Map();
    Object.getOwnPropertyNames(g).forEach(function (k) {
      saved.set(k, Object.getOwnPropertyDescriptor(g, k));
    });
    return function restore() {
      Object.getOwnPropertyNames(g).forEach(function (k) {
        if (!saved.has(k)) delete g[k];
      });
      saved.forEach(function (d, k) {
        var cur = Object.getOwnPropertyDescriptor(g, k);
        if (!cur || cur.value !== d.value || cur.get !== d.get || cur.set !== d.set)
          Object.defineProperty(g, k, d);
      });
    };
  })()`,
  {filename: 'offline-globals.js'},
);

const callScript = new vm.Script(
  `(function () {
    var c = globalThis.__offlineCall;
    delete globalThis.__offlineCall;
    return c.fn.apply(globalThis, c.args);
  })()`,
  {filename: 'offline-call.js'},
);
