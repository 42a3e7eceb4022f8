/**
 * Exponential smoothing state space models (ETS) as R's forecast::ets fits them:
 * maximum likelihood by Nelder-Mead over smoothing parameters and initial states within
 * the "both" (usual and admissible) parameter space, automatic choice among the
 * additive, multiplicative and damped variants by AICc, and analytic prediction intervals.
 *
 * Differences from forecast::ets, by design: multiplicative trends are not offered
 * (forecast excludes them by default too); interior missing values are carried through
 * the filter rather than cutting the series to its longest complete stretch; series too
 * short for any model raise an error instead of falling back to HoltWinters.
 */
import {InputError} from '../core/errors';
import {ADD, MULT, NONE, etsCalc, etsLikelihood, etsWork} from './ets/calc';
import {class1, class2, class3} from './ets/forecast';
import type {EtsForecastInput} from './ets/forecast';
import {DEFAULT_BOUNDS, initParam, initState} from './ets/init';
import type {Bounds} from './ets/init';
import {nelderMead} from './ets/nelder-mead';
import {qnorm} from './distributions';
import {checkLevels} from './naive';
import type {Forecast, Series} from './types';
import {interpolateMissing, isConstant, rootsWithin} from './unitroot';

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsOptions {
  /** Seasonal period (1 = non-seasonal). Periods above 24 are treated as non-seasonal, as forecast does. */
  period?: number;
  /** Three letters: error (A, M, Z), trend (N, A, Z), season (N, A, M, Z). Default "ZZZ". */
  model?: string;
  /** true/false to force, undefined to try both. */
  damped?: boolean;
  ic?: 'aicc' | 'aic' | 'bic';
  /** Only additive components. */
  additiveOnly?: boolean;
  bounds?: Bounds;
  /** Nelder-Mead evaluation limit (forecast: 2000). */
  maxit?: number;
}

export interface EtsFit {
  /** e.g. "ETS(M,Ad,M)". */
  method: string;
  components: {
    error: ErrorType;
    trend: TrendType;
    season: SeasonType;
    damped: boolean;
  };
  /** Seasonal period used by the model (1 when non-seasonal). */
  m: number;
  /** alpha, beta, gamma, phi and the initial states l, b, s0.. as forecast names them. */
  par: Record<string, number>;
  /** All initial states [l, b?, s1..sm]. */
  initState: number[];
  /** Final state after the last observation. */
  lastState: number[];
  loglik: number;
  aic: number;
  aicc: number;
  bic: number;
  /** Sum of squared residuals / (n - number of parameters), forecast's sigma2. */
  sigma2: number;
  /** Mean squared one-step error on the data scale. */
  mse: number;
  nobs: number;
  /** Number of estimated parameters (smoothing + initial states). */
  npar: number;
  residuals: (number | null)[];
  fitted: (number | null)[];
}

interface Candidate {
  error: ErrorType;
  trend: TrendType;
  season: SeasonType;
  damped: boolean;
}

function methodName(c: Candidate): string {
  return `ETS(${c.error},${c.trend}${c.damped ? 'd' : ''},${c.season})`;
}

/** Admissible parameter region (Hyndman, Akram & Archibald 2008), as forecast checks it. */
function admissible(
  alpha: number,
  beta: number | undefined,
  gamma: number | undefined,
  phi: number | undefined,
  m: number,
): boolean {
  const ph = phi ?? 1;
  if (ph < 0 || ph > 1 + 1e-8) return false;
  if (gamma === undefined) {
    if (alpha < 1 - 1 / ph || alpha > 1 + 1 / ph) return false;
    if (beta !== undefined) {
      if (beta < alpha * (ph - 1) || beta > (1 + ph) * (2 - alpha))
        return false;
    }
    return true;
  }
  if (m > 1) {
    const b = beta ?? 0;
    const d = 1 - 1 / ph - alpha;
    if (gamma < Math.max(d, 0) || gamma > 1 + 1 / ph - alpha) return false;
    if (alpha < 1 - 1 / ph - (gamma * (1 - m + ph + ph * m)) / (2 * ph * m))
      return false;
    if (b < -(1 - ph) * (gamma / m + alpha)) return false;
    // Characteristic equation: every root inside the unit circle.
    const P: number[] = [
      ph * (1 - alpha - gamma),
      alpha + b - alpha * ph + gamma - 1,
    ];
    for (let i = 0; i < m - 2; i++) P.push(alpha + b - alpha * ph);
    P.push(alpha + b - ph, 1);
    if (!rootsWithin(P, 1 + 1e-10)) return false;
  }
  return true;
}

