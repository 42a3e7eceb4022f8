import * as fs from 'fs';
import * as path from 'path';
import {accuracy, accuracyPct, maseScale} from '../../src/stats/accuracy';

const REF = path.join(__dirname, '../fixtures/reference');
const ref = JSON.parse(
  fs.readFileSync(path.join(REF, 'stats/accuracy.json'), 'utf8'),
);

describe('accuracy (forecast::accuracy test set)', () => {
  const a = accuracy(ref.forecast, ref.test, {
    train: ref.train,
    period: ref.frequency,
  });
  const t = ref.test_set;
  test.each([
    ['me', 'ME'],
    ['rmse', 'RMSE'],
    ['mae', 'MAE'],
    ['mpe', 'MPE'],
    ['mape', 'MAPE'],
    ['mase', 'MASE'],
    ['acf1', 'ACF1'],
    ['theilsU', "Theil's U"],
  ])('%s matches R to 1e-9', (ours, theirs) => {
    const v = (a as unknown as Record<string, number>)[ours];
    expect(Math.abs(v - t[theirs])).toBeLessThan(1e-9);
  });

  test('sMAPE follows its definition', () => {
    let s = 0;
    for (let i = 0; i < ref.test.length; i++) {
      const e = Math.abs(ref.test[i] - ref.forecast[i]);
      s += (200 * e) / (Math.abs(ref.test[i]) + Math.abs(ref.forecast[i]));
    }
    expect(a.smape).toBeCloseTo(s / ref.test.length, 12);
  });

  test('MASE scale is the in-sample seasonal naive MAE', () => {
    let s = 0;
    for (let i = 12; i < ref.train.length; i++)
      s += Math.abs(ref.train[i] - ref.train[i - 12]);
    expect(maseScale(ref.train, 12)).toBeCloseTo(
      s / (ref.train.length - 12),
      12,
    );
    // Non-seasonal data scale by the naive (lag-1) MAE.
    expect(maseScale([1, 3, 2, 5], 1)).toBeCloseTo((2 + 1 + 3) / 3, 12);
  });

  test('accuracy percentage is max(0, 100 - MAPE)', () => {
    expect(accuracyPct(a.mape)).toBeCloseTo(100 - t.MAPE, 9);
    expect(accuracyPct(140)).toBe(0);
    expect(accuracyPct(null)).toBeNull();
  });

  test('missing actuals are skipped; zero actuals leave MAPE out, never NaN', () => {
    const r = accuracy([1, 2, 3, 4], [null, 0, 3, 5]);
    expect(r.n).toBe(3);
    expect(r.mae).toBeCloseTo((2 + 0 + 1) / 3, 12);
    expect(r.mape).toBeCloseTo(10, 12);
    const none = accuracy([1, 2], [0, 0]);
    expect(none.mape).toBeNull();
    expect(none.mase).toBeNull();
    for (const v of Object.values(none))
      expect(Number.isNaN(v as number)).toBe(false);
  });
});
