import {incidentHeadline} from '../../src/analysis/incidents';
import {addDays} from '../../src/clean/dates';
import {buildDigest} from '../../src/pipeline/alerts';
import {
  buildInsights,
  DISTRICT_ID,
  FORECAST_GROUP_MIN,
  TINY_EXPECTED,
} from '../../src/sheets/views';
import {district} from '../ui/fixtures';

/** Monday of a day's ISO week. */
function monday(day: string): string {
  const t = Date.parse(day + 'T00:00:00Z');
  const wd = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - wd * 86_400_000).toISOString().slice(0, 10);
}

describe('insights and alerts follow the calendar', () => {
  it('say nothing about a closed week', () => {
    const d = district();
    const open = buildInsights(d);
    const dated = open.filter(i => i.date);
    expect(dated.length).toBeGreaterThan(0);
    // Close every week an insight speaks of, as the learned calendar would for a break.
    const closed = new Set(dated.map(i => monday(i.date!)));
    const weekly = d.weekly.map(f =>
      closed.has(f.weekStart) ? {...f, schoolDays: 0} : f,
    );
    const after = buildInsights({...d, weekly});
    expect(after.filter(i => i.date && closed.has(monday(i.date)))).toEqual([]);
    // What is not about a date (the correlation, under-use) is still said.
    expect(after.some(i => i.kind === 'correlation')).toBe(true);
  });

  it('never headline a percent change on a tiny expected value', () => {
    const d = district();
    const inc = {
      ...d.incidents[0],
      status: 'new' as const,
      expectedUsers: 0.6,
      users: 0.6,
      changePct: -100,
      severity: 'high' as const,
    };
    const shape = {
      kind: 'one school' as const,
      direction: 'drop' as const,
      start: inc.start,
      end: inc.end,
      schoolIds: [inc.schoolIds[0]],
      roles: ['students'],
      users: 0.6,
      expectedUsers: 0.6,
      changePct: -100,
      cause: '' as const,
      ongoing: false,
    };
    const tiny = incidentHeadline(shape, 10);
    expect(tiny).not.toMatch(/%/);
    expect(tiny).toMatch(/0\.6 below the 0\.6 users expected/);
    expect(TINY_EXPECTED).toBeGreaterThan(0.6);
    const withTiny = {...inc, summary: tiny};
    const text = buildInsights({...d, incidents: [withTiny]}).find(
      i => i.kind === 'anomaly',
    )!.text;
    expect(text).not.toMatch(/%/);
    const digest = buildDigest([withTiny], new Map(), '2000-01-01', 'u')!;
    expect(digest.body).not.toMatch(/100%/);
    // A real expected value keeps its percent.
    const big = {...shape, expectedUsers: 200, users: 120, changePct: -60};
    expect(incidentHeadline(big, 10)).toMatch(/about 60% below expected/);
  });

  it('no forecast insight when the forecast is tiny', () => {
    const d = district();
    const forecasts = d.forecasts.map(f =>
      f.actual !== null && f.forecast !== null
        ? {...f, forecast: 0.5, actual: 90}
        : f,
    );
    const insights = buildInsights({...d, forecasts});
    expect(insights.filter(i => i.kind === 'forecast')).toEqual([]);
  });
});

describe('forecast findings', () => {
  /** The fixture with `ids`' actuals set `factor` times their forecast in the latest week. */
  function offForecast(ids: string[], factor: number) {
    const d = district();
    const last = d.forecasts
      .filter(f => f.actual !== null && f.forecast !== null)
      .reduce((m, f) => (f.weekStart > m ? f.weekStart : m), '');
    const forecasts = d.forecasts.map(f => {
      if (f.weekStart !== last || f.forecast === null) return f;
      // Everyone else lands on their forecast, so only `ids` are off.
      const actual = ids.includes(f.schoolId)
        ? Math.round(f.forecast * factor)
        : Math.round(f.forecast);
      return {...f, actual};
    });
    return {d: {...d, forecasts}, last};
  }

  it('name each school when few are off forecast', () => {
    const ids = district()
      .forecasts.map(f => f.schoolId)
      .filter((id, i, a) => a.indexOf(id) === i && id !== DISTRICT_ID)
      .slice(0, FORECAST_GROUP_MIN - 1);
    const {d, last} = offForecast(ids, 1.5);
    const said = buildInsights(d).filter(i => i.kind === 'forecast');
    expect(said.map(i => i.schoolId).sort()).toEqual(ids.slice().sort());
    for (const i of said) {
      expect(i.text).toMatch(`is 50% above forecast in the week of ${last}`);
    }
  });

  it('say once that many schools are off forecast the same way in one week', () => {
    const all = district()
      .forecasts.map(f => f.schoolId)
      .filter((id, i, a) => a.indexOf(id) === i && id !== DISTRICT_ID);
    const ids = all.slice(0, FORECAST_GROUP_MIN + 1);
    const {d, last} = offForecast(ids, 0.5);
    const said = buildInsights(d).filter(i => i.kind === 'forecast');
    expect(said).toHaveLength(1);
    const [one] = said;
    expect(one.text).toMatch(
      `${ids.length} of ${all.length} schools are below forecast in the week of ${last} (furthest: `,
    );
    expect(one.severity).toBe('alert');
    expect(one.schoolIds!.slice().sort()).toEqual(ids.slice().sort());
    // The furthest three are named, with their gaps.
    expect(one.text.match(/50%/g)).toHaveLength(3);
  });

  it('place a shared miss next to a break', () => {
    const all = district()
      .forecasts.map(f => f.schoolId)
      .filter((id, i, a) => a.indexOf(id) === i && id !== DISTRICT_ID);
    const {d, last} = offForecast(all, 1.5);
    const before = addDays(last, -7);
    const weekly = d.weekly.map(f =>
      f.weekStart === before ? {...f, schoolDays: 0} : f,
    );
    const [one] = buildInsights({...d, weekly}).filter(
      i => i.kind === 'forecast',
    );
    expect(one.text).toMatch(
      `schools are above forecast in the week of ${last}, the first school week after a break (`,
    );
    // An ordinary week says nothing of breaks.
    const [plain] = buildInsights(d).filter(i => i.kind === 'forecast');
    expect(plain.text).not.toMatch(/break/);
  });
});
