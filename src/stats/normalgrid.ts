/**
 * Quantiles of g(Z1, Z2) for independent standard normals Z1, Z2, on a deterministic grid:
 * each axis takes the normal quantiles at (i + 0.5) / m, so every grid point carries the
 * same probability 1 / m^2. Reproducible (no random draws) and accurate to about 1/m in
 * probability, enough for the tails of a 95% interval with m around 100.
 */
import {InputError} from '../core/errors';
import {qnorm} from './distributions';
import {quantile} from './robust';

const nodesCache = new Map<number, number[]>();

function nodes(m: number): number[] {
  let z = nodesCache.get(m);
  if (!z) {
    z = Array.from({length: m}, (_, i) => qnorm((i + 0.5) / m));
    nodesCache.set(m, z);
  }
  return z;
}

export function normalGridQuantiles(
  g: (z1: number, z2: number) => number,
  probs: ReadonlyArray<number>,
  m = 101,
): number[] {
  if (!Number.isInteger(m) || m < 3)
    throw new InputError('m', 'must be an integer of at least 3');
  const z = nodes(m);
  const values = new Array<number>(m * m);
  let k = 0;
  for (const a of z) for (const b of z) values[k++] = g(a, b);
  return probs.map(p => quantile(values, p, 'g'));
}