interface ModelFit {
  cand: Candidate;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  par: Record<string, number>;
  initState: number[];
  lik: number;
  aic: number;
  aicc: number;
  bic: number;
  npar: number;
  m: number;
}

const code = (c: string): number => (c === 'N' ? NONE : c === 'A' ? ADD : MULT);

/** forecast:::etsmodel with every smoothing parameter estimated. */
function fitModel(
  y: Float64Array,
  yInit: Float64Array,
  cand: Candidate,
  period: number,
  bounds: Bounds,
  maxit: number,
): ModelFit | null {
  const m = cand.season !== 'N' ? period : 1;
  const start = initParam(cand.trend, cand.season, cand.damped, bounds, m);
  const init = initState(yInit, cand.trend, cand.season, m);
  const names: string[] = ['alpha'];
  const par0: number[] = [start.alpha];
  if (start.beta !== undefined) {
    names.push('beta');
    par0.push(start.beta);
  }
  if (start.gamma !== undefined) {
    names.push('gamma');
    par0.push(start.gamma);
  }
  if (start.phi !== undefined) {
    names.push('phi');
    par0.push(start.phi);
  }
  const nSmooth = par0.length;
  const nstate = init.length;
  names.push('l');
  if (cand.trend !== 'N') names.push('b');
  for (let i = 0; i < m - 1 && cand.season !== 'N'; i++) names.push(`s${i}`);
  const par = [...par0, ...init];
  const np = par.length;
  const ny = y.length;
  if (np >= ny - 1) return null;
  const errC = code(cand.error);
  const trC = code(cand.trend);
  const seC = code(cand.season);
  const hasB = cand.trend !== 'N';
  const hasS = cand.season !== 'N';
  const lower = bounds.lower;
  const upper = bounds.upper;
  const x0 = new Float64Array(nstate + (hasS ? 1 : 0));
  const work = etsWork(m);
  const unpack = (p: ArrayLike<number>) => {
    let j = 0;
    const alpha = p[j++];
    const beta = hasB ? p[j++] : 0;
    const gamma = hasS ? p[j++] : 0;
    const phi = cand.damped ? p[j++] : 1;
    return {alpha, beta, gamma, phi};
  };
  const buildState = (p: ArrayLike<number>): boolean => {
    let sum = 0;
    for (let i = 0; i < nstate; i++) {
      x0[i] = p[nSmooth + i];
      if (hasS && i >= (hasB ? 2 : 1)) sum += x0[i];
    }
    if (hasS) {
      x0[nstate] = (cand.season === 'M' ? m : 0) - sum;
      if (cand.season === 'M') {
        for (let i = hasB ? 2 : 1; i <= nstate; i++)
          if (x0[i] < 0) return false;
      }
    }
    return true;
  };
  const objective = (p: Float64Array): number => {
    const {alpha, beta, gamma, phi} = unpack(p);
    if (alpha < lower[0] || alpha > upper[0]) return Infinity;
    if (hasB && (beta < lower[1] || beta > alpha || beta > upper[1]))
      return Infinity;
    if (cand.damped && (phi < lower[3] || phi > upper[3])) return Infinity;
    if (hasS && (gamma < lower[2] || gamma > 1 - alpha || gamma > upper[2]))
      return Infinity;
    if (
      !admissible(
        alpha,
        hasB ? beta : undefined,
        hasS ? gamma : undefined,
        cand.damped ? phi : undefined,
        m,
      )
    ) {
      return Infinity;
    }
    if (!buildState(p)) return Infinity;
    let lik = etsLikelihood(
      y,
      x0,
      m,
      errC,
      trC,
      seC,
      alpha,
      beta,
      gamma,
      phi,
      work,
    );
    if (lik < -1e10) lik = -1e10;
    if (Number.isNaN(lik)) return Infinity;
    return lik;
  };
  if (!Number.isFinite(objective(Float64Array.from(par)))) return null;
  const opt = nelderMead(objective, par, {
    abstol: -Infinity,
    intol: Math.sqrt(2.220446049250313e-16),
    alpha: 1,
    beta: 0.5,
    gamma: 2,
    maxit,
  });
  const fitPar = opt.par;
  const {alpha, beta, gamma, phi} = unpack(fitPar);
  if (!buildState(fitPar)) return null;
  const r = etsCalc(y, x0, m, errC, trC, seC, alpha, beta, gamma, phi, 3);
  if (!Number.isFinite(r.lik)) return null;
  const npar = np + 1;
  const aic = r.lik + 2 * npar;
  const bic = r.lik + Math.log(ny) * npar;
  const aicc = aic + (2 * npar * (npar + 1)) / (ny - npar - 1);
  const named: Record<string, number> = {};
  names.forEach((nm, i) => (named[nm] = fitPar[i]));
  return {
    cand,
    alpha,
    beta,
    gamma,
    phi,
    par: named,
    initState: Array.from(x0),
    lik: r.lik,
    aic,
    aicc,
    bic,
    npar: np,
    m,
  };
}

