/**
 * Writes a what-if result on demand: the `What-if` tab (the scenario's settings above the
 * table) and `lk_whatif` (the table alone, same sheet id across runs). Each tab is written
 * whole through the atomic writer, so a failed write leaves the previous tab as it was.
 */
import type {WhatIfResult} from '../analysis/whatif';
import {bumpDataVersion} from '../platform/viewcache';
import {writeTable} from './outputs';
import {tabArgs} from './tables';
import {
  LK_WHATIF,
  WHATIF,
  whatIfRecords,
  whatIfSettingsRows,
} from './whatif-table';
import {replaceTab, type WriteResult} from './writer';

export function writeWhatIf(
  result: WhatIfResult,
  generated: string,
): WriteResult[] {
  const records = whatIfRecords(result);
  const a = tabArgs(WHATIF, records);
  const width = a.headers.length;
  const pad = (cells: string[]) => [
    ...cells,
    ...new Array<string>(width - cells.length).fill(''),
  ];
  const settings = whatIfSettingsRows(result, generated);
  const rows = [
    ...settings.slice(1).map(([k, v]) => pad([k, v])),
    pad([]),
    a.headers,
    ...a.rows,
  ];
  const admin = replaceTab(WHATIF.name, pad(settings[0]), rows, {
    // Settings rows are text; the table's formats apply below them.
    numberFormats: a.numberFormats.map((f, j) => (j < 2 ? '@' : f)),
    columnWidths: a.columnWidths,
    frozenRows: settings.length + 1,
  });
  const looker = writeTable(LK_WHATIF, records);
  bumpDataVersion();
  return [admin, looker];
}
