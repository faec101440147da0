/**
 * The agent's pick among several callers sharing a number (SPEC §6.3), kept in `cti_caller_pick`:
 * one row per number. Rows are matched as the default rule reads them, through the phone column
 * (so "(415) 555-0142" and "+14155550142" are one number, by their E.164 form).
 */
import { sql } from 'drizzle-orm';
import { encodeCondition } from '../records/encoded-query.ts';
import { inList, storageTable } from '../records/sql-values.ts';
import { upsertRecords } from '../records/upsert.ts';
import { type ScreenContext, writeContext } from './context.ts';

export const PICK_TABLE = 'cti_caller_pick';

async function picksFor(ctx: ScreenContext, phone: string): Promise<string[]> {
  const rows = await ctx.reader.select({
    table: PICK_TABLE,
    query: `${encodeCondition('phone', '=', phone)}^ORDERBYDESCsys_updated_on`,
    limit: 100,
  });
  return rows.map((row) => String(row.sys_id));
}

async function remove(ctx: ScreenContext, ids: string[]): Promise<void> {
  const table = ctx.dictionary().get(PICK_TABLE);
  if (!table || ids.length === 0) return;
  await ctx.database.rows(
    sql`delete from ${storageTable(table.storage)}
        where sys_id in ${inList(ids, 'uuid')} and sys_class_name = ${PICK_TABLE}::text
        returning sys_id`,
  );
}

/** Remembers `user` for `phone`: updates the number's row (and drops any duplicate), else adds one. */
export async function rememberPick(ctx: ScreenContext, phone: string, user: string, agent: string) {
  if (phone.trim() === '' || !ctx.dictionary().has(PICK_TABLE)) return;
  const [keep, ...duplicates] = await picksFor(ctx, phone);
  await upsertRecords(writeContext(ctx, agent), PICK_TABLE, [
    { ...(keep ? { sys_id: keep } : {}), phone, user, picked_by: agent },
  ]);
  await remove(ctx, duplicates);
}

export async function forgetPick(ctx: ScreenContext, phone: string): Promise<void> {
  if (phone.trim() === '' || !ctx.dictionary().has(PICK_TABLE)) return;
  await remove(ctx, await picksFor(ctx, phone));
}
