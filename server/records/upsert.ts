/**
 * Upserts a batch of records into one business table: all or nothing, every row validated against
 * the dictionary first, references checked against existing rows (or rows of the same batch).
 * Rows are matched by sys_id, else by `user_name` (users) or `number` (tasks).
 */
import { type SQL, sql } from 'drizzle-orm';
import { type Database, type Db, rowsOf } from '../db/database.ts';
import { numberSequence } from '../dictionary/ddl.ts';
import { type ColumnInfo, type Dictionary, e164Column, type TableInfo } from '../dictionary/model.ts';
import type { StoredValue } from '../dictionary/values.ts';
import { AppError } from '../errors.ts';
import { toE164 } from './phone.ts';
import { bindValue, inList, storageTable } from './sql-values.ts';
import { type ValidatedRecord, validateRecord } from './validate-record.ts';

export type RowProblem = { index: number; field: string; message: string };
export type UpsertResult = { inserted: number; updated: number; sysIds: string[] };
export type UpsertContext = {
  database: Database;
  dictionary: Dictionary;
  defaultRegion: string;
  actor: string;
};

const ident = (name: string): SQL => sql`${sql.identifier(name)}`;

function withJournalAuthor(record: ValidatedRecord, author: string): ValidatedRecord {
  for (const [field, value] of record.values) {
    if (Array.isArray(value))
      record.values.set(
        field,
        value.map((entry) => ({ ...entry, by: author })),
      );
  }
  return record;
}

export function naturalKey(table: TableInfo): string | null {
  if (table.columns.has('user_name') && table.storage === 'sys_user') return 'user_name';
  if (table.columns.has('number') && table.numberPrefix) return 'number';
  return null;
}

export async function upsertRecords(
  ctx: UpsertContext,
  tableName: string,
  rows: unknown[],
): Promise<UpsertResult> {
  const table = ctx.dictionary.get(tableName);
  if (!table) throw new AppError('NOT_FOUND', `no business table named ${tableName}`);
  // Journal entries carry who wrote them: the agent or admin behind this batch.
  const validated = rows.map((row) => withJournalAuthor(validateRecord(table, row), ctx.actor));
  const problems: RowProblem[] = validated.flatMap((v, index) => v.problems.map((p) => ({ index, ...p })));
  problems.push(...(await missingReferences(ctx, table, validated)));
  if (problems.length > 0) {
    const rejected = new Set(problems.map((p) => p.index)).size;
    throw new AppError(
      'VALIDATION_FAILED',
      `${rejected} of ${rows.length} records were rejected; nothing was written`,
      {
        rejected: problems.sort((a, b) => a.index - b.index),
      },
    );
  }
  return ctx.database.db.transaction(async (tx) => writeAll(ctx, tx as unknown as Db, table, validated));
}

async function missingReferences(
  ctx: UpsertContext,
  table: TableInfo,
  records: ValidatedRecord[],
): Promise<RowProblem[]> {
  const wanted = new Map<string, Set<string>>();
  for (const record of records) {
    for (const [field, value] of record.values) {
      const column = table.columns.get(field)!;
      if (column.type === 'reference' && typeof value === 'string') {
        const set = wanted.get(column.reference!) ?? new Set();
        set.add(value);
        wanted.set(column.reference!, set);
      }
    }
  }
  const found = new Map<string, Set<string>>();
  for (const [refTable, ids] of wanted) {
    const target = ctx.dictionary.get(refTable);
    const present = new Set<string>();
    if (target) {
      const rows = await ctx.database.rows<{ sys_id: string }>(
        sql`select sys_id::text as sys_id from ${storageTable(target.storage)}
            where sys_id in ${inList([...ids], 'uuid')} and sys_class_name in ${inList(target.classes, 'text')}`,
      );
      for (const row of rows) present.add(row.sys_id);
    }
    // A batch may refer to its own rows (a user's manager imported alongside).
    if (target && table.storage === target.storage)
      for (const r of records) if (r.sysId) present.add(r.sysId);
    found.set(refTable, present);
  }
  const problems: RowProblem[] = [];
  records.forEach((record, index) => {
    for (const [field, value] of record.values) {
      const column = table.columns.get(field)!;
      if (
        column.type === 'reference' &&
        typeof value === 'string' &&
        !found.get(column.reference!)?.has(value)
      ) {
        problems.push({ index, field, message: `${field}: no ${column.reference} with sys_id ${value}` });
      }
    }
  });
  return problems;
}

