/** `ctihost seed` and `ctihost migrate` on a database of their own. */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { storageTable } from '../../server/records/sql-values.ts';
import { ctihost, describeEachCliDatabase, inspect } from './helpers.ts';

describeEachCliDatabase('ctihost seed and migrate', (db) => {
  const counts = () =>
    inspect(db(), async (database) => {
      const [row] = await database.rows<{
        users: number;
        incidents: number;
        open: number;
        names: number;
        phones: number;
      }>(
        sql`select
              (select count(*)::int from ${storageTable('sys_user')} where user_name like 'bulk.%') as users,
              (select count(*)::int from ${storageTable('task')} t join ${storageTable('sys_user')} u on u.sys_id = t.caller_id
                 where u.user_name like 'bulk.%') as incidents,
              (select count(*)::int from ${storageTable('task')} t join ${storageTable('sys_user')} u on u.sys_id = t.caller_id
                 where u.user_name like 'bulk.%' and t.active) as open,
              (select count(distinct name)::int from ${storageTable('sys_user')} where user_name like 'bulk.%') as names,
              (select count(distinct phone__e164)::int from ${storageTable('sys_user')} where user_name like 'bulk.%') as phones`,
      );
      return row!;
    });

  it('migrate brings an up-to-date database to the current model and says so', async () => {
    const result = await ctihost(['migrate', ...db().args]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/is up to date \(\d+ business tables\)/);
  });

  it('adds users and incidents in batches, open and closed, with repeated names and a phone number each', async () => {
    const result = await ctihost([
      'seed',
      '--users',
      '1200',
      '--incidents',
      '3000',
      '--batch',
      '500',
      '--json',
      ...db().args,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ users: 1200, incidents: 3000 });
    const after = await counts();
    expect(after.users).toBe(1200);
    expect(after.incidents).toBe(3000);
    expect(after.open).toBeGreaterThan(0);
    expect(after.open).toBeLessThan(3000);
    expect(after.names).toBeLessThan(1200);
    expect(after.phones, 'a number finds one caller, as in a real directory').toBe(1200);
  });

  it('refuses incidents without users', async () => {
    const result = await ctihost(['seed', '--users', '0', '--incidents', '10', ...db().args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('incidents need callers');
  });
});
