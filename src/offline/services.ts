/**
 * Utilities, Session, HtmlService, MailApp, Logger/console and DriveApp.
 */
import {createHash, createHmac, randomUUID} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Engine} from './engine';
import {formatSimpleDate, isValidTimeZone} from './tz';

/* ------------------------------------------------------------------- bytes */

/** Bytes as Apps Script hands them out: Java bytes, -128..127. */
function signed(buf: Uint8Array, engine: Engine): number[] {
  const arr = new (engine.realm().Array)(buf.length) as number[];
  for (let i = 0; i < buf.length; i++)
    arr[i] = buf[i] > 127 ? buf[i] - 256 : buf[i];
  return arr;
}

function toBuffer(data: unknown, charset?: string): Buffer {
  if (typeof data === 'string') {
    return Buffer.from(data, charset === 'US_ASCII' ? 'ascii' : 'utf8');
  }
  if (Array.isArray(data)) return Buffer.from(data.map(b => Number(b) & 0xff));
  if (data instanceof Uint8Array) return Buffer.from(data);
  if (data && typeof (data as Blob).getBytes === 'function') {
    return Buffer.from((data as Blob).getBytes().map(b => b & 0xff));
  }
  return Buffer.from(String(data), 'utf8');
}

export class Blob {
  constructor(
    private readonly engine: Engine,
    private data: Buffer,
    private contentType: string | null,
    private name: string | null,
  ) {}
  getBytes(): number[] {
    return signed(this.data, this.engine);
  }
  getDataAsString(charset?: string): string {
    return this.data.toString(charset === 'US_ASCII' ? 'ascii' : 'utf8');
  }
  setDataFromString(s: string, charset?: string): Blob {
    this.data = toBuffer(String(s), charset);
    return this;
  }
  setBytes(bytes: number[]): Blob {
    this.data = toBuffer(bytes);
    return this;
  }
  getContentType(): string | null {
    return this.contentType;
  }
  setContentType(t: string): Blob {
    this.contentType = t;
    return this;
  }
  getName(): string | null {
    return this.name;
  }
  setName(n: string): Blob {
    this.name = n;
    return this;
  }
  copyBlob(): Blob {
    return new Blob(
      this.engine,
      Buffer.from(this.data),
      this.contentType,
      this.name,
    );
  }
  isGoogleType(): boolean {
    return false;
  }
  getBlob(): Blob {
    return this;
  }
}

/* --------------------------------------------------------------- Utilities */

