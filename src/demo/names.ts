/**
 * Name pools for the demo district. They deliberately carry the characters that break
 * naive code: apostrophes, accents, commas, emoji, and course names that start with
 * '=', '+', '-' or '@' (formula injection in a spreadsheet).
 */
import {Rng} from './random';

export const BOROUGHS = [
  {name: 'Manhattan', code: 'M', weight: 0.2},
  {name: 'Bronx', code: 'X', weight: 0.22},
  {name: 'Brooklyn', code: 'K', weight: 0.3},
  {name: 'Queens', code: 'Q', weight: 0.22},
  {name: 'Staten Island', code: 'R', weight: 0.06},
] as const;

export const GIVEN_NAMES = [
  'Aaliyah',
  'Aarav',
  'Abigail',
  'Adrián',
  'Aiden',
  'Aisha',
  'Alejandro',
  'Amara',
  'Ana',
  'André',
  'Angelo',
  'Anthony',
  'Ariana',
  'Ava',
  'Benjamin',
  'Bianca',
  'Camila',
  'Carlos',
  'Chloé',
  'Christopher',
  'Dae-jung',
  'Daniel',
  'Darnell',
  'Deja',
  'Desirée',
  'Diego',
  'Dmitri',
  'Elijah',
  'Emily',
  'Emmanuel',
  'Esperanza',
  'Ethan',
  'Fatima',
  'François',
  'Gabriel',
  'Grace',
  'Hana',
  'Héctor',
  'Ibrahim',
  'Imani',
  'Isabella',
  'Jack',
  'Jayden',
  'Jiahui',
  'José',
  'Joaquín',
  'Kayla',
  'Kenji',
  'Kwame',
  'Leah',
  'Liam',
  'Lucía',
  'Malik',
  'Mamadou',
  'María José',
  'Mariam',
  'Mateo',
  'Maya',
  'Mei',
  'Michael',
  'Mohammed',
  'Naomi',
  'Nia',
  'Noah',
  'Olivia',
  'Omar',
  'Priya',
  'Rafael',
  'Renée',
  'Rosa',
  'Samuel',
  'Santiago',
  'Sebastián',
  'Siobhán',
  'Sofía',
  'Tenzin',
  'Thu',
  'Valentina',
  'Xavier',
  'Yaw',
  'Yusuf',
  'Zoë',
  'Zuri',
  'Ángel',
  'Łukasz',
  'Ngọc',
];

export const FAMILY_NAMES = [
  'Abdullah',
  'Acosta',
  'Adeyemi',
  'Alvarez',
  'Banerjee',
  'Baptiste',
  'Bello',
  'Brown',
  'Castillo',
  'Chen',
  'Cohen',
  'Cruz',
  "D'Amico",
  "D'Angelo",
  'Diallo',
  'Díaz',
  'Dubois',
  'Fernández',
  'Fitzgerald',
  'García',
  'Goldberg',
  'González',
  'Gupta',
  'Hernández',
  'Ibáñez',
  'Jackson',
  'Jean-Baptiste',
  'Johnson',
  'Kaur',
  'Kim',
  'Kowalski',
  'Lee',
  'Li',
  'López',
  'Martínez',
  'McDonald',
  'Mensah',
  'Moreno',
  'Müller',
  'Nguyễn',
  "O'Brien",
  "O'Connor",
  "O'Neill",
  'Okafor',
  'Ortiz',
  'Patel',
  'Peña',
  'Pérez',
  'Petrov',
  'Ramírez',
  'Rivera',
  'Rodríguez',
  'Rosario',
  'Santos',
  'Schwartz',
  'Singh',
  'Smith',
  'Søren',
  'Sánchez',
  'Tanaka',
  'Torres',
  'Traoré',
  'Van der Berg',
  'Vásquez',
  'Wang',
  'Washington',
  'Williams',
  'Wong',
  'Yilmaz',
  'Zhang',
  'Ćosić',
  'Łopez-Núñez',
];

const NAMESAKES = [
  'Patrick F. Daly',
  'Frederick Douglass',
  'Shirley Chisholm',
  'Sonia Sotomayor',
  "Margaret O'Brien",
  'José de Diego',
  'Roberto Clemente',
  'Zora Neale Hurston',
  'Langston Hughes',
  'Thurgood Marshall',
  'Eleanor Roosevelt',
  'Jackie Robinson',
  'Hernán Cortés Ruiz',
  'Antonia Pantoja',
  'Juan Pablo Duarte',
  'Ida B. Wells',
  'Walt Whitman',
  'Edward R. Murrow',
  'Dr. Ronald E. McNair',
  'Celia Cruz',
  'Fiorello H. LaGuardia',
  'Gabriela Mistral',
  'Maya Angelou',
  'Pablo Neruda',
  'Bartolomé de las Casas',
  'Althea Gibson',
  'Renée Fleming',
  'Ralph Bunche',
  'Isaac Newton',
  'Nathan Hale',
  'Susan B. Anthony',
  'Paul Robeson',
];

