/**
 * Settings storage: one JSON value in the document properties, validated on the way in and
 * merged over the defaults on the way out, so a setting added in a later version gets its
 * default instead of breaking older spreadsheets.
 */
import {InputError} from '../core/errors';
import {
  SETTINGS_MAX_BYTES,
  defaultSettings,
  parseSettings,
  validateSettings,
} from '../core/settings';
import type {Settings} from '../core/types';

export const SETTINGS_KEY = 'classroomPulse.settings';

function spreadsheetTimeZone(): string {
  try {
    return SpreadsheetApp.getActiveSpreadsheet().getSpreadsheetTimeZone();
  } catch {
    return Session.getScriptTimeZone();
  }
}

/** The analysis phase's settled-day property (src/pipeline/analyse.ts). */
export const ANALYSIS_SETTLED_PROPERTY = 'pulse.analysis.settledBefore';

/** The defaults for this spreadsheet (its time zone). */
export function spreadsheetDefaults(): Settings {
  return defaultSettings(spreadsheetTimeZone());
}

/**
 * The stored settings over the defaults. A stored value that no longer validates (edited by
 * hand, or from an older version) keeps its valid fields; the bad ones fall back to defaults.
 */
export function loadSettings(): Settings {
  const raw =
    PropertiesService.getDocumentProperties().getProperty(SETTINGS_KEY);
  const base = spreadsheetDefaults();
  if (!raw) return base;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    console.warn(`Stored settings are not JSON; using defaults: ${String(e)}`);
    return base;
  }
  const {settings, issues} = validateSettings(parsed, base);
  if (issues.length) {
    console.warn(
      'Stored settings have problems; defaults used for: ' +
        issues.map(i => i.field).join(', '),
    );
  }
  return settings;
}

/** True once an admin has saved settings at least once. */
export function hasSavedSettings(): boolean {
  return (
    PropertiesService.getDocumentProperties().getProperty(SETTINGS_KEY) !== null
  );
}

/**
 * Validates `input` (a full or partial settings object) over the current settings and stores
 * the result. Throws an InputError naming every bad field; nothing is stored then.
 */
export function saveSettings(input: unknown): Settings {
  const settings = parseSettings(input, loadSettings());
  const json = JSON.stringify(settings);
  // Properties count UTF-16 code units of key + value against the 9 KB limit.
  if (json.length + SETTINGS_KEY.length > SETTINGS_MAX_BYTES) {
    throw new InputError(
      'calendar',
      `settings take ${json.length} characters, more than the ${SETTINGS_MAX_BYTES} a document property holds; shorten the calendar`,
    );
  }
  const props = PropertiesService.getDocumentProperties();
  const before = props.getProperty(SETTINGS_KEY);
  props.setProperty(SETTINGS_KEY, json);
  // Changed settings (calendar, group size, thresholds) re-decide every flag next run.
  if (before !== json) props.deleteProperty(ANALYSIS_SETTLED_PROPERTY);
  return settings;
}