const DIGESTS: Record<string, string> = {
  MD2: 'md2',
  MD5: 'md5',
  SHA_1: 'sha1',
  SHA_256: 'sha256',
  SHA_384: 'sha384',
  SHA_512: 'sha512',
};
const MACS: Record<string, string> = {
  HMAC_MD5: 'md5',
  HMAC_SHA_1: 'sha1',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

export const SLEEP_MAX_MS = 300_000;

/**
 * RFC 4180 CSV as Utilities.parseCsv reads it: quoted fields may hold the
 * delimiter, doubled quotes and line breaks; a final line break ends the last row.
 */
export function parseCsv(csv: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  const n = csv.length;
  while (i < n) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"') {
        if (csv[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += ch === '\r' && csv[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new Error('Could not parse text.');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function makeUtilities(engine: Engine) {
  const call = <T>(name: string, fn: () => T) =>
    engine.call(`Utilities.${name}`, fn);
  const sig = (method: string, args: unknown[]) =>
    engine.error(
      `The parameters (${args.map(a => (a === null ? 'null' : Array.isArray(a) ? 'number[]' : typeof a === 'string' ? 'String' : typeof a)).join(',')}) don't match the method signature for Utilities.${method}.`,
    );
  return {
    DigestAlgorithm: Object.fromEntries(Object.keys(DIGESTS).map(k => [k, k])),
    MacAlgorithm: Object.fromEntries(Object.keys(MACS).map(k => [k, k])),
    Charset: {US_ASCII: 'US_ASCII', UTF_8: 'UTF_8'},
    RsaAlgorithm: {RSA_SHA_1: 'RSA_SHA_1', RSA_SHA_256: 'RSA_SHA_256'},
    formatDate(date: Date, timeZone: string, format: string): string {
      return call('formatDate', () => {
        const ok =
          date !== null &&
          typeof date === 'object' &&
          Object.prototype.toString.call(date) === '[object Date]' &&
          typeof timeZone === 'string' &&
          typeof format === 'string';
        if (!ok) throw sig('formatDate', [date, timeZone, format]);
        if (!isValidTimeZone(timeZone))
          throw engine.error(`Invalid argument: ${timeZone}`);
        const ms = date.getTime();
        if (Number.isNaN(ms)) throw engine.error('Invalid argument: date');
        try {
          return formatSimpleDate(ms, timeZone, format);
        } catch (e) {
          throw engine.error(`Invalid argument: ${(e as Error).message}`);
        }
      });
    },
    formatString(template: string, ...args: unknown[]): string {
      return call('formatString', () => {
        let i = 0;
        return String(template).replace(
          /%(-?\d*)(?:\.(\d+))?([sdfi%])/g,
          (_m, _w, prec, conv) => {
            if (conv === '%') return '%';
            const a = args[i++];
            if (conv === 'd' || conv === 'i')
              return String(Math.trunc(Number(a)));
            if (conv === 'f')
              return Number(a).toFixed(prec === undefined ? 6 : Number(prec));
            return String(a);
          },
        );
      });
    },
    computeDigest(
      algorithm: string,
      value: unknown,
      charset?: string,
    ): number[] {
      return call('computeDigest', () => {
        const alg = DIGESTS[String(algorithm)];
        if (!alg) throw engine.error('Invalid argument: algorithm');
        return signed(
          createHash(alg).update(toBuffer(value, charset)).digest(),
          engine,
        );
      });
    },
    computeHmacSignature(
      algorithm: string,
      value: unknown,
      key: unknown,
      charset?: string,
    ): number[] {
      return call('computeHmacSignature', () => {
        const alg = MACS[String(algorithm)];
        if (!alg) throw engine.error('Invalid argument: algorithm');
        return signed(
          createHmac(alg, toBuffer(key, charset))
            .update(toBuffer(value, charset))
            .digest(),
          engine,
        );
      });
    },
    computeHmacSha256Signature(
      value: unknown,
      key: unknown,
      charset?: string,
    ): number[] {
      return call('computeHmacSha256Signature', () => {
        if (
          value === undefined ||
          key === undefined ||
          value === null ||
          key === null
        ) {
          throw sig('computeHmacSha256Signature', [value, key]);
        }
        return signed(
          createHmac('sha256', toBuffer(key, charset))
            .update(toBuffer(value, charset))
            .digest(),
          engine,
        );
      });
    },
    base64Encode(data: unknown, charset?: string): string {
      return call('base64Encode', () =>
        toBuffer(data, charset).toString('base64'),
      );
    },
    base64EncodeWebSafe(data: unknown, charset?: string): string {
      return call('base64EncodeWebSafe', () =>
        toBuffer(data, charset)
          .toString('base64')
          .replace(/\+/g, '-')
          .replace(/\//g, '_'),
      );
    },
    base64Decode(encoded: string): number[] {
      return call('base64Decode', () => {
        const s = String(encoded);
        if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(s))
          throw engine.error('Could not decode string.');
        return signed(Buffer.from(s, 'base64'), engine);
      });
    },
    base64DecodeWebSafe(encoded: string): number[] {
      return call('base64DecodeWebSafe', () => {
        const s = String(encoded);
        if (!/^[A-Za-z0-9\-_\s]*={0,2}\s*$/.test(s))
          throw engine.error('Could not decode string.');
        return signed(
          Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'),
          engine,
        );
      });
    },
    newBlob(data: unknown, contentType?: string, name?: string): Blob {
      return call(
        'newBlob',
        () =>
          new Blob(
            engine,
            toBuffer(data ?? ''),
            contentType ?? null,
            name ?? null,
          ),
      );
    },
    getUuid(): string {
      return call('getUuid', () => randomUUID());
    },
    sleep(milliseconds: number): void {
      call('sleep', () => {
        const ms = Number(milliseconds);
        if (!(ms >= 0) || ms > SLEEP_MAX_MS)
          throw engine.error('Invalid argument: milliseconds');
        engine.wait(ms);
      });
    },
    parseCsv(csv: string, delimiter?: string): string[][] {
      return call('parseCsv', () => {
        if (typeof csv !== 'string') throw sig('parseCsv', [csv]);
        let rows: string[][];
        try {
          rows = parseCsv(csv, delimiter ?? ',');
        } catch (e) {
          throw engine.error((e as Error).message);
        }
        return engine.toRealm(rows);
      });
    },
    jsonParse(s: string): unknown {
      return call('jsonParse', () => engine.realm().JSON.parse(s));
    },
    jsonStringify(o: unknown): string {
      return call('jsonStringify', () => JSON.stringify(o));
    },
  };
}

/* ----------------------------------------------------------------- Session */

export function makeSession(engine: Engine, scriptTimeZone: () => string) {
  const user = () => engine.current()?.userEmail ?? engine.userEmail;
  const userObject = (email: string) => ({
    getEmail: () => email,
    getUsername: () => email.split('@')[0],
    toString: () => email,
  });
  return {
    getScriptTimeZone: () =>
      engine.call('Session.getScriptTimeZone', scriptTimeZone),
    getActiveUser: () =>
      engine.call('Session.getActiveUser', () => userObject(user())),
    getEffectiveUser: () =>
      engine.call('Session.getEffectiveUser', () => userObject(user())),
    getActiveUserLocale: () =>
      engine.call('Session.getActiveUserLocale', () => 'en'),
    getTemporaryActiveUserKey: () =>
      engine.call('Session.getTemporaryActiveUserKey', () =>
        createHash('sha256')
          .update(`offline-temp-key:${user()}`)
          .digest('base64')
          .slice(0, 43),
      ),
  };
}

/* ------------------------------------------------------------- HtmlService */

export class HtmlOutput {
  private title = '';
  private width = 300;
  private height = 0;
  constructor(
    private readonly engine: Engine,
    private content: string,
  ) {}
  getContent(): string {
    return this.content;
  }
  setContent(c: string): HtmlOutput {
    this.content = String(c);
    return this;
  }
  append(c: string): HtmlOutput {
    this.content += String(c);
    return this;
  }
  clear(): HtmlOutput {
    this.content = '';
    return this;
  }
  setTitle(t: string): HtmlOutput {
    this.title = String(t);
    return this;
  }
  getTitle(): string {
    return this.title;
  }
  setWidth(w: number): HtmlOutput {
    this.width = Number(w);
    return this;
  }
  getWidth(): number {
    return this.width;
  }
  setHeight(h: number): HtmlOutput {
    this.height = Number(h);
    return this;
  }
  getHeight(): number {
    return this.height;
  }
  setXFrameOptionsMode(): HtmlOutput {
    return this;
  }
  setSandboxMode(): HtmlOutput {
    return this;
  }
  addMetaTag(): HtmlOutput {
    return this;
  }
  setFaviconUrl(): HtmlOutput {
    return this;
  }
  getBlob(): Blob {
    return new Blob(
      this.engine,
      Buffer.from(this.content, 'utf8'),
      'text/html',
      this.title || null,
    );
  }
}

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/**
 * A template supporting printing scriptlets over its own fields: `<?= a.b ?>`
 * (escaped) and `<?!= a.b ?>` (raw). Code scriptlets are not evaluated.
 */
export class HtmlTemplate {
  [field: string]: unknown;
  // Private slots, so the fields a script assigns cannot clobber them.
  readonly #engine: Engine;
  readonly #raw: string;
  constructor(engine: Engine, raw: string) {
    this.#engine = engine;
    this.#raw = raw;
  }
  getRawContent(): string {
    return this.#raw;
  }
  evaluate(): HtmlOutput {
    return this.#engine.call('HtmlTemplate.evaluate', () => {
      const html = this.#raw.replace(
        /<\?(!?=)?\s*([\s\S]*?)\s*\?>/g,
        (_m, kind: string | undefined, expr: string) => {
          if (!kind)
            throw this.#engine.error(`Unsupported scriptlet: <? ${expr} ?>`);
          if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(expr)) {
            throw this.#engine.error(
              `Unsupported scriptlet expression: ${expr}`,
            );
          }
          const v = expr
            .split('.')
            .reduce<unknown>(
              (o, part) =>
                o === null || o === undefined
                  ? undefined
                  : (o as Record<string, unknown>)[part],
              this,
            );
          if (v === undefined)
            throw this.#engine.error(
              `ReferenceError: ${expr} is not defined`,
              'ReferenceError',
            );
          return kind === '!=' ? String(v) : escapeHtml(String(v));
        },
      );
      return new HtmlOutput(this.#engine, html);
    });
  }
}