const THEMES = [
  'Academy for Careers in Technology, Arts & Design',
  'School for Global Leaders',
  'High School for Math, Science, and Engineering',
  "Children's Workshop School",
  'Bilingual School (Español/English)',
  'Academy of Urban Planning',
  "Young Women's Leadership School",
  'School of the Future',
  'International High School at Prospect Heights',
  'Collegiate Institute for Math & Science',
  'Community School for Social Justice',
  'Brooklyn Latin School',
  'Queens School of Inquiry',
  'Bronx Academy of Letters',
];

export type Level = 'elementary' | 'middle' | 'high';

/** A school name in the NYC style: "P.S. 015 Patrick F. Daly", "I.S. 318", themed high schools. */
export function schoolName(rng: Rng, level: Level, index: number): string {
  const num = String(1 + ((index * 37 + rng.int(60)) % 499)).padStart(3, '0');
  const who = rng.pick(NAMESAKES);
  if (level === 'elementary') {
    return rng.chance(0.3) ? `P.S. ${num}, ${who}` : `P.S. ${num} ${who}`;
  }
  if (level === 'middle') {
    return rng.chance(0.5) ? `I.S. ${num} ${who}` : `M.S. ${num}`;
  }
  return rng.chance(0.6) ? rng.pick(THEMES) : `${who} High School`;
}

const SUBJECTS: Record<Level, string[]> = {
  elementary: [
    'Class {g}-{n}',
    "Ms. {f}'s Class",
    'Grade {g} ELA',
    'Grade {g} Math',
    'Science 🔬 Grade {g}',
    'Art & Music',
    'Español {g}',
  ],
  middle: [
    'ELA {g}',
    'Math {g}, Period {p}',
    'Science {g} — Lab',
    'Social Studies {g}',
    'Français {g}',
    "Mr. {f}'s Advisory",
    '=SUM(Math {g})',
    '+Plus Enrichment {g}',
    'Coding Club 💻',
  ],
  high: [
    'Algebra I, Period {p}',
    'Geometry (Regents)',
    'Living Environment',
    'Chemistry, Section {p}',
    'U.S. History & Government',
    'Global History II',
    'AP English Literature',
    'AP Calculus AB',
    'Español III — Literatura',
    'Physics 🚀',
    '=HYPERLINK("http://example.com","Grades")',
    '+1 Math Lab',
    '-Credit Recovery',
    '@Home Learning',
    "Ms. {f}'s Homeroom",
  ],
};

/** A course name for a level, filled with a grade, period or teacher surname. */
export function courseName(
  rng: Rng,
  level: Level,
  grade: number,
  teacherFamily: string,
): string {
  const template = rng.pick(SUBJECTS[level]);
  return template
    .replace('{g}', String(grade))
    .replace('{n}', String(100 + grade * 10 + rng.int(9)))
    .replace('{p}', String(1 + rng.int(8)))
    .replace('{f}', teacherFamily);
}

const WORK_TITLES = [
  'Exit ticket',
  'Reading response: "Esperanza Rising"',
  'Problem set',
  'Lab report',
  'Vocabulary quiz',
  'Do now',
  'Essay draft, part 1',
  'Homework',
  'Unit review',
  'Warm-up 🔥',
  'Quiz: fractions & decimals',
  'Journal entry',
  "Teacher's choice",
  'Test prep: practice set',
  '=1+1 check your work',
];

export function workTitle(rng: Rng, n: number): string {
  return `${rng.pick(WORK_TITLES)} #${n}`;
}

const ANNOUNCEMENTS = [
  'Reminder: bring your Chromebook charged tomorrow.',
  'Great work this week, everyone! 🎉',
  'Test next Tuesday; the review sheet is posted.',
  "Don't forget the permission slip, it's due Friday.",
  'Office hours moved to 3:15 in room 204.',
  'Recordatorio: la tarea es para el lunes.',
];

export function announcementText(rng: Rng): string {
  return rng.pick(ANNOUNCEMENTS);
}

