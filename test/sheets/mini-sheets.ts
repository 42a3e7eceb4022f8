/**
 * A small in-memory spreadsheet for the writer's unit tests, with Apps Script's argument
 * checks on the calls the writer makes and a hook to make a chosen call fail.
 */
type V = string | number | boolean | Date;

export class MiniRange {
  constructor(
    private sheet: MiniSheet,
    readonly row: number,
    readonly col: number,
    readonly rows: number,
    readonly cols: number,
  ) {}
  private check(values: unknown[][], what: string): void {
    if (values.length !== this.rows) {
      throw new Error(
        `The number of rows in the data does not match the number of rows in the range. The data has ${values.length} but the range has ${this.rows}.`,
      );
    }
    for (const r of values) {
      if (r.length !== this.cols) {
        throw new Error(
          `The number of columns in the data does not match the number of columns in the range. The data has ${r.length} but the range has ${this.cols}.`,
        );
      }
    }
    this.sheet.book.tick(what);
  }
  setValues(values: V[][]): MiniRange {
    this.check(values, 'setValues');
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) {
        this.sheet.set(this.row + i, this.col + j, values[i][j]);
      }
    }
    return this;
  }
  getValues(): V[][] {
    this.sheet.book.tick('getValues');
    const out: V[][] = [];
    for (let i = 0; i < this.rows; i++) {
      const r: V[] = [];
      for (let j = 0; j < this.cols; j++) {
        r.push(this.sheet.get(this.row + i, this.col + j));
      }
      out.push(r);
    }
    return out;
  }
  setNumberFormats(f: string[][]): MiniRange {
    this.check(f, 'setNumberFormats');
    for (let j = 0; j < this.cols; j++)
      this.sheet.formats[this.col + j - 1] = f[0][j];
    return this;
  }
  setFontWeight(): MiniRange {
    return this;
  }
  setBackground(): MiniRange {
    return this;
  }
}

export class MiniSheet {
  cells = new Map<string, V>();
  maxRows = 1000;
  maxCols = 26;
  frozenRows = 0;
  frozenCols = 0;
  hidden = false;
  formats: string[] = [];
  widths: Record<number, number> = {};
  constructor(
    readonly book: MiniBook,
    public name: string,
    readonly id: number,
  ) {}
  get(r: number, c: number): V {
    return this.cells.get(`${r},${c}`) ?? '';
  }
  set(r: number, c: number, v: V): void {
    if (r > this.maxRows || c > this.maxCols)
      throw new Error('Range out of bounds');
    if (v === '' || v === null) this.cells.delete(`${r},${c}`);
    else this.cells.set(`${r},${c}`, v);
  }
  getName(): string {
    return this.name;
  }
  setName(n: string): MiniSheet {
    this.book.tick('setName');
    if (this.book.sheets.some(s => s !== this && s.name === n)) {
      throw new Error(`A sheet with the name "${n}" already exists.`);
    }
    this.name = n;
    return this;
  }
  getSheetId(): number {
    return this.id;
  }
  getIndex(): number {
    return this.book.sheets.indexOf(this) + 1;
  }
  getMaxRows(): number {
    return this.maxRows;
  }
  getMaxColumns(): number {
    return this.maxCols;
  }
  getLastRow(): number {
    let m = 0;
    for (const k of this.cells.keys()) m = Math.max(m, Number(k.split(',')[0]));
    return m;
  }
  getLastColumn(): number {
    let m = 0;
    for (const k of this.cells.keys()) m = Math.max(m, Number(k.split(',')[1]));
    return m;
  }
  insertRowsAfter(_after: number, n: number): MiniSheet {
    this.maxRows += n;
    return this;
  }
  insertColumnsAfter(_after: number, n: number): MiniSheet {
    this.maxCols += n;
    return this;
  }
  deleteRows(start: number, n: number): void {
    if (n >= this.maxRows - this.frozenRows) {
      throw new Error(
        'Sorry, it is not possible to delete all non-frozen rows.',
      );
    }
    // As in Sheets: the rows below move up by n.
    const moved = new Map<string, V>();
    for (const [k, v] of this.cells) {
      const [r, c] = k.split(',').map(Number);
      if (r < start) moved.set(k, v);
      else if (r >= start + n) moved.set(`${r - n},${c}`, v);
    }
    this.cells = moved;
    this.maxRows -= n;
  }
  deleteColumns(start: number, n: number): void {
    for (const k of [...this.cells.keys()]) {
      if (Number(k.split(',')[1]) >= start) this.cells.delete(k);
    }
    this.maxCols -= n;
  }
  getRange(r: number, c: number, nr = 1, nc = 1): MiniRange {
    if (r < 1 || c < 1 || nr < 1 || nc < 1)
      throw new Error(
        'The coordinates of the range are outside the dimensions of the sheet.',
      );
    if (r + nr - 1 > this.maxRows || c + nc - 1 > this.maxCols) {
      throw new Error(
        'The coordinates of the range are outside the dimensions of the sheet.',
      );
    }
    return new MiniRange(this, r, c, nr, nc);
  }
  setFrozenRows(n: number): void {
    this.frozenRows = n;
  }
  setFrozenColumns(n: number): void {
    this.frozenCols = n;
  }
  setColumnWidth(c: number, w: number): void {
    this.widths[c] = w;
  }
  setTabColor(): void {}
  hideSheet(): void {
    this.hidden = true;
  }
  /** Values as a plain array, header first. */
  dump(): V[][] {
    return this.getLastRow() === 0
      ? []
      : this.getRange(
          1,
          1,
          this.getLastRow(),
          this.getLastColumn(),
        ).getValues();
  }
}

export class MiniBook {
  sheets: MiniSheet[] = [];
  private nextId = 0;
  calls: Record<string, number> = {};
  /** Throws when the n-th call of this kind is made (1-based). */
  failOn: {what: string; n: number} | null = null;
  constructor() {
    this.sheets.push(new MiniSheet(this, 'Sheet1', this.nextId++));
  }
  tick(what: string): void {
    this.calls[what] = (this.calls[what] ?? 0) + 1;
    if (
      this.failOn &&
      this.failOn.what === what &&
      this.calls[what] === this.failOn.n
    ) {
      throw new Error(`Service error: Spreadsheets (${what})`);
    }
  }
  getSheetByName(n: string): MiniSheet | null {
    return this.sheets.find(s => s.name === n) ?? null;
  }
  getSheets(): MiniSheet[] {
    return [...this.sheets];
  }
  getNumSheets(): number {
    return this.sheets.length;
  }
  insertSheet(name: string, index?: number): MiniSheet {
    this.tick('insertSheet');
    if (this.getSheetByName(name)) {
      throw new Error(`A sheet with the name "${name}" already exists.`);
    }
    const s = new MiniSheet(this, name, this.nextId++);
    this.sheets.splice(index ?? this.sheets.length, 0, s);
    return s;
  }
  deleteSheet(s: MiniSheet): void {
    this.tick('deleteSheet');
    if (this.sheets.length === 1) {
      throw new Error("You can't remove all the sheets in a document.");
    }
    this.sheets = this.sheets.filter(x => x !== s);
  }
  getSpreadsheetTimeZone(): string {
    return 'America/New_York';
  }
  names(): string[] {
    return this.sheets.map(s => s.name);
  }
}
