import {
  compareBands,
  normaliseId,
  parseBand,
  parseDay,
  parseNumber,
  splitEssentialFunction,
  splitSectors,
  stateCode,
} from '../../src/sources/learnplatform/fields';

describe('LearnPlatform field parsing', () => {
  it('parses half-open ranges into lower, upper and midpoint', () => {
    expect(parseBand('[0.2, 0.4[')).toEqual({
      status: 'range',
      label: '[0.2, 0.4[',
      lower: 0.2,
      upper: 0.4,
      midpoint: 0.30000000000000004,
      raw: '[0.2, 0.4[',
    });
    expect(parseBand('[0.18, 1[')).toMatchObject({
      lower: 0.18,
      upper: 1,
      midpoint: 0.59,
    });
    expect(parseBand('[32000, 34000[').midpoint).toBe(33000);
    // Spreadsheet rewrites of the same interval read as the same level.
    expect(parseBand('[0.2,0.4)').label).toBe('[0.2, 0.4[');
    expect(parseBand(' [ 0.2 , 0.4 [ ').label).toBe('[0.2, 0.4[');
  });

  it('keeps suppressed values as one level of the same variable, never zero', () => {
    for (const s of ['', 'NaN', 'nan', 'redacted', 'Suppressed', 'N/A', '*']) {
      const b = parseBand(s);
      expect(b.status).toBe('suppressed');
      expect(b.label).toBe('Suppressed');
      expect(b.midpoint).toBeNull();
      expect(b.lower).toBeNull();
    }
  });

  it('flags malformed ranges with a problem', () => {
    for (const s of ['0.2-0.4', '[0.2, 0.4', '[0.6, 0.4[', 'high']) {
      const b = parseBand(s);
      expect(b.status).toBe('invalid');
      expect(b.problem).toMatch(/range/);
    }
  });

  it('orders bands by lower bound, then suppressed, then invalid', () => {
    const labels = ['Suppressed', '[0.4, 0.6[', 'bad', '[0, 0.2[']
      .map(parseBand)
      .sort(compareBands)
      .map(b => b.label);
    expect(labels).toEqual(['[0, 0.2[', '[0.4, 0.6[', 'Suppressed', 'Invalid']);
  });

  it('normalises ids written as floats', () => {
    expect(normaliseId('93690.0')).toBe('93690');
    expect(normaliseId(' 1000 ')).toBe('1000');
    expect(normaliseId('')).toBeNull();
    expect(normaliseId('NaN')).toBeNull();
    expect(normaliseId('93690.5')).toBeNull();
    expect(normaliseId('abc')).toBeNull();
  });

  it('reads numbers with missing as null and junk as NaN', () => {
    expect(parseNumber('0.57')).toBe(0.57);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('NaN')).toBeNull();
    expect(parseNumber('1,5')).toBeNaN();
  });

  it('maps state names to USPS codes', () => {
    expect(stateCode('District Of Columbia')).toBe('DC');
    expect(stateCode('new  york')).toBe('NY');
    expect(stateCode('TX')).toBe('TX');
    expect(stateCode('Atlantis')).toBeNull();
  });

  it('splits sectors and essential functions', () => {
    expect(splitSectors('PreK-12; Higher Ed;Corporate')).toEqual([
      'PreK-12',
      'Higher Ed',
      'Corporate',
    ]);
    expect(splitSectors('')).toEqual([]);
    expect(splitEssentialFunction('SDO - Data, Analytics & Reporting')).toEqual(
      {
        main: 'SDO',
        sub: 'Data, Analytics & Reporting',
        raw: 'SDO - Data, Analytics & Reporting',
      },
    );
    expect(splitEssentialFunction('LC/CM/SDO - Other').main).toBe('LC/CM/SDO');
    expect(splitEssentialFunction('').main).toBeNull();
    expect(splitEssentialFunction('Misc tools').problem).toMatch(
      /no LC, CM or SDO/,
    );
  });

  it('reads dates', () => {
    expect(parseDay('2020-01-02')).toBe('2020-01-02');
    expect(parseDay('2020-02-30')).toBeNull();
    expect(parseDay('1/2/2020')).toBe('2020-01-02');
    expect(parseDay('2020-01-02 00:00:00')).toBe('2020-01-02');
  });
});
