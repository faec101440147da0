/** Security headers (server/http/security-headers.ts): on every answer, one CSP each, the exact policies. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CSP, contentSecurityPolicyFor } from '../../server/http/security-headers.ts';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

// Written out rather than imported: these strings are the contract (SPEC §10, issue #10).
const EXPECTED_API_CSP = "default-src 'none'; frame-ancestors 'none'";
const EXPECTED_CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const EXPECTED_SCREEN_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'";
const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/** The headers every answer carries, whatever its policy. */
function expectHardened(response: Response, csp: string) {
  const where = `${response.statusCode} ${response.headers['content-type']}`;
  // A string, not an array: exactly one header.
  expect(response.headers['content-security-policy'], where).toBe(csp);
  expect(response.headers['x-content-type-options'], where).toBe('nosniff');
  expect(response.headers['referrer-policy'], where).toBe('same-origin');
  expect(response.headers['x-frame-options'], where).toBe('DENY');
  expect(response.headers['x-powered-by'], where).toBeUndefined();
  // Plain HTTP, no trusted proxy: no HSTS.
  expect(response.headers['strict-transport-security'], where).toBeUndefined();
}

describe('the policy chosen by path', () => {
  it.each([
    ['/api/rules', EXPECTED_API_CSP],
    ['/cti.do?sysparm_caller_phone=1', EXPECTED_API_CSP],
    ['/administrator', EXPECTED_API_CSP],
    ['/admin', EXPECTED_CONSOLE_CSP],
    ['/admin?x=1', EXPECTED_CONSOLE_CSP],
    ['/admin/rules/Foo', EXPECTED_CONSOLE_CSP],
    ['/admin/assets/index-abc.js', EXPECTED_CONSOLE_CSP],
  ])('%s → its policy', (path, csp) => {
    expect(contentSecurityPolicyFor(path)).toBe(csp);
  });

  it('is the API policy of the issue', () => {
    expect(API_CSP).toBe(EXPECTED_API_CSP);
  });
});

describeEachDatabase('security headers on every answer', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let admin: string;
  let agent: string;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    await services.accounts.create('agent.hal', 'agent password 1', 'agent');
    admin = await login(app);
    agent = await login(app, 'agent.hal', 'agent password 1');
  });
  afterAll(() => app.close());

  it('on the JSON API: an answer, a refusal, a validation error and an unknown route', async () => {
    const answers = [
      await app.inject({ url: '/api/rules', headers: { cookie: admin } }),
      await app.inject({ url: '/api/rules' }),
      await app.inject({ method: 'POST', url: '/api/login', payload: { username: 7 } }),
      await app.inject({ url: '/api/no-such-thing' }),
      await app.inject({ url: '/healthz' }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 400, 404, 200]);
    for (const answer of answers) expectHardened(answer, EXPECTED_API_CSP);
  });

  it("on a screen: the screens' own script-free policy, not a second one", async () => {
    const answers = [
      await app.inject({ url: '/login', headers: { accept: 'text/html' } }),
      await app.inject({
        url: `/sys_user.do?sys_id=${ABEL}`,
        headers: { cookie: agent, accept: 'text/html' },
      }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    for (const answer of answers) expectHardened(answer, EXPECTED_SCREEN_CSP);
  });

  it("on the console: the console's policy, once, on the page, its refusals and its assets", async () => {
    const page = await app.inject({ url: '/admin/rules', headers: { cookie: admin, accept: 'text/html' } });
    const agentRefused = await app.inject({ url: '/admin', headers: { cookie: agent, accept: 'text/html' } });
    const stranger = await app.inject({ url: '/admin' });
    expect([page.statusCode, agentRefused.statusCode, stranger.statusCode]).toEqual([200, 403, 302]);
    // A hashed file the page loads (npm test builds the console when it is stale).
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(asset, page.body).toBeDefined();
    const file = await app.inject({ url: asset!, headers: { cookie: admin } });
    expect(file.statusCode).toBe(200);
    const answers = [page, agentRefused, stranger, file];
    for (const answer of answers) expectHardened(answer, EXPECTED_CONSOLE_CSP);
  });

  it('on a 429', async () => {
    const { app: limited } = await buildTestApp(db(), { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1' });
    try {
      await limited.inject({ url: '/api/rules' });
      const refused = await limited.inject({ url: '/api/rules' });
      expect(refused.statusCode).toBe(429);
      expectHardened(refused, EXPECTED_API_CSP);
    } finally {
      await limited.close();
    }
  });
});
