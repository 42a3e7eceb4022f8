/** Input checks on the series an ARIMA model is fitted to. */
import {InputError} from '../../core/errors';

/** Checks y: an array of finite numbers or nulls, not empty, not all missing, not constant. */
export function validateSeries(y: unknown, field = 'y'): Float64Array {
  if (!Array.isArray(y) && !(y instanceof Float64Array))
    throw new InputError(
      field,
      'must be an array of numbers (null for missing)',
    );
  if (y.length === 0) throw new InputError(field, 'is empty');
  const x = new Float64Array(y.length);
  let first: number | null = null;
  let constant = true;
  let present = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as unknown;
    if (v === null || v === undefined) {
      x[i] = NaN;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InputError(
        field,
        `value ${i + 1} is not a finite number (${String(v)}); use null for a missing value`,
      );
    x[i] = v;
    present++;
    if (first === null) first = v;
    else if (v !== first) constant = false;
  }
  if (present === 0) throw new InputError(field, 'all values are missing');
  if (constant)
    throw new InputError(
      field,
      'is constant; an ARIMA model cannot be estimated (forecast it as a constant)',
    );
  return x;
}

/** Number of non-missing values. */
export function countPresent(x: Float64Array): number {
  let c = 0;
  for (let t = 0; t < x.length; t++) if (x[t] === x[t]) c++;
  return c;
}
