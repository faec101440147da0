/** The table API (SPEC §4, §10): what works, what is refused with which body, and what stays closed. */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyDefinitions } from '../../server/dictionary/apply.ts';
import { tableDefinition } from '../../server/dictionary/definition.ts';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';

describeEachDatabase('the table API', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let cookie: string;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    cookie = await login(app);
  });

  const request = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await app.inject({
      method,
      url,
      headers: withCsrf(cookie),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.json(), headers: response.headers };
  };
  const columnsOn = (table: string) =>
    db().database.rows<{ column_name: string; data_type: string }>(
      sql`select column_name, data_type from information_schema.columns where table_schema = 'biz' and table_name = ${table} order by column_name`,
    );
  const dictionaryRows = async () =>
    (
      await db().database.rows<{ n: number }>(
        sql`select (select count(*) from dict_tables)::int + (select count(*) from dict_columns)::int as n`,
      )
    )[0]!.n;

  describe('what works', () => {
    it('lists the business tables with label, parent, number prefix and column count', async () => {
      const { status, body } = await request('GET', '/api/tables');
      expect(status, JSON.stringify(body)).toBe(200);
      const byName = new Map(body.tables.map((t: { name: string }) => [t.name, t]));
      expect(byName.get('incident')).toEqual({
        name: 'incident',
        label: 'Incident',
        extends: 'task',
        numberPrefix: 'INC',
        columnCount: (byName.get('task') as { columnCount: number }).columnCount,
      });
      expect(byName.get('sys_user')).toMatchObject({ extends: null, numberPrefix: null, columnCount: 14 });
      expect([...byName.keys()]).not.toContain('accounts');
      expect([...byName.keys()]).not.toContain('call_log');
    });

    it('creates hr_case extending task, with a number prefix of its own and a reference to sys_user', async () => {
      const created = await request('POST', '/api/tables', {
        name: 'hr_case',
        label: 'HR Case',
        extends: 'task',
        columns: [{ name: 'opened_for', type: 'reference', reference: 'sys_user' }],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.headers.location).toBe('/api/tables/hr_case');
      expect(created.body).toMatchObject({
        name: 'hr_case',
        label: 'HR Case',
        extends: 'task',
        numberPrefix: 'HRC',
        displayField: 'number',
        extendedBy: [],
      });
      const columns = new Map(created.body.columns.map((c: { name: string }) => [c.name, c]));
      expect(columns.get('opened_for')).toEqual({
        name: 'opened_for',
        type: 'reference',
        label: 'Opened for',
        table: 'hr_case',
        reference: 'sys_user',
        choices: null,
        system: false,
      });
      expect(columns.get('number')).toMatchObject({ table: 'task', type: 'string', system: false });
      expect(columns.get('sys_id')).toMatchObject({ system: true });
      expect((columns.get('priority') as { choices: unknown[] }).choices[0]).toEqual({
        value: 1,
        label: '1 - Critical',
      });

      expect((await request('GET', '/api/tables/hr_case')).body).toEqual(created.body);
      expect((await request('GET', '/api/tables/task')).body.extendedBy).toEqual(['incident', 'hr_case']);
      expect((await columnsOn('task')).map((c) => c.column_name)).toContain('opened_for');
    });

    it('adds a boolean column to incident, stored with the tasks, seen at once by imports', async () => {
      const added = await request('POST', '/api/tables/incident/columns', {
        name: 'u_caller_authenticated',
        type: 'boolean',
        label: 'Caller authenticated',
      });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      expect(added.body.columns.at(-1)).toEqual({
        name: 'u_caller_authenticated',
        type: 'boolean',
        label: 'Caller authenticated',
        table: 'incident',
        reference: null,
        choices: null,
        system: false,
      });
      expect(await columnsOn('task')).toContainEqual({
        column_name: 'u_caller_authenticated',
        data_type: 'boolean',
      });
      const imported = await app.inject({
        method: 'POST',
        url: '/api/tables/incident/records',
        headers: withCsrf(cookie),
        payload: [{ short_description: 'Verified caller', caller_id: ABEL, u_caller_authenticated: 'true' }],
      });
      expect(imported.statusCode, imported.body).toBe(200);
      const [row] = await services.reader.select({
        table: 'incident',
        query: 'u_caller_authenticated=true',
        limit: 5,
      });
      expect(row).toMatchObject({ short_description: 'Verified caller', u_caller_authenticated: true });
    });

    it('lets one of two simultaneous requests for the same table or column win, the other gets 409', async () => {
      const tables = await Promise.all(
        [1, 2].map(() =>
          request('POST', '/api/tables', { name: 'u_race', columns: [{ name: 'u_a', type: 'string' }] }),
        ),
      );
      expect(tables.map((r) => r.status).sort(), JSON.stringify(tables.map((r) => r.body))).toEqual([
        201, 409,
      ]);
      const columns = await Promise.all(
        [1, 2].map(() => request('POST', '/api/tables/u_race/columns', { name: 'u_b', type: 'integer' })),
      );
      expect(columns.map((r) => r.status).sort(), JSON.stringify(columns.map((r) => r.body))).toEqual([
        201, 409,
      ]);
      expect((await columnsOn('u_race')).map((c) => c.column_name)).toEqual([
        'sys_class_name',
        'sys_created_on',
        'sys_id',
        'sys_updated_on',
        'u_a',
        'u_b',
      ]);
    });

    it('shows and extends a table another process added, and this process follows', async () => {
      // Another process shares the database: its change reaches the database, not this process's copy.
      await applyDefinitions(db().database, [tableDefinition.parse({ name: 'u_elsewhere' })]);
      expect(services.dictionary.current().has('u_elsewhere')).toBe(false);
      expect((await request('GET', '/api/tables/u_elsewhere')).status).toBe(200);
      const listed = (await request('GET', '/api/tables')).body.tables.map((t: { name: string }) => t.name);
      expect(listed).toContain('u_elsewhere');
      const added = await request('POST', '/api/tables/u_elsewhere/columns', {
        name: 'u_note',
        type: 'string',
      });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      expect(services.dictionary.current().get('u_elsewhere')!.columns.has('u_note')).toBe(true);
    });

    it('takes names that are SQL keywords: identifiers are always quoted', async () => {
      const created = await request('POST', '/api/tables', {
        name: 'select',
        columns: [
          { name: 'from', type: 'string' },
          { name: 'order', type: 'integer', choices: [{ value: 1, label: 'First' }] },
          { name: 'user', type: 'reference', reference: 'sys_user' },
        ],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const imported = await app.inject({
        method: 'POST',
        url: '/api/tables/select/records',
        headers: withCsrf(cookie),
        payload: [{ from: 'drop table sys_user', order: '1', user: ABEL }],
      });
      expect(imported.statusCode, imported.body).toBe(200);
      const rows = await services.reader.select({
        table: 'select',
        query: 'order=1^user.name=Abel Tuter',
        limit: 5,
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ from: 'drop table sys_user' });
    });
  });

  describe('what is refused', () => {
    const invalid = (field: string, message: string) => ({
      code: 'VALIDATION_FAILED',
      message: `invalid request: ${field}: ${message}`,
      details: [{ field, message }],
    });
    const IDENTIFIER = 'must start with a lower-case letter and hold only a-z, 0-9 and _';

    it.each([
      [
        'a table name holding SQL',
        { name: 'x; drop table sys_user;--', columns: [] },
        400,
        invalid('body.name', IDENTIFIER),
      ],
      ['an upper-case name', { name: 'Hr_Case' }, 400, invalid('body.name', IDENTIFIER)],
      [
        'a name too long',
        { name: `u_${'x'.repeat(70)}` },
        400,
        invalid('body.name', 'must be at most 60 characters'),
      ],
      [
        'the name of a system table',
        { name: 'call_log' },
        400,
        invalid('body.name', 'is the name of a system table'),
      ],
      [
        'an existing business table',
        { name: 'sys_user', columns: [] },
        409,
        {
          code: 'CONFLICT',
          message: 'table sys_user already exists',
        },
      ],
      [
        'extending an unknown table',
        { name: 'u_x', extends: 'nowhere' },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: 'table u_x extends nowhere, which does not exist',
        },
      ],
      [
        'extending a system table',
        { name: 'u_x', extends: 'accounts' },
        400,
        invalid('body.extends', 'is the name of a system table'),
      ],
      [
        'a column of an unknown type',
        { name: 'u_x', columns: [{ name: 'u_amount', type: 'money' }] },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: expect.stringMatching(
            /^invalid request: body\.columns\.0\.type: Invalid option: expected one of "string"\|"integer"/,
          ),
          details: [{ field: 'body.columns.0.type', message: expect.any(String) }],
        },
      ],
      [
        'a reference to an unknown table',
        { name: 'u_x', columns: [{ name: 'u_r', type: 'reference', reference: 'nowhere' }] },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: 'column u_x.u_r refers to nowhere, which does not exist',
        },
      ],
      [
        'a reference to a system table',
        { name: 'u_x', columns: [{ name: 'u_r', type: 'reference', reference: 'accounts' }] },
        400,
        invalid('body.columns.0.reference', 'is the name of a system table'),
      ],
      [
        'a reference without its table',
        { name: 'u_x', columns: [{ name: 'u_r', type: 'reference' }] },
        400,
        invalid('body.columns.0.reference', 'a reference column must name the table it refers to'),
      ],
      [
        'a system column',
        { name: 'u_x', columns: [{ name: 'sys_id', type: 'string' }] },
        400,
        invalid('body.columns.0.name', 'is a system field every table already has'),
      ],
      [
        'a column declared twice',
        {
          name: 'u_x',
          columns: [
            { name: 'u_a', type: 'string' },
            { name: 'u_a', type: 'integer' },
          ],
        },
        400,
        invalid('body.columns.1.name', 'column u_a is declared twice'),
      ],
      [
        'a derived-column name',
        { name: 'u_x', columns: [{ name: 'u_a__e164', type: 'string' }] },
        400,
        invalid('body.columns.0.name', 'must not contain a double underscore (kept for derived columns)'),
      ],
      [
        'an unknown property',
        { name: 'u_x', owner: 'me' },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining('invalid request: body: '),
          details: [{ field: 'body', message: expect.stringContaining('owner') }],
        },
      ],
      [
        'a number prefix another table numbers with',
        { name: 'u_x', extends: 'task', numberPrefix: 'INC' },
        409,
        {
          code: 'CONFLICT',
          message: 'number prefix INC is already used by incident; give u_x a prefix of its own',
        },
      ],
      [
        'a column its parent has',
        { name: 'u_x', extends: 'task', columns: [{ name: 'number', type: 'string' }] },
        409,
        {
          code: 'CONFLICT',
          message: 'column number is already a column of task, which u_x extends',
        },
      ],
      [
        'a column a sibling in the same storage has',
        { name: 'u_x', extends: 'task', columns: [{ name: 'opened_for', type: 'string' }] },
        409,
        {
          code: 'CONFLICT',
          message: "column opened_for is already used by hr_case, which shares u_x's storage",
        },
      ],
      [
        'a display field that is no column',
        { name: 'u_x', displayField: 'u_title', columns: [{ name: 'u_name', type: 'string' }] },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: 'displayField u_title is not a column of u_x',
        },
      ],
    ])('POST /api/tables refuses %s', async (_what, payload, status, error) => {
      const before = await dictionaryRows();
      const response = await request('POST', '/api/tables', payload);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body).toEqual({ error });
      expect(await dictionaryRows()).toBe(before);
    });

    it.each([
      [
        'a column the table has',
        'incident',
        { name: 'u_caller_authenticated', type: 'boolean' },
        409,
        {
          code: 'CONFLICT',
          message: 'column u_caller_authenticated already exists on incident',
        },
      ],
      [
        'a column the table inherits',
        'incident',
        { name: 'caller_id', type: 'string' },
        409,
        {
          code: 'CONFLICT',
          message: 'column caller_id already exists on incident (inherited from task)',
        },
      ],
      [
        'a column a child of the table has',
        'task',
        { name: 'opened_for', type: 'reference', reference: 'sys_user' },
        409,
        {
          code: 'CONFLICT',
          message: "column opened_for is already used by hr_case, which shares task's storage",
        },
      ],
      [
        'a column of an unknown type',
        'incident',
        { name: 'u_x', type: 'money' },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining('invalid request: body.type: '),
          details: [{ field: 'body.type', message: expect.any(String) }],
        },
      ],
      [
        'more than one column',
        'incident',
        [{ name: 'u_x', type: 'string' }],
        400,
        {
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining('invalid request: body: '),
          details: [{ field: 'body', message: expect.any(String) }],
        },
      ],
      [
        'an unknown table',
        'nowhere',
        { name: 'u_x', type: 'string' },
        404,
        {
          code: 'NOT_FOUND',
          message: 'no business table named nowhere',
        },
      ],
      [
        'a system table',
        'accounts',
        { name: 'u_x', type: 'string' },
        404,
        {
          code: 'NOT_FOUND',
          message: 'no business table named accounts',
        },
      ],
    ])('POST /api/tables/:table/columns refuses %s', async (_what, table, payload, status, error) => {
      const before = await dictionaryRows();
      const response = await request('POST', `/api/tables/${table}/columns`, payload);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body).toEqual({ error });
      expect(await dictionaryRows()).toBe(before);
    });

    it.each([['accounts'], ['call_log'], ['dict_tables'], ['pg_class'], ['nowhere'], ['SYS_USER']])(
      'GET /api/tables/%s answers 404 with the one message for every non-business table',
      async (table) => {
        const response = await request('GET', `/api/tables/${table}`);
        expect(response.status).toBe(404);
        expect(response.body).toEqual({
          error: { code: 'NOT_FOUND', message: `no business table named ${table}` },
        });
      },
    );

    it('left sys_user as it was after every refusal', async () => {
      const [users] = await db().database.rows<{ n: number }>(
        sql`select count(*)::int as n from biz.sys_user`,
      );
      expect(users!.n).toBeGreaterThan(0);
      const tables = await db().database.rows<{ name: string }>(
        sql`select name from dict_tables where name like 'u\\_x%'`,
      );
      expect(tables).toEqual([]);
    });
  });

  describe('what stays closed', () => {
    let agentCookie: string;
    beforeAll(async () => {
      await services.accounts.create('agent.tab', 'agent password 1', 'agent');
      agentCookie = await login(app, 'agent.tab', 'agent password 1');
    });
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/tables'],
      ['POST', '/api/tables', { name: 'u_intruder' }],
      ['GET', '/api/tables/sys_user'],
      ['POST', '/api/tables/sys_user/columns', { name: 'u_intruder', type: 'string' }],
    ];

    it.each(routes)(
      '%s %s: 401 without a session, 401 with a token, 403 for an agent',
      async (method, url, payload) => {
        const send = (headers: Record<string, string>) =>
          app.inject({
            method: method as 'GET' | 'POST',
            url,
            headers,
            ...(payload === undefined ? {} : { payload: payload as object }),
          });
        const anonymous = await send({});
        expect(anonymous.statusCode, anonymous.body).toBe(401);
        const { token } = await services.accounts.issueToken(`t-${method}-${url}`, 'admin');
        expect((await send({ authorization: `Bearer ${token}` })).statusCode).toBe(401);
        const agent = await send({ cookie: agentCookie });
        expect(agent.statusCode, agent.body).toBe(403);
        const tables = await db().database.rows(sql`select name from dict_tables where name = 'u_intruder'`);
        expect(tables).toEqual([]);
      },
    );

    it.each([['accounts'], ['sessions'], ['call_log'], ['dict_columns'], ['rules']])(
      'no route of the table API reads, writes or extends the system table %s',
      async (table) => {
        const notFound = { error: { code: 'NOT_FOUND', message: `no business table named ${table}` } };
        expect((await request('GET', `/api/tables/${table}`)).body).toEqual(notFound);
        expect(
          (await request('POST', `/api/tables/${table}/columns`, { name: 'u_x', type: 'string' })).body,
        ).toEqual(notFound);
        expect((await request('POST', `/api/tables/${table}/records`, [{ username: 'x' }])).body).toEqual(
          notFound,
        );
        const extended = await request('POST', '/api/tables', { name: 'u_child', extends: table });
        expect(extended.status).toBe(400);
        const referring = await request('POST', '/api/tables', {
          name: 'u_child',
          columns: [{ name: 'u_r', type: 'reference', reference: table }],
        });
        expect(referring.status).toBe(400);
      },
    );

    it('checks the session before the body: a stranger learns nothing from a bad definition', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/tables',
        payload: { name: 'Bad Name' },
      });
      expect(response.statusCode).toBe(401);
    });
  });
});
