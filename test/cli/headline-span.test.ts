import {incidentHeadline, spanText} from '../../src/analysis/incidents';
import {headlineSpan} from '../../src/cli/summary';

describe("the scorecard reads an incident's span back from its headline", () => {
  const base = {
    kind: 'one school' as const,
    direction: 'drop' as const,
    schoolIds: ['s1'],
    roles: ['students'],
    users: 40,
    expectedUsers: 100,
    changePct: -40,
    cause: '' as const,
    ongoing: false,
  };
  test.each([
    ['2024-09-06', '2024-09-06'],
    ['2024-12-11', '2024-12-12'],
    ['2024-11-29', '2024-12-03'],
    ['2024-12-30', '2025-01-03'],
  ])('%s to %s', (start, end) => {
    // A school name with a colon and "on" in it must not confuse the reader.
    const line = `- ${incidentHeadline({...base, start, end}, 10, () => 'P.S. 1: on Main')}`;
    expect(line).toContain(spanText(start, end));
    expect(headlineSpan(line)).toEqual({start, end});
  });
  test('an ongoing incident reads from its first day', () => {
    const line = incidentHeadline(
      {...base, start: '2025-03-03', end: '2025-03-07', ongoing: true},
      10,
    );
    expect(headlineSpan(line)).toEqual({
      start: '2025-03-03',
      end: '2025-03-03',
    });
  });
  test('a line with no span is null (and counts against the product)', () => {
    expect(headlineSpan('- something happened')).toBeNull();
  });
});
