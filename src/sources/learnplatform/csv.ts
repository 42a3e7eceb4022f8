/**
 * A streaming RFC 4180 CSV reader. Text arrives in chunks of any size (a chunk may end
 * inside a quoted field or between CR and LF); each complete record is handed to the
 * callback with the physical line it starts on, so warnings can name it.
 *
 * Tolerated, as real exports contain them: a UTF-8 byte-order mark, CRLF / LF / CR line
 * ends, quoted fields holding commas, quotes ("") and line breaks, blank lines (skipped),
 * and a stray quote inside an unquoted field (kept literally). An unterminated quote at
 * the end of the input is reported through onProblem and the partial record is still
 * delivered.
 * Pure: no Apps Script or Node globals.
 */

export type CsvRecordHandler = (fields: string[], line: number) => void;
export type CsvProblemHandler = (line: number, message: string) => void;

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

export class CsvReader {
  private started = false;
  /** Text not yet consumed (an incomplete record). */
  private pending = '';
  /** Physical line number where `pending` starts. */
  private pendingLine = 1;
  /** The previous chunk ended with CR: a leading LF in the next chunk belongs to it. */
  private afterCr = false;
  private finished = false;

  constructor(
    private readonly onRecord: CsvRecordHandler,
    private readonly onProblem: CsvProblemHandler = () => {},
  ) {}

  push(chunk: string): void {
    if (this.finished) throw new Error('CsvReader: push after finish');
    if (!chunk) return;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.afterCr) {
      this.afterCr = false;
      if (chunk.charCodeAt(0) === LF) chunk = chunk.slice(1);
    }
    const text = this.pending ? this.pending + chunk : chunk;
    const consumed = this.scan(text, false);
    this.pending = text.slice(consumed);
  }

  /** Ends the input: delivers a last record without a line break. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.pending) this.scan(this.pending, true);
    this.pending = '';
  }

  /**
   * Parses as many complete records as `text` holds; returns how many characters were
   * consumed. With `final`, the end of text also ends the last record.
   */
  private scan(text: string, final: boolean): number {
    const n = text.length;
    let pos = 0;
    let line = this.pendingLine;
    while (pos < n) {
      const recordLine = line;
      const fields: string[] = [];
      let p = pos;
      let ended = false; // a line break (or final end) closed the record
      let incomplete = false; // need more text
      // One field per iteration.
      for (;;) {
        if (p >= n) {
          if (final) {
            fields.push('');
            ended = true;
          } else incomplete = true;
          break;
        }
        let c = text.charCodeAt(p);
        if (c === QUOTE) {
          // Quoted field.
          let value = '';
          let q = p + 1;
          let closed = false;
          for (;;) {
            const next = text.indexOf('"', q);
            if (next < 0) break;
            value += text.slice(q, next);
            if (next + 1 < n && text.charCodeAt(next + 1) === QUOTE) {
              value += '"';
              q = next + 2;
              continue;
            }
            if (next + 1 >= n && !final) break; // cannot tell "" from " yet
            q = next + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (!final) {
              incomplete = true;
              break;
            }
            this.onProblem(
              recordLine,
              'unterminated quoted field at end of file',
            );
            value += text.slice(q);
            line += countBreaks(text, p, n);
            fields.push(value);
            p = n;
            ended = true;
            break;
          }
          line += countBreaks(text, p, q);
          // Characters after the closing quote up to the delimiter are kept (lenient).
          let r = q;
          while (r < n) {
            c = text.charCodeAt(r);
            if (c === COMMA || c === CR || c === LF) break;
            r++;
          }
          if (r > q) value += text.slice(q, r);
          fields.push(value);
          p = r;
        } else {
          let r = p;
          while (r < n) {
            c = text.charCodeAt(r);
            if (c === COMMA || c === CR || c === LF) break;
            r++;
          }
          fields.push(text.slice(p, r));
          p = r;
        }
        if (p >= n) {
          if (final) {
            ended = true;
          } else incomplete = true;
          break;
        }
        c = text.charCodeAt(p);
        if (c === COMMA) {
          p++;
          continue;
        }
        // Line break.
        if (c === CR) {
          if (p + 1 < n) {
            p += text.charCodeAt(p + 1) === LF ? 2 : 1;
          } else if (final) {
            p += 1;
          } else {
            // The LF may arrive in the next chunk.
            p += 1;
            this.afterCr = true;
          }
        } else {
          p += 1;
        }
        line++;
        ended = true;
        break;
      }
      if (incomplete) {
        this.afterCr = false;
        this.pendingLine = recordLine;
        return pos;
      }
      if (ended) {
        pos = p;
        if (!(fields.length === 1 && fields[0] === '')) {
          this.onRecord(fields, recordLine);
        }
      }
    }
    this.pendingLine = line;
    return pos;
  }
}

function countBreaks(text: string, from: number, to: number): number {
  let lines = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) lines++;
    else if (c === CR && !(i + 1 < to && text.charCodeAt(i + 1) === LF)) {
      lines++;
    }
  }
  return lines;
}

/** Parses a whole text at once; convenient for the small metadata files. */
export function parseCsv(
  text: string,
  onProblem?: CsvProblemHandler,
): {fields: string[]; line: number}[] {
  const out: {fields: string[]; line: number}[] = [];
  const reader = new CsvReader(
    (fields, line) => out.push({fields, line}),
    onProblem,
  );
  reader.push(text);
  reader.finish();
  return out;
}
