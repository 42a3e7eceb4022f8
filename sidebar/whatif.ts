/**
 * The What-if view: a form (schools, scenario, start week, weeks) and the result: the
 * chart of baseline and scenario, the change in students with its interval, the lever
 * backtest and each school's caveats. Built with DOM calls and textContent only.
 */
import type {SvgNode} from '../src/ui/charts';
import {whatIfSvg} from '../src/ui/whatif-chart';
import type {WhatIfView} from '../src/analysis/whatif';

type Child = Node | string | null | undefined | false;
type H = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string | boolean | number | ((e: Event) => void)>,
  ...children: Child[]
) => HTMLElementTagNameMap[K];

export interface WhatIfDeps {
  h: H;
  svg: (n: SvgNode) => SVGElement;
  clear: (e: Element) => void;
  call: <T>(name: string, ...args: unknown[]) => Promise<T>;
  busy: <T>(
    b: HTMLButtonElement | null,
    label: string,
    work: () => Promise<T>,
  ) => Promise<T | undefined>;
  fmtNum: (v: number | null) => string;
}

/** The request the form describes, or a message naming the field at fault. */
export function whatIfRequest(form: {
  schools: string;
  kind: string;
  percent: string;
  weeksAgo: string;
  startWeek: string;
  weeks: string;
}): {request: Record<string, unknown>} | {error: string; field: string} {
  const request: Record<string, unknown> = {
    schools:
      form.schools === 'underusing' || form.schools === 'all'
        ? form.schools
        : [form.schools],
  };
  if (form.kind === 'percent') {
    const p = Number(form.percent);
    if (form.percent.trim() === '' || !Number.isFinite(p))
      return {
        error: 'Enter a percentage change, e.g. 10 or -20.',
        field: 'percent',
      };
    if (p < -100)
      return {
        error: 'Teacher activity cannot fall by more than 100%.',
        field: 'percent',
      };
    request.scenario = {kind: 'percent', percent: p};
  } else if (form.kind === 'weeksAgo') {
    const w = Number(form.weeksAgo);
    if (!Number.isInteger(w) || w < 1)
      return {
        error: 'Enter a whole number of weeks, at least 1.',
        field: 'weeksAgo',
      };
    request.scenario = {kind: 'weeksAgo', weeks: w};
  } else {
    request.scenario = {kind: 'peerMedian'};
  }
  if (form.startWeek) request.startWeek = form.startWeek;
  if (form.weeks.trim() !== '') {
    const n = Number(form.weeks);
    if (!Number.isInteger(n) || n < 1)
      return {
        error: 'Weeks must be a whole number, at least 1.',
        field: 'weeks',
      };
    request.weeks = n;
  }
  return {request};
}

export function buildWhatIf(
  d: WhatIfDeps,
  schools: ReadonlyArray<{id: string; name: string}>,
): HTMLElement {
  const {h} = d;
  const result = h('div', {class: 'whatif-result', 'aria-live': 'polite'});
  const fieldError = h('p', {class: 'field-error', role: 'alert'});
  const schoolSel = h(
    'select',
    {id: 'wi-schools'},
    h('option', {value: 'underusing'}, 'Schools flagged as under-using'),
    h('option', {value: 'all'}, 'All schools'),
    ...schools.map(s => h('option', {value: s.id}, s.name)),
  );
  const kindSel = h(
    'select',
    {id: 'wi-kind'},
    h('option', {value: 'percent'}, 'Change by a percentage'),
    h('option', {value: 'peerMedian'}, 'To the peer median'),
    h('option', {value: 'weeksAgo'}, 'To its own level N weeks ago'),
  );
  const percent = h('input', {
    id: 'wi-percent',
    type: 'number',
    value: '10',
    step: 'any',
  });
  const weeksAgo = h('input', {
    id: 'wi-weeks-ago',
    type: 'number',
    value: '8',
    min: 1,
  });
  const startWeek = h('input', {id: 'wi-start', type: 'date'});
  const weeks = h('input', {
    id: 'wi-weeks',
    type: 'number',
    min: 1,
    placeholder: 'to the end of the forecast',
  });
  const percentField = h(
    'div',
    {class: 'field'},
    h('label', {for: 'wi-percent'}, 'Change in teacher activity (%)'),
    percent,
  );
  const agoField = h(
    'div',
    {class: 'field', hidden: true},
    h('label', {for: 'wi-weeks-ago'}, 'Weeks ago'),
    weeksAgo,
  );
  kindSel.addEventListener('change', () => {
    percentField.hidden = kindSel.value !== 'percent';
    agoField.hidden = kindSel.value !== 'weeksAgo';
  });
  const run = h('button', {type: 'submit'}, 'Run scenario');
  const form = h(
    'form',
    {class: 'card', 'aria-label': 'What-if scenario'},
    h('h2', {}, 'What if teacher activity changed?'),
    h(
      'div',
      {class: 'field'},
      h('label', {for: 'wi-schools'}, 'Schools'),
      schoolSel,
    ),
    h(
      'div',
      {class: 'field'},
      h('label', {for: 'wi-kind'}, 'Teacher activity'),
      kindSel,
    ),
    percentField,
    agoField,
    h(
      'div',
      {class: 'field'},
      h('label', {for: 'wi-start'}, 'From week (Monday)'),
      startWeek,
      h('span', {class: 'help'}, 'Empty: the first forecast week.'),
    ),
    h(
      'div',
      {class: 'field'},
      h('label', {for: 'wi-weeks'}, 'For how many weeks'),
      weeks,
    ),
    fieldError,
    run,
  );
  form.addEventListener('submit', e => {
    e.preventDefault();
    fieldError.textContent = '';
    for (const i of [percent, weeksAgo, weeks])
      i.removeAttribute('aria-invalid');
    const r = whatIfRequest({
      schools: schoolSel.value,
      kind: kindSel.value,
      percent: percent.value,
      weeksAgo: weeksAgo.value,
      startWeek: startWeek.value,
      weeks: weeks.value,
    });
    if ('error' in r) {
      fieldError.textContent = r.error;
      const bad = {percent, weeksAgo, weeks}[r.field as 'percent'];
      bad?.setAttribute('aria-invalid', 'true');
      bad?.focus();
      return;
    }
    void d.busy(run, 'Running\u2026', async () => {
      const v = await d.call<WhatIfView>('runWhatIf', r.request);
      renderWhatIf(d, result, v);
    });
  });
  return h('div', {}, form, result);
}

