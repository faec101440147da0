/** `ctihost serve`: the server, exactly as `npm start` runs it (server/main.ts), with the database and address from the command line. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { addDatabaseOptions, cliEnv, type DatabaseOptions, parseWholeNumber } from '../options.ts';
import type { CliRun } from '../program.ts';

type ServeOptions = DatabaseOptions & { host?: string; port?: number; workers?: string };

function parseWorkers(value: string): string {
  const given = value.trim().toLowerCase();
  if (given === 'auto') return given;
  const count = /^\d+$/.test(given) ? Number(given) : 0;
  if (count < 1 || count > 256) throw new InvalidArgumentError('expected auto or a number from 1 to 256');
  return String(count);
}

export function registerServe(program: Command, run: CliRun): Command {
  const command = program
    .command('serve')
    .description('start the server (as npm start does): migrations, first-start data, then listen')
    .option('--host <host>', 'address to listen on (default: $HOST, else 127.0.0.1)')
    .addOption(
      new Option('--port <port>', 'port to listen on (default: $PORT, else 3000)').argParser(
        parseWholeNumber,
      ),
    )
    .addOption(
      new Option(
        '--workers <n|auto>',
        'server processes sharing the port; auto = one per core (default: $WORKERS, else auto; always 1 on the embedded database)',
      ).argParser(parseWorkers),
    );
  addDatabaseOptions(command).action(async (options: ServeOptions) => {
    const env = cliEnv(options);
    if (options.host) env.HOST = options.host;
    if (options.port !== undefined) env.PORT = String(options.port);
    if (options.workers) env.WORKERS = options.workers;
    run.keepAlive = true;
    const { serve } = await import('../../main.ts');
    await serve(env);
  });
  return command;
}
