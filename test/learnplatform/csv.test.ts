import {CsvReader, parseCsv} from '../../src/sources/learnplatform/csv';

function readInChunks(text: string, cuts: number[]) {
  const out: {fields: string[]; line: number}[] = [];
  const problems: string[] = [];
  const r = new CsvReader(
    (fields, line) => out.push({fields, line}),
    (line, m) => problems.push(`${line}:${m}`),
  );
  let prev = 0;
  for (const c of [...cuts, text.length]) {
    r.push(text.slice(prev, c));
    prev = c;
  }
  r.finish();
  return {out, problems};
}

describe('CsvReader', () => {
  const text =
    '\ufeffLP ID,Product Name,Provider/Company Name\r\n' +
    '1,"Kahoot!","Kahoot!, AS"\r\n' +
    '\r\n' +
    '2,"Say ""hi""","multi\r\nline"\r\n' +
    '3,plain,x,extra\n' +
    '4,a"b,c\r' +
    '5,last,row';

  it('handles BOM, CRLF, CR, LF, quoted commas, escaped quotes and embedded breaks', () => {
    const {out, problems} = readInChunks(text, []);
    expect(problems).toEqual([]);
    expect(out).toEqual([
      {fields: ['LP ID', 'Product Name', 'Provider/Company Name'], line: 1},
      {fields: ['1', 'Kahoot!', 'Kahoot!, AS'], line: 2},
      {fields: ['2', 'Say "hi"', 'multi\r\nline'], line: 4},
      {fields: ['3', 'plain', 'x', 'extra'], line: 6},
      {fields: ['4', 'a"b', 'c'], line: 7},
      {fields: ['5', 'last', 'row'], line: 8},
    ]);
  });

  it('gives the same records however the text is cut into chunks', () => {
    const whole = readInChunks(text, []).out;
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        expect(readInChunks(text, [i, j]).out).toEqual(whole);
      }
    }
  });

  it('reports an unterminated quote with its line and keeps the record', () => {
    const {out, problems} = readInChunks('a,b\n1,"open\nstill', []);
    expect(out[1]).toEqual({fields: ['1', 'open\nstill'], line: 2});
    expect(problems).toEqual(['2:unterminated quoted field at end of file']);
  });

  it('keeps empty fields and trailing commas', () => {
    expect(parseCsv('a,b,c\n,,\n1,,3,\n').map(r => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['', '', ''],
      ['1', '', '3', ''],
    ]);
  });
});
