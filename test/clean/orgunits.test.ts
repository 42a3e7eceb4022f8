import {
  attributionRules,
  isSchoolPath,
  ouRole,
  schoolPathOf,
} from '../../src/clean/attribution';
import {
  classifyTree,
  compactPicks,
  orgUnitTree,
  picksOf,
  previewRules,
  proposePicks,
  type Census,
} from '../../src/clean/orgunits';
import {
  defaultSettings,
  parseSettings,
  rolePatternOfUnits,
  validateSettings,
} from '../../src/core/settings';
import type {Settings} from '../../src/core/types';
import {
  attributionParams,
  dailyFactsQuery,
  schoolDepths,
} from '../../src/sources/bigquery/sql';

const base = defaultSettings('America/New_York');
const units = (u: Partial<Settings>): Settings => ({
  ...base,
  orgUnitRules: 'units',
  ...u,
});

/** A district laid out unevenly: boroughs of schools, a charter school at the top, staff. */
const PATHS = [
  '/Schools',
  '/Schools/Bronx',
  '/Schools/Bronx/PS 1',
  '/Schools/Bronx/PS 1/Students',
  '/Schools/Bronx/PS 1/Students/Grade 3',
  '/Schools/Bronx/PS 1/Teachers',
  '/Schools/Bronx/PS 2',
  '/Schools/Bronx/PS 2/Students',
  '/Schools/Bronx/PS 2/Teachers',
  '/Schools/Bronx/Office',
  '/Schools/Queens',
  '/Schools/Queens/IS 9',
  '/Schools/Queens/IS 9/students',
  '/Schools/Queens/IS 9/Faculty',
  '/Charter Academy',
  '/Charter Academy/Students',
  '/Charter Academy/Staff',
  '/District Office',
];
const CENSUS: Census = {
  '/': [1, 0],
  '/Schools/Bronx/PS 1/Students/Grade 3': [40, 2],
  '/Schools/Bronx/PS 1/Teachers': [5, 0],
  '/Schools/Bronx/PS 2/Students': [30, 0],
  '/Schools/Bronx/PS 2/Teachers': [4, 1],
  '/Schools/Bronx/Office': [3, 0],
  '/Schools/Queens/IS 9/students': [20, 0],
  '/Schools/Queens/IS 9/Faculty': [2, 0],
  '/Charter Academy/Students': [12, 0],
  '/Charter Academy/Staff': [3, 0],
  '/District Office': [7, 0],
  '/Gone Unit': [2, 0],
};
const tree = orgUnitTree(
  PATHS.map(p => ({orgUnitPath: p, name: p.split('/').pop()})),
  CENSUS,
);

describe('the org unit tree', () => {
  test('totals roll up, every census path has a node, parents precede children', () => {
    const at = (p: string) => tree.find(n => n.path === p)!;
    expect(at('/').total).toBe(
      Object.values(CENSUS).reduce((a, [x]) => a + x, 0),
    );
    expect(at('/Schools/Bronx').total).toBe(40 + 5 + 30 + 4 + 3);
    expect(at('/Schools/Bronx').children).toBe(3);
    expect(at('/Gone Unit').users).toBe(2);
    expect(at('/Schools/Bronx/PS 1/Students/Grade 3').inactive).toBe(2);
    const index = new Map(tree.map((n, i) => [n.path, i]));
    for (const n of tree) {
      if (n.parent)
        expect(index.get(n.parent)!).toBeLessThan(index.get(n.path)!);
    }
  });

  test('the proposal: schools hold role units; Staff teaches only where no Teachers unit exists', () => {
    const p = proposePicks(tree);
    expect(p.schools).toEqual([
      '/Charter Academy',
      '/Schools/Bronx/PS 1',
      '/Schools/Bronx/PS 2',
      '/Schools/Queens/IS 9',
    ]);
    expect(p.students).toContain('/Schools/Queens/IS 9/students');
    expect(p.teachers).toEqual([
      '/Charter Academy/Staff',
      '/Schools/Bronx/PS 1/Teachers',
      '/Schools/Bronx/PS 2/Teachers',
      '/Schools/Queens/IS 9/Faculty',
    ]);
  });
});

