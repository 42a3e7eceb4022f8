/**
 * Model specification of a regression with seasonal ARIMA errors, validated and laid out
 * as R's stats::arima lays it out: the `arma` vector (p, q, P, Q, s, d, D), the parameter
 * order (ar, ma, sar, sma, then regressors: intercept, drift, user regressors) and R's names.
 */
import {InputError} from '../../core/errors';

export interface ArimaSpec {
  /** Non-seasonal orders p, d, q. */
  order: [number, number, number];
  /** Seasonal orders P, D, Q (default none). */
  seasonal?: [number, number, number];
  /** Seasonal period s (an integer >= 2 when a seasonal order is non-zero). */
  period?: number;
  /** Include an intercept; as R's Arima, default true and used only when d + D == 0. */
  includeMean?: boolean;
  /** forecast::Arima's drift: a regressor 1..n (only when d + D <= 1). */
  includeDrift?: boolean;
  /** Regressor columns, each as long as the series. */
  xreg?: number[][];
  xregNames?: string[];
  /** Coefficients held at given values, by R's names. */
  fixed?: Record<string, number>;
  /**
   * Estimation method as R's arima: 'ML' (exact likelihood from zero ARMA starting
   * values, the default here and what forecast::Arima(method = 'ML') does), 'CSS-ML'
   * (conditional-sum-of-squares starting values, then exact likelihood) or 'CSS'.
   * With 'CSS' the log-likelihood is R's conditional one and AIC, AICc and BIC are
   * computed from it (R reports them as NA); use them only to compare CSS fits.
   */
  method?: 'ML' | 'CSS-ML' | 'CSS';
}

/** The spec resolved against a series: orders, differencing polynomial, parameter layout. */
export interface ArimaLayout {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  /** Seasonal period (1 when there is no seasonal part). */
  s: number;
  /** R's arma vector: p, q, P, Q, s, d, D. */
  arma: [number, number, number, number, number, number, number];
  /** Number of ARMA coefficients p + q + P + Q. */
  narma: number;
  /** The differencing polynomial as R's Delta (y_t = sum Delta_i y_{t-i} + w_t). */
  delta: number[];
  includeMean: boolean;
  includeDrift: boolean;
  /** Names of all coefficients in R's order. */
  names: string[];
  /** Names of the regression coefficients (intercept, drift, user regressors). */
  xregNames: string[];
  /** Regressor columns in coefficient order (intercept and drift included). */
  xregCols: Float64Array[];
  /** Number of user regressors (excluding intercept and drift). */
  nUserXreg: number;
  warnings: string[];
}

function nonNegInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new InputError(field, 'must be a non-negative integer');
  return v;
}

