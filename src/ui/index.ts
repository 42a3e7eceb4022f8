/** The UI entry points that src/main.ts exposes to Apps Script by name. */
export * from './server';
export {getSetupDirectory, previewSetup} from './setup';
export {
  onInstall,
  onOpen,
  openLookerStudio,
  showSetup,
  showSidebar,
} from './menu';
export type {OpenEvent} from './menu';
