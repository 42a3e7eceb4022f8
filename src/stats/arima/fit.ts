/**
 * Maximum-likelihood fit of a regression with seasonal ARIMA errors, following R's
 * stats::arima step for step (so that results agree with R's to optimiser precision),
 * with forecast::Arima's additions: drift, AICc, BIC and the bias-adjusted sigma^2.
 *
 * Outline (R's arima): regressors rotated to orthogonal directions by their SVD when
 * there are several; regression starts by OLS on the differenced data; ARMA starts at
 * zero ('ML') or at the conditional-sum-of-squares estimate ('CSS-ML'); AR blocks
 * optimised through the PACF transform; BFGS on the exact Gaussian likelihood with
 * sigma^2 concentrated out; MA blocks flipped to invertibility; standard errors from
 * the finite-difference Hessian and the delta method.
 */
import {InputError} from '../../core/errors';
import {
  Matrix,
  matMul,
  rightSingularVectors,
  solve,
  transpose,
} from '../linalg';
import {NonFiniteGradientError, optimBFGS, optimHessian} from '../optim';
import {cssMeanSquare, cssWork, regressionStart} from './css';
import {filterSeries} from './kalman';
import {MlResult, pick, retryFromCss, runMl, runMlProfile} from './ml';
import {Problem} from './objective';
import {ArimaFit} from './result';
import {countPresent, validateSeries} from './series';
import {ArimaSpec, resolveSpec} from './spec';
import {arCheck, gradTrans, transPars, undoPars} from './transforms';

const LOG_2PI = Math.log(2 * Math.PI);

function subMatrix(m: Matrix, mask: boolean[]): Matrix {
  const idx = mask.map((b, i) => (b ? i : -1)).filter(i => i >= 0);
  return idx.map(i => idx.map(j => m[i][j]));
}

/** Options of the estimation itself (the model is in ArimaSpec). */
export interface ArimaFitOptions {
  /**
   * Optimise the likelihood of the differenced series (the exact diffuse likelihood,
   * r states instead of r + d) when nothing is missing. Default true: several times
   * faster for seasonal differencing. With false the optimiser filters R's kappa = 1e6
   * approximation throughout and follows R's path to rounding. Either way the reported
   * log-likelihood, residuals and forecasting state come from R's filter at the estimate.
   */
  optimizeOnDifferences?: boolean;
  /** Compute the Hessian and standard errors (default true); false saves time in searches. */
  hessian?: boolean;
  /**
   * Stationary covariance of the initial ARMA state. 'exact' (default) solves the
   * Lyapunov equation through the ARMA autocovariances; 'gardner' uses Gardner et al.'s
   * AS 154 as R's arima does by default (SSinit = "Gardner1980"), which reproduces R's
   * numbers but loses accuracy for high-order AR polynomials near non-stationarity.
   */
  stationaryInit?: 'exact' | 'gardner';
  /**
   * Concentrate the regression coefficients out of the likelihood (their GLS estimate
   * given the ARMA coefficients) and optimise over the ARMA coefficients only. Default
   * true: the same maximum as R's joint optimisation, reached exactly and with far
   * fewer filter passes. False optimises all coefficients jointly as R does.
   */
  profileRegression?: boolean;
}

