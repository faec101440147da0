/** Brings a database to the current model: system tables migrated, shipped tables present, demo data and the shipped rules when empty. */
import { applyDefinitions } from '../dictionary/apply.ts';
import { dictionaryFile } from '../dictionary/definition.ts';
import type { Dictionary } from '../dictionary/model.ts';
import { SHIPPED_TABLES } from '../dictionary/shipped.ts';
import { loadShippedRules } from '../rules/shipped.ts';
import { isEmpty, loadDemoData } from '../seed/demo.ts';
import type { Database } from './database.ts';
import { LOCK_FIRST_START, migrateSystemTables } from './migrate.ts';

export type PrepareOptions = { defaultRegion: string; demoData: boolean };

export async function prepareDatabase(
  database: Database,
  options: PrepareOptions,
): Promise<{ dictionary: Dictionary; seeded: boolean }> {
  await migrateSystemTables(database);
  // Adds only what is missing, so a shop's changes to shipped tables (extra columns) are kept.
  const { dictionary } = await applyDefinitions(
    database,
    dictionaryFile.parse({ tables: SHIPPED_TABLES }).tables,
  );
  const ctx = { database, dictionary, defaultRegion: options.defaultRegion, actor: 'system' };
  // Processes starting at once on one empty database: one seeds and loads the rules, the others wait
  // and then find the database no longer empty.
  const seeded = await database.withLock(LOCK_FIRST_START, async () => {
    const empty = options.demoData && (await isEmpty(ctx));
    if (empty) await loadDemoData(ctx);
    await loadShippedRules(database.db);
    return empty;
  });
  return { dictionary, seeded };
}
