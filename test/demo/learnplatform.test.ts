import {createDemoDistrict} from '../../src/demo';

/** RFC 4180 reader (quotes, doubled quotes, commas and line breaks inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const RANGE = /^\[(\d+(?:\.\d+)?), (\d+(?:\.\d+)?)\[$/;

describe('LearnPlatform export of the demo district', () => {
  const d = createDemoDistrict({schools: 8, days: 120, seed: 21});
  const {files} = d.learnPlatformCsv();

  test('one engagement file per school, plus products and districts', () => {
    const names = Object.keys(files).sort();
    expect(names).toContain('products_info.csv');
    expect(names).toContain('districts_info.csv');
    const engagement = names.filter(n => n.startsWith('engagement_data/'));
    expect(engagement.sort()).toEqual(
      d.schools
        .map(s => `engagement_data/${s.learnPlatformDistrictId}.csv`)
        .sort(),
    );
  });

  test('products_info.csv: published header, quoted commas and quotes survive', () => {
    const text = files['products_info.csv'];
    expect(
      text.startsWith(
        'LP ID,URL,Product Name,Provider/Company Name,Sector(s),Primary Essential Function\n',
      ),
    ).toBe(true);
    expect(text).toContain('"Pearson Realize, Revel"');
    const rows = parseCsv(text);
    for (const r of rows) expect(r).toHaveLength(6);
    const names = rows.slice(1).map(r => r[2]);
    expect(names).toContain('Pearson Realize, Revel');
    expect(names).toContain('"CommonLit" Reading');
    expect(names).toContain('Google Classroom');
    for (const r of rows.slice(1)) {
      expect(r[0]).toMatch(/^\d{5}$/);
      expect(r[5]).toMatch(/^(LC|CM|SDO|LC\/CM\/SDO) - /);
      if (r[4])
        for (const s of r[4].split('; '))
          expect(['PreK-12', 'Higher Ed', 'Corporate']).toContain(s);
    }
    expect(rows.slice(1).some(r => r[4] === '')).toBe(true);
  });

  test('districts_info.csv: half-open ranges, suppressed values blank, one row per school', () => {
    const rows = parseCsv(files['districts_info.csv']);
    expect(rows[0]).toEqual([
      'district_id',
      'state',
      'locale',
      'pct_black/hispanic',
      'pct_free/reduced',
      'county_connections_ratio',
      'pp_total_raw',
    ]);
    expect(rows.length - 1).toBe(8);
    for (const r of rows.slice(1)) {
      expect(r[1]).toBe('New York');
      expect(['City', 'Suburb']).toContain(r[2]);
      for (const v of r.slice(3)) {
        if (v === '') continue;
        const m = RANGE.exec(v);
        expect(m).not.toBeNull();
        expect(Number(m![1])).toBeLessThan(Number(m![2]));
      }
      const s = d.schools.find(x => x.learnPlatformDistrictId === r[0])!;
      if (r[4]) {
        const [, lo, hi] = RANGE.exec(r[4])!.map(Number);
        expect(s.pctFreeReduced).toBeGreaterThanOrEqual(lo);
        expect(s.pctFreeReduced).toBeLessThan(hi);
      }
    }
  });

  test('engagement files: Google Classroom rows are the delivered student activity', () => {
    const school = d.schools[0];
    const rows = parseCsv(
      files[`engagement_data/${school.learnPlatformDistrictId}.csv`],
    );
    expect(rows[0]).toEqual([
      'time',
      'lp_id',
      'pct_access',
      'engagement_index',
    ]);
    const body = rows.slice(1);
    for (const r of body) {
      expect(r).toHaveLength(4);
      expect(r[0] >= d.startDate && r[0] <= d.endDate).toBe(true);
      expect(r[1]).toMatch(/^(\d+\.0)?$/);
      expect(r[2]).toMatch(/^\d+\.\d{1,2}$/);
      expect(r[3]).toMatch(/^(\d+\.\d{1,2})?$/);
      expect(Number(r[2])).toBeLessThanOrEqual(100);
    }
    const classroom = body.filter(r => r[1] === '32213.0');
    expect(classroom.length).toBeGreaterThan(60);
    for (const r of classroom) {
      const t = d.truth.daily.find(
        x =>
          x.schoolId === school.schoolId &&
          x.role === 'student' &&
          x.date === r[0],
      );
      const active = t ? t.classroomActiveUsers : 0;
      expect(Number(r[2])).toBeCloseTo(
        (100 * active) / school.enrolledStudents,
        2,
      );
      if (active === 0) expect(r[3]).toBe('');
    }
    // Several products per district, missing engagement kept blank, never zero-filled.
    expect(new Set(body.map(r => r[1])).size).toBeGreaterThan(5);
    expect(body.some(r => r[3] === '')).toBe(true);
  });

  test('byte-order mark and CRLF on request; same seed, same files', () => {
    const q = d.learnPlatformCsv({bom: true, crlf: true});
    for (const text of Object.values(q.files)) {
      expect(text.charCodeAt(0)).toBe(0xfeff);
      expect(text).toContain('\r\n');
      expect(/[^\r]\n/.test(text)).toBe(false);
    }
    const rows = parseCsv(q.files['products_info.csv'].slice(1));
    expect(rows[0][0]).toBe('LP ID');
    const again = createDemoDistrict({
      schools: 8,
      days: 120,
      seed: 21,
    }).learnPlatformCsv();
    expect(again.files).toEqual(files);
    const clean = d.learnPlatformCsv({quirks: false}).files;
    const any = Object.keys(clean).find(n => n.startsWith('engagement_data/'))!;
    for (const r of parseCsv(clean[any]).slice(1))
      expect(r[1]).toMatch(/^\d+$/);
  });
});
