/**
 * ScriptApp: installable triggers (time-driven and spreadsheet), their
 * schedules on the simulated clock, the per-user trigger limit, and the
 * tighter limits of a project running as an Editor add-on.
 */
import type {Engine} from './engine';
import {isValidTimeZone, zonedParts, zonedToEpoch} from './tz';

export const MAX_TRIGGERS_PER_USER = 20;

/**
 * How the project is installed, as ScriptApp.getInstallationSource() reports it: NONE for
 * a container-bound (or standalone) script, otherwise an Editor add-on.
 */
export type InstallationSource =
  'NONE' | 'APPS_MARKETPLACE_DOMAIN_ADD_ON' | 'WEB_STORE_ADD_ON';

/*
 * Editor add-on limits. "Each add-on can only have one trigger of each type, per user, per
 * document" (developers.google.com/workspace/add-ons/concepts/editor-triggers, Restrictions)
 * and "An add-on can use a time-driven trigger once per hour at most."
 * (developers.google.com/apps-script/guides/triggers/installable, Time-driven triggers).
 * The messages are what Apps Script throws (reported in add-on issue trackers, e.g.
 * ljay79/jira-tools#53 and ttsukagoshi/mail-merge-for-gmail#165). A one-off trigger
 * (after/at) is not a recurrence: add-ons use after() for a first follow-up run
 * (mail-merge-for-gmail#165), but it is the document's one time-driven trigger.
 */
export const ADDON_TOO_MANY_CLOCK_TRIGGERS =
  'This add-on has created too many time-based triggers in this document for this Google user account.';
export const ADDON_RECURRENCE_TOO_SHORT =
  'The recurrence interval for an Add-on trigger must be at least one hour.';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const WEEKDAYS = [
  'SUNDAY',
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
] as const;

export interface Schedule {
  kind: 'minutes' | 'hours' | 'days' | 'weeks' | 'month' | 'once';
  every: number;
  atHour?: number;
  nearMinute?: number;
  weekDay?: number;
  monthDay?: number;
  timeZone: string;
  /** For 'once': the instant. */
  atMs?: number;
}

export interface TriggerRecord {
  uid: string;
  handler: string;
  source: 'CLOCK' | 'SPREADSHEETS';
  eventType: 'CLOCK' | 'ON_OPEN' | 'ON_EDIT' | 'ON_CHANGE' | 'ON_FORM_SUBMIT';
  owner: string;
  createdMs: number;
  schedule?: Schedule;
  /** Next due instant; null once a one-time trigger has fired. */
  nextRun: number | null;
  /** Times fired. */
  fired: number;
  /** For an add-on's trigger: the document it was created in. */
  document?: string;
}

