/** Displayed values: Sheets' number and date formats applied to a stored value. */
import {formatSimpleDate, zonedParts} from '../tz';
import {Formula, Stored, StoredDate} from './model';

function formatNumber(n: number, fmt: string): string {
  const f = fmt.replace(/"[^"]*"/g, m => m.slice(1, -1));
  const prefix = /^[^0#.,%]*/.exec(f)?.[0] ?? '';
  const core = f.slice(prefix.length);
  const pct = core.endsWith('%');
  const body = pct ? core.slice(0, -1) : core;
  const value = pct ? n * 100 : n;
  const dot = body.indexOf('.');
  const decimals = dot < 0 ? '' : body.slice(dot + 1);
  const minDec = (decimals.match(/0/g) ?? []).length;
  const maxDec = decimals.length;
  const grouped = body.includes(',');
  let s = Math.abs(value).toFixed(maxDec);
  if (maxDec > minDec) {
    const [i, d] = s.split('.');
    let dd = d.replace(/0+$/, '');
    if (dd.length < minDec) dd = dd.padEnd(minDec, '0');
    s = dd ? `${i}.${dd}` : i;
  }
  if (grouped) {
    const [i, d] = s.split('.');
    s =
      i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') +
      (d !== undefined ? '.' + d : '');
  }
  return (
    (value < 0 && Number(s.replace(/,/g, '')) !== 0 ? '-' : '') +
    prefix +
    s +
    (pct ? '%' : '')
  );
}

/** Sheets' date patterns (mm is minutes next to h or s, else month). */
function formatSheetsDate(ms: number, tz: string, fmt: string): string {
  const p = zonedParts(ms, tz);
  const tokens =
    fmt.match(
      /yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am\/pm|a\/p|\.000|[^ymdhsa.]+|./gi,
    ) ?? [];
  const out: string[] = [];
  const ampm = /am\/pm|a\/p/i.test(fmt);
  tokens.forEach((t, i) => {
    const lower = t.toLowerCase();
    const prev =
      tokens
        .slice(0, i)
        .reverse()
        .find(x => /[a-z]/i.test(x))
        ?.toLowerCase() ?? '';
    const next =
      tokens
        .slice(i + 1)
        .find(x => /[a-z]/i.test(x))
        ?.toLowerCase() ?? '';
    const minuteCtx = prev.startsWith('h') || next.startsWith('s');
    const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
    switch (lower) {
      case 'yyyy':
        out.push(String(p.year));
        break;
      case 'yy':
        out.push(String(p.year % 100).padStart(2, '0'));
        break;
      case 'mmmm':
        out.push(formatSimpleDate(ms, tz, 'MMMM'));
        break;
      case 'mmm':
        out.push(formatSimpleDate(ms, tz, 'MMM'));
        break;
      case 'mm':
        out.push(String(minuteCtx ? p.minute : p.month).padStart(2, '0'));
        break;
      case 'm':
        out.push(String(minuteCtx ? p.minute : p.month));
        break;
      case 'dddd':
        out.push(formatSimpleDate(ms, tz, 'EEEE'));
        break;
      case 'ddd':
        out.push(formatSimpleDate(ms, tz, 'EEE'));
        break;
      case 'dd':
        out.push(String(p.day).padStart(2, '0'));
        break;
      case 'd':
        out.push(String(p.day));
        break;
      case 'hh':
        out.push(String(ampm ? h12 : p.hour).padStart(2, '0'));
        break;
      case 'h':
        out.push(String(ampm ? h12 : p.hour));
        break;
      case 'ss':
        out.push(String(p.second).padStart(2, '0'));
        break;
      case 's':
        out.push(String(p.second));
        break;
      case 'am/pm':
        out.push(p.hour < 12 ? 'AM' : 'PM');
        break;
      case 'a/p':
        out.push(p.hour < 12 ? 'A' : 'P');
        break;
      case '.000':
        out.push('.' + String(p.ms).padStart(3, '0'));
        break;
      default:
        out.push(t.replace(/"/g, ''));
    }
  });
  return out.join('');
}

function isDatePattern(fmt: string): boolean {
  return /[ymdhs]/i.test(fmt.replace(/"[^"]*"/g, ''));
}

export function displayValue(
  v: Stored,
  fmt: string | undefined,
  tz: string,
): string {
  if (v === '') return '';
  if (v instanceof Formula) return '#NAME?';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return v;
  if (v instanceof StoredDate) {
    if (fmt && isDatePattern(fmt)) return formatSheetsDate(v.ms, tz, fmt);
    const p = zonedParts(v.ms, tz);
    const date = `${p.month}/${p.day}/${p.year}`;
    return p.hour || p.minute || p.second
      ? `${date} ${p.hour}:${String(p.minute).padStart(2, '0')}:${String(p.second).padStart(2, '0')}`
      : date;
  }
  if (fmt === '@') return String(v);
  if (fmt && fmt !== 'General' && /[0#]/.test(fmt) && !isDatePattern(fmt)) {
    return formatNumber(v, fmt);
  }
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(10)));
}
