/**
 * Setup's "Schools and roles" card: reads the directory (org units and users per unit), shows
 * the tree with a proposal of schools and student and teacher units, lets the admin adjust
 * it by picking units, previews what that selects, and saves it. Built with DOM calls and
 * textContent only.
 */
import {
  orgUnitTree,
  picksOf,
  proposePicks,
  type Census,
  type OrgUnitNode,
  type UnitPicks,
} from '../src/clean/orgunits';
import type {
  Settings,
  SetupDirectoryPage,
  SetupPreview,
} from '../src/sheets/view-types';

type Child = Node | string | null | undefined | false;
type H = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string | boolean | number | ((e: Event) => void)>,
  ...children: Child[]
) => HTMLElementTagNameMap[K];

export interface OrgSetupDeps {
  h: H;
  call: <T>(name: string, ...args: unknown[]) => Promise<T>;
  busy: <T>(
    b: HTMLButtonElement | null,
    label: string,
    work: () => Promise<T>,
  ) => Promise<T | undefined>;
  showMessage: (text: string, kind?: 'error' | 'ok' | 'info') => void;
  /** A server error as a sentence. */
  readable: (e: unknown) => string;
  fmtNum: (v: number | null) => string;
  /** Called with the stored settings after a save. */
  onSaved: (s: Settings) => void;
}

type Pick = '' | 'school' | 'students' | 'teachers';

const PICK_LABELS: [Pick, string][] = [
  ['', '\u2014'],
  ['school', 'School'],
  ['students', 'Students'],
  ['teachers', 'Teachers'],
];

function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

