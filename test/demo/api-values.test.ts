import {fastRfc3339, isoTime} from '../../src/demo/api-values';

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
