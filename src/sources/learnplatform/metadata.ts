/**
 * `products_info.csv` and `districts_info.csv` of the LearnPlatform COVID-19 data set.
 * Columns are matched by header name (case and `_`/space insensitive), so a re-saved file
 * with reordered or extra columns still reads. Bad rows get a warning naming file and line;
 * the rest is imported.
 * Pure: no Apps Script or Node globals.
 */
import {InputError} from '../../core/errors';
import {parseCsv} from './csv';
import {
  Band,
  EssentialFunction,
  canonicalLocale,
  headerKey,
  isSuppressedToken,
  normaliseId,
  parseBand,
  splitEssentialFunction,
  splitSectors,
  stateCode,
  stateName,
} from './fields';
import {WarningLog} from './warnings';

export interface Product {
  /** `LP ID` in products_info.csv, `lp_id` in the engagement files. */
  lpId: string;
  url: string;
  name: string;
  provider: string;
  sectors: string[];
  essentialFunction: EssentialFunction;
}

export const BAND_FIELDS = [
  'pctBlackHispanic',
  'pctFreeReduced',
  'countyConnectionsRatio',
  'ppTotalRaw',
] as const;
export type BandField = (typeof BAND_FIELDS)[number];

/** The published column of each banded field. */
export const BAND_COLUMNS: Record<BandField, string> = {
  pctBlackHispanic: 'pct_black/hispanic',
  pctFreeReduced: 'pct_free/reduced',
  countyConnectionsRatio: 'county_connections_ratio',
  ppTotalRaw: 'pp_total_raw',
};

export interface District {
  districtId: string;
  /** State as conventionally named (`District of Columbia`), the raw text if unknown, '' if suppressed. */
  state: string;
  /** USPS code; null when suppressed or unknown. */
  stateCode: string | null;
  /** City, Suburb, Town or Rural; null when suppressed or unknown. */
  locale: string | null;
  bands: Record<BandField, Band>;
}

interface Columns {
  index: Record<string, number>;
  width: number;
}

function mapHeader(
  header: string[],
  required: Record<string, string[]>,
  optional: Record<string, string[]>,
  file: string,
): Columns {
  const keys = header.map(headerKey);
  const index: Record<string, number> = {};
  const find = (aliases: string[]) =>
    keys.findIndex(k => aliases.some(a => headerKey(a) === k));
  for (const [name, aliases] of Object.entries(required)) {
    const i = find(aliases);
    if (i < 0) {
      throw new InputError(
        file,
        `missing column "${aliases[0]}" (header: ${header.join(', ')})`,
      );
    }
    index[name] = i;
  }
  for (const [name, aliases] of Object.entries(optional)) {
    const i = find(aliases);
    if (i >= 0) index[name] = i;
  }
  return {index, width: header.length};
}

/** Warns about rows wider or narrower than the header; returns the cell getter. */
function rowCells(
  fields: string[],
  cols: Columns,
  file: string,
  line: number,
  log: WarningLog,
): (name: string) => string {
  if (fields.length > cols.width) {
    const extra = fields.slice(cols.width);
    log.add(
      file,
      line,
      'extra-columns',
      `${fields.length - cols.width} column(s) beyond the header ignored (${JSON.stringify(extra).slice(0, 80)})`,
    );
  } else if (fields.length < cols.width) {
    log.add(
      file,
      line,
      'short-row',
      `${fields.length} of ${cols.width} columns; the missing ones read as blank`,
    );
  }
  return name => {
    const i = cols.index[name];
    return i === undefined ? '' : (fields[i] ?? '');
  };
}

