import * as fs from 'fs';
import * as path from 'path';
import {loessPass, robustLoess, stl, StlOptions} from '../../src/stats/stl';
import {InputError} from '../../src/core/errors';

const refDir = path.join(__dirname, '../fixtures/reference/stl');

interface StlRef {
  name: string;
  y: number[];
  frequency: number;
  args: Record<string, number | string | boolean>;
  seasonal: number[];
  trend: number[];
  remainder: number[];
  weights: number[];
}

function optsFromArgs(args: StlRef['args']): StlOptions {
  const map: Record<string, keyof StlOptions> = {
    's.window': 'sWindow',
    's.degree': 'sDegree',
    't.window': 'tWindow',
    't.degree': 'tDegree',
    'l.window': 'lWindow',
    robust: 'robust',
  };
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (!(k in map)) throw new Error(`unmapped stl argument ${k}`);
    opts[map[k]] = v;
  }
  return opts as unknown as StlOptions;
}

const files = fs.readdirSync(refDir).filter(f => f.endsWith('.json'));

describe('stl matches R stats::stl', () => {
  test('reference files exist', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });
  test.each(files)('%s', file => {
    const ref: StlRef = JSON.parse(
      fs.readFileSync(path.join(refDir, file), 'utf8'),
    );
    const fit = stl(ref.y, ref.frequency, optsFromArgs(ref.args));
    const range = Math.max(...ref.y) - Math.min(...ref.y);
    const tol = 1e-6 * range;
    const maxDiff = (a: number[], b: number[]) =>
      Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(maxDiff(fit.seasonal, ref.seasonal)).toBeLessThan(tol);
    expect(maxDiff(fit.trend, ref.trend)).toBeLessThan(tol);
    expect(maxDiff(fit.remainder, ref.remainder)).toBeLessThan(tol);
    expect(maxDiff(fit.weights, ref.weights)).toBeLessThan(1e-6);
  });
});

describe('stl behaviour', () => {
  const n = 60;
  const y = Array.from(
    {length: n},
    (_, i) => 10 + 0.1 * i + 3 * Math.sin((2 * Math.PI * i) / 12),
  );
  test('components add up to the series', () => {
    const fit = stl(y, 12, {sWindow: 7});
    for (let i = 0; i < n; i++) {
      expect(fit.seasonal[i] + fit.trend[i] + fit.remainder[i]).toBeCloseTo(
        y[i],
        12,
      );
    }
    expect(fit.params.tWindow).toBe(23);
    expect(fit.params.lWindow).toBe(13);
    expect(fit.weights.every(w => w === 1)).toBe(true);
  });
  test('periodic seasonal repeats exactly', () => {
    const fit = stl(y, 12, {sWindow: 'periodic'});
    for (let i = 12; i < n; i++) {
      expect(fit.seasonal[i]).toBeCloseTo(fit.seasonal[i - 12], 12);
    }
  });
  test('robust fitting gives an outlier a zero weight', () => {
    const z = y.slice();
    z[30] += 50;
    const fit = stl(z, 12, {sWindow: 7, robust: true});
    expect(fit.weights[30]).toBe(0);
    expect(fit.remainder[30]).toBeGreaterThan(40);
  });
  test('bad input names the field', () => {
    expect(() => stl(y.slice(0, 20), 12, {sWindow: 7})).toThrow(InputError);
    expect(() => stl([1, 2, NaN, ...y], 12, {sWindow: 7})).toThrow(/y: /);
    expect(() => stl(y, 1, {sWindow: 7})).toThrow(/period/);
    expect(() =>
      stl(y, 12, {sWindow: 'weekly' as unknown as 'periodic'}),
    ).toThrow(/sWindow/);
    expect(() => stl(y, 12, {sWindow: 7, tDegree: 2})).toThrow(/tDegree/);
  });
});

describe('loessPass', () => {
  test('is exactly one weighted robustLoess pass, buffers reused across sizes', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (const n of [9, 250, 40, 600, 13]) {
      const y = Array.from({length: n}, (_, i) => Math.sin(i / 5) + rnd());
      const w = y.map(() => (rnd() < 0.1 ? 0 : rnd()));
      for (const degree of [0, 1] as const) {
        for (const span of [7, 15, 2 * n]) {
          const want = robustLoess(y, span, {
            degree,
            iterations: 0,
            priorWeights: w,
          }).fitted;
          expect(loessPass(y, span, degree, w, [])).toEqual(want);
        }
      }
    }
  });
});
