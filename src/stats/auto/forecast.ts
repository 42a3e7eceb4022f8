/** Automatic forecasting across model families, chosen by backtest or information criterion. */
import {InputError} from '../../core/errors';
import {fitArima, forecastArima, normaliseLevels} from '../arima';
import type {ArimaSpec} from '../arima';
import {rollingOrigins, scoreWindows} from '../backtest';
import type {BacktestScore, WindowForecast} from '../backtest';
import {ets, forecastEts} from '../ets';
import type {EtsFit} from '../ets';
import {forecastLagWalk, lagWalk} from '../naive';
import type {Forecast} from '../types';
import {isConstant} from '../unitroot';
import {autoArima, independentColumns, validateXreg} from './arima-search';
import {
  combine,
  constantForecast,
  finiteForecast,
  summariseArima,
  validateFuture,
  validateY,
} from './candidates';
import type {Candidate} from './candidates';
import type {
  ArimaSummary,
  AutoForecastRequest,
  AutoForecastResult,
  BacktestWindowForecast,
  CandidateMethod,
  ModelChoice,
} from './forecast-types';
import {fitLongPeriod} from './long-period';

/**
 * Wraps refit so each (origin, horizon) is computed once (the combination reuses them),
 * failures included: a refit that threw throws the same error again without refitting.
 */
function memoised(c: Candidate): Candidate {
  const cache = new Map<string, {f: Forecast} | {error: unknown}>();
  return {
    ...c,
    refit: (origin, h, levels) => {
      const key = `${origin}:${h}:${levels.join(',')}`;
      let hit = cache.get(key);
      if (!hit) {
        try {
          hit = {f: c.refit(origin, h, levels)};
        } catch (error) {
          hit = {error};
        }
        cache.set(key, hit);
      }
      if ('error' in hit) throw hit.error;
      return hit.f;
    },
  };
}

/**
 * Forecasts y automatically: auto.arima (or, for periods above 24, a regression on Fourier
 * terms with ARMA errors), ETS, seasonal naive and their combination; picks by rolling-origin
 * backtest or by information criterion and names the choice. Never returns NaN: a model
 * that cannot be estimated falls back to a simpler one, down to a flat forecast.
 */
