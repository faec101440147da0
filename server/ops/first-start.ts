/**
 * What a server does once per start before it serves: migrations, the shipped tables, demo data and
 * the shipped rules when the database is empty, the first admin and telephony token. Several
 * processes may start at once on one empty PostgreSQL (compose starts two); the empty-database work
 * (prepare.ts) and the first accounts are each done under the first-start advisory lock, so exactly
 * one of them seeds and creates the admin, and the others find it done.
 */
import type { Logger } from 'pino';
import { createAccountService } from '../accounts/accounts.ts';
import { ensureFirstAccounts } from '../accounts/first-start.ts';
import type { Config } from '../config/env.ts';
import type { Database } from '../db/database.ts';
import { LOCK_FIRST_START } from '../db/migrate.ts';
import { prepareDatabase } from '../db/prepare.ts';
import type { Dictionary } from '../dictionary/model.ts';

export async function firstStart(
  config: Pick<Config, 'defaultRegion' | 'adminPassword' | 'ctiToken'>,
  database: Database,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<Dictionary> {
  const { dictionary, seeded } = await prepareDatabase(database, {
    defaultRegion: config.defaultRegion,
    demoData: true,
  });
  if (seeded) logger.info('the database was empty: demo data loaded');
  const notice = await database.withLock(LOCK_FIRST_START, () =>
    ensureFirstAccounts(createAccountService(database.db), {
      adminPassword: config.adminPassword,
      ctiToken: config.ctiToken,
    }),
  );
  // Shown once: only hashes are stored, so this is the only time anyone can read them.
  if (notice.adminPassword)
    logger.warn(`first start: created account "admin" with password ${notice.adminPassword}`);
  if (notice.ctiToken) logger.warn(`first start: issued the telephony API token ${notice.ctiToken}`);
  return dictionary;
}