/** The first occurrence of a schedule strictly after `from`. */
export function nextOccurrence(
  s: Schedule,
  createdMs: number,
  from: number,
): number | null {
  const tz = s.timeZone;
  switch (s.kind) {
    case 'once':
      return s.atMs! > from ? s.atMs! : null;
    case 'minutes': {
      const period = s.every * MINUTE;
      const k = Math.floor((from - createdMs) / period) + 1;
      return createdMs + Math.max(1, k) * period;
    }
    case 'hours': {
      const period = s.every * HOUR;
      let base = createdMs;
      if (s.nearMinute !== undefined) {
        const p = zonedParts(createdMs, tz);
        base =
          createdMs +
          ((s.nearMinute - p.minute) * MINUTE - p.second * 1000 - p.ms);
      }
      // nearMinute may put the first firing within the hour of creation (k = 0).
      let k = Math.max(0, Math.floor((from - base) / period) + 1);
      while (base + k * period <= Math.max(from, createdMs)) k++;
      return base + k * period;
    }
    case 'days':
    case 'weeks': {
      const c = zonedParts(createdMs, tz);
      const hour = s.atHour ?? c.hour;
      const minute = s.nearMinute ?? (s.atHour === undefined ? c.minute : 0);
      let anchor = Date.UTC(c.year, c.month - 1, c.day);
      const stepDays = s.kind === 'days' ? s.every : 7 * s.every;
      if (s.kind === 'weeks') {
        const wd = s.weekDay ?? c.weekday;
        anchor += ((wd - c.weekday + 7) % 7) * DAY;
      }
      const at = (dayUtc: number) => {
        const d = new Date(dayUtc);
        return zonedToEpoch(
          d.getUTCFullYear(),
          d.getUTCMonth() + 1,
          d.getUTCDate(),
          hour,
          minute,
          0,
          0,
          tz,
        );
      };
      // The first occurrence is the first one after creation.
      let k = 0;
      while (at(anchor + k * stepDays * DAY) <= createdMs) k++;
      const approx = Math.floor((from - at(anchor)) / (stepDays * DAY)) - 1;
      if (approx > k) k = approx;
      while (at(anchor + k * stepDays * DAY) <= from) k++;
      return at(anchor + k * stepDays * DAY);
    }
    case 'month': {
      const c = zonedParts(Math.max(from, createdMs), tz);
      const hour = s.atHour ?? 0;
      const minute = s.nearMinute ?? 0;
      for (let i = 0; i < 24; i++) {
        const y = c.year + Math.floor((c.month - 1 + i) / 12);
        const m = ((c.month - 1 + i) % 12) + 1;
        const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
        const t = zonedToEpoch(
          y,
          m,
          Math.min(s.monthDay ?? 1, dim),
          hour,
          minute,
          0,
          0,
          tz,
        );
        if (t > from && t > createdMs) return t;
      }
      return null;
    }
  }
}

export interface AddOnContext {
  installationSource: InstallationSource;
  /** The document the add-on runs in (its triggers are per document). */
  documentId: () => string;
}

export class TriggerRegistry {
  readonly list: TriggerRecord[] = [];
  private seq = 0;
  constructor(
    private readonly engine: Engine,
    readonly scriptTimeZone: () => string,
    readonly addOn: AddOnContext = {
      installationSource: 'NONE',
      documentId: () => '',
    },
  ) {}
  isAddOn(): boolean {
    return this.addOn.installationSource !== 'NONE';
  }
  owner(): string {
    return this.engine.current()?.userEmail ?? this.engine.userEmail;
  }
  add(
    rec: Omit<
      TriggerRecord,
      'uid' | 'createdMs' | 'nextRun' | 'fired' | 'owner'
    >,
  ): TriggerRecord {
    const owner = this.owner();
    if (
      this.list.filter(t => t.owner === owner).length >= MAX_TRIGGERS_PER_USER
    ) {
      throw this.engine.error(
        'This script has too many triggers. Triggers must be deleted from the script before more can be added.',
      );
    }
    const document = this.isAddOn() ? this.addOn.documentId() : undefined;
    if (this.isAddOn() && rec.source === 'CLOCK') {
      if (rec.schedule?.kind === 'minutes') {
        throw this.engine.error(ADDON_RECURRENCE_TOO_SHORT);
      }
      // A fired one-off trigger stays listed until deleted, so it still counts.
      if (
        this.list.some(
          t =>
            t.owner === owner &&
            t.document === document &&
            t.source === 'CLOCK',
        )
      ) {
        throw this.engine.error(ADDON_TOO_MANY_CLOCK_TRIGGERS);
      }
    }
    const now = this.engine.now();
    const t: TriggerRecord = {
      ...rec,
      ...(document === undefined ? {} : {document}),
      owner,
      uid: String(1_000_000_000 + ++this.seq * 7919),
      createdMs: now,
      fired: 0,
      nextRun: rec.schedule ? nextOccurrence(rec.schedule, now, now) : null,
    };
    this.list.push(t);
    return t;
  }
  remove(uid: string): void {
    const i = this.list.findIndex(t => t.uid === uid);
    if (i >= 0) this.list.splice(i, 1);
  }
  /** The time-driven trigger due first at or before `until`, if any. */
  nextDue(until: number): TriggerRecord | undefined {
    let best: TriggerRecord | undefined;
    for (const t of this.list) {
      if (t.source !== 'CLOCK' || t.nextRun === null || t.nextRun > until)
        continue;
      if (!best || t.nextRun < best.nextRun!) best = t;
    }
    return best;
  }
  /** Records a firing that started at `startMs` and schedules the next one. */
  fired(t: TriggerRecord, startMs: number): void {
    t.fired++;
    t.nextRun = t.schedule
      ? nextOccurrence(
          t.schedule,
          t.createdMs,
          Math.max(startMs, t.nextRun ?? 0),
        )
      : null;
  }
}

