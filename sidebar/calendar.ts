/**
 * The sidebar's Calendar view: the coming weeks as the merged calendar sees them (closed
 * days, half days, testing windows, possible outages, with their source and status), the
 * periods waiting for the admin's confirmation, and the imported sources. Built with DOM
 * calls and textContent only, like the rest of the sidebar.
 */
import {MONTH_ABBR} from '../src/clean/dates';
import type {
  CalendarDayItem,
  CalendarReviewItem,
  CalendarSourceItem,
  CalendarView,
} from '../src/sheets/view-types';

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | number | ((e: Event) => void)>;

/** The sidebar's helpers this view uses (defined in main.ts). */
export interface CalendarDeps {
  h: <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attrs?: Attrs,
    ...children: Child[]
  ) => HTMLElementTagNameMap[K];
  clear: (e: Element) => void;
  call: <T>(name: string, ...args: unknown[]) => Promise<T>;
  busy: <T>(
    button: HTMLButtonElement | null,
    label: string,
    work: () => Promise<T>,
  ) => Promise<T | undefined>;
  showMessage: (text: string, kind?: 'error' | 'ok' | 'info') => void;
  fail: (e: unknown) => void;
}

const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
function dayName(iso: string): string {
  const d = new Date(`${iso}T12:00:00Z`);
  return `${WEEKDAY[d.getUTCDay()]} ${MONTH_ABBR[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

function span(start: string, end: string): string {
  return start === end ? dayName(start) : `${dayName(start)} – ${dayName(end)}`;
}

function statusText(d: CalendarDayItem): string {
  const parts: string[] = [];
  if (d.status === 'closed') parts.push('closed');
  else if (d.status === 'half-day') parts.push('half day');
  else if (d.status === 'weekend') parts.push('no school (weekend)');
  else parts.push('school day');
  if (d.testing) parts.push('testing');
  if (d.possibleOutage) parts.push('possible outage to confirm');
  return parts.join(', ');
}

function verdict(c: '' | 'yes' | 'no'): string {
  return c === 'yes' ? 'confirmed' : c === 'no' ? 'rejected' : 'not reviewed';
}

export function createCalendarView(deps: CalendarDeps): {
  box: HTMLElement;
  load: () => Promise<void>;
} {
  const {h, clear, call, busy, showMessage, fail} = deps;
  const weeksBox = h('div', {class: 'card', id: 'calendar-weeks'});
  const reviewBox = h('div', {class: 'card', id: 'calendar-review'});
  const sourcesBox = h('div', {class: 'card', id: 'calendar-sources'});
  const box = h('div', {id: 'calendar'}, weeksBox, reviewBox, sourcesBox);

  function render(v: CalendarView): void {
    renderWeeks(v);
    renderReview(v.toConfirm);
    renderSources(v.sources, v.warnings);
  }

  function dayCell(d: CalendarDayItem): HTMLElement {
    const cls = ['day', `day-${d.status}`];
    if (d.testing) cls.push('day-testing');
    if (d.possibleOutage) cls.push('day-outage');
    const label = `${dayName(d.date)}: ${statusText(d)}${d.label ? ` — ${d.label}` : ''}`;
    return h(
      'li',
      {class: cls.join(' '), title: label, 'aria-label': label},
      String(Number(d.date.slice(8))),
    );
  }

  function weekNotes(days: CalendarDayItem[]): HTMLElement | null {
    // One line per named period in the week, on its first day there.
    const seen = new Set<string>();
    const ul = h('ul', {class: 'cal-notes'});
    for (const d of days) {
      if (d.status === 'weekend' && !d.label) continue;
      const kind =
        d.status === 'closed'
          ? 'Closed'
          : d.status === 'half-day'
            ? 'Half day'
            : d.testing
              ? 'Testing'
              : d.possibleOutage
                ? 'Possible outage'
                : '';
      if (!kind || !d.label) continue;
      const k = `${kind}|${d.label}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const last = days.filter(x => x.label === d.label).pop()!;
      ul.appendChild(
        h(
          'li',
          {},
          h('strong', {}, `${kind}: `),
          `${d.label} (${span(d.date, last.date)})`,
          h(
            'span',
            {class: 'muted'},
            ` · ${d.source || 'settings'}${d.confirmed || d.source === 'inferred' || kind === 'Possible outage' ? `, ${verdict(d.confirmed)}` : ''}`,
          ),
        ),
      );
    }
    return ul.childNodes.length ? ul : null;
  }

  function renderWeeks(v: CalendarView): void {
    clear(weeksBox);
    weeksBox.appendChild(h('h2', {}, 'School calendar'));
    weeksBox.appendChild(
      h(
        'p',
        {class: 'muted'},
        `The next ${v.weeks.length} weeks as the analysis sees them. Edit the Calendar tab to change a period.`,
      ),
    );
    const legend = h(
      'ul',
      {class: 'cal-legend', 'aria-label': 'Legend'},
      h('li', {class: 'day day-open'}, 'school'),
      h('li', {class: 'day day-closed'}, 'closed'),
      h('li', {class: 'day day-half-day'}, 'half'),
      h('li', {class: 'day day-open day-testing'}, 'testing'),
    );
    weeksBox.appendChild(legend);
    for (const w of v.weeks) {
      const wrap = h('section', {class: 'cal-week'});
      wrap.appendChild(h('h3', {}, `Week of ${dayName(w.weekStart)}`));
      const strip = h('ul', {
        class: 'cal-days',
        'aria-label': `Days of the week of ${dayName(w.weekStart)}`,
      });
      for (const d of w.days) strip.appendChild(dayCell(d));
      wrap.appendChild(strip);
      const notes = weekNotes(w.days);
      wrap.appendChild(
        notes ??
          h(
            'p',
            {class: 'muted'},
            w.days.some(d => d.status === 'open')
              ? 'School every school day.'
              : 'No school days.',
          ),
      );
      weeksBox.appendChild(wrap);
    }
  }

  function reviewItem(t: CalendarReviewItem): HTMLElement {
    const li = h('li', {class: 'item'});
    const when = span(t.start, t.end);
    li.appendChild(
      h(
        'div',
        {class: 'item-head'},
        h('strong', {}, t.name),
        h('span', {class: 'pill'}, t.kind.replace('-', ' ')),
      ),
    );
    li.appendChild(h('div', {}, `${when} · ${t.source}`));
    li.appendChild(
      h(
        'div',
        {class: 'muted'},
        t.kind === 'possible-outage'
          ? 'Activity dropped as if school were closed. Confirm if it was closed; reject to keep it reported as a drop.'
          : 'Inferred from activity. Confirm if school was closed; reject if it was open.',
      ),
    );
    const row = h('div', {class: 'actions'});
    const act = (value: 'yes' | 'no', label: string) => {
      const b = h(
        'button',
        {type: 'button', class: value === 'no' ? 'secondary' : ''},
        label,
      );
      b.setAttribute('aria-label', `${label}: ${t.name}, ${when}`);
      b.addEventListener(
        'click',
        () =>
          void busy(b, 'Saving…', async () => {
            const v = await call<CalendarView>(
              'setCalendarConfirmation',
              t.key,
              value,
            );
            render(v);
            showMessage(
              `${value === 'yes' ? 'Confirmed' : 'Rejected'}: ${t.name}. The next run uses it.`,
              'ok',
            );
          }),
      );
      return b;
    };
    row.appendChild(act('yes', 'Confirm'));
    row.appendChild(act('no', 'Reject'));
    li.appendChild(row);
    return li;
  }

  function renderReview(list: CalendarReviewItem[]): void {
    clear(reviewBox);
    reviewBox.appendChild(h('h2', {}, 'To confirm'));
    if (list.length === 0) {
      reviewBox.appendChild(
        h('p', {class: 'muted'}, 'Nothing waits for review.'),
      );
      return;
    }
    const ul = h('ul', {class: 'items', 'aria-label': 'Periods to confirm'});
    for (const t of list) ul.appendChild(reviewItem(t));
    reviewBox.appendChild(ul);
  }

  function renderSources(list: CalendarSourceItem[], warnings: string[]): void {
    clear(sourcesBox);
    sourcesBox.appendChild(h('h2', {}, 'Imported calendars'));
    if (warnings.length) {
      const ul = h('ul', {class: 'cal-warnings', role: 'status'});
      for (const w of warnings)
        ul.appendChild(h('li', {class: 'warn-text'}, w));
      sourcesBox.appendChild(ul);
    }
    if (list.length === 0) {
      sourcesBox.appendChild(
        h(
          'p',
          {class: 'muted'},
          'None. Add a Google Calendar id or an iCal feed address in Setup to import the district calendar.',
        ),
      );
      return;
    }
    const ul = h('ul', {class: 'items'});
    for (const s of list) {
      ul.appendChild(
        h(
          'li',
          {class: 'item'},
          h(
            'div',
            {class: 'item-head'},
            h('strong', {}, s.origin),
            h(
              'span',
              {class: `pill ${s.ok ? 'pill-ok' : 'pill-failed'}`},
              s.ok ? (s.checked ? 'ok' : 'not read yet') : 'failed',
            ),
          ),
          h('div', {class: 'muted'}, s.label),
          h(
            'div',
            {},
            s.lastSuccess
              ? `${s.rows} periods, last read ${s.lastSuccess.slice(0, 16).replace('T', ' ')} UTC`
              : 'Not read yet: runs with each analysis.',
          ),
          s.error ? h('div', {class: 'error-text'}, s.error) : null,
        ),
      );
    }
    sourcesBox.appendChild(ul);
    const b = h(
      'button',
      {type: 'button', id: 'calendar-refresh'},
      'Import now',
    );
    b.addEventListener(
      'click',
      () =>
        void busy(b, 'Importing…', async () => {
          const v = await call<CalendarView>('refreshCalendar');
          render(v);
          showMessage(
            v.warnings.length
              ? 'Imported, with warnings: see Imported calendars.'
              : 'Calendars imported.',
            v.warnings.length ? 'info' : 'ok',
          );
        }),
    );
    sourcesBox.appendChild(b);
  }

  async function load(): Promise<void> {
    try {
      render(await call<CalendarView>('getCalendarView'));
    } catch (e) {
      fail(e);
    }
  }

  weeksBox.appendChild(h('p', {class: 'muted'}, 'Loading…'));
  return {box, load};
}
