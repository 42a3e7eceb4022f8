/**
 * The JSON commands of `node dist/cli.cjs <command>`: one request in, one response out.
 * Each handler is pure and throws InputError naming the bad field.
 */
import {
  anomaliesCommand,
  correlateCommand,
  stlCommand,
} from './engine/decompose';

import {autoCommand} from './engine/auto';
import {fitCommand} from './engine/arima';

export type CommandHandler = (request: unknown) => unknown;

export const jsonCommands: Record<string, CommandHandler> = {};

jsonCommands.stl = stlCommand;
jsonCommands.anomalies = anomaliesCommand;
jsonCommands.correlate = correlateCommand;
jsonCommands.auto = autoCommand;
jsonCommands.fit = fitCommand;
