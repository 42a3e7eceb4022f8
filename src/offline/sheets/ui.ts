/** The spreadsheet's Ui: menus, sidebars, dialogs, alerts and prompts, recorded. */
import type {SpreadsheetHost} from './model';

const ButtonSet = {
  OK: 'OK',
  OK_CANCEL: 'OK_CANCEL',
  YES_NO: 'YES_NO',
  YES_NO_CANCEL: 'YES_NO_CANCEL',
};
const Button = {
  CLOSE: 'CLOSE',
  OK: 'OK',
  CANCEL: 'CANCEL',
  YES: 'YES',
  NO: 'NO',
};

interface HtmlLike {
  getContent(): string;
  getTitle?(): string;
  getWidth?(): number;
}

export class Ui {
  readonly ButtonSet = ButtonSet;
  readonly Button = Button;
  constructor(private readonly host: SpreadsheetHost) {}
  createMenu(caption: string): Menu {
    return this.host.engine.call(
      'Ui.createMenu',
      () => new Menu(this.host, String(caption)),
    );
  }
  createAddonMenu(): Menu {
    return this.host.engine.call(
      'Ui.createAddonMenu',
      () => new Menu(this.host, 'Add-on'),
    );
  }
  showSidebar(html: HtmlLike): void {
    this.host.engine.call('Ui.showSidebar', () => {
      this.host.ui.sidebars.push({
        title: html.getTitle ? html.getTitle() : '',
        html: html.getContent(),
        width: html.getWidth ? html.getWidth() : undefined,
      });
    });
  }
  showModalDialog(html: HtmlLike, title: string): void {
    this.host.engine.call('Ui.showModalDialog', () => {
      this.host.ui.dialogs.push({
        title: String(title),
        html: html.getContent(),
        modal: true,
      });
    });
  }
  showModelessDialog(html: HtmlLike, title: string): void {
    this.host.engine.call('Ui.showModelessDialog', () => {
      this.host.ui.dialogs.push({
        title: String(title),
        html: html.getContent(),
        modal: false,
      });
    });
  }
  private answer(buttons: string): {button: string; text?: string} {
    const next = this.host.ui.responses.shift();
    if (next) return next;
    return {button: buttons.startsWith('YES') ? Button.YES : Button.OK};
  }
  /**
   * Records an alert or prompt from its overloads ((prompt), (prompt, buttons),
   * (title, prompt[, buttons])) and returns its button set.
   */
  private record(a: string, b?: unknown, c?: unknown): string {
    let title = '';
    let prompt = String(a);
    let buttons = ButtonSet.OK;
    if (typeof b === 'string' && !(b in ButtonSet)) {
      title = String(a);
      prompt = b;
      if (c !== undefined) buttons = String(c);
    } else if (b !== undefined) {
      buttons = String(b);
    }
    this.host.ui.alerts.push({title, prompt, buttons});
    return buttons;
  }
  alert(a: string, b?: unknown, c?: unknown): string {
    return this.host.engine.call(
      'Ui.alert',
      () => this.answer(this.record(a, b, c)).button,
    );
  }
  prompt(a: string, b?: unknown, c?: unknown) {
    return this.host.engine.call('Ui.prompt', () => {
      const ans = this.answer(this.record(a, b, c));
      return {
        getSelectedButton: () => ans.button,
        getResponseText: () => ans.text ?? '',
      };
    });
  }
}

export class Menu {
  private readonly items: ({caption: string; functionName: string} | null)[] =
    [];
  constructor(
    private readonly host: SpreadsheetHost,
    private readonly name: string,
  ) {}
  addItem(caption: string, functionName: string): Menu {
    this.items.push({
      caption: String(caption),
      functionName: String(functionName),
    });
    return this;
  }
  addSeparator(): Menu {
    this.items.push(null);
    return this;
  }
  addSubMenu(menu: Menu): Menu {
    for (const item of menu.items) this.items.push(item);
    return this;
  }
  addToUi(): void {
    this.host.engine.call('Menu.addToUi', () => {
      const menus = this.host.ui.menus;
      const i = menus.findIndex(m => m.name === this.name);
      const entry = {name: this.name, items: [...this.items]};
      if (i >= 0) menus[i] = entry;
      else menus.push(entry);
    });
  }
}
