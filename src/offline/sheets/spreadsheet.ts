/** The SpreadsheetApp global and the Spreadsheet object it hands out. */
import type {Engine} from '../engine';
import {ConditionalFormatRuleBuilder} from './conditional';
import {SheetModel, SpreadsheetStore} from './model';
import type {Range} from './range';
import {Sheet, checkSheetName} from './sheet';
import {Ui} from './ui';

export function makeSpreadsheetApp(book: SpreadsheetStore) {
  const engine = book.engine;
  const spreadsheet = new Spreadsheet(book);
  const ui = new Ui(book.host);
  return {
    getActiveSpreadsheet: () =>
      engine.call('SpreadsheetApp.getActiveSpreadsheet', () => spreadsheet),
    getActive: () => engine.call('SpreadsheetApp.getActive', () => spreadsheet),
    getActiveSheet: () =>
      engine.call('SpreadsheetApp.getActiveSheet', () =>
        spreadsheet.sheetObject(book.sheets[book.active]),
      ),
    getUi: () =>
      engine.call('SpreadsheetApp.getUi', () => {
        if (!book.host.uiAllowed()) {
          throw engine.error(
            'Cannot call SpreadsheetApp.getUi() from this context.',
          );
        }
        return ui;
      }),
    flush: () => engine.call('SpreadsheetApp.flush', () => undefined),
    openById: (id: string) =>
      engine.call('SpreadsheetApp.openById', () => {
        if (id === book.id) return spreadsheet;
        throw engine.error(
          'Unexpected error while getting the method or property openById on object SpreadsheetApp.',
        );
      }),
    newConditionalFormatRule: () =>
      engine.call(
        'SpreadsheetApp.newConditionalFormatRule',
        () => new ConditionalFormatRuleBuilder(book),
      ),
    InterpolationType: {
      NUMBER: 'NUMBER',
      PERCENT: 'PERCENT',
      PERCENTILE: 'PERCENTILE',
      MIN: 'MIN',
      MAX: 'MAX',
    },
    BooleanCriteria: {
      NUMBER_GREATER_THAN: 'NUMBER_GREATER_THAN',
      NUMBER_LESS_THAN: 'NUMBER_LESS_THAN',
      NUMBER_BETWEEN: 'NUMBER_BETWEEN',
      NUMBER_EQUAL_TO: 'NUMBER_EQUAL_TO',
      TEXT_CONTAINS: 'TEXT_CONTAINS',
      TEXT_EQUAL_TO: 'TEXT_EQUAL_TO',
      CELL_EMPTY: 'CELL_EMPTY',
      CELL_NOT_EMPTY: 'CELL_NOT_EMPTY',
      CUSTOM_FORMULA: 'CUSTOM_FORMULA',
    },
    WrapStrategy: {WRAP: 'WRAP', OVERFLOW: 'OVERFLOW', CLIP: 'CLIP'},
    BorderStyle: {
      SOLID: 'SOLID',
      DOTTED: 'DOTTED',
      DASHED: 'DASHED',
      SOLID_MEDIUM: 'SOLID_MEDIUM',
      SOLID_THICK: 'SOLID_THICK',
      DOUBLE: 'DOUBLE',
    },
    Dimension: {ROWS: 'ROWS', COLUMNS: 'COLUMNS'},
  };
}

