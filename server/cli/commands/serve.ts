/** `ctihost serve`: the server, exactly as `npm start` runs it (server/main.ts), with the database and address from the command line. */
import { type Command, Option } from 'commander';
import { addDatabaseOptions, cliEnv, type DatabaseOptions, parseWholeNumber } from '../options.ts';
import type { CliRun } from '../program.ts';

type ServeOptions = DatabaseOptions & { host?: string; port?: number };

export function registerServe(program: Command, run: CliRun): Command {
  const command = program
    .command('serve')
    .description('start the server (as npm start does): migrations, first-start data, then listen')
    .option('--host <host>', 'address to listen on (default: $HOST, else 127.0.0.1)')
    .addOption(
      new Option('--port <port>', 'port to listen on (default: $PORT, else 3000)').argParser(
        parseWholeNumber,
      ),
    );
  addDatabaseOptions(command).action(async (options: ServeOptions) => {
    const env = cliEnv(options);
    if (options.host) env.HOST = options.host;
    if (options.port !== undefined) env.PORT = String(options.port);
    run.keepAlive = true;
    const { serve } = await import('../../main.ts');
    await serve(env);
  });
  return command;
}
