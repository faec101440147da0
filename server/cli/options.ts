/**
 * Options every command shares (light: commands load the heavy modules only when they run): where the database is (`--database-url` / `--data-dir`, else the
 * environment, as the server reads it) and the argument parsers that turn a bad value into exit 2.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Config } from '../config/env.ts';

export type DatabaseOptions = { databaseUrl?: string; dataDir?: string };

export function parseDatabaseUrl(value: string): string {
  if (!/^postgres(ql)?:\/\/\S+$/.test(value.trim()))
    throw new InvalidArgumentError('expected a postgres:// or postgresql:// URL');
  return value.trim();
}

export function parseWholeNumber(value: string): number {
  if (!/^\d[\d_,]*$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number');
  const number = Number(value.trim().replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(number)) throw new InvalidArgumentError('the number is too large');
  return number;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addDatabaseOptions(command: Command, what = 'the database'): Command {
  return command
    .addOption(
      new Option('--database-url <url>', `PostgreSQL server holding ${what} (default: $DATABASE_URL)`)
        .argParser(parseDatabaseUrl)
        .conflicts('dataDir'),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        `embedded database directory (default: $DATA_DIR, else ./data)`,
      ).conflicts('databaseUrl'),
    );
}

/** The environment as the server would read it, with the command line's database in front. */
export function cliEnv(options: DatabaseOptions, env = process.env): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...env };
  if (options.databaseUrl) merged.DATABASE_URL = options.databaseUrl;
  if (options.dataDir) {
    merged.DATA_DIR = options.dataDir;
    delete merged.DATABASE_URL;
  }
  return merged;
}

export const describeTarget = (config: Config) =>
  config.database.kind === 'postgres'
    ? `PostgreSQL ${redactUrl(config.database.url)}`
    : `embedded database ${config.database.dataDir}`;

/** A URL fit to print: its password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