export function renderWhatIf(
  d: WhatIfDeps,
  box: HTMLElement,
  v: WhatIfView,
): void {
  const {h, fmtNum} = d;
  d.clear(box);
  const q = v.request;
  const dist = v.district;
  const b = dist.backtest;
  const one = v.schools.length === 1 ? v.schools[0] : null;
  const weeks = one
    ? one.weeks
    : dist.weeks.map(w => ({
        ...w,
        inScenario: v.schools.some(s =>
          s.weeks.some(x => x.weekStart === w.weekStart && x.inScenario),
        ),
        baselineLo95: null,
        baselineHi95: null,
        scenarioLo95: null,
        scenarioHi95: null,
      }));
  const total = one ?? {
    totalDifference: dist.totalDifference,
    totalDifferenceLo95: dist.totalDifferenceLo95,
    totalDifferenceHi95: dist.totalDifferenceHi95,
  };
  const title = one ? one.schoolName : `${dist.schools} schools`;
  box.append(
    h(
      'div',
      {class: 'card'},
      h('h2', {}, `${title}: ${q.scenarioLabel}`),
      h(
        'p',
        {class: 'muted'},
        `From ${q.startWeek} for ${q.weeks} week${q.weeks === 1 ? '' : 's'} (${q.selection}).`,
      ),
      // The card's padding leaves 260 px of the sidebar's 300.
      d.svg(whatIfSvg(title, weeks, 260, 190)),
      h(
        'p',
        {class: 'whatif-total'},
        `Change: ${sign(total.totalDifference)}${fmtNum(total.totalDifference)} student-weeks over ${q.horizon} weeks (95%: ${fmtNum(total.totalDifferenceLo95)} to ${fmtNum(total.totalDifferenceHi95)}).`,
      ),
      h(
        'p',
        {},
        b.events
          ? `Lever backtest: after ${b.events} past moves of teacher activity over ${b.thresholdPct}%, students moved the predicted way ${Math.round(100 * (b.directionHitRate ?? 0))}% of the time (skill ${b.skill === null ? 'n/a' : b.skill.toFixed(2)} against "no change").`
          : `Lever backtest: no past move of teacher activity over ${b.thresholdPct}% to check against.`,
      ),
      h('p', {class: 'warn-text'}, v.note),
    ),
  );
  const list = h('ul', {class: 'whatif-schools'});
  for (const s of v.schools) {
    list.append(
      h(
        'li',
        {},
        h('strong', {}, s.schoolName),
        s.ok
          ? ` ${sign(s.totalDifference)}${fmtNum(s.totalDifference)} (${fmtNum(s.totalDifferenceLo95)} to ${fmtNum(s.totalDifferenceHi95)})`
          : '',
        ...s.notes.map(n => h('span', {class: 'help whatif-note'}, n)),
      ),
    );
  }
  box.append(
    h('div', {class: 'card'}, h('h2', {}, 'By school'), list),
    h('p', {class: 'muted'}, `Written to the ${v.tabs.join(' and ')} tabs.`),
  );
}

function sign(v: number | null): string {
  return v !== null && v > 0 ? '+' : '';
}