export function createOrgSetup(d: OrgSetupDeps) {
  const {h} = d;
  const box = h('div', {class: 'card', id: 'org-setup'});
  let settings: Settings | null = null;
  let units: {path: string; name: string}[] = [];
  let census: Census = {};
  let tree: OrgUnitNode[] = [];
  let kids = new Map<string, OrgUnitNode[]>();
  let byPath = new Map<string, OrgUnitNode>();
  let picks: UnitPicks = {schools: [], students: [], teachers: []};
  let preview: SetupPreview | null = null;
  const open = new Set<string>();
  const status = h('div', {'aria-live': 'polite', class: 'muted'});
  const treeBox = h('div', {class: 'ou-tree-box'});
  const summary = h('p', {id: 'ou-summary'});
  const previewBox = h('div', {id: 'ou-preview', 'aria-live': 'polite'});

  function pickOf(path: string): Pick {
    if (picks.schools.includes(path)) return 'school';
    if (picks.students.includes(path)) return 'students';
    if (picks.teachers.includes(path)) return 'teachers';
    return '';
  }

  function setPick(path: string, p: Pick): void {
    picks = {
      schools: picks.schools.filter(x => x !== path),
      students: picks.students.filter(x => x !== path),
      teachers: picks.teachers.filter(x => x !== path),
    };
    if (p === 'school') picks.schools.push(path);
    if (p === 'students') picks.students.push(path);
    if (p === 'teachers') picks.teachers.push(path);
    preview = null;
    renderSummary();
    renderPreview();
  }

  /** What a unit inherits from a picked ancestor, for the muted note on its row. */
  function inherited(n: OrgUnitNode): string {
    const notes: string[] = [];
    for (let p = n.parent; p; p = byPath.get(p)?.parent ?? '') {
      const k = pickOf(p);
      if (k === 'school' && !notes.some(x => x.startsWith('in '))) {
        notes.push(`in ${byPath.get(p)?.name ?? p}`);
      }
      if ((k === 'students' || k === 'teachers') && notes.length < 2) {
        if (!notes.some(x => x === 'students' || x === 'teachers'))
          notes.push(k);
      }
    }
    return notes.join(', ');
  }

  function row(n: OrgUnitNode): HTMLLIElement {
    const children = kids.get(n.path) ?? [];
    const expanded = open.has(n.path);
    const li = h('li', {
      role: 'treeitem',
      'aria-level': n.depth + 1,
      'data-path': n.path,
      ...(children.length ? {'aria-expanded': String(expanded)} : {}),
    });
    const toggle = children.length
      ? h(
          'button',
          {
            type: 'button',
            class: 'ou-toggle',
            'aria-label': `${expanded ? 'Collapse' : 'Expand'} ${n.name}`,
            onclick: () => {
              if (open.has(n.path)) open.delete(n.path);
              else open.add(n.path);
              renderTree();
            },
          },
          expanded ? '\u25be' : '\u25b8',
        )
      : h('span', {class: 'ou-toggle-space'});
    const line = h(
      'div',
      {class: 'ou-row'},
      toggle,
      h(
        'span',
        {class: 'ou-name', title: n.path},
        n.name,
        h('span', {class: 'ou-count'}, ` ${d.fmtNum(n.total)}`),
      ),
    );
    if (n.path !== '/') {
      const sel = h('select', {
        class: 'ou-pick',
        'aria-label': `${n.name}: school, students or teachers`,
      });
      for (const [v, label] of PICK_LABELS) {
        const o = h('option', {value: v}, label);
        if (v === pickOf(n.path)) o.selected = true;
        sel.appendChild(o);
      }
      sel.addEventListener('change', () => {
        setPick(n.path, sel.value as Pick);
        renderTree();
      });
      line.appendChild(sel);
    }
    li.appendChild(line);
    const note = n.path === '/' ? '' : inherited(n);
    if (note) li.appendChild(h('div', {class: 'ou-note'}, note));
    if (children.length && expanded) {
      const ul = h('ul', {role: 'group'});
      for (const c of children) ul.appendChild(row(c));
      li.appendChild(ul);
    }
    return li;
  }

  function renderTree(): void {
    clear(treeBox);
    const root = byPath.get('/');
    if (!root) return;
    const ul = h('ul', {
      role: 'tree',
      class: 'ou-tree',
      'aria-label': 'Org units with their active users',
    });
    ul.appendChild(row(root));
    treeBox.appendChild(ul);
  }

  function renderSummary(): void {
    const s = picks.schools.length;
    summary.textContent =
      `${s} school${s === 1 ? '' : 's'}, ${picks.students.length} student and ` +
      `${picks.teachers.length} teacher unit${picks.teachers.length === 1 ? '' : 's'} picked. ` +
      'Pick a unit\u2019s role to change it; units below a pick follow it.';
  }

  function fact(dl: HTMLElement, k: string, v: string): void {
    dl.appendChild(h('dt', {}, k));
    dl.appendChild(h('dd', {}, v));
  }

  function renderPreview(): void {
    clear(previewBox);
    const btn = h(
      'button',
      {type: 'button', id: 'ou-preview-btn'},
      'Preview',
    ) as HTMLButtonElement;
    btn.addEventListener(
      'click',
      () =>
        void d.busy(btn, 'Previewing\u2026', async () => {
          preview = await d.call<SetupPreview>('previewSetup', {
            directory: {units, census},
            picks,
          });
          renderPreview();
        }),
    );
    const pat = h(
      'button',
      {type: 'button', class: 'secondary', id: 'ou-preview-patterns'},
      'Preview the patterns',
    ) as HTMLButtonElement;
    pat.addEventListener(
      'click',
      () =>
        void d.busy(pat, 'Previewing\u2026', async () => {
          preview = await d.call<SetupPreview>('previewSetup', {
            directory: {units, census},
            rules: {orgUnitRules: 'patterns'},
          });
          renderPreview();
        }),
    );
    if (!preview) {
      previewBox.appendChild(
        h(
          'p',
          {class: 'muted'},
          'Preview what these picks select before saving. Nothing is saved until you do.',
        ),
      );
      previewBox.appendChild(h('div', {class: 'actions'}, btn, pat));
      return;
    }
    const p = preview;
    previewBox.appendChild(
      h(
        'h3',
        {},
        p.settings.orgUnitRules === 'units'
          ? 'Preview: picked units'
          : 'Preview: patterns',
      ),
    );
    const dl = h('dl', {class: 'facts'});
    fact(dl, 'Schools', d.fmtNum(p.schools.length));
    fact(dl, 'Active users', d.fmtNum(p.totals.users));
    fact(
      dl,
      'Roles',
      `${d.fmtNum(p.totals.students)} students, ${d.fmtNum(p.totals.teachers)} teachers, ${d.fmtNum(p.totals.other)} by Classroom`,
    );
    fact(dl, 'In no school', d.fmtNum(p.noSchool.users));
    previewBox.appendChild(dl);
    for (const w of p.warnings)
      previewBox.appendChild(h('p', {class: 'warn-text'}, w));
    const table = h(
      'table',
      {class: 'mini', id: 'ou-schools'},
      h(
        'caption',
        {class: 'visually-hidden'},
        'Active users per school and role',
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {scope: 'col'}, 'School'),
          h('th', {scope: 'col'}, 'Stu.'),
          h('th', {scope: 'col'}, 'Tch.'),
          h('th', {scope: 'col'}, 'Other'),
        ),
      ),
    );
    const body = h('tbody', {});
    for (const s of p.schools.slice(0, 200)) {
      body.appendChild(
        h(
          'tr',
          {},
          h('td', {title: s.path}, s.name),
          h('td', {}, d.fmtNum(s.students)),
          h('td', {}, d.fmtNum(s.teachers)),
          h('td', {}, d.fmtNum(s.other)),
        ),
      );
    }
    table.appendChild(body);
    previewBox.appendChild(table);
    if (p.schools.length > 200)
      previewBox.appendChild(
        h('p', {class: 'muted'}, `${p.schools.length - 200} more schools.`),
      );
    if (p.noSchool.units.length) {
      const ul = h('ul', {class: 'ou-loose'});
      for (const u of p.noSchool.units)
        ul.appendChild(h('li', {}, `${u.path}: ${d.fmtNum(u.users)}`));
      previewBox.appendChild(
        h('p', {}, h('strong', {}, 'Accounts in no school, by unit')),
      );
      previewBox.appendChild(ul);
    }
    const e = p.estimate;
    if (e) {
      const cost = h('dl', {class: 'facts', id: 'ou-cost'});
      fact(cost, 'First backfill', `${e.days} days from ${e.startDate}`);
      fact(cost, 'Service calls', d.fmtNum(e.totalCalls));
      fact(
        cost,
        'Run time',
        `${d.fmtNum(e.runtimeMinutes)} min over ${d.fmtNum(e.executions)} executions, about ${e.daysToComplete} day${e.daysToComplete === 1 ? '' : 's'}`,
      );
      previewBox.appendChild(h('p', {}, h('strong', {}, 'What it costs')));
      previewBox.appendChild(cost);
      if (e.recommendBigQuery)
        previewBox.appendChild(
          h(
            'p',
            {class: 'warn-text'},
            'Recommended: the Workspace BigQuery export for this backfill.',
          ),
        );
    } else if (p.estimateError) {
      previewBox.appendChild(h('p', {class: 'muted'}, p.estimateError));
    }
    const saved = h(
      'details',
      {},
      h('summary', {}, 'What is saved'),
      h(
        'pre',
        {class: 'ou-saved'},
        p.settings.orgUnitRules === 'units'
          ? [
              `schools: ${p.settings.schoolUnits.join(', ')}`,
              `students: ${p.settings.studentUnits.join(', ') || '(none)'}`,
              `teachers: ${p.settings.teacherUnits.join(', ') || '(none)'}`,
            ].join('\n')
          : `patterns: depth ${p.settings.schoolOuDepth}, ${p.settings.studentOuPattern}, ${p.settings.teacherOuPattern}`,
      ),
    );
    previewBox.appendChild(saved);
    const save = h(
      'button',
      {type: 'button', id: 'ou-save'},
      p.settings.orgUnitRules === 'units'
        ? 'Save these schools and roles'
        : 'Use the patterns',
    ) as HTMLButtonElement;
    save.addEventListener(
      'click',
      () =>
        void d.busy(save, 'Saving\u2026', async () => {
          const s = await d.call<Settings>('saveSettings', p.settings);
          settings = s;
          d.showMessage(
            `Saved: ${p.schools.length} schools. The next run attributes users by them.`,
            'ok',
          );
          d.onSaved(s);
        }),
    );
    previewBox.appendChild(h('div', {class: 'actions'}, save, btn));
  }

  function showTree(): void {
    tree = orgUnitTree(
      units.map(u => ({orgUnitPath: u.path, name: u.name})),
      census,
    );
    kids = new Map();
    byPath = new Map(tree.map(n => [n.path, n]));
    for (const n of tree) {
      if (!n.parent) continue;
      const l = kids.get(n.parent) ?? [];
      l.push(n);
      kids.set(n.parent, l);
    }
    const saved = settings !== null && savedOnce;
    picks = saved ? picksOf(tree, settings!) : proposePicks(tree);
    // Open the way down to the schools; the schools themselves start closed.
    open.clear();
    open.add('/');
    for (const s of picks.schools) {
      for (let p = byPath.get(s)?.parent; p; p = byPath.get(p)?.parent) {
        open.add(p);
      }
    }
    clear(status);
    status.appendChild(
      document.createTextNode(
        `${d.fmtNum(tree.length - 1)} org units, ${d.fmtNum(tree[0]?.total ?? 0)} active users. ` +
          (saved
            ? 'Showing the saved rules.'
            : 'Proposed from the unit names.'),
      ),
    );
    renderSummary();
    renderTree();
    renderPreview();
  }

  let savedOnce = false;

  async function readDirectory(
    btn: HTMLButtonElement,
    fresh: boolean,
  ): Promise<void> {
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    try {
      units = [];
      census = {};
      preview = null;
      let token: string | null = null;
      let read = 0;
      let calls = 0;
      let countedAt: string | null = null;
      status.textContent = 'Reading the directory\u2026';
      do {
        const page: SetupDirectoryPage = await d.call<SetupDirectoryPage>(
          'getSetupDirectory',
          token ? {pageToken: token} : {fresh},
        );
        countedAt = page.countedAt;
        if (page.units) units = page.units;
        for (const [k, [a, i]] of Object.entries(page.census)) {
          const c = (census[k] ??= [0, 0]);
          c[0] += a;
          c[1] += i;
        }
        read += page.usersRead;
        calls += page.calls.orgUnits + page.calls.users;
        token = page.nextPageToken;
        status.textContent = `Reading the directory\u2026 ${d.fmtNum(read)} accounts so far (${d.fmtNum(calls)} calls).`;
      } while (token);
      showTree();
      status.appendChild(
        document.createTextNode(
          countedAt
            ? ` Users per unit as the last run counted them (${countedAt.slice(0, 10)}); ${d.fmtNum(calls)} Directory call.`
            : ` Read with ${d.fmtNum(calls)} Directory calls.`,
        ),
      );
    } catch (e) {
      // Shown in this card: the rest of the sidebar works without the directory.
      clear(status);
      status.appendChild(
        h('span', {class: 'error-text', role: 'alert'}, d.readable(e)),
      );
    } finally {
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
    }
  }

  function render(s: Settings, saved: boolean, autoRead: boolean): void {
    settings = s;
    savedOnce = saved;
    clear(box);
    box.appendChild(h('h2', {}, 'Schools and roles'));
    box.appendChild(
      h(
        'p',
        {class: 'muted'},
        'Classroom Pulse reads your org units and proposes which are schools and which hold students and teachers.',
      ),
    );
    const read = h(
      'button',
      {type: 'button', id: 'ou-read', class: 'secondary'},
      'Read the directory',
    ) as HTMLButtonElement;
    read.addEventListener('click', () => void readDirectory(read, true));
    box.append(status, read, summary, treeBox, previewBox);
    summary.textContent = '';
    if (autoRead) void readDirectory(read, false);
  }

  return {box, render};
}
