import {newestFirst} from '../../src/demo/activities';
import {hash4} from '../../src/demo/random';

/** The order the Reports fake serves: newest first, ties in list order. */
const byComparator = (times: number[]) =>
  [...times.keys()].sort((a, b) => times[b] - times[a] || a - b);

describe('demo activities order', () => {
  test('newest first with ties in list order, as a comparator sort gives', () => {
    const day = Date.UTC(2024, 2, 11, 5);
    // Many ties (minute steps), a wide day, and an empty list.
    const cases: number[][] = [[]];
    for (const step of [60_000, 1, 7_919]) {
      const times: number[] = [];
      for (let k = 0; k < 5000; k++)
        times.push(day + (hash4(3, k, step) % 1500) * step);
      cases.push(times);
    }
    for (const times of cases)
      expect([...newestFirst(times)]).toEqual(byComparator(times));
  });

  test('falls back to the comparator where keys would not be exact', () => {
    const cases = [
      [0.5, 2, 1.25, 2],
      [0, 2 ** 40, 5, 2 ** 40],
    ];
    for (const times of cases)
      expect([...newestFirst(times)]).toEqual(byComparator(times));
  });
});