/** make.unique as R: later duplicates get ".1", ".2", ... */
function makeUnique(names: string[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set(names);
  return names.map((name, i) => {
    if (!seen.has(name)) {
      seen.set(name, 0);
      return name;
    }
    let k = seen.get(name)!;
    let candidate: string;
    do {
      k++;
      candidate = `${name}.${k}`;
    } while (taken.has(candidate) && names.indexOf(candidate) !== i);
    seen.set(name, k);
    taken.add(candidate);
    return candidate;
  });
}

/** Polynomial product, as R's TSconv. */
export function convolve(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  return out;
}

/** Validates the spec against a series of length n and lays out the parameters. */
export function resolveSpec(spec: ArimaSpec, n: number): ArimaLayout {
  if (!spec || typeof spec !== 'object')
    throw new InputError('spec', 'must be an object');
  if (!Array.isArray(spec.order) || spec.order.length !== 3)
    throw new InputError('order', 'must be [p, d, q]');
  const p = nonNegInt(spec.order[0], 'order');
  const d = nonNegInt(spec.order[1], 'order');
  const q = nonNegInt(spec.order[2], 'order');
  const seas = spec.seasonal ?? [0, 0, 0];
  if (!Array.isArray(seas) || seas.length !== 3)
    throw new InputError('seasonal', 'must be [P, D, Q]');
  let P = nonNegInt(seas[0], 'seasonal');
  let D = nonNegInt(seas[1], 'seasonal');
  let Q = nonNegInt(seas[2], 'seasonal');
  let s = spec.period ?? 1;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 1)
    throw new InputError('period', 'must be a number >= 1');
  const warnings: string[] = [];
  if (P + D + Q > 0) {
    if (!Number.isInteger(s) || s < 2)
      throw new InputError(
        'period',
        'a seasonal ARIMA part needs an integer period >= 2 (use Fourier regressors for non-integer periods)',
      );
  } else if (!Number.isInteger(s) || s < 2) {
    s = 1;
  }
  if (s === 1) {
    P = 0;
    D = 0;
    Q = 0;
  }
  if (p + q + P + Q > 100)
    throw new InputError(
      'order',
      'at most 100 ARMA coefficients are supported',
    );
  if (Math.max(p + s * P, q + s * Q + 1) > 350)
    throw new InputError('order', 'maximum supported lag is 350');
  if (n <= d + D * s)
    throw new InputError('y', 'not enough data to fit the model');

  let delta: number[] = [1];
  for (let i = 0; i < d; i++) delta = convolve(delta, [1, -1]);
  for (let i = 0; i < D; i++) {
    const sd = new Array<number>(s + 1).fill(0);
    sd[0] = 1;
    sd[s] = -1;
    delta = convolve(delta, sd);
  }
  delta = delta.slice(1).map(v => -v);

  const nd = d + D;
  const includeMean = (spec.includeMean ?? true) && nd === 0;
  let includeDrift = spec.includeDrift ?? false;
  if (includeDrift && nd > 1) {
    warnings.push(
      'No drift term fitted as the order of difference is 2 or more.',
    );
    includeDrift = false;
  }

  const user = spec.xreg ?? [];
  if (!Array.isArray(user))
    throw new InputError('xreg', 'must be an array of columns');
  user.forEach((col, j) => {
    if (!Array.isArray(col))
      throw new InputError('xreg', `column ${j + 1} must be an array`);
    if (col.length !== n)
      throw new InputError(
        'xreg',
        `column ${j + 1} has ${col.length} values but the series has ${n}`,
      );
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v)))
        throw new InputError(
          'xreg',
          `column ${j + 1} row ${i + 1} is not a finite number`,
        );
    }
  });
  let userNames: string[];
  if (spec.xregNames !== undefined) {
    if (
      !Array.isArray(spec.xregNames) ||
      spec.xregNames.length !== user.length ||
      spec.xregNames.some(v => typeof v !== 'string' || v === '')
    )
      throw new InputError(
        'xregNames',
        `must hold ${user.length} non-empty names, one per regressor column`,
      );
    userNames = spec.xregNames.slice();
  } else {
    userNames =
      user.length === 1 ? ['xreg'] : user.map((_, j) => `xreg${j + 1}`);
  }

  const names: string[] = [];
  for (let i = 1; i <= p; i++) names.push(`ar${i}`);
  for (let i = 1; i <= q; i++) names.push(`ma${i}`);
  for (let i = 1; i <= P; i++) names.push(`sar${i}`);
  for (let i = 1; i <= Q; i++) names.push(`sma${i}`);
  const xregNames: string[] = [];
  const xregCols: Float64Array[] = [];
  if (includeMean) {
    xregNames.push('intercept');
    xregCols.push(new Float64Array(n).fill(1));
  }
  const regNames = includeDrift
    ? makeUnique(['drift', ...userNames])
    : makeUnique(userNames);
  if (includeDrift)
    xregCols.push(Float64Array.from({length: n}, (_, i) => i + 1));
  for (const col of user)
    xregCols.push(Float64Array.from(col, v => (v === null ? NaN : v)));
  xregNames.push(...regNames);
  names.push(...xregNames);
  if (new Set(names).size !== names.length)
    throw new InputError(
      'xregNames',
      'regressor names must differ from the ARMA and intercept names',
    );

  return {
    p,
    d,
    q,
    P,
    D,
    Q,
    s,
    arma: [p, q, P, Q, s, d, D],
    narma: p + q + P + Q,
    delta,
    includeMean,
    includeDrift,
    names,
    xregNames,
    xregCols,
    nUserXreg: user.length,
    warnings,
  };
}
