/** Embedded charts, their builder and the Charts service's enums. */
import type {SpreadsheetStore} from './model';
import type {Range, RangeSheet} from './range';

export const ChartType = {
  AREA: 'AREA',
  BAR: 'BAR',
  BUBBLE: 'BUBBLE',
  CANDLESTICK: 'CANDLESTICK',
  COLUMN: 'COLUMN',
  COMBO: 'COMBO',
  GAUGE: 'GAUGE',
  GEO: 'GEO',
  HISTOGRAM: 'HISTOGRAM',
  LINE: 'LINE',
  ORG: 'ORG',
  PIE: 'PIE',
  RADAR: 'RADAR',
  SANKEY: 'SANKEY',
  SCATTER: 'SCATTER',
  SPARKLINE: 'SPARKLINE',
  STEPPED_AREA: 'STEPPED_AREA',
  TABLE: 'TABLE',
  TIMELINE: 'TIMELINE',
  TREEMAP: 'TREEMAP',
  WATERFALL: 'WATERFALL',
} as const;

export function makeCharts() {
  return {
    ChartType: {...ChartType},
    Position: {TOP: 'TOP', RIGHT: 'RIGHT', BOTTOM: 'BOTTOM', NONE: 'NONE'},
    CurveStyle: {NORMAL: 'NORMAL', SMOOTH: 'SMOOTH'},
    PointStyle: {
      NONE: 'NONE',
      TINY: 'TINY',
      MEDIUM: 'MEDIUM',
      LARGE: 'LARGE',
      HUGE: 'HUGE',
    },
    ChartHiddenDimensionStrategy: {
      IGNORE_BOTH: 'IGNORE_BOTH',
      IGNORE_ROWS: 'IGNORE_ROWS',
      IGNORE_COLUMNS: 'IGNORE_COLUMNS',
      SHOW_BOTH: 'SHOW_BOTH',
    },
    ChartMergeStrategy: {
      MERGE_COLUMNS: 'MERGE_COLUMNS',
      MERGE_ROWS: 'MERGE_ROWS',
    },
  };
}

interface ChartSpec {
  type: string;
  ranges: Range[];
  options: Record<string, unknown>;
  position: {row: number; col: number; offsetX: number; offsetY: number};
}

export class EmbeddedChart {
  chartId = 0;
  constructor(
    private readonly book: SpreadsheetStore,
    private readonly sheet: RangeSheet,
    readonly spec: ChartSpec,
  ) {}
  getChartId(): number {
    return this.chartId;
  }
  getId(): string {
    return `u${this.chartId}`;
  }
  getType(): string {
    return this.spec.type;
  }
  getRanges(): Range[] {
    const arr = new (this.book.engine.realm().Array)() as Range[];
    for (const r of this.spec.ranges) arr.push(r);
    return arr;
  }
  getOptions(): {get(option: string): unknown} {
    const options = this.spec.options;
    return {get: (o: string) => (o in options ? options[o] : null)};
  }
  getContainerInfo() {
    const p = this.spec.position;
    return {
      getAnchorRow: () => p.row,
      getAnchorColumn: () => p.col,
      getOffsetX: () => p.offsetX,
      getOffsetY: () => p.offsetY,
    };
  }
  modify(): EmbeddedChartBuilder {
    const b = new EmbeddedChartBuilder(this.book, this.sheet);
    b.spec = {
      ...this.spec,
      ranges: [...this.spec.ranges],
      options: {...this.spec.options},
      position: {...this.spec.position},
    };
    b.chartId = this.chartId;
    return b;
  }
}

export class EmbeddedChartBuilder {
  spec: ChartSpec = {
    type: ChartType.COLUMN,
    ranges: [],
    options: {},
    position: {row: 1, col: 1, offsetX: 0, offsetY: 0},
  };
  chartId = 0;
  constructor(
    private readonly book: SpreadsheetStore,
    private readonly sheet: RangeSheet,
  ) {}
  addRange(range: Range): this {
    this.spec.ranges.push(range);
    return this;
  }
  removeRange(range: Range): this {
    this.spec.ranges = this.spec.ranges.filter(r => r !== range);
    return this;
  }
  clearRanges(): this {
    this.spec.ranges = [];
    return this;
  }
  setChartType(type: string): this {
    if (!(String(type) in ChartType)) {
      throw this.book.engine.error('Invalid argument: type');
    }
    this.spec.type = String(type);
    return this;
  }
  setPosition(
    anchorRow: number,
    anchorCol: number,
    offsetX: number,
    offsetY: number,
  ): this {
    this.spec.position = {row: anchorRow, col: anchorCol, offsetX, offsetY};
    return this;
  }
  setOption(option: string, value: unknown): this {
    this.spec.options[String(option)] = value;
    return this;
  }
  setNumHeaders(n: number): this {
    return this.setOption('numHeaders', n);
  }
  setTransposeRowsAndColumns(t: boolean): this {
    return this.setOption('transposeRowsAndColumns', t);
  }
  setHiddenDimensionStrategy(s: string): this {
    return this.setOption('hiddenDimensionStrategy', s);
  }
  setMergeStrategy(s: string): this {
    return this.setOption('mergeStrategy', s);
  }
  getChartType(): string {
    return this.spec.type;
  }
  getRanges(): Range[] {
    return [...this.spec.ranges];
  }
  private as(type: string): this {
    this.spec.type = type;
    return this;
  }
  asLineChart(): this {
    return this.as(ChartType.LINE);
  }
  asColumnChart(): this {
    return this.as(ChartType.COLUMN);
  }
  asBarChart(): this {
    return this.as(ChartType.BAR);
  }
  asAreaChart(): this {
    return this.as(ChartType.AREA);
  }
  asPieChart(): this {
    return this.as(ChartType.PIE);
  }
  asScatterChart(): this {
    return this.as(ChartType.SCATTER);
  }
  asComboChart(): this {
    return this.as(ChartType.COMBO);
  }
  asTableChart(): this {
    return this.as(ChartType.TABLE);
  }
  setTitle(title: string): this {
    return this.setOption('title', title);
  }
  setXAxisTitle(title: string): this {
    return this.setOption('hAxis.title', title);
  }
  setYAxisTitle(title: string): this {
    return this.setOption('vAxis.title', title);
  }
  setLegendPosition(p: string): this {
    return this.setOption('legend.position', p);
  }
  setColors(colors: string[]): this {
    return this.setOption('colors', [...colors]);
  }
  setStacked(): this {
    return this.setOption('isStacked', true);
  }
  setCurveStyle(s: string): this {
    return this.setOption('curveType', s);
  }
  build(): EmbeddedChart {
    const engine = this.book.engine;
    return engine.call('EmbeddedChartBuilder.build', () => {
      if (this.spec.ranges.length === 0) {
        throw engine.error('The chart has no data ranges.');
      }
      const chart = new EmbeddedChart(this.book, this.sheet, {
        ...this.spec,
        ranges: [...this.spec.ranges],
        options: {...this.spec.options},
        position: {...this.spec.position},
      });
      chart.chartId = this.chartId;
      return chart;
    });
  }
}
