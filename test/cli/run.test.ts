import {InputError} from '../../src/core/errors';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {createDemoDistrict, parseCalendarFile} from '../../src/demo';
import {
  INSTALL_AFTER_DAYS,
  RUN_HELP,
  demoSettings,
  installDay,
  parseRunArgs,
} from '../../src/cli/run';

describe('the demo runner', () => {
  it('installs a quarter of the way in, never past what the activity log keeps', () => {
    const full = createDemoDistrict({schools: 4, days: 700});
    expect(installDay(full)).toBe(INSTALL_AFTER_DAYS);
    // 24 weeks: every earlier day is still in the 180-day activity log at install.
    expect(INSTALL_AFTER_DAYS).toBeLessThan(180 - 3);
    const short = createDemoDistrict({schools: 4, days: 120});
    expect(installDay(short)).toBe(30);
    const tiny = createDemoDistrict({schools: 4, days: 7});
    expect(installDay(tiny)).toBe(1);
  });

  it('reads its options and names a bad one', () => {
    const a = parseRunArgs(['--source', 'demo', '--days', '90', '--out', 'x']);
    expect(a).toMatchObject({source: 'demo', days: 90, out: 'x', quiet: false});
    expect(() =>
      parseRunArgs(['--source', 'demo', '--days', 'ten', '--out', 'x']),
    ).toThrow(InputError);
    expect(() => parseRunArgs(['--source', 'demo'])).toThrow(/--out/);
  });

  it('gives the product no calendar unless asked to evaluate with the truth', () => {
    const base = ['--source', 'demo', '--out', 'x'];
    expect(parseRunArgs(base).calendar).toBe('learned');
    expect(parseRunArgs([...base, '--calendar', 'truth']).calendar).toBe(
      'truth',
    );
    expect(() => parseRunArgs([...base, '--calendar', 'nyc'])).toThrow(
      /--calendar/,
    );
    expect(parseRunArgs(['--help']).help).toBe(true);
    expect(RUN_HELP).toMatch(/--calendar truth\s+evaluation only/);
  });

  it('gives the product no calendar with a calendar file either', () => {
    const file = join(__dirname, '..', 'fixtures', 'calendar-mid-august.json');
    const calendar = parseCalendarFile(readFileSync(file, 'utf8'), file);
    const d = createDemoDistrict({schools: 2, days: 60, calendar});
    expect(demoSettings(d, 'learned')).not.toHaveProperty('calendar');
    // Evaluation with the truth hands over the file's calendar, not the default one.
    const truth = demoSettings(d, 'truth').calendar!;
    expect(truth.closures.map(c => c.name)).toContain('Labor Day');
    expect(RUN_HELP).toMatch(/--calendar-file FILE/);
  });
});
