import { asc } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { dictColumns, dictTables } from '../db/schema.ts';
import { Dictionary } from './model.ts';

export async function loadDictionary(db: Db): Promise<Dictionary> {
  const [tables, columns] = await Promise.all([
    db.select().from(dictTables).orderBy(asc(dictTables.createdAt), asc(dictTables.name)),
    db.select().from(dictColumns).orderBy(asc(dictColumns.table), asc(dictColumns.position)),
  ]);
  return new Dictionary(tables, columns);
}
