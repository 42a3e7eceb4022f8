import type {Snapshot} from './types';
export function renderReportHtml(s: Snapshot): string { return '<pre>' + JSON.stringify(s).replace(/</g, '&lt;') + '</pre>'; }
