/**
 * Opens what a command works on: the configuration, the database brought to the current model the
 * way the server's start does (demo data and shipped rules when it is empty), and the services of
 * one process. Everything is closed when the command is done, whatever happened.
 */
import { userInfo } from 'node:os';
import { type Config, ConfigError, loadConfig } from '../config/env.ts';
import { closeServices, createServices } from '../create-services.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { prepareDatabase } from '../db/prepare.ts';
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from '../ops/data-dir-lock.ts';
import type { Services } from '../services.ts';
import { CliError } from './errors.ts';
import { cliEnv, type DatabaseOptions } from './options.ts';

export type Prepare = { demoData: boolean };

export function cliConfig(options: DatabaseOptions, env = process.env): Config {
  try {
    return loadConfig(cliEnv(options, env));
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

export async function withDatabase<T>(
  options: DatabaseOptions,
  prepare: Prepare,
  work: (
    database: Database,
    config: Config,
    prepared: Awaited<ReturnType<typeof prepareDatabase>>,
  ) => Promise<T>,
): Promise<T> {
  const config = cliConfig(options);
  const lock = config.database.kind === 'pglite' ? lockDataDir(config.database.dataDir) : null;
  try {
    const database = await openDatabase(config.database);
    try {
      const prepared = await prepareDatabase(database, {
        defaultRegion: config.defaultRegion,
        demoData: prepare.demoData,
      });
      return await work(database, config, prepared);
    } finally {
      await database.close();
    }
  } finally {
    lock?.release();
  }
}

/**
 * A command owns a PGlite data directory while it works, as the server does (SPEC §12): PGlite is a
 * single-user PostgreSQL, and a command opening the files of a running server would corrupt them.
 */
function lockDataDir(dataDir: string): DataDirLock {
  try {
    return acquireDataDirLock(dataDir);
  } catch (error) {
    if (error instanceof DataDirLockedError)
      throw new CliError(
        `${error.message}. A running server's rules and dictionary can also be changed through its API, or with --database-url when it runs on PostgreSQL`,
      );
    throw error;
  }
}

export async function withServices<T>(
  options: DatabaseOptions,
  work: (services: Services) => Promise<T>,
  prepare: Prepare = { demoData: true },
): Promise<T> {
  return withDatabase(options, prepare, async (database, config, { dictionary }) => {
    const services = createServices(config, database, dictionary);
    try {
      return await work(services);
    } finally {
      await closeServices(services);
    }
  });
}

/** Who the command line is, in version histories and audits. */
export const cliActor = () => `cli:${process.env.USER ?? process.env.USERNAME ?? safeUserName()}`;

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