export class Spreadsheet {
  // Weak: a deleted sheet's model must not outlive it through its facade.
  private readonly sheetObjects = new WeakMap<SheetModel, Sheet>();
  constructor(private readonly book: SpreadsheetStore) {}
  private get engine(): Engine {
    return this.book.engine;
  }
  /** The one facade object per sheet, as Apps Script hands out equal objects. */
  sheetObject(model: SheetModel): Sheet {
    let s = this.sheetObjects.get(model);
    if (!s) {
      s = new Sheet(this.book, model, this);
      this.sheetObjects.set(model, s);
    }
    return s;
  }
  private list<T>(items: T[]): T[] {
    const arr = new (this.engine.realm().Array)() as T[];
    for (const x of items) arr.push(x);
    return arr;
  }
  getId(): string {
    return this.engine.call('Spreadsheet.getId', () => this.book.id);
  }
  getName(): string {
    return this.engine.call('Spreadsheet.getName', () => this.book.name);
  }
  rename(name: string): void {
    this.engine.call('Spreadsheet.rename', () => {
      this.book.name = String(name);
    });
  }
  getUrl(): string {
    return this.engine.call(
      'Spreadsheet.getUrl',
      () => `https://docs.google.com/spreadsheets/d/${this.book.id}/edit`,
    );
  }
  getSpreadsheetTimeZone(): string {
    return this.engine.call(
      'Spreadsheet.getSpreadsheetTimeZone',
      () => this.book.timeZone,
    );
  }
  setSpreadsheetTimeZone(tz: string): void {
    this.engine.call('Spreadsheet.setSpreadsheetTimeZone', () => {
      this.book.timeZone = String(tz);
    });
  }
  getSpreadsheetLocale(): string {
    return this.engine.call('Spreadsheet.getSpreadsheetLocale', () => 'en_US');
  }
  getSheets(): Sheet[] {
    return this.engine.call('Spreadsheet.getSheets', () =>
      this.list(this.book.sheets.map(s => this.sheetObject(s))),
    );
  }
  getNumSheets(): number {
    return this.engine.call(
      'Spreadsheet.getNumSheets',
      () => this.book.sheets.length,
    );
  }
  getSheetByName(name: string): Sheet | null {
    return this.engine.call('Spreadsheet.getSheetByName', () => {
      const s = this.book.findSheet(String(name));
      return s ? this.sheetObject(s) : null;
    });
  }
  getSheetById(id: number): Sheet | null {
    return this.engine.call('Spreadsheet.getSheetById', () => {
      const s = this.book.sheets.find(x => x.id === id);
      return s ? this.sheetObject(s) : null;
    });
  }
  getActiveSheet(): Sheet {
    return this.engine.call('Spreadsheet.getActiveSheet', () =>
      this.sheetObject(this.book.sheets[this.book.active]),
    );
  }
  setActiveSheet(sheet: Sheet): Sheet {
    return this.engine.call('Spreadsheet.setActiveSheet', () => {
      const i = this.book.sheets.indexOf(sheet.model);
      if (i < 0) throw this.engine.error('Sheet not found.');
      this.book.active = i;
      return sheet;
    });
  }
  /** Moves the active sheet to a 1-based position; it stays active. */
  moveActiveSheet(pos: number): void {
    this.engine.call('Spreadsheet.moveActiveSheet', () => {
      const n = this.book.sheets.length;
      if (!Number.isInteger(pos) || pos < 1 || pos > n) {
        throw this.engine.error(`Sheet index ${pos} is out of range.`);
      }
      const [model] = this.book.sheets.splice(this.book.active, 1);
      this.book.sheets.splice(pos - 1, 0, model);
      this.book.active = pos - 1;
    });
  }
  insertSheet(a?: unknown, b?: unknown): Sheet {
    return this.engine.call('Spreadsheet.insertSheet', () => {
      let name: string | undefined;
      let index = this.book.sheets.length;
      if (typeof a === 'string') {
        name = a;
        if (typeof b === 'number') index = b;
      } else if (typeof a === 'number') {
        index = a;
      }
      if (index < 0 || index > this.book.sheets.length) {
        throw this.engine.error(`Sheet index ${index} is out of range.`);
      }
      if (name === undefined) {
        let n = this.book.sheets.length + 1;
        while (this.book.findSheet(`Sheet${n}`)) n++;
        name = `Sheet${n}`;
      }
      checkSheetName(this.engine, name);
      if (this.book.findSheet(name)) {
        throw this.engine.error(
          `A sheet with the name "${name}" already exists. Please enter another name.`,
        );
      }
      const model = this.book.addSheet(name, index);
      // insertSheet makes the new sheet the active one.
      this.book.active = this.book.sheets.indexOf(model);
      return this.sheetObject(model);
    });
  }
  deleteSheet(sheet: Sheet): void {
    this.engine.call('Spreadsheet.deleteSheet', () => {
      const i = this.book.sheets.indexOf(sheet.model);
      if (i < 0) throw this.engine.error('Sheet not found.');
      if (
        this.book.sheets.filter(s => !s.hidden || s === sheet.model).length <=
          1 ||
        this.book.sheets.length === 1
      ) {
        throw this.engine.error(
          "You can't remove all the sheets in a document.",
        );
      }
      this.book.sheets.splice(i, 1);
      sheet.deleted = true;
      if (
        this.book.active >= this.book.sheets.length ||
        this.book.active === i
      ) {
        this.book.active = 0;
      }
    });
  }
  getRange(a1: string): Range {
    return this.engine.call('Spreadsheet.getRange', () => {
      const m = /^(?:'((?:[^']|'')+)'|([^!]+))!(.+)$/.exec(String(a1));
      const model = m
        ? this.book.findSheet(
            m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2],
          )
        : this.book.sheets[this.book.active];
      if (!model) throw this.engine.error('Range not found');
      return this.sheetObject(model).rangeFromA1(m ? m[3] : String(a1));
    });
  }
  toast(message: string, title = ''): void {
    this.engine.call('Spreadsheet.toast', () => {
      this.book.host.ui.toasts.push({
        message: String(message),
        title: String(title),
      });
    });
  }
  getOwner(): null {
    return null;
  }
}