export function autoForecast(req: AutoForecastRequest): AutoForecastResult {
  if (typeof req !== 'object' || req === null) {
    throw new InputError('request', 'must be an object');
  }
  const y = validateY(req.y);
  const n = y.length;
  const h = req.horizon;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > 10000) {
    throw new InputError('horizon', 'must be a positive integer');
  }
  let period = req.period ?? 1;
  if (typeof period !== 'number' || !Number.isFinite(period) || period < 1) {
    throw new InputError('period', 'must be a number >= 1');
  }
  const requestedPeriod = period;
  const levels = normaliseLevels(req.levels);
  const select = req.select ?? 'backtest';
  if (select !== 'backtest' && select !== 'ic') {
    throw new InputError('select', "must be 'backtest' or 'ic'");
  }
  const xr = validateXreg(req.xreg, n, req.xregNames);
  const xreg = xr ? xr.cols : [];
  const xregNames = xr ? xr.names : [];
  const future = validateFuture(req.xregFuture, xreg.length, h);
  if (xreg.length > 0) {
    const keep = independentColumns(xreg);
    if (keep.length < xreg.length) {
      const bad = xreg.findIndex((_, j) => !keep.includes(j));
      throw new InputError(
        'xreg',
        `is rank deficient: column ${bad + 1} (${xregNames[bad]}) is constant or a combination of the others`,
      );
    }
  }
  const notes: string[] = [];
  // Seasonal models need two full periods; Fourier terms for a long period only need the
  // series to be longer than one (two school years of weekly data is the common case).
  if (period > 24 ? period >= n - 2 : period > n / 2) {
    if (period > 1)
      notes.push(
        'series too short for its seasonal period: seasonality ignored',
      );
    period = 1;
  }
  const observed = y.filter((v): v is number => v !== null);
  const bare = (
    method: AutoForecastResult['method'],
    label: string,
    forecast: Forecast,
  ): AutoForecastResult => ({
    method,
    label,
    selectedBy: 'fallback',
    forecast,
    arima: null,
    ets: null,
    scores: {},
    backtest: [],
    fourier: null,
    arimaForecast: null,
    notes,
    choice: null,
    forecastWith: null,
  });
  if (isConstant(y)) {
    notes.push('constant series: flat forecast with zero-width intervals');
    return bare('mean', 'Constant', constantForecast(observed[0], h, levels));
  }
  if (observed.length < 4) {
    notes.push('fewer than 4 observations: naive forecast');
    return bare(
      'naive',
      'Naive',
      constantForecast(observed[observed.length - 1], h, levels),
    );
  }

  const longPeriod = period > 24;
  const m = Math.round(period);
  const wanted = new Set<CandidateMethod>(
    req.candidates ?? ['arima', 'ets', 'snaive', 'naive', 'combination'],
  );
  const xregAt = (origin: number, hh: number): number[][] =>
    req.backtestXreg
      ? req.backtestXreg(origin, hh)
      : xreg.map(c => c.slice(origin, origin + hh));
  const candidates: Candidate[] = [];
  let arimaSummary: ArimaSummary | null = null;
  let etsSummary: AutoForecastResult['ets'] = null;
  let fourierInfo: AutoForecastResult['fourier'] = null;
  let arimaCand: Candidate | null = null;
  let etsCand: Candidate | null = null;
  let choice: ModelChoice | null = null;
  let forecastWith: AutoForecastResult['forecastWith'] = null;

  if (wanted.has('arima') || wanted.has('combination')) {
    try {
      if (longPeriod) {
        if (y.some(v => v === null))
          notes.push('missing values were interpolated for the ARIMA fit');
        const again = req.reuse?.kind === 'regarma' ? req.reuse : null;
        const lp = fitLongPeriod(
          y,
          period,
          xreg,
          xregNames,
          again ? again.K : (req.fourierK ?? 'auto'),
          true,
          again,
        );
        if (lp) {
          const sp = lp.fit.spec;
          choice = {
            kind: 'regarma',
            K: lp.K,
            p: sp.p,
            d: sp.d,
            q: sp.q,
            constant: sp.constant,
          };
          arimaSummary = lp.summary;
          fourierInfo =
            lp.K > 0
              ? {K: lp.K, period, names: lp.names.slice(xreg.length)}
              : null;
          forecastWith = (xf, hh, lv) =>
            lp.forecast(
              hh,
              normaliseLevels(lv),
              validateFuture(xf, xreg.length, hh),
            );
          const withFuture = forecastWith;
          arimaCand = {
            method: 'arima',
            label: lp.label,
            forecast: (hh, lv) =>
              withFuture(
                future.map(c => c.slice(0, hh)),
                hh,
                lv,
              ),
            refit: (origin, hh, lv) =>
              lp.refit(origin, hh, lv, xregAt(origin, hh)),
          };
        } else {
          notes.push(
            'ARIMA unavailable: no regression with ARMA errors could be estimated',
          );
        }
      } else {
        const again = req.reuse?.kind === 'arima' ? req.reuse : null;
        const res = autoArima(y, {
          period: m,
          xreg: xr?.cols,
          xregNames: xr?.names,
          // As auto.arima decides it on the series' own frequency: a weekly series too
          // short for its yearly season is still searched by conditional sum of squares.
          approximation: n > 150 || requestedPeriod > 12,
          ...(again ? {only: again, d: again.d, D: again.D} : {}),
        });
        choice = {
          kind: 'arima',
          p: res.order[0],
          d: res.order[1],
          q: res.order[2],
          P: res.seasonal[0],
          D: res.seasonal[1],
          Q: res.seasonal[2],
          constant: res.includeMean || res.includeDrift,
        };
        arimaSummary = summariseArima(res);
        const spec = res.fit.spec;
        const offset = n - res.fit.state.n;
        forecastWith = (xf, hh, lv) =>
          forecastArima(res.fit, hh, {
            xregFuture: validateFuture(xf, xreg.length, hh),
            levels: normaliseLevels(lv),
          });
        const withFuture = forecastWith;
        arimaCand = {
          method: 'arima',
          label: res.label,
          forecast: (hh, lv) =>
            withFuture(
              future.map(c => c.slice(0, hh)),
              hh,
              lv,
            ),
          refit: (origin, hh, lv) => {
            const sub: ArimaSpec = {
              ...spec,
              xreg: spec.xreg
                ? spec.xreg.map(c => c.slice(0, origin - offset))
                : undefined,
            };
            // Conditional sum of squares is enough to score the specification at an
            // origin, and several times cheaper than the exact likelihood.
            const f = fitArima(y.slice(offset, origin), {
              ...sub,
              method: 'CSS',
            });
            return forecastArima(f, hh, {
              xregFuture: xregAt(origin, hh),
              levels: lv,
            });
          },
        };
      }
    } catch (e) {
      notes.push(`ARIMA unavailable: ${(e as Error).message}`);
    }
    if (arimaCand) {
      arimaCand = memoised(arimaCand);
      if (wanted.has('arima')) candidates.push(arimaCand);
    }
  }

  // ETS ignores regressors, so it is tried only without them; periods above 24 are beyond it.
  if (
    (wanted.has('ets') || wanted.has('combination')) &&
    xreg.length === 0 &&
    !longPeriod
  ) {
    try {
      const fit = ets(y, {period: m});
      etsSummary = {
        method: fit.method,
        par: fit.par,
        loglik: fit.loglik,
        aic: fit.aic,
        aicc: fit.aicc,
        bic: fit.bic,
        sigma2: fit.sigma2,
      };
      const c = fit.components;
      const model = `${c.error}${c.trend}${c.season}`;
      etsCand = memoised({
        method: 'ets',
        label: fit.method,
        forecast: (hh, lv) => forecastEts(fit, hh, lv),
        refit: (origin, hh, lv) => {
          const f: EtsFit = ets(y.slice(0, origin), {
            period: m,
            model,
            damped: c.damped,
          });
          return forecastEts(f, hh, lv);
        },
      });
      if (wanted.has('ets')) candidates.push(etsCand);
    } catch (e) {
      notes.push(`ETS unavailable: ${(e as Error).message}`);
    }
  }

  // Seasonal naive (naive for non-seasonal data).
  const lag = m > 1 && n > m ? m : 1;
  const naiveMethod: CandidateMethod = lag > 1 ? 'snaive' : 'naive';
  let naiveCand: Candidate | null = null;
  if (
    wanted.has(naiveMethod) ||
    wanted.has('naive') ||
    wanted.has('combination')
  ) {
    try {
      const lw = lagWalk(y, lag);
      naiveCand = {
        method: naiveMethod,
        label: lag > 1 ? `Seasonal naive (lag ${lag})` : 'Naive',
        forecast: (hh, lv) => forecastLagWalk(lw, hh, lv),
        refit: (origin, hh, lv) =>
          forecastLagWalk(lagWalk(y.slice(0, origin), lag), hh, lv),
      };
      if (wanted.has(naiveMethod) || wanted.has('naive'))
        candidates.push(naiveCand);
    } catch (e) {
      notes.push(`${naiveMethod} unavailable: ${(e as Error).message}`);
    }
  }

  // Combination: ARIMA with ETS, or with the seasonal naive forecast when ETS does not apply.
  if (wanted.has('combination') && arimaCand) {
    const partner = etsCand ?? (longPeriod ? naiveCand : null);
    if (partner) {
      const a = arimaCand;
      candidates.push({
        method: 'combination',
        label: `Combination: ${a.label} + ${partner.label}`,
        forecast: (hh, lv) =>
          combine([a.forecast(hh, lv), partner.forecast(hh, lv)]),
        refit: (origin, hh, lv) =>
          combine([a.refit(origin, hh, lv), partner.refit(origin, hh, lv)]),
      });
    }
  }

  // Selection.
  const scores: Partial<Record<CandidateMethod, BacktestScore>> = {};
  const windowsOf = new Map<CandidateMethod, BacktestWindowForecast[]>();
  const bh = Math.max(1, req.backtestHorizon ?? Math.min(h, m > 1 ? m : 8));
  // Half the series, and at least a season and a bit (seasonal naive needs one).
  const minTrain = Math.max(m > 1 ? m + 2 : 8, Math.ceil(n * 0.5));
  const origins = rollingOrigins(n, {
    horizon: bh,
    windows: req.backtestWindows ?? 4,
    minTrain,
  });
  const backtestOf = (c: Candidate): boolean => {
    const wins: BacktestWindowForecast[] = [];
    try {
      for (const origin of origins) {
        const f = c.refit(origin, bh, levels);
        if (f.mean.length < bh || !finiteForecast(f)) return false;
        wins.push({origin, forecast: f});
      }
    } catch {
      return false;
    }
    const scored: WindowForecast[] = wins.map(w => ({
      origin: w.origin,
      forecast: w.forecast.mean,
      actual: y.slice(w.origin, w.origin + bh),
    }));
    scores[c.method] = scoreWindows(y, scored, m);
    windowsOf.set(c.method, wins);
    return true;
  };
  let order: Candidate[] = [];
  let selectedBy: AutoForecastResult['selectedBy'] = select;
  if (select === 'backtest' && candidates.length > 1) {
    if (origins.length > 0) {
      for (const c of candidates) backtestOf(c);
      const key = (c: Candidate) =>
        scores[c.method]?.mase ?? scores[c.method]?.mae ?? Infinity;
      order = candidates
        .filter(c => scores[c.method])
        .sort((a, b) => key(a) - key(b));
      order.push(...candidates.filter(c => !scores[c.method]));
    } else {
      notes.push(
        'series too short to backtest: chose by information criterion',
      );
      selectedBy = 'ic';
    }
  }
  if (order.length === 0) {
    const pref: CandidateMethod[] = [
      'arima',
      'ets',
      'combination',
      'snaive',
      'naive',
    ];
    order = [...candidates].sort(
      (a, b) => pref.indexOf(a.method) - pref.indexOf(b.method),
    );
    // Chosen by information criterion: the backtest, when asked for, only scores the choice.
    if (req.scoreChoice && origins.length > 0) {
      for (const c of order) if (backtestOf(c)) break;
    }
  }

  for (let i = 0; i < order.length; i++) {
    const c = order[i];
    try {
      const f = c.forecast(h, levels);
      if (!finiteForecast(f)) throw new Error('non-finite forecast');
      let arimaForecast: Forecast | null = null;
      if (arimaCand && c.method !== 'arima') {
        try {
          const fa = arimaCand.forecast(h, levels);
          if (finiteForecast(fa)) arimaForecast = fa;
        } catch {
          arimaForecast = null;
        }
      }
      return {
        method: c.method,
        label: c.label,
        selectedBy: i === 0 ? selectedBy : 'fallback',
        forecast: f,
        arima: arimaSummary,
        ets: etsSummary,
        scores,
        backtest: windowsOf.get(c.method) ?? [],
        fourier: fourierInfo,
        arimaForecast,
        notes,
        choice: arimaCand ? choice : null,
        forecastWith: arimaCand ? forecastWith : null,
      };
    } catch (e) {
      notes.push(`${c.label} could not forecast: ${(e as Error).message}`);
    }
  }
  notes.push('no model could forecast: naive forecast of the last value');
  const r = bare(
    'naive',
    'Naive',
    constantForecast(observed[observed.length - 1], h, levels),
  );
  r.arima = arimaSummary;
  r.ets = etsSummary;
  r.scores = scores;
  return r;
}
