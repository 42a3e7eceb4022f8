import {
  attributionRules,
  isSchoolPath,
  ouRole,
  resolveRole,
  schoolPathOf,
} from '../../src/clean/attribution';
import {defaultSettings} from '../../src/core/settings';
import {InputError} from '../../src/core/errors';

const base = defaultSettings('America/New_York');

describe('schools and roles', () => {
  test('the school is the ancestor at the configured depth, filtered by the pattern', () => {
    const rules = attributionRules({
      ...base,
      schoolOuDepth: 3,
      schoolOuPattern: '^/Schools/[^/]+/[^/]+$',
    });
    expect(schoolPathOf('/Schools/Bronx/PS 001/Students/Grade 3', rules)).toBe(
      '/Schools/Bronx/PS 001',
    );
    expect(schoolPathOf('/Schools/Bronx', rules)).toBeNull();
    expect(schoolPathOf('/District Office/IT/Helpdesk', rules)).toBeNull();
    expect(isSchoolPath('/Schools/Bronx/PS 001', rules)).toBe(true);
    expect(isSchoolPath('/Schools/Bronx/PS 001/Students', rules)).toBe(false);
  });

  test('org unit rules accept the (?i) prefix and report a bad pattern by field', () => {
    const rules = attributionRules(base);
    expect(ouRole('/Schools/PS 1/STUDENTS/Grade 3', rules)).toBe('student');
    expect(ouRole('/Schools/PS 1/Faculty', rules)).toBe('teacher');
    expect(ouRole('/Schools/PS 1/Custodians', rules)).toBeNull();
    expect(() =>
      attributionRules({...base, teacherOuPattern: '(unclosed'}),
    ).toThrow(InputError);
    expect(() =>
      attributionRules({...base, teacherOuPattern: '(unclosed'}),
    ).toThrow(/teacherOuPattern/);
    expect(() => attributionRules({...base, schoolOuDepth: 0})).toThrow(
      /schoolOuDepth/,
    );
  });

  test('role precedence: org unit, then rosters (teacher first), then usage, then staff or unknown', () => {
    const rules = attributionRules(base);
    const none = {ou: null, teaches: 0, studies: 0, usage: null};
    expect(
      resolveRole(
        {...none, ou: 'student', teaches: 3, usage: 'teacher'},
        rules,
      ),
    ).toEqual({role: 'student', by: 'ou'});
    expect(
      resolveRole({...none, teaches: 1, studies: 2, usage: 'student'}, rules),
    ).toEqual({role: 'teacher', by: 'roster'});
    expect(resolveRole({...none, studies: 2, usage: 'teacher'}, rules)).toEqual(
      {role: 'student', by: 'roster'},
    );
    expect(resolveRole({...none, usage: 'Teacher'}, rules)).toEqual({
      role: 'teacher',
      by: 'usage',
    });
    expect(resolveRole(none, rules)).toEqual({role: 'staff', by: 'default'});
    const open = attributionRules({
      ...base,
      studentOuPattern: '',
      teacherOuPattern: '',
    });
    expect(resolveRole(none, open)).toEqual({role: 'unknown', by: 'default'});
  });
});