/** The event object a time-driven trigger passes to its handler (fields in UTC). */
export function clockEvent(
  t: TriggerRecord,
  ms: number,
): Record<string, unknown> {
  const d = new Date(ms);
  const jan1 = Date.UTC(d.getUTCFullYear(), 0, 1);
  const doy = Math.floor((ms - jan1) / DAY);
  return {
    authMode: 'FULL',
    'day-of-month': d.getUTCDate(),
    'day-of-week': d.getUTCDay() === 0 ? 7 : d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    month: d.getUTCMonth() + 1,
    second: d.getUTCSeconds(),
    timezone: 'UTC',
    triggerUid: t.uid,
    'week-of-year': Math.floor((doy + new Date(jan1).getUTCDay()) / 7) + 1,
    year: d.getUTCFullYear(),
  };
}

export class Trigger {
  constructor(
    private readonly engine: Engine,
    readonly rec: TriggerRecord,
  ) {}
  getHandlerFunction(): string {
    return this.engine.call(
      'Trigger.getHandlerFunction',
      () => this.rec.handler,
    );
  }
  getUniqueId(): string {
    return this.engine.call('Trigger.getUniqueId', () => this.rec.uid);
  }
  getTriggerSource(): string {
    return this.engine.call('Trigger.getTriggerSource', () => this.rec.source);
  }
  getEventType(): string {
    return this.engine.call('Trigger.getEventType', () => this.rec.eventType);
  }
  getTriggerSourceId(): string | null {
    return this.engine.call('Trigger.getTriggerSourceId', () => null);
  }
}

const VALID_MINUTES = [1, 5, 10, 15, 30];
const VALID_HOURS = [1, 2, 4, 6, 8, 12];

