import {dayFromNumber, dayRange} from '../../src/clean/dates';

const viaDate = (n: number) =>
  new Date(Math.floor(n) * 86_400_000).toISOString().slice(0, 10);

describe('dayFromNumber', () => {
  test('matches the calendar inside and outside the range it keeps, asked twice', () => {
    for (const n of [
      -719_000, -1, -0, 0, 1, 11_016, 20_148, 20_148.5, 73_048, 73_049,
      2_900_000,
    ]) {
      expect(dayFromNumber(n)).toBe(viaDate(n));
      expect(dayFromNumber(n)).toBe(viaDate(n));
    }
  });

  test('a range across a leap day', () => {
    expect(dayRange('2024-02-27', '2024-03-02')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
      '2024-03-02',
    ]);
  });
});
