/**
 * Every JSON API route of the OpenAPI document (SPEC §10), called by a signed-in admin with arbitrary
 * bodies, path parameters and query strings, stated as a property (fast-check): bad input gets a 4xx
 * with the one error body `{"error": {"code", "message", "details"?}}`, never a 5xx, never a stack
 * trace, a file path or a driver's or zod's raw words. The routes are read from the document at
 * run time, so a route added later is covered without touching this file.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import {
  type ApiRoute,
  answerProblem,
  documentedRoutes,
  errorShapeProblem,
  show,
  UNLIMITED,
} from './boundary-checks.ts';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | Schema;
};

// --- the generators ---------------------------------------------------------------------------

const HOSTILE = [
  "' or '1'='1",
  "'); drop table accounts; --",
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '\u0000',
  '\u202e',
  '',
  ' ',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  'NaN',
  'true',
  'null',
  '2024-02-30T25:61:00Z',
];
/** Text with a NUL character in it: JSON and URLs carry one, PostgreSQL's text and jsonb cannot. */
const withNul = (arbitrary: fc.Arbitrary<string>) =>
  fc
    .tuple(arbitrary, fc.nat())
    .map(([s, at]) => `${s.slice(0, at % (s.length + 1))}\u0000${s.slice(at % (s.length + 1))}`);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: withNul(fc.string({ maxLength: 10 })) },
);
/** JSON of any shape, with the keys that trip careless code among the rest. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: text },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53 + 2, -(2 ** 31) - 1, 1e308, true, false, null, [], {}),
  },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
);

/** Examples for fields whose valid values random text rarely hits. */
const HINTS: Record<string, fc.Arbitrary<unknown>> = {
  script: fc.constantFrom(
    'answer = "/incident.do?sys_id=-1";',
    '',
    'while (true) {}',
    'throw new Error("x")',
    'answer = 1;',
    'var gr = new GlideRecord("sys_user"); gr.query(); answer = "/x.do";',
    'answer = "javascript:alert(1)";',
    '}{',
  ),
  url: fc.oneof(
    fc.constantFrom(
      '/cti.do?sysparm_caller_phone=4155550142',
      'https://evil.example/cti.do?x=%zz',
      'cti.do',
      '/cti.do?sysparm_cti_rule=nope',
      '',
    ),
    text.map((t) => `/cti.do?${t}`),
  ),
  version: fc.constantFrom(1, 2, 3, 0, 2 ** 31, 2 ** 53 - 1),
  rule: fc.constantFrom('CTIProcessing', 'ctiRecordTaskCall', 'nope'),
  reference: fc.constantFrom('sys_user', 'task', 'incident', 'nope'),
  extends: fc.constantFrom('task', 'sys_user', 'incident', 'nope'),
};

/** A value for `schema` that mostly fits it and at times does not, field by field. */
function near(schema: Schema, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
  const hint = name !== undefined ? HINTS[name] : undefined;
  const fitting = fits(schema, depth);
  return fc.oneof(
    { weight: 5, arbitrary: hint ? fc.oneof(hint, fitting) : fitting },
    { weight: 1, arbitrary: depth > 2 ? fc.constant(null) : anyJson },
  );
}

function fits(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => fits(s, depth)));
  switch (schema.type) {
    case 'string': {
      const max = Math.min(schema.maxLength ?? 40, 40);
      if (schema.pattern) {
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length <= (schema.maxLength ?? Infinity) && s.length >= (schema.minLength ?? 0));
      }
      const fitting = fc.string({
        unit: 'grapheme',
        minLength: Math.min(schema.minLength ?? 0, max),
        maxLength: Math.max(max, schema.minLength ?? 0),
      });
      return fc.oneof({ weight: 5, arbitrary: fitting }, { weight: 1, arbitrary: withNul(fitting) });
    }
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1e6, -1e6),
        max: Math.min(schema.maximum ?? 1e6, 1e6),
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schema.items && depth < 4 ? near(schema.items, undefined, depth + 1) : anyJson, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(Math.min(schema.maxItems ?? 3, 3), schema.minItems ?? 0),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, near(value, key, depth + 1)]),
      );
      const known = fc.record(model, {
        requiredKeys: (schema.required ?? []).filter((k) => k in properties),
      });
      const extra = schema.additionalProperties;
      if (extra && typeof extra === 'object' && Object.keys(properties).length === 0) {
        return fc.dictionary(
          fc.oneof(
            text,
            fc.string({ maxLength: 12 }).map((s) => `sysparm_${s}`),
          ),
          near(extra, undefined, depth + 1),
          { maxKeys: 4 },
        );
      }
      return known;
    }
    default:
      return anyJson;
  }
}