/** Fits a regression with seasonal ARIMA errors by maximum likelihood, as R's Arima. */
export function fitArima(
  y: ReadonlyArray<number | null>,
  spec: ArimaSpec,
  options: ArimaFitOptions = {},
): ArimaFit {
  const x = validateSeries(y);
  const n = x.length;
  const lay = resolveSpec(spec, n);
  const warnings = lay.warnings.slice();
  const method = spec.method ?? 'ML';
  if (method !== 'ML' && method !== 'CSS-ML' && method !== 'CSS')
    throw new InputError('method', "must be 'ML', 'CSS-ML' or 'CSS'");
  const {arma, narma, names} = lay;
  const ncxreg = lay.xregCols.length;
  const npar = narma + ncxreg;

  // Fixed coefficients.
  const fixed = new Float64Array(npar).fill(NaN);
  if (spec.fixed !== undefined) {
    if (typeof spec.fixed !== 'object' || spec.fixed === null)
      throw new InputError('fixed', 'must map coefficient names to numbers');
    for (const [name, value] of Object.entries(spec.fixed)) {
      const i = names.indexOf(name);
      if (i < 0)
        throw new InputError(
          'fixed',
          `unknown coefficient '${name}' (model has ${names.join(', ')})`,
        );
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new InputError(
          'fixed',
          `value of '${name}' must be a finite number`,
        );
      fixed[i] = value;
    }
  }
  const mask = Array.from(fixed, v => Number.isNaN(v));
  const noOptim = !mask.some(Boolean);
  let transform = !noOptim && method !== 'CSS';
  if (transform) {
    const arFixed =
      mask.slice(0, arma[0]).some(m => !m) ||
      mask.slice(arma[0] + arma[1], arma[0] + arma[1] + arma[2]).some(m => !m);
    if (arFixed) {
      warnings.push(
        'some AR parameters were fixed: setting transform.pars = FALSE',
      );
      transform = false;
    }
  }

  // Missing data: R switches CSS-ML to ML when anything is missing.
  let meth = method;
  let anyNa = x.some(v => v !== v);
  for (const c of lay.xregCols) anyNa = anyNa || c.some(v => v !== v);
  if (meth === 'CSS-ML' && anyNa) meth = 'ML';

  // Regressors: SVD rotation when several are all free (R's orig.xreg).
  let xreg = lay.xregCols;
  const init0 = new Array<number>(narma).fill(0);
  const parscale = new Array<number>(narma).fill(1);
  let rotation: Matrix | null = null;
  let nonMissing = 0;
  for (let t = 0; t < n; t++) {
    let ok = x[t] === x[t];
    for (const c of xreg) ok = ok && c[t] === c[t];
    if (ok) nonMissing++;
  }
  const nUsed = nonMissing - lay.delta.length;
  const profile =
    (options.profileRegression ?? true) &&
    ncxreg > 0 &&
    mask.slice(narma).every(Boolean) &&
    meth !== 'CSS';
  if (ncxreg > 0) {
    // Validates rank on the regressors as given, so the error can name a column.
    const check = regressionStart(x, xreg, lay.d, lay.D, lay.s, lay.xregNames);
    // R rotates several free regressors to their singular vectors to help its joint
    // optimisation; the profiled likelihood does not need it.
    const origXreg = profile || ncxreg === 1 || mask.slice(narma).some(m => !m);
    let start = check;
    if (!origXreg) {
      const complete: number[] = [];
      for (let t = 0; t < n; t++)
        if (xreg.every(c => c[t] === c[t])) complete.push(t);
      const {v} = rightSingularVectors(xreg.map(c => complete.map(t => c[t])));
      rotation = v;
      xreg = Array.from({length: ncxreg}, (_, j) => {
        const col = new Float64Array(n);
        for (let i = 0; i < ncxreg; i++) {
          const vij = v[i][j];
          const src = lay.xregCols[i];
          for (let t = 0; t < n; t++) col[t] += src[t] * vij;
        }
        return col;
      });
      start = regressionStart(x, xreg, lay.d, lay.D, lay.s, lay.xregNames);
    }
    init0.push(...start.coef);
    parscale.push(...start.parscale);
  }
  if (nUsed <= 0) throw new InputError('y', 'too few non-missing observations');
  const nFree = mask.filter(Boolean).length;
  const nstarCheck = countPresent(x) - lay.d - lay.D * lay.s;
  if (nstarCheck - (nFree + 1) - 1 <= 0)
    throw new InputError(
      'y',
      `too few observations (${nstarCheck} after differencing) for ${nFree} coefficients and the variance`,
    );

  const coef = Float64Array.from(fixed);
  const differenced =
    (options.optimizeOnDifferences ?? true) &&
    !anyNa &&
    lay.delta.length > 0 &&
    meth !== 'CSS';
  const prob = new Problem(lay, x, xreg, coef, mask, differenced);
  prob.setStationaryInit(options.stationaryInit ?? 'exact');
  const wantHessian = options.hessian ?? true;
  const init = init0.slice();
  for (let i = 0; i < npar; i++) if (!mask[i]) init[i] = fixed[i];
  const scaleFree = pick(parscale, mask);

  let finalCoef: number[];
  let value: number;
  let converged = true;
  let varFree: number[][] | null = null;

  if (meth === 'CSS') {
    prob.ncond = lay.d + lay.D * lay.s + lay.p + lay.s * lay.P;
    const res = noOptim
      ? {
          par: [],
          value: prob.armaCSS([]),
          convergence: 0,
          fnCount: 1,
          grCount: 0,
        }
      : optimBFGS(v => prob.armaCSS(v), pick(init, mask), {
          parscale: scaleFree,
        });
    if (res.convergence > 0) {
      converged = false;
      warnings.push(
        `possible convergence problem: optim gave code = ${res.convergence}`,
      );
    }
    finalCoef = Array.from(coef);
    let k = 0;
    for (let i = 0; i < npar; i++) if (mask[i]) finalCoef[i] = res.par[k++];
    value = res.value;
    if (!noOptim && wantHessian) {
      const h = optimHessian(v => prob.armaCSS(v), res.par, {
        parscale: scaleFree,
      });
      varFree = solve(
        h.map(r => r.map(v => v * nUsed)),
        identityOf(h.length),
      );
    }
  } else {
    if (meth === 'CSS-ML') {
      prob.ncond = lay.d + lay.D * lay.s + lay.p + lay.s * lay.P;
      let cssOk = false;
      if (!noOptim) {
        try {
          const res = optimBFGS(v => prob.armaCSS(v), pick(init, mask), {
            parscale: scaleFree,
          });
          if (res.convergence === 0 && res.par.every(Number.isFinite)) {
            const trial = init.slice();
            let k = 0;
            for (let i = 0; i < npar; i++) if (mask[i]) trial[i] = res.par[k++];
            if (
              arCheck(trial.slice(0, arma[0])) &&
              arCheck(
                trial.slice(arma[0] + arma[1], arma[0] + arma[1] + arma[2]),
              )
            ) {
              for (let i = 0; i < npar; i++) init[i] = trial[i];
              cssOk = true;
            }
          }
        } catch (e) {
          if (!(e instanceof NonFiniteGradientError)) throw e;
        }
      }
      if (!cssOk && !noOptim)
        warnings.push(
          'conditional-sum-of-squares start failed or was non-stationary; started from zero ARMA coefficients',
        );
      prob.ncond = 0;
    }
    let ml: MlResult | null = null;
    if (profile) {
      ml = runMlProfile(prob, lay, init, mask, transform, wantHessian);
      if (!ml)
        warnings.push(
          'the profile likelihood could not be maximised; optimised all coefficients jointly',
        );
    }
    if (!ml)
      ml = runMl(
        prob,
        lay,
        init,
        mask,
        transform,
        scaleFree,
        noOptim,
        wantHessian,
      );
    if (!ml && meth === 'ML' && !noOptim) {
      // Retry from the conditional-sum-of-squares estimate.
      warnings.push(
        'maximum likelihood from zero starting values failed; retried from CSS estimates',
      );
      ml = retryFromCss(
        prob,
        lay,
        init,
        mask,
        transform,
        scaleFree,
        wantHessian,
      );
    }
    if (!ml && transform) {
      warnings.push('retried without the PACF transform');
      ml = runMl(
        prob,
        lay,
        init0.slice(),
        mask,
        false,
        scaleFree,
        noOptim,
        wantHessian,
      );
      if (ml) transform = false;
    }
    if (!ml)
      throw new InputError(
        'y',
        'the likelihood could not be maximised for this model (try a simpler order)',
      );
    const {res, hessian} = ml;
    if (res.convergence > 0) {
      converged = false;
      warnings.push(
        `possible convergence problem: optim gave code = ${res.convergence}`,
      );
    }
    let c = ml.coef;
    value = res.value;
    if (!noOptim && hessian) {
      const hn = hessian.map(r => r.map(v => v * nUsed));
      if (transform) {
        const A = subMatrix(gradTrans(c, arma), mask);
        const sol = solve(hn, A);
        varFree = sol ? matMul(transpose(A), sol) : null;
      } else {
        varFree = solve(hn, identityOf(hn.length));
      }
    }
    if (transform) c = undoPars(c, arma);
    finalCoef = c;
  }

  // Final filter pass at the estimates: residuals and the state for forecasting.
  const ss = prob.ss;
  {
    const scratchP = new Float64Array(Math.max(1, lay.narma));
    const scratchW = new Float64Array(Math.max(1, arma[0], arma[2]));
    transPars(finalCoef, arma, false, ss.phi, ss.theta, scratchP, scratchW);
  }
  ss.reset();
  const w = Float64Array.from(x);
  for (let j = 0; j < ncxreg; j++) {
    const b = finalCoef[narma + j];
    const col = xreg[j];
    for (let t = 0; t < n; t++) w[t] -= col[t] * b;
  }
  const parts = filterSeries(w, ss);
  const resid = parts.resid;
  let sigma2ML = parts.ssq / nUsed;
  // R reports the likelihood of its kappa-prior filter at the estimate.
  if (meth !== 'CSS' && parts.nu > 0)
    value = 0.5 * (Math.log(parts.ssq / parts.nu) + parts.sumlog / parts.nu);
  if (meth === 'CSS') {
    prob.ncond = lay.d + lay.D * lay.s + lay.p + lay.s * lay.P;
    const phi = new Float64Array(ss.phi.length);
    const theta = new Float64Array(ss.theta.length);
    phi.set(ss.phi);
    theta.set(ss.theta);
    const cw = cssWork(n);
    sigma2ML = cssMeanSquare(w, arma, phi, theta, prob.ncond, cw);
    for (let t = 0; t < n; t++) resid[t] = x[t] === x[t] ? cw.resid[t] : NaN;
  }

  const twoNll = 2 * nUsed * value + nUsed + nUsed * LOG_2PI;
  const aic = twoNll + 2 * nFree + 2;

  // Back from the rotated regressors.
  let varAll = varFree;
  if (rotation) {
    const b = finalCoef.slice(narma);
    for (let i = 0; i < ncxreg; i++) {
      let s = 0;
      for (let j = 0; j < ncxreg; j++) s += rotation[i][j] * b[j];
      finalCoef[narma + i] = s;
    }
    if (varFree) {
      const A = identityOf(npar);
      for (let i = 0; i < ncxreg; i++)
        for (let j = 0; j < ncxreg; j++)
          A[narma + i][narma + j] = rotation[i][j];
      const Am = subMatrix(A, mask);
      varAll = matMul(matMul(Am, varFree), transpose(Am));
    }
  }

  // forecast::Arima's criteria and variance.
  const nParams = nFree + 1;
  let firstObs = -1;
  let lastObs = -1;
  let sumSq = 0;
  for (let t = 0; t < n; t++) {
    if (resid[t] === resid[t]) {
      if (firstObs < 0) firstObs = t;
      lastObs = t;
      sumSq += resid[t] * resid[t];
    }
  }
  let nSpan = 0;
  for (let t = firstObs; t >= 0 && t <= lastObs; t++)
    if (resid[t] === resid[t]) nSpan++;
  const nstar = nSpan - lay.d - lay.D * lay.s;
  const aicc = aic + 2 * nParams * (nstar / (nstar - nParams - 1) - 1);
  const bic = aic + nParams * (Math.log(nstar) - 2);
  const sigma2 = sumSq / (nstar - nParams + 1);

  const coefOut: Record<string, number> = {};
  names.forEach((nm, i) => (coefOut[nm] = finalCoef[i]));
  const se: Record<string, number> = {};
  const freeNames = names.filter((_, i) => mask[i]);
  const varCoef: number[][] = varAll ?? [];
  let seOk = !!varAll;
  if (varAll) {
    freeNames.forEach((nm, k) => {
      const v = varAll![k][k];
      if (Number.isFinite(v) && v >= 0) se[nm] = Math.sqrt(v);
      else seOk = false;
    });
  }
  if (!seOk && !noOptim && wantHessian)
    warnings.push(
      'the Hessian is not positive definite at the estimate; some standard errors are unavailable',
    );

  const residuals: (number | null)[] = Array.from(resid, v =>
    v === v ? v : null,
  );
  const fitted: (number | null)[] = Array.from(x, (v, t) =>
    v === v && resid[t] === resid[t] ? v - resid[t] : null,
  );
  const finite = [sigma2, twoNll, aic, aicc, bic, ...finalCoef].every(
    Number.isFinite,
  );
  if (!finite)
    throw new InputError(
      'y',
      'the model could not be estimated from these data (non-finite likelihood)',
    );

  return {
    spec,
    coef: coefOut,
    coefNames: names.slice(),
    se,
    sigma2,
    sigma2ML,
    loglik: -0.5 * twoNll,
    aic,
    aicc,
    bic,
    nobs: nUsed,
    residuals,
    fitted,
    converged,
    method: meth,
    varCoef,
    warnings,
    state: {
      phi: Array.from(ss.phi),
      theta: Array.from(ss.theta),
      delta: lay.delta.slice(),
      a: Array.from(parts.a),
      P: Array.from(parts.P),
      n,
      xregNames: lay.xregNames.slice(),
      includeMean: lay.includeMean,
      includeDrift: lay.includeDrift,
      nUserXreg: lay.nUserXreg,
    },
  };
}

function identityOf(n: number): number[][] {
  return Array.from({length: n}, (_, i) =>
    Array.from({length: n}, (_, j) => (i === j ? 1 : 0)),
  );
}
