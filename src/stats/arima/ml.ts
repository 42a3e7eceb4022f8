/**
 * The maximum-likelihood stage of R's arima: BFGS on the exact likelihood (jointly, or
 * profiled over the regression coefficients), from zero or from the CSS estimate, with
 * the AR blocks in PACF coordinates and the MA blocks flipped to invertibility.
 */
import {
  NonFiniteGradientError,
  OptimResult,
  optimBFGS,
  optimHessian,
} from '../optim';
import {DOUBLE_XMAX, Problem} from './objective';
import {ArimaLayout} from './spec';
import {arCheck, invTrans, maInvert} from './transforms';

export function pick<T>(arr: ArrayLike<T>, mask: boolean[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(arr[i]);
  return out;
}

export interface MlResult {
  res: OptimResult;
  hessian: number[][] | null;
  coef: number[];
}

/** The ML stage of R's arima from `init` (untransformed coefficients). Null on failure. */
export function runMl(
  prob: Problem,
  lay: ArimaLayout,
  initIn: number[],
  mask: boolean[],
  transform: boolean,
  scaleFree: number[],
  noOptim: boolean,
  wantHessian: boolean,
): MlResult | null {
  const init = transform ? toOptimiserCoordinates(initIn, lay) : initIn.slice();
  if (!init.every(Number.isFinite)) return null;
  const fn = (v: ArrayLike<number>) => prob.armafn(v, transform);
  const opts = {parscale: scaleFree};
  try {
    if (noOptim) {
      const value = fn([]);
      if (!Number.isFinite(value) || value === DOUBLE_XMAX) return null;
      return {
        res: {par: [], value, convergence: 0, fnCount: 1, grCount: 0},
        hessian: null,
        coef: init,
      };
    }
    let res = restartIfStalled(fn, optimBFGS(fn, pick(init, mask), opts), opts);
    const coef = init.slice();
    let k = 0;
    for (let i = 0; i < coef.length; i++) if (mask[i]) coef[i] = res.par[k++];
    if (transform) {
      invertMaBlocks(coef, lay, mask);
      const freeNow = pick(coef, mask);
      if (freeNow.some((v, i) => v !== res.par[i])) {
        // Re-evaluate at the inverted point (R refits with maxit = 0).
        const code = res.convergence;
        res = optimBFGS(fn, freeNow, {...opts, maxit: 0});
        res.convergence = code;
      }
    }
    if (!Number.isFinite(res.value) || res.value === DOUBLE_XMAX) return null;
    if (!res.par.every(Number.isFinite)) return null;
    let hessian: number[][] | null = null;
    if (wantHessian) {
      hessian = optimHessian(fn, res.par, opts);
      if (!hessian.every(r => r.every(Number.isFinite))) return null;
    }
    return {res, hessian, coef};
  } catch (e) {
    if (e instanceof NonFiniteGradientError) return null;
    if (e instanceof Error && /not finite/.test(e.message)) return null;
    throw e;
  }
}

/**
 * When BFGS stops at R's iteration limit (100), one more run from where it stopped,
 * with a fresh metric; the better end point is kept and its convergence code reported.
 */
function restartIfStalled(
  fn: (v: ArrayLike<number>) => number,
  res: OptimResult,
  opts: {parscale?: number[]},
): OptimResult {
  if (res.convergence === 0) return res;
  const again = optimBFGS(fn, res.par, opts);
  return again.value <= res.value ? again : res;
}

/** Moves AR blocks to PACF coordinates and MA blocks to their invertible form. */
function toOptimiserCoordinates(init: number[], lay: ArimaLayout): number[] {
  const {arma} = lay;
  const out = invTrans(init, arma);
  if (arma[1] > 0) {
    const ma = maInvert(out.slice(arma[0], arma[0] + arma[1]));
    for (let i = 0; i < arma[1]; i++) out[arma[0] + i] = ma[i];
  }
  if (arma[3] > 0) {
    const o = arma[0] + arma[1] + arma[2];
    const sma = maInvert(out.slice(o, o + arma[3]));
    for (let i = 0; i < arma[3]; i++) out[o + i] = sma[i];
  }
  return out;
}

/** Flips free MA blocks to invertibility after the optimiser (R's maInvert step). */
function invertMaBlocks(
  coef: number[],
  lay: ArimaLayout,
  mask: boolean[],
): void {
  const {arma} = lay;
  if (arma[1] > 0 && mask.slice(arma[0], arma[0] + arma[1]).every(Boolean)) {
    const ma = maInvert(coef.slice(arma[0], arma[0] + arma[1]));
    for (let i = 0; i < arma[1]; i++) coef[arma[0] + i] = ma[i];
  }
  const o = arma[0] + arma[1] + arma[2];
  if (arma[3] > 0 && mask.slice(o, o + arma[3]).every(Boolean)) {
    const sma = maInvert(coef.slice(o, o + arma[3]));
    for (let i = 0; i < arma[3]; i++) coef[o + i] = sma[i];
  }
}

/**
 * The ML stage with the regression coefficients concentrated out: BFGS (R's settings)
 * over the free ARMA coordinates of the profile likelihood. Null on failure.
 */
export function runMlProfile(
  prob: Problem,
  lay: ArimaLayout,
  initIn: number[],
  mask: boolean[],
  transform: boolean,
  wantHessian: boolean,
): MlResult | null {
  const {narma} = lay;
  const init = transform ? toOptimiserCoordinates(initIn, lay) : initIn.slice();
  if (!init.every(Number.isFinite)) return null;
  const armaMask = mask.slice(0, narma);
  const fn = (v: ArrayLike<number>) => prob.armafnProfile(v, transform);
  try {
    const res = restartIfStalled(
      fn,
      optimBFGS(fn, pick(init.slice(0, narma), armaMask)),
      {},
    );
    const coef = init.slice();
    let k = 0;
    for (let i = 0; i < narma; i++) if (mask[i]) coef[i] = res.par[k++];
    if (transform) invertMaBlocks(coef, lay, mask);
    const armaFree = pick(coef.slice(0, narma), armaMask);
    const value = fn(armaFree);
    if (!Number.isFinite(value) || value === DOUBLE_XMAX) return null;
    const beta = Array.from(prob.par.subarray(narma));
    for (let j = 0; j < beta.length; j++) coef[narma + j] = beta[j];
    let hessian: number[][] | null = null;
    if (wantHessian) {
      hessian = prob.profileHessian(armaFree, beta, transform);
      if (!hessian) return null;
    }
    return {
      res: {
        par: pick(coef, mask),
        value,
        convergence: res.convergence,
        fnCount: res.fnCount,
        grCount: res.grCount,
      },
      hessian,
      coef,
    };
  } catch (e) {
    if (e instanceof NonFiniteGradientError) return null;
    if (e instanceof Error && /not finite/.test(e.message)) return null;
    throw e;
  }
}

/** Retry of the ML stage from conditional-sum-of-squares estimates. */
export function retryFromCss(
  prob: Problem,
  lay: ArimaLayout,
  init: number[],
  mask: boolean[],
  transform: boolean,
  scaleFree: number[],
  wantHessian: boolean,
): MlResult | null {
  const {arma} = lay;
  prob.ncond = lay.d + lay.D * lay.s + lay.p + lay.s * lay.P;
  try {
    const res = optimBFGS(v => prob.armaCSS(v), pick(init, mask), {
      parscale: scaleFree,
    });
    prob.ncond = 0;
    if (!res.par.every(Number.isFinite)) return null;
    const trial = init.slice();
    let k = 0;
    for (let i = 0; i < trial.length; i++) if (mask[i]) trial[i] = res.par[k++];
    if (
      !arCheck(trial.slice(0, arma[0])) ||
      !arCheck(trial.slice(arma[0] + arma[1], arma[0] + arma[1] + arma[2]))
    )
      return null;
    return runMl(
      prob,
      lay,
      trial,
      mask,
      transform,
      scaleFree,
      false,
      wantHessian,
    );
  } catch (e) {
    prob.ncond = 0;
    if (e instanceof NonFiniteGradientError) return null;
    throw e;
  }
}
