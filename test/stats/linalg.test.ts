import {leastSquares, rssWithExtraColumn} from '../../src/stats/linalg';

/** A deterministic pseudo-random sequence (LCG), so the test needs no seed handling. */
function sequence(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({length: n}, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

describe('rssWithExtraColumn', () => {
  const n = 40;
  const base = [
    new Array<number>(n).fill(1),
    sequence(n, 1),
    sequence(n, 2).map(v => (v > 0.2 ? 1 : 0)),
  ];
  const y = sequence(n, 3).map((v, i) => v + 0.1 * i);

  it('reports the rank and RSS of leastSquares on the base plus the column, to the bit', () => {
    const rssWith = rssWithExtraColumn(base, y);
    for (const seed of [4, 5, 6, 7]) {
      const extra = sequence(n, seed).map(v => Math.log(1.5 + v));
      const full = leastSquares([...base, extra], y);
      const fast = rssWith(extra);
      expect(fast.rank).toBe(full.rank);
      expect(Object.is(fast.rss, full.rss)).toBe(true);
    }
  });

  it('reports a collinear extra column as rank-deficient, as leastSquares does', () => {
    const rssWith = rssWithExtraColumn(base, y);
    const collinear = base[1].map((v, i) => 2 * v - base[2][i]);
    expect(rssWith(collinear).rank).toBe(
      leastSquares([...base, collinear], y).rank,
    );
    expect(rssWith(collinear).rank).toBe(3);
  });

  it('reports a rank-deficient base for every extra column', () => {
    const rssWith = rssWithExtraColumn([...base, base[1].slice()], y);
    expect(rssWith(sequence(n, 8)).rank).toBe(3);
    expect(
      leastSquares([...base, base[1].slice(), sequence(n, 8)], y).rank,
    ).toBe(3);
  });
});
