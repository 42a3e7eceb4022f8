/**
 * The job's own tabs: the Run log (one row per run) and Settings (the current settings,
 * described).
 */
import {feedLabel} from '../../core/settings';
import type {Settings} from '../../core/types';
import {adminTable} from '../schema';

export interface RunLogRecord {
  runId: string;
  /** `manual`, `nightly`, `weekly`, `continuation`. */
  trigger: string;
  started: string;
  finished: string;
  /** `running`, `ok`, `partial`, `failed`. */
  status: string;
  phase: string;
  executions: number;
  daysProcessed: number;
  rowsWritten: number;
  serviceCalls: number;
  message: string;
  /** The run's service calls by service: 'Reports 120, Directory 4'. */
  callsByService: string;
  /** Service calls and rows written by the run's latest execution. */
  lastExecution: string;
}

export interface SettingRecord {
  setting: string;
  value: string;
  description: string;
}

// prettier-ignore
export const RUN_LOG = adminTable<RunLogRecord>({
  name: 'Run log',
  description: 'One row per run of the job.',
  columns: [
    ['runId', 'run_id', 'Run', 'string', 'Run id.', {width: 120}],
    ['trigger', 'trigger', 'Trigger', 'string', 'manual, nightly, weekly or continuation.', {width: 90}],
    ['started', 'started', 'Started', 'timestamp', 'Start (UTC).'],
    ['finished', 'finished', 'Finished', 'timestamp', 'End (UTC); empty while running.'],
    ['status', 'status', 'Status', 'string', 'running, ok, partial or failed.', {width: 70}],
    ['phase', 'phase', 'Phase', 'string', 'Last phase reached.', {width: 90}],
    ['executions', 'executions', 'Executions', 'integer', 'Executions used (continuations included).'],
    ['daysProcessed', 'days_processed', 'Days', 'integer', 'Day partitions processed.'],
    ['rowsWritten', 'rows_written', 'Rows written', 'integer', 'Fact rows stored by the ingest, and rows written to tabs by the analysis.'],
    ['serviceCalls', 'service_calls', 'Service calls', 'integer', 'Google service calls made.'],
    ['message', 'message', 'Message', 'string', 'Summary or error.', {width: 320}],
    // After the message so a Run log tab of an earlier version only gains columns.
    ['callsByService', 'calls_by_service', 'Calls by service', 'string', 'Google service calls of the run by service (Reports, Directory, Classroom, BigQuery, Calendar, UrlFetch).', {width: 240}],
    ['lastExecution', 'last_execution', 'Last execution', 'string', "Service calls by service and rows written by the run's latest execution.", {width: 280}],
  ],
});

// prettier-ignore
export const SETTINGS_TAB = adminTable<SettingRecord>({
  name: 'Settings',
  description: 'The current settings (edit them in the sidebar).',
  columns: [
    ['setting', 'setting', 'Setting', 'string', 'Setting name.', {width: 180}],
    ['value', 'value', 'Value', 'string', 'Current value.', {width: 260}],
    ['description', 'description', 'Description', 'string', 'What it does.', {width: 380}],
  ],
});

const SETTING_DESCRIPTIONS: Record<keyof Settings, string> = {
  timeZone: 'Time zone of the district; days are cut at its midnight.',
  schoolOuDepth:
    'Depth of the org units that are schools (2 = /Schools/PS 001).',
  schoolOuPattern:
    'Regular expression a school org unit path must match (optional).',
  studentOuPattern: 'Org unit paths of students.',
  teacherOuPattern: 'Org unit paths of teachers.',
  orgUnitRules:
    'units: schools and roles from the org units picked in Setup; patterns: from the depth and patterns.',
  schoolUnits:
    'Org units picked as schools (/path/* = each child of /path; !/path = not a school).',
  studentUnits: 'Org units (paths or unit names) picked as students.',
  teacherUnits: 'Org units (paths or unit names) picked as teachers.',
  startDate:
    'First day to ingest; empty = as far back as Google keeps activity (180 days).',
  trailingDays:
    'Days after its end a day settles; it is re-fetched once then, for late data.',
  budgetSeconds:
    'Seconds an execution runs before it saves a checkpoint and continues.',
  minGroupSize:
    'Groups smaller than this are suppressed in shared (Looker) tabs.',
  underuseGapPct: 'Gap below the peer benchmark (%) that flags under-use.',
  anomalyThreshold: 'Robust score above which a change is an anomaly.',
  forecastHorizonWeeks: 'Weeks forecast ahead.',
  alertRecipients: 'Who receives the anomaly digest.',
  showIdentities:
    'Show emails and names in admin tabs (off: pseudonymous keys only).',
  source: 'Where data comes from: api, bigquery or learnplatform.',
  bigQueryProject: 'Google Cloud project of the Workspace BigQuery export.',
  bigQueryDataset: 'Dataset of the Workspace BigQuery export.',
  learnPlatformFolderId: 'Drive folder holding a LearnPlatform export.',
  calendar: 'School weekdays, closures and testing windows.',
  calendarId: 'Google Calendar imported into the Calendar tab.',
  calendarFeedUrl: 'iCalendar (.ics) feed imported into the Calendar tab.',
};

/** The settings as rows for the Settings tab. */
export function settingsRecords(s: Settings): SettingRecord[] {
  return (Object.keys(SETTING_DESCRIPTIONS) as (keyof Settings)[]).map(k => {
    const v = s[k];
    let value: string;
    if (k === 'calendar') {
      const c = s.calendar;
      value = `weekdays ${c.schoolWeekdays.join(',')}; ${c.closures.length} closures; ${c.events.length} events`;
    } else if (k === 'calendarFeedUrl' && s.calendarFeedUrl) {
      // A private feed's address carries its secret: show only where it points.
      value = feedLabel(s.calendarFeedUrl);
    } else if (Array.isArray(v)) {
      value = v.join(', ');
    } else {
      value = String(v);
    }
    return {setting: k, value, description: SETTING_DESCRIPTIONS[k]};
  });
}
