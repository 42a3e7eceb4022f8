import {addDays} from '../../src/clean/dates';
import type {WeeklyFact} from '../../src/core/types';
import {
  MODELS_BLOB,
  RESELECT_WEEKS,
  modelsToReuse,
  saveModels,
} from '../../src/pipeline/model-store';

function week(weekStart: string, schoolDays: number): WeeklyFact {
  return {
    week: '',
    weekStart,
    schoolId: 's1',
    role: 'student',
    app: 'classroom',
    product: 'all',
    activeUsers: 10,
    enrolledUsers: 20,
    pctAccess: 50,
    events: 30,
    engagementIndex: null,
    logins: 10,
    submissionsTurnedIn: 0,
    assignmentsCreated: 0,
    gradesEntered: 0,
    schoolDays,
    flags: [],
  };
}

/** Twenty school weeks from 2 June 2025, `extra` more after them. */
function history(
  extra = 0,
  days: (i: number) => number = () => 5,
): WeeklyFact[] {
  return Array.from({length: 20 + extra}, (_, i) =>
    week(addDays('2025-06-02', 7 * i), days(i)),
  );
}

function store() {
  const m = new Map<string, string>();
  return {
    get: (k: string) => m.get(k) ?? null,
    put: (k: string, v: string) => void m.set(k, v),
  };
}

const models = new Map([['s1', {student: null, teacherK: 2}]]);

describe('forecast model reuse between weekly runs', () => {
  test('a young selection on the same calendar is reused', () => {
    const blobs = store();
    saveModels(blobs, history(), models);
    const again = modelsToReuse(blobs, history(1), '2025-10-01');
    expect(again?.models.get('s1')).toEqual({student: null, teacherK: 2});
  });

  test(`the selection is searched again after ${RESELECT_WEEKS} weeks`, () => {
    const blobs = store();
    saveModels(blobs, history(), models);
    expect(
      modelsToReuse(blobs, history(RESELECT_WEEKS - 1), '2025-10-01'),
    ).not.toBeNull();
    expect(
      modelsToReuse(blobs, history(RESELECT_WEEKS), '2025-10-01'),
    ).toBeNull();
  });

  test('a calendar that now counts a chosen week differently re-selects', () => {
    const blobs = store();
    saveModels(blobs, history(), models);
    // The calendar learned since that week 5 was a break (no school day).
    const relearned = history(1, i => (i === 5 ? 0 : 5));
    expect(modelsToReuse(blobs, relearned, '2025-10-01')).toBeNull();
    // A week after the selection's last week may change freely.
    const later = history(1, i => (i === 20 ? 3 : 5));
    expect(modelsToReuse(blobs, later, '2025-10-01')).not.toBeNull();
  });

  test('no settled day, an unreadable blob or a shorter history re-selects', () => {
    const blobs = store();
    saveModels(blobs, history(), models);
    expect(modelsToReuse(blobs, history(1), '')).toBeNull();
    expect(
      modelsToReuse(blobs, history().slice(0, 10), '2025-10-01'),
    ).toBeNull();
    blobs.put(MODELS_BLOB, '{not json');
    expect(modelsToReuse(blobs, history(1), '2025-10-01')).toBeNull();
  });
});
