/** The per-call write limit of the privileged service, with its own error code, and nothing kept. */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

describeEachDatabase('the write limit', (db) => {
  it('stops a call past SANDBOX_MAX_WRITES with RULE_WRITES and keeps none of its writes', async () => {
    const { app, services } = await buildTestApp(db(), { SANDBOX_MAX_WRITES: '2' });
    try {
      const cookie = await login(app);
      const create = (name: string, script: string, clientCallable: boolean) =>
        app.inject({
          method: 'POST',
          url: '/api/rules',
          headers: withCsrf(cookie),
          payload: { name, script, clientCallable },
        });
      await create(
        'openThree',
        `function openThree() {
           for (var i = 0; i < 3; i++) {
             var gr = new GlideRecord('incident'); gr.initialize(); gr.short_description = 'one of three';
             try { gr.insert(); } catch (e) { /* a rule that swallows the error still fails */ }
           }
         }`,
        false,
      );
      await create('callsThree', "openThree(); answer = 'incident.do';", true);
      const token = (await services.accounts.issueToken('limit', 'admin')).token;
      const response = await app.inject({
        method: 'GET',
        url: '/cti.do?sysparm_cti_rule=callsThree',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      expect(response.statusCode, response.body).toBe(502);
      expect(response.json().error).toMatchObject({
        code: 'RULE_WRITES',
        message: 'more than 2 writes in one call',
      });
      const rows = await db().database.rows(
        sql`select sys_id from biz.task where short_description = 'one of three'`,
      );
      expect(rows).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
