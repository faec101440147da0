import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { storageTable } from '../../server/records/sql-values.ts';
import { describeEachDatabase } from '../helpers/database.ts';

describeEachDatabase('shipped business tables', (db) => {
  it('describes the tables rule authors know, with incident extending task', () => {
    const { dictionary } = db();
    for (const name of ['sys_user', 'task', 'incident', 'cmn_notif_device', 'sys_ui_view']) {
      expect(dictionary.has(name), name).toBe(true);
    }
    expect(dictionary.get('incident')!.extends).toBe('task');
    expect(dictionary.get('task')!.classes).toEqual(expect.arrayContaining(['task', 'incident']));
    expect(dictionary.get('incident')!.columns.get('caller_id')!.reference).toBe('sys_user');
    expect(dictionary.get('sys_user')!.columns.has('employee_number')).toBe(true);
  });

  it('stores them as real tables with indexed columns, outside the system schema', async () => {
    const { database } = db();
    const indexes = await database.rows<{ indexdef: string }>(
      sql`select indexdef from pg_indexes where schemaname = 'biz' and tablename = 'sys_user'`,
    );
    const defs = indexes.map((i) => i.indexdef).join('\n');
    expect(defs).toContain('(phone__e164)');
    expect(defs).toContain('(employee_number)');
    const systemTables = await database.rows<{ n: number }>(
      sql`select count(*)::int as n from information_schema.tables where table_schema = 'biz' and table_name in ('accounts', 'rules', 'dict_tables')`,
    );
    expect(systemTables[0]!.n).toBe(0);
  });

  it('loads the demo data: a few hundred users, open and closed incidents, the default and cti views', async () => {
    const { database } = db();
    const [users] = await database.rows<{ n: number; dup: number }>(
      sql`select count(*)::int as n, (select count(*)::int from (select name from ${storageTable('sys_user')} group by name having count(*) > 1) d) as dup from ${storageTable('sys_user')}`,
    );
    expect(users!.n).toBeGreaterThanOrEqual(200);
    expect(users!.dup).toBeGreaterThan(0);
    const states = await database.rows<{ active: boolean; n: number }>(
      sql`select active, count(*)::int as n from ${storageTable('task')} where sys_class_name = 'incident' group by active`,
    );
    expect(states.find((s) => s.active)?.n).toBeGreaterThan(0);
    expect(states.find((s) => !s.active)?.n).toBeGreaterThan(0);
    const views = await database.rows<{ name: string }>(
      sql`select distinct name from ${storageTable('sys_ui_view')} order by name`,
    );
    expect(views.map((v) => v.name)).toEqual(['cti', 'default']);
  });

  it('keeps phones as given and in E.164, so any format finds the same user', async () => {
    const { database } = db();
    const formats = ['(415) 555-0142', '+1 415 555 0142', '415.555.0142', '4155550142'];
    const { toE164 } = await import('../../server/records/phone.ts');
    for (const format of formats) {
      const rows = await database.rows<{ user_name: string; phone: string }>(
        sql`select user_name, phone from ${storageTable('sys_user')} where phone__e164 = ${toE164(format, 'US')}`,
      );
      expect(rows, format).toEqual([{ user_name: 'abel.tuter', phone: '(415) 555-0142' }]);
    }
  });
});
