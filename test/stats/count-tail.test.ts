import {countTailZ} from '../../src/stats/count-tail';
import {pnorm} from '../../src/stats/distributions';

describe('countTailZ', () => {
  it('scores a small count by its exact Poisson tail, not the log ratio', () => {
    // 0 users where 4 were expected happens 1.8% of days: about 2.2 sd, not 4.7.
    const z = countTailZ(0, 4, 0);
    expect(z).toBeGreaterThan(-2.5);
    expect(z).toBeLessThan(-2);
    expect(pnorm(z)).toBeCloseTo(Math.exp(-4) / 2, 6);
  });

  it('scores a count at its mean near zero, and a large count as the normal does', () => {
    expect(Math.abs(countTailZ(10, 10, 0))).toBeLessThan(0.2);
    // 9,700 of 10,000 expected: 3 Poisson standard deviations below.
    expect(countTailZ(9700, 10000, 0)).toBeCloseTo(-3, 1);
  });

  it('widens the tail when the mean itself varies from day to day', () => {
    const plain = countTailZ(8, 20, 0);
    const noisy = countTailZ(8, 20, 0.09);
    expect(plain).toBeLessThan(-2.5);
    expect(noisy).toBeGreaterThan(plain);
    expect(countTailZ(40, 20, 0.09)).toBeGreaterThan(2);
  });
});
