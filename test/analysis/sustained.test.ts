import {findSustainedDrops} from '../../src/analysis/anomalies/sustained';

/** An AR(1) series of school days (log level), seeded. */
function noisy(n: number, seed: number, phi = 0.5, sd = 0.2): number[] {
  let s = seed;
  const u = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s + 0.5) / 2147483648;
  };
  const normal = () =>
    Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const out: number[] = [];
  let x = 0;
  for (let k = 0; k < n; k++) {
    x = phi * x + Math.sqrt(1 - phi * phi) * sd * normal();
    out.push(x);
  }
  return out;
}

const opts = (yearStarts: number[] = [], openEnded = true) => ({
  openEnded,
  window: 10,
  maxDays: 60,
  threshold: 3.5,
  minShift: -Math.log(0.65),
  yearStart: (k: number) => yearStarts.includes(k),
});

describe('findSustainedDrops', () => {
  it('finds a five-week drop of 45% and about its span, and nothing else', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const v = noisy(180, seed);
      for (let k = 80; k < 105; k++) v[k] += Math.log(0.55);
      const found = findSustainedDrops(v, opts());
      expect(found.length).toBe(1);
      // Its span covers most of the drop and little else.
      const {from, to} = found[0];
      const overlap = Math.min(to, 104) - Math.max(from, 80) + 1;
      expect(overlap).toBeGreaterThanOrEqual(20);
      expect(to - from + 1).toBeLessThanOrEqual(35);
      expect(found[0].score).toBeLessThan(-3.5);
    }
  });

  it('reports no drop in noise alone, nor a dip of a few days', () => {
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      const v = noisy(180, seed);
      for (let k = 60; k < 65; k++) v[k] += Math.log(0.5);
      expect(findSustainedDrops(v, opts())).toEqual([]);
    }
  });

  it('does not read a school year that winds down into the summer as a drop', () => {
    const v = noisy(200, 7);
    // Year one ends at position 100 (a summer before 100); its last weeks fall.
    for (let k = 75; k < 100; k++) v[k] += Math.log(0.5);
    expect(findSustainedDrops(v, opts([100]))).toEqual([]);
  });

  it('reports a drop still going on at the last day, lower than the days before it', () => {
    const v = noisy(160, 9);
    for (let k = 140; k < 160; k++) v[k] += Math.log(0.5);
    const found = findSustainedDrops(v, opts());
    expect(found.length).toBe(1);
    expect(found[0].to).toBe(159);
    // Not when the summer has begun since the last value: the year wound down.
    expect(findSustainedDrops(v, opts([], false))).toEqual([]);
  });
});
