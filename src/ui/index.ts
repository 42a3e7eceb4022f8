/** The UI entry points that src/main.ts exposes to Apps Script by name. */
export * from './server';
export {onInstall, onOpen, openLookerStudio, showSidebar} from './menu';
export {
  getCalendarView,
  refreshCalendar,
  setCalendarConfirmation,
} from './calendar';