describe('picks written as settings', () => {
  test('compact entries select exactly the picked units, and read back as the same picks', () => {
    const cases = [
      proposePicks(tree),
      {
        schools: ['/Schools/Bronx/PS 1', '/Schools/Bronx/PS 2'],
        students: ['/Schools/Bronx/PS 1/Students'],
        teachers: [],
      },
      {
        schools: [
          '/Schools/Bronx/PS 1',
          '/Charter Academy',
          '/District Office',
        ],
        students: ['/Charter Academy'],
        teachers: ['/District Office'],
      },
    ];
    for (const picks of cases) {
      const saved = parseSettings(compactPicks(tree, picks), base);
      const c = classifyTree(tree, attributionRules(saved));
      for (const n of tree) {
        const own = picks.schools.includes(n.path);
        expect([n.path, c.get(n.path)!.school === n.path]).toEqual([
          n.path,
          own,
        ]);
      }
      const back = picksOf(tree, saved);
      expect(back.schools.sort()).toEqual([...picks.schools].sort());
      expect(back.students.sort()).toEqual([...picks.students].sort());
      expect(back.teachers.sort()).toEqual([...picks.teachers].sort());
    }
  });

  test('a parent most of whose children are picked is written as its children, with exceptions', () => {
    const s = compactPicks(tree, {
      schools: ['/Schools/Bronx/PS 1', '/Schools/Bronx/PS 2'],
      students: [],
      teachers: [],
    });
    expect(s.schoolUnits.sort()).toEqual(
      ['!/Schools/Bronx/Office', '/Schools/Bronx/*'].sort(),
    );
    const rules = attributionRules(parseSettings(s, base));
    expect(isSchoolPath('/Schools/Bronx/PS 3', rules)).toBe(true); // a school opened later
    expect(isSchoolPath('/Schools/Bronx/Office', rules)).toBe(false);
  });

  test('role units shared by every school become a unit name, matched case-insensitively', () => {
    const p = proposePicks(tree);
    const s = compactPicks(tree, p);
    expect(s.studentUnits).toEqual(['Students']);
    const rules = attributionRules(parseSettings(s, base));
    expect(ouRole('/Schools/Queens/IS 9/students/Grade 6', rules)).toBe(
      'student',
    );
    expect(ouRole('/Schools/Bronx/PS 1/Teachers', rules)).toBe('teacher');
    expect(ouRole('/District Office', rules)).toBeNull();
  });
});

