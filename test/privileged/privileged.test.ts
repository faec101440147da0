/** The privileged service (SPEC §8) through HTTP: functions that write, validated, audited, all or nothing. */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';

describeEachDatabase('the privileged service', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let cookie: string;
  let token: string;

  const create = async (name: string, script: string, clientCallable = true) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/rules',
      headers: withCsrf(cookie),
      payload: { name, script, clientCallable },
    });
    expect(response.statusCode, response.body).toBe(201);
  };
  const call = async (query: string) => {
    const response = await app.inject({
      method: 'GET',
      url: `/cti.do?${query}`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    return { status: response.statusCode, body: response.json() };
  };
  const incidentsTitled = async (text: string) =>
    db().database.rows<{ sys_id: string; caller_id: string | null }>(
      sql`select sys_id::text, caller_id::text from biz.task where short_description = ${text}`,
    );

  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    cookie = await login(app);
    token = (await services.accounts.issueToken('pbx', 'admin')).token;
    await create(
      'openIncident',
      `function openIncident(args) {
         var gr = new GlideRecord('incident');
         gr.initialize();
         gr.short_description = args.text;
         gr.setValue('caller_id', args.caller);
         gr.priority = 2;
         return gr.insert();
       }`,
      false,
    );
    await create(
      'twoIncidents',
      `function twoIncidents() {
         var a = new GlideRecord('incident'); a.initialize(); a.short_description = 'half done'; a.insert();
         var b = new GlideRecord('incident'); b.initialize(); b.short_description = 'half done'; b.priority = 'urgent!!'; b.insert();
       }`,
      false,
    );
    await create(
      'blankNotes',
      `function blankNotes() {
         var gr = new GlideRecord('incident');
         gr.initialize(); gr.short_description = 'blank notes'; gr.work_notes = ''; gr.comments = null;
         var id = gr.insert();
         gr.get(id); gr.work_notes = ''; gr.update();
         return id;
       }`,
      false,
    );
    await create('echo', 'function echo(x) { return x; }', false);
    await create('giveFunction', 'function giveFunction() { return { f: function () {} }; }', false);
    await create(
      'popNew',
      "var id = openIncident({ text: 'from the phone', caller: '" +
        ABEL +
        "' }); answer = 'incident.do?sys_id=' + id;",
    );
  });

  it('lets a client-callable rule call a function that inserts: the record exists, audited with the rule chain', async () => {
    const { status, body } = await call('sysparm_cti_rule=popNew');
    expect(status, JSON.stringify(body)).toBe(200);
    const [created] = await incidentsTitled('from the phone');
    expect(created).toEqual({ sys_id: expect.any(String), caller_id: ABEL });
    expect(body.answer).toBe(`/incident.do?sys_id=${created!.sys_id}`);
    const audit = await db().database.rows<{
      chain: string[];
      operation: string;
      table_name: string;
      after: Record<string, unknown>;
    }>(
      sql`select chain, operation, table_name, after from write_audit where sys_id = ${created!.sys_id}::uuid`,
    );
    expect(audit).toEqual([
      {
        chain: ['popNew', 'openIncident'],
        operation: 'insert',
        table_name: 'incident',
        after: expect.objectContaining({
          short_description: 'from the phone',
          priority: 2,
          number: expect.stringMatching(/^INC\d{7}$/),
        }),
      },
    ]);
    await services.processor.callLog.settled();
    const [log] = await db().database.rows<{ writes: unknown[] }>(
      sql`select writes from call_log where id = ${body.callId}::uuid`,
    );
    expect(log!.writes).toEqual([
      expect.objectContaining({ table: 'incident', operation: 'insert', sysId: created!.sys_id }),
    ]);
  });

  it('takes a blank journal value as no entry, on insert and on update', async () => {
    await create('callBlankNotes', "answer = 'incident.do?sys_id=' + blankNotes();");
    const { status, body } = await call('sysparm_cti_rule=callBlankNotes');
    expect(status, JSON.stringify(body)).toBe(200);
    const [row] = await db().database.rows<{ work_notes: unknown[]; comments: unknown[] }>(
      sql`select work_notes, comments from biz.task where short_description = 'blank notes'`,
    );
    expect(row).toEqual({ work_notes: [], comments: [] });
  });

  it('stores a lone UTF-16 surrogate a rule wrote as U+FFFD, as text and in the audit', async () => {
    await create(
      'loneSurrogate',
      `function loneSurrogate() {
         var gr = new GlideRecord('incident');
         gr.initialize(); gr.short_description = 'lone \\ud800 half'; gr.work_notes = '\\udc00';
         return gr.insert();
       }`,
      false,
    );
    await create('callLoneSurrogate', "answer = 'incident.do?sys_id=' + loneSurrogate();");
    const { status, body } = await call('sysparm_cti_rule=callLoneSurrogate');
    expect(status, JSON.stringify(body)).toBe(200);
    const [row] = await db().database.rows<{ work_notes: { text: string }[] }>(
      sql`select work_notes from biz.task where short_description = ${'lone \ufffd half'}`,
    );
    expect(row?.work_notes.map((entry) => entry.text)).toEqual(['\ufffd']);
    const audit = await db().database.rows<{ after: { short_description: string } }>(
      sql`select after from write_audit where chain->>0 = 'callLoneSurrogate'`,
    );
    expect(audit.map((entry) => entry.after.short_description)).toEqual(['lone \ufffd half']);
  });

  it('refuses a non-client-callable rule from a URL with 403, and it does not run', async () => {
    const before = (await incidentsTitled('from the phone')).length;
    expect((await call('sysparm_cti_rule=openIncident')).status).toBe(403);
    expect((await incidentsTitled('from the phone')).length).toBe(before);
  });

  describe.each([
    [
      'insert',
      "var gr = new GlideRecord('incident'); gr.initialize(); gr.short_description = 'nope'; gr.insert(); answer = 'x';",
    ],
    [
      'update',
      "var gr = new GlideRecord('incident'); gr.get('number', 'INC0000001'); gr.short_description = 'changed'; gr.update(); answer = 'x';",
    ],
    [
      'deleteRecord',
      "var gr = new GlideRecord('incident'); gr.get('number', 'INC0000001'); gr.deleteRecord(); answer = 'x';",
    ],
  ])('a client-callable %s', (method, script) => {
    it('throws, saying writes belong in a non-client-callable function, and writes nothing', async () => {
      await create(`client_${method}`, script);
      const { status, body } = await call(`sysparm_cti_rule=client_${method}`);
      expect(status).toBe(502);
      expect(body.error.code).toBe('RULE_ERROR');
      expect(body.error.message).toContain('writes belong in a non-client-callable function');
      const [task] = await db().database.rows<{ short_description: string }>(
        sql`select short_description from biz.task where number = 'INC0000001'`,
      );
      expect(task!.short_description).toBe('Cannot connect to VPN');
      expect(await incidentsTitled('nope')).toEqual([]);
    });
  });

  it('rolls back every write of a call that fails, naming the field', async () => {
    await create('callsTwo', "twoIncidents(); answer = 'incident.do';");
    const { status, body } = await call('sysparm_cti_rule=callsTwo');
    expect(status).toBe(502);
    expect(body.error.message).toContain('priority: expected a whole number');
    expect(await incidentsTitled('half done')).toEqual([]);
  });

  it.each([
    [
      'a function',
      'echo({ f: function () {} });',
      'echo(): arguments must be JSON values: [0].f is a function',
    ],
    [
      'a record',
      "var u = new GlideRecord('sys_user'); u.get('user_name', 'abel.tuter'); echo(u);",
      'echo(): arguments must be JSON values: [0] is a GlideRecord',
    ],
    [
      'a field',
      "var u = new GlideRecord('sys_user'); u.get('user_name', 'abel.tuter'); echo([u.name]);",
      '[0][0] is a GlideElement',
    ],
    [
      'a cycle',
      'var a = {}; a.self = a; echo(a);',
      'echo(): arguments must be JSON values: [0].self refers to itself',
    ],
    [
      'a result holding a function',
      'giveFunction();',
      'the result of giveFunction() must be JSON values: f is a function',
    ],
  ])('refuses %s crossing to or from a function, clearly', async (_what, script, message) => {
    const name = `cross${Math.random().toString(36).slice(2, 8)}`;
    await create(name, `${script} answer = 'incident.do';`);
    const { status, body } = await call(`sysparm_cti_rule=${name}`);
    expect(status).toBe(502);
    expect(body.error.message).toContain(message);
  });

  it('passes JSON values both ways by copy', async () => {
    await create(
      'roundTrip',
      "var sent = { a: [1, 'two', null, true] }; var back = echo(sent); back.a.push(5); answer = 'incident.do?n=' + sent.a.length + back.a.length;",
    );
    expect((await call('sysparm_cti_rule=roundTrip')).body.answer).toBe('/incident.do?n=45');
  });

  it('dry-runs a rule that writes: the writes are returned, the database is unchanged', async () => {
    const before = (await incidentsTitled('from the phone')).length;
    const response = await app.inject({
      method: 'POST',
      url: '/api/dry-run',
      headers: withCsrf(cookie),
      payload: { rule: 'popNew' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({ outcome: 'answer', writes: [{ table: 'incident', operation: 'insert' }] });
    expect(result.answer).toBe(`/incident.do?sys_id=${result.writes[0].sysId}`);
    expect((await incidentsTitled('from the phone')).length).toBe(before);
    const audit = await db().database.rows(
      sql`select id from write_audit where sys_id = ${result.writes[0].sysId}::uuid`,
    );
    expect(audit).toEqual([]);
  });

  it('dry-runs an unsaved script, and a pasted cti.do URL', async () => {
    const script = await app.inject({
      method: 'POST',
      url: '/api/dry-run',
      headers: withCsrf(cookie),
      payload: {
        script: "gs.info('hello {0}', sysparm_caller_name); answer = 'x.do';",
        params: { sysparm_caller_name: 'Abel' },
      },
    });
    expect(script.json()).toMatchObject({
      answer: '/x.do',
      outcome: 'answer',
      logs: [{ level: 'info', message: 'hello Abel' }],
    });
    const url = await app.inject({
      method: 'POST',
      url: '/api/dry-run',
      headers: withCsrf(cookie),
      payload: { url: 'https://cti.example/cti.do?sysparm_caller_phone=4155550142' },
    });
    expect(url.json()).toMatchObject({
      answer: `/sys_user.do?sys_id=${ABEL}&sysparm_view=cti`,
      outcome: 'answer',
      rule: 'CTIProcessing',
    });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/dry-run',
      headers: withCsrf(cookie),
      payload: {},
    });
    expect(bad.statusCode).toBe(400);
  });

  it('records each popped call on its task as one audited work note', async () => {
    const [task] = await db().database.rows<{ sys_id: string }>(
      sql`select sys_id::text from biz.task where number = 'INC0000002'`,
    );
    for (let i = 1; i <= 2; i++) {
      const { body } = await call('sysparm_task_id=INC0000002&sysparm_caller_name=Unknown%20Person');
      expect(body.answer).toBe(`/incident.do?sys_id=${task!.sys_id}&sysparm_view=cti`);
      const [row] = await db().database.rows<{ work_notes: { text: string; by: string }[] }>(
        sql`select work_notes from biz.task where sys_id = ${task!.sys_id}::uuid`,
      );
      expect(row!.work_notes).toHaveLength(i);
      expect(row!.work_notes[i - 1]).toMatchObject({
        text: 'Inbound call from Unknown Person',
        by: 'ctiRecordTaskCall',
      });
    }
    const audit = await db().database.rows<{ chain: string[] }>(
      sql`select chain from write_audit where sys_id = ${task!.sys_id}::uuid and operation = 'update'`,
    );
    expect(audit).toEqual([
      { chain: ['CTIProcessing', 'ctiRecordTaskCall'] },
      { chain: ['CTIProcessing', 'ctiRecordTaskCall'] },
    ]);
  });

  it('shows the audit to admins with filters', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/audit?rule=openIncident&operation=insert',
      headers: withCsrf(cookie),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().entries.length).toBeGreaterThan(0);
    expect(response.json().entries.every((e: { chain: string[] }) => e.chain.includes('openIncident'))).toBe(
      true,
    );
    expect((await app.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
  });
});
