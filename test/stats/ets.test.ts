import * as fs from 'fs';
import * as path from 'path';
import {ets, forecastEts} from '../../src/stats/ets';
import {InputError} from '../../src/core/errors';

const REF = path.join(__dirname, '../fixtures/reference');
const dir = path.join(REF, 'ets');
const files = fs.readdirSync(dir).filter(f => f.endsWith('.json'));

function modelArg(source: string): string {
  const m = /model\s*=\s*"?([AMNZ]{3})/.exec(source);
  return m ? m[1] : 'ZZZ';
}

describe.each(files)('ets against R: %s', file => {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  // Files named after a model (e.g. nottem_ANA) fit that model; the others choose by AICc.
  const named = /_([AMN]{3})\.json$/.exec(file);
  const model = named ? named[1] : modelArg(ref.source);
  const fit = ets(ref.y, {period: ref.frequency, model});
  const fc = forecastEts(fit, ref.forecast.h);

  test('method choice', () => {
    expect(fit.method).toBe(ref.method);
  });

  test('loglik, AIC, AICc, BIC, sigma2 and mse', () => {
    expect(Math.abs(fit.loglik - ref.loglik)).toBeLessThan(0.01);
    expect(Math.abs(fit.aic - ref.aic)).toBeLessThan(0.02);
    expect(Math.abs(fit.aicc - ref.aicc)).toBeLessThan(0.02);
    expect(Math.abs(fit.bic - ref.bic)).toBeLessThan(0.02);
    expect(Math.abs(fit.sigma2 - ref.sigma2) / ref.sigma2).toBeLessThan(1e-4);
    expect(Math.abs(fit.mse - ref.mse) / ref.mse).toBeLessThan(1e-4);
  });

  test('parameters and initial states', () => {
    for (const [k, v] of Object.entries<number>(ref.par)) {
      const scale = Math.max(1, Math.abs(v));
      expect(Math.abs(fit.par[k] - v) / scale).toBeLessThan(1e-3);
    }
  });

  test('forecast means and 80/95% intervals', () => {
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    for (let i = 0; i < ref.forecast.h; i++) {
      expect(rel(fc.mean[i], ref.forecast.mean[i])).toBeLessThan(1e-6);
      expect(rel(fc.lower['80'][i], ref.forecast.lower80[i])).toBeLessThan(
        1e-3,
      );
      expect(rel(fc.upper['80'][i], ref.forecast.upper80[i])).toBeLessThan(
        1e-3,
      );
      expect(rel(fc.lower['95'][i], ref.forecast.lower95[i])).toBeLessThan(
        1e-3,
      );
      expect(rel(fc.upper['95'][i], ref.forecast.upper95[i])).toBeLessThan(
        1e-3,
      );
    }
  });
});

describe('ets behaviour', () => {
  const air = JSON.parse(
    fs.readFileSync(path.join(dir, 'AirPassengers.json'), 'utf8'),
  );
  const aus = JSON.parse(
    fs.readFileSync(path.join(dir, 'austres.json'), 'utf8'),
  );

  test('a forced damped additive model reports its name and phi within bounds', () => {
    const fit = ets(air.y, {period: 12, model: 'AAA', damped: true});
    expect(fit.method).toBe('ETS(A,Ad,A)');
    expect(fit.par.phi).toBeGreaterThanOrEqual(0.8);
    expect(fit.par.phi).toBeLessThanOrEqual(0.98);
  });

  test('additiveOnly excludes multiplicative components', () => {
    const fit = ets(aus.y, {period: 4, additiveOnly: true});
    expect(fit.components.error).toBe('A');
    expect(fit.components.season).not.toBe('M');
  });

  test('non-positive data never get multiplicative components', () => {
    const y = aus.y.map((v: number, i: number) => v - 15000 + (i % 3));
    const fit = ets(y, {period: 4});
    expect(fit.components.error).toBe('A');
    expect(() => ets(y, {period: 4, model: 'MNN'})).toThrow(InputError);
  });

  test('missing values inside the series are carried through the filter', () => {
    const y: (number | null)[] = [...air.y];
    y[50] = null;
    y[51] = null;
    const fit = ets(y, {period: 12, model: 'MAM', damped: false});
    expect(fit.residuals[50]).toBeNull();
    expect(fit.fitted[50]).not.toBeNull();
    expect(Number.isFinite(fit.loglik)).toBe(true);
    expect(fit.nobs).toBe(air.y.length);
  });

  test('periods above 24 are treated as non-seasonal', () => {
    const y = Array.from(
      {length: 120},
      (_, i) => 100 + 10 * Math.sin(i / 5) + (i % 7),
    );
    expect(ets(y, {period: 52}).components.season).toBe('N');
  });

  test('bad input is refused with the field named', () => {
    expect(() => ets([], {})).toThrow(InputError);
    expect(() => ets([4, 4, 4, 4, 4, 4, 4, 4], {})).toThrow(/constant/);
    expect(() => ets([1, 2, 3], {})).toThrow(/too few/);
    expect(() => ets(air.y, {model: 'QQQ'})).toThrow(InputError);
  });
});
