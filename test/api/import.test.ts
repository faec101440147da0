import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { storageTable } from '../../server/records/sql-values.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';

describeEachDatabase('POST /api/tables/:table/records', (db) => {
  let app: FastifyInstance;
  let cookie: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    cookie = await login(app);
  });
  const post = (table: string, payload: unknown) =>
    app.inject({
      method: 'POST',
      url: `/api/tables/${table}/records`,
      payload: payload as object,
      headers: withCsrf(cookie),
    });
  const users = async (names: string[]) =>
    db().database.rows<{ user_name: string }>(
      sql`select user_name from ${storageTable('sys_user')} where user_name in ${sql`(${sql.join(
        names.map((n) => sql`${n}`),
        sql`, `,
      )})`}`,
    );

  it('refuses a batch with one bad row, naming the row and field, and writes none of it', async () => {
    const response = await post('sys_user', [
      { user_name: 'imp.one', name: 'Imp One', phone: '(415) 555-0111' },
      { user_name: 'imp.two', name: 'Imp Two', vip: 'maybe' },
      { user_name: 'imp.three', name: 'Imp Three' },
    ]);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: '1 of 3 records were rejected; nothing was written',
        details: { rejected: [{ index: 1, field: 'vip', message: 'vip: expected true or false' }] },
      },
    });
    expect(await users(['imp.one', 'imp.two', 'imp.three'])).toEqual([]);
  });

  it('inserts, then updates by user_name, with the phone findable in E.164', async () => {
    const first = await post('sys_user', [
      { user_name: 'imp.four', name: 'Imp Four', phone: '212 555 0144', active: 'true' },
    ]);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ inserted: 1, updated: 0 });
    const again = await post('sys_user', [{ user_name: 'imp.four', title: 'Buyer' }]);
    expect(again.json()).toMatchObject({ inserted: 0, updated: 1, sysIds: first.json().sysIds });
    const [row] = await db().database.rows(
      sql`select name, title, phone, phone__e164, active from ${storageTable('sys_user')} where user_name = 'imp.four'`,
    );
    expect(row).toEqual({
      name: 'Imp Four',
      title: 'Buyer',
      phone: '212 555 0144',
      phone__e164: '+12125550144',
      active: true,
    });
  });

  it('upserts by sys_id in ServiceNow form and numbers new incidents', async () => {
    const sysId = 'aaaabbbbccccddddeeeeffff00001111';
    const response = await post('incident', [
      {
        sys_id: sysId,
        short_description: 'Imported',
        caller_id: { value: ABEL.replace(/-/g, ''), link: 'x' },
        priority: '2',
      },
    ]);
    expect(response.statusCode, response.body).toBe(200);
    const [row] = await db().database.rows<{ number: string; sys_class_name: string; priority: number }>(
      sql`select number, sys_class_name, priority from ${storageTable('task')} where sys_id = ${'aaaabbbb-cccc-dddd-eeee-ffff00001111'}::uuid`,
    );
    expect(row!.number).toMatch(/^INC\d{7}$/);
    expect(row!.sys_class_name).toBe('incident');
    expect(row!.priority).toBe(2);
    const update = await post('incident', [{ sys_id: sysId, state: '2' }]);
    expect(update.json()).toMatchObject({ inserted: 0, updated: 1 });
  });

  it('refuses references to rows that do not exist', async () => {
    const response = await post('incident', [
      { short_description: 'Ghost caller', caller_id: '00000000-0000-0000-0000-000000000001' },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.rejected).toEqual([
      {
        index: 0,
        field: 'caller_id',
        message: 'caller_id: no sys_user with sys_id 00000000-0000-0000-0000-000000000001',
      },
    ]);
  });

  it('refuses unknown fields and values that cannot be coerced, each named', async () => {
    const response = await post('incident', [{ short_description: 'x', priority: 'urgent!!', u_nope: 1 }]);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.rejected).toEqual([
      { index: 0, field: 'priority', message: 'priority: expected a whole number' },
      { index: 0, field: 'u_nope', message: 'incident has no field u_nope' },
    ]);
  });

  it.each(['accounts', 'dict_tables', 'rules', 'pg_user', 'nope'])(
    'answers 404 for %s, which is no business table',
    async (table) => {
      const response = await post(table, [{ name: 'x' }]);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error: { code: 'NOT_FOUND', message: `no business table named ${table}` },
      });
    },
  );

  it('refuses a body that is not an array of records', async () => {
    for (const payload of [{ user_name: 'x' }, [], [1, 2]]) {
      const response = await post('sys_user', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});
