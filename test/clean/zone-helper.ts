/** Offset of an IANA zone at an instant, via Intl (test-only; the bundle never uses Intl). */
export function intlOffset(tz: string): (ms: number) => number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (ms: number) => {
    const p = Object.fromEntries(
      fmt.formatToParts(new Date(ms)).map(x => [x.type, x.value]),
    );
    const wall = Date.UTC(
      Number(p.year),
      Number(p.month) - 1,
      Number(p.day),
      Number(p.hour),
      Number(p.minute),
      Number(p.second),
    );
    return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
  };
}
