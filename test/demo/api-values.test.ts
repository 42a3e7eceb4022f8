import {
  base36u32,
  fastRfc3339,
  isoTime,
  pad10u32,
} from '../../src/demo/api-values';
import {hash4} from '../../src/demo/random';

describe('demo API time strings', () => {
  test('isoTime and fastRfc3339 print what Date.toISOString prints', () => {
    const start = Date.UTC(2023, 7, 28);
    for (let k = 0; k < 20000; k++) {
      const ms = start + Math.floor(k * 7919.37 * 1013);
      expect(fastRfc3339(ms)).toBe(new Date(ms).toISOString());
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
    for (const ms of [0, 0.5, 1234.75, start + 0.25, 86_399_999]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('demo API tags', () => {
  // Every digit count and both ends of each, then hashes across the 32-bit range.
  const edges = [0, 2 ** 32 - 1];
  for (let n = 1; n <= 10; n++) edges.push(10 ** n - 1, 10 ** n);
  for (let n = 1; n <= 6; n++) edges.push(36 ** n - 1, 36 ** n);
  const values = [...edges.filter(x => x < 2 ** 32)];
  for (let k = 0; k < 50000; k++) values.push(hash4(7, k, 3, 1));

  test('base36u32 prints what toString(36) prints', () => {
    const wrong = values.filter(x => base36u32(x) !== x.toString(36));
    expect(wrong).toEqual([]);
    expect(base36u32(46656)).toBe('1000');
  });

  test('pad10u32 prints ten digits, zero-padded', () => {
    const wrong = values.filter(
      x => pad10u32(x) !== String(x).padStart(10, '0'),
    );
    expect(wrong).toEqual([]);
    expect(pad10u32(1234)).toBe('0000001234');
  });
});
