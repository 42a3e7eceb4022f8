/**
 * A LearnPlatform-format folder on the local disk, for the runner's
 * `--source learnplatform:DIR`. Node-only (never bundled into dist/Code.js).
 * Layout as published: DIR/products_info.csv, DIR/districts_info.csv,
 * DIR/engagement_data/<district_id>.csv; engagement files in deeper sub-folders are found
 * too, and file names match case-insensitively.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
} from 'node:fs';
import {join, relative, resolve, sep} from 'node:path';
import {StringDecoder} from 'node:string_decoder';
import {InputError} from '../../core/errors';
import type {EngagementFileRef, LearnPlatformFiles} from './importer';

const METADATA: Record<'products' | 'districts', string> = {
  products: 'products_info.csv',
  districts: 'districts_info.csv',
};

function walk(dir: string, out: string[]) {
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

export class LearnPlatformDirectory implements LearnPlatformFiles {
  readonly root: string;
  private readonly all: string[] = [];

  constructor(
    dir: string,
    private readonly chunkBytes = 1 << 20,
  ) {
    this.root = resolve(dir);
    if (!existsSync(this.root) || !statSync(this.root).isDirectory()) {
      throw new InputError(
        '--source',
        `learnplatform: ${dir} is not a directory`,
      );
    }
    walk(this.root, this.all);
    this.all.sort();
  }

  describe(): string {
    return `directory ${this.root}`;
  }

  private rel(p: string): string {
    return relative(this.root, p).split(sep).join('/');
  }

  readMetadata(kind: 'products' | 'districts') {
    const want = METADATA[kind];
    // Prefer the top-level file; otherwise the shallowest match.
    const matches = this.all
      .filter(p => this.rel(p).split('/').pop()!.toLowerCase() === want)
      .sort(
        (a, b) => this.rel(a).split('/').length - this.rel(b).split('/').length,
      );
    if (!matches.length) return null;
    return {name: this.rel(matches[0]), text: readFileSync(matches[0], 'utf8')};
  }

  listEngagementFiles(): EngagementFileRef[] {
    const metadata = new Set(Object.values(METADATA));
    const csvs = this.all.filter(p => /\.csv$/i.test(p));
    const inFolder = csvs.filter(p =>
      this.rel(p)
        .toLowerCase()
        .split('/')
        .slice(0, -1)
        .includes('engagement_data'),
    );
    const chosen = inFolder.length
      ? inFolder
      : csvs.filter(
          p => !metadata.has(this.rel(p).split('/').pop()!.toLowerCase()),
        );
    return chosen.map(p => ({name: this.rel(p), ref: p}));
  }

  readEngagement(
    file: EngagementFileRef,
    onChunk: (text: string) => void,
  ): void {
    const fd = openSync(file.ref, 'r');
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.alloc(this.chunkBytes);
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n <= 0) break;
        const text = decoder.write(buf.subarray(0, n));
        if (text) onChunk(text);
      }
      const rest = decoder.end();
      if (rest) onChunk(rest);
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * The directory as the offline runtime's Drive folder (`createOfflineRuntime({drive})`), for
 * running the bundle's LearnPlatform source locally, and the earliest day of its engagement
 * files (the `startDate` to plan from). The fake Drive folder is flat: engagement files sit
 * beside the metadata, which the Drive reader accepts.
 */
export function learnPlatformDriveData(
  dir: string,
  folderId = 'learnplatform',
): {
  drive: {
    folders: Record<
      string,
      {name: string; files: {name: string; mimeType: string; content: string}[]}
    >;
  };
  folderId: string;
  firstDay: string | null;
} {
  const lp = new LearnPlatformDirectory(dir);
  const files: {name: string; mimeType: string; content: string}[] = [];
  for (const kind of ['products', 'districts'] as const) {
    const m = lp.readMetadata(kind);
    if (m)
      files.push({name: METADATA[kind], mimeType: 'text/csv', content: m.text});
  }
  let firstDay: string | null = null;
  const seen = new Set<string>();
  for (const f of lp.listEngagementFiles()) {
    const name = f.name.split('/').pop()!;
    if (seen.has(name.toLowerCase())) continue; // one file per district name in a flat folder
    seen.add(name.toLowerCase());
    const content = readFileSync(f.ref, 'utf8');
    files.push({name, mimeType: 'text/csv', content});
    for (const m of content.matchAll(/^\s*"?(\d{4}-\d{2}-\d{2})/gm)) {
      if (firstDay === null || m[1] < firstDay) firstDay = m[1];
    }
  }
  return {
    drive: {folders: {[folderId]: {name: dir, files}}},
    folderId,
    firstDay,
  };
}