export function makeHtmlService(engine: Engine, htmlDir: string | undefined) {
  const read = (filename: string) => {
    const name = String(filename).replace(/\.html$/, '');
    const file = htmlDir ? join(htmlDir, `${name}.html`) : '';
    if (!htmlDir || !existsSync(file))
      throw engine.error(`No HTML file named ${name} was found.`);
    return readFileSync(file, 'utf8');
  };
  return {
    XFrameOptionsMode: {ALLOWALL: 'ALLOWALL', DEFAULT: 'DEFAULT'},
    SandboxMode: {EMULATED: 'EMULATED', IFRAME: 'IFRAME', NATIVE: 'NATIVE'},
    createHtmlOutput: (html?: unknown) =>
      engine.call('HtmlService.createHtmlOutput', () => {
        const content =
          html && typeof (html as Blob).getDataAsString === 'function'
            ? (html as Blob).getDataAsString()
            : html === undefined
              ? ''
              : String(html);
        return new HtmlOutput(engine, content);
      }),
    createHtmlOutputFromFile: (filename: string) =>
      engine.call(
        'HtmlService.createHtmlOutputFromFile',
        () => new HtmlOutput(engine, read(filename)),
      ),
    createTemplate: (html: string) =>
      engine.call(
        'HtmlService.createTemplate',
        () => new HtmlTemplate(engine, String(html)),
      ),
    createTemplateFromFile: (filename: string) =>
      engine.call(
        'HtmlService.createTemplateFromFile',
        () => new HtmlTemplate(engine, read(filename)),
      ),
  };
}

