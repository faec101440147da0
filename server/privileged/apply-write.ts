/**
 * One write of the privileged service (SPEC §8), inside the transaction of its top-level call:
 * validated against the table's field types, system fields set by the service, the fields before
 * and after captured, and the write audited.
 */
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/database.ts';
import { writeAudit } from '../db/schema.ts';
import type { Dictionary, TableInfo } from '../dictionary/model.ts';
import type { JournalEntry, StoredValue } from '../dictionary/values.ts';
import { normaliseSysId } from '../dictionary/values.ts';
import { inList, storageTable } from '../records/sql-values.ts';
import { insertStatement, nextNumber, updateStatement } from '../records/upsert.ts';
import { validateRecord } from '../records/validate-record.ts';

export type WriteRequest = {
  table: string;
  operation: 'insert' | 'update' | 'delete';
  sysId?: string | null | undefined;
  fields: Record<string, unknown>;
};

export type AppliedWrite = {
  table: string;
  operation: 'insert' | 'update' | 'delete';
  sysId: string;
  fields: Record<string, unknown>;
};

export type WriteContext = {
  tx: Db;
  dictionary: Dictionary;
  defaultRegion: string;
  callId: string | null;
  /** The rules from the top-level caller down to the one writing. */
  chain: readonly string[];
};

/** A problem the rule author can fix; its message is shown to the rule. */
export class WriteRefusal extends Error {
  override name = 'WriteRefusal';
}

/** Fields the service owns: a script's values for them are not written. */
const SERVICE_FIELDS = new Set(['sys_id', 'sys_class_name', 'sys_created_on', 'sys_updated_on']);

async function readRow(ctx: WriteContext, table: TableInfo, sysId: string, fields: string[] | null) {
  const columns = (fields ?? [...table.columns.keys()]).filter(
    (name) => table.columns.get(name)?.type !== 'journal',
  );
  const list = sql.join(
    columns.map((name) => sql`${sql.identifier(name)}`),
    sql`, `,
  );
  const rows = rowsOf(
    await ctx.tx.execute(
      sql`select ${columns.length ? list : sql`sys_id`} from ${storageTable(table.storage)}
          where sys_id = ${sysId}::uuid and sys_class_name in ${inList(table.classes, 'text')}
          for update`,
    ),
  );
  return rows[0] ? jsonSafe(rows[0]) : null;
}

const jsonSafe = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));

export async function applyWrite(ctx: WriteContext, request: WriteRequest): Promise<AppliedWrite> {
  const table = ctx.dictionary.get(request.table);
  if (!table) throw new WriteRefusal(`unknown table '${request.table}'`);
  const author = ctx.chain.at(-1) ?? 'rule';
  const fields = Object.fromEntries(
    Object.entries(request.fields).filter(([name]) => !SERVICE_FIELDS.has(name)),
  );
  if (request.operation === 'insert') delete fields.number;
  const validated = validateRecord(table, fields);
  if (validated.problems.length > 0) {
    throw new WriteRefusal(
      `${request.operation} on ${table.name} refused: ${validated.problems.map((p) => p.message).join('; ')}`,
    );
  }
  const values = withAuthor(validated.values, author);
  const plain = Object.fromEntries(
    [...values].map(([k, v]) => [k, Array.isArray(v) ? (v[0]?.text ?? null) : v]),
  );

  if (request.operation === 'insert') {
    const sysId = crypto.randomUUID();
    if (table.numberPrefix && table.columns.has('number'))
      values.set('number', await nextNumber(ctx.tx, table));
    await ctx.tx.execute(insertStatement(ctx, table, sysId, values));
    const after = { ...plain, ...(values.has('number') ? { number: values.get('number') } : {}) };
    await audit(ctx, table.name, sysId, 'insert', null, after);
    return { table: table.name, operation: 'insert', sysId, fields: after };
  }

  const sysId = normaliseSysId(request.sysId ?? '');
  if (!sysId)
    throw new WriteRefusal(`${request.operation} on ${table.name} needs the sys_id of an existing record`);
  if (request.operation === 'update') {
    const before = await readRow(ctx, table, sysId, [...values.keys()]);
    if (!before) throw new WriteRefusal(`${table.name} has no record ${sysId} to update`);
    if (values.size > 0) await ctx.tx.execute(updateStatement(ctx, table, sysId, values));
    await audit(ctx, table.name, sysId, 'update', before, plain);
    return { table: table.name, operation: 'update', sysId, fields: plain };
  }
  const before = await readRow(ctx, table, sysId, null);
  if (!before) throw new WriteRefusal(`${table.name} has no record ${sysId} to delete`);
  await ctx.tx.execute(sql`delete from ${storageTable(table.storage)} where sys_id = ${sysId}::uuid`);
  await audit(ctx, table.name, sysId, 'delete', before, null);
  return { table: table.name, operation: 'delete', sysId, fields: {} };
}

/** Journal entries written by a rule carry its name, not the import's. */
function withAuthor(values: Map<string, StoredValue>, author: string): Map<string, StoredValue> {
  return new Map(
    [...values].map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map((entry: JournalEntry) => ({ ...entry, by: author })) : v,
    ]),
  );
}

async function audit(
  ctx: WriteContext,
  table: string,
  sysId: string,
  operation: 'insert' | 'update' | 'delete',
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): Promise<void> {
  await ctx.tx
    .insert(writeAudit)
    .values({ callId: ctx.callId, chain: [...ctx.chain], table, sysId, operation, before, after });
}
