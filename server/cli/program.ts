/**
 * The `ctihost` command line (SPEC §11), built on commander: one file per command under commands/,
 * registered here. Commander's own errors (unknown command or option, a missing or bad value) and
 * a command's usage errors print the message and a short usage, and exit 2.
 */
import { Command, CommanderError } from 'commander';
import { registerDictionary } from './commands/dictionary/index.ts';
import { registerDryRun } from './commands/dry-run.ts';
import { registerImport } from './commands/import.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerRules } from './commands/rules/index.ts';
import { registerSeed } from './commands/seed.ts';
import { registerServe } from './commands/serve.ts';
import { registerTest } from './commands/test.ts';
import { CliError, EXIT } from './errors.ts';
import { err, paint } from './output.ts';

/** What a command leaves for the process: its exit code, or that it keeps running (serve). */
export type CliRun = { exitCode: number; keepAlive: boolean };

export function buildProgram(run: CliRun): Command {
  const program = new Command('ctihost')
    .description('ctihost: a sandboxed host for CTI rules (a drop-in for ServiceNow /cti.do)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(paint('red', text, process.stderr)) })
    .showSuggestionAfterError(true);
  registerServe(program, run);
  registerMigrate(program);
  registerSeed(program);
  registerImport(program);
  registerDryRun(program, run);
  registerRules(program);
  registerDictionary(program);
  registerTest(program, run);
  shortUsageAfterErrors(program, []);
  return program;
}

/** After an error, a command's one-line usage and where its help is, rather than the whole help. */
function shortUsageAfterErrors(command: Command, parents: string[]): void {
  const path = [...parents, command.name()].join(' ');
  command.showHelpAfterError(`Usage: ${path} ${command.usage()}\nRun '${path} --help' for details.`);
  for (const sub of command.commands) shortUsageAfterErrors(sub, [...parents, command.name()]);
}

export async function runCli(argv: string[]): Promise<CliRun> {
  const run: CliRun = { exitCode: EXIT.ok, keepAlive: false };
  const program = buildProgram(run);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    run.keepAlive = false;
    if (error instanceof CommanderError) {
      // Help asked for is a success; help shown because a command was missing is a usage error.
      run.exitCode =
        error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : EXIT.usage;
    } else if (error instanceof CliError) {
      if (error.message) err(paint('red', `ctihost: ${error.message}`, process.stderr));
      run.exitCode = error.exitCode;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      err(paint('red', `ctihost: ${message}`, process.stderr));
      if (process.env.CTIHOST_DEBUG && error instanceof Error && error.stack) err(error.stack);
      run.exitCode = EXIT.failure;
    }
  }
  return run;
}
