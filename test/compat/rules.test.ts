/**
 * The compatibility suite (SPEC §4, §7; issue 7): CTI rules written the way integrators copied them
 * from ServiceNow's CTI Processing script, saved unchanged from test/compat/rules/, running over a
 * shop's own tables declared through the API. Each rule file shows a habit; each test, a call.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/database.ts';
import { DEV, LEE, LEE_CALL, openShop, PAT, QUINN, QUINN_CASE, type Shop, setUpShop } from './shop.ts';

const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';
const MONA = 'a8f98bb0-eb32-0100-2fd4-d13cabd80c22';
const RAYS = ['9ee1b13d-c611-2710-00ad-18be8c2d0cc1', '9ee1b13d-c611-2710-00ad-18be8c2d0cc2'];

describeEachDatabase('old CTI rules, unchanged', (db) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(db());
    await setUpShop(shop);
    for (const rule of [
      'hrCaseCti',
      'serviceCallCti',
      'taskCti',
      'authenticatedCti',
      'sharedNumberCti',
      'deviceOwnerCti',
    ]) {
      await shop.saveRule(rule);
    }
  });

  const logOf = async (callId: unknown) => {
    await shop.services.processor.callLog.settled(); // the row follows the answer
    const [row] = await db().database.rows<{ logs: { message: string }[] }>(
      sql`select logs from call_log where id = ${String(callId)}::uuid`,
    );
    return row!.logs.map((l) => l.message);
  };

  describe('hrCaseCti: sloppy globals, a helper returning user.sys_id, addOrCondition, a device fallback', () => {
    const rule = 'sysparm_cti_rule=hrCaseCti';
    const newCase = (id: string) => `/hr_case.do?sys_id=-1&sysparm_query=opened_for=${id}^opened_by=${id}`;

    it('pops the profile in the itil view for a caller with an open HR case', async () => {
      expect(await shop.answerOf(`${rule}&sysparm_caller_id=H1001`)).toBe(
        `/sys_user.do?sys_id=${QUINN}&sysparm_view=itil`,
      );
      expect(await shop.answerOf(`${rule}&sysparm_caller_phone=(415)%20555-0301`)).toBe(
        `/sys_user.do?sys_id=${QUINN}&sysparm_view=itil`,
      );
    });

    it('opens a new HR case for a caller whose cases are all closed', async () => {
      expect(await shop.answerOf(`${rule}&sysparm_caller_id=H1002`)).toBe(newCase(PAT));
    });

    it('finds a caller through mobile_phone with addOrCondition', async () => {
      expect(await shop.answerOf(`${rule}&sysparm_caller_phone=6505550302`)).toBe(newCase(PAT));
    });

    it('finds a caller through a device number and returns device.user', async () => {
      expect(await shop.answerOf(`${rule}&sysparm_caller_phone=510.555.0303`)).toBe(newCase(DEV));
    });

    it('tests sysparm_query == null for an unknown caller, and keeps no global of an earlier run', async () => {
      expect(await shop.answerOf(`${rule}&sysparm_caller_phone=9995550000`)).toBe('/hr_case.do?sys_id=-1');
      expect(await shop.answerOf(`${rule}&sysparm_short_description=Payroll`)).toBe(
        '/hr_case.do?sys_id=-1&sysparm_query=short_description=Payroll',
      );
    });
  });

  describe('serviceCallCti: a function named like the rule returns the URL; a custom table', () => {
    const rule = 'sysparm_cti_rule=serviceCallCti';

    it("pops the caller's open service call", async () => {
      expect(await shop.answerOf(`${rule}&sysparm_caller_phone=2065550304`)).toBe(
        `/u_service_call.do?sys_id=${LEE_CALL}`,
      );
    });

    it('opens a new service call for a caller without one', async () => {
      expect(
        await shop.answerOf(`${rule}&sysparm_caller_name=Quinn%20Case&sysparm_caller_phone=4155550301`),
      ).toBe(`/u_service_call.do?sys_id=-1&sysparm_query=u_caller=${QUINN}^u_phone=4155550301`);
    });

    it('logs an unknown caller with gs.log and pre-fills the number', async () => {
      const { status, body } = await shop.call(`${rule}&sysparm_caller_phone=9995550000`);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.answer).toBe('/u_service_call.do?sys_id=-1&sysparm_query=u_phone=9995550000');
      expect((await logOf(body.callId)).join('\n')).toContain('CTI: unknown caller');
    });

    it('sees a service call imported after the rule was saved', async () => {
      const imported = await shop.post('/api/tables/u_service_call/records', [
        { u_caller: QUINN, u_phone: '415-555-0301', u_active: true },
      ]);
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      const id = (imported.body as { sysIds: string[] }).sysIds[0];
      expect(
        await shop.answerOf(`${rule}&sysparm_caller_name=Quinn%20Case&sysparm_caller_phone=4155550301`),
      ).toBe(`/u_service_call.do?sys_id=${id}`);
    });
  });

  describe('taskCti: task.sys_class_name names the form; HR cases are tasks too', () => {
    it('pops an HR case by its own HRC number, through a query on task', async () => {
      const [hrCase] = await shop.services.reader.select({
        table: 'hr_case',
        query: `sys_id=${QUINN_CASE}`,
        limit: 1,
      });
      expect(hrCase!.number).toMatch(/^HRC\d{7}$/);
      expect(await shop.answerOf(`sysparm_cti_rule=taskCti&sysparm_task_id=${hrCase!.number}`)).toBe(
        `/hr_case.do?sys_id=${QUINN_CASE}`,
      );
    });

    it('pops an incident the same way, with the view', async () => {
      const [incident] = await shop.services.reader.select({
        table: 'incident',
        query: 'number=INC0000001',
        limit: 1,
      });
      expect(
        await shop.answerOf('sysparm_cti_rule=taskCti&sysparm_task_id=INC0000001&sysparm_view=cti'),
      ).toBe(`/incident.do?sys_id=${incident!.sys_id}&sysparm_view=cti`);
      expect(await shop.answerOf('sysparm_cti_rule=taskCti&sysparm_task_id=NOPE0001')).toBe(
        '/incident.do?sys_id=-1',
      );
    });
  });

  describe('authenticatedCti: a custom parameter tested with typeof, a custom column in the answer', () => {
    const rule = 'sysparm_cti_rule=authenticatedCti';

    it("pops an authenticated caller's latest open incident, dot-walking to the caller's name", async () => {
      const [latest] = await shop.services.reader.select({
        table: 'incident',
        query: `caller_id=${ABEL}^active=true^ORDERBYDESCopened_at`,
        limit: 1,
      });
      const { body } = await shop.call(
        `${rule}&sysparm_caller_id=E00001&sysparm_u_caller_authenticated=true`,
      );
      expect(body.answer).toBe(`/incident.do?sys_id=${latest!.sys_id}&sysparm_view=cti`);
      expect((await logOf(body.callId)).join('\n')).toContain(
        `CTI: Abel Tuter calls about ${latest!.number}`,
      );
    });

    it('pre-fills the custom column otherwise', async () => {
      expect(await shop.answerOf(`${rule}&sysparm_caller_id=E00001`)).toBe(
        `/incident.do?sys_id=-1&sysparm_query=caller_id=${ABEL}^u_caller_authenticated=false`,
      );
      expect(await shop.answerOf(`${rule}&sysparm_caller_id=H1003&sysparm_u_caller_authenticated=true`)).toBe(
        `/incident.do?sys_id=-1&sysparm_query=caller_id=${DEV}^u_caller_authenticated=true`,
      );
      expect(await shop.answerOf(rule)).toBe(
        '/incident.do?sys_id=-1&sysparm_query=u_caller_authenticated=false',
      );
    });
  });

  describe("sharedNumberCti: while (gr.next()) ids.push('' + gr.sys_id)", () => {
    it('lists everyone sharing a number, and pops the one owner of another', async () => {
      expect(await shop.answerOf('sysparm_cti_rule=sharedNumberCti&sysparm_caller_phone=312-555-0100')).toBe(
        `/sys_user_list.do?sysparm_query=sys_idIN${RAYS.join(',')}`,
      );
      expect(
        await shop.answerOf('sysparm_cti_rule=sharedNumberCti&sysparm_caller_phone=%2B16505550302'),
      ).toBe(`/sys_user.do?sys_id=${PAT}`);
    });
  });

  describe('deviceOwnerCti: GlideRecordSecure over devices, dot-walking to the owner', () => {
    const rule = 'sysparm_cti_rule=deviceOwnerCti';

    it("pops the active device's owner", async () => {
      const { body } = await shop.call(`${rule}&sysparm_caller_phone=(510)%20555-0303`);
      expect(body.answer).toBe(`/sys_user.do?sys_id=${DEV}&sysparm_view=cti`);
      expect((await logOf(body.callId)).join('\n')).toContain('CTI: device Desk phone belongs to Dev Ice');
      expect(await shop.answerOf(`${rule}&sysparm_caller_phone=5105550177&sysparm_view=itil`)).toBe(
        `/sys_user.do?sys_id=${MONA}&sysparm_view=itil`,
      );
    });

    it('ignores an inactive device', async () => {
      expect(await shop.answerOf(`${rule}&sysparm_caller_phone=5105550178`)).toBe(
        '/incident.do?sys_id=-1&sysparm_query=contact_type=phone',
      );
    });
  });

  describe('createServiceCall: the old insert, moved into a non-client-callable function', () => {
    beforeAll(async () => {
      await shop.saveRule('createServiceCall', { clientCallable: false });
      await shop.saveRule('openServiceCallCti');
    });

    it("writes a row of the shop's table through the privileged service, audited, and pops it", async () => {
      const answer = await shop.answerOf(
        'sysparm_cti_rule=openServiceCallCti&sysparm_caller_phone=4155550301',
      );
      const match = /^\/u_service_call\.do\?sys_id=([0-9a-f-]{36})$/.exec(answer);
      expect(match, answer).not.toBeNull();
      const [row] = await shop.services.reader.select({
        table: 'u_service_call',
        query: `sys_id=${match![1]}`,
        limit: 1,
      });
      expect(row).toMatchObject({ u_caller: QUINN, u_phone: '4155550301', u_active: true });
      expect(JSON.stringify(row!.u_notes)).toContain('Opened from an inbound call');
      const audit = await db().database.rows<{ chain: string[]; operation: string }>(
        sql`select chain, operation from write_audit where table_name = 'u_service_call' and sys_id = ${match![1]}::uuid`,
      );
      expect(audit).toEqual([{ chain: ['openServiceCallCti', 'createServiceCall'], operation: 'insert' }]);
    });

    it('refuses the same insert written straight into a client-callable rule, saying where writes belong', async () => {
      const script =
        "var gr = new GlideRecord('u_service_call'); gr.initialize(); gr.u_phone = '1'; gr.insert(); answer = 'incident.do';";
      expect((await shop.post('/api/rules', { name: 'directInsertCti', script })).status).toBe(201);
      const { status, body } = await shop.call('sysparm_cti_rule=directInsertCti');
      expect(status, JSON.stringify(body)).toBe(502);
      expect(JSON.stringify(body.error)).toMatch(/non-client-callable/);
      expect(await shop.services.reader.count({ table: 'u_service_call', query: 'u_phone=1' })).toBe(0);
    });
  });

  describe('the dictionary, live', () => {
    it('a rule sees a table and a column added after it was saved, at its next run', async () => {
      const script = [
        "var gr = new GlideRecord('u_visitor');",
        "gr.addQuery('u_badge', sysparm_caller_id);",
        'gr.query();',
        "answer = gr.next() ? 'sys_user.do?sys_id=' + gr.u_host : 'incident.do?sys_id=-1';",
      ].join('\n');
      expect((await shop.post('/api/rules', { name: 'visitorCti', script })).status).toBe(201);
      const before = await shop.call('sysparm_cti_rule=visitorCti&sysparm_caller_id=B-7');
      expect(before.status).toBe(502);
      expect(JSON.stringify(before.body.error)).toContain('u_visitor');

      const created = await shop.post('/api/tables', {
        name: 'u_visitor',
        columns: [{ name: 'u_badge', type: 'string' }],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(await shop.answerOf('sysparm_cti_rule=visitorCti&sysparm_caller_id=B-7')).toBe(
        '/incident.do?sys_id=-1',
      );

      const column = await shop.post('/api/tables/u_visitor/columns', {
        name: 'u_host',
        type: 'reference',
        reference: 'sys_user',
      });
      expect(column.status, JSON.stringify(column.body)).toBe(201);
      const imported = await shop.post('/api/tables/u_visitor/records', [{ u_badge: 'B-7', u_host: LEE }]);
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      expect(await shop.answerOf('sysparm_cti_rule=visitorCti&sysparm_caller_id=B-7')).toBe(
        `/sys_user.do?sys_id=${LEE}`,
      );
    });
  });
});
