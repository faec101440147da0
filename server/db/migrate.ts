import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { Database, Db } from './database.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Advisory lock keys: arbitrary constants, one per kind of schema change. */
export const LOCK_MIGRATE = 0x63746901;
export const LOCK_DICTIONARY = 0x63746902;
/** The work of a first start on an empty database (prepare.ts, ops/first-start.ts): one process at a time. */
export const LOCK_FIRST_START = 0x63746903;

/**
 * Applies drizzle-kit's migrations under an advisory lock: drizzle's migrator takes none
 * (drizzle issue #874), and two processes starting together must not both apply one.
 */
export async function migrateSystemTables(database: Database): Promise<void> {
  await database.withLock(LOCK_MIGRATE, async (db: Db) => {
    // The migrator's functions want the driver-specific database type; both accept any PgDatabase at run time.
    if (database.kind === 'pglite') await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    else await migratePostgres(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  });
}
