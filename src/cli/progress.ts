/**
 * The local runner's progress display. In a terminal, one bar (cli-progress) shows the
 * simulated date, the share of the simulated period done, the executions so far and an
 * estimate of the time left; when the output is not a terminal (CI, a log file), plain
 * lines of the same facts at most every few seconds, so a log stays short and greppable.
 */
import {SingleBar} from 'cli-progress';

/** What the runner knows at a point of the simulated timeline. */
export interface TimelineStatus {
  /** The simulated date reached (YYYY-MM-DD). */
  date: string;
  /** Simulated days done and in all. */
  done: number;
  total: number;
  executions: number;
  /** Wall time since the timeline started. */
  elapsedMs: number;
}

/** "1h 02m", "4m 05s", "37s": a duration as a person reads it. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/**
 * Time left, from the pace so far: elapsed wall time per simulated day times the days
 * still to go. Undefined until a day is done (no pace to go on yet).
 */
export function estimateLeftMs(s: TimelineStatus): number | undefined {
  if (s.done <= 0 || s.elapsedMs <= 0) return undefined;
  return (s.elapsedMs / s.done) * Math.max(0, s.total - s.done);
}

export function percentDone(s: TimelineStatus): number {
  return s.total > 0
    ? Math.min(100, Math.floor((100 * s.done) / s.total))
    : 100;
}

/** The facts of one status, as the bar's suffix and as a plain line. */
export function formatStatus(s: TimelineStatus): string {
  const left = estimateLeftMs(s);
  return [
    s.date,
    `${String(percentDone(s)).padStart(3)}%`,
    `executions ${s.executions}`,
    left === undefined
      ? 'estimating time left'
      : `${formatDuration(left)} left`,
  ].join('  ');
}

/** The stream progress writes to: stderr by default, so stdout carries only the summary. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  quiet?: boolean;
  stream?: ProgressStream;
  /** Milliseconds clock (tests give a fake one). */
  now?: () => number;
  /** Least time between plain lines when the stream is not a terminal. */
  plainEveryMs?: number;
}

export class Progress {
  readonly quiet: boolean;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly t0: number;
  private readonly plainEveryMs: number;
  private last = -Infinity;
  private bar: SingleBar | undefined;
  private timelineT0 = 0;
  private lastPlain = -Infinity;

  constructor(opts: ProgressOptions | boolean = {}) {
    const o = typeof opts === 'boolean' ? {quiet: opts} : opts;
    this.quiet = o.quiet ?? false;
    this.stream = o.stream ?? process.stderr;
    this.now = o.now ?? Date.now;
    this.plainEveryMs = o.plainEveryMs ?? 10_000;
    this.t0 = this.now();
  }

  /** True when progress is drawn as a bar (a terminal). */
  get interactive(): boolean {
    return this.stream.isTTY === true;
  }

  /** A message line, at most every 250 ms unless forced; printed above the bar if one is drawn. */
  line(text: string, force = false): void {
    if (this.quiet) return;
    const now = this.now();
    if (!force && now - this.last < 250) return;
    this.last = now;
    const secs = ((now - this.t0) / 1000).toFixed(1).padStart(6);
    if (this.bar) this.stream.write('\r\x1b[2K');
    this.stream.write(`[${secs}s] ${text}\n`);
    if (this.bar) this.bar.render();
  }

  /** Starts the simulated timeline: total simulated days. */
  startTimeline(total: number, date: string): void {
    this.timelineT0 = this.now();
    if (this.quiet) return;
    const status = this.status(date, 0, total, 0);
    if (this.interactive) {
      this.bar = new SingleBar({
        stream: this.stream as NodeJS.WritableStream,
        format: ' {bar} {status}',
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        // The runner works synchronously: the bar redraws from update(), not a timer.
        synchronousUpdate: true,
        fps: 5,
        gracefulExit: true,
      });
      this.bar.start(total, 0, {status: formatStatus(status)});
    } else {
      this.plain(status, true);
    }
  }

  /** The timeline has reached `date`, `done` of `total` simulated days, with `executions` run. */
  timeline(
    date: string,
    done: number,
    total: number,
    executions: number,
  ): void {
    if (this.quiet) return;
    const status = this.status(date, done, total, executions);
    if (this.bar) {
      this.bar.update(done, {status: formatStatus(status)});
    } else {
      this.plain(status, done >= total);
    }
  }

  /** Ends the bar (left on screen at 100%) so later lines print below it. */
  endTimeline(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
  }

  elapsedMs(): number {
    return this.now() - this.t0;
  }

  private status(
    date: string,
    done: number,
    total: number,
    executions: number,
  ): TimelineStatus {
    return {
      date,
      done,
      total,
      executions,
      elapsedMs: this.now() - this.timelineT0,
    };
  }

  private plain(s: TimelineStatus, force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastPlain < this.plainEveryMs) return;
    this.lastPlain = now;
    this.line(formatStatus(s), true);
  }
}
