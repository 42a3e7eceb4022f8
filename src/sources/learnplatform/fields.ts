/**
 * Field-level parsing of the LearnPlatform COVID-19 data set's values: half-open ranges,
 * identifiers written as floats, US state names, sectors and essential functions.
 * Pure: no Apps Script or Node globals.
 */

/**
 * A banded demographic value such as `[0.2, 0.4[` (lower bound included, upper excluded).
 * One variable, several levels: a suppressed or unreadable value is a level of its own,
 * never a zero and never a second variable.
 */
export interface Band {
  /** `range`: a parsed interval; `suppressed`: withheld or not reported; `invalid`: unreadable. */
  status: 'range' | 'suppressed' | 'invalid';
  /** Canonical label: `[0.2, 0.4[`, `Suppressed` or `Invalid`. The level key in analyses. */
  label: string;
  lower: number | null;
  upper: number | null;
  /** (lower + upper) / 2: a numeric stand-in for correlations; null unless status is range. */
  midpoint: number | null;
  /** The text as it appeared in the file. */
  raw: string;
}

export const SUPPRESSED_LABEL = 'Suppressed';
export const INVALID_LABEL = 'Invalid';

/** Spellings the published files and their re-exports use for "no value". */
const SUPPRESSED_TOKENS = new Set([
  '',
  'nan',
  'na',
  'n/a',
  'null',
  'none',
  'redacted',
  'suppressed',
  'not reported',
  'missing',
  '*',
  '-',
  '--',
]);

export function isSuppressedToken(text: string): boolean {
  return SUPPRESSED_TOKENS.has(text.trim().toLowerCase());
}

const NUM = '([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)';
/** `[a, b[` as published; `[a, b)` and `[a, b]` as spreadsheet tools rewrite them. */
const RANGE_RE = new RegExp(
  `^\\s*([\\[(\\]])\\s*${NUM}\\s*[,;]\\s*${NUM}\\s*([\\[)\\]])\\s*$`,
);
const NUMBER_RE = new RegExp(`^\\s*${NUM}\\s*$`);

function formatBound(x: number): string {
  return String(x);
}

/**
 * Parses a banded value. Returns a Band with status `invalid` (and `problem` set) when the
 * text is neither a range, a plain number nor a suppression marker.
 */
export function parseBand(raw: string): Band & {problem?: string} {
  const text = raw ?? '';
  if (isSuppressedToken(text)) {
    return {
      status: 'suppressed',
      label: SUPPRESSED_LABEL,
      lower: null,
      upper: null,
      midpoint: null,
      raw: text,
    };
  }
  const m = RANGE_RE.exec(text);
  if (m) {
    const lower = Number(m[2]);
    const upper = Number(m[3]);
    if (Number.isFinite(lower) && Number.isFinite(upper) && lower <= upper) {
      return {
        status: 'range',
        label: `[${formatBound(lower)}, ${formatBound(upper)}[`,
        lower,
        upper,
        midpoint: (lower + upper) / 2,
        raw: text,
      };
    }
    return invalidBand(
      text,
      `range "${text}" has its lower bound above its upper bound`,
    );
  }
  const n = NUMBER_RE.exec(text);
  if (n) {
    const v = Number(n[1]);
    if (Number.isFinite(v)) {
      return {
        status: 'range',
        label: formatBound(v),
        lower: v,
        upper: v,
        midpoint: v,
        raw: text,
      };
    }
  }
  return invalidBand(
    text,
    `malformed range "${text}" (expected e.g. [0.2, 0.4[)`,
  );
}

function invalidBand(text: string, problem: string): Band & {problem: string} {
  return {
    status: 'invalid',
    label: INVALID_LABEL,
    lower: null,
    upper: null,
    midpoint: null,
    raw: text,
    problem,
  };
}

