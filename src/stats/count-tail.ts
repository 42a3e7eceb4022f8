/**
 * How surprising a count is: the normal score of an observed count under a Poisson count
 * whose mean itself varies from day to day (log-normally, by `extraVar` on the log scale).
 * On small counts the log-ratio's normal approximation overstates a low count (0 users of
 * 4 expected reads as 4.7 standard deviations; the chance is 2%): this is the exact tail.
 */
import {gammaPQ, lgamma, qnorm} from './distributions';

// Gauss-Hermite nodes and weights for a standard normal (five points).
const NODES = [
  -2.856970013872805, -1.355626179974266, 0, 1.355626179974266,
  2.856970013872805,
];
const WEIGHTS = [
  0.011257411327721, 0.222075922005613, 0.533333333333333, 0.222075922005613,
  0.011257411327721,
];

/** P(Y < y) + P(Y = y) / 2 for Y ~ Poisson(mu). */
function midP(y: number, mu: number): number {
  if (mu <= 0) return y > 0 ? 1 : 0.5;
  const below = y === 0 ? 0 : gammaPQ(y, mu)[1];
  const at = Math.exp(y * Math.log(mu) - mu - lgamma(y + 1));
  return below + at / 2;
}

/**
 * The normal score (negative: fewer than expected) of count `y` when `mu` was expected and
 * the log of the mean varies with variance `extraVar` around log(mu) (mid-p, so a count
 * equal to its mean scores about 0). Non-integer counts are rounded.
 */
export function countTailZ(y: number, mu: number, extraVar: number): number {
  const k = Math.max(0, Math.round(y));
  const sd = Math.sqrt(Math.max(0, extraVar));
  let p = 0;
  for (let i = 0; i < NODES.length; i++) {
    // Mean-preserving: E[exp(sd Z - sd^2 / 2)] = 1.
    p += WEIGHTS[i] * midP(k, mu * Math.exp(sd * NODES[i] - extraVar / 2));
  }
  return qnorm(Math.min(1 - 1e-12, Math.max(1e-12, p)));
}
