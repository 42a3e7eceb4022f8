/**
 * `node dist/cli.cjs <command>`.
 * JSON commands read one request (or an array of requests) on stdin and write the
 * response (or an array of responses, in order) on stdout. A bad request exits 2
 * with {"error": ..., "field": ...} on stderr.
 */
import {readFileSync} from 'node:fs';
import {InputError} from '../core/errors';
import {jsonCommands} from './commands';
import {runCommand} from './run';

function fail(error: unknown): never {
  const field = error instanceof InputError ? error.field : undefined;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(JSON.stringify({error: message, field}) + '\n');
  process.exit(2);
}

function runJson(name: string): void {
  const handler = jsonCommands[name];
  let request: unknown;
  try {
    request = JSON.parse(readFileSync(0, 'utf8'));
  } catch (e) {
    fail(new InputError('stdin', `not valid JSON (${(e as Error).message})`));
  }
  try {
    const response = Array.isArray(request)
      ? request.map(r => handler(r))
      : handler(request);
    process.stdout.write(JSON.stringify(response) + '\n');
  } catch (e) {
    fail(e);
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command && command in jsonCommands) return runJson(command);
  const extra: Record<string, (args: string[]) => Promise<void>> = {
    run: args => runCommand(args, __dirname),
  };
  if (command && command in extra) return extra[command](rest);
  const names = [...Object.keys(jsonCommands), ...Object.keys(extra)].sort();
  process.stderr.write(
    `usage: node dist/cli.cjs <command>\ncommands: ${names.join(', ')}\n`,
  );
  process.exit(command ? 2 : 0);
}

main(process.argv.slice(2)).catch(e => fail(e));