/** Orders band labels: ranges by lower bound, then Suppressed, then Invalid. */
export function compareBands(a: Band, b: Band): number {
  const rank = (x: Band) =>
    x.status === 'range' ? 0 : x.status === 'suppressed' ? 1 : 2;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a.status === 'range') {
    return a.lower! - b.lower! || a.upper! - b.upper!;
  }
  return 0;
}

/**
 * Identifiers are integers, but the engagement files write lp_id as a float (`93690.0`)
 * because the column holds blanks. Returns the canonical integer text, or null if blank
 * or not an identifier.
 */
export function normaliseId(raw: string): string | null {
  const t = (raw ?? '').trim();
  if (!t || isSuppressedToken(t)) return null;
  const m = /^(\d+)(?:\.0*)?$/.exec(t);
  if (m) return m[1].replace(/^0+(?=\d)/, '');
  if (/^\d+(?:\.\d+)?[eE]\+?\d+$/.test(t)) {
    const v = Number(t);
    if (Number.isInteger(v) && v >= 0) return String(v);
  }
  return null;
}

/**
 * A number as written in the files; null for blank or a suppression marker (missing, not
 * zero); NaN for text that is not a number.
 */
export function parseNumber(raw: string): number | null {
  const t = (raw ?? '').trim();
  if (isSuppressedToken(t)) return null;
  if (!NUMBER_RE.test(t)) return NaN;
  return Number(t);
}

const STATES: Record<string, string> = {
  alabama: 'AL',
  alaska: 'AK',
  arizona: 'AZ',
  arkansas: 'AR',
  california: 'CA',
  colorado: 'CO',
  connecticut: 'CT',
  delaware: 'DE',
  'district of columbia': 'DC',
  florida: 'FL',
  georgia: 'GA',
  hawaii: 'HI',
  idaho: 'ID',
  illinois: 'IL',
  indiana: 'IN',
  iowa: 'IA',
  kansas: 'KS',
  kentucky: 'KY',
  louisiana: 'LA',
  maine: 'ME',
  maryland: 'MD',
  massachusetts: 'MA',
  michigan: 'MI',
  minnesota: 'MN',
  mississippi: 'MS',
  missouri: 'MO',
  montana: 'MT',
  nebraska: 'NE',
  nevada: 'NV',
  'new hampshire': 'NH',
  'new jersey': 'NJ',
  'new mexico': 'NM',
  'new york': 'NY',
  'north carolina': 'NC',
  'north dakota': 'ND',
  ohio: 'OH',
  oklahoma: 'OK',
  oregon: 'OR',
  pennsylvania: 'PA',
  'rhode island': 'RI',
  'south carolina': 'SC',
  'south dakota': 'SD',
  tennessee: 'TN',
  texas: 'TX',
  utah: 'UT',
  vermont: 'VT',
  virginia: 'VA',
  washington: 'WA',
  'west virginia': 'WV',
  wisconsin: 'WI',
  wyoming: 'WY',
  'puerto rico': 'PR',
  guam: 'GU',
  'u.s. virgin islands': 'VI',
  'virgin islands': 'VI',
  'american samoa': 'AS',
  'northern mariana islands': 'MP',
};

const STATE_NAMES: Record<string, string> = {};
for (const [name, code] of Object.entries(STATES)) {
  if (!(code in STATE_NAMES)) {
    STATE_NAMES[code] = name.replace(/\b([a-z])/g, c => c.toUpperCase());
  }
}
STATE_NAMES.DC = 'District of Columbia';
STATE_NAMES.VI = 'U.S. Virgin Islands';

/** USPS code of a state name (any case, extra spaces) or of a USPS code; null if unknown. */
export function stateCode(name: string): string | null {
  const t = (name ?? '').trim().replace(/\s+/g, ' ');
  if (!t) return null;
  const lower = t.toLowerCase();
  if (lower in STATES) return STATES[lower];
  const upper = t.toUpperCase();
  if (upper in STATE_NAMES) return upper;
  const noDots = lower.replace(/\./g, '').replace(/^washington,? dc$/, 'dc');
  if (noDots === 'dc' || noDots === 'washington dc') return 'DC';
  return null;
}

