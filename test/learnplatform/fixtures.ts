/**
 * Small files in the published LearnPlatform format, with the quirks real copies carry.
 * Shared by the LearnPlatform tests; each test writes them where it needs them.
 */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {
  EngagementFileRef,
  LearnPlatformFiles,
} from '../../src/sources/learnplatform/importer';

export const PRODUCTS =
  '\ufeffLP ID,URL,Product Name,Provider/Company Name,Sector(s),Primary Essential Function\r\n' +
  '13117,https://www.splashmath.com,SplashLearn,StudyPad Inc.,PreK-12,LC - Digital Learning Platforms\r\n' +
  '66933,https://www.abcmouse.com,ABCmouse.com,"Age of Learning, Inc",PreK-12,LC - Digital Learning Platforms\r\n' +
  '50479,https://www.abcya.com,"ABCya!, Games",ABCya.com LLC,PreK-12,"LC - Sites, Resources & Reference - Games & Simulations"\r\n' +
  '92844,https://kahoot.com,Kahoot!,Kahoot! AS,PreK-12; Higher Ed; Corporate,CM - Classroom Engagement & Instruction - Assessment & Classroom Response\r\n' +
  '26696,https://www.clever.com,Clever,Clever Inc.,PreK-12,"SDO - Data, Analytics & Reporting"\r\n' +
  ',https://nobody.example,Orphan,Nobody,PreK-12,LC - Digital Learning Platforms\r\n' +
  '11111,https://other.example,Other,Other Co,PreK-12; Higher Ed,LC/CM/SDO - Other,stray\r\n';

export const DISTRICTS =
  'district_id,state,locale,pct_black/hispanic,pct_free/reduced,county_connections_ratio,pp_total_raw\n' +
  '1000,Illinois,Suburb,"[0, 0.2[","[0, 0.2[","[0.18, 1[","[14000, 16000["\n' +
  '2000,District Of Columbia,City,"[0.8, 1[","[0.6, 0.8[","[0.18, 1[","[18000, 20000["\n' +
  '3000,Atlantis,Rural,"[0.2, 0.4[",NaN,"[0.18, 1[","[8000, 10000["\n' +
  '4000,Utah,Town,"0.2-0.4","[0.4, 0.6[",,\n' +
  '5000,,,,,,\n';

/** District 1000: 2 days x 3 products, with a blank lp_id, a missing engagement_index,
 *  an lp_id written as a float, a stray column and an uncatalogued product. */
export const ENGAGEMENT_1000 =
  'time,lp_id,pct_access,engagement_index\r\n' +
  '2020-01-02,13117.0,1.5,120.25\r\n' +
  '2020-01-02,92844.0,3.0,\r\n' +
  '2020-01-02,,0.5,10.0\r\n' +
  '2020-01-02,99999.0,0.25,4.0\r\n' +
  '2020-01-03,13117.0,2.0,200.0,oops\r\n' +
  '2020-01-03,92844.0,1.0,50.5\r\n' +
  'not-a-date,13117.0,1.0,1.0\r\n';

/** District 2000 (in a sub-folder on Drive): one day, LF line ends, no final newline. */
export const ENGAGEMENT_2000 =
  'time,lp_id,pct_access,engagement_index\n' +
  '2020-01-02,13117.0,4.5,300.0\n' +
  '2020-01-02,26696.0,10.0,1000.0\n' +
  '2020-01-03,26696.0,,20.0';

/** District 3000: unknown state in districts_info. */
export const ENGAGEMENT_3000 =
  'time,lp_id,pct_access,engagement_index\n' + '2020-01-02,13117.0,0.5,30.0\n';

/** District 9000 has no districts_info row. */
export const ENGAGEMENT_9000 =
  'time,lp_id,pct_access,engagement_index\n' + '2020-01-02,66933.0,2.0,8.0\n';

export function writeFixtureDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lp-'));
  mkdirSync(join(dir, 'engagement_data', 'batch2'), {recursive: true});
  writeFileSync(join(dir, 'products_info.csv'), PRODUCTS);
  writeFileSync(join(dir, 'districts_info.csv'), DISTRICTS);
  writeFileSync(join(dir, 'engagement_data', '1000.csv'), ENGAGEMENT_1000);
  writeFileSync(
    join(dir, 'engagement_data', 'batch2', '2000.csv'),
    ENGAGEMENT_2000,
  );
  writeFileSync(join(dir, 'engagement_data', '3000.csv'), ENGAGEMENT_3000);
  writeFileSync(join(dir, 'engagement_data', '9000.csv'), ENGAGEMENT_9000);
  writeFileSync(join(dir, 'README.md'), 'not data');
  return dir;
}

/** The same folder held in memory, delivering engagement text in small chunks. */
export class MemoryFiles implements LearnPlatformFiles {
  reads = 0;
  constructor(
    readonly files: Record<string, string>,
    readonly chunk = 7,
  ) {}
  describe() {
    return 'memory';
  }
  readMetadata(kind: 'products' | 'districts') {
    const name =
      kind === 'products' ? 'products_info.csv' : 'districts_info.csv';
    return name in this.files ? {name, text: this.files[name]} : null;
  }
  listEngagementFiles(): EngagementFileRef[] {
    return Object.keys(this.files)
      .filter(n => n.startsWith('engagement_data/'))
      .sort()
      .map(n => ({name: n, ref: n}));
  }
  readEngagement(f: EngagementFileRef, onChunk: (t: string) => void) {
    this.reads++;
    const t = this.files[f.ref];
    for (let i = 0; i < t.length; i += this.chunk)
      onChunk(t.slice(i, i + this.chunk));
  }
}

export function fixtureFiles(): Record<string, string> {
  return {
    'products_info.csv': PRODUCTS,
    'districts_info.csv': DISTRICTS,
    'engagement_data/1000.csv': ENGAGEMENT_1000,
    'engagement_data/batch2/2000.csv': ENGAGEMENT_2000,
    'engagement_data/3000.csv': ENGAGEMENT_3000,
    'engagement_data/9000.csv': ENGAGEMENT_9000,
  };
}
