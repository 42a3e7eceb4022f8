// LearnPlatform import benchmark. Writes out/bench/learnplatform.json.
//
// 1. Full published size, measured in Node: 233 districts x 366 days x ~260 product rows a
//    day (about 22 million rows) in the published format and its quirks (lp_id written as
//    a float, blank engagement_index, blank lp_id rows, CRLF), generated file by file and
//    streamed through the importer: rows per second, the heap it needs (aggregates, never
//    the raw rows) and the size of the checkpoint kept between executions.
// 2. Apps Script executions, measured in the offline runtime on a sample of districts read
//    through DriveApp and checkpointed in a hidden tab, then extrapolated to 233 districts
//    (labelled).
//
// Environment: BENCH_LP_DISTRICTS (233), BENCH_LP_PRODUCTS (260), BENCH_LP_SAMPLE (12).
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {join} from 'node:path';
import {loadModules, root} from './bench-kit.mjs';

const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, {recursive: true});
const m = await loadModules('bench-learnplatform', [
  [
    'src/sources/learnplatform/importer',
    'startImport, continueImport, runImportStep',
  ],
  [
    'src/sources/learnplatform/drive',
    'DriveLearnPlatformFolder, SheetCheckpointStore',
  ],
  ['src/analysis/equity', 'analyseEquity'],
  ['src/sources/learnplatform/facts', 'districtDailyFacts'],
  ['src/offline/runtime', 'createOfflineRuntime'],
]);
const log = (...a) => console.log(...a);

const DISTRICTS = Number(process.env.BENCH_LP_DISTRICTS ?? 233);
const PRODUCTS_PER_DAY = Number(process.env.BENCH_LP_PRODUCTS ?? 260);
const SAMPLE = Number(process.env.BENCH_LP_SAMPLE ?? 12);
const DAYS = 366;
const CATALOGUE = 372;
const LP_IDS = 8600;

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const idOf = k => 10000 + ((k * 7919) % 89999);
const products = [
  'LP ID,URL,Product Name,Provider/Company Name,Sector(s),Primary Essential Function',
];
const fns = [
  'LC - Digital Learning Platforms',
  'CM - Classroom Engagement & Instruction - Assessment & Classroom Response',
  '"SDO - Data, Analytics & Reporting"',
  'LC/CM/SDO - Other',
  '"LC - Sites, Resources & Reference - Games & Simulations"',
];
for (let k = 0; k < CATALOGUE; k++) {
  products.push(
    `${idOf(k)},https://p${k}.example,"Product ${k}, Edu",Provider ${k % 90},PreK-12${k % 3 ? '; Higher Ed' : ''},${fns[k % fns.length]}`,
  );
}
const states = [
  'Illinois',
  'Utah',
  'Wisconsin',
  'North Carolina',
  'Connecticut',
  'Massachusetts',
  'New York',
  'Indiana',
  'Virginia',
  'District Of Columbia',
];
const locales = ['City', 'Suburb', 'Town', 'Rural'];
const band = [
  '"[0, 0.2["',
  '"[0.2, 0.4["',
  '"[0.4, 0.6["',
  '"[0.6, 0.8["',
  '"[0.8, 1["',
  '',
];
const districts = [
  'district_id,state,locale,pct_black/hispanic,pct_free/reduced,county_connections_ratio,pp_total_raw',
];
for (let d = 0; d < DISTRICTS; d++) {
  districts.push(
    `${1000 + d * 37},${d % 11 === 5 ? '' : states[d % states.length]},${locales[d % 4]},${band[d % 6]},${band[(d * 3) % 6]},"[0.18, 1[","[${8000 + (d % 12) * 2000}, ${10000 + (d % 12) * 2000}["`,
  );
}

