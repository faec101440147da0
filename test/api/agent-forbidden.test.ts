/**
 * What must stay closed to agents: every admin route of the API, enumerated from the app's own
 * routes so a new one cannot slip through (add it to AGENT_ROUTES only if agents are meant to use
 * it). Agents keep what they are for: /cti.do and the popped screens.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { type Route, registeredRoutes } from '../helpers/routes.ts';

/** The /api routes an agent may use: logging in and out, and asking who they are. */
const AGENT_ROUTES = new Set([
  'POST /api/login',
  'POST /api/logout',
  'GET /api/session',
  'HEAD /api/session',
]);
/** The areas the console administers: each must have routes, or the enumeration is broken. */
const ADMIN_AREAS = ['/api/rules', '/api/accounts', '/api/tokens'];

describeEachDatabase('agents and the admin API', (db) => {
  let app: FastifyInstance;
  let admin: string;
  let agent: string;
  let token: { id: string; token: string };
  let adminRoutes: Route[];
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    admin = await login(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: withCsrf(admin),
      payload: { username: 'agent', password: 'an agent password', role: 'agent' },
    });
    expect(created.statusCode, created.body).toBe(201);
    agent = await login(app, 'agent', 'an agent password');
    token = (
      await app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: withCsrf(admin),
        payload: { name: 'pbx' },
      })
    ).json();
    await app.ready();
    adminRoutes = registeredRoutes(app).filter(
      (r) => r.url.startsWith('/api/') && !AGENT_ROUTES.has(`${r.method} ${r.url}`),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  /** Real names and ids, so a route that let an agent through would change something visible. */
  const concrete = (url: string) =>
    url
      .replace(':name', 'CTIProcessing')
      .replace(':version', '1')
      .replace(':username', 'admin')
      .replace(':id', token.id)
      .replace(':table', 'incident');

  it('finds the admin routes of every area', () => {
    for (const area of ADMIN_AREAS) {
      expect(adminRoutes.filter((r) => r.url.startsWith(area)).length, area).toBeGreaterThanOrEqual(2);
    }
    const methods = new Set(adminRoutes.map((r) => r.method));
    expect([...methods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
  });

  it('answers an agent 403 FORBIDDEN on every admin route and method, with its CSRF token', async () => {
    const answers: string[] = [];
    for (const route of adminRoutes) {
      const response = await app.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        headers: withCsrf(agent),
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
      });
      const code = route.method === 'HEAD' ? 'FORBIDDEN' : response.json().error?.code;
      answers.push(`${route.method} ${route.url} ${response.statusCode} ${code}`);
    }
    expect(answers).toEqual(adminRoutes.map((r) => `${r.method} ${r.url} 403 FORBIDDEN`));
  });

  it('answers a telephony token 401 on every admin route', async () => {
    const answers: string[] = [];
    for (const route of adminRoutes) {
      const response = await app.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        headers: { authorization: `Bearer ${token.token}` },
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
      });
      answers.push(`${route.method} ${route.url} ${response.statusCode}`);
    }
    expect(answers).toEqual(adminRoutes.map((r) => `${r.method} ${r.url} 401`));
  });

  it('changed nothing: the rule, the admin account and the token are as they were', async () => {
    const rule = await app.inject({
      method: 'GET',
      url: '/api/rules/CTIProcessing',
      headers: { cookie: admin },
    });
    expect(rule.json()).toMatchObject({ name: 'CTIProcessing', active: true, version: 1 });
    const accounts = (
      await app.inject({ method: 'GET', url: '/api/accounts', headers: { cookie: admin } })
    ).json();
    expect(accounts.accounts.find((a: { username: string }) => a.username === 'admin')).toMatchObject({
      role: 'admin',
      disabled: false,
    });
    const tokens = (
      await app.inject({ method: 'GET', url: '/api/tokens', headers: { cookie: admin } })
    ).json();
    expect(tokens.tokens.find((t: { id: string }) => t.id === token.id).revokedAt).toBeNull();
  });

  describe('an agent still works the phone', () => {
    it('pops a caller through /cti.do and opens the popped screen', async () => {
      const pop = await app.inject({
        method: 'GET',
        url: '/cti.do?sysparm_caller_phone=4155550142',
        headers: { cookie: agent },
      });
      expect(pop.statusCode, pop.body).toBe(302);
      const location = pop.headers.location as string;
      expect(location).toMatch(/^\/\w+\.do\?/);
      const screen = await app.inject({ method: 'GET', url: location, headers: { cookie: agent } });
      expect(screen.statusCode, screen.body.slice(0, 300)).toBe(200);
      expect(screen.headers['content-type']).toMatch(/^text\/html/);
    });

    it('asks who they are through GET /api/session', async () => {
      const session = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: agent } });
      expect(session.json()).toMatchObject({ username: 'agent', role: 'agent' });
    });
  });
});
