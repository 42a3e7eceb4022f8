import * as fs from 'fs';
import * as path from 'path';
import {cospi, fourier, fourierFuture, sinpi} from '../../src/stats/fourier';

const REF = path.join(__dirname, '../fixtures/reference');
const ref = JSON.parse(
  fs.readFileSync(path.join(REF, 'arima/usaccdeaths_fourier.json'), 'utf8'),
);

describe('fourier (forecast::fourier)', () => {
  test('in-sample columns and names equal R', () => {
    const f = fourier(ref.y.length, ref.frequency, 3);
    expect(f.names).toEqual(ref.xreg_names);
    f.columns.forEach((col, j) =>
      col.forEach((v, i) =>
        expect(Math.abs(v - ref.xreg[j][i])).toBeLessThan(1e-12),
      ),
    );
  });

  test('future columns continue the in-sample time index', () => {
    const h = ref.xreg_future[0].length;
    const f = fourierFuture(ref.y.length, ref.frequency, 3, h);
    expect(f.names).toEqual(ref.xreg_names);
    f.columns.forEach((col, j) =>
      col.forEach((v, i) =>
        expect(Math.abs(v - ref.xreg_future[j][i])).toBeLessThan(1e-12),
      ),
    );
  });

  test('the zero sine column at K = period/2 is dropped, as R does', () => {
    const f = fourier(24, 12, 6);
    expect(f.names).toEqual([
      'S1-12',
      'C1-12',
      'S2-12',
      'C2-12',
      'S3-12',
      'C3-12',
      'S4-12',
      'C4-12',
      'S5-12',
      'C5-12',
      'C6-12',
    ]);
    expect(f.columns[10].slice(0, 4)).toEqual([-1, 1, -1, 1]);
  });

  test('non-integer periods are labelled by their rounded value', () => {
    const f = fourier(10, 52.18, 2);
    expect(f.names).toEqual(['S1-52', 'C1-52', 'S2-52', 'C2-52']);
    expect(f.columns[0][0]).toBeCloseTo(Math.sin((2 * Math.PI) / 52.18), 14);
  });

  test('shared harmonics of multiple periods are kept once', () => {
    const f = fourier(20, [7, 14], [3, 2]);
    // 2/14 = 1/7 duplicates S1-7/C1-7.
    expect(f.names).toEqual([
      'S1-7',
      'C1-7',
      'S2-7',
      'C2-7',
      'S3-7',
      'C3-7',
      'S1-14',
      'C1-14',
    ]);
  });

  test('K greater than period/2 is refused', () => {
    expect(() => fourier(10, 4, 3)).toThrow(/period\/2/);
  });

  test('sinpi and cospi are exact at half-integers', () => {
    expect(sinpi(1)).toBe(0);
    expect(sinpi(0.5)).toBe(1);
    expect(sinpi(-0.5)).toBe(-1);
    expect(cospi(0.5)).toBe(0);
    expect(cospi(1)).toBe(-1);
    expect(cospi(2)).toBe(1);
  });
});
