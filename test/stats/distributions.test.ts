import {
  betaI,
  lgamma,
  pchisq,
  pf,
  pnorm,
  pt,
  qchisq,
  qnorm,
  qt,
} from '../../src/stats/distributions';

// Reference values: the functions R computes, evaluated in 40-digit arithmetic
// (qt/qchisq as R and SciPy print them to 17 digits).
function rel(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

describe('pnorm', () => {
  const cases: Array<[number, number]> = [
    [-10, 7.619853024160526066e-24],
    [-5, 2.8665157187919391167e-7],
    [-1.5, 0.066807201268858066004],
    [-0.3, 0.38208857781104736693],
    [0, 0.5],
    [0.5, 0.69146246127401310364],
    [1.96, 0.97500210485177956379],
    [3, 0.99865010196836990547],
    [8, 0.9999999999999993779],
  ];
  test.each(cases)('pnorm(%p)', (x, want) => {
    expect(rel(pnorm(x), want)).toBeLessThan(1e-13);
  });
  test('upper tail keeps relative accuracy', () => {
    expect(rel(pnorm(10, 0, 1, false), 7.619853024160526066e-24)).toBeLessThan(
      1e-13,
    );
    expect(pnorm(-40)).toBe(0);
    expect(pnorm(3, 1, 2)).toBeCloseTo(pnorm(1), 15);
  });
});

describe('qnorm (AS 241)', () => {
  const cases: Array<[number, number]> = [
    [1e-20, -9.2623400897984075796],
    [1e-5, -4.2648907939228246102],
    [0.01, -2.3263478740408410931],
    [0.025, -1.9599639845400542118],
    [0.3, -0.52440051270804081597],
    [0.8, 0.8416212335729143638],
    [0.975, 1.9599639845400538556],
    [0.999999, 4.7534243088170877657],
  ];
  test.each(cases)('qnorm(%p)', (p, want) => {
    expect(rel(qnorm(p), want)).toBeLessThan(1e-14);
  });
  test('edges and round trip', () => {
    expect(qnorm(0.5)).toBe(0);
    expect(qnorm(0)).toBe(-Infinity);
    expect(qnorm(1)).toBe(Infinity);
    expect(Number.isNaN(qnorm(1.2))).toBe(true);
    for (const p of [1e-12, 0.001, 0.2, 0.6, 0.99]) {
      expect(rel(pnorm(qnorm(p)), p)).toBeLessThan(1e-13);
    }
    expect(qnorm(0.025, 0, 1, false)).toBeCloseTo(1.959963984540054, 14);
  });
});

describe('lgamma', () => {
  const cases: Array<[number, number]> = [
    [0.5, 0.57236494292470008707],
    [1, 0],
    [2.5, 0.28468287047291915963],
    [10.5, 13.940625219403763633],
    [100.5, 361.43554046777762156],
    [-2.5, -0.056243716497674050673],
    [1e-8, 18.420680738180208905],
  ];
  test.each(cases)('lgamma(%p)', (x, want) => {
    expect(Math.abs(lgamma(x) - want)).toBeLessThan(
      1e-13 * Math.max(1, Math.abs(want)),
    );
  });
  test('factorials', () => {
    let logFact = 0;
    for (let n = 1; n < 30; n++) {
      logFact += Math.log(n);
      expect(rel(lgamma(n + 1), logFact)).toBeLessThan(1e-13);
    }
  });
});

describe('pt', () => {
  const cases: Array<[number, number, number]> = [
    [2, 10, 0.96330598261462981719],
    [-2.5, 3, 0.043853323504032773625],
    [0.7, 1, 0.69440011221421478],
    [1.3, 2, 0.8383764840919798149],
    [-4, 7.5, 0.0022530551750925889206],
    [12, 5, 0.99996455253741419239],
    [-30, 30, 3.1258958153044439765e-24],
    [0.1, 1000, 0.53981781548819793664],
    [2.2, 1.5, 0.90020281095511072861],
  ];
  test.each(cases)('pt(%p, %p)', (x, df, want) => {
    expect(rel(pt(x, df), want)).toBeLessThan(1e-12);
  });
  test('upper tail', () => {
    expect(rel(pt(12, 5, false), 3.5447462585807613433e-5)).toBeLessThan(1e-12);
    expect(rel(pt(50, 10, false), 1.2371551646513399873e-13)).toBeLessThan(
      1e-11,
    );
    expect(pt(Infinity, 3)).toBe(1);
    expect(pt(0, 3)).toBe(0.5);
  });
});

describe('qt', () => {
  const cases: Array<[number, number, number]> = [
    [0.975, 10, 2.228138851986274],
    [0.025, 3, -3.1824463052837086],
    [0.9, 1, 3.0776835371752544],
    [0.95, 2, 2.9199855803537242],
    [0.995, 4, 4.604094871349992],
    [1e-10, 5, -156.82559270889433],
    [0.975, 1.5, 6.016663104427929],
    [0.6, 100, 0.25402218245822766],
    [0.975, 30, 2.0422724563012378],
    [0.999, 2.5, 13.82219311086596],
  ];
  test.each(cases)('qt(%p, %p)', (p, df, want) => {
    expect(rel(qt(p, df), want)).toBeLessThan(1e-12);
  });
  test('tails and symmetry', () => {
    expect(qt(0.5, 7)).toBe(0);
    expect(qt(0.025, 12, false)).toBeCloseTo(-qt(0.025, 12), 13);
    expect(qt(0.975, Infinity)).toBeCloseTo(1.959963984540054, 13);
  });
});

describe('pchisq and qchisq', () => {
  const cases: Array<[number, number, number, number]> = [
    [3.84, 1, 0.94995647875129489681, 0.050043521248705103189],
    [10, 4, 0.95957231800548719742, 0.04042768199451280258],
    [0.5, 7, 0.00055351860957503451063, 0.99944648139042496549],
    [100, 50, 0.99996545068617015136, 3.4549313829848639421e-5],
    [0.001, 2, 0.00049987502083072943746, 0.99950012497916927056],
    [200, 30, 1, 4.9527335290031906019e-27],
  ];
  test.each(cases)('pchisq(%p, %p)', (x, df, lo, up) => {
    expect(rel(pchisq(x, df), lo)).toBeLessThan(1e-13);
    expect(rel(pchisq(x, df, false), up)).toBeLessThan(1e-12);
  });
  test('qchisq', () => {
    expect(rel(qchisq(0.95, 1), 3.841458820694124)).toBeLessThan(1e-13);
    expect(rel(qchisq(0.05, 10), 3.9402991361190605)).toBeLessThan(1e-13);
    expect(rel(qchisq(0.99, 3), 11.344866730144373)).toBeLessThan(1e-13);
  });
});

describe('pf and the incomplete beta', () => {
  const cases: Array<[number, number, number, number, number]> = [
    [3, 2, 10, 0.904632568359375, 0.095367431640625],
    [0.5, 5, 7, 0.23141567027208428324, 0.76858432972791571676],
    [10, 1, 100, 0.99792712741913333673, 0.0020728725808666632695],
    [1.2, 30, 40, 0.70823104501274536777, 0.29176895498725463223],
  ];
  test.each(cases)('pf(%p, %p, %p)', (x, d1, d2, lo, up) => {
    expect(rel(pf(x, d1, d2), lo)).toBeLessThan(1e-13);
    expect(rel(pf(x, d1, d2, false), up)).toBeLessThan(1e-12);
  });
  test('betaI complements sum to one', () => {
    const [a, b] = betaI(0.3, 2.5, 4);
    expect(a + b).toBeCloseTo(1, 15);
    expect(betaI(0, 1, 1)).toEqual([0, 1]);
  });
  test('bad parameters give NaN, never a number', () => {
    expect(Number.isNaN(pt(1, -1))).toBe(true);
    expect(Number.isNaN(pchisq(1, 0))).toBe(true);
    expect(Number.isNaN(pf(1, 0, 2))).toBe(true);
  });
});