/** The conventional name of a USPS code (`DC` -> `District of Columbia`). */
export function stateName(code: string): string {
  return STATE_NAMES[code] ?? code;
}

/** The four NCES locale groups the data set uses. */
export const LOCALES = ['City', 'Suburb', 'Town', 'Rural'] as const;

/** Canonical locale (`city` -> `City`); null if not one of the four. */
export function canonicalLocale(raw: string): string | null {
  const t = (raw ?? '').trim().toLowerCase();
  for (const l of LOCALES) if (l.toLowerCase() === t) return l;
  return null;
}

/** `Sector(s)`: `PreK-12; Higher Ed; Corporate` -> three sectors. */
export function splitSectors(raw: string): string[] {
  const out: string[] = [];
  for (const part of (raw ?? '').split(';')) {
    const s = part.trim().replace(/\s+/g, ' ');
    if (s && !isSuppressedToken(s) && !out.includes(s)) out.push(s);
  }
  return out;
}

export type FunctionCategory = 'LC' | 'CM' | 'SDO' | 'LC/CM/SDO';

export interface EssentialFunction {
  /** LC (Learning & Curriculum), CM (Classroom Management), SDO (School & District Operations) or LC/CM/SDO. */
  main: FunctionCategory | null;
  /** The rest of the label, e.g. `Digital Learning Platforms`; null when absent. */
  sub: string | null;
  raw: string;
}

export const FUNCTION_CATEGORY_NAMES: Record<FunctionCategory, string> = {
  LC: 'Learning & Curriculum',
  CM: 'Classroom Management',
  SDO: 'School & District Operations',
  'LC/CM/SDO': 'Other (LC/CM/SDO)',
};

const FUNCTION_RE =
  /^\s*(LC\s*\/\s*CM\s*\/\s*SDO|LC|CM|SDO)\s*(?:[-\u2013\u2014:]\s*(.*))?$/i;

/**
 * `Primary Essential Function`: `CM - Classroom Engagement & Instruction - Assessment &
 * Classroom Response` -> main `CM`, sub `Classroom Engagement & Instruction - Assessment &
 * Classroom Response`. Returns `problem` for a non-empty label with no known main category.
 */
export function splitEssentialFunction(
  raw: string,
): EssentialFunction & {problem?: string} {
  const text = (raw ?? '').trim();
  if (!text || isSuppressedToken(text))
    return {main: null, sub: null, raw: text};
  const m = FUNCTION_RE.exec(text);
  if (!m) {
    return {
      main: null,
      sub: text,
      raw: text,
      problem: `essential function "${text}" has no LC, CM or SDO category`,
    };
  }
  const code = m[1].toUpperCase().replace(/\s+/g, '') as FunctionCategory;
  const sub = (m[2] ?? '').trim();
  return {main: code, sub: sub || null, raw: text};
}

/** `YYYY-MM-DD` from `YYYY-MM-DD`, `YYYY-MM-DD hh:mm:ss`, `YYYY/MM/DD` or `M/D/YYYY`; null if unreadable. */
export function parseDay(raw: string): string | null {
  const t = (raw ?? '').trim();
  let y: number, mo: number, d: number;
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?$/.exec(t);
  if (m) {
    y = +m[1];
    mo = +m[2];
    d = +m[3];
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
    if (!m) return null;
    y = +m[3];
    mo = +m[1];
    d = +m[2];
  }
  if (mo < 1 || mo > 12 || d < 1) return null;
  const dim = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (d > dim[mo - 1]) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Normalises a header cell for matching: case, spaces, BOM and quotes ignored. */
export function headerKey(raw: string): string {
  return (raw ?? '')
    .replace(/^\ufeff/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}
