/**
 * Imports run downward: each folder of src/ may import only from its own layer or a lower
 * one, and the bundle never imports the host-side folders (the offline runtime, the demo,
 * the command line). A new upward import fails here, naming the file and the import.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {dirname, join, normalize, relative} from 'node:path';

const SRC = join(__dirname, '../../src');

/** Layers from the bottom up; a folder may import its own rank or lower. */
const RANK: Record<string, number> = {
  core: 0,
  platform: 1,
  stats: 2,
  clean: 2,
  metrics: 3,
  sources: 4,
  analysis: 5,
  sheets: 6,
  pipeline: 7,
  ui: 8,
  main: 9,
};
/** Host-side folders: never imported by the bundle's own code. */
const HOST = new Set(['offline', 'demo', 'cli']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The top folder of src/ a path lies in (`main` for src/main.ts). */
function layerOf(file: string): string {
  const rel = relative(SRC, file).split(/[\\/]/);
  return rel.length > 1 ? rel[0] : rel[0].replace(/\.ts$/, '');
}

const IMPORT = /(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gs;

interface Edge {
  file: string;
  target: string;
  from: string;
  to: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of tsFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), m[1]));
      if (!target.startsWith(SRC)) continue;
      out.push({file, target, from: layerOf(file), to: layerOf(target)});
    }
  }
  return out;
}

function describeEdge(e: Edge): string {
  return `${relative(SRC, e.file)} imports ${relative(SRC, e.target)} (${e.from} -> ${e.to})`;
}

/** Files on an import cycle, as one chain per cycle found. */
function cycles(all: Edge[]): string[][] {
  const resolve = (t: string) =>
    [t + '.ts', join(t, 'index.ts'), t].find(p => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    }) ?? t;
  const graph = new Map<string, string[]>();
  for (const e of all) {
    const list = graph.get(e.file) ?? [];
    list.push(resolve(e.target));
    graph.set(e.file, list);
  }
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (f: string) => {
    state.set(f, 1);
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 1) {
        found.push(stack.slice(stack.indexOf(g)).map(p => relative(SRC, p)));
      } else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

/** The edges that break the rules: upward between layers, or into a host-side folder. */
function violations(all: Edge[]): string[] {
  return all
    .filter(
      e =>
        e.from in RANK &&
        ((e.to in RANK && RANK[e.to] > RANK[e.from]) || HOST.has(e.to)),
    )
    .map(describeEdge);
}

describe('the direction of imports', () => {
  const all = edges();

  test('every folder of src/ has a layer or is host-side', () => {
    const unknown = [...new Set(all.flatMap(e => [e.from, e.to]))].filter(
      l => !(l in RANK) && !HOST.has(l),
    );
    expect(unknown).toEqual([]);
  });

  test('no layer imports from a higher one, nor the host side', () => {
    expect(violations(all)).toEqual([]);
  });

  test('no import cycles', () => {
    expect(cycles(all)).toEqual([]);
  });

  test('the rules catch an upward import, a host import and a cycle', () => {
    const edge = (from: string, to: string): Edge => ({
      file: join(SRC, from),
      target: join(SRC, to),
      from: layerOf(join(SRC, from)),
      to: layerOf(join(SRC, to)),
    });
    expect(
      violations([
        edge('pipeline/job.ts', 'ui/settings'),
        edge('stats/x.ts', 'offline/runtime'),
        edge('ui/server.ts', 'pipeline/job'),
      ]),
    ).toEqual([
      'pipeline/job.ts imports ui/settings (pipeline -> ui)',
      'stats/x.ts imports offline/runtime (stats -> offline)',
    ]);
    expect(
      cycles([
        edge('sheets/a.ts', 'sheets/b.ts'),
        edge('sheets/b.ts', 'sheets/a.ts'),
      ]),
    ).toHaveLength(1);
  });
});
