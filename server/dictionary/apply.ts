/**
 * Adds tables and columns to the dictionary and to the database, in one transaction under an
 * advisory lock. It only ever adds: an existing table or column is left as it is (a different
 * definition of it is reported, never applied), so no data is dropped or rewritten.
 */
import type { Database, Db } from '../db/database.ts';
import { LOCK_DICTIONARY } from '../db/migrate.ts';
import { dictColumns, dictTables } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { addColumn, createNumberSequence, createSchema, createStorageTable } from './ddl.ts';
import type { ColumnDefinition, TableDefinition } from './definition.ts';
import { type Dictionary, labelFor } from './model.ts';
import { loadDictionary } from './repository.ts';

export type ApplyResult = { tablesAdded: string[]; columnsAdded: string[]; dictionary: Dictionary };

type Plan = { tables: Map<string, { storage: string; columns: Map<string, string> }> };

/** What is already there, as a plan the new definitions are checked against. */
function planFrom(dictionary: Dictionary): Plan {
  const tables = new Map<string, { storage: string; columns: Map<string, string> }>();
  for (const t of dictionary.tables) {
    tables.set(t.name, {
      storage: t.storage,
      columns: new Map([...t.columns.values()].map((c) => [c.name, c.type])),
    });
  }
  return { tables };
}

/** Parents first, so `hr_case` may come before `task` in a file and still extend it. */
function orderByParent(definitions: TableDefinition[], existing: Plan): TableDefinition[] {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const ordered: TableDefinition[] = [];
  const visiting = new Set<string>();
  const visit = (d: TableDefinition) => {
    if (ordered.includes(d)) return;
    if (visiting.has(d.name))
      throw new AppError('VALIDATION_FAILED', `table ${d.name} extends itself through ${d.extends}`);
    visiting.add(d.name);
    const parent = d.extends ? byName.get(d.extends) : undefined;
    if (parent && !existing.tables.has(parent.name)) visit(parent);
    ordered.push(d);
  };
  for (const d of definitions) visit(d);
  return ordered;
}

export async function applyDefinitions(
  database: Database,
  definitions: TableDefinition[],
  options: { onExistingTable: 'merge' | 'conflict' } = { onExistingTable: 'merge' },
): Promise<ApplyResult> {
  return database.withLock(LOCK_DICTIONARY, async (lockedDb) =>
    lockedDb.transaction(async (tx) => {
      // Re-read under the lock: another process may have changed the dictionary since we last looked.
      const current = await loadDictionary(tx as unknown as Db);
      const plan = planFrom(current);
      const tablesAdded: string[] = [];
      const columnsAdded: string[] = [];
      await tx.execute(createSchema());
      for (const definition of orderByParent(definitions, plan)) {
        let entry = plan.tables.get(definition.name);
        if (entry && options.onExistingTable === 'conflict') {
          throw new AppError('CONFLICT', `table ${definition.name} already exists`);
        }
        if (!entry) {
          entry = await addTable(tx as unknown as Db, definition, plan);
          tablesAdded.push(definition.name);
        }
        let position = entry.columns.size;
        for (const column of definition.columns) {
          const existingType = entry.columns.get(column.name);
          if (existingType !== undefined) {
            if (existingType !== column.type) {
              throw new AppError(
                'CONFLICT',
                `column ${definition.name}.${column.name} exists as ${existingType}, not ${column.type}; ctihost never changes a column's type`,
              );
            }
            continue;
          }
          await addColumnTo(tx as unknown as Db, definition.name, column, entry.storage, plan, position++);
          entry.columns.set(column.name, column.type);
          columnsAdded.push(`${definition.name}.${column.name}`);
        }
      }
      const dictionary = await loadDictionary(tx as unknown as Db);
      return { tablesAdded, columnsAdded, dictionary };
    }),
  );
}

async function addTable(db: Db, definition: TableDefinition, plan: Plan) {
  let storage = definition.name;
  if (definition.extends) {
    const parent = plan.tables.get(definition.extends);
    if (!parent) {
      throw new AppError(
        'VALIDATION_FAILED',
        `table ${definition.name} extends ${definition.extends}, which does not exist`,
      );
    }
    storage = parent.storage;
  } else {
    for (const statement of createStorageTable(storage)) await db.execute(statement);
  }
  await db.insert(dictTables).values({
    name: definition.name,
    label: definition.label ?? labelFor(definition.name),
    extends: definition.extends ?? null,
    storage,
    numberPrefix: definition.numberPrefix ?? null,
    displayField: definition.displayField ?? null,
  });
  if (definition.numberPrefix) await db.execute(createNumberSequence(definition.name));
  const inherited = definition.extends
    ? plan.tables.get(definition.extends)!.columns
    : new Map<string, string>();
  const base = new Map([
    ['sys_id', 'string'],
    ['sys_class_name', 'string'],
    ['sys_created_on', 'datetime'],
    ['sys_updated_on', 'datetime'],
  ]);
  const entry = { storage, columns: new Map([...base, ...inherited]) };
  plan.tables.set(definition.name, entry);
  return entry;
}

async function addColumnTo(
  db: Db,
  table: string,
  column: ColumnDefinition,
  storage: string,
  plan: Plan,
  position: number,
) {
  if (column.reference && !plan.tables.has(column.reference)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `column ${table}.${column.name} refers to ${column.reference}, which does not exist`,
    );
  }
  // One physical table holds the whole hierarchy: a sibling's column of the same name would collide.
  const taken = [...plan.tables.entries()].find(
    ([, t]) => t.storage === storage && t.columns.has(column.name),
  );
  if (taken) {
    throw new AppError(
      'CONFLICT',
      `column ${column.name} is already used by ${taken[0]}, which shares ${table}'s storage`,
    );
  }
  for (const statement of addColumn(storage, column.name, column.type)) await db.execute(statement);
  await db.insert(dictColumns).values({
    table,
    name: column.name,
    type: column.type,
    label: column.label ?? labelFor(column.name),
    reference: column.reference ?? null,
    choices: column.choices ?? null,
    position,
  });
}