function parseModel(model: string): [string[], string[], string[]] {
  if (typeof model !== 'string' || model.length !== 3) {
    throw new InputError(
      'model',
      'must be three letters such as "ZZZ" or "MAM"',
    );
  }
  const [e, t, s] = model.toUpperCase().split('');
  if (!'AMZ'.includes(e))
    throw new InputError('model', `invalid error type ${e}`);
  if (!'NAZ'.includes(t)) {
    throw new InputError(
      'model',
      `invalid trend type ${t} (N, A or Z; multiplicative trends are not offered)`,
    );
  }
  if (!'NAMZ'.includes(s))
    throw new InputError('model', `invalid season type ${s}`);
  return [
    e === 'Z' ? ['A', 'M'] : [e],
    t === 'Z' ? ['N', 'A'] : [t],
    s === 'Z' ? ['N', 'A', 'M'] : [s],
  ];
}

/** Trims leading and trailing missing values; returns the kept span. */
function trimMissing(y: Series): {values: (number | null)[]; start: number} {
  let a = 0;
  let b = y.length - 1;
  while (a <= b && (y[a] === null || !Number.isFinite(y[a] as number))) a++;
  while (b >= a && (y[b] === null || !Number.isFinite(y[b] as number))) b--;
  return {
    values: y
      .slice(a, b + 1)
      .map(v => (v === null || !Number.isFinite(v) ? null : v)),
    start: a,
  };
}

/**
 * Fits ETS models to y and returns the best by the information criterion
 * (forecast::ets(y, model = "ZZZ") by default).
 */
export function ets(y: Series, opts: EtsOptions = {}): EtsFit {
  if (!Array.isArray(y))
    throw new InputError('y', 'must be an array of numbers or nulls');
  const {values, start} = trimMissing(y);
  const n = values.length;
  if (n === 0) throw new InputError('y', 'has no observed values');
  if (isConstant(values)) {
    throw new InputError('y', 'is constant: an ETS model cannot be estimated');
  }
  let period = opts.period ?? 1;
  if (!Number.isFinite(period) || period < 1) {
    throw new InputError('period', 'must be a number >= 1');
  }
  period = Math.round(period);
  const ic = opts.ic ?? 'aicc';
  const bounds = opts.bounds ?? DEFAULT_BOUNDS;
  const maxit = opts.maxit ?? 2000;
  const parsed = parseModel(opts.model ?? 'ZZZ');
  let errs = parsed[0];
  const trends = parsed[1];
  let seasons = parsed[2];
  if (period === 1 || n <= period || period > 24) {
    if ((opts.model ?? 'ZZZ')[2] !== 'Z' && (opts.model ?? 'ZZZ')[2] !== 'N') {
      throw new InputError(
        'model',
        period > 24
          ? 'seasonal period too high for ETS (max 24)'
          : 'non-seasonal data',
      );
    }
    seasons = ['N'];
  }
  const observed = values.filter((v): v is number => v !== null);
  const positive = Math.min(...observed) > 0;
  if (opts.additiveOnly) {
    errs = errs.filter(e => e === 'A');
    seasons = seasons.filter(s => s !== 'M');
  }
  if (!positive) {
    if (errs.length === 1 && errs[0] === 'M') {
      throw new InputError(
        'model',
        'multiplicative errors need strictly positive data',
      );
    }
    errs = errs.filter(e => e !== 'M');
    if (seasons.length === 1 && seasons[0] === 'M') {
      throw new InputError(
        'model',
        'multiplicative seasonality needs strictly positive data',
      );
    }
  }
  const dampedOpts = opts.damped === undefined ? [true, false] : [opts.damped];
  const yArr = Float64Array.from(values, v => (v === null ? NaN : v));
  const yInit = Float64Array.from(interpolateMissing(values));
  let best: ModelFit | null = null;
  let bestIc = Infinity;
  for (const e of errs) {
    for (const t of trends) {
      for (const s of seasons) {
        for (const d of dampedOpts) {
          if (t === 'N' && d) continue;
          // forecast's restrictions: no additive errors with multiplicative seasonality.
          if (e === 'A' && s === 'M') continue;
          if (!positive && (e === 'M' || s === 'M')) continue;
          const cand: Candidate = {
            error: e as ErrorType,
            trend: t as TrendType,
            season: s as SeasonType,
            damped: d,
          };
          let fit: ModelFit | null = null;
          try {
            fit = fitModel(yArr, yInit, cand, period, bounds, maxit);
          } catch {
            fit = null;
          }
          if (!fit) continue;
          const v = ic === 'aic' ? fit.aic : ic === 'bic' ? fit.bic : fit.aicc;
          if (!Number.isNaN(v) && v < bestIc) {
            best = fit;
            bestIc = v;
          }
        }
      }
    }
  }
  if (!best) {
    throw new InputError(
      'y',
      `too few observations (${n}) to fit an ETS model`,
    );
  }
  return finishFit(best, yArr, start, y.length);
}

