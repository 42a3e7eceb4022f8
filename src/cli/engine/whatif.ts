/**
 * `node dist/cli.cjs whatif`: one what-if request in, its result out (JSON).
 *
 *   {"weekly": [WeeklyFact...], "schools": [School...], "calendar": SchoolCalendar | null,
 *    "settings": {"underuseGapPct": 20, "minGroupSize": 10},
 *    "request": {"schools": "underusing", "scenario": {"kind": "percent", "percent": 15},
 *                "startWeek": "2025-03-03", "weeks": 4, "horizon": 8}}
 *
 * `weekly` holds the weekly facts (the `Weekly facts` tab's rows); `schools` is optional
 * (names and peer groups). Bad input throws InputError naming the field.
 */
import {InputError} from '../../core/errors';
import type {School, SchoolCalendar, WeeklyFact} from '../../core/types';
import {
  whatIf,
  type WhatIfRequest,
  type WhatIfResult,
} from '../../analysis/whatif';

function weeklyRows(v: unknown): WeeklyFact[] {
  if (!Array.isArray(v) || v.length === 0)
    throw new InputError('weekly', 'must be a non-empty array of weekly facts');
  return v.map((r, i) => {
    const o = r as Record<string, unknown>;
    const field = (k: string) => `weekly[${i}].${k}`;
    if (typeof o !== 'object' || o === null)
      throw new InputError(`weekly[${i}]`, 'must be an object');
    for (const k of ['weekStart', 'schoolId', 'role'])
      if (typeof o[k] !== 'string' || o[k] === '')
        throw new InputError(field(k), 'must be a non-empty string');
    for (const k of ['activeUsers', 'schoolDays']) {
      const x = o[k];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
        throw new InputError(field(k), 'must be a number, at least 0');
    }
    return {
      week: '',
      app: 'workspace',
      product: '',
      enrolledUsers: 0,
      pctAccess: null,
      events: 0,
      engagementIndex: null,
      logins: 0,
      submissionsTurnedIn: 0,
      assignmentsCreated: 0,
      gradesEntered: 0,
      flags: [],
      ...(o as object),
    } as unknown as WeeklyFact;
  });
}

export function whatIfCommand(request: unknown): WhatIfResult {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new InputError('request', 'must be a JSON object');
  const o = request as Record<string, unknown>;
  const weekly = weeklyRows(o.weekly);
  const schools = (o.schools ?? []) as School[];
  if (!Array.isArray(schools))
    throw new InputError('schools', 'must be an array of schools');
  const settings = {
    underuseGapPct: 20,
    minGroupSize: 10,
    ...((o.settings as object) ?? {}),
  };
  return whatIf((o.request ?? {}) as WhatIfRequest, {
    weekly,
    schools,
    calendar: (o.calendar ?? null) as SchoolCalendar | null,
    settings,
  });
}
