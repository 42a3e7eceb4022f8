/**
 * The Drive layer of the LearnPlatform import against small fakes of DriveApp and
 * SpreadsheetApp that keep the documented shapes (iterators, blobs, sub-folders, cells of
 * at most 50,000 characters).
 */
import {
  DriveLearnPlatformFolder,
  SheetCheckpointStore,
} from '../../src/sources/learnplatform/drive';
import {
  importAll,
  runImportStep,
} from '../../src/sources/learnplatform/importer';
import {MemoryFiles, fixtureFiles} from './fixtures';

interface FakeFolder {
  name: string;
  files: Record<string, string>;
  folders: FakeFolder[];
}

function iterator<T>(items: T[]) {
  let i = 0;
  return {
    hasNext: () => i < items.length,
    next: () => {
      if (i >= items.length)
        throw new Error(
          'Cannot retrieve the next object: iterator has reached the end.',
        );
      return items[i++];
    },
  };
}

function installDrive(root: FakeFolder, rootId: string) {
  const byId = new Map<string, string>();
  let n = 0;
  const folderObj = (f: FakeFolder): unknown => ({
    getName: () => f.name,
    getFiles: () =>
      iterator(
        Object.entries(f.files).map(([name, text]) => {
          const id = `file${n++}`;
          byId.set(id, text);
          return {getName: () => name, getId: () => id};
        }),
      ),
    getFolders: () => iterator(f.folders.map(folderObj)),
  });
  const reads: string[] = [];
  (globalThis as Record<string, unknown>).DriveApp = {
    getFolderById: (id: string) => {
      if (id !== rootId)
        throw new Error(
          'No item with the given ID could be found, or you do not have permission to access it.',
        );
      return folderObj(root);
    },
    getFileById: (id: string) => {
      if (!byId.has(id))
        throw new Error('No item with the given ID could be found');
      return {
        getBlob: () => ({
          getDataAsString: (charset?: string) => {
            expect(charset).toBe('UTF-8');
            reads.push(id);
            return byId.get(id)!;
          },
        }),
      };
    },
  };
  return reads;
}

function driveTree(): FakeFolder {
  const f = fixtureFiles();
  return {
    name: 'LearnPlatform 2020',
    files: {
      'products_info.csv': f['products_info.csv'],
      'districts_info.csv': f['districts_info.csv'],
      'README.md': '#',
    },
    folders: [
      {
        name: 'engagement_data',
        files: {
          '1000.csv': f['engagement_data/1000.csv'],
          '3000.csv': f['engagement_data/3000.csv'],
          '9000.csv': f['engagement_data/9000.csv'],
        },
        folders: [
          {
            name: 'batch2',
            files: {'2000.csv': f['engagement_data/batch2/2000.csv']},
            folders: [],
          },
        ],
      },
    ],
  };
}

describe('DriveLearnPlatformFolder', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).DriveApp;
    delete (globalThis as Record<string, unknown>).SpreadsheetApp;
  });

  it('finds the engagement files in sub-folders and imports as from disk', () => {
    installDrive(driveTree(), 'folder-1');
    const drive = new DriveLearnPlatformFolder('folder-1');
    expect(drive.listEngagementFiles().map(f => f.name)).toEqual([
      'engagement_data/1000.csv',
      'engagement_data/3000.csv',
      'engagement_data/9000.csv',
      'engagement_data/batch2/2000.csv',
    ]);
    const fromDrive = importAll(drive);
    const fromMemory = importAll(new MemoryFiles(fixtureFiles()));
    expect(fromDrive.aggregates).toEqual(fromMemory.aggregates);
    expect(fromDrive.products).toEqual(fromMemory.products);
  });

  it('names the setting when the folder is missing or unset', () => {
    installDrive(driveTree(), 'folder-1');
    expect(() => new DriveLearnPlatformFolder('')).toThrow(
      /learnPlatformFolderId/,
    );
    expect(() =>
      new DriveLearnPlatformFolder('nope').listEngagementFiles(),
    ).toThrow(/learnPlatformFolderId: Drive folder nope cannot be opened/);
  });

  it('checkpoints in a hidden tab in cells under the Sheets limit and resumes', () => {
    installDrive(driveTree(), 'folder-1');
    const cells: string[] = [];
    let hidden = false;
    let exists = false;
    const sheet = {
      getLastRow: () => cells.length,
      getRange: (row: number, col: number, rows: number) => ({
        getValues: () => cells.slice(row - 1, row - 1 + rows).map(v => [v]),
        setNumberFormat: (f: string) => expect(f).toBe('@'),
        setValues: (vals: string[][]) => {
          expect(vals).toHaveLength(rows);
          vals.forEach(([v], i) => {
            expect(v.length).toBeLessThanOrEqual(50000);
            cells[row - 1 + i] = v;
          });
        },
      }),
      clearContents: () => (cells.length = 0),
      hideSheet: () => (hidden = true),
    };
    (globalThis as Record<string, unknown>).SpreadsheetApp = {
      getActiveSpreadsheet: () => ({
        getSheetByName: (n: string) =>
          exists && n === '_lp_import' ? sheet : null,
        insertSheet: () => {
          exists = true;
          return sheet;
        },
      }),
      flush: () => {},
    };
    const store = new SheetCheckpointStore();
    expect(store.load()).toBeNull();
    const big = 'x'.repeat(120000);
    store.save(JSON.stringify({big}));
    expect(hidden).toBe(true);
    expect(cells.length).toBe(3);
    expect(cells.every(c => c.startsWith('j:'))).toBe(true);
    expect(JSON.parse(store.load()!).big).toBe(big);
    store.clear();
    expect(store.load()).toBeNull();

    const drive = new DriveLearnPlatformFolder('folder-1');
    let t = 0;
    const now = () => (t += 50);
    let p = runImportStep(drive, store, {budgetMs: 150, now});
    let executions = 1;
    while (!p.done) {
      p = runImportStep(new DriveLearnPlatformFolder('folder-1'), store, {
        budgetMs: 150,
        now,
      });
      executions++;
    }
    expect(executions).toBeGreaterThan(1);
    expect(p.dataset!.aggregates).toEqual(
      importAll(new MemoryFiles(fixtureFiles())).aggregates,
    );
  });
});
