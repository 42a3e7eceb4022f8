import {renderReportHtml} from '../../src/ui/report';
import type {Snapshot} from '../../src/sheets/view-types';
import {harness} from './harness';
import {SCHOOLS, SHORT_SCHOOL} from './fixtures';

describe('static report', () => {
  const h = harness();
  const snap = h.call<Snapshot>('getSnapshot');
  const html = renderReportHtml(snap);

  it('renders every view from the snapshot, charts as inline SVG', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const title of [
      'Insights',
      'Forecast against actual',
      'Students and teachers',
      'Anomalies',
      'Under-utilisation',
      'Recent runs',
    ]) {
      expect(html).toContain(`<h2>${title}</h2>`);
    }
    // District forecast, featured school forecasts, three heatmaps, the timeline.
    const svgs = html.match(/<svg /g) ?? [];
    expect(svgs.length).toBe(1 + snap.schoolForecasts.length + 3 + 1);
    expect(snap.schoolForecasts.map(f => f.schoolId)).toContain(
      SHORT_SCHOOL.id,
    );
    expect(html).toContain('teacher grading fell');
  });

  it('escapes every value and loads nothing from outside', () => {
    expect(html).not.toContain('<b>Ada</b>');
    expect(html).toContain(
      'PS 2 &lt;b&gt;Ada&lt;/b&gt; &amp; &quot;Grace&quot;',
    );
    expect(html).toContain(SCHOOLS[2].name.replace(/"/g, '&quot;'));
    expect(html).not.toMatch(/<script|\s(src|href)=|@import|url\(/i);
  });

  it('is the same page for the same snapshot', () => {
    expect(renderReportHtml(snap)).toBe(html);
  });
});
