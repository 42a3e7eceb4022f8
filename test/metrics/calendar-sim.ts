/**
 * A simulated district-wide daily series by role, for calendar inference tests: weekday
 * pattern, slow growth, closures, staff days, outages, half days and quiet stretches.
 */
import {addDays, daysBetween, weekday} from '../../src/clean/dates';
import type {DistrictDay} from '../../src/metrics/calendar/infer';
import {makeRandom} from '../../src/offline/engine';

export interface Plan {
  from: string;
  to: string;
  /** Closed ranges (students off), inclusive. */
  closed: Array<[string, string]>;
  /** Staff days: students off, teachers in. */
  staff?: string[];
  /** District-wide outages: every role at this share. */
  outages?: Array<[string, number]>;
  /** Half days (early dismissal): students at half, teachers at 0.8. */
  halfDays?: string[];
  /** Other drops: [first, last, students' share, teachers' share]. */
  drops?: Array<[string, string, number, number]>;
  /** Amplitude of the day-to-day noise (default 0.12: a 6% standard deviation). */
  noise?: number;
}

export function simulate(plan: Plan, seed: number): DistrictDay[] {
  const r = makeRandom(seed);
  const amp = plan.noise ?? 0.12;
  const noise = () => 1 + (r() + r() + r() - 1.5) * amp;
  const out: DistrictDay[] = [];
  const n = daysBetween(plan.from, plan.to) + 1;
  for (let i = 0; i < n; i++) {
    const d = addDays(plan.from, i);
    const wd = weekday(d);
    const closed = plan.closed.some(([a, b]) => d >= a && d <= b);
    const staff = plan.staff?.includes(d) ?? false;
    const outage = plan.outages?.find(o => o[0] === d)?.[1] ?? 1;
    // Slow growth over the period, as enrolment and adoption do.
    const level = 5000 * (1 + (0.15 * i) / n);
    let s = level * [0.1, 1.02, 1.04, 1.02, 0.99, 0.88, 0.07][wd];
    let t = 400 * [0.15, 1, 1, 1, 1, 0.95, 0.12][wd];
    if (wd === 0 || wd === 6) {
      s *= 0.9;
    } else if (closed || staff) {
      s *= 0.06;
      t *= staff ? 0.7 : 0.09;
    }
    s *= outage;
    t *= outage;
    if (plan.halfDays?.includes(d)) {
      s *= 0.5;
      t *= 0.8;
    }
    const drop = plan.drops?.find(([a, b]) => d >= a && d <= b);
    if (drop) {
      s *= drop[2];
      t *= drop[3];
    }
    out.push({
      date: d,
      students: Math.round(s * noise()),
      teachers: Math.round(t * noise()),
      staff: Math.round(30 * noise()),
    });
  }
  return out;
}

/** A New York-like pair of years: September start, late June end, short winter break. */
export const NEW_YORK: Plan = {
  from: '2024-07-01',
  to: '2026-05-29',
  closed: [
    ['2024-07-01', '2024-09-04'],
    ['2024-10-14', '2024-10-14'],
    ['2024-11-28', '2024-11-29'],
    ['2024-12-24', '2025-01-01'],
    ['2025-01-20', '2025-01-20'],
    ['2025-02-17', '2025-02-21'],
    ['2025-04-14', '2025-04-18'],
    ['2025-05-26', '2025-05-26'],
    ['2025-06-19', '2025-06-19'],
    ['2025-06-27', '2025-09-03'],
    ['2025-10-02', '2025-10-02'],
    ['2025-10-13', '2025-10-13'],
    ['2025-11-27', '2025-11-28'],
    ['2025-12-24', '2026-01-02'],
    ['2026-01-19', '2026-01-19'],
    ['2026-02-16', '2026-02-20'],
    ['2026-04-03', '2026-04-10'],
    ['2026-05-25', '2026-05-25'],
  ],
  staff: ['2024-11-05', '2025-11-04'],
  outages: [
    ['2025-03-12', 0.4],
    ['2026-03-11', 0.5],
  ],
};

/** A district starting mid-August with a three-week winter break. */
export const MID_AUGUST: Plan = {
  from: '2024-06-03',
  to: '2026-06-30',
  closed: [
    ['2024-06-03', '2024-08-13'],
    ['2024-09-02', '2024-09-02'],
    ['2024-11-25', '2024-11-29'],
    ['2024-12-16', '2025-01-03'],
    ['2025-01-20', '2025-01-20'],
    ['2025-03-17', '2025-03-21'],
    ['2025-05-23', '2025-08-12'],
    ['2025-09-01', '2025-09-01'],
    ['2025-11-24', '2025-11-28'],
    ['2025-12-15', '2026-01-02'],
    ['2026-01-19', '2026-01-19'],
    ['2026-03-16', '2026-03-20'],
    ['2026-05-22', '2026-06-30'],
  ],
  outages: [['2025-10-08', 0.42]],
};
