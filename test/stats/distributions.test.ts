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
    [-10, 7.619853024160525e-24],
    [-5, 2.866515718791939e-7],
    [-1.5, 0.06680720126885807],
    [-0.3, 0.3820885778110474],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1.96, 0.9750021048517795],
    [3, 0.9986501019683699],
    [8, 0.9999999999999993],
  ];
  test.each(cases)('pnorm(%p)', (x, want) => {
    expect(rel(pnorm(x), want)).toBeLessThan(1e-13);
  });
  test('upper tail keeps relative accuracy', () => {
    expect(rel(pnorm(10, 0, 1, false), 7.619853024160525e-24)).toBeLessThan(
      1e-13,
    );
    expect(pnorm(-40)).toBe(0);
    expect(pnorm(3, 1, 2)).toBeCloseTo(pnorm(1), 15);
  });
});

describe('qnorm (AS 241)', () => {
  const cases: Array<[number, number]> = [
    [1e-20, -9.262340089798407],
    [1e-5, -4.264890793922825],
    [0.01, -2.326347874040841],
    [0.025, -1.9599639845400543],
    [0.3, -0.5244005127080408],
    [0.8, 0.8416212335729144],
    [0.975, 1.9599639845400538],
    [0.999999, 4.753424308817087],
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
    [0.5, 0.5723649429247001],
    [1, 0],
    [2.5, 0.2846828704729192],
    [10.5, 13.940625219403763],
    [100.5, 361.4355404677776],
    [-2.5, -0.056243716497674054],
    [1e-8, 18.42068073818021],
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
    [2, 10, 0.9633059826146299],
    [-2.5, 3, 0.04385332350403277],
    [0.7, 1, 0.6944001122142148],
    [1.3, 2, 0.8383764840919798],
    [-4, 7.5, 0.0022530551750925888],
    [12, 5, 0.9999645525374142],
    [-30, 30, 3.125895815304444e-24],
    [0.1, 1000, 0.539817815488198],
    [2.2, 1.5, 0.9002028109551107],
  ];
  test.each(cases)('pt(%p, %p)', (x, df, want) => {
    expect(rel(pt(x, df), want)).toBeLessThan(1e-12);
  });
  test('upper tail', () => {
    expect(rel(pt(12, 5, false), 3.544746258580761e-5)).toBeLessThan(1e-12);
    expect(rel(pt(50, 10, false), 1.23715516465134e-13)).toBeLessThan(1e-11);
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
    [0.975, 0.5, 164.55767348048818],
    [0.975, 0.3, 6582.0356994007525],
    [1e-8, 0.9, -213242324.20380864],
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
    [3.84, 1, 0.9499564787512949, 0.050043521248705106],
    [10, 4, 0.9595723180054871, 0.040427681994512805],
    [0.5, 7, 0.0005535186095750345, 0.9994464813904249],
    [100, 50, 0.9999654506861702, 3.454931382984864e-5],
    [0.001, 2, 0.0004998750208307294, 0.9995001249791693],
    [200, 30, 1, 4.952733529003191e-27],
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
    [0.5, 5, 7, 0.2314156702720843, 0.7685843297279157],
    [10, 1, 100, 0.9979271274191334, 0.0020728725808666633],
    [1.2, 30, 40, 0.7082310450127454, 0.29176895498725464],
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