/** One district's engagement file, as published (CRLF, float ids, blanks). */
function engagementFile(d) {
  const r = rng(d + 1);
  const lines = ['time,lp_id,pct_access,engagement_index'];
  const start = Date.UTC(2020, 0, 1);
  for (let day = 0; day < DAYS; day++) {
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    const n = Math.round(PRODUCTS_PER_DAY * (0.6 + 0.8 * r()));
    let k = Math.floor(r() * LP_IDS);
    for (let p = 0; p < n; p++) {
      k = (k + 1 + Math.floor(r() * 30)) % LP_IDS;
      const pct = r() < 0.2 ? 0 : Math.round(r() * r() * 5000) / 100;
      const eng = pct === 0 ? '' : String(Math.round(r() * pct * 30000) / 100);
      const id =
        r() < 0.0005 ? '' : `${k < CATALOGUE ? idOf(k) : 100000 + k}.0`;
      lines.push(`${date},${id},${pct},${eng}`);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

class GeneratedFolder {
  constructor(n) {
    this.n = n;
    this.reads = 0;
  }
  describe() {
    return `generated ${this.n}`;
  }
  readMetadata(kind) {
    return kind === 'products'
      ? {name: 'products_info.csv', text: products.join('\r\n')}
      : {
          name: 'districts_info.csv',
          text: districts.slice(0, this.n + 1).join('\r\n'),
        };
  }
  listEngagementFiles() {
    return Array.from({length: this.n}, (_, d) => ({
      name: `engagement_data/${1000 + d * 37}.csv`,
      ref: String(d),
    }));
  }
  readEngagement(f, onChunk) {
    this.reads++;
    const text = engagementFile(Number(f.ref));
    for (let i = 0; i < text.length; i += 1 << 20)
      onChunk(text.slice(i, i + (1 << 20)));
  }
}

log(
  `Machine: ${os.cpus().length} cores, load ${os
    .loadavg()
    .map(x => x.toFixed(1))
    .join(' / ')}`,
);

// ------------------------------------------------------------------------------------
// 1. Full size in Node.
log(
  `\n1. ${DISTRICTS} districts x ${DAYS} days x ~${PRODUCTS_PER_DAY} products a day, streamed through the importer (measured)`,
);
const folder = new GeneratedFolder(DISTRICTS);
const state = m.startImport(folder);
let genMs = 0;
let peakHeap = 0;
const t0 = Date.now();
const timed = {
  ...folder,
  describe: () => folder.describe(),
  readMetadata: k => folder.readMetadata(k),
  listEngagementFiles: () => folder.listEngagementFiles(),
  readEngagement: (f, onChunk) => {
    const g = Date.now();
    const text = engagementFile(Number(f.ref));
    genMs += Date.now() - g;
    for (let i = 0; i < text.length; i += 1 << 20)
      onChunk(text.slice(i, i + (1 << 20)));
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  },
};
let slowestFileMs = 0;
while (state.pending.length) {
  const f0 = Date.now();
  m.continueImport(state, timed, {budgetMs: 1});
  slowestFileMs = Math.max(slowestFileMs, Date.now() - f0);
}
const totalMs = Date.now() - t0;
const importMs = totalMs - genMs;
const checkpointChars = JSON.stringify(state).length;
const full = {
  districts: DISTRICTS,
  rowsRead: state.stats.rowsRead,
  rowsImported: state.stats.rowsImported,
  charsRead: state.stats.charsRead,
  importSeconds: +(importMs / 1000).toFixed(1),
  generatorSeconds: +(genMs / 1000).toFixed(1),
  rowsPerSecond: Math.round(state.stats.rowsRead / (importMs / 1000)),
  slowestFileSeconds: +(slowestFileMs / 1000).toFixed(2),
  peakHeapMB: Math.round(peakHeap / 1048576),
  checkpointMB: +(checkpointChars / 1048576).toFixed(1),
  checkpointCells: Math.ceil(checkpointChars / 45000),
  aggregates: {
    districtDays: Object.values(state.aggregates.districtDay).reduce(
      (s, d) => s + Object.keys(d).length,
      0,
    ),
    productDays: Object.values(state.aggregates.productDay).reduce(
      (s, d) => s + Object.keys(d).length,
      0,
    ),
    products: Object.keys(state.aggregates.productTotals).length,
  },
  warnings: state.warnings.counts.reduce((s, [, n]) => s + n, 0),
};
log(
  `   ${full.rowsRead.toLocaleString('en-US')} rows (${(full.charsRead / 1048576).toFixed(0)} MB of CSV) imported in ${full.importSeconds} s = ${full.rowsPerSecond.toLocaleString('en-US')} rows/s (generator ${full.generatorSeconds} s, not counted)`,
);
log(
  `   slowest district file ${full.slowestFileSeconds} s; peak heap ${full.peakHeapMB} MB; checkpoint ${full.checkpointMB} MB (${full.checkpointCells} cells of a hidden tab)`,
);
log(
  `   kept: ${full.aggregates.districtDays} district-days, ${full.aggregates.productDays} product-days of catalogued products, totals of ${full.aggregates.products} products; ${full.warnings} rows warned about`,
);
const t1 = Date.now();
const ds = {
  products: state.products,
  districts: state.districts,
  aggregates: state.aggregates,
  warnings: [],
  warningCounts: [],
  stats: state.stats,
};
const facts = m.districtDailyFacts(ds);
const equity = m.analyseEquity(ds);
const analysisSeconds = (Date.now() - t1) / 1000;
log(
  `   daily facts: ${facts.length}; equity analysis ${analysisSeconds.toFixed(1)} s (${equity.tests.length} band tests)`,
);

// ------------------------------------------------------------------------------------
// 2. Apps Script executions: a sample through DriveApp and the hidden-tab checkpoint.
log(
  `\n2. Offline runtime: ${SAMPLE} districts read through DriveApp, checkpointed in a hidden tab (measured)`,
);
const files = [
  {
    name: 'products_info.csv',
    mimeType: 'text/csv',
    content: products.join('\r\n'),
  },
  {
    name: 'districts_info.csv',
    mimeType: 'text/csv',
    content: districts.slice(0, SAMPLE + 1).join('\r\n'),
  },
];
for (let d = 0; d < SAMPLE; d++)
  files.push({
    name: `${1000 + d * 37}.csv`,
    mimeType: 'text/csv',
    content: engagementFile(d),
  });
const rt = m.createOfflineRuntime({
  drive: {folders: {lpfolder: {name: 'LearnPlatform 2020', files}}},
});
for (const [k, v] of Object.entries(rt.globals))
  if (k !== 'console') globalThis[k] = v;
let executions = 0;
let simulatedMs = 0;
let done = false;
while (!done && executions < 500) {
  const r = rt.run(
    () =>
      m.runImportStep(
        new m.DriveLearnPlatformFolder('lpfolder'),
        new m.SheetCheckpointStore(),
        {budgetMs: 290_000},
      ),
    {name: 'import'},
  );
  executions++;
  simulatedMs += r.simulatedMs;
  if (!r.ok) throw new Error(r.error?.stack ?? r.error?.message);
  done = r.result.done;
  rt.clock.advance(60_000);
}
const perDistrictMs = simulatedMs / SAMPLE;
const sample = {
  districts: SAMPLE,
  executions,
  simulatedMinutes: +(simulatedMs / 60000).toFixed(2),
  simulatedSecondsPerDistrict: +(perDistrictMs / 1000).toFixed(2),
  driveCalls:
    rt.calls.get('DriveApp.*') +
    rt.calls.get('File.*') +
    rt.calls.get('Folder.*'),
};
log(
  `   ${sample.executions} executions, ${sample.simulatedMinutes} simulated min = ${sample.simulatedSecondsPerDistrict} s per district (Drive reads, parsing and aggregation at cpuFactor 1, checkpoint writes)`,
);
const extrapolatedMinutes = (perDistrictMs * DISTRICTS) / 60000;
const extrapolated = {
  basis: `EXTRAPOLATED: ${DISTRICTS} districts x the measured ${sample.simulatedSecondsPerDistrict} s per district`,
  minutes: +extrapolatedMinutes.toFixed(1),
  executions: Math.ceil(extrapolatedMinutes / (290 / 60)),
  triggerDays: Math.max(1, Math.ceil(extrapolatedMinutes / 360)),
};
log(
  `   full data set, ${DISTRICTS} districts: ${extrapolated.executions} executions of 5 min, ${extrapolated.minutes} min (${extrapolated.basis})`,
);

writeFileSync(
  join(outDir, 'learnplatform.json'),
  JSON.stringify({full, analysisSeconds, sample, extrapolated}, null, 2),
);
log('\nwrote out/bench/learnplatform.json');