/** Records for a business table: its real columns with values of every kind, and some unknown ones. */
const recordsFor = (columns: string[]) =>
  fc.array(
    fc.dictionary(
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...columns) }, { weight: 1, arbitrary: text }),
      fc.oneof(
        text,
        anyJson,
        fc.constantFrom(null, ''),
        fc.constantFrom(
          '4155550142',
          'INC0010001',
          'abel.tuter',
          '2024-01-01 10:00:00',
          '6816f79c-c0a8-0164-01c5-a33be04be441',
        ),
      ),
      { maxKeys: 5 },
    ),
    { minLength: 0, maxLength: 3 },
  );

type Body = { raw: string } | { json: unknown } | null;

/** A body: for a route that takes one, near its schema, or anything; malformed JSON at times. */
function bodyFor(route: ApiRoute, columnsOf: Map<string, string[]>, table: string): fc.Arbitrary<Body> {
  const schema = route.operation.requestBody?.content['application/json']?.schema as Schema | undefined;
  const malformed = fc.constantFrom(
    '{',
    '{"a":',
    '[1,]',
    'nul',
    '{"__proto__": {"admin": true}}',
    '{"constructor": {"prototype": {"x": 1}}}',
    '\u0000',
    '1'.repeat(400),
  );
  const shaped = route.path.endsWith('/records')
    ? recordsFor(columnsOf.get(table) ?? ['name'])
    : schema
      ? near(schema, undefined, 0)
      : anyJson;
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((json) => ({ json })) },
    { weight: 2, arbitrary: anyJson.map((json) => ({ json })) },
    { weight: 1, arbitrary: malformed.map((raw) => ({ raw })) },
    { weight: route.operation.requestBody ? 1 : 4, arbitrary: fc.constant(null) },
  );
}

/** Writes text into a URL part, percent-encoded (a lone surrogate has no UTF-8: it becomes U+FFFD). */
const encode = (value: string) => encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd'));

// --- the property -------------------------------------------------------------------------------