/** ASCII local part of an e-mail: accents folded, spaces dropped, apostrophes kept. */
export function emailLocal(given: string, family: string, n: number): string {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ł/g, 'l')
      .replace(/Ł/g, 'l')
      .replace(/ø/g, 'o')
      .toLowerCase()
      .replace(/[^a-z']/g, '');
  return `${fold(given)}.${fold(family)}${n}`;
}

/** LearnPlatform-style product catalogue (names and providers with commas and quotes). */
export interface ProductSpec {
  lpId: number;
  url: string;
  name: string;
  provider: string;
  sectors: string;
  function: string;
  /** Share of the school's active students who use it on a school day. */
  reach: number;
  /** Page loads per active student. */
  depth: number;
  /** Extra use in testing windows (test-prep products). */
  testPrep: number;
}

export const PRODUCTS: ProductSpec[] = [
  {
    lpId: 32213,
    url: 'https://classroom.google.com',
    name: 'Google Classroom',
    provider: 'Google LLC',
    sectors: 'PreK-12; Higher Ed',
    function: 'LC - Digital Learning Platforms',
    reach: 1,
    depth: 9,
    testPrep: 1,
  },
  {
    lpId: 26696,
    url: 'https://docs.google.com',
    name: 'Google Docs',
    provider: 'Google LLC',
    sectors: 'PreK-12; Higher Ed; Corporate',
    function: 'LC - Content Creation & Curation',
    reach: 0.8,
    depth: 7,
    testPrep: 1,
  },
  {
    lpId: 95731,
    url: 'https://meet.google.com',
    name: 'Google Meet',
    provider: 'Google LLC',
    sectors: 'PreK-12; Higher Ed; Corporate',
    function:
      'CM - Classroom Engagement & Instruction - Communication & Messaging',
    reach: 0.25,
    depth: 3,
    testPrep: 1,
  },
  {
    lpId: 61292,
    url: 'https://forms.google.com',
    name: 'Google Forms',
    provider: 'Google LLC',
    sectors: 'PreK-12; Higher Ed; Corporate',
    function:
      'CM - Classroom Engagement & Instruction - Assessment & Classroom Response',
    reach: 0.35,
    depth: 4,
    testPrep: 1.4,
  },
  {
    lpId: 99916,
    url: 'https://kahoot.com',
    name: 'Kahoot!',
    provider: 'Kahoot! AS',
    sectors: 'PreK-12; Higher Ed; Corporate',
    function:
      'CM - Classroom Engagement & Instruction - Assessment & Classroom Response',
    reach: 0.18,
    depth: 6,
    testPrep: 1.2,
  },
  {
    lpId: 14321,
    url: 'https://www.khanacademy.org',
    name: 'Khan Academy',
    provider: 'Khan Academy, Inc.',
    sectors: 'PreK-12',
    function: 'LC - Digital Learning Platforms',
    reach: 0.2,
    depth: 12,
    testPrep: 1.5,
  },
  {
    lpId: 50104,
    url: 'https://www.desmos.com',
    name: 'Desmos',
    provider: 'Amplify Education, Inc.',
    sectors: 'PreK-12; Higher Ed',
    function:
      'LC - Sites, Resources & Reference - Digital Collection & Repository',
    reach: 0.1,
    depth: 8,
    testPrep: 1.3,
  },
  {
    lpId: 78455,
    url: 'https://www.i-ready.com',
    name: 'i-Ready',
    provider: 'Curriculum Associates',
    sectors: 'PreK-12',
    function: 'LC - Study Tools - Test Prep & Study Skills',
    reach: 0.22,
    depth: 15,
    testPrep: 2.2,
  },
  {
    lpId: 40961,
    url: 'https://newsela.com',
    name: 'Newsela',
    provider: 'Newsela',
    sectors: 'PreK-12',
    function:
      'LC - Sites, Resources & Reference - Digital Collection & Repository',
    reach: 0.09,
    depth: 6,
    testPrep: 1,
  },
  {
    lpId: 23874,
    url: 'https://www.pearsonrealize.com',
    name: 'Pearson Realize, Revel',
    provider: 'Pearson Education, Inc.',
    sectors: 'PreK-12; Higher Ed',
    function: 'LC - Courseware & Textbooks',
    reach: 0.08,
    depth: 10,
    testPrep: 1.2,
  },
  {
    lpId: 87210,
    url: 'https://www.brainpop.com',
    name: 'BrainPOP',
    provider: 'BrainPOP',
    sectors: 'PreK-12',
    function: 'LC - Sites, Resources & Reference - Games & Simulations',
    reach: 0.12,
    depth: 5,
    testPrep: 1,
  },
  {
    lpId: 65077,
    url: 'https://www.nearpod.com',
    name: 'Nearpod',
    provider: 'Nearpod Inc.',
    sectors: 'PreK-12',
    function: 'CM - Classroom Engagement & Instruction - Classroom Management',
    reach: 0.11,
    depth: 7,
    testPrep: 1,
  },
  {
    lpId: 11482,
    url: 'https://www.commonlit.org',
    name: '"CommonLit" Reading',
    provider: 'CommonLit, Inc.',
    sectors: 'PreK-12',
    function: 'LC - Digital Learning Platforms',
    reach: 0.07,
    depth: 6,
    testPrep: 1.3,
  },
  {
    lpId: 70352,
    url: 'https://clever.com',
    name: 'Clever',
    provider: 'Clever Inc.',
    sectors: 'PreK-12',
    function: 'SDO - School Management Software - SSO',
    reach: 0.6,
    depth: 2,
    testPrep: 1,
  },
  {
    lpId: 38921,
    url: 'https://www.powerschool.com',
    name: 'PowerSchool',
    provider: 'PowerSchool Group LLC',
    sectors: 'PreK-12',
    function:
      'SDO - Data, Analytics & Reporting - Student Information Systems (SIS)',
    reach: 0.05,
    depth: 3,
    testPrep: 1,
  },
];
