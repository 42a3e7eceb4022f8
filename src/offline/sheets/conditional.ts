/** Conditional format rules (gradients and boolean conditions) and their builder. */
import type {SpreadsheetStore} from './model';
import type {Range} from './range';

interface GradientPoint {
  color: string;
  type: string;
  value: string;
}

export class ConditionalFormatRule {
  constructor(
    private readonly book: SpreadsheetStore,
    readonly ranges: Range[],
    readonly gradient: {
      min?: GradientPoint;
      mid?: GradientPoint;
      max?: GradientPoint;
    } | null,
    readonly boolean: {
      criteria: string;
      values: unknown[];
      background?: string;
      fontColor?: string;
      bold?: boolean;
    } | null,
  ) {}
  getRanges(): Range[] {
    return this.book.engine.call('ConditionalFormatRule.getRanges', () => {
      const arr = new (this.book.engine.realm().Array)() as Range[];
      for (const r of this.ranges) arr.push(r);
      return arr;
    });
  }
  getGradientCondition(): object | null {
    const g = this.gradient;
    if (!g) return null;
    return {
      getMinColor: () => g.min?.color ?? '',
      getMinType: () => g.min?.type ?? 'MIN',
      getMinValue: () => g.min?.value ?? '',
      getMidColor: () => g.mid?.color ?? '',
      getMidType: () => g.mid?.type ?? null,
      getMidValue: () => g.mid?.value ?? '',
      getMaxColor: () => g.max?.color ?? '',
      getMaxType: () => g.max?.type ?? 'MAX',
      getMaxValue: () => g.max?.value ?? '',
    };
  }
  getBooleanCondition(): object | null {
    const b = this.boolean;
    if (!b) return null;
    return {
      getCriteriaType: () => b.criteria,
      getCriteriaValues: () => [...b.values],
      getBackground: () => b.background ?? null,
      getFontColor: () => b.fontColor ?? null,
      getBold: () => b.bold ?? null,
    };
  }
  copy(): ConditionalFormatRuleBuilder {
    const builder = new ConditionalFormatRuleBuilder(this.book);
    builder.ranges = [...this.ranges];
    builder.gradient = this.gradient ? {...this.gradient} : null;
    builder.bool = this.boolean
      ? {...this.boolean, values: [...this.boolean.values]}
      : null;
    return builder;
  }
}

export class ConditionalFormatRuleBuilder {
  ranges: Range[] = [];
  gradient: {
    min?: GradientPoint;
    mid?: GradientPoint;
    max?: GradientPoint;
  } | null = null;
  bool: {
    criteria: string;
    values: unknown[];
    background?: string;
    fontColor?: string;
    bold?: boolean;
  } | null = null;
  constructor(private readonly book: SpreadsheetStore) {}
  private g() {
    this.bool = null;
    return (this.gradient ??= {});
  }
  private b(criteria?: string, values: unknown[] = []) {
    this.gradient = null;
    this.bool ??= {criteria: 'CUSTOM_FORMULA', values: []};
    if (criteria) {
      this.bool.criteria = criteria;
      this.bool.values = values;
    }
    return this;
  }
  setRanges(ranges: Range[]): this {
    this.ranges = [...ranges];
    return this;
  }
  setGradientMinpoint(color: string): this {
    this.g().min = {color, type: 'MIN', value: ''};
    return this;
  }
  setGradientMaxpoint(color: string): this {
    this.g().max = {color, type: 'MAX', value: ''};
    return this;
  }
  setGradientMinpointWithValue(
    color: string,
    type: string,
    value: string,
  ): this {
    this.g().min = {color, type: String(type), value: String(value)};
    return this;
  }
  setGradientMidpointWithValue(
    color: string,
    type: string,
    value: string,
  ): this {
    this.g().mid = {color, type: String(type), value: String(value)};
    return this;
  }
  setGradientMaxpointWithValue(
    color: string,
    type: string,
    value: string,
  ): this {
    this.g().max = {color, type: String(type), value: String(value)};
    return this;
  }
  whenNumberGreaterThan(n: number): this {
    return this.b('NUMBER_GREATER_THAN', [n]);
  }
  whenNumberGreaterThanOrEqualTo(n: number): this {
    return this.b('NUMBER_GREATER_THAN_OR_EQUAL_TO', [n]);
  }
  whenNumberLessThan(n: number): this {
    return this.b('NUMBER_LESS_THAN', [n]);
  }
  whenNumberLessThanOrEqualTo(n: number): this {
    return this.b('NUMBER_LESS_THAN_OR_EQUAL_TO', [n]);
  }
  whenNumberBetween(a: number, b: number): this {
    return this.b('NUMBER_BETWEEN', [a, b]);
  }
  whenNumberEqualTo(n: number): this {
    return this.b('NUMBER_EQUAL_TO', [n]);
  }
  whenTextContains(t: string): this {
    return this.b('TEXT_CONTAINS', [t]);
  }
  whenTextEqualTo(t: string): this {
    return this.b('TEXT_EQUAL_TO', [t]);
  }
  whenFormulaSatisfied(f: string): this {
    return this.b('CUSTOM_FORMULA', [f]);
  }
  whenCellEmpty(): this {
    return this.b('CELL_EMPTY');
  }
  whenCellNotEmpty(): this {
    return this.b('CELL_NOT_EMPTY');
  }
  setBackground(color: string | null): this {
    this.b().bool!.background = color ?? undefined;
    return this;
  }
  setFontColor(color: string | null): this {
    this.b().bool!.fontColor = color ?? undefined;
    return this;
  }
  setBold(bold: boolean): this {
    this.b().bool!.bold = bold;
    return this;
  }
  build(): ConditionalFormatRule {
    const engine = this.book.engine;
    return engine.call('ConditionalFormatRuleBuilder.build', () => {
      if (!this.gradient && !this.bool) {
        throw engine.error('Conditional format rule must have a condition.');
      }
      if (this.gradient && (!this.gradient.min || !this.gradient.max)) {
        throw engine.error('Gradient rules require a minpoint and a maxpoint.');
      }
      return new ConditionalFormatRule(
        this.book,
        [...this.ranges],
        this.gradient ? {...this.gradient} : null,
        this.bool ? {...this.bool, values: [...this.bool.values]} : null,
      );
    });
  }
}