class ClockTriggerBuilder {
  private kind?: Schedule['kind'];
  private every = 1;
  private atHourV?: number;
  private nearMinuteV?: number;
  private weekDayV?: number;
  private monthDayV?: number;
  private tz?: string;
  private atMs?: number;
  constructor(
    private readonly engine: Engine,
    private readonly registry: TriggerRegistry,
    private readonly handler: string,
  ) {}
  private setKind(kind: Schedule['kind'], every: number): this {
    if (this.kind) {
      throw this.engine.error('Already chosen a frequency for this trigger.');
    }
    this.kind = kind;
    this.every = every;
    return this;
  }
  everyMinutes(n: number): this {
    if (!VALID_MINUTES.includes(n)) {
      throw this.engine.error(
        'The value passed to everyMinutes() must be 1, 5, 10, 15 or 30.',
      );
    }
    return this.setKind('minutes', n);
  }
  everyHours(n: number): this {
    if (!VALID_HOURS.includes(n)) {
      throw this.engine.error(
        'The value passed to everyHours() must be 1, 2, 4, 6, 8 or 12.',
      );
    }
    return this.setKind('hours', n);
  }
  everyDays(n: number): this {
    if (!(Number.isInteger(n) && n >= 1))
      throw this.engine.error('Invalid argument: n');
    return this.setKind('days', n);
  }
  everyWeeks(n: number): this {
    if (!(Number.isInteger(n) && n >= 1))
      throw this.engine.error('Invalid argument: n');
    return this.setKind('weeks', n);
  }
  onWeekDay(day: string): this {
    const i = WEEKDAYS.indexOf(String(day) as (typeof WEEKDAYS)[number]);
    if (i < 0) throw this.engine.error('Invalid argument: day');
    this.weekDayV = i;
    if (!this.kind) this.setKind('weeks', 1);
    return this;
  }
  onMonthDay(day: number): this {
    if (!(Number.isInteger(day) && day >= 1 && day <= 31))
      throw this.engine.error('Invalid argument: day');
    this.monthDayV = day;
    return this.setKind('month', 1);
  }
  atHour(hour: number): this {
    if (!(Number.isInteger(hour) && hour >= 0 && hour <= 23))
      throw this.engine.error('Invalid argument: hour');
    this.atHourV = hour;
    return this;
  }
  nearMinute(minute: number): this {
    if (!(Number.isInteger(minute) && minute >= 0 && minute <= 59))
      throw this.engine.error('Invalid argument: minute');
    // Apps Script runs within +/-15 minutes of it; the simulation runs exactly on it.
    this.nearMinuteV = minute;
    return this;
  }
  inTimezone(tz: string): this {
    if (!isValidTimeZone(String(tz)))
      throw this.engine.error(`Invalid argument: ${tz}`);
    this.tz = String(tz);
    return this;
  }
  after(ms: number): this {
    if (!(ms >= 0))
      throw this.engine.error('Invalid argument: durationMilliseconds');
    this.setKind('once', 1);
    this.atMs = this.engine.now() + Number(ms);
    return this;
  }
  at(date: Date): this {
    const ms =
      date && typeof date.getTime === 'function' ? date.getTime() : NaN;
    if (Number.isNaN(ms)) throw this.engine.error('Invalid argument: date');
    this.setKind('once', 1);
    this.atMs = ms;
    return this;
  }
  atDate(year: number, month: number, day: number): this {
    this.setKind('once', 1);
    this.atMs = zonedToEpoch(
      year,
      month,
      day,
      0,
      0,
      0,
      0,
      this.tz ?? this.registry.scriptTimeZone(),
    );
    return this;
  }
  create(): Trigger {
    return this.engine.call('TriggerBuilder.create', () => {
      if (!this.kind) {
        throw this.engine.error(
          'Clock triggers need a schedule (everyMinutes, everyHours, everyDays, everyWeeks, at or after).',
        );
      }
      if (
        this.atHourV !== undefined &&
        !['days', 'weeks', 'month'].includes(this.kind)
      ) {
        throw this.engine.error(
          'atHour() can only be used with everyDays(), everyWeeks() or onMonthDay().',
        );
      }
      const schedule: Schedule = {
        kind: this.kind,
        every: this.every,
        atHour: this.atHourV,
        nearMinute: this.nearMinuteV,
        weekDay: this.weekDayV,
        monthDay: this.monthDayV,
        timeZone: this.tz ?? this.registry.scriptTimeZone(),
        atMs: this.atMs,
      };
      const rec = this.registry.add({
        handler: this.handler,
        source: 'CLOCK',
        eventType: 'CLOCK',
        schedule,
      });
      return new Trigger(this.engine, rec);
    });
  }
}

class SpreadsheetTriggerBuilder {
  private eventType?: TriggerRecord['eventType'];
  constructor(
    private readonly engine: Engine,
    private readonly registry: TriggerRegistry,
    private readonly handler: string,
  ) {}
  onOpen(): this {
    this.eventType = 'ON_OPEN';
    return this;
  }
  onEdit(): this {
    this.eventType = 'ON_EDIT';
    return this;
  }
  onChange(): this {
    this.eventType = 'ON_CHANGE';
    return this;
  }
  onFormSubmit(): this {
    this.eventType = 'ON_FORM_SUBMIT';
    return this;
  }
  create(): Trigger {
    return this.engine.call('TriggerBuilder.create', () => {
      if (!this.eventType)
        throw this.engine.error(
          'Spreadsheet triggers need an event (onOpen, onEdit, onChange).',
        );
      const rec = this.registry.add({
        handler: this.handler,
        source: 'SPREADSHEETS',
        eventType: this.eventType,
      });
      return new Trigger(this.engine, rec);
    });
  }
}

