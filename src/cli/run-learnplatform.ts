/**
 * `run --source learnplatform:DIR`: a folder in the LearnPlatform COVID-19 data set format
 * (products_info.csv, districts_info.csv, engagement_data/<district_id>.csv) served to the
 * bundle as a Drive folder, imported and analysed by the real job, as in Apps Script.
 */
import {
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import {join, relative, resolve} from 'node:path';
import {InputError} from '../core/errors';
import type {Settings} from '../core/types';
import {createOfflineRuntime} from '../offline/runtime';
import type {Snapshot} from '../sheets/view-types';
import {renderReportHtml} from '../ui/report';
import {exportWorkbook} from './export-xlsx';
import {drainRuns, openSession, type Progress} from './session';
import {tabRecords} from './summary';

const FOLDER_ID = 'learnplatform-export';

function csvFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...csvFiles(p));
    else if (/\.csv$/i.test(name)) out.push(p);
  }
  return out.sort();
}

export async function learnPlatformRun(
  args: {source: string; out: string; freshContexts: boolean},
  distDir: string,
  progress: Progress,
): Promise<void> {
  const dir = resolve(args.source.slice('learnplatform:'.length));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError('--source', `no such folder: ${dir}`);
  }
  const files = csvFiles(dir);
  const names = files.map(f => relative(dir, f).toLowerCase());
  for (const need of ['products_info.csv', 'districts_info.csv']) {
    if (!names.some(n => n.endsWith(need))) {
      throw new InputError('--source', `${dir} has no ${need}`);
    }
  }
  progress.line(`${files.length} CSV files in ${dir}`, true);
  // The run happens two days after the data set's last day, and ingests from its first.
  let first = '';
  let last = '';
  for (const f of files) {
    if (
      !/engagement/i.test(relative(dir, f)) &&
      !/^\d+\.csv$/i.test(f.split(/[\\/]/).pop()!)
    )
      continue;
    for (const m of readFileSync(f, 'utf8').matchAll(
      /^\uFEFF?"?(\d{4}-\d{2}-\d{2})/gm,
    )) {
      if (!first || m[1] < first) first = m[1];
      if (m[1] > last) last = m[1];
    }
  }
  if (!last)
    throw new InputError(
      '--source',
      `${dir} has no engagement rows with dates`,
    );
  const [y, mo, d] = last.split('-').map(Number);
  // The Drive folder holds the files flat: the importer finds engagement files by name.
  const rt = createOfflineRuntime({
    drive: {
      folders: {
        [FOLDER_ID]: {
          name: 'LearnPlatform export',
          files: files.map(f => ({
            name: f.split(/[\\/]/).pop()!,
            mimeType: 'text/csv',
            content: readFileSync(f, 'utf8'),
          })),
        },
      },
    },
    startTime: Date.UTC(y, mo - 1, d + 2, 14),
    htmlDir: distDir,
    spreadsheetName: 'Classroom Pulse (LearnPlatform)',
    reuseContexts: !args.freshContexts,
  });
  const s = openSession(rt, distDir);
  s.call('onOpen');
  const settings: Partial<Settings> = {
    source: 'learnplatform',
    learnPlatformFolderId: FOLDER_ID,
    startDate: first,
  };
  s.call('saveSettings', settings);
  s.call('runNow');
  drainRuns(s, progress);
  const snapshot = s.call('getSnapshot') as Snapshot;
  const out = resolve(args.out);
  const {mkdirSync} = await import('node:fs');
  mkdirSync(out, {recursive: true});
  const tabs = await exportWorkbook(rt.spreadsheet, join(out, 'workbook.xlsx'));
  writeFileSync(join(out, 'report.html'), renderReportHtml(snapshot));
  const runs = tabRecords(rt.spreadsheet, 'Run log');
  const summary = {
    source: 'learnplatform',
    folder: dir,
    files: files.length,
    districts: tabRecords(rt.spreadsheet, 'lk_weekly')
      .map(r => r.school_id)
      .filter((v, i, a) => a.indexOf(v) === i).length,
    executions: runs.reduce(
      (n, r) => n + Number(r.Executions ?? r.executions ?? 0),
      0,
    ),
    serviceCalls: rt.calls.byName(),
    lastRun: snapshot.state.lastRun,
    tabs,
  };
  writeFileSync(
    join(out, 'summary.json'),
    JSON.stringify(summary, null, 2) + '\n',
  );
  process.stdout.write(
    `\nClassroom Pulse: LearnPlatform import\n  files ${files.length}\n  last run ${JSON.stringify(snapshot.state.lastRun)}\n  outputs ${join(out, 'workbook.xlsx')}, report.html, summary.json\n`,
  );
}
