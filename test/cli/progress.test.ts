import {
  estimateLeftMs,
  formatDuration,
  formatStatus,
  Progress,
} from '../../src/cli/progress';

/** A stream that records what was written, and a clock the test moves. */
function fixture(isTTY: boolean) {
  const out: string[] = [];
  let t = 1_000_000;
  const stream = {isTTY, columns: 120, write: (s: string) => out.push(s)};
  const clock = {
    advance: (ms: number) => (t += ms),
    now: () => t,
  };
  return {out, stream, clock};
}

describe('the demo progress display', () => {
  it('reads durations as a person would', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(37_400)).toBe('37s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('0s');
  });

  it('estimates the time left from simulated days over elapsed time', () => {
    const s = {
      date: '2024-08-26',
      done: 100,
      total: 400,
      executions: 243,
      elapsedMs: 60_000,
    };
    // 0.6 s per simulated day, 300 days to go.
    expect(estimateLeftMs(s)).toBe(180_000);
    expect(formatStatus(s)).toBe(
      '2024-08-26   25%  executions 243  3m 00s left',
    );
    expect(estimateLeftMs({...s, done: 0})).toBeUndefined();
    expect(formatStatus({...s, done: 0})).toMatch(/estimating time left$/);
    expect(formatStatus({...s, done: 400})).toBe(
      '2024-08-26  100%  executions 243  0s left',
    );
  });

  it('prints plain, spaced-out lines when the output is not a terminal', () => {
    const {out, stream, clock} = fixture(false);
    const p = new Progress({stream, now: clock.now, plainEveryMs: 10_000});
    p.startTimeline(10, '2024-01-01');
    for (let day = 1; day <= 10; day++) {
      clock.advance(3_000);
      p.timeline(
        `2024-01-${String(day + 1).padStart(2, '0')}`,
        day,
        10,
        day * 2,
      );
    }
    p.endTimeline();
    p.line('writing workbook.xlsx', true);
    // The start, a line each 10 s of the 30 s (days 4 and 8), and the last day.
    expect(out).toEqual([
      '[   0.0s] 2024-01-01    0%  executions 0  estimating time left\n',
      '[  12.0s] 2024-01-05   40%  executions 8  18s left\n',
      '[  24.0s] 2024-01-09   80%  executions 16  6s left\n',
      '[  30.0s] 2024-01-11  100%  executions 20  0s left\n',
      '[  30.0s] writing workbook.xlsx\n',
    ]);
    // Plain lines never carry terminal control codes.
    expect(out.join('')).not.toContain('\u001b');
    expect(out.join('')).not.toContain('\r');
  });

  it('draws one bar in a terminal, with messages printed above it', () => {
    const {out, stream, clock} = fixture(true);
    const p = new Progress({stream, now: clock.now});
    p.startTimeline(4, '2024-01-01');
    clock.advance(1_000);
    p.timeline('2024-01-02', 1, 4, 3);
    p.line('  runNightly failed: boom', true);
    p.endTimeline();
    const text = out.join('');
    expect(text).toContain('2024-01-01    0%  executions 0');
    expect(text).toContain('runNightly failed: boom\n');
    // Redrawn in place (carriage return), never one line per update.
    expect(text).toContain('\r');
    expect(
      text.split('\n').filter(l => l.includes('executions')).length,
    ).toBeLessThanOrEqual(2);
  });

  it('stays silent when quiet', () => {
    const {out, stream, clock} = fixture(false);
    const p = new Progress({quiet: true, stream, now: clock.now});
    p.startTimeline(2, '2024-01-01');
    p.timeline('2024-01-02', 2, 2, 1);
    p.line('x', true);
    expect(out).toEqual([]);
  });
});
