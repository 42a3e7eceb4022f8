/**
 * A run killed at any service call while it writes the output tabs (as Apps Script kills a
 * script at an arbitrary point) leaves every tab either as it was or fully rewritten, never
 * half-written; the next run cleans up and converges.
 */
import {createOfflineRuntime} from '../../src/offline/runtime';
import {writeOutputs, readRecords} from '../../src/sheets/outputs';
import {readTable} from '../../src/sheets/writer';
import {
  ANOMALIES,
  FORECASTS,
  UNDERUSE,
  headersOf,
  toRows,
} from '../../src/sheets/tables';
import {inRuntime} from '../ui/harness';
import {district, isoWeek} from '../ui/fixtures';

function snapshotTabs(
  rt: ReturnType<typeof createOfflineRuntime>,
): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of rt.spreadsheet.getSheets()) {
    m.set(s.getName(), JSON.stringify(s.getDataRange().getValues()));
  }
  return m;
}

describe('atomic output tabs', () => {
  const first = district(1);
  const second = district(2);
  // The second run differs in every analysis tab.
  second.underuse.forEach(u => (u.value = (u.value ?? 0) + 1));

  it('a kill at any call leaves each tab old or new, and the next run converges', () => {
    const rtRef = createOfflineRuntime({costs: {cpuFactor: 0}});
    inRuntime(rtRef, () =>
      writeOutputs(first, {now: '2025-03-03T10:00:00Z', isoWeekOf: isoWeek}),
    );
    const oldTabs = snapshotTabs(rtRef);
    const before = rtRef.calls.total;
    const r = inRuntime(rtRef, () => {
      writeOutputs(second, {now: '2025-03-04T10:00:00Z', isoWeekOf: isoWeek});
      return true;
    });
    expect(r).toBe(true);
    const total = rtRef.calls.total - before;
    const newTabs = snapshotTabs(rtRef);
    expect(total).toBeGreaterThan(50);

    // Kill points spread over the whole second write.
    const points = Array.from(
      {length: 24},
      (_, i) => 1 + Math.floor((i * total) / 24),
    );
    let swapWindows = 0;
    for (const k of points) {
      const rt = createOfflineRuntime({costs: {cpuFactor: 0}});
      inRuntime(rt, () =>
        writeOutputs(first, {now: '2025-03-03T10:00:00Z', isoWeekOf: isoWeek}),
      );
      rt.faults = {
        killAfterCalls: ({fnName}) => (fnName === 'second' ? k : undefined),
      };
      const g = globalThis as Record<string, unknown>;
      const saved = new Map<string, unknown>();
      for (const key of Object.keys(rt.globals)) {
        if (key === 'Date') continue;
        saved.set(key, g[key]);
        g[key] = rt.globals[key];
      }
      let killed: boolean;
      try {
        const res = rt.run(
          () =>
            writeOutputs(second, {
              now: '2025-03-04T10:00:00Z',
              isoWeekOf: isoWeek,
            }),
          {name: 'second'},
        );
        killed = res.killed;
      } finally {
        for (const [key, v] of saved) {
          if (v === undefined) delete g[key];
          else g[key] = v;
        }
      }
      const now = snapshotTabs(rt);
      for (const [name, content] of now) {
        if (name.startsWith('~')) continue; // a leftover helper sheet, removed by the next run
        const matches =
          content === oldTabs.get(name) || content === newTabs.get(name);
        if (!matches)
          throw new Error(`kill after ${k} calls: tab ${name} is half-written`);
      }
      for (const name of oldTabs.keys()) {
        if (now.has(name)) continue;
        // Killed between the two renames of the swap: the old tab is whole under its helper name.
        if (now.get(`~old~${name}`) !== oldTabs.get(name)) {
          throw new Error(`kill after ${k} calls: tab ${name} is missing`);
        }
        const read = inRuntime(rt, () => readTable(name));
        expect(read).not.toBeNull();
        swapWindows++;
      }
      rt.faults = {};
      inRuntime(rt, () =>
        writeOutputs(second, {now: '2025-03-04T10:00:00Z', isoWeekOf: isoWeek}),
      );
      const after = snapshotTabs(rt);
      expect([...after.keys()].filter(n => n.startsWith('~'))).toEqual([]);
      for (const [name, content] of after) {
        if (name === ANOMALIES.name || name === 'lk_anomalies') continue; // first-flagged time differs by run
        expect(content).toBe(newTabs.get(name));
      }
      expect(killed || k >= total).toBe(true);
    }
    // The kill points landed in writes, in swaps and between renames.
    expect(swapWindows).toBeLessThan(points.length);
  });

  it('reads back what it wrote', () => {
    const rt = createOfflineRuntime({costs: {cpuFactor: 0}});
    inRuntime(rt, () =>
      writeOutputs(first, {now: '2025-03-03T10:00:00Z', isoWeekOf: isoWeek}),
    );
    const back = inRuntime(rt, () => ({
      f: readRecords(FORECASTS),
      u: readRecords(UNDERUSE),
    }));
    expect(toRows(FORECASTS, back.f)).toEqual(
      toRows(FORECASTS, first.forecasts),
    );
    expect(back.u).toEqual(first.underuse);
    expect(headersOf(UNDERUSE)[0]).toBe('Rank');
  });
});
