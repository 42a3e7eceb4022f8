import {flagHits} from '../../src/cli/summary';

const event = {school: 's1', start: '2024-03-18', end: '2024-04-12'};

describe('the scorecard matching a flag to an injected event', () => {
  it('matches a single day within the event, one day either side', () => {
    const day = (date: string) => ({schoolId: 's1', grain: 'day', date});
    expect(flagHits(day('2024-03-17'), event)).toBe(true);
    expect(flagHits(day('2024-04-13'), event)).toBe(true);
    expect(flagHits(day('2024-03-15'), event)).toBe(false);
    expect(flagHits({...day('2024-03-20'), schoolId: 's2'}, event)).toBe(false);
  });

  it('matches a sustained drop when most of its span lies within the event', () => {
    const drop = (date: string, endDate: string) => ({
      schoolId: 's1',
      grain: 'day',
      date,
      endDate,
    });
    // Found from two weeks before the event's first day: most of it is the event.
    expect(flagHits(drop('2024-03-05', '2024-04-12'), event)).toBe(true);
    // A long drop that only touches the event is not credited.
    expect(flagHits(drop('2024-01-08', '2024-03-20'), event)).toBe(false);
    expect(flagHits(drop('2024-04-15', '2024-05-10'), event)).toBe(false);
  });
});