export function parseProducts(
  text: string,
  file: string,
  log: WarningLog,
): Product[] {
  const records = parseCsv(text, (line, message) =>
    log.add(file, line, 'csv-syntax', message),
  );
  if (records.length === 0) throw new InputError(file, 'empty file');
  const cols = mapHeader(
    records[0].fields,
    {lpId: ['LP ID', 'lp_id', 'lpid']},
    {
      url: ['URL'],
      name: ['Product Name', 'product_name', 'name'],
      provider: ['Provider/Company Name', 'provider', 'company'],
      sectors: ['Sector(s)', 'sectors', 'sector'],
      fn: ['Primary Essential Function', 'primary_essential_function'],
    },
    file,
  );
  const out: Product[] = [];
  const seen = new Set<string>();
  for (let r = 1; r < records.length; r++) {
    const {fields, line} = records[r];
    const cell = rowCells(fields, cols, file, line, log);
    const rawId = cell('lpId');
    const lpId = normaliseId(rawId);
    if (lpId === null) {
      if (rawId.trim() === '' || isSuppressedToken(rawId)) {
        log.add(file, line, 'blank-id', 'blank LP ID: product row skipped');
      } else {
        log.add(
          file,
          line,
          'bad-id',
          `LP ID "${rawId}" is not a number: row skipped`,
        );
      }
      continue;
    }
    if (seen.has(lpId)) {
      log.add(
        file,
        line,
        'duplicate-id',
        `LP ID ${lpId} repeated: first row kept`,
      );
      continue;
    }
    seen.add(lpId);
    const fn = splitEssentialFunction(cell('fn'));
    if (fn.problem) log.add(file, line, 'bad-function', fn.problem);
    out.push({
      lpId,
      url: cell('url').trim(),
      name: cell('name').trim(),
      provider: cell('provider').trim(),
      sectors: splitSectors(cell('sectors')),
      essentialFunction: {main: fn.main, sub: fn.sub, raw: fn.raw},
    });
  }
  return out;
}

export function parseDistricts(
  text: string,
  file: string,
  log: WarningLog,
): District[] {
  const records = parseCsv(text, (line, message) =>
    log.add(file, line, 'csv-syntax', message),
  );
  if (records.length === 0) throw new InputError(file, 'empty file');
  const bandAliases: Record<string, string[]> = {};
  for (const f of BAND_FIELDS) bandAliases[f] = [BAND_COLUMNS[f]];
  const cols = mapHeader(
    records[0].fields,
    {districtId: ['district_id', 'district id', 'districtid']},
    {state: ['state'], locale: ['locale'], ...bandAliases},
    file,
  );
  const out: District[] = [];
  const seen = new Set<string>();
  for (let r = 1; r < records.length; r++) {
    const {fields, line} = records[r];
    const cell = rowCells(fields, cols, file, line, log);
    const rawId = cell('districtId');
    const districtId = normaliseId(rawId);
    if (districtId === null) {
      log.add(
        file,
        line,
        rawId.trim() ? 'bad-id' : 'blank-id',
        rawId.trim()
          ? `district_id "${rawId}" is not a number: row skipped`
          : 'blank district_id: row skipped',
      );
      continue;
    }
    if (seen.has(districtId)) {
      log.add(
        file,
        line,
        'duplicate-id',
        `district_id ${districtId} repeated: first row kept`,
      );
      continue;
    }
    seen.add(districtId);
    const rawState = cell('state').trim();
    let state = '';
    let code: string | null = null;
    if (!isSuppressedToken(rawState)) {
      code = stateCode(rawState);
      if (code) state = stateName(code);
      else {
        state = rawState;
        log.add(
          file,
          line,
          'unknown-state',
          `unknown state "${rawState}": district kept without a state code`,
        );
      }
    }
    const rawLocale = cell('locale').trim();
    let locale: string | null = null;
    if (!isSuppressedToken(rawLocale)) {
      locale = canonicalLocale(rawLocale);
      if (!locale) {
        log.add(
          file,
          line,
          'unknown-locale',
          `unknown locale "${rawLocale}" (expected City, Suburb, Town or Rural)`,
        );
      }
    }
    const bands = {} as Record<BandField, Band>;
    for (const f of BAND_FIELDS) {
      const b = parseBand(cell(f));
      if (b.problem) {
        log.add(file, line, 'bad-range', `${BAND_COLUMNS[f]}: ${b.problem}`);
      }
      const {problem: _ignored, ...band} = b;
      void _ignored;
      bands[f] = band;
    }
    out.push({districtId, state, stateCode: code, locale, bands});
  }
  return out;
}