export function makeScriptApp(
  engine: Engine,
  registry: TriggerRegistry,
  scriptId: string,
) {
  const triggerObjects = new Map<string, Trigger>();
  const facade = (rec: TriggerRecord) => {
    let t = triggerObjects.get(rec.uid);
    if (!t) triggerObjects.set(rec.uid, (t = new Trigger(engine, rec)));
    return t;
  };
  return {
    AuthMode: {
      NONE: 'NONE',
      CUSTOM_FUNCTION: 'CUSTOM_FUNCTION',
      LIMITED: 'LIMITED',
      FULL: 'FULL',
    },
    AuthorizationStatus: {REQUIRED: 'REQUIRED', NOT_REQUIRED: 'NOT_REQUIRED'},
    TriggerSource: {
      SPREADSHEETS: 'SPREADSHEETS',
      CLOCK: 'CLOCK',
      FORMS: 'FORMS',
      DOCUMENTS: 'DOCUMENTS',
      CALENDAR: 'CALENDAR',
    },
    EventType: {
      CLOCK: 'CLOCK',
      ON_OPEN: 'ON_OPEN',
      ON_EDIT: 'ON_EDIT',
      ON_FORM_SUBMIT: 'ON_FORM_SUBMIT',
      ON_CHANGE: 'ON_CHANGE',
      ON_EVENT_UPDATED: 'ON_EVENT_UPDATED',
    },
    WeekDay: Object.fromEntries(WEEKDAYS.map(d => [d, d])),
    InstallationSource: {
      APPS_MARKETPLACE_DOMAIN_ADD_ON: 'APPS_MARKETPLACE_DOMAIN_ADD_ON',
      NONE: 'NONE',
      WEB_STORE_ADD_ON: 'WEB_STORE_ADD_ON',
    },
    getInstallationSource: () =>
      engine.call(
        'ScriptApp.getInstallationSource',
        () => registry.addOn.installationSource,
      ),
    newTrigger: (functionName: string) =>
      engine.call('ScriptApp.newTrigger', () => {
        const handler = String(functionName);
        return {
          timeBased: () => new ClockTriggerBuilder(engine, registry, handler),
          forSpreadsheet: () =>
            new SpreadsheetTriggerBuilder(engine, registry, handler),
        };
      }),
    getProjectTriggers: () =>
      engine.call('ScriptApp.getProjectTriggers', () => {
        const arr = new (engine.realm().Array)() as Trigger[];
        const owner = registry.owner();
        for (const t of registry.list)
          if (t.owner === owner) arr.push(facade(t));
        return arr;
      }),
    getUserTriggers: () =>
      engine.call('ScriptApp.getUserTriggers', () => {
        const arr = new (engine.realm().Array)() as Trigger[];
        const owner = registry.owner();
        for (const t of registry.list) {
          if (t.owner === owner && t.source === 'SPREADSHEETS')
            arr.push(facade(t));
        }
        return arr;
      }),
    deleteTrigger: (trigger: Trigger) =>
      engine.call('ScriptApp.deleteTrigger', () => {
        if (!(trigger instanceof Trigger)) {
          throw engine.error(
            "The parameters (Object) don't match the method signature for ScriptApp.deleteTrigger.",
          );
        }
        registry.remove(trigger.rec.uid);
        triggerObjects.delete(trigger.rec.uid);
      }),
    getScriptId: () => engine.call('ScriptApp.getScriptId', () => scriptId),
    getOAuthToken: () =>
      engine.call('ScriptApp.getOAuthToken', () => 'ya29.offline-token'),
    getAuthorizationInfo: () =>
      engine.call('ScriptApp.getAuthorizationInfo', () => ({
        getAuthorizationStatus: () => 'NOT_REQUIRED',
        getAuthorizationUrl: () => null,
      })),
  };
}