function finishFit(
  best: ModelFit,
  y: Float64Array,
  start: number,
  fullLength: number,
): EtsFit {
  const c = best.cand;
  const r = etsCalc(
    y,
    best.initState,
    best.m,
    code(c.error),
    code(c.trend),
    code(c.season),
    best.alpha,
    best.beta,
    best.gamma,
    best.phi,
    3,
    true,
  );
  const n = y.length;
  const residuals: (number | null)[] = new Array<number | null>(
    fullLength,
  ).fill(null);
  const fitted: (number | null)[] = new Array<number | null>(fullLength).fill(
    null,
  );
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = r.e[i];
    if (!Number.isNaN(e)) {
      residuals[start + i] = e;
      ss += e * e;
    }
    fitted[start + i] = r.fitted[i];
  }
  const states = r.states as Float64Array[];
  return {
    method: methodName(c),
    components: {...c},
    m: best.m,
    par: best.par,
    initState: best.initState,
    lastState: Array.from(states[states.length - 1]),
    loglik: -0.5 * best.lik,
    aic: best.aic,
    aicc: best.aicc,
    bic: best.bic,
    sigma2: ss / (n - best.npar),
    mse: r.amse[0],
    nobs: n,
    npar: best.npar,
    residuals,
    fitted,
  };
}

/** Forecasts h steps ahead with normal prediction intervals (forecast.ets, analytic). */
export function forecastEts(
  fit: EtsFit,
  h: number,
  levels?: ReadonlyArray<number>,
): Forecast {
  if (!Number.isInteger(h) || h < 1)
    throw new InputError('horizon', 'must be a positive integer');
  const lv = checkLevels(levels);
  const c = fit.components;
  const input: EtsForecastInput = {
    state: fit.lastState,
    trend: c.trend,
    season: c.season,
    damped: c.damped,
    m: fit.m,
    sigma2: fit.sigma2,
    alpha: fit.par.alpha,
    beta: fit.par.beta ?? 0,
    gamma: fit.par.gamma ?? 0,
    phi: fit.par.phi ?? 1,
  };
  let mom: {mu: number[]; variance: number[]};
  if (c.error === 'A') mom = class1(h, input);
  else if (c.season !== 'M') mom = class2(h, input);
  else mom = class3(h, input);
  const lower: Record<string, number[]> = {};
  const upper: Record<string, number[]> = {};
  for (const level of lv) {
    const z = Math.abs(qnorm((100 - level) / 200));
    lower[String(level)] = mom.mu.map(
      (mu, i) => mu - Math.sqrt(Math.max(0, mom.variance[i])) * z,
    );
    upper[String(level)] = mom.mu.map(
      (mu, i) => mu + Math.sqrt(Math.max(0, mom.variance[i])) * z,
    );
  }
  return {mean: mom.mu, lower, upper, levels: lv};
}