/* ----------------------------------------------------------------- MailApp */

export interface SentMail {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  body: string;
  htmlBody?: string;
  name?: string;
  replyTo?: string;
  noReply?: boolean;
  attachments: number;
  atMs: number;
}

/** Recipients a day for a Workspace (Education) account; consumer accounts get 100. */
export const MAIL_DAILY_QUOTA = 1500;
const EMAIL_RE = /^[^\s@,<>]+@[^\s@,<>]+\.[^\s@,<>]+$/;

export function makeMailApp(
  engine: Engine,
  sent: SentMail[],
  quota = MAIL_DAILY_QUOTA,
) {
  let windowStart = -Infinity;
  let used = 0;
  const roll = () => {
    const now = engine.now();
    if (now - windowStart >= 86_400_000) {
      windowStart = now;
      used = 0;
    }
  };
  const list = (s: unknown) =>
    String(s ?? '')
      .split(',')
      .map(x => x.trim())
      .filter(Boolean);
  const send = (message: Record<string, unknown>) => {
    const to = list(message.to);
    const cc = list(message.cc);
    const bcc = list(message.bcc);
    const all = [...to, ...cc, ...bcc];
    if (all.length === 0)
      throw engine.error('Failed to send email: no recipient');
    for (const r of all) {
      const addr = /<([^>]+)>$/.exec(r)?.[1] ?? r;
      if (!EMAIL_RE.test(addr)) throw engine.error(`Invalid email: ${r}`);
    }
    roll();
    if (used + all.length > quota) {
      throw engine.error('Service invoked too many times for one day: email.');
    }
    used += all.length;
    const attachments = message.attachments;
    sent.push({
      to: to.join(','),
      cc: cc.join(','),
      bcc: bcc.join(','),
      subject: String(message.subject ?? ''),
      body: String(message.body ?? ''),
      htmlBody:
        message.htmlBody === undefined ? undefined : String(message.htmlBody),
      name: message.name === undefined ? undefined : String(message.name),
      replyTo:
        message.replyTo === undefined ? undefined : String(message.replyTo),
      noReply:
        message.noReply === undefined ? undefined : Boolean(message.noReply),
      attachments: Array.isArray(attachments) ? attachments.length : 0,
      atMs: engine.now(),
    });
  };
  return {
    sendEmail: (a: unknown, b?: unknown, c?: unknown, d?: unknown) =>
      engine.call('MailApp.sendEmail', () => {
        if (a !== null && typeof a === 'object')
          return send(a as Record<string, unknown>);
        if (typeof d === 'string') {
          // sendEmail(recipient, replyTo, subject, body)
          return send({to: a, replyTo: b, subject: c, body: d});
        }
        return send({...((d as object) ?? {}), to: a, subject: b, body: c});
      }),
    getRemainingDailyQuota: () =>
      engine.call('MailApp.getRemainingDailyQuota', () => {
        roll();
        return quota - used;
      }),
  };
}

