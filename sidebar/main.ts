/**
 * The Classroom Pulse sidebar (browser side). Everything shown is built with DOM calls and
 * textContent, never from markup strings, so no value from the spreadsheet can inject HTML.
 * Server calls go through google.script.run; failures are shown as readable messages.
 */
import {metricLabel} from '../src/core/labels';
import {
  forecastSvg,
  heatmapSvg,
  timelineSvg,
  type HeatmapMode,
  type SvgNode,
} from '../src/ui/charts';
import type {
  AnomalyItem,
  AnomalyUpdate,
  BackfillEstimate,
  ForecastChartData,
  HeatmapData,
  IncidentItem,
  Insight,
  Progress,
  RunItem,
  Settings,
  SidebarState,
  TriggerState,
  UnderuseItem,
} from '../src/sheets/view-types';
import {accuracyLines} from '../src/sheets/accuracy';
import {createCalendarView} from './calendar';
import {createOrgSetup} from './orgsetup';
import {buildWhatIf} from './whatif';

// ---------------------------------------------------------------------------------------
// Server calls.

interface Runner {
  withSuccessHandler(f: (v: unknown) => void): Runner;
  withFailureHandler(f: (e: unknown) => void): Runner;
  [fn: string]: unknown;
}

function runner(): Runner | null {
  const g = (window as unknown as {google?: {script?: {run?: Runner}}}).google;
  return g?.script?.run ?? null;
}

/** A server error as a sentence a district admin can act on. */
export function readableError(e: unknown): string {
  let msg = '';
  if (e && typeof e === 'object' && 'message' in e) {
    msg = String((e as {message: unknown}).message);
  } else if (typeof e === 'string') {
    msg = e;
  }
  msg = msg.replace(/^(Exception|Error|InputError|TypeError):\s*/i, '').trim();
  if (!msg)
    msg = 'The server did not answer. Check your connection and try again.';
  if (/authori[sz]ation is required|permission/i.test(msg)) {
    msg +=
      ' (Reopen the sidebar and accept the permissions Classroom Pulse asks for.)';
  }
  return msg;
}

function call<T>(name: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const r = runner();
    if (!r) {
      reject(
        new Error(
          'This page must be opened from the Classroom Pulse menu in Google Sheets.',
        ),
      );
      return;
    }
    const chain = r
      .withSuccessHandler(v => resolve(v as T))
      .withFailureHandler(e => reject(e));
    const fn = chain[name];
    if (typeof fn !== 'function') {
      reject(new Error(`The server has no function ${name}.`));
      return;
    }
    (fn as (...a: unknown[]) => void).apply(chain, args);
  });
}

// ---------------------------------------------------------------------------------------
// DOM helpers.

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | number | ((e: Event) => void)> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') {
      e.addEventListener(k.replace(/^on/, ''), v as EventListener);
    } else if (typeof v === 'boolean') {
      if (v) e.setAttribute(k, '');
    } else {
      e.setAttribute(k, String(v));
    }
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Builds SVG DOM from a chart tree: attributes by setAttribute, text by textContent. */
function svg(n: SvgNode): SVGElement {
  const e = document.createElementNS(SVG_NS, n.tag);
  for (const [k, v] of Object.entries(n.attrs)) {
    if (k === 'xmlns') continue;
    if (/^on/i.test(k)) continue;
    e.setAttribute(k, String(v));
  }
  if (n.text !== undefined) e.textContent = n.text;
  for (const c of n.children ?? []) e.appendChild(svg(c));
  return e;
}

function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

let uid = 0;
function nextId(p: string): string {
  return `${p}-${++uid}`;
}

function fmtPct(v: number | null, signed = false): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const r = Math.round(v);
  return `${signed && r > 0 ? '+' : ''}${r}%`;
}

function fmtNum(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const r = Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10;
  return String(r).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fmtTime(iso: string): string {
  return iso
    ? iso
        .replace('T', ' ')
        .replace(/:\d\dZ$/, ' UTC')
        .replace(/Z$/, ' UTC')
    : '';
}

// ---------------------------------------------------------------------------------------
// Messages.

const messages = h('div', {id: 'messages', class: 'messages'});

function showMessage(
  text: string,
  kind: 'error' | 'ok' | 'info' = 'info',
): void {
  clear(messages);
  const box = h(
    'div',
    {class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status'},
    h('span', {class: 'msg-text'}, text),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        'aria-label': 'Dismiss message',
        onclick: () => clear(messages),
      },
      '\u00d7',
    ),
  );
  messages.appendChild(box);
}

function fail(e: unknown): void {
  showMessage(readableError(e), 'error');
}

