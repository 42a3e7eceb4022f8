/**
 * Apps Script layer of the LearnPlatform import: the Drive folder as LearnPlatformFiles,
 * and a checkpoint store in a hidden tab of the bound spreadsheet (the aggregates of a
 * full data set run to megabytes, far beyond the 9 KB of a document property).
 *
 * The folder holds products_info.csv, districts_info.csv and the engagement files, which
 * may sit in an `engagement_data` sub-folder (as published) or deeper; names match
 * case-insensitively.
 */
import {InputError} from '../../core/errors';
import type {
  CheckpointStore,
  EngagementFileRef,
  LearnPlatformFiles,
} from './importer';

const METADATA: Record<'products' | 'districts', string> = {
  products: 'products_info.csv',
  districts: 'districts_info.csv',
};

interface Listed {
  path: string;
  id: string;
}

/** Walks the folder tree once, breadth first, collecting CSV files with their paths. */
function listCsv(folder: GoogleAppsScript.Drive.Folder): Listed[] {
  const out: Listed[] = [];
  const queue: {f: GoogleAppsScript.Drive.Folder; prefix: string}[] = [
    {f: folder, prefix: ''},
  ];
  while (queue.length) {
    const {f, prefix} = queue.shift()!;
    const files = f.getFiles();
    while (files.hasNext()) {
      const file = files.next();
      const name = file.getName();
      if (/\.csv$/i.test(name))
        out.push({path: prefix + name, id: file.getId()});
    }
    const folders = f.getFolders();
    while (folders.hasNext()) {
      const sub = folders.next();
      queue.push({f: sub, prefix: `${prefix}${sub.getName()}/`});
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export class DriveLearnPlatformFolder implements LearnPlatformFiles {
  private listed: Listed[] | null = null;

  constructor(readonly folderId: string) {
    if (!folderId) {
      throw new InputError(
        'learnPlatformFolderId',
        'no Drive folder is set for the LearnPlatform import',
      );
    }
  }

  private folder(): GoogleAppsScript.Drive.Folder {
    try {
      return DriveApp.getFolderById(this.folderId);
    } catch (e) {
      throw new InputError(
        'learnPlatformFolderId',
        `Drive folder ${this.folderId} cannot be opened (${(e as Error).message})`,
      );
    }
  }

  private files(): Listed[] {
    if (!this.listed) this.listed = listCsv(this.folder());
    return this.listed;
  }

  describe(): string {
    return `drive folder ${this.folderId}`;
  }

  readMetadata(kind: 'products' | 'districts') {
    const want = METADATA[kind];
    const matches = this.files()
      .filter(f => f.path.split('/').pop()!.toLowerCase() === want)
      .sort((a, b) => a.path.split('/').length - b.path.split('/').length);
    if (!matches.length) return null;
    const text = DriveApp.getFileById(matches[0].id)
      .getBlob()
      .getDataAsString('UTF-8');
    return {name: matches[0].path, text};
  }

  listEngagementFiles(): EngagementFileRef[] {
    const all = this.files();
    const inFolder = all.filter(f =>
      f.path.toLowerCase().split('/').slice(0, -1).includes('engagement_data'),
    );
    const metadata = new Set(Object.values(METADATA));
    const chosen = inFolder.length
      ? inFolder
      : all.filter(f => !metadata.has(f.path.split('/').pop()!.toLowerCase()));
    return chosen.map(f => ({name: f.path, ref: f.id}));
  }

  readEngagement(
    file: EngagementFileRef,
    onChunk: (text: string) => void,
  ): void {
    // A district file is a few MB at most: one blob read, parsed as a stream.
    onChunk(DriveApp.getFileById(file.ref).getBlob().getDataAsString('UTF-8'));
  }
}

/** Characters per cell; Sheets holds at most 50,000. */
const CELL_CHARS = 45000;
/** Every chunk starts with this, so no chunk can read as a number or a formula. */
const CHUNK_PREFIX = 'j:';

/** A checkpoint kept as text chunks in column A of a hidden tab. */
export class SheetCheckpointStore implements CheckpointStore {
  constructor(readonly tabName = '_lp_import') {}

  private sheet(create: boolean): GoogleAppsScript.Spreadsheet.Sheet | null {
    const ss = SpreadsheetApp.getActiveSpreadsheet();
    let sh = ss.getSheetByName(this.tabName);
    if (!sh && create) {
      sh = ss.insertSheet(this.tabName);
      sh.hideSheet();
    }
    return sh;
  }

  load(): string | null {
    const sh = this.sheet(false);
    if (!sh) return null;
    const n = sh.getLastRow();
    if (n < 1) return null;
    const values = sh.getRange(1, 1, n, 1).getValues();
    let text = '';
    for (const [v] of values) {
      const s = String(v);
      if (!s.startsWith(CHUNK_PREFIX)) return null; // not ours, or damaged: start over
      text += s.slice(CHUNK_PREFIX.length);
    }
    return text;
  }

  save(json: string): void {
    const sh = this.sheet(true)!;
    const rows: string[][] = [];
    for (let i = 0; i < json.length; i += CELL_CHARS) {
      rows.push([CHUNK_PREFIX + json.slice(i, i + CELL_CHARS)]);
    }
    if (!rows.length) rows.push([CHUNK_PREFIX]);
    sh.clearContents();
    const range = sh.getRange(1, 1, rows.length, 1);
    range.setNumberFormat('@');
    range.setValues(rows);
    SpreadsheetApp.flush();
  }

  clear(): void {
    const sh = this.sheet(false);
    if (sh) sh.clearContents();
  }
}