describeEachDatabase('the JSON API under arbitrary input from a signed-in admin', (db) => {
  let app: FastifyInstance;
  let cookie: string;
  let routes: ApiRoute[];
  const known: Record<string, string[]> = {};
  const columnsOf = new Map<string, string[]>();
  const seen = new Map<string, Set<number>>();
  beforeAll(async () => {
    ({ app } = await buildTestApp(db(), UNLIMITED));
    cookie = await login(app);
    routes = await documentedRoutes(app);
    const tables = (await app.inject({ method: 'GET', url: '/api/tables', headers: { cookie } })).json()
      .tables as { name: string }[];
    for (const { name } of tables) {
      const view = (
        await app.inject({ method: 'GET', url: `/api/tables/${name}`, headers: { cookie } })
      ).json();
      columnsOf.set(
        name,
        (view.columns as { name: string }[]).map((c) => c.name),
      );
    }
    const token = (
      await app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: withCsrf(cookie),
        payload: { name: 'fuzz' },
      })
    ).json();
    known.table = [...columnsOf.keys(), 'dict_tables', 'accounts', 'pg_class'];
    known.name = ['CTIProcessing', 'ctiRecordTaskCall', 'toString'];
    known.version = ['1', '2', '0', '-1', '1.5', '2147483648', '99999999999999999999'];
    known.id = [token.id, '00000000-0000-0000-0000-000000000000'];
    // Never the signed-in admin: disabling or demoting it would end the test, not find a bug.
    known.username = ['agent.x', 'nobody'];
    await app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: withCsrf(cookie),
      payload: { username: 'agent.x', password: 'agent x password', role: 'agent' },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const pathParam = (route: ApiRoute, name: string) =>
    fc
      .oneof(
        { weight: 3, arbitrary: fc.constantFrom(...(known[name] ?? ['x'])) },
        { weight: 3, arbitrary: text },
        { weight: 1, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: fc.integer().map(String) },
      )
      // Up to the router's parameter length (200, server/app.ts; past it, see the examples below); never the
      // admin itself, whose demotion or new password would sign this test out; and the default rule
      // is never deleted, so the routes of rules and versions keep something to work on.
      .filter(
        (value) =>
          value.length <= 200 &&
          value.trim().toLowerCase() !== 'admin' &&
          !(route.method === 'DELETE' && value === 'CTIProcessing'),
      );

  const queryFor = (route: ApiRoute) => {
    const names = (route.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    const name =
      names.length > 0
        ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: text })
        : text;
    const value = fc.oneof(
      text,
      fc.constantFrom(
        'true',
        'false',
        '1',
        '500',
        '501',
        '-5',
        '2024-01-01T00:00:00Z',
        'answer',
        'insert',
        'CTIProcessing',
      ),
    );
    return fc
      .array(fc.tuple(name, value), { maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));
  };

  const request = fc.integer({ min: 0, max: 10_000 }).chain((pick) => {
    const route = routes[pick % routes.length]!;
    const names = route.path.match(/\{(\w+)\}/g)?.map((n) => n.slice(1, -1)) ?? [];
    return fc
      .record({
        params: fc.tuple(...names.map((name) => pathParam(route, name))),
        query: queryFor(route),
      })
      .chain(({ params, query }) => {
        const table = names[0] === 'table' ? params[0]! : '';
        return bodyFor(route, columnsOf, table).map((body) => ({ route, params, query, body }));
      });
  });

  it('answers every route with a 2xx, or a 4xx with the error body; never a 5xx or internals', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ route, params, query, body }) => {
        let i = 0;
        const url = `${route.path.replace(/\{\w+\}/g, () => encode(params[i++]!))}${query ? `?${query}` : ''}`;
        const payload = body === null ? undefined : 'raw' in body ? body.raw : JSON.stringify(body.json);
        const response = await app.inject({
          method: route.method as 'GET',
          url,
          headers: {
            ...withCsrf(cookie),
            ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(payload !== undefined ? { payload } : {}),
        });
        const described = show(response, `${route.method} ${url} ${payload?.slice(0, 300) ?? ''}`);
        const status = response.statusCode;
        const statuses = seen.get(`${route.method} ${route.path}`) ?? new Set();
        seen.set(`${route.method} ${route.path}`, statuses.add(status));
        if (route.path === '/api/logout') cookie = await login(app);
        expect(answerProblem(response, { pageAllowed: false }), described).toBeNull();
        // A signed-in admin with the CSRF token is never taken for a stranger, nor rate limited.
        if (route.path !== '/api/login') expect([401, 403, 429], described).not.toContain(status);
      }),
      { numRuns: 600 },
    );
    // Every route was called, and the runs went past validation: some succeeded.
    expect([...seen.keys()].sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    const succeeded = [...seen].filter(([, statuses]) => [...statuses].some((s) => s < 300));
    expect(succeeded.length, JSON.stringify([...seen].map(([k, s]) => [k, [...s]]))).toBeGreaterThan(
      routes.length / 2,
    );
  });

  // Found by the property: text holding U+0000, which PostgreSQL's text and jsonb cannot store,
  // reached the database and came back as a 500. Now the one error handler answers 400.
  it.each([
    ['PATCH', '/api/rules/%00', { clientCallable: false }],
    ['GET', '/api/rules/%00/versions', undefined],
    ['DELETE', '/api/accounts/%00', undefined],
    ['GET', '/api/audit?rule=%00', undefined],
    ['POST', '/api/tokens', { name: '\u0000' }],
    ['POST', '/api/login', { username: '\u0000', password: 'x' }],
    ['PUT', '/api/dictionary', { tables: [{ name: 'u_nul', label: 'a\u0000b' }] }],
  ] as const)('answers %s %s with a NUL character 400, not 500', async (method, url, payload) => {
    const response = await app.inject({
      method,
      url,
      headers: withCsrf(cookie),
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('NUL character') },
    });
  });

  // Found by the property in CI: a lone surrogate in JSON (`"\ud804"`) reached a jsonb column, which
  // PostgreSQL refused (22P02), a 500. Any API body holding one, or a NUL, is refused first, naming where.
  it.each([
    ['/api/tables/incident/records', [{ short_description: 'x', work_notes: '\u0000' }], '$[0].work_notes'],
    [
      '/api/tables/task/columns',
      { name: 'a', type: 'string', choices: [{ value: 'v', label: 'a\ud804b' }] },
      '$.choices[0].label',
    ],
    ['/api/rules', { name: 'Lone', script: "answer = '/x';", description: '\udc00' }, '$.description'],
    ['/api/dry-run', { script: "answer = '/x';", params: { 'sysparm_\ud800': 'x' } }, '$.params.sysparm_?'],
  ] as const)('refuses POST %s holding a NUL or a lone surrogate, naming where', async (url, payload, at) => {
    const response = await app.inject({ method: 'POST', url, headers: withCsrf(cookie), payload });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toEqual({
      code: 'BAD_REQUEST',
      message: `the request body holds a NUL character or an unpaired UTF-16 surrogate at ${at}, which no text here may contain`,
    });
  });

  // Found with the screens' property (boundary-pages.test.ts): a blank journal value (null or "")
  // became a null that the journal column (never null) refused, a 500. Now it adds no entry.
  it.each([
    [{ short_description: 'empty notes', work_notes: null }],
    [{ short_description: 'empty notes', work_notes: '', comments: null }],
  ])('imports %j, a blank journal adding no entry', async (record) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/tables/incident/records',
      headers: withCsrf(cookie),
      payload: [record],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ inserted: 1, updated: 0 });
    const again = await app.inject({
      method: 'POST',
      url: '/api/tables/incident/records',
      headers: withCsrf(cookie),
      payload: [{ ...record, sys_id: response.json().sysIds[0] }],
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ inserted: 0, updated: 1 });
  });

  // Found by the property: a version past PostgreSQL's integer (2^31 - 1) passed validation and was
  // refused by the database (22003), a 500. Now the rule schemas bound it: 400 naming the field.
  it.each([
    ['POST', '/api/rules/CTIProcessing/revert', { version: 2_147_483_648 }, 'body.version'],
    ['PUT', '/api/rules/CTIProcessing', { script: '', version: 2_147_483_648 }, 'body.version'],
    ['GET', '/api/rules/CTIProcessing/versions/2147483648', undefined, 'params.version'],
  ] as const)('answers %s %s past the largest version 400, not 500', async (method, url, payload, field) => {
    const response = await app.inject({
      method,
      url,
      headers: withCsrf(cookie),
      ...(payload !== undefined ? { payload } : {}),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toEqual({
      code: 'VALIDATION_FAILED',
      message: `invalid request: ${field}`,
      details: [{ field, message: 'must be at most 2147483647' }],
    });
  });

  // Fastify refuses these in its router, before any hook, in its own body
  // ({"error":"Bad Request","code":"FST_ERR_BAD_URL",…}) unless server/app.ts passes
  // answerFrameworkError (server/http/error-handler.ts) as `frameworkErrors`; a 150-character
  // username passes only with `routerOptions.maxParamLength` raised to 200, a username's longest.
  it.each([
    ['GET', '/api/rules/%'],
    ['GET', '/api/rules/%E0%A4%A'],
    ['DELETE', `/api/accounts/${'a'.repeat(150)}`],
  ] as const)('answers %s %s with the error body', async (method, url) => {
    const response = await app.inject({ method, url, headers: withCsrf(cookie) });
    expect(response.statusCode, response.body).toBeLessThan(500);
    expect(errorShapeProblem(response), response.body).toBeNull();
  });
});