/** Runs a server call with the button disabled and a busy label meanwhile. */
async function busy<T>(
  button: HTMLButtonElement | null,
  label: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const old = button?.textContent ?? '';
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = label;
  }
  try {
    return await work();
  } catch (e) {
    fail(e);
    return undefined;
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.textContent = old;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Calendar (sidebar/calendar.ts).

const calendarView = createCalendarView({
  h,
  clear,
  call,
  busy,
  showMessage,
  fail,
});

// ---------------------------------------------------------------------------------------
// Tabs.

const TABS = [
  {id: 'overview', label: 'Overview'},
  {id: 'anomalies', label: 'Anomalies'},
  {id: 'whatif', label: 'What-if'},
  {id: 'calendar', label: 'Calendar'},
  {id: 'runs', label: 'Runs'},
  {id: 'setup', label: 'Setup'},
] as const;
type TabId = (typeof TABS)[number]['id'];

const panels = new Map<TabId, HTMLElement>();
const tabButtons = new Map<TabId, HTMLButtonElement>();

function selectTab(id: TabId, focus = false): void {
  for (const t of TABS) {
    const on = t.id === id;
    const b = tabButtons.get(t.id)!;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    panels.get(t.id)!.hidden = !on;
  }
  if (focus) tabButtons.get(id)!.focus();
  if (id === 'anomalies') void loadAnomalies();
  if (id === 'runs') void loadRuns();
  if (id === 'calendar') void calendarView.load();
}

function buildTabs(): HTMLElement {
  const list = h('div', {
    role: 'tablist',
    'aria-label': 'Classroom Pulse views',
    class: 'tabs',
  });
  TABS.forEach((t, i) => {
    const b = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${t.id}`,
        'aria-controls': `panel-${t.id}`,
        'aria-selected': 'false',
        class: 'tab',
        onclick: () => selectTab(t.id),
        onkeydown: (e: Event) => {
          const k = (e as KeyboardEvent).key;
          let j = -1;
          if (k === 'ArrowRight') j = (i + 1) % TABS.length;
          if (k === 'ArrowLeft') j = (i - 1 + TABS.length) % TABS.length;
          if (k === 'Home') j = 0;
          if (k === 'End') j = TABS.length - 1;
          if (j >= 0) {
            e.preventDefault();
            selectTab(TABS[j].id, true);
          }
        },
      },
      t.label,
    );
    tabButtons.set(t.id, b);
    list.appendChild(b);
    panels.set(
      t.id,
      h('section', {
        role: 'tabpanel',
        id: `panel-${t.id}`,
        'aria-labelledby': `tab-${t.id}`,
        class: 'panel',
        hidden: true,
      }),
    );
  });
  return list;
}

// ---------------------------------------------------------------------------------------
// Overview: insights, forecast, heatmap, timeline.

let state: SidebarState | null = null;
const insightsBox = h('div', {class: 'card', id: 'insights'});
const forecastBox = h('div', {class: 'card', id: 'forecast'});
const heatBox = h('div', {class: 'card', id: 'heatmap'});
const timelineBox = h('div', {class: 'card', id: 'timeline'});
let heatData: HeatmapData | null = null;
let heatMode: HeatmapMode = 'student';

function renderInsights(list: Insight[]): void {
  clear(insightsBox);
  insightsBox.appendChild(h('h2', {}, 'Insights'));
  if (list.length === 0) {
    insightsBox.appendChild(
      h(
        'p',
        {class: 'muted'},
        'Nothing stands out yet. Insights appear after the first analysis run.',
      ),
    );
    return;
  }
  const ul = h('ul', {class: 'insights'});
  for (const i of list) {
    ul.appendChild(
      h(
        'li',
        {class: `insight sev-${i.severity}`},
        h(
          'span',
          {class: 'badge', 'aria-hidden': 'true'},
          i.severity === 'alert'
            ? '!'
            : i.severity === 'warning'
              ? '\u25b2'
              : 'i',
        ),
        h('span', {class: 'visually-hidden'}, `${i.severity}: `),
        i.text,
      ),
    );
  }
  insightsBox.appendChild(ul);
}

async function loadForecast(schoolId: string): Promise<void> {
  try {
    const data = await call<ForecastChartData | null>(
      'getForecastChart',
      schoolId,
    );
    renderForecast(data, schoolId);
  } catch (e) {
    fail(e);
  }
}

function renderForecast(d: ForecastChartData | null, selected: string): void {
  clear(forecastBox);
  forecastBox.appendChild(h('h2', {}, 'Forecast'));
  const selId = nextId('school');
  const select = h('select', {
    id: selId,
    onchange: (e: Event) =>
      void loadForecast((e.target as HTMLSelectElement).value),
  });
  const options = d?.options ?? [
    {id: 'district', name: 'District'},
    ...(state?.schools ?? []),
  ];
  for (const o of options) {
    const opt = h('option', {value: o.id}, o.name);
    if (o.id === selected) opt.selected = true;
    select.appendChild(opt);
  }
  forecastBox.appendChild(
    h('div', {class: 'field'}, h('label', {for: selId}, 'School'), select),
  );
  if (!d) {
    forecastBox.appendChild(
      h('p', {class: 'muted'}, 'No forecast for this school yet.'),
    );
    return;
  }
  const fig = h('figure', {class: 'chart'});
  fig.appendChild(svg(forecastSvg(d)));
  // The shown series' own figure, named: a district total forecasts better than a school.
  const series =
    d.schoolId === 'district'
      ? 'District series (all schools summed)'
      : `${d.schoolName} alone`;
  const acc =
    d.accuracyPct === null
      ? ` ${series}: no backtest accuracy yet.`
      : ` ${series}: backtest accuracy ${fmtPct(d.accuracyPct)}${d.mase === null ? '' : `, MASE ${d.mase.toFixed(2)}`}.`;
  fig.appendChild(
    h(
      'figcaption',
      {},
      `${metricLabel(d.metric)} per week. Model: ${d.model || 'n/a'}.${acc}`,
    ),
  );
  forecastBox.appendChild(fig);
  if (d.accuracySummary) {
    const note = h('ul', {class: 'muted', id: 'forecast-accuracy'});
    note.setAttribute('aria-label', 'Forecast accuracy');
    for (const line of accuracyLines(d.accuracySummary))
      note.appendChild(h('li', {}, line));
    forecastBox.appendChild(note);
  }
  // A compact table of the next weeks for screen readers and exact values.
  const future = d.points
    .filter(p => p.actual === null && p.forecast !== null)
    .slice(0, 4);
  if (future.length) {
    const t = h(
      'table',
      {class: 'mini'},
      h('caption', {class: 'visually-hidden'}, 'Forecast for the coming weeks'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {scope: 'col'}, 'Week'),
          h('th', {scope: 'col'}, 'Forecast'),
          h('th', {scope: 'col'}, '80% range'),
        ),
      ),
    );
    const tb = h('tbody');
    for (const p of future) {
      tb.appendChild(
        h(
          'tr',
          {},
          h('td', {}, p.weekStart),
          h('td', {}, fmtNum(p.forecast)),
          h('td', {}, `${fmtNum(p.lo80)}\u2013${fmtNum(p.hi80)}`),
        ),
      );
    }
    t.appendChild(tb);
    forecastBox.appendChild(t);
  }
}

function renderHeatmap(): void {
  clear(heatBox);
  heatBox.appendChild(h('h2', {}, 'Students vs teachers'));
  if (!heatData || heatData.schools.length === 0) {
    heatBox.appendChild(h('p', {class: 'muted'}, 'No weekly data yet.'));
    return;
  }
  const group = h(
    'fieldset',
    {class: 'segmented'},
    h('legend', {}, 'Show % access of'),
  );
  const modes: [HeatmapMode, string][] = [
    ['student', 'Students'],
    ['teacher', 'Teachers'],
    ['gap', 'Gap'],
  ];
  for (const [m, label] of modes) {
    const id = `heat-${m}`;
    const input = h('input', {
      type: 'radio',
      name: 'heatmode',
      id,
      value: m,
      onchange: () => {
        heatMode = m;
        renderHeatmap();
        document.getElementById(id)?.focus();
      },
    });
    if (m === heatMode) input.checked = true;
    group.appendChild(
      h('span', {class: 'opt'}, input, h('label', {for: id}, label)),
    );
  }
  heatBox.appendChild(group);
  const fig = h('figure', {class: 'chart scroll'});
  fig.appendChild(svg(heatmapSvg(heatData, heatMode)));
  fig.appendChild(
    h(
      'figcaption',
      {},
      `${heatData.app} % access by school and week; hover a cell for both values. Grey: no school days or no data.` +
        (heatData.totalSchools > heatData.schools.length
          ? ` The ${heatData.schools.length} schools with the lowest student access of ${heatData.totalSchools}.`
          : ''),
    ),
  );
  heatBox.appendChild(fig);
}

function renderTimeline(list: AnomalyItem[]): void {
  clear(timelineBox);
  timelineBox.appendChild(h('h2', {}, 'Anomaly timeline'));
  const fig = h('figure', {class: 'chart'});
  fig.appendChild(svg(timelineSvg(list)));
  fig.appendChild(
    h(
      'figcaption',
      {},
      'Drops (red, below the line) and surges (green, above) per week.',
    ),
  );
  timelineBox.appendChild(fig);
}

async function loadOverview(): Promise<void> {
  const jobs: Promise<void>[] = [
    call<Insight[]>('getInsights').then(renderInsights),
    call<ForecastChartData | null>('getForecastChart', 'district').then(d =>
      renderForecast(d, 'district'),
    ),
    call<HeatmapData | null>('getHeatmap').then(d => {
      heatData = d;
      renderHeatmap();
    }),
    call<AnomalyItem[]>('getAnomalies', {status: 'all'}).then(renderTimeline),
  ];
  const results = await Promise.allSettled(jobs);
  const bad = results.find(r => r.status === 'rejected') as
    PromiseRejectedResult | undefined;
  if (bad) fail(bad.reason);
}

// ---------------------------------------------------------------------------------------
// Anomalies and under-use.

const incidentBox = h('div', {class: 'card', id: 'incident-list'});
const anomalyBox = h('div', {class: 'card', id: 'anomaly-list'});
const underuseBox = h('div', {class: 'card', id: 'underuse'});
let anomalyFilter = 'new';
let incidentFilter = 'new';

async function loadAnomalies(): Promise<void> {
  try {
    const [incidents, list, under] = await Promise.all([
      call<IncidentItem[]>('getIncidents', {status: incidentFilter}),
      call<AnomalyItem[]>('getAnomalies', {status: anomalyFilter}),
      call<UnderuseItem[]>('getUnderuse'),
    ]);
    renderIncidents(incidents);
    renderAnomalies(list);
    renderUnderuse(under);
  } catch (e) {
    fail(e);
  }
}

const SEVERITY_RANK: Record<string, number> = {high: 0, medium: 1, low: 2};

/** Most users affected first; then the more severe, then the more recent. */
function byImpact(a: IncidentItem, b: IncidentItem): number {
  return (
    (b.users ?? -1) - (a.users ?? -1) ||
    (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) ||
    b.start.localeCompare(a.start)
  );
}

function statusFilter(
  value: string,
  onChange: (v: string) => void,
): HTMLElement {
  const fid = nextId('filter');
  const filter = h('select', {
    id: fid,
    onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value),
  });
  for (const [v, l] of [
    ['new', 'New'],
    ['acknowledged', 'Acknowledged'],
    ['explained', 'Explained'],
    ['all', 'All'],
  ]) {
    const o = h('option', {value: v}, l);
    if (v === value) o.selected = true;
    filter.appendChild(o);
  }
  return h('div', {class: 'field'}, h('label', {for: fid}, 'Status'), filter);
}

function renderIncidents(list: IncidentItem[]): void {
  clear(incidentBox);
  incidentBox.appendChild(h('h2', {}, 'Incidents'));
  incidentBox.appendChild(
    h(
      'p',
      {class: 'muted'},
      'Flags grouped into real-world events, most users affected first.',
    ),
  );
  incidentBox.appendChild(
    statusFilter(incidentFilter, v => {
      incidentFilter = v;
      void loadAnomalies();
    }),
  );
  if (list.length === 0) {
    incidentBox.appendChild(
      h(
        'p',
        {class: 'muted'},
        incidentFilter === 'new' ? 'No new incidents.' : 'None.',
      ),
    );
    return;
  }
  const sorted = [...list].sort(byImpact);
  const ul = h('ul', {class: 'items', 'aria-label': 'Incidents'});
  for (const i of sorted.slice(0, 30)) ul.appendChild(incidentItem(i));
  incidentBox.appendChild(ul);
  if (sorted.length > 30)
    incidentBox.appendChild(
      h(
        'p',
        {class: 'muted'},
        `${sorted.length - 30} more in the Incidents tab.`,
      ),
    );
}

function incidentItem(i: IncidentItem): HTMLElement {
  const li = h('li', {class: `item sev-${i.severity}`});
  const when = i.start === i.end ? i.start : `${i.start} to ${i.end}`;
  li.appendChild(
    h(
      'div',
      {class: 'item-head'},
      h('strong', {}, i.summary),
      h('span', {class: `pill pill-${i.severity}`}, i.severity),
    ),
  );
  const where =
    i.schools === 1
      ? i.schoolNames[0] || i.schoolIds[0] || '1 school'
      : `${i.schools} of ${i.schoolsInView} schools`;
  const facts = [
    when,
    where,
    i.users === null ? '' : `${fmtNum(i.users)} users affected`,
    i.cause ? `likely ${i.cause}` : '',
    i.ongoing ? 'ongoing' : '',
    `${i.flags} flag${i.flags === 1 ? '' : 's'}`,
  ].filter(Boolean);
  li.appendChild(h('div', {}, facts.join(' \u00b7 ')));
  appendStatusActions(li, i, `${i.summary}, ${when}`, 'acknowledgeIncident');
  return li;
}

function renderAnomalies(list: AnomalyItem[]): void {
  clear(anomalyBox);
  anomalyBox.appendChild(h('h2', {}, 'Flags'));
  anomalyBox.appendChild(
    h(
      'p',
      {class: 'muted'},
      'Each school, role and measure flagged on its own.',
    ),
  );
  anomalyBox.appendChild(
    statusFilter(anomalyFilter, v => {
      anomalyFilter = v;
      void loadAnomalies();
    }),
  );
  if (list.length === 0) {
    anomalyBox.appendChild(
      h(
        'p',
        {class: 'muted'},
        anomalyFilter === 'new' ? 'No new flags.' : 'None.',
      ),
    );
    return;
  }
  const ul = h('ul', {class: 'items', 'aria-label': 'Anomalies'});
  for (const a of list.slice(0, 50)) ul.appendChild(anomalyItem(a));
  anomalyBox.appendChild(ul);
  if (list.length > 50)
    anomalyBox.appendChild(
      h(
        'p',
        {class: 'muted'},
        `${list.length - 50} more in the Anomalies tab.`,
      ),
    );
}

function anomalyItem(a: AnomalyItem): HTMLElement {
  const li = h('li', {class: `item sev-${a.severity}`});
  const title = `${a.schoolName || a.schoolId}`;
  const when = a.grain === 'week' ? `week of ${a.date}` : a.date;
  const what = `${a.role === 'all' ? '' : a.role + ' '}${metricLabel(a.metric)}`;
  li.appendChild(
    h(
      'div',
      {class: 'item-head'},
      h('strong', {}, title),
      h('span', {class: `pill pill-${a.severity}`}, a.severity),
    ),
  );
  li.appendChild(
    h(
      'div',
      {},
      `${when}: ${what} ${a.direction === 'drop' ? 'dropped' : 'surged'} ${fmtPct(a.changePct, true)} (expected ${fmtNum(a.expected)}, saw ${fmtNum(a.observed)})`,
    ),
  );
  appendStatusActions(li, a, `${title}, ${when}`, 'acknowledgeAnomaly');
  return li;
}

/** A flag's or an incident's status, note and status buttons. */
function appendStatusActions(
  li: HTMLElement,
  a: {id: string; status: string; note: string},
  name: string,
  fn: 'acknowledgeAnomaly' | 'acknowledgeIncident',
): void {
  const status = h(
    'div',
    {class: 'muted'},
    `Status: ${a.status}${a.note ? ` \u2014 ${a.note}` : ''}`,
  );
  li.appendChild(status);
  const noteId = nextId('note');
  const note = h('input', {
    type: 'text',
    id: noteId,
    maxlength: 500,
    value: a.note,
    placeholder: 'e.g. snow day',
  });
  const row = h('div', {class: 'actions'});
  const act = (s: 'acknowledged' | 'explained' | 'new', label: string) => {
    const b = h(
      'button',
      {type: 'button', class: s === 'new' ? 'secondary' : ''},
      label,
    );
    b.setAttribute('aria-label', `${label}: ${name}`);
    b.addEventListener(
      'click',
      () =>
        void busy(b, 'Saving\u2026', async () => {
          const r = await call<AnomalyUpdate>(fn, a.id, s, note.value);
          a.status = r.status;
          a.note = r.note;
          status.textContent = `Status: ${r.status}${r.note ? ` \u2014 ${r.note}` : ''}`;
          showMessage(`Marked as ${r.status}.`, 'ok');
        }),
    );
    return b;
  };
  li.appendChild(
    h(
      'div',
      {class: 'field'},
      h('label', {for: noteId}, 'Note (optional)'),
      note,
    ),
  );
  if (a.status !== 'acknowledged')
    row.appendChild(act('acknowledged', 'Acknowledge'));
  if (a.status !== 'explained') row.appendChild(act('explained', 'Explained'));
  if (a.status !== 'new') row.appendChild(act('new', 'Reopen'));
  li.appendChild(row);
}

function renderUnderuse(list: UnderuseItem[]): void {
  clear(underuseBox);
  underuseBox.appendChild(h('h2', {}, 'Under-utilisation'));
  const flagged = list.filter(u => u.flagged);
  if (list.length === 0) {
    underuseBox.appendChild(h('p', {class: 'muted'}, 'No ranking yet.'));
    return;
  }
  underuseBox.appendChild(
    h(
      'p',
      {class: 'muted'},
      `${flagged.length} of ${list.length} flagged below the benchmark.`,
    ),
  );
  const ol = h('ol', {class: 'items'});
  for (const u of list.slice(0, 15)) {
    const bar = h('span', {class: 'bar', 'aria-hidden': 'true'});
    const gap = u.gapPct ?? 0;
    bar.style.width = `${Math.min(100, Math.abs(gap))}%`;
    if (gap < 0) bar.classList.add('neg');
    ol.appendChild(
      h(
        'li',
        {class: u.flagged ? 'item flagged' : 'item'},
        h(
          'div',
          {class: 'item-head'},
          h('strong', {}, u.schoolName || u.schoolId),
          h('span', {}, fmtPct(u.gapPct, true)),
        ),
        h(
          'div',
          {class: 'muted'},
          `${u.product ? u.product + ' \u00b7 ' : ''}${metricLabel(u.metric)} ${fmtNum(u.value)} vs ${u.benchmarkKind} ${fmtNum(u.benchmark)}`,
        ),
        h('div', {class: 'barwrap'}, bar),
      ),
    );
  }
  underuseBox.appendChild(ol);
}

// ---------------------------------------------------------------------------------------
// Runs: run now, progress, recent runs, triggers, backfill, Looker Studio.

const progressBox = h('div', {class: 'card', id: 'progress'});
const runsBox = h('div', {class: 'card', id: 'runs'});
const triggerBox = h('div', {class: 'card', id: 'triggers'});
const backfillBox = h('div', {class: 'card', id: 'backfill'});
const lookerBox = h('div', {class: 'card', id: 'looker'});
let pollTimer: number | null = null;

function renderProgress(p: Progress): void {
  clear(progressBox);
  progressBox.appendChild(h('h2', {}, 'Run'));
  const runBtn = h('button', {type: 'button', id: 'run-now'}, 'Run now');
  runBtn.disabled = p.running;
  runBtn.addEventListener(
    'click',
    () =>
      void busy(runBtn, 'Starting\u2026', async () => {
        const q = await call<Progress & {startHere?: boolean}>('runNow');
        renderProgress(q);
        // As an add-on the run starts in its own server call (no one-off trigger): not
        // awaited, so progress polls while it works.
        if (q.startHere) call('startQueuedRun').catch(fail);
        showMessage('The run has started. Progress updates below.', 'ok');
        startPolling();
      }),
  );
  progressBox.appendChild(runBtn);
  const pct = p.pct === null ? null : Math.max(0, Math.min(100, p.pct));
  const bar = h('div', {
    class: 'progress',
    role: 'progressbar',
    'aria-label': 'Run progress',
    'aria-valuemin': 0,
    'aria-valuemax': 100,
  });
  if (pct !== null) bar.setAttribute('aria-valuenow', String(pct));
  const fill = h('div', {class: 'progress-fill'});
  fill.style.width = `${pct ?? (p.running ? 10 : 0)}%`;
  if (p.running && pct === null) fill.classList.add('indeterminate');
  bar.appendChild(fill);
  progressBox.appendChild(bar);
  let line: string;
  if (p.running) {
    line = `${p.phase || 'Running'}${p.total ? ` (${p.done} of ${p.total})` : ''}${pct !== null ? `, ${pct}%` : ''}${p.executions > 1 ? `, execution ${p.executions}` : ''}`;
  } else if (p.error) {
    line = `Last run failed: ${p.error}`;
  } else if (p.updated) {
    line = `Last run finished ${fmtTime(p.updated)}.`;
  } else {
    line = 'No run yet.';
  }
  progressBox.appendChild(
    h(
      'p',
      {
        class: p.error && !p.running ? 'error-text' : 'muted',
        'aria-live': 'polite',
        id: 'progress-text',
      },
      line,
    ),
  );
  if (p.message && p.running)
    progressBox.appendChild(h('p', {class: 'muted'}, p.message));
}

function startPolling(): void {
  if (pollTimer !== null) return;
  const tick = async () => {
    try {
      const p = await call<Progress>('getProgress');
      renderProgress(p);
      if (!p.running) {
        stopPolling();
        void loadRuns();
        void loadOverview();
        return;
      }
    } catch (e) {
      fail(e);
      stopPolling();
      return;
    }
    pollTimer = window.setTimeout(tick, 3000);
  };
  pollTimer = window.setTimeout(tick, 1500);
}

function stopPolling(): void {
  if (pollTimer !== null) window.clearTimeout(pollTimer);
  pollTimer = null;
}

function renderRuns(runs: RunItem[]): void {
  clear(runsBox);
  runsBox.appendChild(h('h2', {}, 'Recent runs'));
  if (runs.length === 0) {
    runsBox.appendChild(h('p', {class: 'muted'}, 'No runs yet.'));
    return;
  }
  const ul = h('ul', {class: 'items'});
  for (const r of runs) {
    ul.appendChild(
      h(
        'li',
        {class: `item run-${r.status}`},
        h(
          'div',
          {class: 'item-head'},
          h('strong', {}, fmtTime(r.started)),
          h('span', {class: `pill pill-${r.status}`}, r.status),
        ),
        h(
          'div',
          {class: 'muted'},
          `${r.trigger} \u00b7 ${r.executions} execution${r.executions === 1 ? '' : 's'} \u00b7 ${r.daysProcessed} days \u00b7 ${fmtNum(r.rowsWritten)} rows`,
        ),
        r.callsByService
          ? h(
              'div',
              {class: 'muted run-calls'},
              `${fmtNum(r.serviceCalls)} service calls: ${r.callsByService}`,
            )
          : null,
        r.message
          ? h(
              'div',
              {class: r.status === 'failed' ? 'error-text' : ''},
              r.message,
            )
          : null,
      ),
    );
  }
  runsBox.appendChild(ul);
}

function renderTriggers(t: TriggerState): void {
  clear(triggerBox);
  triggerBox.appendChild(h('h2', {}, 'Schedule'));
  const on = t.nightly && t.weekly;
  const at = `${String(t.hour).padStart(2, '0')}:00`;
  triggerBox.appendChild(
    h(
      'p',
      {},
      on
        ? t.mode === 'addon'
          ? `One hourly check runs the nightly run after ${at} and the weekly forecast on Tuesdays (${t.timeZone}).`
          : `Nightly run at ${at} and weekly forecast on Tuesdays (${t.timeZone}).`
        : t.nightly || t.weekly
          ? 'Partly scheduled: reinstall to fix.'
          : 'Not scheduled.',
    ),
  );
  if (t.continuations)
    triggerBox.appendChild(
      h('p', {class: 'muted'}, `${t.continuations} continuation pending.`),
    );
  if (t.pausedRun)
    triggerBox.appendChild(
      h(
        'p',
        {class: 'muted'},
        'A long run is paused; it resumes at the next hourly check.',
      ),
    );
  const install = h(
    'button',
    {type: 'button', id: 'install-triggers'},
    on ? 'Reinstall' : 'Schedule nightly runs',
  );
  install.addEventListener(
    'click',
    () =>
      void busy(install, 'Saving\u2026', async () => {
        renderTriggers(await call<TriggerState>('installTriggers'));
        showMessage('Nightly and weekly runs scheduled.', 'ok');
      }),
  );
  const remove = h(
    'button',
    {type: 'button', class: 'secondary', id: 'remove-triggers'},
    'Remove schedule',
  );
  remove.disabled = !t.nightly && !t.weekly && !t.continuations;
  remove.addEventListener(
    'click',
    () =>
      void busy(remove, 'Removing\u2026', async () => {
        renderTriggers(await call<TriggerState>('removeTriggers'));
        showMessage('Schedule removed.', 'ok');
      }),
  );
  triggerBox.appendChild(h('div', {class: 'actions'}, install, remove));
}

function renderBackfill(): void {
  clear(backfillBox);
  backfillBox.appendChild(h('h2', {}, 'Backfill cost'));
  const id = nextId('bf');
  const input = h('input', {
    type: 'date',
    id,
    value: state?.settings.startDate ?? '',
  });
  const out = h('div', {'aria-live': 'polite'});
  const btn = h('button', {type: 'button', id: 'estimate'}, 'Estimate');
  btn.addEventListener(
    'click',
    () =>
      void busy(btn, 'Estimating\u2026', async () => {
        const e = await call<BackfillEstimate>('estimateBackfill', {
          startDate: input.value,
        });
        clear(out);
        const dl = h('dl', {class: 'facts'});
        const add = (k: string, v: string) => {
          dl.appendChild(h('dt', {}, k));
          dl.appendChild(h('dd', {}, v));
        };
        add('Days', `${e.days} (${e.startDate} to ${e.endDate})`);
        add('Schools, users', `${fmtNum(e.schools)}, ${fmtNum(e.users)}`);
        add('Service calls', fmtNum(e.totalCalls));
        add('Executions', fmtNum(e.executions));
        add(
          'Run time',
          `${fmtNum(e.runtimeMinutes)} min, about ${e.daysToComplete} day${e.daysToComplete === 1 ? '' : 's'} of nightly runs`,
        );
        out.appendChild(dl);
        if (e.recommendBigQuery)
          out.appendChild(
            h(
              'p',
              {class: 'warn-text'},
              'Recommended: use the Workspace BigQuery export for this backfill.',
            ),
          );
        for (const n of e.notes) out.appendChild(h('p', {class: 'muted'}, n));
      }),
  );
  backfillBox.appendChild(
    h('div', {class: 'field'}, h('label', {for: id}, 'From'), input),
  );
  backfillBox.appendChild(btn);
  backfillBox.appendChild(out);
}

function renderLooker(): void {
  clear(lookerBox);
  lookerBox.appendChild(h('h2', {}, 'Looker Studio'));
  const tabs = state?.lookerTabs ?? [];
  lookerBox.appendChild(
    h(
      'p',
      {class: 'muted'},
      tabs.length
        ? `${tabs.length} lk_ tabs ready for reports.`
        : 'The lk_ tabs appear after the first run.',
    ),
  );
  const out = h('div');
  const btn = h(
    'button',
    {type: 'button', id: 'looker-links'},
    'Create a Looker Studio report',
  );
  btn.disabled = tabs.length === 0;
  btn.addEventListener(
    'click',
    () =>
      void busy(btn, 'Preparing\u2026', async () => {
        const links = await call<{
          report: string;
          perTab: {name: string; url: string}[];
        }>('getLookerLinks');
        clear(out);
        out.appendChild(
          h(
            'p',
            {},
            h(
              'a',
              {href: links.report, target: '_blank', rel: 'noopener'},
              'Open the report in Looker Studio',
            ),
          ),
        );
        const ul = h('ul', {class: 'links'});
        for (const t of links.perTab)
          ul.appendChild(
            h(
              'li',
              {},
              h('a', {href: t.url, target: '_blank', rel: 'noopener'}, t.name),
            ),
          );
        out.appendChild(
          h('details', {}, h('summary', {}, 'One report per tab'), ul),
        );
      }),
  );
  lookerBox.appendChild(btn);
  lookerBox.appendChild(out);
}

async function loadRuns(): Promise<void> {
  try {
    const [p, runs] = await Promise.all([
      call<Progress>('getProgress'),
      call<RunItem[]>('getRecentRuns', 10),
    ]);
    renderProgress(p);
    renderRuns(runs);
    if (p.running) startPolling();
  } catch (e) {
    fail(e);
  }
}

// ---------------------------------------------------------------------------------------
// Setup form.

interface FieldSpec {
  key: keyof Settings;
  label: string;
  kind: 'text' | 'number' | 'date' | 'textarea' | 'checkbox' | 'select';
  help?: string;
  options?: [string, string][];
  min?: number;
  max?: number;
  step?: number;
}

const FIELDS: FieldSpec[] = [
  {
    key: 'timeZone',
    label: 'Time zone',
    kind: 'text',
    help: 'IANA name, e.g. America/New_York. Days are cut at its midnight.',
  },
  {
    key: 'orgUnitRules',
    label: 'Org unit rules',
    kind: 'select',
    options: [
      ['units', 'Units picked in the tree above'],
      ['patterns', 'Depth and patterns (advanced)'],
    ],
  },
  {
    key: 'schoolOuDepth',
    label: 'School org unit depth',
    kind: 'number',
    min: 1,
    max: 10,
    help: 'Advanced (patterns): 2 = /Schools/PS 001 is a school.',
  },
  {
    key: 'schoolOuPattern',
    label: 'School org unit pattern',
    kind: 'text',
    help: 'Optional regular expression a school path must match.',
  },
  {
    key: 'studentOuPattern',
    label: 'Student org units',
    kind: 'text',
    help: 'Regular expression; (?i) makes it case-insensitive.',
  },
  {key: 'teacherOuPattern', label: 'Teacher org units', kind: 'text'},
  {
    key: 'startDate',
    label: 'Start date',
    kind: 'date',
    help: 'Data from this day to today. Empty: as far back as Google keeps (180 days).',
  },
  {
    key: 'minGroupSize',
    label: 'Minimum group size',
    kind: 'number',
    min: 1,
    max: 100,
    help: 'Smaller groups are withheld from the Looker tabs.',
  },
  {
    key: 'underuseGapPct',
    label: 'Under-use gap (%)',
    kind: 'number',
    min: 1,
    max: 90,
    step: 0.5,
  },
  {
    key: 'anomalyThreshold',
    label: 'Anomaly threshold',
    kind: 'number',
    min: 1,
    max: 20,
    step: 0.1,
    help: 'Robust score; higher flags fewer.',
  },
  {
    key: 'forecastHorizonWeeks',
    label: 'Forecast weeks',
    kind: 'number',
    min: 1,
    max: 52,
  },
  {
    key: 'alertRecipients',
    label: 'Alert recipients',
    kind: 'textarea',
    help: 'Email addresses, one per line or comma-separated.',
  },
  {
    key: 'source',
    label: 'Data source',
    kind: 'select',
    options: [
      ['api', 'Google Workspace APIs'],
      ['bigquery', 'Workspace BigQuery export'],
      ['learnplatform', 'LearnPlatform files'],
    ],
  },
  {key: 'bigQueryProject', label: 'BigQuery project', kind: 'text'},
  {key: 'bigQueryDataset', label: 'BigQuery dataset', kind: 'text'},
  {
    key: 'learnPlatformFolderId',
    label: 'LearnPlatform Drive folder id',
    kind: 'text',
  },
  {
    key: 'calendarId',
    label: 'School calendar (Google Calendar id)',
    kind: 'text',
    help: 'Google Calendar → Settings → Integrate calendar → Calendar ID. Imported with each analysis run.',
  },
  {
    key: 'calendarFeedUrl',
    label: 'School calendar (iCal feed address)',
    kind: 'text',
    help: 'An .ics address (https:// or webcal://) from the district website.',
  },
  {
    key: 'trailingDays',
    label: 'Days re-fetched',
    kind: 'number',
    min: 0,
    max: 30,
    help: 'Late events are picked up this many days back.',
  },
  {
    key: 'budgetSeconds',
    label: 'Seconds per execution',
    kind: 'number',
    min: 60,
    max: 330,
  },
  {
    key: 'showIdentities',
    label: 'Show emails and names in admin tabs',
    kind: 'checkbox',
  },
];

const setupBox = h('div', {class: 'card', id: 'setup-card'});

const orgSetup = createOrgSetup({
  h,
  call,
  busy,
  showMessage,
  readable: readableError,
  fmtNum,
  onSaved: s => {
    if (state) {
      state.settings = s;
      state.saved = true;
    }
    renderSetup(s, true);
  },
});

function renderSetup(s: Settings, saved: boolean): void {
  clear(setupBox);
  setupBox.appendChild(h('h2', {}, 'Setup'));
  if (!saved)
    setupBox.appendChild(
      h(
        'p',
        {class: 'warn-text'},
        'Review these settings and save them to start.',
      ),
    );
  const form = h('form', {id: 'settings-form', novalidate: true});
  const inputs = new Map<
    keyof Settings,
    HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement
  >();
  for (const f of FIELDS) {
    const id = `set-${f.key}`;
    const helpId = `${id}-help`;
    const v = s[f.key];
    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (f.kind === 'textarea') {
      input = h('textarea', {id, name: f.key, rows: 3});
      input.value = Array.isArray(v) ? v.join('\n') : String(v ?? '');
    } else if (f.kind === 'select') {
      input = h('select', {id, name: f.key});
      for (const [val, lab] of f.options ?? []) {
        const o = h('option', {value: val}, lab);
        if (val === v) o.selected = true;
        input.appendChild(o);
      }
    } else {
      input = h('input', {id, name: f.key, type: f.kind});
      if (f.kind === 'checkbox')
        (input as HTMLInputElement).checked = v === true;
      else input.value = String(v ?? '');
      if (f.min !== undefined) input.setAttribute('min', String(f.min));
      if (f.max !== undefined) input.setAttribute('max', String(f.max));
      if (f.step !== undefined) input.setAttribute('step', String(f.step));
    }
    if (f.help) input.setAttribute('aria-describedby', helpId);
    inputs.set(f.key, input);
    const wrap = h('div', {
      class: f.kind === 'checkbox' ? 'field check' : 'field',
      'data-key': f.key,
    });
    if (f.kind === 'checkbox') {
      wrap.appendChild(input);
      wrap.appendChild(h('label', {for: id}, f.label));
    } else {
      wrap.appendChild(h('label', {for: id}, f.label));
      wrap.appendChild(input);
    }
    if (f.help) wrap.appendChild(h('div', {class: 'help', id: helpId}, f.help));
    wrap.appendChild(
      h('div', {class: 'field-error', id: `${id}-error`, role: 'alert'}),
    );
    form.appendChild(wrap);
  }
  const save = h(
    'button',
    {type: 'submit', id: 'save-settings'},
    'Save settings',
  );
  form.appendChild(save);
  form.addEventListener('submit', e => {
    e.preventDefault();
    for (const f of FIELDS) {
      const i = inputs.get(f.key)!;
      i.removeAttribute('aria-invalid');
      document.getElementById(`set-${f.key}-error`)!.textContent = '';
    }
    const out: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const i = inputs.get(f.key)!;
      if (f.kind === 'checkbox') out[f.key] = (i as HTMLInputElement).checked;
      else if (f.kind === 'number')
        out[f.key] = i.value.trim() === '' ? undefined : Number(i.value);
      else if (f.key === 'alertRecipients') out[f.key] = i.value;
      else out[f.key] = i.value.trim();
    }
    void busy(save, 'Saving\u2026', async () => {
      try {
        const s2 = await call<Settings>('saveSettings', out);
        if (state) {
          state.settings = s2;
          state.saved = true;
        }
        showMessage('Settings saved.', 'ok');
        renderSetup(s2, true);
      } catch (err) {
        const marked = markFieldErrors(readableError(err));
        if (marked === 0) throw err;
        showMessage(
          `${marked === 1 ? 'One setting needs' : `${marked} settings need`} fixing: see the highlighted ${marked === 1 ? 'field' : 'fields'}.`,
          'error',
        );
      }
    });
  });
  setupBox.appendChild(form);
}

/** Marks the fields an InputError names ("field1, field2: field1 must ...; field2 ..."). */
function markFieldErrors(message: string): number {
  let first: HTMLElement | null = null;
  let count = 0;
  for (const part of message.split(/;\s*/)) {
    const m = /(?:^|:\s*)([a-zA-Z]+)(?:\.[\w.[\]]+)?\s+(.*)$/.exec(part);
    if (!m) continue;
    const key = m[1];
    const input = document.getElementById(`set-${key}`);
    const err = document.getElementById(`set-${key}-error`);
    if (!input || !err) continue;
    input.setAttribute('aria-invalid', 'true');
    err.textContent = `${FIELDS.find(f => f.key === key)?.label ?? key} ${m[2]}`;
    first = first ?? input;
    count++;
  }
  first?.focus();
  return count;
}

// ---------------------------------------------------------------------------------------
// Start.

async function start(): Promise<void> {
  const app = document.getElementById('app');
  if (!app) return;
  clear(app);
  app.appendChild(h('header', {class: 'top'}, h('h1', {}, 'Classroom Pulse')));
  app.appendChild(messages);
  app.appendChild(buildTabs());
  panels
    .get('overview')!
    .append(insightsBox, forecastBox, heatBox, timelineBox);
  panels.get('anomalies')!.append(incidentBox, anomalyBox, underuseBox);
  panels.get('calendar')!.append(calendarView.box);
  panels
    .get('runs')!
    .append(progressBox, runsBox, triggerBox, backfillBox, lookerBox);
  panels.get('setup')!.append(orgSetup.box, setupBox);
  for (const t of TABS) app.appendChild(panels.get(t.id)!);
  insightsBox.appendChild(h('p', {class: 'muted'}, 'Loading\u2026'));
  try {
    state = await call<SidebarState>('getSidebarState');
  } catch (e) {
    fail(e);
    selectTab('overview');
    return;
  }
  panels
    .get('whatif')!
    .append(buildWhatIf({h, svg, clear, call, busy, fmtNum}, state.schools));
  renderSetup(state.settings, state.saved);
  // The menu's "Set up from the directory" opens here; a first run reads the directory.
  const openSetup =
    document.getElementById('cp-open')?.getAttribute('data-view') === 'setup';
  orgSetup.render(state.settings, state.saved, !state.saved || openSetup);
  renderProgress(state.progress);
  renderTriggers(state.triggers);
  renderBackfill();
  renderLooker();
  if (state.newAnomalies > 0) {
    tabButtons.get('anomalies')!.textContent =
      `Anomalies (${state.newAnomalies})`;
  }
  selectTab(state.saved && !openSetup ? 'overview' : 'setup');
  if (state.progress.running) startPolling();
  await loadOverview();
}

void start();
