/** `GET/PUT /api/dictionary` (SPEC §10): export, push back idempotently, add only, and keep the data. */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { dictionaryFile } from '../../server/dictionary/definition.ts';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

type FileTable = { name: string; extends?: string; label?: string; columns: Record<string, unknown>[] };
type File = { tables: FileTable[] };

describeEachDatabase('the dictionary API', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let cookie: string;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    cookie = await login(app);
  });

  const get = async () => {
    const response = await app.inject({ method: 'GET', url: '/api/dictionary', headers: withCsrf(cookie) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as File;
  };
  const put = async (payload: unknown) => {
    const response = await app.inject({
      method: 'PUT',
      url: '/api/dictionary',
      headers: withCsrf(cookie),
      payload: payload as object,
    });
    return { status: response.statusCode, body: response.json() };
  };
  /** Row counts of every business table and of the dictionary itself. */
  const counts = async () =>
    db().database.rows(
      sql`select (select count(*) from biz.sys_user)::int as users, (select count(*) from biz.task)::int as tasks,
        (select count(*) from biz.cmn_notif_device)::int as devices, (select count(*) from dict_tables)::int as tables,
        (select count(*) from dict_columns)::int as columns`,
    );
  const shop: File = {
    tables: [
      // The child first: a file need not list parents before children.
      {
        name: 'hr_case',
        extends: 'task',
        columns: [{ name: 'opened_for', type: 'reference', reference: 'sys_user' }],
      },
      { name: 'incident', columns: [{ name: 'u_caller_authenticated', type: 'boolean' }] },
      {
        name: 'u_service_call',
        label: 'Service call',
        columns: [
          { name: 'u_caller', type: 'reference', reference: 'sys_user' },
          { name: 'u_phone', type: 'phone' },
          { name: 'u_notes', type: 'journal' },
        ],
      },
    ],
  };

  describe('what works', () => {
    it('exports the whole dictionary in the file format, parents before children, own columns only', async () => {
      const file = await get();
      expect(dictionaryFile.safeParse(file).success).toBe(true);
      const names = file.tables.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['sys_user', 'task', 'incident', 'cmn_notif_device']));
      expect(names.indexOf('task')).toBeLessThan(names.indexOf('incident'));
      const incident = file.tables.find((t) => t.name === 'incident')!;
      expect(incident).toEqual({
        name: 'incident',
        label: 'Incident',
        extends: 'task',
        numberPrefix: 'INC',
        columns: [],
      });
      expect(JSON.stringify(file)).not.toMatch(/"sys_id"|call_log|accounts/);
    });

    it('takes the export back and changes nothing', async () => {
      const before = await counts();
      const file = await get();
      expect(await put(file)).toEqual({
        status: 200,
        body: { tablesAdded: [], columnsAdded: [], differences: [] },
      });
      expect(await get()).toEqual(file);
      expect(await counts()).toEqual(before);
    });

    it("adds a shop's tables and columns, then adds nothing the second time", async () => {
      const first = await put(shop);
      expect(first).toEqual({
        status: 200,
        body: {
          tablesAdded: ['hr_case', 'u_service_call'],
          columnsAdded: [
            'hr_case.opened_for',
            'incident.u_caller_authenticated',
            'u_service_call.u_caller',
            'u_service_call.u_phone',
            'u_service_call.u_notes',
          ],
          differences: [],
        },
      });
      expect(services.dictionary.current().get('hr_case')).toMatchObject({ numberPrefix: 'HRC' });
      expect(await put(shop)).toEqual({
        status: 200,
        body: { tablesAdded: [], columnsAdded: [], differences: [] },
      });
    });

    it('keeps the data through a GET then PUT after the shop changed', async () => {
      const imported = await app.inject({
        method: 'POST',
        url: '/api/tables/u_service_call/records',
        headers: withCsrf(cookie),
        payload: [{ u_caller: '6816f79c-c0a8-0164-01c5-a33be04be441', u_phone: '(415) 555-0142' }],
      });
      expect(imported.statusCode, imported.body).toBe(200);
      const before = await counts();
      const calls = await services.reader.select({ table: 'u_service_call', query: '', limit: 10 });
      const file = await get();
      expect(file.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['hr_case', 'u_service_call']));
      expect((await put(file)).body).toEqual({ tablesAdded: [], columnsAdded: [], differences: [] });
      expect(await counts()).toEqual(before);
      expect(await services.reader.select({ table: 'u_service_call', query: '', limit: 10 })).toEqual(calls);
    });

    it('never drops: a file that leaves tables and columns out removes nothing', async () => {
      const before = await counts();
      expect(await put({ tables: [{ name: 'hr_case', extends: 'task', columns: [] }] })).toEqual({
        status: 200,
        body: { tablesAdded: [], columnsAdded: [], differences: [] },
      });
      expect(await put({ tables: [] })).toMatchObject({ status: 200 });
      expect(await counts()).toEqual(before);
      expect(services.dictionary.current().get('hr_case')!.columns.has('opened_for')).toBe(true);
    });

    it('reports what the file says differently about what exists, and leaves it as it is', async () => {
      const { status, body } = await put({
        tables: [
          {
            name: 'u_service_call',
            label: 'Phone call',
            numberPrefix: 'SVC',
            columns: [{ name: 'u_phone', type: 'phone', label: 'Number' }],
          },
        ],
      });
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body).toEqual({
        tablesAdded: [],
        columnsAdded: [],
        differences: [
          'u_service_call: label is "Service call" here, "Phone call" in the file; left as it is',
          'u_service_call: numberPrefix is null here, "SVC" in the file; left as it is',
          'u_service_call.u_phone: label is "Phone" here, "Number" in the file; left as it is',
        ],
      });
      expect(services.dictionary.current().get('u_service_call')!.label).toBe('Service call');
    });
  });

  describe('what is refused, with nothing applied', () => {
    it.each([
      [
        'a different parent',
        { tables: [{ name: 'incident', extends: 'sys_user', columns: [] }] },
        409,
        {
          code: 'CONFLICT',
          message:
            "table incident extends task, but the file says it extends sys_user; ctihost never changes a table's parent",
        },
      ],
      [
        'a parent for a table that has none',
        { tables: [{ name: 'sys_user', extends: 'task' }] },
        409,
        {
          code: 'CONFLICT',
          message:
            "table sys_user extends no table, but the file says it extends task; ctihost never changes a table's parent",
        },
      ],
      [
        'a number prefix another table numbers with',
        { tables: [{ name: 'u_new', extends: 'task', numberPrefix: 'HRC' }] },
        409,
        {
          code: 'CONFLICT',
          message: 'number prefix HRC is already used by hr_case; give u_new a prefix of its own',
        },
      ],
      [
        'a reference to another table',
        {
          tables: [
            {
              name: 'hr_case',
              extends: 'task',
              columns: [{ name: 'opened_for', type: 'reference', reference: 'u_service_call' }],
            },
          ],
        },
        409,
        {
          code: 'CONFLICT',
          message:
            'column hr_case.opened_for refers to sys_user, but the file says u_service_call; ctihost never changes a reference',
        },
      ],
      [
        "a column's type",
        {
          tables: [
            { name: 'u_new', columns: [] },
            { name: 'sys_user', columns: [{ name: 'vip', type: 'string' }] },
          ],
        },
        409,
        {
          code: 'CONFLICT',
          message: "column sys_user.vip exists as boolean, not string; ctihost never changes a column's type",
        },
      ],
      [
        'a table declared twice',
        { tables: [{ name: 'u_new' }, { name: 'u_new' }] },
        400,
        { code: 'VALIDATION_FAILED', message: 'table u_new is declared twice' },
      ],
      [
        'a bad name',
        { tables: [{ name: 'u_ok' }, { name: 'x; drop table sys_user;--' }] },
        400,
        {
          code: 'VALIDATION_FAILED',
          message:
            'invalid request: body.tables.1.name: must start with a lower-case letter and hold only a-z, 0-9 and _',
          details: [
            {
              field: 'body.tables.1.name',
              message: 'must start with a lower-case letter and hold only a-z, 0-9 and _',
            },
          ],
        },
      ],
      [
        'a system table',
        { tables: [{ name: 'accounts', columns: [{ name: 'u_backdoor', type: 'string' }] }] },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: 'invalid request: body.tables.0.name: is the name of a system table',
          details: [{ field: 'body.tables.0.name', message: 'is the name of a system table' }],
        },
      ],
      [
        'a cycle of parents',
        {
          tables: [
            { name: 'u_a', extends: 'u_b' },
            { name: 'u_b', extends: 'u_a' },
          ],
        },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: expect.stringMatching(/^table u_[ab] extends itself through u_[ab]$/),
        },
      ],
      [
        'an unknown parent, after a good table',
        { tables: [{ name: 'u_new' }, { name: 'u_orphan', extends: 'nowhere' }] },
        400,
        { code: 'VALIDATION_FAILED', message: 'table u_orphan extends nowhere, which does not exist' },
      ],
      [
        'something other than a file',
        [{ name: 'u_new' }],
        400,
        {
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining('invalid request: body: '),
          details: expect.any(Array),
        },
      ],
    ])('refuses %s', async (_what, payload, status, error) => {
      const before = await counts();
      const response = await put(payload);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body).toEqual({ error });
      expect(await counts()).toEqual(before);
      expect(services.dictionary.current().has('u_new')).toBe(false);
    });
  });

  describe('what stays closed', () => {
    it('answers 401 without a session or with a token, 403 to an agent', async () => {
      const { token } = await services.accounts.issueToken('dict-client', 'admin');
      await services.accounts.create('agent.dict', 'agent password 1', 'agent');
      const agent = await login(app, 'agent.dict', 'agent password 1');
      for (const method of ['GET', 'PUT'] as const) {
        const send = (headers: Record<string, string>) =>
          app.inject({
            method,
            url: '/api/dictionary',
            headers,
            ...(method === 'PUT' ? { payload: { tables: [{ name: 'u_intruder' }] } } : {}),
          });
        expect((await send({})).statusCode).toBe(401);
        expect((await send({ authorization: `Bearer ${token}` })).statusCode).toBe(401);
        expect((await send({ cookie: agent })).statusCode).toBe(403);
      }
      expect(services.dictionary.current().has('u_intruder')).toBe(false);
    });
  });
});
