/**
 * The names a person reads for the product's ids (pure): a metric's label in admin tabs,
 * the sidebar and the report ('% access'), its snake_case key in the Looker tabs.
 */

/**
 * Below this many users expected, a percent change is no headline: a drop from 0.6 to 0
 * is not "100% below".
 */
export const TINY_EXPECTED = 5;

/** Value id -> its snake_case key (Looker tabs) and its label (admin tabs). */
export type ValueNames = Readonly<Record<string, {key: string; label: string}>>;

/** The metrics an admin reads, by id. */
export const METRIC_NAMES: ValueNames = {
  activeUsers: {key: 'active_users', label: 'Active users'},
  active_students: {key: 'active_students', label: 'Active students'},
  enrolledUsers: {key: 'enrolled_users', label: 'Enrolled users'},
  pctAccess: {key: 'pct_access', label: '% access'},
  events: {key: 'events', label: 'Events'},
  engagementIndex: {key: 'engagement_index', label: 'Engagement index'},
  logins: {key: 'logins', label: 'Logins'},
  sessionMinutes: {key: 'session_minutes', label: 'Session minutes'},
  submissionsTurnedIn: {
    key: 'submissions_turned_in',
    label: 'Submissions turned in',
  },
  assignmentsCreated: {
    key: 'assignments_created',
    label: 'Assignments created',
  },
  gradesEntered: {key: 'grades_entered', label: 'Grades entered'},
};

/** A metric's label ('% access' for pctAccess or pct_access); unknown ids read as words. */
export function metricLabel(id: string): string {
  const n = METRIC_NAMES[id] ?? NAME_OF_VALUE.get(id);
  if (n) return n.label;
  const words = id.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

const NAME_OF_VALUE = new Map<string, {key: string; label: string}>(
  Object.values(METRIC_NAMES).flatMap(n => [
    [n.key, n],
    [n.label, n],
  ]),
);

export const PRODUCT_NAME = 'Classroom Pulse';

/** A title naming the product once: 'Classroom Pulse: Lincoln USD', never doubled. */
export function productTitle(spreadsheetName: string): string {
  const name = spreadsheetName.trim();
  if (!name) return PRODUCT_NAME;
  return name.toLowerCase().includes(PRODUCT_NAME.toLowerCase())
    ? name
    : `${PRODUCT_NAME}: ${name}`;
}