async function existingIds(db: Db, table: TableInfo, records: ValidatedRecord[]) {
  const key = naturalKey(table);
  const bySysId = new Set<string>();
  const byKey = new Map<string, string>();
  const sysIds = records.flatMap((r) => (r.sysId ? [r.sysId] : []));
  const target = storageTable(table.storage);
  if (sysIds.length > 0) {
    const rows = await db.execute(
      sql`select sys_id::text as sys_id from ${target} where sys_id in ${inList(sysIds, 'uuid')}`,
    );
    for (const row of rowsOf(rows)) bySysId.add(String(row.sys_id));
  }
  const keys = key
    ? records.flatMap((r) =>
        !r.sysId && typeof r.values.get(key) === 'string' ? [String(r.values.get(key))] : [],
      )
    : [];
  if (key && keys.length > 0) {
    const rows = await db.execute(
      sql`select sys_id::text as sys_id, ${ident(key)} as k from ${target}
          where ${ident(key)} in ${inList(keys, 'text')} and sys_class_name in ${inList(table.classes, 'text')}`,
    );
    for (const row of rowsOf(rows)) byKey.set(String(row.k), String(row.sys_id));
  }
  return { key, bySysId, byKey };
}

async function writeAll(
  ctx: UpsertContext,
  db: Db,
  table: TableInfo,
  records: ValidatedRecord[],
): Promise<UpsertResult> {
  const { key, bySysId, byKey } = await existingIds(db, table, records);
  const result: UpsertResult = { inserted: 0, updated: 0, sysIds: [] };
  for (const record of records) {
    const keyValue = key ? record.values.get(key) : undefined;
    const existing = record.sysId
      ? bySysId.has(record.sysId)
        ? record.sysId
        : null
      : typeof keyValue === 'string'
        ? (byKey.get(keyValue) ?? null)
        : null;
    if (existing) {
      await db.execute(updateStatement(ctx, table, existing, record.values));
      result.updated++;
      result.sysIds.push(existing);
    } else {
      const values = new Map(record.values);
      if (table.numberPrefix && table.columns.has('number') && values.get('number') == null) {
        values.set('number', await nextNumber(db, table));
      }
      const rows = rowsOf(await db.execute(insertStatement(ctx, table, record.sysId, values)));
      const sysId = String(rows[0]!.sys_id);
      if (key && typeof values.get(key) === 'string') byKey.set(String(values.get(key)), sysId);
      bySysId.add(sysId);
      result.inserted++;
      result.sysIds.push(sysId);
    }
  }
  return result;
}

/** INC0010001: the table's own sequence, formatted as ServiceNow numbers its tasks. */
export async function nextNumber(db: Db, table: TableInfo): Promise<string> {
  const owner = numberSequence(table.numberSequenceOf ?? table.name);
  const rows = rowsOf(await db.execute(sql`select nextval(${`biz.${owner}`}::regclass)::int as n`));
  return `${table.numberPrefix}${String(rows[0]!.n).padStart(7, '0')}`;
}

type Assignment = { column: SQL; value: SQL; journal: boolean };

function assignments(
  ctx: Pick<UpsertContext, 'defaultRegion'>,
  table: TableInfo,
  values: Map<string, StoredValue>,
): Assignment[] {
  const list: Assignment[] = [];
  for (const [field, value] of values) {
    const column = table.columns.get(field) as ColumnInfo;
    list.push({
      column: ident(field),
      value: bindValue(column.type, value),
      journal: column.type === 'journal',
    });
    if (column.type === 'phone') {
      const e164 = typeof value === 'string' ? toE164(value, ctx.defaultRegion) : null;
      list.push({ column: ident(e164Column(field)), value: bindValue('string', e164), journal: false });
    }
  }
  return list;
}

export function insertStatement(
  ctx: Pick<UpsertContext, 'defaultRegion'>,
  table: TableInfo,
  sysId: string | null,
  values: Map<string, StoredValue>,
): SQL {
  const list = assignments(ctx, table, values);
  list.unshift({ column: ident('sys_class_name'), value: bindValue('string', table.name), journal: false });
  if (sysId) list.unshift({ column: ident('sys_id'), value: bindValue('uuid', sysId), journal: false });
  const columns = sql.join(
    list.map((a) => a.column),
    sql`, `,
  );
  const bound = sql.join(
    list.map((a) => a.value),
    sql`, `,
  );
  return sql`insert into ${storageTable(table.storage)} (${columns}) values (${bound}) returning sys_id::text as sys_id`;
}

export function updateStatement(
  ctx: Pick<UpsertContext, 'defaultRegion'>,
  table: TableInfo,
  sysId: string,
  values: Map<string, StoredValue>,
): SQL {
  // Journals only grow: new entries are appended to the ones already there.
  const sets = assignments(ctx, table, values).map((a) =>
    a.journal ? sql`${a.column} = ${a.column} || ${a.value}` : sql`${a.column} = ${a.value}`,
  );
  sets.push(sql`sys_updated_on = now()`);
  return sql`update ${storageTable(table.storage)} set ${sql.join(sets, sql`, `)} where sys_id = ${sysId}::uuid`;
}