describe('units mode in attribution', () => {
  test('the nearest picked school wins; depth and pattern are unused', () => {
    const rules = attributionRules(
      units({
        schoolUnits: [
          '/Schools/Bronx/*',
          '/Schools/Bronx/PS 1/Annex',
          '/Charter Academy',
        ],
        schoolOuDepth: 7,
      }),
    );
    expect(schoolPathOf('/Schools/Bronx/PS 1/Students/Grade 3', rules)).toBe(
      '/Schools/Bronx/PS 1',
    );
    expect(schoolPathOf('/Schools/Bronx/PS 1/Annex/Students', rules)).toBe(
      '/Schools/Bronx/PS 1/Annex',
    );
    expect(schoolPathOf('/charter academy/Staff', rules)).toBe(
      '/charter academy',
    );
    expect(schoolPathOf('/District Office', rules)).toBeNull();
    expect(schoolPathOf('/', rules)).toBeNull();
  });

  test('role unit patterns escape names and work in JavaScript and RE2 alike', () => {
    const p = rolePatternOfUnits(['Students (K-5)', '/A.B/Kids']);
    expect(p).toBe('(?i)(?:/Students \\(K-5\\)(?:/|$)|^/A\\.B/Kids(?:/|$))');
    const rules = attributionRules(
      units({
        schoolUnits: ['/A.B'],
        studentUnits: ['Students (K-5)', '/A.B/Kids'],
      }),
    );
    expect(ouRole('/X/students (k-5)/G1', rules)).toBe('student');
    expect(ouRole('/A.B/Kids', rules)).toBe('student');
    expect(ouRole('/AxB/Kids', rules)).toBeNull();
    const bq = attributionParams(
      units({schoolUnits: ['/A.B'], studentUnits: ['Students (K-5)']}),
    );
    expect(bq.studentPattern).toBe('(?i)(?:/Students \\(K-5\\)(?:/|$))');
  });

  test('the BigQuery query looks for the school at every depth a picked school has, deepest first', () => {
    const input = {
      attribution: attributionParams(base),
      schoolPaths: ['/Charter Academy', '/Schools/Bronx/PS 1'],
      timeZone: 'America/New_York',
      startMs: 0,
      endMs: 86_400_000,
      apps: ['login'],
      partitionLagDays: 3,
      usageDate: null,
      usageLagDays: 4,
    };
    expect(schoolDepths(input)).toEqual([3, 1]);
    const q = dailyFactsQuery(input);
    const params = (q.parameters ?? []) as {
      name: string;
      parameterValue: {value?: string};
    }[];
    expect(
      params.find(p => p.name === 'schoolPrefix')!.parameterValue.value,
    ).toBe('^((?:/[^/]+){3})(?:/|$)');
    expect(
      params.find(p => p.name === 'schoolPrefix2')!.parameterValue.value,
    ).toBe('^((?:/[^/]+){1})(?:/|$)');
    expect(q.query).toContain('@schoolPrefix2');
    // Patterns: one depth, the query as it always was.
    const one = dailyFactsQuery({...input, schoolPaths: ['/Schools/PS 1']});
    expect(one.query).not.toContain('@schoolPrefix2');
  });
});

describe('settings validation of picked units', () => {
  test('entries are checked and named; units mode needs a school', () => {
    const bad = validateSettings({schoolUnits: ['Schools/*']}, base);
    expect(bad.issues.map(i => i.field)).toEqual(['schoolUnits']);
    expect(
      validateSettings({studentUnits: ['/A//B']}, base).issues[0].field,
    ).toBe('studentUnits');
    expect(
      validateSettings({orgUnitRules: 'units', schoolUnits: ['!/A']}, base)
        .issues[0].message,
    ).toMatch(/at least one school/);
    expect(
      validateSettings({orgUnitRules: 'regex'}, base).issues[0].field,
    ).toBe('orgUnitRules');
    const ok = validateSettings(
      {
        orgUnitRules: 'units',
        schoolUnits: ['/*', '!/District Office', '/Schools/X', '/schools/x'],
        studentUnits: ['Students'],
      },
      base,
    );
    expect(ok.issues).toEqual([]);
    expect(ok.settings.schoolUnits).toEqual([
      '/*',
      '!/District Office',
      '/Schools/X',
    ]);
  });
});

describe('the preview', () => {
  test('users per school and role, no-school accounts by unit, and warnings', () => {
    const s = parseSettings(compactPicks(tree, proposePicks(tree)), base);
    const p = previewRules(tree, s, 15);
    const ps1 = p.schools.find(x => x.path === '/Schools/Bronx/PS 1')!;
    expect(ps1).toMatchObject({students: 40, teachers: 5, other: 0});
    const charter = p.schools.find(x => x.path === '/Charter Academy')!;
    expect(charter).toMatchObject({students: 12, teachers: 3});
    expect(p.noSchool.users).toBe(1 + 3 + 7 + 2);
    expect(p.noSchool.units[0]).toEqual({path: '/District Office', users: 7});
    expect(p.totals.inactive).toBe(3);
    expect(p.totals.inSchools + p.noSchool.users).toBe(p.totals.users);
    expect(p.warnings.join(' ')).toMatch(/1 school has fewer than 15 students/);
  });
});
