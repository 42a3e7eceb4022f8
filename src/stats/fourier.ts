/**
 * Fourier terms for seasonal regressors, with the columns, order and names of
 * R's forecast::fourier: for each period and k = 1..K the pair S{k}-{round(period)},
 * C{k}-{round(period)}; sine columns that are identically zero (2k = period) are dropped,
 * and harmonics repeated across periods are kept once. Time runs 1..n in sample and
 * n+1..n+h for the future, so in-sample and future terms line up.
 */

/** R's sinpi: exact at multiples of 1/2, so the columns match R bit for bit there. */
export function sinpi(x: number): number {
  let r = x % 2;
  if (r <= -1) r += 2;
  else if (r > 1) r -= 2;
  if (r === 0 || r === 1) return 0;
  if (r === 0.5) return 1;
  if (r === -0.5) return -1;
  return Math.sin(Math.PI * r);
}

/** R's cospi: exact at multiples of 1/2. */
export function cospi(x: number): number {
  const r = Math.abs(x) % 2;
  if (r % 1 === 0.5) return 0;
  if (r === 1) return -1;
  if (r === 0) return 1;
  return Math.cos(Math.PI * r);
}

export interface FourierTerms {
  /** One array per column, each of the requested length. */
  columns: number[][];
  /** Column names as forecast::fourier gives them, e.g. "S1-12", "C1-12". */
  names: string[];
}

function normalise(
  period: number | ReadonlyArray<number>,
  K: number | ReadonlyArray<number>,
): {periods: number[]; ks: number[]} {
  const periods = typeof period === 'number' ? [period] : [...period];
  const ks = typeof K === 'number' ? [K] : [...K];
  if (periods.length !== ks.length) {
    throw new Error('fourier: number of periods and of K values differ');
  }
  for (let j = 0; j < periods.length; j++) {
    if (!(periods[j] > 1) || !Number.isFinite(periods[j])) {
      throw new Error(
        `fourier: period must be a number > 1 (got ${periods[j]})`,
      );
    }
    if (!Number.isInteger(ks[j]) || ks[j] < 0) {
      throw new Error(
        `fourier: K must be a non-negative integer (got ${ks[j]})`,
      );
    }
    if (2 * ks[j] > periods[j]) {
      throw new Error('fourier: K must be not be greater than period/2');
    }
  }
  return {periods, ks};
}

/** Fourier terms at the given time indices (1-based, as R numbers observations). */
export function fourierAt(
  times: ReadonlyArray<number>,
  period: number | ReadonlyArray<number>,
  K: number | ReadonlyArray<number>,
): FourierTerms {
  const {periods, ks} = normalise(period, K);
  const p: number[] = [];
  const labels: string[] = [];
  for (let j = 0; j < periods.length; j++) {
    for (let k = 1; k <= ks[j]; k++) {
      const pk = k / periods[j];
      // Harmonics shared by two periods (e.g. 7 and 364 over 1/7) are kept once.
      if (p.includes(pk)) continue;
      p.push(pk);
      const tag = Math.round(periods[j]);
      labels.push(`S${k}-${tag}`, `C${k}-${tag}`);
    }
  }
  const columns: number[][] = [];
  const names: string[] = [];
  const eps = 2.220446049250313e-16;
  for (let j = 0; j < p.length; j++) {
    const hasSine = Math.abs(2 * p[j] - Math.round(2 * p[j])) > eps;
    if (hasSine) {
      columns.push(times.map(t => sinpi(2 * p[j] * t)));
      names.push(labels[2 * j]);
    }
    columns.push(times.map(t => cospi(2 * p[j] * t)));
    names.push(labels[2 * j + 1]);
  }
  return {columns, names};
}

/** In-sample Fourier terms for a series of length n: forecast::fourier(x, K). */
export function fourier(
  n: number,
  period: number | ReadonlyArray<number>,
  K: number | ReadonlyArray<number>,
): FourierTerms {
  const times = Array.from({length: n}, (_, i) => i + 1);
  return fourierAt(times, period, K);
}

/** Future Fourier terms for h steps after a series of length n: forecast::fourier(x, K, h). */
export function fourierFuture(
  n: number,
  period: number | ReadonlyArray<number>,
  K: number | ReadonlyArray<number>,
  h: number,
): FourierTerms {
  const times = Array.from({length: h}, (_, i) => n + i + 1);
  return fourierAt(times, period, K);
}
