import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { migrateSystemTables } from '../../server/db/migrate.ts';
import { applyDefinitions } from '../../server/dictionary/apply.ts';
import { tableDefinition } from '../../server/dictionary/definition.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const define = (input: unknown) => tableDefinition.parse(input);

describeEachDatabase('adding tables and columns', (db) => {
  it('creates a shop table extending task, with its own numbers, stored with the tasks', async () => {
    const { dictionary, tablesAdded, columnsAdded } = await applyDefinitions(db().database, [
      define({
        name: 'hr_case',
        extends: 'task',
        numberPrefix: 'HRC',
        columns: [{ name: 'u_hr_service', type: 'string' }],
      }),
    ]);
    expect(tablesAdded).toEqual(['hr_case']);
    expect(columnsAdded).toEqual(['hr_case.u_hr_service']);
    expect(dictionary.get('task')!.classes).toContain('hr_case');
    expect(dictionary.get('hr_case')).toMatchObject({ storage: 'task', numberPrefix: 'HRC' });
    const columns = await db().database.rows<{ column_name: string }>(
      sql`select column_name from information_schema.columns where table_schema = 'biz' and table_name = 'task' and column_name = 'u_hr_service'`,
    );
    expect(columns).toHaveLength(1);
  });

  it('is idempotent: applying the same definitions again adds nothing', async () => {
    const again = await applyDefinitions(db().database, [
      define({
        name: 'hr_case',
        extends: 'task',
        numberPrefix: 'HRC',
        columns: [{ name: 'u_hr_service', type: 'string' }],
      }),
    ]);
    expect(again.tablesAdded).toEqual([]);
    expect(again.columnsAdded).toEqual([]);
  });

  it("never changes a column's type, and rolls the whole request back", async () => {
    await expect(
      applyDefinitions(db().database, [
        define({
          name: 'u_service_call',
          columns: [{ name: 'u_caller', type: 'reference', reference: 'sys_user' }],
        }),
        define({ name: 'hr_case', extends: 'task', columns: [{ name: 'u_hr_service', type: 'integer' }] }),
      ]),
    ).rejects.toThrow(
      "column hr_case.u_hr_service exists as string, not integer; ctihost never changes a column's type",
    );
    const tables = await db().database.rows(sql`select name from dict_tables where name = 'u_service_call'`);
    expect(tables).toEqual([]);
  });

  it('refuses a column name a sibling in the same storage already uses', async () => {
    await expect(
      applyDefinitions(db().database, [
        define({ name: 'incident', columns: [{ name: 'u_hr_service', type: 'string' }] }),
      ]),
    ).rejects.toThrow("column u_hr_service is already used by hr_case, which shares incident's storage");
  });

  it('refuses references and parents that do not exist', async () => {
    await expect(
      applyDefinitions(db().database, [
        define({ name: 'u_x', columns: [{ name: 'u_r', type: 'reference', reference: 'nowhere' }] }),
      ]),
    ).rejects.toThrow('column u_x.u_r refers to nowhere, which does not exist');
    await expect(
      applyDefinitions(db().database, [define({ name: 'u_y', extends: 'nowhere' })]),
    ).rejects.toThrow('table u_y extends nowhere, which does not exist');
  });

  it('applies migrations from two callers at once without a race', async () => {
    await Promise.all([migrateSystemTables(db().database), migrateSystemTables(db().database)]);
    const rows = await db().database.rows<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
  });
});