/* ---------------------------------------------------------- Logger/console */

export interface LogEntry {
  level: 'log' | 'info' | 'warn' | 'error' | 'logger';
  message: string;
  atMs: number;
  execution: number;
}

function formatArgs(args: unknown[]): string {
  if (
    typeof args[0] === 'string' &&
    args.length > 1 &&
    /%[sdifoj]/.test(args[0])
  ) {
    let i = 1;
    const head = args[0].replace(/%([sdifoj%])/g, (m, c) => {
      if (c === '%') return '%';
      if (i >= args.length) return m;
      const v = args[i++];
      return c === 'd' || c === 'i'
        ? String(Math.trunc(Number(v)))
        : c === 'f'
          ? String(Number(v))
          : show(v);
    });
    return [head, ...args.slice(i).map(show)].join(' ');
  }
  return args.map(show).join(' ');
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (
    v instanceof Object &&
    typeof (v as Error).message === 'string' &&
    typeof (v as Error).name === 'string'
  ) {
    return `${(v as Error).name}: ${(v as Error).message}`;
  }
  try {
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  } catch {
    return String(v);
  }
}

export function makeLogging(engine: Engine, logs: LogEntry[]) {
  const push = (level: LogEntry['level'], args: unknown[]) =>
    logs.push({
      level,
      message: formatArgs(args),
      atMs: engine.now(),
      execution: engine.current()?.index ?? 0,
    });
  const current = () =>
    logs.filter(
      l =>
        l.level === 'logger' && l.execution === (engine.current()?.index ?? 0),
    );
  const logger = {
    log(...args: unknown[]) {
      push('logger', args);
      return logger;
    },
    getLog: () =>
      current()
        .map(l => l.message)
        .join('\n'),
    clear: () => {
      for (const l of current()) l.message = '';
    },
  };
  const timers = new Map<string, number>();
  const console = {
    log: (...a: unknown[]) => push('log', a),
    info: (...a: unknown[]) => push('info', a),
    warn: (...a: unknown[]) => push('warn', a),
    error: (...a: unknown[]) => push('error', a),
    time: (label = 'default') => timers.set(label, engine.now()),
    timeEnd: (label = 'default') => {
      const t = timers.get(label);
      if (t !== undefined) push('log', [`${label}: ${engine.now() - t}ms`]);
      timers.delete(label);
    },
  };
  return {Logger: logger, console};
}

