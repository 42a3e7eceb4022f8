import {
  defaultSettings,
  effectiveStartDate,
  parseSettings,
  validateSettings,
  compilePattern,
} from '../../src/core/settings';

describe('settings validation', () => {
  it('accepts the defaults and a partial update over them', () => {
    expect(validateSettings(defaultSettings()).issues).toEqual([]);
    const s = parseSettings({
      timeZone: 'America/Chicago',
      minGroupSize: '15',
      alertRecipients: 'a@d.org, B@d.org;a@d.org',
    });
    expect(s.timeZone).toBe('America/Chicago');
    expect(s.minGroupSize).toBe(15);
    expect(s.alertRecipients).toEqual(['a@d.org', 'b@d.org']);
    expect(s.underuseGapPct).toBe(20);
  });

  it('names every bad field and keeps the base value for it', () => {
    const {settings, issues} = validateSettings({
      timeZone: 'Mars/Base',
      startDate: '2025-02-30',
      minGroupSize: 0,
      studentOuPattern: '([',
      alertRecipients: ['ok@d.org', 'not an email'],
      colour: 'red',
      calendar: {
        schoolWeekdays: [1, 1],
        closures: [{name: 'x', start: '2025-01-05', end: '2025-01-01'}],
      },
    });
    const fields = issues.map(i => i.field).sort();
    expect(fields).toEqual(
      [
        'alertRecipients',
        'calendar.closures[0]',
        'calendar.schoolWeekdays',
        'colour',
        'minGroupSize',
        'startDate',
        'studentOuPattern',
        'timeZone',
      ].sort(),
    );
    expect(settings.timeZone).toBe('America/New_York');
    expect(settings.minGroupSize).toBe(10);
    expect(settings.alertRecipients).toEqual(['ok@d.org']);
    expect(() => parseSettings({budgetSeconds: 400})).toThrow(
      /budgetSeconds must be a whole number from 60 to 330/,
    );
  });

  it('requires the BigQuery and LearnPlatform fields for those sources', () => {
    expect(
      validateSettings({source: 'bigquery'}).issues.map(i => i.field),
    ).toEqual(['bigQueryProject', 'bigQueryDataset']);
    expect(
      validateSettings({source: 'learnplatform', learnPlatformFolderId: 'abc'})
        .issues,
    ).toEqual([]);
  });

  it('understands (?i) patterns and the empty start date', () => {
    expect(
      compilePattern('(?i)/students/')!.test('/Schools/PS 1/STUDENTS/'),
    ).toBe(true);
    expect(effectiveStartDate(defaultSettings(), '2025-06-30')).toBe(
      '2025-01-02',
    );
    expect(
      effectiveStartDate(
        {...defaultSettings(), startDate: '2024-09-01'},
        '2025-06-30',
      ),
    ).toBe('2024-09-01');
  });
});
