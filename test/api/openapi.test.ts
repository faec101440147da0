/** OpenAPI at /docs (SPEC §10): generated from the routes' zod schemas, every /api route in it, errors included. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { type Route, registeredRoutes } from '../helpers/routes.ts';

type Schema = Record<string, unknown>;
type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  security?: unknown[];
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
};

const ERROR_REF = { $ref: '#/components/schemas/ApiError' };

/** Fastify's `/api/rules/:name` is OpenAPI's `/api/rules/{name}`. */
const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describeEachDatabase('the OpenAPI document', (db) => {
  let app: FastifyInstance;
  let doc: Document;
  let apiRoutes: Route[];
  const operation = (method: string, url: string) => doc.paths[openapiPath(url)]?.[method.toLowerCase()];
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    const response = await app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode, response.body).toBe(200);
    doc = response.json();
    apiRoutes = registeredRoutes(app).filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
  });
  afterAll(async () => {
    await app.close();
  });

  it('is served at /docs and /docs/openapi.json, the same OpenAPI 3 JSON document', async () => {
    const again = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['content-type']).toMatch(/^application\/json/);
    expect(again.json()).toEqual(doc);
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'ctihost', version: expect.any(String) });
    expect(doc.components.schemas.ApiError).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'object', required: ['code', 'message'] } },
    });
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie' });
  });

  it('has every registered /api route with its method', () => {
    expect(apiRoutes.length).toBeGreaterThan(25);
    const missing = apiRoutes.filter((r) => !operation(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    // And nothing else under /api that is not a route.
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(apiRoutes.map((r) => `${r.method} ${openapiPath(r.url)}`).sort());
  });

  it('leaves out the screens, /cti.do, /login and the document itself; keeps the operations routes', () => {
    const paths = Object.keys(doc.paths);
    for (const path of paths)
      expect(path.startsWith('/api/') || ['/healthz', '/readyz', '/metrics'].includes(path), path).toBe(true);
    expect(paths).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
  });

  it('is well formed: every operation answers something described, every $ref resolves', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/([^"]+)"/.exec(ref)?.[1];
      expect(name && doc.components.schemas[name], ref).toBeTruthy();
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
        for (const s of statuses) expect(op.responses[s]!.description, `${method} ${path} ${s}`).toBeTruthy();
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          const param = op.parameters?.find((p) => p.in === 'path' && `{${p.name}}` === name);
          expect(param, `${method} ${path} ${name}`).toMatchObject({ required: true });
        }
      }
    }
  });

  it('documents bodies, parameters and success answers from the zod schemas', () => {
    const create = operation('POST', '/api/accounts')!;
    expect(create.requestBody!.content['application/json']!.schema).toMatchObject({
      type: 'object',
      required: ['username', 'password', 'role'],
      properties: { password: { type: 'string', minLength: 12 }, role: { enum: ['agent', 'admin'] } },
    });
    expect(create.responses['201']!.content!['application/json']!.schema).toMatchObject({
      properties: { username: { type: 'string' }, disabled: { type: 'boolean' } },
    });
    const listed = operation('GET', '/api/accounts')!.responses['200']!.content!['application/json']!
      .schema as {
      properties: { accounts: { items: { properties: object } } };
    };
    expect(Object.keys(listed.properties.accounts.items.properties).sort()).toEqual([
      'createdAt',
      'disabled',
      'role',
      'username',
    ]);
    expect(
      operation('POST', '/api/tokens')!.responses['201']!.content!['application/json']!.schema,
    ).toMatchObject({
      required: ['id', 'name', 'token'],
    });
    expect(operation('DELETE', '/api/tokens/:id')!.responses['204']).toEqual({ description: 'No content' });
    expect(operation('GET', '/api/rules')!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['query:search', 'query:active', 'query:clientCallable']),
    );
    expect(
      operation('PUT', '/api/rules/:name')!.responses['200']!.content!['application/json']!.schema,
    ).toMatchObject({
      required: [
        'name',
        'description',
        'script',
        'clientCallable',
        'active',
        'version',
        'updatedAt',
        'updatedBy',
      ],
    });
    expect(operation('GET', '/api/sandbox.d.ts')!.responses['200']!.content).toHaveProperty(
      'application/typescript',
    );
  });

  it('documents the error answers where they apply, all with the one error body', () => {
    const errors = (method: string, url: string) =>
      Object.entries(operation(method, url)!.responses)
        .filter(
          ([status, answer]) =>
            status.startsWith('4') && JSON.stringify(answer.content).includes(ERROR_REF.$ref),
        )
        .map(([status]) => status)
        .sort();
    expect(errors('POST', '/api/accounts')).toEqual(['400', '401', '403', '409']);
    expect(errors('PATCH', '/api/accounts/:username')).toEqual(['400', '401', '403', '404', '409']);
    expect(errors('DELETE', '/api/accounts/:username')).toEqual(['400', '401', '403', '404', '409']);
    expect(errors('GET', '/api/accounts')).toEqual(['401', '403']);
    expect(errors('DELETE', '/api/tokens/:id')).toEqual(['400', '401', '403', '404']);
    // A stale save: the console reads this one.
    expect(errors('PUT', '/api/rules/:name')).toEqual(['400', '401', '403', '404', '409']);
    expect(errors('POST', '/api/rules')).toEqual(['400', '401', '403', '409']);
    // Not signed in is no error of logging in; an agent may ask who they are.
    expect(errors('POST', '/api/login')).toEqual(['400']);
    expect(errors('GET', '/api/session')).toEqual(['401']);
    // Every admin route says it needs the session.
    for (const route of apiRoutes.filter(
      (r) => !['/api/login', '/api/logout', '/api/session'].includes(r.url),
    )) {
      expect(errors(route.method, route.url), `${route.method} ${route.url}`).toEqual(
        expect.arrayContaining(['401', '403']),
      );
      expect(operation(route.method, route.url)!.security).toEqual([{ session: [] }]);
    }
  });
});