/* ----------------------------------------------------------------- DriveApp */

export interface DriveFileSpec {
  name: string;
  mimeType: string;
  content: string | Uint8Array;
}
export interface DriveData {
  folders: Record<string, {name: string; files: DriveFileSpec[]}>;
}

export function makeDriveApp(engine: Engine, drive: DriveData) {
  const notFound = () =>
    engine.error(
      'No item with the given ID could be found, or you do not have permission to access it.',
    );
  const file = (folderId: string, index: number, spec: DriveFileSpec) => {
    const id = `${folderId}-f${index}`;
    const bytes =
      typeof spec.content === 'string'
        ? Buffer.from(spec.content, 'utf8')
        : Buffer.from(spec.content);
    const c = <T>(m: string, fn: () => T) => engine.call(`File.${m}`, fn);
    return {
      getId: () => c('getId', () => id),
      getName: () => c('getName', () => spec.name),
      getMimeType: () => c('getMimeType', () => spec.mimeType),
      getSize: () => c('getSize', () => bytes.length),
      getBlob: () =>
        c(
          'getBlob',
          () => new Blob(engine, Buffer.from(bytes), spec.mimeType, spec.name),
        ),
      getUrl: () =>
        c('getUrl', () => `https://drive.google.com/file/d/${id}/view`),
      getLastUpdated: () =>
        c('getLastUpdated', () => new (engine.realm().Date)(0)),
      getDateCreated: () =>
        c('getDateCreated', () => new (engine.realm().Date)(0)),
    };
  };
  type FileObj = ReturnType<typeof file>;
  const iterator = <T>(items: T[]) => {
    let i = 0;
    return {
      hasNext: () =>
        engine.call('FileIterator.hasNext', () => i < items.length),
      next: () =>
        engine.call('FileIterator.next', () => {
          if (i >= items.length)
            throw engine.error(
              'Cannot retrieve the next object: iterator has reached the end.',
            );
          return items[i++];
        }),
      getContinuationToken: () =>
        engine.call('FileIterator.getContinuationToken', () => String(i)),
    };
  };
  const folder = (id: string) => {
    const f = drive.folders[id];
    const files = (): FileObj[] => f.files.map((spec, i) => file(id, i, spec));
    const c = <T>(m: string, fn: () => T) => engine.call(`Folder.${m}`, fn);
    return {
      getId: () => c('getId', () => id),
      getName: () => c('getName', () => f.name),
      getUrl: () =>
        c('getUrl', () => `https://drive.google.com/drive/folders/${id}`),
      getFiles: () => c('getFiles', () => iterator(files())),
      getFilesByName: (name: string) =>
        c('getFilesByName', () =>
          iterator(files().filter((_x, i) => f.files[i].name === name)),
        ),
      getFilesByType: (mime: string) =>
        c('getFilesByType', () =>
          iterator(files().filter((_x, i) => f.files[i].mimeType === mime)),
        ),
      getFolders: () => c('getFolders', () => iterator([])),
    };
  };
  return {
    getFolderById: (id: string) =>
      engine.call('DriveApp.getFolderById', () => {
        if (!(String(id) in drive.folders)) throw notFound();
        return folder(String(id));
      }),
    getFileById: (id: string) =>
      engine.call('DriveApp.getFileById', () => {
        const m = /^(.*)-f(\d+)$/.exec(String(id));
        const f = m ? drive.folders[m[1]]?.files[Number(m[2])] : undefined;
        if (!m || !f) throw notFound();
        return file(m[1], Number(m[2]), f);
      }),
  };
}
